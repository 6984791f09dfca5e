# Shared by the bench scripts (sourced): free loopback ports, waiting for a server's first answer, the
# configuration of a throwaway influxd (Debian's 1.6) in a work folder, and adding a figure to the benchmark record.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Waits up to 30 s for any HTTP answer from URL.
wait_http() {
  for _ in $(seq 1 300); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" != 000 ] && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  return 1
}

# Writes WORK/influxdb.conf for an influxd on two free loopback ports with its data under WORK/influx, and sets
# influx to its URL. Start it with: influxd -config "$WORK/influxdb.conf".
write_influxd_config() {
  local work=$1 http_port rpc_port
  http_port=$(free_port)
  rpc_port=$(free_port)
  cat >"$work/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc_port"
[meta]
  dir = "$work/influx/meta"
[data]
  dir = "$work/influx/data"
  wal-dir = "$work/influx/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[http]
  bind-address = "127.0.0.1:$http_port"
  log-enabled = false
[continuous_queries]
  enabled = false
CONF
  influx="http://127.0.0.1:$http_port"
}

# The script's own arguments, for the command a recorded figure names.
bench_arguments="$*"

# Adds a figure to the benchmark record (bench/record.py; only under ./build.sh bench, which sets BENCH_RECORD_OUT):
#   record KEY WHAT LOOS_EDGE PEER      the command is this script with its arguments
record() {
  python3 bench/record.py add "$1" "$2" "$3" "$4" "bench/$(basename "$0")${bench_arguments:+ $bench_arguments}"
}

# The gateway as released: the linux-x64 archive PACKAGE (else ./build.sh package linux-x64 makes it) unpacked into
# folder $1; sets gateway_program to its program.
unpack_release() {
  if [ -z "${PACKAGE:-}" ]; then
    echo "Packaging the release (./build.sh package linux-x64)"
    ./build.sh package linux-x64 >"$1/package.log" 2>&1 || { cat "$1/package.log" >&2; exit 1; }
    PACKAGE=$(ls -t artifacts/loos-edge-*-linux-x64.tar.gz | head -1)
  fi
  tar -xzf "$PACKAGE" -C "$1"
  gateway_program=$(echo "$1"/loos-edge-*-linux-x64/program/loos-edge)
  echo "Release: $(basename "$PACKAGE")"
}
