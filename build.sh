#!/usr/bin/env bash
# Build, test and benchmark Loos Edge.
#   ./build.sh test    install the test peers (influxd, VictoriaMetrics), build, run every test suite
#   ./build.sh bench   run the benchmarks and the side-by-side scripts in bench/
#   ./build.sh build   build only
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests start as real peers (influxd, VictoriaMetrics, pymodbus devices on TCP and on
# socat pseudo-terminals), on loopback with temporary directories.
TEST_PACKAGES=(influxdb influxdb-client victoria-metrics curl python3-pymodbus python3-serial socat mosquitto mosquitto-clients)
# Peers the side-by-side benchmarks compare against.
BENCH_PACKAGES=(mbpoll)

install_packages() {
  ./install.sh --packages "$@"
}

build() {
  dotnet build Loos.Edge.sln -c Release -nologo -clp:ErrorsOnly
}

# The number after "NAME:" in dotnet test's summary line, 0 when absent.
count() {
  local value
  value=$(sed -nE "s/.*$1: *([0-9]+).*/\\1/p" <<<"$2" | head -1)
  echo "${value:-0}"
}

run_tests() {
  install_packages "${TEST_PACKAGES[@]}"
  build
  local passed=0 failed=0 skipped=0 status=0 project summary
  # One project at a time: the integration suites start servers and gateways, and two cores are plenty busy.
  for project in tests/*.Tests/*.Tests.csproj; do
    echo "== $(basename "$project" .csproj)"
    local log
    log=$(mktemp)
    # A test that hangs (a peer that never answers and a read that never times out) fails the run instead of stalling it.
    if ! dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout 5m --logger "console;verbosity=minimal" 2>&1 | tee "$log"; then
      status=1
    fi
    summary=$(grep -E "(Passed|Failed)!" "$log" | tail -1 || true)
    passed=$((passed + $(count Passed "$summary")))
    failed=$((failed + $(count Failed "$summary")))
    skipped=$((skipped + $(count Skipped "$summary")))
    rm -f "$log"
  done
  echo
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
}

run_benchmarks() {
  install_packages "${TEST_PACKAGES[@]}" "${BENCH_PACKAGES[@]}"
  dotnet run -c Release --project bench/Loos.Edge.Benchmarks -- --filter "${BENCH_FILTER:-*}"
  bench/end-to-end-vs-vmagent.sh
  bench/modbus-vs-mbpoll.sh
}

case "${1:-test}" in
  test) run_tests ;;
  bench) run_benchmarks ;;
  build) build ;;
  *) echo "usage: $0 [test|bench|build]" >&2; exit 2 ;;
esac
