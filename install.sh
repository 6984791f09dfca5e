#!/usr/bin/env bash
# Loos Edge installer.
#   ./install.sh --demo   set up this machine and run the gateway on simulated field devices, forwarding to a
#                         local InfluxDB (started on 127.0.0.1:18086, data under .work/demo/); Ctrl-C stops both
#   ./install.sh --packages NAME...   install Debian packages that are missing (used by build.sh too)
#   sudo ./install.sh     install or upgrade the gateway as a systemd service on this machine (a Raspberry Pi in a
#                         building): from the release archive this script sits in (no SDK needed), or, in a clone,
#                         from `./build.sh package RID` run first. Program in /opt/loos-edge/releases/VERSION with
#                         `current` and `previous` links, user loos-edge, site file in /etc/loos-edge/, data in
#                         /var/lib/loos-edge/. An upgrade keeps the site file, secrets, buffer and edited profiles and
#                         presets, restarts the service and goes back to the previous release if the new one does not
#                         become ready. The service is started only once the site file validates.
#   sudo ./install.sh --archive FILE    the same from a release archive (artifacts/loos-edge-VERSION-RID.tar.gz)
#   sudo ./install.sh --rollback        back to the previous release
#   sudo ./install.sh --uninstall [--purge]   remove the service and the program; --purge also removes
#                         /etc/loos-edge and /var/lib/loos-edge (site file, secrets, buffer)
# LOOS_EDGE_ROOT=DIR puts /opt, /etc, /var/lib and /usr/local/bin under DIR and leaves accounts alone (the tests
# install into a scratch root); SYSTEMCTL=COMMAND stands for systemctl (the tests' supervisor: their machine does not
# run systemd); LOOS_EDGE_READY_TIMEOUT=SECONDS (90) is how long a started gateway has to become ready.
set -euo pipefail
CALLER=$(pwd)
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

ROOT=${LOOS_EDGE_ROOT:-}
SYSTEMCTL=${SYSTEMCTL:-systemctl}
READY_TIMEOUT=${LOOS_EDGE_READY_TIMEOUT:-90}
OPT=$ROOT/opt/loos-edge
ETC=$ROOT/etc/loos-edge
VAR=$ROOT/var/lib/loos-edge
UNIT=$ROOT/etc/systemd/system/loos-edge.service
JOURNALD_DROPIN=$ROOT/etc/systemd/journald.conf.d/loos-edge.conf
LINK=$ROOT/usr/local/bin/loos-edge
# The checksum of each profile and preset as shipped by the last install: a file that still has it was not edited here.
CHECKSUMS=$ETC/shipped.sha256

# The userland's architecture, not the kernel's: 32-bit Raspberry Pi OS runs on a 64-bit kernel (uname -m says aarch64).
machine_rid() {
  local architecture
  architecture=$(dpkg --print-architecture 2>/dev/null || uname -m)
  case "$architecture" in
    arm64 | aarch64) echo linux-arm64 ;;
    amd64 | x86_64) echo linux-x64 ;;
    armhf) echo "install.sh: this is a 32-bit system; the gateway is built for 64-bit Raspberry Pi OS (arm64)" >&2; exit 1 ;;
    *) echo "install.sh: unsupported architecture $architecture (releases exist for arm64 and amd64)" >&2; exit 1 ;;
  esac
}

service() {
  need_root
  if [ -x "$REPO/program/loos-edge" ]; then
    install_release "$REPO"
    return
  fi
  # A clone: package the gateway for this machine first, then install that as any archive.
  local rid version
  rid=$(machine_rid)
  command -v dotnet >/dev/null || {
    echo "install.sh: this is a clone, and building needs the .NET 10 SDK (dotnet on PATH, which sudo may not see)." >&2
    echo "Build the release where the SDK is: ./build.sh package $rid, then: sudo ./install.sh --archive artifacts/loos-edge-VERSION-$rid.tar.gz" >&2
    exit 1
  }
  ./build.sh package "$rid"
  version=$(sed -nE 's|.*<Version>([^<]+)</Version>.*|\1|p' Directory.Build.props | head -1)
  install_release "$REPO/artifacts/loos-edge-$version-$rid"
}

from_archive() {
  need_root
  local archive=$1 unpacked folder
  case "$archive" in /*) ;; *) archive="$CALLER/$archive" ;; esac
  [ -f "$archive" ] || { echo "install.sh: no file $archive" >&2; exit 1; }
  unpacked=$(mktemp -d)
  trap "rm -rf '$unpacked'" EXIT
  tar -C "$unpacked" -xf "$archive"
  folder=$(find "$unpacked" -mindepth 2 -maxdepth 2 -name VERSION -printf '%h\n' | head -1)
  if [ -z "$folder" ] || [ ! -x "$folder/program/loos-edge" ]; then
    echo "install.sh: $archive is not a Loos Edge release archive (no program/loos-edge in it)" >&2
    exit 1
  fi
  # The archive's own installer knows its own layout.
  "$folder/install.sh"
}

accounts() {
  # A scratch root (LOOS_EDGE_ROOT) leaves the machine's accounts alone.
  [ -z "$ROOT" ] || return 0
  # GPIO pins (pulse counters), I²C sensors and serial lines (Modbus RTU, M-Bus) are opened through these groups.
  local group
  for group in gpio i2c; do getent group "$group" >/dev/null || groupadd --system "$group"; done
  id loos-edge >/dev/null 2>&1 || useradd --system --home-dir /var/lib/loos-edge --shell /usr/sbin/nologin --groups dialout,gpio,i2c loos-edge
  usermod -a -G dialout,gpio,i2c loos-edge
}

# Profiles and MQTT presets: a file nobody edited here (its checksum is the one shipped last time) is replaced by the
# new shipped one; an edited one is kept and the new shipped version put beside it as NAME.yaml.new.
install_configuration() {
  local shipped=$1 folder file name target new_sum current_sum recorded_sum checksums
  checksums=$(mktemp)
  for folder in profiles mqtt-presets; do
    install -d -m 0755 "$ETC/$folder"
    for file in "$shipped/$folder"/*.yaml; do
      name="$folder/$(basename "$file")"
      target="$ETC/$name"
      new_sum=$(sha256sum <"$file" | cut -d' ' -f1)
      echo "$new_sum  $name" >>"$checksums"
      if [ ! -f "$target" ]; then
        install -m 0644 "$file" "$target"
        continue
      fi
      current_sum=$(sha256sum <"$target" | cut -d' ' -f1)
      recorded_sum=$([ -f "$CHECKSUMS" ] && awk -v name="$name" '$2 == name { print $1 }' "$CHECKSUMS" || true)
      if [ "$current_sum" = "$new_sum" ]; then
        rm -f "$target.new"
      elif [ "$current_sum" = "$recorded_sum" ]; then
        install -m 0644 "$file" "$target"
        rm -f "$target.new"
        echo "Updated $target"
      else
        install -m 0644 "$file" "$target.new"
        echo "Kept $target, which was changed here; the shipped version is beside it: $target.new"
      fi
    done
  done
  install -m 0644 "$checksums" "$CHECKSUMS"
  rm -f "$checksums"
}

install_journald_limits() {
  local dropin
  dropin=$(mktemp)
  cat >"$dropin" <<'CONF'
# Journal limits for a gateway on an SD card, installed by Loos Edge's install.sh (removed by --uninstall).
[Journal]
# At most 64 MB of journal on the card (weeks of a gateway's normal log) in files of 8 MB, so the oldest go
# a file at a time; never the last 256 MB of free space, which the gateway's buffer needs more.
SystemMaxUse=64M
SystemMaxFileSize=8M
SystemKeepFree=256M
# The journal in memory (/run/log/journal, before /var is mounted or with volatile storage): at most 16 MB of RAM.
RuntimeMaxUse=16M
# Older entries do not help a technician and only cost writes.
MaxRetentionSec=1month
# Entries reach the card in batches every 5 minutes (critical ones at once): fewer, larger writes.
SyncIntervalSec=5m
CONF
  install -d -m 0755 "$(dirname "$JOURNALD_DROPIN")"
  if ! cmp -s "$dropin" "$JOURNALD_DROPIN"; then
    install -m 0644 "$dropin" "$JOURNALD_DROPIN"
    $SYSTEMCTL try-restart systemd-journald.service || true
  fi
  rm -f "$dropin"
}

# The health address from the site file's health section ("address: HOST:PORT"), as a client on this machine reaches it.
health_address() {
  local address
  address=$(awk '/^health:/ { inside = 1; next } /^[^ #]/ { inside = 0 } inside && /^[ ]+address:/ { print $2; exit }' "$ETC/site.yaml" | tr -d "\"'")
  address=${address:-127.0.0.1:8187}
  case "${address%:*}" in
    0.0.0.0 | "*" | "[::]" | "") address="127.0.0.1:${address##*:}" ;;
  esac
  echo "$address"
}

# The health endpoint's status (ok, degraded, alert), or failure when it does not answer.
health_status() {
  local host=${1%:*} port=${1##*:} response
  response=$( (exec 3<>"/dev/tcp/$host/$port" && printf 'GET /health HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" >&3 && timeout 5 cat <&3) 2>/dev/null) || return 1
  grep -q '^HTTP/' <<<"$response" || return 1
  sed -nE 's/.*"status" *: *"([a-z]+)".*/\1/p' <<<"$response" | head -1
}

# Ready: the unit active and its health endpoint answering, within LOOS_EDGE_READY_TIMEOUT seconds.
wait_ready() {
  local address=$1 deadline=$((SECONDS + READY_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if $SYSTEMCTL is-active --quiet loos-edge.service && health_status "$address" >/dev/null; then
      return 0
    fi
    sleep 1
  done
  return 1
}

# current -> releases/NEW, previous -> the release current was before.
switch_links() {
  local target=$1 previous=$2
  ln -sfn "$target" "$OPT/current"
  if [ -n "$previous" ]; then ln -sfn "$previous" "$OPT/previous"; else rm -f "$OPT/previous"; fi
}

# Every release but current and previous goes: each is a whole runtime, and an SD card is small.
prune_releases() {
  local release keep_current keep_previous
  keep_current=$(readlink "$OPT/current" || true)
  keep_previous=$(readlink "$OPT/previous" || true)
  for release in "$OPT"/releases/*; do
    [ -e "$release" ] || continue
    case "releases/$(basename "$release")" in
      "$keep_current" | "$keep_previous") ;;
      *) rm -rf "$release" ;;
    esac
  done
}

validate_site() {
  if [ -z "$ROOT" ]; then
    # As the service user, who must be able to read the site file and its secret files.
    runuser -u loos-edge -- "$OPT/current/loos-edge" config validate --config "$ETC/site.yaml"
  else
    "$OPT/current/loos-edge" config validate --config "$ETC/site.yaml"
  fi
}

install_release() {
  local source=$1 version rid before before_previous backup address status
  version=$(cat "$source/VERSION")
  rid=$(cat "$source/RID")
  [ "$rid" = "$(machine_rid)" ] || { echo "install.sh: this release is for $rid, this machine is $(machine_rid)" >&2; exit 1; }
  accounts
  install -d -m 0755 "$OPT/releases" "$ETC" "$(dirname "$UNIT")" "$(dirname "$LINK")"
  if [ -z "$ROOT" ]; then install -d -o loos-edge -g loos-edge -m 0700 "$VAR"; else install -d -m 0700 "$VAR"; fi
  before=$(readlink "$OPT/current" || true)
  before_previous=$(readlink "$OPT/previous" || true)

  # The new release is copied beside the running one, whose files stay as they are until it is restarted.
  local incoming="$OPT/releases/.incoming-$version"
  rm -rf "$incoming"
  mkdir -p "$incoming"
  cp -r "$source/program/." "$incoming/"
  cp -r "$source/firmware-config" "$source/install.sh" "$source/README.md" "$source/VERSION" "$source/RID" "$incoming/"
  chown -R 0:0 "$incoming"
  chmod -R u+rwX,go+rX,go-w "$incoming"
  if [ "$before" = "releases/$version" ]; then
    # The same version again (a rebuild): the one in place becomes the previous one.
    rm -rf "$OPT/releases/$version.replaced"
    mv "$OPT/releases/$version" "$OPT/releases/$version.replaced"
    before="releases/$version.replaced"
  else
    rm -rf "${OPT:?}/releases/$version"
  fi
  mv "$incoming" "$OPT/releases/$version"

  # Profiles and presets as they were, put back if this release has to be rolled back.
  backup=$(mktemp -d)
  cp -a "$ETC/." "$backup/"
  install_configuration "$OPT/releases/$version/firmware-config"
  install -m 0644 "$OPT/releases/$version/firmware-config/systemd/loos-edge.service" "$UNIT"
  install_journald_limits
  switch_links "releases/$version" "$before"
  ln -sfn "$OPT/current/loos-edge" "$LINK"
  $SYSTEMCTL daemon-reload

  if [ ! -f "$ETC/site.yaml" ]; then
    install -m 0644 "$OPT/current/firmware-config/site.example.yaml" "$ETC/site.yaml"
    prune_releases
    rm -rf "$backup"
    cat <<TEXT

Loos Edge $version is installed in $OPT/releases/$version, not started: $ETC/site.yaml is the commented example.
Edit it for this building (site name, devices, the InfluxDB target and its token file), check it and start:

  loos-edge config validate --config /etc/loos-edge/site.yaml
  sudo systemctl enable --now loos-edge
TEXT
    return 0
  fi

  if ! validate_site; then
    prune_releases
    rm -rf "$backup"
    echo
    echo "Loos Edge $version is installed in $OPT/releases/$version but the service was not (re)started: the site file"
    echo "has the problems above. Edit $ETC/site.yaml, check it and start:"
    echo
    echo "  loos-edge config validate --config /etc/loos-edge/site.yaml"
    echo "  sudo systemctl enable loos-edge && sudo systemctl restart loos-edge"
    if $SYSTEMCTL is-active --quiet loos-edge.service; then
      echo
      echo "Until then the running gateway stays on the version it was started with (${before#releases/})."
    fi
    exit 1
  fi

  # restart, not enable --now, which leaves a running gateway on the old program.
  $SYSTEMCTL enable loos-edge.service
  address=$(health_address)
  echo "Starting Loos Edge $version; waiting up to $READY_TIMEOUT s for its health endpoint on $address"
  if $SYSTEMCTL restart loos-edge.service && wait_ready "$address"; then
    prune_releases
    rm -rf "$backup"
    status=$(health_status "$address" || true)
    echo "Installed Loos Edge $version: the service runs it and health answers (status ${status:-unknown})."
    [ -z "$before" ] || echo "The previous release (${before#releases/}) is kept: sudo ./install.sh --rollback goes back to it."
    if [ "$status" != "ok" ]; then
      echo "Health is not ok yet: curl -s http://$address/health says why; journalctl -u loos-edge shows the log."
    fi
    return 0
  fi

  echo "Loos Edge $version did not become ready within $READY_TIMEOUT s (journalctl -u loos-edge says why)." >&2
  if [ -z "$before" ]; then
    rm -rf "$backup"
    exit 1
  fi
  echo "Rolling back to ${before#releases/}." >&2
  rm -rf "${OPT:?}/releases/$version"
  if [ "$before" = "releases/$version.replaced" ]; then
    mv "$OPT/releases/$version.replaced" "$OPT/releases/$version"
    before="releases/$version"
  fi
  switch_links "$before" "$before_previous"
  # The profiles and presets the previous release ran with, and the checksums recorded with them.
  rm -rf "$ETC/profiles" "$ETC/mqtt-presets" "$CHECKSUMS"
  cp -a "$backup/." "$ETC/"
  rm -rf "$backup"
  install -m 0644 "$OPT/current/firmware-config/systemd/loos-edge.service" "$UNIT"
  $SYSTEMCTL daemon-reload
  if $SYSTEMCTL restart loos-edge.service && wait_ready "$address"; then
    echo "Rolled back: ${before#releases/} runs again; $version was removed." >&2
  else
    echo "Rolled back to ${before#releases/}, which did not become ready either: journalctl -u loos-edge says why." >&2
  fi
  exit 1
}

rollback_command() {
  need_root
  local current previous address
  current=$(readlink "$OPT/current" || true)
  previous=$(readlink "$OPT/previous" || true)
  [ -n "$previous" ] && [ -d "$OPT/$previous" ] || { echo "install.sh: no previous release in $OPT to go back to" >&2; exit 1; }
  switch_links "$previous" "$current"
  install -m 0644 "$OPT/current/firmware-config/systemd/loos-edge.service" "$UNIT"
  $SYSTEMCTL daemon-reload
  address=$(health_address)
  if $SYSTEMCTL restart loos-edge.service && wait_ready "$address"; then
    echo "Rolled back to ${previous#releases/} (running); ${current#releases/} is kept as the previous release."
  else
    echo "Rolled back to ${previous#releases/}, which did not become ready within $READY_TIMEOUT s: journalctl -u loos-edge says why." >&2
    exit 1
  fi
}

uninstall() {
  need_root
  local purge=$1
  if [ -f "$UNIT" ]; then
    $SYSTEMCTL disable --now loos-edge.service || true
  fi
  rm -f "$UNIT" "$LINK" "$JOURNALD_DROPIN"
  rm -rf "$OPT"
  $SYSTEMCTL daemon-reload || true
  if [ "$purge" = yes ]; then
    rm -rf "$ETC" "$VAR"
    if [ -z "$ROOT" ] && id loos-edge >/dev/null 2>&1; then userdel loos-edge; fi
    echo "Removed Loos Edge, its site file, secrets, profiles and buffer."
  else
    echo "Removed Loos Edge. Kept $ETC (site file, secrets, profiles) and $VAR (buffer);"
    echo "sudo ./install.sh --uninstall --purge removes them too."
  fi
}

usage() {
  echo "usage: $0 [--demo | --packages NAME... | --archive FILE | --rollback | --uninstall [--purge]]" >&2
  exit 2
}

case "${1:-}" in
  --demo) demo ;;
  --packages) shift; install_packages "$@" ;;
  "") service ;;
  --archive) [ $# -eq 2 ] || usage; from_archive "$2" ;;
  --rollback) [ $# -eq 1 ] || usage; rollback_command ;;
  --uninstall)
    case "${2:-}" in
      "") uninstall no ;;
      --purge) uninstall yes ;;
      *) usage ;;
    esac ;;
  *) usage ;;
esac
