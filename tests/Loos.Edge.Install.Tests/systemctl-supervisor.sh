#!/usr/bin/env bash
# Stands for systemctl in the install tests (install.sh's SYSTEMCTL): the test machine does not run systemd as PID 1,
# so a real `systemctl restart` cannot start a unit there. This supervisor runs the unit's ExecStart, its /opt and
# /etc paths taken under LOOS_EDGE_ROOT, as a background process of the user running the tests, and answers
# is-active by whether that process lives. Of the unit's sandboxing it applies MemoryDenyWriteExecute= alone, through
# the kernel's own switch (deny-write-execute.py beside this file), so the release runs as the unit will confine it;
# the user, the rest of the sandboxing, the restart policy and the notify protocol are systemd's, and the unit itself
# is checked by systemd-analyze in UnitHardeningTests.
set -euo pipefail
root=${LOOS_EDGE_ROOT:?LOOS_EDGE_ROOT must be set}
state="$root/run/supervisor"
mkdir -p "$state"
echo "$*" >>"$state/commands.log"
pid_file="$state/loos-edge.pid"

running() {
  local pid
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file")
  # A process that has exited but is not yet reaped (state Z) does not run.
  [ -r "/proc/$pid/stat" ] && ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$pid/stat"
}

start() {
  running && return 0
  local command
  command=$(sed -nE 's/^ExecStart=(.*)$/\1/p' "$root/etc/systemd/system/loos-edge.service")
  command=${command//\/opt\//$root/opt/}
  command=${command//\/etc\/loos-edge/$root/etc/loos-edge}
  if grep -qE '^MemoryDenyWriteExecute=(yes|true)$' "$root/etc/systemd/system/loos-edge.service"; then
    command="/usr/bin/python3 $(dirname "$0")/deny-write-execute.py $command"
  fi
  echo "start: $command" >>"$state/loos-edge.log"
  setsid bash -c "exec $command" >>"$state/loos-edge.log" 2>&1 </dev/null &
  echo $! >"$pid_file"
}

stop() {
  running || { rm -f "$pid_file"; return 0; }
  local pid
  pid=$(cat "$pid_file")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do running || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pid_file"
}

# Only loos-edge.service is supervised; other units (systemd-journald) are left alone.
unit=""
for argument in "$@"; do
  case "$argument" in loos-edge | loos-edge.service) unit=loos-edge ;; esac
done

case "${1:-}" in
  daemon-reload) ;;
  enable | disable)
    [ "$unit" = loos-edge ] || exit 0
    if [ "$1" = enable ]; then touch "$state/enabled"; else rm -f "$state/enabled"; fi
    if [ "${2:-}" = --now ]; then if [ "$1" = enable ]; then start; else stop; fi; fi ;;
  start) [ "$unit" = loos-edge ] && start ;;
  stop) [ "$unit" = loos-edge ] && stop ;;
  restart) [ "$unit" = loos-edge ] && { stop; start; } ;;
  try-restart) if [ "$unit" = loos-edge ] && running; then stop; start; fi ;;
  is-active) [ "$unit" = loos-edge ] && running ;;
  *) echo "systemctl-supervisor: $* is not supported" >&2; exit 1 ;;
esac
