#!/usr/bin/env bash
# The fault campaign behind the robustness figures of the benchmark record: SIGKILLs of the gateway under load with
# every acknowledged reading counted in influxd, and the fuzzers of the line-protocol parser and the site-file reader.
# They are the test suites' own tests, run with larger counts than the test command uses.
#   bench/robustness.sh      (KILLS=100, FUZZ_INPUTS=1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${KILLS:-100}
FUZZ_INPUTS=${FUZZ_INPUTS:-1000000}

. bench/common.sh

# Runs one test with the environment given and prints the line it wrote to its output.
run_test() { # project filter -> the test's output line
  local log
  log=$(mktemp)
  dotnet test "$1" -c Release -nologo --filter "$2" --logger "console;verbosity=detailed" >"$log" 2>&1 ||
    { tail -40 "$log" >&2; rm -f "$log"; echo "$2 failed" >&2; exit 1; }
  sed -n '/Standard Output Messages:/{n;p}' "$log" | sed 's/^ *//' | head -1
  rm -f "$log"
}

echo "SIGKILL campaign: $KILLS kills"
kills=$(LOOS_EDGE_KILLS=$KILLS run_test tests/Loos.Edge.Integration.Tests "FullyQualifiedName~Gateway_KilledWithSigkillRepeatedlyWhileSeveralClientsPost")
echo "  $kills"
record sigkill "SIGKILL under load: 3 clients posting, forwarding to influxd" "$kills" "—"

echo "Line-protocol fuzzer: $FUZZ_INPUTS bodies"
parser=$(LOOS_EDGE_FUZZ_INPUTS=$FUZZ_INPUTS run_test tests/Loos.Edge.Core.Tests "FullyQualifiedName~LineProtocolFuzzTests")
echo "  $parser"
record fuzz-line-protocol "fuzz: mutated line-protocol bodies, only documented errors" "$parser" "—"

echo "Site-file fuzzer: $FUZZ_INPUTS mutations of the shipped site files"
site=$(LOOS_EDGE_FUZZ_INPUTS=$FUZZ_INPUTS run_test tests/Loos.Edge.Tests "FullyQualifiedName~SiteFileFuzzTests")
echo "  $site"
record fuzz-site-file "fuzz: mutations of the shipped site files, each loaded or refused with file:line" "$site" "—"
