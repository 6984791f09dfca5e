#!/usr/bin/env bash
# The gateway as installed (the linux-x64 release of `./build.sh package linux-x64`, unpacked, program/loos-edge) at a
# building's load, forwarding to a real influxd:
#   - 100 Modbus TCP devices with 10 holding-register points each, polled every minute, served by one pymodbus server
#     (Debian's python3-pymodbus, /usr/bin/python3) answering unit ids 1-100;
#   - 50 MQTT devices publishing every 10 s to a real Mosquitto, one point per message (a plain number on
#     pv/<device>/power, as a metering plug's or a Zigbee sensor's telemetry), spread evenly over the 10 s, with QoS
#     MQTT_QOS (0 by default, as Tasmota and Zigbee2MQTT publish telemetry; with 1 the gateway writes each message's
#     identity beside its readings, so as to store a redelivered message once).
# Printed, each with its target:
#   - readings per day at that load, and bytes on disk per reading (growth of the segment files / readings forwarded);
#   - the bytes the device writes per day, over a window of MINUTES minutes (whole minutes, so that it holds as many
#     poll ticks as minutes), times a day: what the file system holding the gateway's data folder wrote to its device,
#     data and ext4 journal (lifetime_write_kbytes; as root, the folder is an ext4 file system of its own on a loop
#     device, mounted noatime as Raspberry Pi OS mounts its root); write_bytes of /proc/<pid>/io; and, from strace,
#     the files that took them (the 4 KiB pages written between two fsyncs of a file). write_bytes counts a whole page
#     cache folio each time a clean one is written to; since Linux 6.16 ext4 caches a file in folios of up to 64 KiB
#     or more, so there it counts several times what reaches the device (which gets the 4 KiB blocks written);
#   - steady resident memory (median of the VmRSS samples of the second half of the window) and the peak (VmHWM);
#   - start to the first answer of the health endpoint (median of STARTS starts).
# The data folder lives under /tmp, which must be on a real disk (not a tmpfs) for write_bytes to mean anything.
# The gateway's log goes through a pipe to another process, as it goes to journald under systemd.
#   bench/building-load.sh      (MINUTES=10, STARTS=5, STRACE=1; PACKAGE=path/to/loos-edge-*-linux-x64.tar.gz, else
#                                ./build.sh package linux-x64 is run; SYNC_INTERVAL=hh:mm:ss sets buffer:syncInterval;
#                                DATA_MOUNT_OPTIONS=noatime,commit=60 mounts the data folder's ext4 so)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${MINUTES:-10}
STARTS=${STARTS:-5}
STRACE=${STRACE:-1}
MODBUS_DEVICES=100
MODBUS_POINTS=10
MQTT_DEVICES=50
MQTT_PERIOD_SECONDS=10
MQTT_QOS=${MQTT_QOS:-0}
DATA_MOUNT_OPTIONS=${DATA_MOUNT_OPTIONS:-noatime}

for binary in influxd mosquitto curl python3 /usr/bin/python3; do
  command -v "$binary" >/dev/null || { echo "missing $binary: apt-get install -y influxdb mosquitto curl python3 python3-pymodbus" >&2; exit 1; }
done
/usr/bin/python3 -c 'import pymodbus' 2>/dev/null || { echo "missing pymodbus: apt-get install -y python3-pymodbus" >&2; exit 1; }
[ "$STRACE" = 0 ] || command -v strace >/dev/null || { echo "missing strace: apt-get install -y strace (or STRACE=0)" >&2; exit 1; }

work=$(mktemp -d /tmp/loos-edge-building-XXXXXX)
if [ "$(stat -f -c %T "$work")" = tmpfs ]; then
  echo "$work is on a tmpfs: write_bytes would not be the device's; set TMPDIR to a folder on the disk" >&2
  exit 1
fi
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "${data_fs:-}" ] || umount "$work/data"
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM

. bench/common.sh

unpack_release "$work"

# The gateway's data folder (buffer, checkpoints, self-metrics) on an ext4 file system of its own, so that what that file
# system writes to its device, journal included, is the gateway's alone (its tables initialised by mkfs, not zeroed in
# the background while measuring).
mkdir "$work/data"
data_fs=
if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null && truncate -s 1G "$work/data.img" &&
   mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$work/data.img" && mount -o "loop,$DATA_MOUNT_OPTIONS" "$work/data.img" "$work/data" 2>/dev/null; then
  data_fs=$(basename "$(findmnt -no SOURCE "$work/data")")
else
  echo "the file system's own writes (journal included) are not measured: it takes root and a loop device" >&2
fi
fs_written_kb() { if [ -n "$data_fs" ]; then cat "/sys/fs/ext4/$data_fs/lifetime_write_kbytes"; else echo 0; fi; }

write_influxd_config "$work"
influxd -config "$work/influxdb.conf" >"$work/influxd.log" 2>&1 &
pids+=($!)
wait_http "$influx/ping"
curl -sf -XPOST "$influx/query" --data-urlencode 'q=CREATE DATABASE loos_edge' >/dev/null

mqtt_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)

modbus_port=$(free_port)
/usr/bin/python3 - "$modbus_port" "$MODBUS_DEVICES" "$MODBUS_POINTS" >"$work/pymodbus.log" 2>&1 <<'PY' &
# Units 1..N, each with POINTS holding registers at protocol addresses 0..POINTS-1.
import asyncio, sys
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server.async_io import ModbusTcpServer
port, units, points = (int(a) for a in sys.argv[1:4])
def unit(number):
    registers = ModbusSequentialDataBlock(0, [(number * 100 + point) % 65536 for point in range(points)])
    return ModbusSlaveContext(hr=registers, ir=registers, zero_mode=True)
async def main():
    context = ModbusServerContext(slaves={number: unit(number) for number in range(1, units + 1)}, single=False)
    server = ModbusTcpServer(context, address=("127.0.0.1", port), allow_reuse_address=True)
    await server.serve_forever()
asyncio.run(main())
PY
pids+=($!)

for port in "$mqtt_port" "$modbus_port"; do
  for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done

/usr/bin/python3 - "$mqtt_port" "$MQTT_DEVICES" "$MQTT_PERIOD_SECONDS" "$MQTT_QOS" >"$work/publisher.log" 2>&1 <<'PY' &
# MQTT 3.1.1 publisher (OASIS MQTT 3.1.1 §3.1, §3.3): one connection, each device publishing pv/<device>/power with
# QoS 0 or 1 every PERIOD seconds, the devices spread evenly over the period; PUBACKs are read and dropped.
import random, socket, struct, sys, threading, time
port, devices, period, qos = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
def length(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (128 if n else 0))
        if not n:
            return bytes(out)
def text(s):
    data = s.encode()
    return struct.pack(">H", len(data)) + data
def packet(kind, body):
    return bytes([kind]) + length(len(body)) + body
sock = socket.create_connection(("127.0.0.1", port))
sock.sendall(packet(0x10, text("MQTT") + bytes([4, 0x02]) + struct.pack(">H", 60) + text("building-load-publisher")))
assert sock.recv(4)[:1] == b"\x20", "no CONNACK"
threading.Thread(target=lambda: [None for _ in iter(lambda: sock.recv(4096), b"")], daemon=True).start()
start, packet_id, tick = time.monotonic(), 0, 0
while True:
    due = start + tick * period / devices
    time.sleep(max(0.0, due - time.monotonic()))
    device = tick % devices
    packet_id = packet_id % 65535 + 1
    payload = f"{random.uniform(0, 3000):.1f}".encode()
    identifier = struct.pack(">H", packet_id) if qos else b""
    sock.sendall(packet(0x30 | (qos << 1), text(f"pv/plug-{device + 1:02d}/power") + identifier + payload))
    tick += 1
PY
pids+=($!)

listener_port=$(free_port)
health_port=$(free_port)
{
  cat <<SITE
site:
  name: building-load
clock:
  trust: rtc          # a bench machine's kernel may not say it is synchronised
buffer:
  directory: $work/data/buffer
SITE
  [ -z "${SYNC_INTERVAL:-}" ] || echo "  syncInterval: $SYNC_INTERVAL"
  cat <<SITE
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
mqtt:
  host: 127.0.0.1
  port: $mqtt_port
  subscriptions:
    - topic: "pv/{device}/power"
      payload: number
      measurement: pv
      field: power
      unit: W
modbus:
  buses:
    - name: building
      kind: tcp
      host: 127.0.0.1
      port: $modbus_port
      devices:
SITE
  for device in $(seq 1 "$MODBUS_DEVICES"); do
    printf '        - name: meter-%03d\n          unitId: %d\n          interval: 00:01:00\n          measurement: meter\n          points:\n' "$device" "$device"
    for point in $(seq 0 $((MODBUS_POINTS - 1))); do
      printf '            - name: register_%d\n              address: %d\n' "$point" "$point"
    done
  done
} >"$work/site.yaml"

health="http://127.0.0.1:$health_port/health"
start_gateway() {
  "$gateway_program" run --config "$work/site.yaml" > >(cat >>"$work/gateway.log") 2>&1 &
  gateway=$!
}

starts=()
for _ in $(seq 1 "$STARTS"); do
  begin=$(date +%s%N)
  start_gateway
  until curl -s -o /dev/null "$health"; do
    kill -0 "$gateway" 2>/dev/null || { tail -20 "$work/gateway.log" >&2; exit 1; }
    sleep 0.01
  done
  starts+=($((($(date +%s%N) - begin) / 1000000)))
  kill -TERM "$gateway"; wait "$gateway" 2>/dev/null || true
done

start_gateway
pids+=("$gateway")
wait_http "$health"
# The window starts 20 s after the first poll tick (the next whole minute): the series are defined in the segment
# (once per segment, a start-up cost) and the connections to the broker and influxd made before it.
sleep $((60 - $(date +%s) % 60 + 20))

segment_bytes() { find "$work/data/buffer" -name '*.seg' -printf '%s\n' | awk '{ total += $1 } END { print total + 0 }'; }
forwarded() { curl -sf "$health" | python3 -c 'import json, sys; print(sum(t["forwarded_readings"] for t in json.load(sys.stdin)["targets"]))'; }
write_bytes() { awk '/^write_bytes/ {print $2}' "/proc/$gateway/io"; }

if [ "$STRACE" != 0 ]; then
  strace -f -qq -y -s 0 -e trace=write,pwrite64,pwritev,pwritev2,fsync,fdatasync,rename,renameat,renameat2 \
    -o "$work/strace.log" -p "$gateway" 2>"$work/strace.err" &
  tracer=$!
  pids+=("$tracer")
  sleep 1
fi
echo "Measuring for $MINUTES min (gateway pid $gateway)"
window_begin=$(date +%s%N)
bytes_begin=$(write_bytes)
fs_begin=$(fs_written_kb)
segments_begin=$(segment_bytes)
forwarded_begin=$(forwarded)
log_begin=$(wc -c <"$work/gateway.log")
samples=()
for _ in $(seq 1 $((MINUTES * 6))); do
  sleep 10
  samples+=("$(awk '/VmRSS/ {print $2}' "/proc/$gateway/status")")
done
bytes_end=$(write_bytes)
fs_end=$(fs_written_kb)
window_end=$(date +%s%N)
segments_end=$(segment_bytes)
forwarded_end=$(forwarded)
log_end=$(wc -c <"$work/gateway.log")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$gateway/status")
if [ "$STRACE" != 0 ]; then
  kill -INT "$tracer" 2>/dev/null || true
  wait "$tracer" 2>/dev/null || true
fi

echo "data folder: ext4 mounted ${DATA_MOUNT_OPTIONS}${data_fs:+ on $data_fs}"
echo "load: $MODBUS_DEVICES Modbus TCP devices x $MODBUS_POINTS holding registers polled every minute (pymodbus), $MQTT_DEVICES MQTT devices publishing one point (a number, QoS $MQTT_QOS) every $MQTT_PERIOD_SECONDS s (Mosquitto), forwarding to influxd 1.6; window $MINUTES min; $(uptime)"
python3 - "$((window_end - window_begin))" "$((bytes_end - bytes_begin))" "$((segments_end - segments_begin))" \
  "$((forwarded_end - forwarded_begin))" "$((log_end - log_begin))" "${starts[*]}" "${samples[*]}" "$hwm" "$work" "${data_fs:+$(((fs_end - fs_begin) * 1024))}" <<'PY'
import collections, os, re, statistics, sys
window_ns, written, segment_growth, readings, log_bytes = (int(a) for a in sys.argv[1:6])
starts, samples, hwm, work = [int(s) for s in sys.argv[6].split()], [int(s) for s in sys.argv[7].split()], int(sys.argv[8]), sys.argv[9]
fs_written = int(sys.argv[10]) if sys.argv[10] else None
per_day = 86400e9 / window_ns
mb = 1e6
print(f"readings per day at that load: {readings * per_day:,.0f} (expected 1,872,000 and the gateway's self-metrics)")
print(f"bytes on disk per reading: {segment_growth / max(readings, 1):.1f} B (segments grew {segment_growth:,} B for {readings:,} readings); target 24 B")
if fs_written is not None:
    print(f"device writes per day (the data folder's ext4 to its device, data and journal): {fs_written * per_day / mb:.1f} MB ({fs_written:,} B in {window_ns / 60e9:.1f} min); target 50 MB")
print(f"device writes per day (write_bytes of /proc/<pid>/io, whole page cache folios): {written * per_day / mb:.1f} MB ({written:,} B in {window_ns / 60e9:.1f} min); target 50 MB")
print(f"  the gateway's log, written by another process (journald under systemd): {log_bytes * per_day / mb:.2f} MB/day")
trace = os.path.join(work, "strace.log")
if os.path.exists(trace):
    # Pages dirtied per file: the distinct 4 KiB pages written between two fsyncs of the file (write_bytes counts a
    # page each time it goes from clean to dirty), writes to files created afresh (write) by their length.
    pages, dirty, syncs, calls = collections.Counter(), collections.defaultdict(set), collections.Counter(), collections.Counter()
    def group(path):
        path = path.replace(work + "/", "")
        path = re.sub(r"\d{8}\.seg$", "NNNNNNNN.seg", path)
        return path
    line_pattern = re.compile(r"^\d+\s+(?:<\.\.\. )?(\w+)\((\d+)<([^>]*)>(.*)")
    for line in open(trace, encoding="utf-8", errors="replace"):
        match = line_pattern.match(line)
        if not match or "resumed" in line and match.group(1) not in ("pwrite64", "write", "fsync", "fdatasync"):
            continue
        call, path, rest = match.group(1), match.group(3), match.group(4)
        if not path.startswith("/") or path.startswith("/dev/") or path.startswith("/proc/"):
            continue
        name = group(path)
        result = re.search(r"= (\d+)$", rest.strip())
        if call == "pwrite64" and result:
            numbers = re.findall(r", (\d+)", rest)
            length, offset = int(result.group(1)), int(numbers[-1])
            if length:
                dirty[path].update(range(offset // 4096, (offset + length - 1) // 4096 + 1))
            calls[(name, "write")] += 1
        elif call == "write" and result:
            pages[name] += -(-int(result.group(1)) // 4096)
            calls[(name, "write")] += 1
        elif call in ("fsync", "fdatasync"):
            pages[name] += len(dirty.pop(path, ()))
            syncs[name] += 1
    for path, touched in dirty.items():
        pages[group(path)] += len(touched)
    print("  by file, from strace over the window (pages dirtied x 4 KiB, writes, fsyncs), per day:")
    for name, count in pages.most_common():
        print(f"    {count * 4096 * per_day / mb:8.1f} MB  {calls[(name, 'write')] * per_day:>9,.0f} writes  {syncs[name] * per_day:>9,.0f} fsyncs  {name}")
half = samples[len(samples) // 2:]
print(f"steady resident memory: {statistics.median(half) / 1024:.1f} MiB (second-half samples {min(half) / 1024:.1f}-{max(half) / 1024:.1f} MiB); target 60 MB")
print(f"peak resident memory (VmHWM): {hwm / 1024:.1f} MiB; target 120 MB")
print(f"start to first health answer: median {statistics.median(starts):.0f} ms over {len(starts)} starts ({', '.join(map(str, starts))} ms); target 1000 ms")

sys.path.insert(0, "bench")
import record
load = "100 Modbus devices × 10 points a minute and 50 MQTT devices every 10 s, forwarding to influxd (x64 release)"
command = "bench/building-load.sh"
record.add("device-writes", f"bytes the gateway writes into its files per day at a building's load ({load}; write_bytes of /proc/<pid>/io, whole page-cache folios, over {window_ns / 60e9:.0f} min)",
           f"{written * per_day / mb:.1f} MB a day, {readings * per_day:,.0f} readings a day", "target: 50 MB", command)
if fs_written is not None:
    record.add("device-writes-fs", f"bytes the data folder's ext4 file system writes to its device per day at a building's load ({load}; lifetime_write_kbytes, data and journal, over {window_ns / 60e9:.0f} min)",
               f"{fs_written * per_day / mb:.1f} MB a day", "target: 50 MB", command)
record.add("bytes-per-reading", "bytes on disk per reading (segment growth / readings)", f"{segment_growth / max(readings, 1):.1f} B", "target: 24 B", command)
record.add("memory-steady", f"resident memory at a building's load ({load})",
           f"{statistics.median(half) / 1024:.1f} MiB steady (median of the second half), peak {hwm / 1024:.1f} MiB", "target: 60 MB", command)
record.add("start-time", "start to the first health answer, the x64 release at a building's load",
           f"median {statistics.median(starts):.0f} ms over {len(starts)} starts", "target: 1 s", command)
PY
