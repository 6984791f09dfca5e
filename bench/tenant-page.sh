#!/usr/bin/env bash
# The tenant page (`/maison` of `loos-edge web`) read from a real influxd holding HOMES homes: hourly heat-meter and
# outdoor readings over the season's last 60 days, from which the real gateway (`loos-edge run`, `heating:
# publishSeries`) publishes the `heating` and `heating_daily` series. Printed: the page's time to first byte (median,
# p95), against the same four InfluxQL statements sent straight to influxd's /query (until the whole answer is in:
# the page needs all of it before its first byte), the page's weight, and what it would load from elsewhere (nothing)
# with its Content-Security-Policy.
#   bench/tenant-page.sh [HOMES]      (default 500 homes; RUNS=100 measured requests per side after 5 warm-ups)
set -euo pipefail
cd "$(dirname "$0")/.."
HOMES=${1:-500}
RUNS=${RUNS:-100}
WARMUPS=5
DAYS=60
LINKED_HOME=3 # in every database of 3 homes or more, with the same readings: figures compare across HOMES
PUBLISH_DEADLINE_SECONDS=300

for binary in influxd curl python3 gzip; do
  command -v "$binary" >/dev/null || { echo "missing $binary: apt-get install -y influxdb curl python3 gzip" >&2; exit 1; }
done
[ "$HOMES" -ge "$LINKED_HOME" ] || { echo "HOMES must be $LINKED_HOME or more (the page shows home $LINKED_HOME)" >&2; exit 2; }

work=$(mktemp -d /tmp/loos-edge-tenant-page-XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
trap "exit 1" INT TERM

. bench/common.sh

write_influxd_config "$work"
influxd -config "$work/influxdb.conf" >"$work/influxd.log" 2>&1 &
pids+=($!)
wait_http "$influx/ping"
curl -sf -XPOST "$influx/query" --data-urlencode 'q=CREATE DATABASE town' >/dev/null

# The season starts on the first day of readings, at local midnight in Paris, DAYS days ago; readings run to now.
year_start=$(python3 -c "
from datetime import datetime, timedelta; from zoneinfo import ZoneInfo
first = datetime.now(ZoneInfo('Europe/Paris')).date() - timedelta(days=$DAYS)
print('02-28' if (first.month, first.day) == (2, 29) else first.strftime('%m-%d'))")
echo "Writing $HOMES homes × $DAYS days of hourly heat-meter readings and the outdoor temperature to influxd"
python3 - "$influx" "$HOMES" "$DAYS" <<'PY'
import math, sys, urllib.request
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo
influx, homes, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
paris = ZoneInfo("Europe/Paris")
first = datetime.combine(datetime.now(paris).date() - timedelta(days=days), time(), paris).astimezone(timezone.utc)
hours = int((datetime.now(timezone.utc) - first).total_seconds() // 3600)
stamps = [int((first + timedelta(hours=h)).timestamp()) for h in range(hours + 1)]
# Autumn into winter: 12 °C falling to about 4 °C, colder at night; a few mild spells.
outdoor = [12 - 8 * h / (days * 24) + 3 * math.sin(2 * math.pi * ((h % 24) - 9) / 24) + 2 * math.sin(h / 97) for h in range(len(stamps))]

def post(lines):
    request = urllib.request.Request(f"{influx}/write?db=town&precision=s", data="".join(lines).encode(), method="POST")
    with urllib.request.urlopen(request) as response:
        assert response.status == 204, response.status

post([f"weather,sensor=outdoor,unit=°C temperature={t:.2f} {s}\n" for s, t in zip(stamps, outdoor)])
lines = []
for home in range(1, homes + 1):
    loss_kwh_per_degree_day = 0.2 + 2.0 * ((home * 37) % 101) / 100  # from a well-insulated flat to a draughty house
    hot_water_kwh_per_hour = 0.01 + 0.04 * ((home * 13) % 7) / 6
    wh = 1_000_000.0 + home * 1234
    for s, t in zip(stamps, outdoor):
        wh += (max(0.0, 18 - t) * loss_kwh_per_degree_day / 24 + hot_water_kwh_per_hour) * 1000
        lines.append(f"heat_meter,home={home},unit=Wh energy={wh:.0f} {s}\n")
    if len(lines) >= 50_000 or home == homes:
        post(lines)
        lines = []
print(f"{homes * len(stamps) + len(stamps)} readings written")
PY

dotnet build src/Loos.Edge/Loos.Edge.csproj -c Release -nologo -clp:ErrorsOnly >/dev/null
loos_edge=(dotnet src/Loos.Edge/bin/Release/net10.0/loos-edge.dll)
web_port=$(free_port)
cat >"$work/site.yaml" <<YAML
site:
  name: Résidence des Acacias
  timeZone: Europe/Paris
buffer:
  directory: $work/buffer
forwarder:
  targets:
    - name: influxd
      api: v1
      url: $influx
      database: town
      batchMaxAge: 00:00:00.200
listener:
  enabled: false
health:
  address: 127.0.0.1:$(free_port)
heating:
  yearStart: "$year_start"
  tariffEurPerKwh: 0.10
  fixedEurPerYear: 50
  djuNormal: 2000
  targetEur: 150
  publishSeries: true
  publishInterval: 00:01:00
  outdoor:
    tags:
      sensor: outdoor
web:
  address: 127.0.0.1:$web_port
  publicUrl: http://127.0.0.1:$web_port
  influx:
    url: $influx
    database: town
YAML

series_count() { # statement -> how many series influxd answers
  curl -sf -G "$influx/query" --data-urlencode db=town --data-urlencode "q=$1" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"][0].get("series", [])))' || echo 0
}
echo "Running the gateway until it has published the heating series of all $HOMES homes"
"${loos_edge[@]}" run --config "$work/site.yaml" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
gateway_started=$SECONDS
published_at=
for _ in $(seq 1 $((PUBLISH_DEADLINE_SECONDS * 2))); do
  if [ "$(series_count 'SELECT last("status_code") FROM "heating" GROUP BY "home"')" -ge "$HOMES" ] &&
    [ "$(series_count 'SELECT count("kwh") FROM "heating_daily" GROUP BY "home"')" -ge "$HOMES" ]; then
    published_at=$((SECONDS - gateway_started))
    break
  fi
  kill -0 "$gateway_pid" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$published_at" ]; then
  echo "the gateway did not publish the heating and heating_daily series of $HOMES homes within ${PUBLISH_DEADLINE_SECONDS} s; its log:" >&2
  tail -40 "$work/gateway.log" >&2
  exit 1
fi
kill "$gateway_pid"
wait "$gateway_pid" 2>/dev/null || true
grep -o 'Heating as of .*' "$work/gateway.log" | tail -1 || true

"${loos_edge[@]}" web --config "$work/site.yaml" >"$work/web.log" 2>&1 &
pids+=($!)
web="http://127.0.0.1:$web_port"
wait_http "$web/"
link=$("${loos_edge[@]}" web token create --home "$LINKED_HOME" --config "$work/site.yaml" | grep -o "$web/h/[A-Za-z0-9_-]*")
cookie=$(curl -sf -D - -o /dev/null "$link" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
[ -n "$cookie" ] || { echo "opening the link $web/h/… set no cookie" >&2; exit 1; }

# The four statements the page sends for the home, in one request, as HomeHeatingReader writes them.
statements=$(python3 - "$year_start" "$LINKED_HOME" <<'PY'
import sys
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo
year_start, home = sys.argv[1], sys.argv[2]
paris = ZoneInfo("Europe/Paris")
today = datetime.now(paris).date()
start = today.replace(month=int(year_start[:2]), day=int(year_start[3:]))
if start >= today:
    start = start.replace(year=start.year - 1)
since = datetime.combine(start, time(), paris).astimezone(timezone.utc)
instant = lambda t: t.strftime("'%Y-%m-%dT%H:%M:%SZ'")
print(";\n".join([
    f"SELECT * FROM \"heating\" WHERE \"home\" = '{home}' AND time >= {instant(since)} ORDER BY time DESC LIMIT 1",
    f"SELECT \"kwh\", \"kwh_quality\" FROM \"heating_daily\" WHERE \"home\" = '{home}' AND time >= {instant(since)}",
    f"SELECT \"dju\" FROM \"heating_daily\" WHERE \"scope\" = 'site' AND time >= {instant(since)}",
    f"SELECT last(\"energy\") FROM \"heat_meter\" WHERE \"home\" = '{home}' AND time >= {instant(since - timedelta(days=30))}"]))
PY
)

page() { curl -s -o "$work/page.html" -D "$work/page.headers" -H "Cookie: $cookie" -w '%{http_code} %{time_starttransfer}\n' "$web/maison"; }
direct() { curl -s -o "$work/direct.json" -w '%{http_code} %{time_total}\n' -G "$influx/query" -H 'Accept: application/json' \
  --data-urlencode epoch=ms --data-urlencode db=town --data-urlencode "q=$statements"; }
for _ in $(seq 1 $WARMUPS); do page >/dev/null; done
for _ in $(seq 1 $WARMUPS); do direct >/dev/null; done
grep -q 'Votre chauffage cette saison' "$work/page.html" && grep -q 'Jour par jour' "$work/page.html" ||
  { echo "/maison did not show home $LINKED_HOME's season:" >&2; head -c 2000 "$work/page.html" >&2; exit 1; }
grep -q '"series"' "$work/direct.json" || { echo "influxd answered the page's statements with no series:" >&2; cat "$work/direct.json" >&2; exit 1; }
echo "Measuring: $RUNS requests of /maison and $RUNS of the same statements on influxd's /query, alternately"
: >"$work/page.times"
: >"$work/direct.times"
for _ in $(seq 1 "$RUNS"); do
  page >>"$work/page.times"
  direct >>"$work/direct.times"
done
curl -s -o "$work/page.gz" -D "$work/page-gzip.headers" -H "Cookie: $cookie" -H 'Accept-Encoding: gzip, br' "$web/maison"

python3 - "$work" "$HOMES" "$RUNS" "$LINKED_HOME" "$published_at" "$WARMUPS" "$DAYS" <<'PY'
import gzip, re, statistics, sys
work, homes, runs, home, published_seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
warmups, days = int(sys.argv[6]), int(sys.argv[7])

def times(name):
    rows = [line.split() for line in open(f"{work}/{name}.times")]
    bad = [code for code, _ in rows if code != "200"]
    if bad:
        sys.exit(f"{name}: {len(bad)} of {len(rows)} requests answered {sorted(set(bad))}")
    return sorted(float(seconds) * 1000 for _, seconds in rows)

def p95(values):
    return values[min(len(values) - 1, round(0.95 * len(values)) - 1)]

page, direct = times("page"), times("direct")
html = open(f"{work}/page.html", "rb").read()
text = html.decode()
headers = open(f"{work}/page.headers").read()
gzip_headers = open(f"{work}/page-gzip.headers").read()
csp = re.search(r"^content-security-policy: (.*?)\r?$", headers, re.I | re.M).group(1)
encoding = re.search(r"^content-encoding: (.*?)\r?$", gzip_headers, re.I | re.M)

# Everything that would make a browser fetch from another origin: none may be there.
attributes = re.findall(r"""\b(?:src|href|action|srcset|poster|data|xlink:href)\s*=\s*["']?([^"'\s>]*)""", text, re.I)
foreign = [value for value in attributes if re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", value, re.I)]
scripts = len(re.findall(r"<script\b", text, re.I))
style_links = len(re.findall(r"<link\b[^>]*\bstylesheet\b", text, re.I))
css_urls = len(re.findall(r"url\s*\(|@import", text, re.I))
svg_bytes = sum(len(svg.encode()) for svg in re.findall(r"<svg\b.*?</svg>", text, re.S))
style_bytes = sum(len(style.encode()) for style in re.findall(r"<style\b.*?</style>", text, re.S))
elements = len(re.findall(r"<[a-zA-Z]", text))
charts = re.findall(r"<svg\b([^>]*)>(.*?)</svg>", text, re.S)
named_charts = sum('role="img"' in attributes_ and "<title" in inside for attributes_, inside in charts)
images_without_alt = len(re.findall(r"<img\b(?![^>]*\balt=)[^>]*>", text, re.I))
header_cells = len(re.findall(r'<th scope="(?:col|row)"', text)), len(re.findall(r"<th\b", text))
facts = {
    "lang": re.search(r'<html lang="([^"]+)"', text).group(1),
    "viewport": 'name="viewport"' in text,
    "title": re.search(r"<title>(.*?)</title>", text).group(1),
}
external = len(foreign) + scripts + style_links + css_urls

print()
print(f"Tenant page /maison of home {home}, {homes} homes in influxd ({runs} requests per side, after warm-up):")
print(f"  gateway published heating + heating_daily for {homes} homes {published_seconds} s after its start")
print(f"  time to first byte      median {statistics.median(page):6.2f} ms   p95 {p95(page):6.2f} ms")
print(f"  influxd /query, same 4 statements in one request: median {statistics.median(direct):6.2f} ms   p95 {p95(direct):6.2f} ms")
print(f"  ratio: the page takes {statistics.median(page) / statistics.median(direct):.2f}x the time of its InfluxDB query (medians)")
print(f"  page weight: {len(html):,} bytes of HTML (inline style sheet {style_bytes:,} B, inline SVG {svg_bytes:,} B, {elements} elements),"
      f" {len(gzip.compress(html, 9)):,} bytes gzipped")
print(f"  compression: {'the server sends ' + encoding.group(1) if encoding else 'none from the server (Accept-Encoding: gzip, br answered uncompressed); a reverse proxy may add it'}")
print(f"  requests to load the page: 1 (the HTML); {len(attributes)} src/href/action attributes, {len(foreign)} to another origin;"
      f" {scripts} <script>, {style_links} <link rel=stylesheet>, {css_urls} url()/@import")
print(f"  lang=\"{facts['lang']}\", viewport meta {'present' if facts['viewport'] else 'MISSING'}, title \"{facts['title']}\";"
      f" {named_charts} of {len(charts)} SVG charts with role=img and a <title>, {images_without_alt} <img> without alt,"
      f" {header_cells[0]} of {header_cells[1]} table header cells with scope")
print(f"  Content-Security-Policy: {csp}")
if external:
    sys.exit(f"the page would load {external} things from elsewhere: {foreign}")

sys.path.insert(0, "bench")
import record
command = f"bench/tenant-page.sh {homes}"
record.add("tenant-page-time", f"tenant page /maison with {homes} homes in influxd 1.6 ({runs} requests after {warmups} warm-ups)",
           f"time to first byte median {statistics.median(page):.1f} ms, p95 {p95(page):.1f} ms ({statistics.median(page) / statistics.median(direct):.2f}x its query's time)",
           f"its four InfluxQL statements straight to influxd's /query: median {statistics.median(direct):.1f} ms", command)
record.add("tenant-page-weight", f"tenant page weight, {days} days",
           f"{len(html):,} B of HTML (style sheet {style_bytes:,} B and charts {svg_bytes:,} B inline, {elements} elements), {len(gzip.compress(html, 9)):,} B gzipped",
           "—", command)
record.add("tenant-page-origins", "tenant page requests to other origins",
           f"none: one request in all, {scripts} script, {style_links} style-sheet link, {css_urls} url(); Content-Security-Policy {csp}", "—", command)
PY
