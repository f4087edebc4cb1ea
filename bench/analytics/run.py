#!/usr/bin/env python3
"""Analytics benchmark (issue 5, "Speed"), one run with the peer side by side.

1. RFM end to end on 10,000,000 synthetic BG/NBD transactions (guanxi_bench_gen):
   `guanxi analyze rfm --file tx.csv --out ours.csv --as-of 2026-06-30` against DuckDB
   (npm @duckdb/node-api, bench/analytics/duckdb_rfm.mjs) doing the same job on the same
   file; wall time and peak RSS from /usr/bin/time -v, runs alternated, median reported;
   the two result files are compared row by row (same scores for every customer).
2. BG/NBD + Gamma-Gamma fit and k-means (k = 8, 3 features) at 100k / 1M / 10M customers
   (guanxi_bench_fit).

usage: bench/analytics/run.py [--write-doc] [--rows N] [--repeat K] [--sizes a,b,c]
Everything runs locally; nothing touches the network.
"""
import argparse
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(BENCH))
BUILD = os.path.join(ROOT, "build", "bench")
AS_OF = "2026-06-30"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, **kw)


def build():
    launcher = ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"] if shutil.which("ccache") else []
    sh(["cmake", "-S", ROOT, "-B", BUILD, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
        "-DGUANXI_TESTS=OFF", "-DGUANXI_BENCH=ON"] + launcher, stdout=subprocess.DEVNULL)
    sh(["ninja", "-C", BUILD, "guanxi", "guanxi_bench_gen", "guanxi_bench_fit"],
       stdout=subprocess.DEVNULL)
    if not os.path.isdir(os.path.join(BENCH, "node_modules", "@duckdb")):
        sh(["npm", "install", "--no-audit", "--no-fund"], cwd=BENCH, stdout=subprocess.DEVNULL)


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, peak RSS MiB)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, text=True, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr).group(1)
    parts = [float(x) for x in wall.split(":")]
    seconds = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return seconds, rss_kib / 1024.0


def same_scores(ours, theirs):
    def load(path):
        with open(path, newline="") as f:
            return {row["customer_id"]: (int(float(row["r"])), int(float(row["f"])),
                                         int(float(row["m"])), int(float(row["recency_days"])),
                                         int(float(row["frequency"])))
                    for row in csv.DictReader(f)}
    a, b = load(ours), load(theirs)
    return len(a), sum(1 for k, v in a.items() if b.get(k) != v)


def versions():
    duck = json.load(open(os.path.join(BENCH, "node_modules", "@duckdb", "node-api",
                                       "package.json")))["version"]
    gcc = subprocess.run(["g++", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"duckdb": duck, "gcc": gcc, "node": node, "cpu": cpu, "cores": os.cpu_count(),
            "kernel": platform.release()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-doc", action="store_true")
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="100000,1000000,10000000")
    args = ap.parse_args()
    build()
    gx = os.path.join(BUILD, "guanxi")
    tmp = tempfile.mkdtemp(prefix="guanxi-analytics-bench-")
    try:
        tx = os.path.join(tmp, "tx.csv")
        sh([os.path.join(BUILD, "guanxi_bench_gen"), "--rows", str(args.rows), "--out", tx])
        size_mib = os.path.getsize(tx) / 2**20
        ours_out, duck_out = os.path.join(tmp, "ours.csv"), os.path.join(tmp, "duck.csv")
        ours_runs, duck_runs = [], []
        for _ in range(args.repeat):
            ours_runs.append(timed([gx, "analyze", "rfm", "--file", tx, "--out", ours_out,
                                    "--as-of", AS_OF]))
            duck_runs.append(timed(["node", os.path.join(BENCH, "duckdb_rfm.mjs"), tx, duck_out,
                                    AS_OF]))
        customers, mismatches = same_scores(ours_out, duck_out)
        rfm = {
            "rows": args.rows, "file_mib": round(size_mib, 1), "customers": customers,
            "mismatching_customers": mismatches,
            "ours_s": statistics.median(r[0] for r in ours_runs),
            "ours_rss_mib": statistics.median(r[1] for r in ours_runs),
            "duckdb_s": statistics.median(r[0] for r in duck_runs),
            "duckdb_rss_mib": statistics.median(r[1] for r in duck_runs),
            "ours_all": ours_runs, "duckdb_all": duck_runs,
        }
        fits = []
        p = subprocess.run([os.path.join(BUILD, "guanxi_bench_fit")] + args.sizes.split(","),
                           check=True, text=True, capture_output=True)
        for line in p.stdout.splitlines():
            fits.append(json.loads(line))
        result = {"versions": versions(), "rfm": rfm, "fits": fits}
        print(json.dumps(result, indent=1))
        if args.write_doc:
            write_doc(result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_doc(res):
    v, rfm, fits = res["versions"], res["rfm"], res["fits"]
    ratio_t = rfm["ours_s"] / rfm["duckdb_s"]
    ratio_m = rfm["ours_rss_mib"] / rfm["duckdb_rss_mib"]
    ok = lambda c: "PASS" if c else "**MISS**"
    lines = [
        "<!-- ANALYTICS:BEGIN (written by bench/analytics/run.py --write-doc) -->",
        "## Customer-value analytics (issue 5)",
        "",
        f"Machine: {v['cpu']}, {v['cores']} cores (shared), Linux {v['kernel']}; {v['gcc']}; "
        f"Node {v['node']}; DuckDB {v['duckdb']} (npm `@duckdb/node-api`, its own binary).",
        "",
        "Command: `bench/analytics/run.py --write-doc` (builds `build/bench`, generates the "
        "data with `guanxi_bench_gen`, runs both sides alternately "
        f"{len(rfm['ours_all'])} times, reports the median).",
        "",
        f"### RFM end to end on {rfm['rows']:,} transactions ({rfm['file_mib']} MiB CSV, "
        f"{rfm['customers']:,} customers)",
        "Read the CSV, per-customer summary, R/F/M quintile scores (same tie rule on both "
        "sides), write the per-customer result as CSV. Both outputs are compared customer by "
        f"customer: {rfm['mismatching_customers']} customers differ.",
        "",
        "| | wall time | peak memory (RSS) |",
        "|---|---|---|",
        f"| `guanxi analyze rfm` | {rfm['ours_s']:.2f} s | {rfm['ours_rss_mib']:.0f} MiB |",
        f"| DuckDB | {rfm['duckdb_s']:.2f} s | {rfm['duckdb_rss_mib']:.0f} MiB |",
        f"| ratio (target ≤ 0.5 time, ≤ 1 memory) | {ratio_t:.2f} {ok(ratio_t <= 0.5)} | "
        f"{ratio_m:.2f} {ok(ratio_m <= 1.0)} |",
        "",
        "All runs (seconds, MiB): ours "
        + ", ".join(f"{t:.2f}/{m:.0f}" for t, m in rfm["ours_all"])
        + "; DuckDB " + ", ".join(f"{t:.2f}/{m:.0f}" for t, m in rfm["duckdb_all"]) + ".",
        "",
        "### Model fits (simulated customers, BG/NBD r=0.5 α=5 a=0.8 b=2.4; "
        "Gamma-Gamma p=6.25 q=3.74 γ=15.44)",
        "",
        "| customers | BG/NBD fit | Gamma-Gamma fit | BG/NBD + GG (target < 2 s at 1M) | "
        "k-means k=8, 3 features (target < 2 s at 1M) | BG/NBD estimates |",
        "|---|---|---|---|---|---|",
    ]
    for f in fits:
        both = f["bgnbd_s"] + f["gamma_gamma_s"]
        target = f["n"] == 1_000_000
        lines.append(
            f"| {f['n']:,} | {f['bgnbd_s']:.2f} s ({f['bgnbd_iterations']} evals) | "
            f"{f['gamma_gamma_s']:.2f} s | {both:.2f} s"
            + (f" {ok(both < 2)}" if target else "")
            + f" | {f['kmeans_s']:.2f} s ({f['kmeans_iterations']} iterations)"
            + (f" {ok(f['kmeans_s'] < 2)}" if target else "")
            + f" | r={f['r']:.3f} α={f['alpha']:.3f} a={f['a']:.3f} b={f['b']:.3f} |")
    lines += ["", "<!-- ANALYTICS:END -->"]
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    doc = open(path).read()
    block = "\n".join(lines)
    if "<!-- ANALYTICS:BEGIN" in doc:
        doc = re.sub(r"<!-- ANALYTICS:BEGIN.*?<!-- ANALYTICS:END -->", lambda _: block, doc,
                     flags=re.S)
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    open(path, "w").write(doc)


if __name__ == "__main__":
    main()
