#!/usr/bin/env python3
"""Renders bench/sales.sh results (key<TAB>value lines) as the "Sales" section
of docs/benchmarks.md.

usage: sales_report.py RESULTS [--write-doc docs/benchmarks.md]

Prints the section to stdout. With --write-doc it replaces what stands between
the SALES markers of the document (appending the markers at the end the first
time) and leaves the rest of the file as it is. Hand-written notes between the
SALES-NOTES markers inside the section are kept across runs.
"""
import os
import re
import sys

BEGIN = "<!-- SALES:BEGIN (written by bench/sales.sh --write-doc) -->"
END = "<!-- SALES:END -->"
NOTES_BEGIN = "<!-- SALES-NOTES:BEGIN (kept by bench/sales.sh --write-doc; edit freely) -->"
NOTES_END = "<!-- SALES-NOTES:END -->"
DEFAULT_NOTES = "_No notes yet: explain every MISS above here._\n"


def load(path):
    r = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                k, v = line.split("\t", 1)
                r[k] = v
    return r


def num(r, key):
    try:
        return float(r[key])
    except (KeyError, ValueError):
        return None


def ms(x):
    if x is None:
        return "n/a"
    return f"{x:,.0f} ms" if x >= 100 else f"{x:.1f} ms" if x >= 10 else f"{x:.2f} ms"


def secs(x):
    return "n/a" if x is None else f"{x:,.1f} s"


def rate(rows, s):
    return "n/a" if rows is None or not s else f"{rows / s:,.0f} rows/s"


def section(r):
    out = []
    n_c, n_o, n_p = int(r["customers"]), int(r["orders"]), int(r["opportunities"])
    full = n_c >= 1_000_000 and n_o >= 10_000_000 and n_p >= 200_000
    out.append(f"## Sales — {n_c:,} customers, {n_o:,} orders, {n_p:,} opportunities, {r.get('date', '?')}\n")
    out.append(f"Produced by `{r.get('command')}` (commit {r.get('git_commit', '?')}, binary built "
               f"{r.get('binary_mtime', '?')}). The targets (issue 4, \"Speed\") are stated for 1,000,000 "
               f"customers, 10,000,000 orders and 200,000 opportunities"
               + ("." if full else "; **this run is smaller, so its figures do not decide them.**") + "\n")
    out.append("### Machine and versions\n")
    out.append(f"- CPUs: {r.get('nproc')} × {r.get('cpu_model')}; memory {r.get('mem_total')}; kernel "
               f"{r.get('kernel')}; load average (1/5/15 min) {r.get('loadavg_start')} at the start, "
               f"{r.get('loadavg_end')} at the end. The machine is shared and noisy: compare the ratios "
               f"within this run, not absolute figures across runs.")
    for k in ("v_guanxi", "v_sqlite3", "v_postgres", "v_wrk"):
        if k in r:
            out.append(f"- {r[k]}")
    out.append("")

    out.append("### Data set\n")
    out.append("| | |\n|---|---:|")
    out.append(f"| `guanxi demo` into SQLite (customers, opportunities, targets; orders to the CSV) | "
               f"{secs(num(r, 'load.wall_s'))} (CPU {secs(num(r, 'load.cpu_s'))}) |")
    if "pg_load.wall_s" in r:
        out.append(f"| `guanxi demo` into PostgreSQL (same data, no orders) | {secs(num(r, 'pg_load.wall_s'))} |")
    out.append(f"| opportunities (open) / stage events | {r.get('db_opportunities')} ({r.get('db_opportunities_open')}) "
               f"/ {r.get('db_events')} |")
    out.append(f"| owners (sales reps and the manager) | {r.get('db_owners')} |")
    out.append(f"| orders CSV | {int(r.get('csv_rows', 0)):,} rows, {int(r.get('csv_orders', 0)):,} orders, "
               f"{int(r.get('csv_bytes', 0)) / 1048576:,.0f} MB |")
    out.append("")

    rows = num(r, "csv_rows")
    out.append("### `guanxi orders import` vs the databases' own bulk load\n")
    out.append("The same CSV file, page-cached, in one run: the peers load it into a bare table of nine "
               "text columns (no keys, no indexes, no checks); `guanxi orders import` parses and checks "
               "every row, resolves customers and product codes, skips order ids already present and "
               "writes orders, lines and indexes.\n")
    out.append("| | wall time | rows/s | CPU (client) | guanxi ÷ peer (speed) | target |")
    out.append("|---|---:|---:|---:|---:|---|")
    verdicts = []

    def imp(label, key, peer_key=None):
        w = num(r, f"{key}.wall_s")
        line = f"| {label} | {secs(w)} | {rate(rows, w)} | {secs(num(r, f'{key}.cpu_s'))} |"
        if peer_key:
            pw = num(r, f"{peer_key}.wall_s")
            ok = None
            measured = "n/a"
            if w and pw and r.get(f"{key}.exit") == "0":
                ratio = pw / w
                ok = ratio >= 0.5
                measured = f"{ratio * 100:.0f} %"
                line += f" {measured} | ≥ 50 %: **{'met' if ok else 'MISS'}** |"
            else:
                line += f" n/a (exit {r.get(f'{key}.exit')}) | ≥ 50 %: **not measured** |"
            verdicts.append((f"{label}: speed ≥ 50 % of the peer's: {measured}", ok))
        else:
            line += " | |"
        out.append(line)

    imp("sqlite3 `.import` (bare table)", "sqlite_import")
    imp("`guanxi orders import`, SQLite", "gx_import", "sqlite_import")
    if "pg_copy.wall_s" in r:
        imp("psql `\\copy` (COPY FROM STDIN, bare table)", "pg_copy")
        imp("`guanxi orders import`, PostgreSQL", "pg_gx_import", "pg_copy")
    out.append("")
    out.append(f"- guanxi outcome (inserted, already present, rejected): SQLite {r.get('gx_import.outcome')}; "
               f"orders stored {r.get('db_orders')}"
               + (f"; PostgreSQL {r.get('pg_gx_import.outcome')}, orders stored {r.get('pg_db_orders')}"
                  if "pg_gx_import.outcome" in r else "") + ".")
    out.append("")

    out.append(f"### Forecast through the API (`GET /api/v1/pipeline/forecast?quarter={r.get('quarter')}`)\n")
    out.append(f"Bearer token of the admin; \"one rep\" adds `&owner=LOGIN` with a random owner per request "
               f"out of {r.get('db_owners')}. {r.get('duration')} s per test after a {r.get('warmup')} s "
               f"warm-up; wrk's percentiles (bench/lib.lua). 1 connection = service time; "
               f"{r.get('connections')} connections = under load on the same 2 cores as wrk.\n")
    backends = [("SQLite", "sqlite")] + ([("PostgreSQL", "pg")] if "pg_company.p99_ms" in r else [])
    head = "| | " + " | ".join(f"{b} company, 1 conn | {b} company, {r.get('connections')} conns | "
                                f"{b} one rep, 1 conn | {b} one rep, {r.get('connections')} conns"
                                for b, _ in backends) + " |"
    out.append(head)
    out.append("|---|" + "---:|" * (4 * len(backends)))
    tests = [t for _, p in backends for t in (f"{p}_company_c1", f"{p}_company", f"{p}_rep_c1", f"{p}_rep")]
    for label, field in (("req/s", "rps"), ("p50", "p50_ms"), ("p90", "p90_ms"), ("p99", "p99_ms"),
                         ("max", "max_ms")):
        vals = [num(r, f"{t}.{field}") for t in tests]
        fmt = (lambda v: "n/a" if v is None else f"{v:,.0f}") if field == "rps" else ms
        out.append(f"| {label} | " + " | ".join(fmt(v) for v in vals) + " |")
    out.append("| errors (non-2xx, timeouts) | " + " | ".join(
        f"{int(num(r, t + '.http_errors') or 0) + int(num(r, t + '.timeout') or 0)}" for t in tests) + " |")
    out.append("")
    for b, p in backends:
        out.append(f"- {b}: first request after start-up {ms(num(r, p + '.first_company_ms'))}; company figures "
                   f"`{r.get(p + '.company_body')}`; {r.get(p + '.rep_body')}.")
    out.append("")
    for b, p in backends:
        for label, t, limit in (("whole company", f"{p}_company", 200.0), ("one rep", f"{p}_rep", 20.0)):
            for conns_label, key in ((f"{r.get('connections')} conns", t), ("1 conn", t + "_c1")):
                v = num(r, key + ".p99_ms")
                ok = None if v is None else v < limit
                verdicts.append((f"forecast p99, {label}, {b}, {conns_label} (< {limit:.0f} ms): {ms(v)}", ok))

    out.append("### Targets\n")
    out.append("| target | verdict |\n|---|---|")
    for label, ok in verdicts:
        out.append(f"| {label} | {'not measured' if ok is None else ('met' if ok else '**MISS**')} |")
    out.append("")
    return "\n".join(out)


def write_doc(path, md):
    doc = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n"
    notes = DEFAULT_NOTES
    m = re.search(re.escape(NOTES_BEGIN) + r"\n(.*?)" + re.escape(NOTES_END), doc, re.S)
    if m:
        notes = m.group(1)
    block = f"{BEGIN}\n{md}\n### Notes\n\n{NOTES_BEGIN}\n{notes}{NOTES_END}\n{END}\n"
    m = re.search(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", doc, re.S)
    if m:
        doc = doc[:m.start()] + block + doc[m.end():]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    md = section(load(args[0]))
    print(md)
    if len(args) == 3 and args[1] == "--write-doc":
        write_doc(args[2], md)
        print(f"\nwrote the Sales section of {args[2]}", file=sys.stderr)


if __name__ == "__main__":
    main()
