#!/usr/bin/env bash
# Loos Edge installer.
#   ./install.sh --demo   set up this machine and run the gateway on simulated field devices, forwarding to a
#                         local InfluxDB (started on 127.0.0.1:18086, data under .work/demo/); Ctrl-C stops both
#   ./install.sh --packages NAME...   install Debian packages that are missing (used by build.sh too)
#   ./install.sh          install the gateway as a systemd service on this machine (a Raspberry Pi in a building):
#                         self-contained build in /opt/loos-edge, user loos-edge, site file in /etc/loos-edge/
set -euo pipefail
cd "$(dirname "$0")"
REPO=$(pwd)

need_root() {
  if [ "$(id -u)" -ne 0 ]; then echo "install.sh: run as root (sudo ./install.sh $*)" >&2; exit 1; fi
}

install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} from Debian's packages"
  $sudo apt-get update -qq
  # The demo and the tests start their own instances on their own ports and directories, beside any service the packages start.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

demo() {
  command -v dotnet >/dev/null || { echo "install.sh: the .NET 10 SDK is needed (dotnet on PATH)" >&2; exit 1; }
  install_packages influxdb influxdb-client curl
  echo "Building Loos Edge"
  dotnet build src/Loos.Edge/Loos.Edge.csproj -c Release -nologo -clp:ErrorsOnly -o .work/demo/bin

  local data="$REPO/.work/demo/influxdb"
  mkdir -p "$data"
  cat >"$data/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:18088"
[meta]
  dir = "$data/meta"
[data]
  dir = "$data/data"
  wal-dir = "$data/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:18086"
  log-enabled = false
[monitor]
  store-enabled = false
CONF
  influxd -config "$data/influxdb.conf" >"$data/influxd.log" 2>&1 &
  local influxd_pid=$!
  # Expanded now: the trap runs after this function has returned and its locals are gone.
  trap "kill $influxd_pid 2>/dev/null; wait $influxd_pid 2>/dev/null" EXIT
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18086/ping >/dev/null && break; sleep 0.2; done
  curl -sf http://127.0.0.1:18086/ping >/dev/null || { echo "influxd did not start, see $data/influxd.log" >&2; exit 1; }
  curl -sf -XPOST http://127.0.0.1:18086/query --data-urlencode "q=CREATE DATABASE loos_edge" >/dev/null

  cat <<TEXT

InfluxDB 1.x runs on 127.0.0.1:18086 (database loos_edge, data in .work/demo/influxdb).
The gateway reads simulated heat meters, an outdoor sensor and a PV inverter every 5 s (firmware-config/site.demo.yaml),
buffers them in .work/demo/buffer and forwards them to that InfluxDB. At start it writes the half year behind them,
so the heating report, the rollups and the boards show a season within a minute. In another terminal:

  health:  curl -s http://127.0.0.1:8187/health
  query:   influx -host 127.0.0.1 -port 18086 -database loos_edge -execute 'SELECT last("energy") FROM "heat_meter" GROUP BY "home"'
  feed it: curl -i -XPOST 'http://127.0.0.1:8186/api/v2/write?precision=s' --data-binary 'room,home=demo temperature=20.5'
  heating: dotnet .work/demo/bin/loos-edge.dll heating report --config firmware-config/site.demo.yaml
  rollups: influx -host 127.0.0.1 -port 18086 -database loos_edge -execute 'SELECT "energy_increase" FROM "heat_meter_1d" GROUP BY "home"'
  series:  influx -host 127.0.0.1 -port 18086 -database loos_edge -execute 'SELECT * FROM "heating" GROUP BY "home"'

Grafana boards (town heating, home, solar, public lighting, gateways) and alert rules, for a Grafana of your own:
point its provisioning folder at firmware-config/grafana/provisioning and give it this InfluxDB, e.g.

  GF_PATHS_PROVISIONING=$REPO/firmware-config/grafana/provisioning LOOS_EDGE_GRAFANA=$REPO/firmware-config/grafana \\
  LOOS_EDGE_INFLUXDB_URL=http://127.0.0.1:18086 LOOS_EDGE_INFLUXDB_DATABASE=loos_edge grafana server --homepath /usr/share/grafana

  (or copy that folder into /etc/grafana/provisioning/ and set the three LOOS_EDGE_ variables in Grafana's environment;
  README, "Grafana boards")

Ctrl-C stops the gateway and InfluxDB.

TEXT
  dotnet .work/demo/bin/loos-edge.dll run --config firmware-config/site.demo.yaml
}

service() {
  need_root
  command -v dotnet >/dev/null || { echo "install.sh: the .NET 10 SDK is needed to build (dotnet on PATH)" >&2; exit 1; }
  local rid
  case "$(uname -m)" in
    aarch64) rid=linux-arm64 ;;
    x86_64) rid=linux-x64 ;;
    *) echo "install.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
  esac
  dotnet publish src/Loos.Edge/Loos.Edge.csproj -c Release -r "$rid" --self-contained -nologo -o /opt/loos-edge
  ln -sf /opt/loos-edge/loos-edge /usr/local/bin/loos-edge
  # GPIO pins (pulse counters), I²C sensors and serial lines (Modbus RTU, M-Bus) are opened through these groups.
  for group in gpio i2c; do getent group "$group" >/dev/null || groupadd --system "$group"; done
  id loos-edge >/dev/null 2>&1 || useradd --system --home-dir /var/lib/loos-edge --shell /usr/sbin/nologin --groups dialout,gpio,i2c loos-edge
  usermod -a -G dialout,gpio,i2c loos-edge
  install -d -o loos-edge -g loos-edge -m 0750 /var/lib/loos-edge
  install -d -m 0755 /etc/loos-edge
  [ -f /etc/loos-edge/site.yaml ] || install -m 0644 firmware-config/site.example.yaml /etc/loos-edge/site.yaml
  # Device profiles (register maps of common meters), found in profiles/ beside the site file.
  install -d -m 0755 /etc/loos-edge/profiles
  install -m 0644 firmware-config/profiles/*.yaml /etc/loos-edge/profiles/
  # MQTT mapping presets (Zigbee2MQTT, Shelly, Tasmota, lighting controllers), found in mqtt-presets/ beside the site file.
  install -d -m 0755 /etc/loos-edge/mqtt-presets
  install -m 0644 firmware-config/mqtt-presets/*.yaml /etc/loos-edge/mqtt-presets/
  install -m 0644 firmware-config/systemd/loos-edge.service /etc/systemd/system/loos-edge.service
  /opt/loos-edge/loos-edge config validate --config /etc/loos-edge/site.yaml || echo "Edit /etc/loos-edge/site.yaml, then: systemctl restart loos-edge"
  systemctl daemon-reload
  systemctl enable --now loos-edge
  echo "Installed. Status: systemctl status loos-edge; health: curl -s http://127.0.0.1:8187/health"
}

case "${1:-}" in
  --demo) demo ;;
  --packages) shift; install_packages "$@" ;;
  "") service ;;
  *) echo "usage: $0 [--demo | --packages NAME...]" >&2; exit 2 ;;
esac
