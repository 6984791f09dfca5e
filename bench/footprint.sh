#!/usr/bin/env bash
# The gateway's footprint on a Pi-sized load: the real gateway as a Pi runs it (the self-contained release's
# program/loos-edge, published for this machine as ./build.sh package does, with the runtime settings of the project
# files) on DEVICES simulated
# heat meters read every 5 s (two points each, plus an outdoor sensor and an inverter), forwarding to a real influxd.
# Printed: the time from the process start to the first answer of its health endpoint (median of STARTS starts), and
# its resident memory (VmRSS) sampled every 10 s over MINUTES minutes, the steady figure being the median of the
# samples of the second half.
#   bench/footprint.sh [DEVICES]      (default 100; MINUTES=3, STARTS=5)
# PROGRAM=artifacts/loos-edge-VERSION-linux-x64/program measures an already published release instead.
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES=${1:-100}
MINUTES=${MINUTES:-3}
STARTS=${STARTS:-5}

for binary in influxd curl python3 dotnet; do
  command -v "$binary" >/dev/null || { echo "missing $binary: apt-get install -y influxdb curl python3" >&2; exit 1; }
done

work=$(mktemp -d /tmp/loos-edge-footprint-XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
trap "exit 1" INT TERM

. bench/common.sh

program=${PROGRAM:-}
if [ -z "$program" ]; then
  echo "Publishing the gateway (Release, self-contained linux-x64)"
  dotnet publish src/Loos.Edge/Loos.Edge.csproj -c Release -r linux-x64 --self-contained -nologo -clp:ErrorsOnly \
    -o "$work/program" >/dev/null
  program=$work/program
fi

write_influxd_config "$work"
influxd -config "$work/influxdb.conf" >"$work/influxd.log" 2>&1 &
pids+=($!)
wait_http "$influx/ping"
curl -sf -XPOST "$influx/query" --data-urlencode 'q=CREATE DATABASE loos_edge' >/dev/null

listener_port=$(free_port)
health_port=$(free_port)
{
  cat <<SITE
site:
  name: footprint
clock:
  trust: rtc          # a bench machine's kernel may not say it is synchronised; the readings are simulated
buffer:
  directory: $work/buffer
forwarder:
  targets:
    - name: influxdb
      api: v1
      url: $influx
      database: loos_edge
listener:
  address: 127.0.0.1:$listener_port
health:
  address: 127.0.0.1:$health_port
simulation:
  enabled: true
  interval: 00:00:05
  homes:
SITE
  for i in $(seq 1 "$DEVICES"); do printf '    - name: home-%03d\n      heatLossWattsPerKelvin: %d\n' "$i" $((15 + i % 30)); done
} >"$work/site.yaml"

health="http://127.0.0.1:$health_port/health"
starts=()
for _ in $(seq 1 "$STARTS"); do
  begin=$(date +%s%N)
  "$program/loos-edge" run --config "$work/site.yaml" >>"$work/gateway.log" 2>&1 &
  gateway=$!
  until curl -s -o /dev/null "$health"; do sleep 0.01; done
  starts+=($((($(date +%s%N) - begin) / 1000000)))
  kill -TERM "$gateway"; wait "$gateway" 2>/dev/null || true
done

"$program/loos-edge" run --config "$work/site.yaml" >>"$work/gateway.log" 2>&1 &
gateway=$!
pids+=("$gateway")
wait_http "$health"
samples=()
for _ in $(seq 1 $((MINUTES * 6))); do
  sleep 10
  samples+=("$(awk '/VmRSS/ {print $2}' "/proc/$gateway/status")")
done
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$gateway/status")

python3 - "$DEVICES" "$MINUTES" "${starts[*]}" "${samples[*]}" "$hwm" <<'PY'
import statistics, sys
devices, minutes, starts, samples, hwm = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split()], [int(s) for s in sys.argv[4].split()], int(sys.argv[5])
steady = statistics.median(samples[len(samples) // 2:])
print(f"{devices} simulated heat meters read every 5 s, forwarding to influxd 1.6, {minutes} min")
print(f"start to first health answer: median {statistics.median(starts):.0f} ms over {len(starts)} starts ({', '.join(map(str, starts))} ms); target 1000 ms")
print(f"steady resident memory: {steady / 1024:.1f} MiB (samples of the second half: {min(samples[len(samples)//2:]) / 1024:.1f}-{max(samples[len(samples)//2:]) / 1024:.1f} MiB); peak {hwm / 1024:.1f} MiB; goal 60 MB")
PY
