#!/usr/bin/env python3
"""The benchmark record: bench/record.tsv holds one row per figure (what, Loos Edge's figure, the peer's, the command
that gives it, when and where it was measured), and README.md's Performance table is drawn from it.

`./build.sh bench` sets BENCH_RECORD_OUT to a fresh file; each bench script adds its rows there (`record` in
bench/common.sh, or `record.add` from a script's Python), BenchmarkDotNet's reports are turned into rows with `bdn`,
and `refresh` merges the fresh rows into bench/record.tsv by key (rows not measured this time keep their figures and
their date) and redraws the README table between its markers.

  bench/record.py add KEY WHAT LOOS_EDGE PEER COMMAND      (appends a row to $BENCH_RECORD_OUT, if set)
  bench/record.py bdn RESULTS_FOLDER                        (rows from BenchmarkDotNet's *-report-github.md)
  bench/record.py refresh                                   (merge $BENCH_RECORD_OUT, redraw README.md)
"""
import datetime
import os
import pathlib
import platform
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
RECORD = ROOT / "bench" / "record.tsv"
README = ROOT / "README.md"
BEGIN, END = "<!-- benchmark record: drawn from bench/record.tsv by bench/record.py -->", "<!-- end of the benchmark record -->"
FIELDS = ("key", "what", "loos_edge", "peer", "command", "measured")
BENCHMARK_COMMAND = "dotnet run -c Release --project bench/Loos.Edge.Benchmarks -- --filter '*{}*'"

# BenchmarkDotNet classes in the record: key, what they measure, and the peer: its name and how its methods begin.
BENCHMARKS = {
    "BufferAppendBenchmarks": ("buffer-append", "buffer append, fsynced (ns per reading; batches of 1 or 100, 1 or 16 appenders; maxCommitDelay 0 or 10 ms)", None),
    "LineProtocolParserBenchmarks": ("line-protocol-parse", "line-protocol parsing, per line", None),
    "LineProtocolEncodingBenchmarks": ("line-protocol-encoding", "line-protocol encoding, 10,000 readings", ("InfluxDB.Client", "InfluxDbClient")),
    "WritePathBenchmarks": ("write-path", "write path, 10,000 readings gzipped to VictoriaMetrics /api/v2/write", ("InfluxDB.Client", "InfluxDbClient")),
    "ListenerAppendBenchmarks": ("listener-append", "listener: a 5,000-line body parsed and appended to the buffer, fsynced", None),
    "ModbusRequestBenchmarks": ("modbus-request", "Modbus master, one 100-register request to pymodbus", None),
    "ModbusPollCycleBenchmarks": ("modbus-poll-cycle", "Modbus poll cycle, 50 points in 3 blocks", None),
    "MBusDecodeBenchmarks": ("mbus-decode", "M-Bus decoding over the libmbus corpus, per telegram", None),
    "MBusPollCycleBenchmarks": ("mbus-poll-cycle", "M-Bus poll cycle, per telegram", None),
    "MqttMappingBenchmarks": ("mqtt-mapping", "MQTT message mapped into the buffer, per message", None),
    "RollupVsDuckDbBenchmarks": ("rollup-vs-duckdb", "daily rollup of 100 million readings over 10,000 series", ("DuckDB", "DuckDB")),
    "RollupVsInfluxQlBenchmarks": ("rollup-vs-influxql", "daily rollup of 1 million readings over 100 series", ("InfluxQL in influxd", "InfluxQL")),
    "LightingPlanBenchmarks": ("lighting-plan", "lighting plan of a year for 1,000 circuits", None),
}


def read_rows(path):
    rows = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                values = line.split("\t")
                rows[values[0]] = dict(zip(FIELDS, values + [""] * (len(FIELDS) - len(values))))
    return rows


def add(key, what, loos_edge, peer, command):
    """Adds a fresh row to $BENCH_RECORD_OUT (nothing when a script runs on its own)."""
    out = os.environ.get("BENCH_RECORD_OUT")
    if not out:
        return
    clean = [str(value).replace("\t", " ").replace("\n", " ") for value in (key, what, loos_edge, peer, command)]
    with open(out, "a", encoding="utf-8") as file:
        file.write("\t".join(clean) + "\n")


def markdown_table(path):
    """The rows of a BenchmarkDotNet GitHub report as dictionaries keyed by column."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip().strip("'").replace("**", "") for cell in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells)))
    return rows


STANDARD_COLUMNS = {"Method", "Mean", "Error", "StdDev", "Median", "Ratio", "RatioSD", "Allocated", "Alloc Ratio", "Gen0",
                    "Gen1", "Gen2", "Job", "Toolchain", "IterationCount", "LaunchCount", "WarmupCount",
                    "Completed Work Items", "Lock Contentions", "Code Size"}
UNITS_NS = {"ns": 1, "us": 1e3, "μs": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9}


def parameters(row):
    """The parameters of a benchmark case that vary, e.g. `maxCommitDelay=10`."""
    return ", ".join(f"{name}={value}" for name, value in row.items() if name not in STANDARD_COLUMNS and value)


def nanoseconds(mean):
    match = re.fullmatch(r"([\d,.]+) (\S+)", mean)
    return float(match.group(1).replace(",", "")) * UNITS_NS[match.group(2)] if match and match.group(2) in UNITS_NS else None


def bdn(folder):
    """Rows from BenchmarkDotNet's reports; fails when a benchmark has no result (a build or a run that failed)."""
    incomplete = []
    for report in sorted(pathlib.Path(folder).glob("*-report-github.md")):
        name = report.name.removesuffix("-report-github.md").rsplit(".", 1)[-1]
        if name not in BENCHMARKS:
            print(f"record: {name} is not in bench/record.py's BENCHMARKS; not recorded", file=sys.stderr)
            continue
        key, what, peer = BENCHMARKS[name]
        rows = markdown_table(report)
        if any(nanoseconds(row.get("Mean", "")) is None for row in rows):
            print(f"record: {name} has cases without a result (NA); its figures keep their date", file=sys.stderr)
            incomplete.append(name)
            continue
        ours, theirs = [], []
        for row in rows:
            case = row["Method"] + (f" ({parameters(row)})" if parameters(row) else "")
            allocated = row.get("Allocated", "?").replace("-", "0 B")  # BenchmarkDotNet writes "-" for nothing
            figure = f"{case}: {row.get('Mean', '?')}, {allocated} allocated"
            if peer and row["Method"].startswith(peer[1]):
                theirs.append(figure)
                continue
            # Against the peer's case with the same parameters: how much of its time ours takes.
            peer_row = next((other for other in rows if peer and other["Method"].startswith(peer[1])
                             and parameters(other) == parameters(row)), None)
            if peer_row and nanoseconds(row.get("Mean", "")) and nanoseconds(peer_row.get("Mean", "")):
                figure += f" ({nanoseconds(row['Mean']) / nanoseconds(peer_row['Mean']):.2f}x the time of {peer[0]})"
            ours.append(figure)
        add(key, what, "; ".join(ours), "; ".join(theirs) or "—", BENCHMARK_COMMAND.format(name.removesuffix("Benchmarks")))
    if incomplete:
        sys.exit(f"record: no result for {', '.join(incomplete)}")


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.machine())
    return f"{datetime.date.today().isoformat()}, {os.cpu_count()} cores {cpu}, load {os.getloadavg()[0]:.1f}"


def refresh():
    rows = read_rows(RECORD)
    out = os.environ.get("BENCH_RECORD_OUT")
    fresh = read_rows(pathlib.Path(out)) if out else {}
    stamp = machine()
    for key, row in fresh.items():
        row["measured"] = stamp
        rows[key] = row
    lines = ["# " + "\t".join(FIELDS)] + ["\t".join(row[field] for field in FIELDS) for row in rows.values()]
    RECORD.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def cell(text):
        return text.replace("|", "\\|")

    table = ["| what | Loos Edge | peer | command | measured |", "| --- | --- | --- | --- | --- |"]
    table += [f"| {cell(r['what'])} | {cell(r['loos_edge'])} | {cell(r['peer'])} | `{cell(r['command'])}` | {cell(r['measured'])} |" for r in rows.values()]
    text = README.read_text(encoding="utf-8")
    before, rest = text.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    README.write_text(before + BEGIN + "\n" + "\n".join(table) + "\n" + END + after, encoding="utf-8")
    print(f"record: {len(fresh)} figures refreshed, {len(rows) - len(fresh)} kept from earlier runs; README.md's Performance table redrawn")


if __name__ == "__main__":
    command, arguments = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "add" and len(arguments) == 5:
        add(*arguments)
    elif command == "bdn" and len(arguments) == 1:
        bdn(arguments[0])
    elif command == "refresh" and not arguments:
        refresh()
    else:
        sys.exit(__doc__)
