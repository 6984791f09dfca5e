#!/usr/bin/env bash
# `loos-edge heating report` on HOMES homes × one heating year of 15-minute meter readings (default 1000 homes,
# 35 million readings) and hourly outdoor temperatures: the wall time and peak memory of the whole command, CSV
# parsing included. Usage: bench/heating-report.sh [HOMES]
set -euo pipefail
cd "$(dirname "$0")/.."
homes=${1:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. bench/common.sh

echo "generating $homes homes × 35,040 quarter-hours into $work/readings.csv"
python3 - "$homes" > "$work/readings.csv" <<'PY'
import math, sys
from datetime import datetime, timedelta, timezone
homes = int(sys.argv[1])
start = datetime(2025, 7, 1, tzinfo=timezone.utc) - timedelta(hours=2)  # local midnight in Paris (summer time)
quarters = 365 * 96
stamps = [(start + timedelta(minutes=15 * q)).strftime("%Y-%m-%dT%H:%M:%SZ") for q in range(quarters)]
out = sys.stdout
out.write("time,home,quantity,value\n")
for q in range(0, quarters, 4):  # hourly outdoor temperature: a seasonal wave and a daily one
    day = q / 96
    celsius = 12 + 9 * math.cos(2 * math.pi * (day - 15) / 365) + 4 * math.sin(2 * math.pi * (q % 96) / 96)
    out.write(f"{stamps[q]},,outdoor_c,{celsius:.1f}\n")
for h in range(homes):
    home = f"home-{h:04d}"
    loss = 0.8 + (h % 50) / 50  # kWh per degree-day, 0.8 to 1.8
    counter = 1000.0 + h
    lines = []
    for q in range(quarters):
        day = q / 96
        outdoor = 12 + 9 * math.cos(2 * math.pi * (day - 15) / 365)
        counter += max(0.0, 18 - outdoor) * loss / 96 + 0.01
        lines.append(f"{stamps[q]},{home},energy_kwh,{counter:.3f}\n")
    out.write("".join(lines))
PY
ls -l "$work/readings.csv"
dotnet build src/Loos.Edge/Loos.Edge.csproj -c Release -nologo -clp:ErrorsOnly > /dev/null
/usr/bin/time -o "$work/time" -f "%e %M" \
  dotnet src/Loos.Edge/bin/Release/net10.0/loos-edge.dll heating report --readings "$work/readings.csv" \
  --as-of 2026-07-01 --tariff-eur-per-kwh 0.12 --fixed-eur-per-year 30 --dju-normal 2400 --csv > "$work/report.csv"
echo "$(($(wc -l < "$work/report.csv") - 1)) homes in the report; the first lines:"
head -4 "$work/report.csv"
read -r wall_seconds peak_kb <"$work/time"
echo "heating report: $wall_seconds s wall, $((peak_kb / 1024)) MiB peak memory"
record heating-report "loos-edge heating report on $homes homes × one year of 15-minute readings ($(du -h "$work/readings.csv" | cut -f1) of CSV)" \
  "$wall_seconds s wall, CSV parsing included, $((peak_kb / 1024)) MiB peak memory" "—"
