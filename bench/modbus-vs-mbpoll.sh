#!/usr/bin/env bash
# Side by side, in one run, against the same Debian pymodbus 3.0 server on TCP loopback: Loos Edge's Modbus master
# (`loos-edge modbus read --repeat`), pymodbus' own synchronous client, and mbpoll, each reading 100 holding
# registers; then RTU on a socat pseudo-terminal pair at 9600 and 19200 baud, cycle time against the wire-time limit.
#   bench/modbus-vs-mbpoll.sh [REQUESTS] [RTU_REQUESTS] [RTU_REGISTERS]     (defaults 5000, 200, 10)
# Needs: python3-pymodbus, mbpoll, socat (Debian). mbpoll polls at most every 10 ms (-l > 10), so it is run once
# per request (-1), as scripts use it; that figure includes its process start.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-5000}
RTU_REQUESTS=${2:-200}
RTU_REGISTERS=${3:-10}
MBPOLL_REQUESTS=200
PYTHON=/usr/bin/python3 # Debian's, where python3-pymodbus is installed.

for binary in $PYTHON mbpoll socat dotnet; do
  command -v "$binary" >/dev/null || { echo "missing $binary: apt-get install -y python3-pymodbus mbpoll socat" >&2; exit 1; }
done

work=$(mktemp -d /tmp/loos-edge-modbus-bench-XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

. bench/common.sh

echo "Building loos-edge (Release)"
dotnet build -c Release src/Loos.Edge -o "$work/bin" -v q -nologo >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }
loos_edge=(dotnet "$work/bin/loos-edge.dll")

start_device() { # ready-file, transport arguments...
  local ready=$1; shift
  $PYTHON tests/Loos.Edge.Testing/pymodbus_device.py --image "$work/image.json" --control "$work/control.json" --ready "$ready" "$@" >>"$work/pymodbus.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do [ -f "$ready" ] && return 0; sleep 0.1; done
  echo "pymodbus did not start:" >&2; tail -20 "$work/pymodbus.log" >&2; return 1
}

$PYTHON -c 'import json; print(json.dumps({"units": {"1": {"registers": {"0": list(range(1000, 1125))}}}}))' >"$work/image.json"
echo '{}' >"$work/control.json"
port=$(free_port)
start_device "$work/ready-tcp" --tcp "$port"

echo
echo "== TCP loopback: read 100 holding registers, one request at a time =="
loos_json=$("${loos_edge[@]}" modbus read --tcp "127.0.0.1:$port" --unit 1 --address 0 --count 100 --repeat "$REQUESTS" --json)
loos_rate=$(echo "$loos_json" | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)["requests_per_second"])')

pymodbus_rate=$($PYTHON - "$port" "$REQUESTS" <<'PY'
import logging, sys, time
logging.disable(logging.CRITICAL)
from pymodbus.client import ModbusTcpClient
port, total = int(sys.argv[1]), int(sys.argv[2])
client = ModbusTcpClient("127.0.0.1", port=port)
client.connect()
start = time.perf_counter()
for _ in range(total):
    reply = client.read_holding_registers(0, 100, slave=1)
    if reply.isError():
        raise SystemExit(f"pymodbus client: {reply}")
print(f"{total / (time.perf_counter() - start):.1f}")
client.close()
PY
)

start=$(date +%s.%N)
for _ in $(seq 1 $MBPOLL_REQUESTS); do
  mbpoll -m tcp -p "$port" -a 1 -0 -r 0 -c 100 -1 -q 127.0.0.1 >/dev/null
done
mbpoll_rate=$($PYTHON -c "import sys; print(f'{$MBPOLL_REQUESTS / ($(date +%s.%N) - $start):.1f}')")

printf '%-44s %12s %10s\n' "client" "requests/s" "ratio"
printf '%-44s %12s %10s\n' "Loos Edge (loos-edge modbus read --repeat)" "$loos_rate" "1.00"
printf '%-44s %12s %10s\n' "pymodbus 3.0 ModbusTcpClient (sync loop)" "$pymodbus_rate" "$($PYTHON -c "print(f'{$loos_rate / $pymodbus_rate:.2f}')")"
printf '%-44s %12s %10s\n' "mbpoll -1 (one process per request)" "$mbpoll_rate" "$($PYTHON -c "print(f'{$loos_rate / $mbpoll_rate:.2f}')")"
echo "(ratio = Loos Edge requests/s ÷ that client's; the server, pymodbus, is the same process for all three)"
record modbus-tcp "Modbus TCP, 100 holding registers per request from the same pymodbus server" "$loos_rate requests/s" \
  "pymodbus' own client $pymodbus_rate requests/s ($($PYTHON -c "print(f'{$loos_rate / $pymodbus_rate:.1f}')")x slower); mbpoll $mbpoll_rate (one process per request)"

echo
echo "== RTU on a socat pseudo-terminal pair: $RTU_REQUESTS reads of $RTU_REGISTERS registers =="
echo "(a pseudo-terminal carries bytes at memory speed whatever the baud rate; the limit is what a real line allows)"
printf '%-8s %16s %20s %8s\n' "baud" "cycle ms" "wire-limit ms" "ratio"
rtu_ours="" rtu_limits=""
for baud in 9600 19200; do
  rm -f "$work/device" "$work/gateway" "$work/ready-rtu"
  socat pty,raw,echo=0,link="$work/device" pty,raw,echo=0,link="$work/gateway" 2>>"$work/socat.log" &
  socat_pid=$!
  pids+=($socat_pid)
  for _ in $(seq 1 100); do [ -e "$work/device" ] && [ -e "$work/gateway" ] && break; sleep 0.05; done
  start_device "$work/ready-rtu" --rtu "$work/device" --baud "$baud" --parity N --stop 2
  device_pid=${pids[-1]}
  rtu_json=$("${loos_edge[@]}" modbus read --rtu "$work/gateway" --baud "$baud" --parity N --stop 2 --unit 1 --address 0 \
    --count "$RTU_REGISTERS" --repeat "$RTU_REQUESTS" --json)
  line=$($PYTHON - "$baud" "$RTU_REGISTERS" "$rtu_json" <<'PY'
import json, sys
baud, registers, result = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
cycle_ms = 1000.0 / result["requests_per_second"]
request_bytes = 8                       # address, function, start, quantity, CRC
reply_bytes = 5 + 2 * registers         # address, function, byte count, data, CRC
character_s = 11 / baud                 # Modbus over Serial Line v1.02 §2.5.1: 11 bits per RTU character
silence_s = 0.00175 if baud > 19200 else 3.5 * character_s   # §2.5.1.1 t3.5, before the reply and before the next request
limit_ms = ((request_bytes + reply_bytes) * character_s + 2 * silence_s) * 1000
print(f"{baud:<8} {cycle_ms:16.2f} {limit_ms:20.2f} {cycle_ms / limit_ms:8.2f}")
PY
  )
  echo "$line"
  read -r _ cycle_ms limit_ms ratio <<<"$line"
  rtu_ours+="${rtu_ours:+, }$cycle_ms ms per read at $baud baud"
  rtu_limits+="${rtu_limits:+, }$limit_ms ms at $baud (${ratio}x)"
  kill "$device_pid" "$socat_pid" 2>/dev/null || true
  wait "$device_pid" "$socat_pid" 2>/dev/null || true
done
echo "(ratio = measured cycle ÷ wire-time limit; below 1 means the gateway's own overhead fits inside a real line's time)"
record modbus-rtu "Modbus RTU, $RTU_REQUESTS reads of $RTU_REGISTERS registers on a pseudo-terminal" "$rtu_ours" "the wire-time limit: $rtu_limits"
