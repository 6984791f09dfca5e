#!/usr/bin/env bash
# What a Raspberry Pi receives: the linux-arm64 release archive (`./build.sh package linux-arm64`), its size packed
# and unpacked and its file count, against the 50 MB a Pi's SD card and a slow link should carry; and the systemd
# unit's exposure score (`systemd-analyze security --offline=true`, at most 2.5).
#   bench/release.sh [RID]      (default linux-arm64)
set -euo pipefail
cd "$(dirname "$0")/.."
RID=${1:-linux-arm64}

. bench/common.sh

./build.sh package "$RID" >/dev/null
archive=$(ls -t artifacts/loos-edge-*-"$RID".tar.gz | head -1)
folder=${archive%.tar.gz}
packed=$(stat -c %s "$archive")
unpacked=$(du -sb "$folder" | cut -f1)
files=$(find "$folder" -type f | wc -l)
program=$(du -sb "$folder/program" | cut -f1)
mb() { python3 -c "print(f'{$1 / 1e6:.1f} MB')"; }
echo "$archive: $(mb "$packed") packed, $(mb "$unpacked") unpacked in $files files (program $(mb "$program")); target 50 MB"
record "release-size-$RID" "release for $RID (one native program compiled ahead of time, ./build.sh package $RID)" \
  "$(mb "$unpacked") unpacked in $files files, $(mb "$packed") archive" "target: 50 MB"

exposure=$(systemd-analyze security --offline=true firmware-config/systemd/loos-edge.service 2>/dev/null |
  sed -nE 's/.*Overall exposure level for loos-edge.service: ([0-9.]+).*/\1/p')
echo "unit exposure: $exposure (target at most 2.5)"
record unit-exposure "unit hardening (systemd-analyze security --offline=true firmware-config/systemd/loos-edge.service)" \
  "exposure $exposure" "target: at most 2.5"
