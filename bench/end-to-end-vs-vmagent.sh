#!/usr/bin/env bash
# Side by side, in one run: N line-protocol readings posted over HTTP to Loos Edge and, separately, to vmagent,
# each forwarding to the same VictoriaMetrics; the time from the first POST until all N are queryable there.
# Four clients post the bodies, each one after the other on one kept-alive connection, as a collector (Telegraf, a
# script with a session) does; a curl process per body spent more CPU starting up than either side spent on its body.
# Both orders run (Loos Edge first, then vmagent first: on 2 cores the second side meets a busier VictoriaMetrics),
# each with its own measurement. Loos Edge answers each POST only once its readings are fsynced; vmagent answers
# once they are in memory. Also printed: the CPU seconds each side, VictoriaMetrics and the clients spent on each
# ingest (on 2 cores they share the machine, so their sum sets the pace), and Loos Edge's peak resident memory (VmHWM).
#   bench/end-to-end-vs-vmagent.sh [READINGS] [SERIES]      (defaults 1000000 readings over 100 series; PACKAGE=path/to/
#                                                            loos-edge-*-linux-x64.tar.gz, else ./build.sh package linux-x64)
set -euo pipefail
cd "$(dirname "$0")/.."
READINGS=${1:-1000000}
SERIES=${2:-100}
LINES_PER_POST=5000
CLIENTS=4

for binary in victoria-metrics vmagent curl python3; do
  command -v "$binary" >/dev/null || { echo "missing $binary: apt-get install -y victoria-metrics curl python3" >&2; exit 1; }
done

work=$(mktemp -d /tmp/loos-edge-e2e-XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

. bench/common.sh

vm_port=$(free_port)
victoria-metrics -storageDataPath "$work/vm" -httpListenAddr "127.0.0.1:$vm_port" -retentionPeriod 100y \
  -search.latencyOffset 0s -search.disableCache >"$work/vm.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$vm_port/health"

echo "Generating $READINGS readings over $SERIES series in bodies of $LINES_PER_POST lines"
generate() { # measurement -> bodies in $work/$1/
  mkdir -p "$work/$1"
  python3 - "$work/$1" "$1" "$READINGS" "$SERIES" "$LINES_PER_POST" <<'PY'
import sys
folder, measurement, total, series, per_post = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
start_ms = 1_763_000_000_000  # November 2025: inside VictoriaMetrics' retention, clear of "now"
lines = []
body = 0
for i in range(total):
    s = i % series
    lines.append(f"{measurement},meter=m{s:04d} energy={1000 + i * 0.5} {start_ms + (i // series) * 1000}\n")
    if len(lines) == per_post or i == total - 1:
        with open(f"{folder}/{body:06d}.lp", "w") as out:
            out.writelines(lines)
        lines, body = [], body + 1
PY
}
for run in 1 2; do
  generate "loos_e2e_$run"
  generate "vmagent_e2e_$run"
done

# Waits until VictoriaMetrics answers METRIC's sample count with READINGS and prints the seconds since START (a
# date +%s.%N). VictoriaMetrics keeps what it receives in memory buffers for a few seconds before a query sees it;
# each poll asks it to flush them (/internal/force_flush, which its documentation offers for tests), so that the
# figure is when the data reached VictoriaMetrics, not where its flush timer happened to stand. Without that, a
# million readings delivered 1.5 s after the first POST stayed invisible until 8-12 s, whichever side sent them.
wait_queryable() { # metric start -> seconds
  python3 - "http://127.0.0.1:$vm_port" "$1" "$READINGS" "$2" <<'PY'
import json, sys, time, urllib.parse, urllib.request
vm, metric, expected, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
query = vm + "/api/v1/query?" + urllib.parse.urlencode({"query": f"sum(count_over_time({metric}[20y]))", "nocache": "1"})
count, deadline = 0, time.time() + 120
while time.time() < deadline:
    urllib.request.urlopen(vm + "/internal/force_flush").read()
    result = json.load(urllib.request.urlopen(query))["data"]["result"]
    count = int(float(result[0]["value"][1])) if result else 0
    if count >= expected:
        print(f"{time.time() - start:.2f}")
        sys.exit(0)
    time.sleep(0.05)
sys.exit(f"only {count} of {expected} arrived for {metric}")
PY
}

post_all() { # folder url -> posts every body, CLIENTS clients each on one kept-alive connection; fails on any non-2xx
  local bodies client index arguments clients=() status=0
  mapfile -t bodies < <(find "$1" -name '*.lp' | sort)
  for ((client = 0; client < CLIENTS; client++)); do
    arguments=()
    for ((index = client; index < ${#bodies[@]}; index += CLIENTS)); do
      arguments+=(${arguments[0]:+--next} -sf -o /dev/null -XPOST "$2" -H 'Content-Type: text/plain' --data-binary "@${bodies[index]}")
    done
    curl --fail-early "${arguments[@]}" &
    clients+=($!)
  done
  for client in "${clients[@]}"; do wait "$client" || status=1; done
  return "$status"
}

time_until_queryable() { # folder url metric -> seconds until acknowledged, seconds until queryable, clients' CPU s
  local start posted queryable clients
  start=$(date +%s.%N)
  post_all "$1" "$2"
  posted=$(date +%s.%N)
  # The CPU of this subshell's reaped children (cutime + cstime, clock ticks): the curl clients and the date above.
  local stat
  read -ra stat <"/proc/$BASHPID/stat"
  clients="($((stat[15] + stat[16])) / $(getconf CLK_TCK))"
  queryable=$(wait_queryable "$3" "$start")
  python3 -c "print(f'{$posted - $start:.2f} $queryable {$clients:.2f}')"
}

# Loos Edge as released (the linux-x64 archive), its own buffer directory, one v2 target at VictoriaMetrics. The
# clock is trusted from the start (clock: trust: rtc), as on any host that keeps it, so that nothing is held back.
unpack_release "$work"
listener_port=$(free_port)
health_port=$(free_port)
echo token >"$work/token"
cat >"$work/site.yaml" <<YAML
site:
  name: e2e-bench
buffer:
  directory: $work/buffer
clock:
  trust: rtc
forwarder:
  targets:
    - name: victoria
      api: v2
      url: http://127.0.0.1:$vm_port
      org: bench
      bucket: bench
      tokenFile: $work/token
listener:
  address: 127.0.0.1:$listener_port
health:
  address: 127.0.0.1:$health_port
YAML
"$gateway_program" run --config "$work/site.yaml" >"$work/loos.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$health_port/health"

agent_port=$(free_port)
vmagent -httpListenAddr "127.0.0.1:$agent_port" -remoteWrite.url "http://127.0.0.1:$vm_port/api/v1/write" \
  -remoteWrite.tmpDataPath "$work/vmagent" >"$work/vmagent.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$agent_port/health"

cpu_seconds() { # pid -> user + system CPU seconds so far
  python3 -c "import os; f=open('/proc/$1/stat').read().rsplit(')',1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))"
}
peak_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

vm_pid=${pids[0]} loos_pid=${pids[1]} agent_pid=${pids[2]}
ingest() { # pid folder url metric -> acknowledged s, queryable s, clients' CPU s, the side's CPU s, VictoriaMetrics' CPU s
  local side_before vm_before times
  side_before=$(cpu_seconds "$1") vm_before=$(cpu_seconds "$vm_pid")
  times=$(time_until_queryable "$2" "$3" "$4")
  python3 -c "print('$times', f'{$(cpu_seconds "$1") - $side_before:.2f} {$(cpu_seconds "$vm_pid") - $vm_before:.2f}')"
}
measure() { # side pid port run -> its figures (as ingest gives them)
  ingest "$2" "$work/${1}_e2e_$4" "http://127.0.0.1:$3/api/v2/write?precision=ms" "${1}_e2e_$4_energy"
}
queryable_of() { echo "$1" | cut -d' ' -f2; }
describe() { # name figures -> a line for the terminal
  local post total clients cpu vm
  read -r post total clients cpu vm <<<"$2"
  printf '  %-10s all acknowledged after %5.2f s, all queryable after %5.2f s (%.0f readings/s); CPU s: itself %s, VictoriaMetrics %s, clients %s\n' \
    "$1" "$post" "$total" "$(python3 -c "print($READINGS / $total)")" "$cpu" "$vm" "$clients"
}
summarise() { # figures -> the same for the benchmark record
  local post total clients cpu vm
  read -r post total clients cpu vm <<<"$1"
  echo "acknowledged $post s, queryable $total s, CPU s $cpu + VictoriaMetrics $vm + clients $clients"
}

report() { # order (Loos Edge's and vmagent's figures in $loos and $agent)
  local ratio
  ratio=$(python3 -c "print(f'{$(queryable_of "$loos") / $(queryable_of "$agent"):.2f}')")
  describe "Loos Edge" "$loos"
  describe vmagent "$agent"
  echo "  ratio ($1): Loos Edge takes ${ratio}x the time of vmagent"
  orders+="${orders:+; }$1: $(summarise "$loos") (${ratio}x vmagent's time)"
  peers+="${peers:+; }$1: $(summarise "$agent")"
}
orders="" peers=""

echo
echo "End to end, $READINGS readings, $SERIES series, $CLIENTS clients posting $LINES_PER_POST lines per request (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
# Assignments, not process substitutions: a run that falls short ends the script with its message.
loos=$(measure loos "$loos_pid" "$listener_port" 1)
agent=$(measure vmagent "$agent_pid" "$agent_port" 1)
report "Loos Edge first"
agent=$(measure vmagent "$agent_pid" "$agent_port" 2)
loos=$(measure loos "$loos_pid" "$listener_port" 2)
report "vmagent first"
echo "  Loos Edge peak resident memory (VmHWM) after both ingests: $(peak_mb "$loos_pid") MB (target at most 120 MB)"
record end-to-end "end to end: $READINGS readings posted by $CLIENTS clients until all are queryable in VictoriaMetrics, both orders (Loos Edge acknowledges only fsynced readings; target 0.67x vmagent's time)" \
  "$orders; peak memory $(peak_mb "$loos_pid") MB" "vmagent: $peers"
