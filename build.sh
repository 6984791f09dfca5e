#!/usr/bin/env bash
# Build, test and benchmark Loos Edge.
#   ./build.sh test    install the test peers (influxd, VictoriaMetrics), build, run every test suite
#   ./build.sh bench   run the benchmarks and the side-by-side scripts in bench/ and refresh README's benchmark record
#                      (BENCH_FILTER='*MBus*' or '' for none, BENCH_SCRIPTS='release tenant-page' choose a part)
#   ./build.sh build   build only
#   ./build.sh package RID   a release archive for linux-arm64 (a Raspberry Pi) or linux-x64 in artifacts/:
#                      the self-contained gateway, firmware-config, the unit, install.sh and README; no SDK needed to install
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests start as real peers (influxd, VictoriaMetrics, pymodbus devices on TCP and on
# socat pseudo-terminals), on loopback with temporary directories; python3-holidays is the second computation the
# French public holidays are checked against; Debian's Chromium and ChromeDriver open the web pages as a browser does.
# qemu-user-static with the arm64 C and C++ libraries runs the linux-arm64 archive's gateway as a smoke test.
TEST_PACKAGES=(influxdb influxdb-client victoria-metrics curl python3-pymodbus python3-serial python3-holidays socat mosquitto mosquitto-clients chromium chromium-driver
  qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross)
# Peers the side-by-side benchmarks compare against; /usr/bin/time measures the heating report's peak memory and
# strace shows bench/building-load.sh which files take the writes.
BENCH_PACKAGES=(mbpoll time strace)
# The release is compiled ahead of time: clang links the program and llvm-objcopy takes its symbols apart; for the
# Pi, clang links against the arm64 C library with the arm64 binutils.
NATIVE_PACKAGES=(clang llvm)
ARM64_CROSS_PACKAGES=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross)

install_packages() {
  ./install.sh --packages "$@"
}

build() {
  dotnet build Loos.Edge.sln -c Release -nologo -clp:ErrorsOnly
}

# The version every assembly carries (Directory.Build.props), which `loos-edge --version` prints.
project_version() {
  sed -nE 's|.*<Version>([^<]+)</Version>.*|\1|p' Directory.Build.props | head -1
}

# artifacts/loos-edge-VERSION-RID.tar.gz, unpacked beside it as artifacts/loos-edge-VERSION-RID/ (install.sh from a
# clone installs from there). The archive's folder: install.sh, README.md, VERSION, program/ (the self-contained
# publish), firmware-config/ (profiles, MQTT presets, site files, Grafana folder, systemd unit).
package() {
  local rid=${1:-}
  case "$rid" in
    linux-arm64 | linux-x64) ;;
    *) echo "usage: $0 package linux-arm64|linux-x64" >&2; exit 2 ;;
  esac
  local version name stage started
  version=$(project_version)
  name="loos-edge-$version-$rid"
  stage="artifacts/$name"
  started=$SECONDS
  rm -rf "$stage" "artifacts/$name.tar.gz"
  install_packages "${NATIVE_PACKAGES[@]}"
  [ "$rid" = linux-x64 ] || install_packages "${ARM64_CROSS_PACKAGES[@]}"
  # Compiled ahead of time, with satellite resources only in English: the settings are in src/Loos.Edge/Loos.Edge.csproj.
  dotnet publish src/Loos.Edge/Loos.Edge.csproj -c Release -r "$rid" --self-contained -nologo -clp:ErrorsOnly \
    -o "$stage/program"
  # The native symbols (loos-edge.dbg, twice the program's size) and the assemblies' debug files stay out of the release.
  rm -f "$stage/program/"*.dbg "$stage/program/"*.pdb
  mkdir -p "$stage/firmware-config"
  cp -r firmware-config/profiles firmware-config/mqtt-presets firmware-config/grafana firmware-config/systemd firmware-config/*.yaml "$stage/firmware-config/"
  cp install.sh README.md "$stage/"
  echo "$version" >"$stage/VERSION"
  echo "$rid" >"$stage/RID"
  tar -C artifacts -czf "artifacts/$name.tar.gz" "$name"
  echo "artifacts/$name.tar.gz: $(du -m "artifacts/$name.tar.gz" | cut -f1) MB ($(du -sm "$stage" | cut -f1) MB unpacked), made in $((SECONDS - started)) s"
}

# The number after "NAME:" in dotnet test's summary line, 0 when absent.
count() {
  local value
  value=$(sed -nE "s/.*$1: *([0-9]+).*/\\1/p" <<<"$2" | head -1)
  echo "${value:-0}"
}

# Runs one test project's tests that match a filter and adds them to the counts; lists its skipped tests in $skipped_log.
run_project() {
  local project=$1 filter=$2 log summary
  log=$(mktemp)
  # A test that hangs (a peer that never answers and a read that never times out) fails the run instead of stalling it.
  # The install tests first compile both releases ahead of time, minutes before their first test ends.
  local hang=5m
  [[ "$project" != *Install.Tests* ]] || hang=20m
  if ! dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout "$hang" --filter "$filter" --logger "console;verbosity=minimal" 2>&1 | tee "$log"; then
    status=1
  fi
  summary=$(grep -E "(Passed|Failed|Skipped)!" "$log" | tail -1 || true)
  passed=$((passed + $(count Passed "$summary")))
  failed=$((failed + $(count Failed "$summary")))
  skipped=$((skipped + $(count Skipped "$summary")))
  grep -E '^\s+Skipped ' "$log" >>"$skipped_log" || true
  rm -f "$log"
}

run_tests() {
  # The install tests package both releases at once: their toolchains are installed here, before, not by two apt-gets.
  install_packages "${TEST_PACKAGES[@]}" "${NATIVE_PACKAGES[@]}" "${ARM64_CROSS_PACKAGES[@]}"
  build
  local passed=0 failed=0 skipped=0 status=0 project skipped_log hardware_skipped
  skipped_log=$(mktemp)
  # One project at a time: the integration suites start servers and gateways, and two cores are plenty busy.
  for project in tests/*.Tests/*.Tests.csproj; do
    echo "== $(basename "$project" .csproj)"
    run_project "$project" "Category!=Hardware&Category!=FixtureWriter"
  done
  # A skip outside the Hardware category is a test that did not run (a corpus or a peer missing): it fails the run.
  local other_skipped=$skipped other_skipped_names
  other_skipped_names=$(cat "$skipped_log")
  # The Hardware category runs only on the bench rig and skips elsewhere, saying so.
  for project in $(grep -rl --include='*.cs' 'Trait("Category", "Hardware")' tests | cut -d/ -f1-2 | sort -u); do
    echo "== $(basename "$project"), Hardware category"
    run_project "$project/$(basename "$project").csproj" "Category=Hardware"
  done
  hardware_skipped=$((skipped - other_skipped))
  rm -f "$skipped_log"
  echo
  echo "($hardware_skipped of the skipped tests are in the Hardware category)"
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  if [ "$other_skipped" -gt 0 ]; then
    echo "$other_skipped test(s) skipped outside the Hardware category; each must run:" >&2
    echo "$other_skipped_names" >&2
  fi
  [ "$failed" -eq 0 ] && [ "$status" -eq 0 ] && [ "$other_skipped" -eq 0 ]
}

# Every benchmark and side-by-side script; each adds its figures to the benchmark record (bench/record.py), which
# then redraws README.md's Performance table. A script that fails is named at the end and its figures keep their date.
run_benchmarks() {
  install_packages "${TEST_PACKAGES[@]}" "${BENCH_PACKAGES[@]}"
  local failed=() script results
  export BENCH_RECORD_OUT
  BENCH_RECORD_OUT=$(mktemp)
  results=$(mktemp -d)
  if [ -z "${BENCH_FILTER-*}" ]; then
    echo "BenchmarkDotNet skipped (BENCH_FILTER is empty)"
  elif dotnet run -c Release --project bench/Loos.Edge.Benchmarks -- --filter "${BENCH_FILTER-*}" --artifacts "$results"; then
    python3 bench/record.py bdn "$results/results" || failed+=(BenchmarkDotNet)
  else
    failed+=(BenchmarkDotNet)
  fi
  for script in ${BENCH_SCRIPTS:-end-to-end-vs-vmagent modbus-vs-mbpoll tenant-page heating-report outage-return building-load release robustness}; do
    echo "== bench/$script.sh"
    bench/$script.sh || failed+=("bench/$script.sh")
  done
  python3 bench/record.py refresh
  rm -rf "$BENCH_RECORD_OUT" "$results"
  if [ "${#failed[@]}" -gt 0 ]; then
    echo "failed: ${failed[*]}" >&2
    return 1
  fi
}

case "${1:-test}" in
  test) run_tests ;;
  bench) run_benchmarks ;;
  build) build ;;
  package) package "${2:-}" ;;
  *) echo "usage: $0 [test|bench|build|package RID]" >&2; exit 2 ;;
esac
