#!/usr/bin/env bash
# How soon readings flow again after an outage of InfluxDB: the gateway forwards to a real influxd, influxd is
# stopped, a reading is posted to the gateway's listener during the outage, influxd is started again; printed is
# the time from influxd's first answer to /ping (the target's return) until that reading is queryable in it.
#   bench/outage-return.sh [RUNS] [OUTAGE_SECONDS]      (defaults 5 runs of a 10 s outage)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
OUTAGE=${2:-10}

for binary in influxd curl python3; do
  command -v "$binary" >/dev/null || { echo "missing $binary: apt-get install -y influxdb curl python3" >&2; exit 1; }
done

work=$(mktemp -d /tmp/loos-edge-outage-XXXXXX)
pids=()
influxd_pid=
cleanup() {
  [ -n "$influxd_pid" ] && kill "$influxd_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM

. bench/common.sh
now() { date +%s.%N; }

write_influxd_config "$work"
start_influxd() { influxd -config "$work/influxdb.conf" >>"$work/influxd.log" 2>&1 & influxd_pid=$!; }
stop_influxd() { kill "$influxd_pid"; wait "$influxd_pid" 2>/dev/null || true; influxd_pid=; }
start_influxd
wait_http "$influx/ping"
curl -sf -XPOST "$influx/query" --data-urlencode 'q=CREATE DATABASE site' >/dev/null

dotnet build src/Loos.Edge/Loos.Edge.csproj -c Release -nologo -clp:ErrorsOnly >/dev/null
listener_port=$(free_port)
health_port=$(free_port)
cat >"$work/site.yaml" <<YAML
site:
  name: outage-bench
buffer:
  directory: $work/buffer
forwarder:
  targets:
    - name: central
      api: v1
      url: $influx
      database: site
listener:
  address: 127.0.0.1:$listener_port
health:
  address: 127.0.0.1:$health_port
YAML
dotnet src/Loos.Edge/bin/Release/net10.0/loos-edge.dll run --config "$work/site.yaml" >"$work/loos.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$health_port/health"

landed() { # run -> 1 once the run's reading is queryable
  curl -sf -G "$influx/query" --data-urlencode db=site --data-urlencode "q=SELECT count(v) FROM outage WHERE run='$1'" |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["results"][0].get("series"); print(1 if s else 0)'
}

echo "$RUNS outages of $OUTAGE s; seconds from influxd's return (first /ping answer) to the first reading landing:"
results=()
for run in $(seq 1 "$RUNS"); do
  stop_influxd
  curl -sf -XPOST "http://127.0.0.1:$listener_port/write?precision=ms" \
    --data-binary "outage,run=$run v=1 $(date +%s%3N)" >/dev/null
  sleep "$OUTAGE"
  state=$(curl -sf "http://127.0.0.1:$health_port/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["targets"][0]["state"])')
  start_influxd
  until curl -sf -o /dev/null "$influx/ping"; do sleep 0.01; done
  returned=$(now)
  until [ "$(landed "$run")" = 1 ]; do
    sleep 0.02
    python3 -c "import sys; sys.exit(0 if $(now) - $returned < 60 else 1)" || { echo "run $run: nothing landed within 60 s" >&2; exit 1; }
  done
  seconds=$(python3 -c "print(f'{$(now) - $returned:.2f}')")
  results+=("$seconds")
  echo "  run $run: target state during the outage: $state; first reading landed after $seconds s"
done
summary=$(python3 -c "import sys; v=sorted(map(float, sys.argv[1:])); print(f'{v[0]:.2f}–{v[-1]:.2f} s (median {v[len(v)//2]:.2f} s)')" "${results[@]}")
echo "first reading landed after $summary"
record outage-return "return after an InfluxDB outage (influxd stopped $OUTAGE s, $RUNS times, a reading posted meanwhile)" \
  "that reading lands $summary after influxd answers again" "—"
