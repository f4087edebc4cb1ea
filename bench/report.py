#!/usr/bin/env python3
"""Renders bench/run.sh results (key<TAB>value lines) as Markdown.

usage: report.py RESULTS [--write-doc docs/benchmarks.md]

Prints the results section to stdout. With --write-doc it rewrites the whole
document, keeping whatever stands between the ANALYSIS markers of the existing
file (the hand-written analysis), so re-running the benchmark does not erase it.
"""
import os
import re
import sys

BEGIN = "<!-- ANALYSIS:BEGIN (kept by bench/run.sh --write-doc; edit freely) -->"
END = "<!-- ANALYSIS:END -->"

SEARCH_TERMS = ["云栖", "华瑞", "科技", "有限公司"]


def load(path):
    r = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                k, v = line.split("\t", 1)
                r[k] = v
    return r


class Report:
    def __init__(self, r):
        self.r = r
        for name in ("page_1", "page_deep", "pg_page_1", "pg_page_deep"):
            self.combine_rounds(name)
        self.n = int(r["customers"])
        self.targets = []  # (name, threshold, measured, ok, margin)
        self.misses = []

    def f(self, key, default=None):
        v = self.r.get(key)
        if v is None or v == "":
            return default
        try:
            return float(v)
        except ValueError:
            return default

    def combine_rounds(self, name):
        """Merges NAME_r1..NAME_rK into NAME: req/s over the summed time, the
        median round for each latency percentile, sums for counters."""
        rounds = int(self.f("page_rounds", 0) or 0)
        got = [i for i in range(1, rounds + 1) if f"{name}_r{i}.rps" in self.r]
        if not got:
            return
        def vals(field):
            return [float(self.r[f"{name}_r{i}.{field}"]) for i in got]
        def median(xs):
            xs = sorted(xs)
            return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2
        total_req, total_s = sum(vals("requests")), sum(vals("duration_s"))
        self.r[f"{name}.requests"] = str(total_req)
        self.r[f"{name}.duration_s"] = str(total_s)
        self.r[f"{name}.rps"] = str(total_req / total_s)
        for field in ("p50_ms", "p90_ms", "p99_ms", "p999_ms", "mean_ms"):
            self.r[f"{name}.{field}"] = str(median(vals(field)))
        self.r[f"{name}.max_ms"] = str(max(vals("max_ms")))
        for field in ("connect", "read", "write", "timeout", "http_errors"):
            self.r[f"{name}.{field}"] = str(sum(vals(field)))
        self.r[f"{name}.rounds_rps"] = ", ".join(f"{v:,.0f}" for v in vals("rps"))

    def test(self, name, field):
        return self.f(f"{name}.{field}")

    # ---- formatting helpers ----
    @staticmethod
    def num(x, digits=0):
        if x is None:
            return "n/a"
        if digits == 0:
            return f"{x:,.0f}"
        return f"{x:,.{digits}f}"

    @staticmethod
    def ms(x):
        if x is None:
            return "n/a"
        if x >= 100:
            return f"{x:,.0f} ms"
        if x >= 10:
            return f"{x:.1f} ms"
        return f"{x:.2f} ms"

    @staticmethod
    def mib(kb=None, b=None):
        if kb is not None:
            return f"{kb / 1024:,.0f} MB"
        if b is not None:
            return f"{b / 1048576:,.0f} MB"
        return "n/a"

    def errors(self, name):
        keys = ["connect", "read", "write", "timeout", "http_errors"]
        parts = []
        for k in keys:
            v = self.test(name, k)
            if v:
                parts.append(f"{k} {v:,.0f}")
        unexpected = self.test(name, "unexpected")
        if unexpected is not None and unexpected >= 0:
            statuses = [(k.split("status_")[1], v) for k, v in self.r.items()
                        if k.startswith(name + ".status_")]
            detail = ", ".join(f"{s}×{int(float(v)):,}" for s, v in statuses)
            parts.append(f"non-201 {unexpected:,.0f}" + (f" ({detail})" if detail else ""))
        return "; ".join(parts) if parts else "0"

    def side_by_side(self, columns, ratio_to=None, ratio_label=None, ratios=None):
        """columns: list of (header, test name); ratio_to = (a, b) with ratio_label,
        or ratios = [(a, b, label), ...]: extra columns a ÷ b. Returns a Markdown table."""
        ratios = list(ratios or [])
        if ratio_to:
            ratios.insert(0, (ratio_to[0], ratio_to[1], ratio_label))
        rows = [("req/s", "rps", lambda v: self.num(v)),
                ("p50", "p50_ms", self.ms), ("p90", "p90_ms", self.ms),
                ("p99", "p99_ms", self.ms), ("p99.9", "p999_ms", self.ms),
                ("max", "max_ms", self.ms), ("requests", "requests", lambda v: self.num(v))]
        head = "| | " + " | ".join(h for h, _ in columns)
        sep = "|---|" + "---:|" * len(columns)
        for _, _, label in ratios:
            head += f" | {label}"
            sep += "---:|"
        head += " |"
        out = [head, sep]
        for label, field, fmt in rows:
            vals = [self.test(t, field) for _, t in columns]
            line = f"| {label} | " + " | ".join(fmt(v) for v in vals)
            for ta, tb, _ in ratios:
                a, b = self.test(ta, field), self.test(tb, field)
                line += " | " + (f"{a / b:.2f}×" if a is not None and b else "n/a")
            line += " |"
            out.append(line)
        out.append("| errors | " + " | ".join(self.errors(t) for _, t in columns)
                   + " |" * (len(ratios) + 1))
        return "\n".join(out)

    def c1_line(self, label, name):
        return (f"- {label} with **one connection** (wrk -t1 -c1, 5 s; service time without "
                f"queueing): {self.num(self.test(name, 'rps'))} req/s, p50 "
                f"{self.ms(self.test(name, 'p50_ms'))}, p99 {self.ms(self.test(name, 'p99_ms'))}, "
                f"errors {self.errors(name)}.")

    # ---- targets ----
    def target(self, name, threshold, measured_text, ok, margin):
        self.targets.append((name, threshold, measured_text, ok, margin))
        if ok is False:
            self.misses.append((name, margin))

    def at_least(self, name, threshold_text, value, minimum, unit_fmt):
        if value is None:
            return self.target(name, threshold_text, "n/a", None, "not measured")
        ok = value >= minimum
        pct = (value / minimum - 1) * 100
        if ok:
            margin = f"{pct:+.0f} % above the floor"
        else:
            margin = f"short by {unit_fmt(minimum - value)} ({-pct:.0f} % below the floor)"
        self.target(name, threshold_text, unit_fmt(value), ok, margin)

    def below(self, name, threshold_text, value, maximum, unit_fmt):
        if value is None:
            return self.target(name, threshold_text, "n/a", None, "not measured")
        ok = value < maximum
        if ok:
            margin = f"{(1 - value / maximum) * 100:.0f} % under the limit"
        else:
            margin = f"over by {unit_fmt(value - maximum)} ({value / maximum:.2g}× the limit)"
        self.target(name, threshold_text, unit_fmt(value), ok, margin)

    def evaluate_targets(self):
        n_note = "" if self.n >= 1_000_000 else f" (measured at {self.n:,}, not 1,000,000)"
        get_rps, ngx_rps = self.test("get_by_id", "rps"), self.test("nginx", "rps")
        if get_rps is not None and ngx_rps:
            ratio = get_rps / ngx_rps
            ok = ratio >= 0.5
            margin = (f"{(ratio - 0.5) * 100:+.0f} points above 50 %" if ok
                      else f"short by {(0.5 - ratio) * 100:.0f} points "
                           f"({ngx_rps * 0.5 - get_rps:,.0f} req/s)")
            self.target("GET by id throughput", "≥ 50 % of nginx req/s",
                        f"{ratio * 100:.0f} % ({get_rps:,.0f} / {ngx_rps:,.0f})", ok, margin)
        self.below("GET by id p99 at 64 connections", "< 10 ms",
                   self.test("get_by_id", "p99_ms"), 10.0, self.ms)
        post = self.test("post_full", "rps")
        non201 = self.test("post_full", "unexpected")
        self.at_least("Durable creates (POST, --sync full)", "≥ 5,000 creates/s", post, 5000.0,
                      lambda v: f"{v:,.0f}/s")
        if non201:
            self.target("POST answers 201", "every response 201", f"{non201:,.0f} were not", False,
                        f"{non201:,.0f} non-201 responses")
        for term in SEARCH_TERMS:
            if len(term) != 2:
                continue
            m = self.f(f"matches_{term}")
            self.below(f"2-char search p99, q={term} ({self.num(m)} matches){n_note}", "< 50 ms",
                       self.test(f"search_{term}", "p99_ms"), 50.0, self.ms)
        deep = int(self.f("page_deep", 1000))
        p1r, pkr = self.test("page_1", "rps"), self.test("page_deep", "rps")
        s1, sk = self.test("c1_page_1", "p50_ms"), self.test("c1_page_deep", "p50_ms")
        if None not in (p1r, pkr, s1, sk):
            ok = pkr >= 0.85 * p1r and sk <= 1.2 * s1 + 0.1
            margin = (f"page {deep} at {pkr / p1r * 100:.0f} % of page 1 req/s; "
                      f"one-connection p50 {sk / s1:.2f}× page 1")
            note = "" if deep == 1000 else f" (page {deep}: only {self.n:,} customers)"
            self.target(f"Keyset page 1000 as fast as page 1{note}",
                        "64 conns: req/s ≥ 85 % of page 1 (alternating rounds); "
                        "1 conn: p50 ≤ 1.2× page 1 + 0.1 ms",
                        f"{pkr:,.0f} vs {p1r:,.0f} req/s; 1-conn p50 {self.ms(sk)} vs {self.ms(s1)}",
                        ok, margin)
        hwm = self.f("rss_full.hwm_kb")
        self.below(f"Peak RSS (VmHWM) of guanxi serve{n_note}", "< 300 MB",
                   hwm / 1024 if hwm else None, 300.0, lambda v: f"{v:,.0f} MB")
        self.below("Start-up (spawn → /healthz 200)", "< 1 s",
                   self.f("startup_full.ms"), 1000.0, lambda v: f"{v:,.0f} ms")

    # ---- the document ----
    def results_markdown(self):
        r, n = self.r, self.n
        out = []
        out.append(f"## Results — {n:,} customers, {r.get('date', '?')}\n")
        out.append(f"Command: `{r.get('command')}` (commit {r.get('git_commit', '?')}, binary built "
                   f"{r.get('binary_mtime', '?')}).\n")
        if n < 1_000_000:
            out.append(f"**This run loaded {n:,} customers, not the 1,000,000 the targets are "
                       f"stated for.** Targets stated \"over 1,000,000\" are marked as measured "
                       f"at {n:,}.\n")
        out.append("### Machine\n")
        out.append(f"- CPUs: {r.get('nproc')} × {r.get('cpu_model')}; memory {r.get('mem_total')}; "
                   f"kernel {r.get('kernel')}")
        out.append(f"- Load average (1/5/15 min) at start {r.get('loadavg_start')}, at end "
                   f"{r.get('loadavg_end')}. The machine is shared and noisy: wrk, nginx and guanxi "
                   f"{'(and PostgreSQL, pgbench) ' if 'v_postgres' in r else ''}"
                   f"also share its {r.get('nproc')} cores with each other, so every figure is a "
                   f"client-and-server-on-one-box figure, not a server-only capacity.")
        out.append("\n### Versions\n")
        for k in ["v_guanxi", "v_nginx", "v_wrk", "v_sqlite3", "v_gxx", "v_postgres", "v_pgbench"]:
            if k in r:
                out.append(f"- {r.get(k)}")
        out.append("\n### Set-up\n")
        out.append(f"- wrk: {r.get('wrk_threads')} threads, {r.get('wrk_connections')} connections, "
                   f"{r.get('duration')} s per test after a {r.get('warmup')} s unreported warm-up, "
                   f"`--latency --timeout 10s`; percentiles from wrk's histogram via the Lua `done()` "
                   f"hook (bench/lib.lua).")
        out.append(f"- nginx ceiling: worker_processes {r.get('nginx_workers')}, access_log off, "
                   f"`return 200` of a real {r.get('nginx_body_bytes')}-byte customer record "
                   f"(`default_type application/json`); config bench/nginx.conf.in.")
        out.append(f"- guanxi serve: `--host 127.0.0.1 --sync full`, threads {r.get('server_threads')}; "
                   f"customer 1 is {r.get('customer_1_bytes')} bytes of JSON. Requests carry "
                   f"`Authorization: Bearer` (an admin API token).")
        out.append("")

        load_wall, load_cpu = self.f("load_wall_s"), self.f("load_cpu_s")
        out.append("### Load and data set\n")
        out.append("| | |\n|---|---:|")
        out.append(f"| `guanxi demo --customers {n:,} --sync normal` wall time | {self.num(load_wall, 1)} s |")
        out.append(f"| load rate | {self.num(self.f('load_rate'))} customers/s |")
        out.append(f"| load CPU time (user + sys) | {self.num(load_cpu, 1)} s |")
        out.append(f"| load peak RSS | {self.mib(kb=self.f('load_maxrss_kb'))} |")
        prog = sorted((int(k.split(".")[1]), float(v)) for k, v in r.items()
                      if k.startswith("load_progress."))
        if prog:
            steps, last_n, last_t = [], 0, 0.0
            for done_n, t in prog:
                steps.append(f"{(t - last_t) / max(done_n - last_n, 1) * 100000:,.0f}")
                last_n, last_t = done_n, t
            out.append(f"| seconds per 100,000 customers, in order of loading "
                       f"(from `guanxi demo` progress lines) | {' → '.join(steps)} |")
        out.append(f"| database file | {self.mib(b=self.f('db_bytes'))} "
                   f"({self.f('db_bytes', 0) / max(n, 1):,.0f} bytes per customer); WAL "
                   f"{self.mib(b=self.f('wal_bytes'))} |")
        out.append(f"| rows | {self.num(self.f('db_customers'))} customers, "
                   f"{self.num(self.f('db_contacts'))} contacts, {self.num(self.f('db_grams'))} "
                   f"customer_gram rows |")
        if r.get("db_objects"):
            out.append(f"| largest b-trees (dbstat) | {r['db_objects']} |")
        out.append("")
        out.append("`--sync normal` is used for the load: `guanxi demo` commits in 5,000-customer "
                   "batches, so there are only a few hundred commits and `--sync full` costs "
                   "almost nothing extra (20,000 customers: 12.2 s full vs 11.8 s normal in a "
                   "trial run with an earlier build). The load is CPU-bound inside SQLite.\n")

        out.append("### Server start-up and memory\n")
        out.append("| | --sync full | --sync normal |\n|---|---:|---:|")
        out.append(f"| start-up, spawn → `/healthz` 200 (polled every 5 ms with curl) | "
                   f"{self.num(self.f('startup_full.ms'))} ms | {self.num(self.f('startup_normal.ms'))} ms |")
        out.append(f"| shutdown (SIGTERM → exit) | {self.num(self.f('shutdown_full.ms'))} ms | "
                   f"{self.num(self.f('shutdown_normal.ms'))} ms |")
        out.append(f"| RSS right after start-up | {self.mib(kb=self.f('rss_full.start_kb'))} | "
                   f"{self.mib(kb=self.f('rss_normal.start_kb'))} |")
        out.append(f"| RSS after GET-by-id test | {self.mib(kb=self.f('rss_full.after_get_kb'))} | |")
        out.append(f"| RSS after search tests | {self.mib(kb=self.f('rss_full.after_search_kb'))} | |")
        out.append(f"| RSS at the end (after POST test) | {self.mib(kb=self.f('rss_full.end_kb'))} | |")
        out.append(f"| peak RSS (VmHWM) | {self.mib(kb=self.f('rss_full.hwm_kb'))} | |")
        out.append("")
        sl = r.get("startup_full.server_line")
        if sl:
            out.append(f"The server's own log line: `{sl}`.\n")

        out.append("### (a, b) GET /api/v1/customers/{id} vs the nginx ceiling\n")
        out.append(f"Random id in 1..{n:,} per request.\n")
        out.append(self.side_by_side([("GET by id", "get_by_id"), ("nginx fixed body", "nginx")],
                                     ratio_to=("get_by_id", "nginx"), ratio_label="guanxi ÷ nginx"))
        out.append("")
        out.append(self.c1_line("GET by id", "c1_get_by_id"))
        out.append("")

        out.append("### (c) POST /api/v1/customers (durable creates)\n")
        out.append("Unique organisation name per request; the response is sent after the commit. "
                   "Every response that is not 201 is counted by a Lua `response()` hook.\n")
        cols = [("--sync full", "post_full")]
        if self.test("post_normal", "rps") is not None:
            cols.append(("--sync normal", "post_normal"))
        cols.append(("nginx fixed body", "nginx"))
        out.append(self.side_by_side(cols, ratio_to=("post_full", "nginx"),
                                     ratio_label="full ÷ nginx"))
        out.append("")

        out.append("### (d) Search, first page (`?q=…&limit=50`)\n")
        out.append("Matches = customers whose search text contains the term. Two-character terms "
                   "use the `customer_gram` table; three or more characters use FTS5 trigrams.\n")
        cols = [(f"q={t} ({self.num(self.f('matches_' + t))} matches)", f"search_{t}")
                for t in SEARCH_TERMS if self.test(f"search_{t}", "rps") is not None]
        cols.append(("nginx fixed body", "nginx"))
        out.append(self.side_by_side(cols))
        out.append("")
        for t in SEARCH_TERMS:
            if self.test(f"c1_search_{t}", "rps") is not None:
                out.append(self.c1_line(f"q={t}", f"c1_search_{t}"))
        out.append("")

        deep = int(self.f("page_deep", 1000))
        k = int(self.f("walk_window", 50))
        out.append(f"### (e) Keyset listing, page 1 vs page {deep} (`?limit=50[&after=…]`)\n")
        out.append(f"Default order (updated_at desc). The page-{deep} cursor was found by walking "
                   f"{deep - 1} pages with Python first ({r.get('walk_total_s')} s, one client; "
                   f"median page {r.get('walk_first_median_ms')} ms over the first {k} pages and "
                   f"{r.get('walk_last_median_ms')} ms over the last {k}).\n")
        out.append(self.side_by_side([("page 1", "page_1"), (f"page {deep}", "page_deep"),
                                      ("nginx fixed body", "nginx")],
                                     ratio_to=("page_deep", "page_1"), ratio_label=f"p{deep} ÷ p1"))
        out.append("")
        out.append(f"64-connection figures: {self.r.get('page_rounds')} alternating rounds of "
                   f"{self.r.get('page_round_s')} s per side (page 1, page {deep}, page 1, …); req/s "
                   f"over all rounds, latency percentiles of the median round. Per-round req/s: "
                   f"page 1 {self.r.get('page_1.rounds_rps')}; page {deep} "
                   f"{self.r.get('page_deep.rounds_rps')}.\n")
        out.append(self.c1_line("page 1", "c1_page_1"))
        out.append(self.c1_line(f"page {deep}", "c1_page_deep"))
        out.append("")

        self.evaluate_targets()
        out.append("### Targets\n")
        out.extend(self.targets_markdown())
        if "v_postgres" in r:
            out.extend(self.postgres_markdown())
        return "\n".join(out)

    def targets_markdown(self):
        out = ["| target | threshold | measured | result | margin |\n|---|---|---|---|---|"]
        for name, thr, meas, ok, margin in self.targets:
            res = "n/a" if ok is None else ("**PASS**" if ok else "**MISS**")
            out.append(f"| {name} | {thr} | {meas} | {res} | {margin} |")
        out.append("")
        if self.misses:
            out.append("Missed: " + "; ".join(f"{name} — {m}" for name, m in self.misses)
                       + ". See the analysis below for why.\n")
        else:
            out.append("Every target was met in this run.\n")
        return out

    # ---- PostgreSQL ----
    def evaluate_pg_targets(self):
        self.targets, self.misses = [], []
        get_rps, ngx_rps = self.test("pg_get_by_id", "rps"), self.test("nginx", "rps")
        if get_rps is not None and ngx_rps:
            ratio = get_rps / ngx_rps
            ok = ratio >= 0.3
            margin = (f"{(ratio - 0.3) * 100:+.0f} points above 30 %" if ok
                      else f"short by {(0.3 - ratio) * 100:.0f} points "
                           f"({ngx_rps * 0.3 - get_rps:,.0f} req/s)")
            self.target("GET by id throughput on PostgreSQL", "≥ 30 % of nginx req/s (same run)",
                        f"{ratio * 100:.0f} % ({get_rps:,.0f} / {ngx_rps:,.0f})", ok, margin)
        else:
            self.target("GET by id throughput on PostgreSQL", "≥ 30 % of nginx req/s (same run)",
                        "n/a", None, "not measured")
        self.at_least("Durable creates on PostgreSQL (POST; fsync, synchronous_commit on)",
                      "≥ 3,000 creates/s", self.test("pg_post", "rps"), 3000.0,
                      lambda v: f"{v:,.0f}/s")
        non201 = self.test("pg_post", "unexpected")
        if non201:
            self.target("POST answers 201 on PostgreSQL", "every response 201",
                        f"{non201:,.0f} were not", False, f"{non201:,.0f} non-201 responses")
        n_note = "" if self.n >= 1_000_000 else f" (measured at {self.n:,} customers, not 1,000,000)"
        self.below(f"db copy SQLite → PostgreSQL of 1,000,000 customers, wall time{n_note}", "< 60 s",
                   self.f("copy_wall_s"), 60.0, lambda v: f"{v:,.1f} s")

    def copy_tables(self):
        rows = []
        for name in (self.r.get("copy_tables") or "").split(","):
            v = self.r.get(f"copy_table.{name}")
            if name and v:
                src, dst, match = v.split()
                rows.append((name, int(src), int(dst), match == "true"))
        return rows

    def pgbench_cell(self, name, field, fmt):
        return fmt(self.f(f"{name}.{field}"))

    def postgres_markdown(self):
        r, n = self.r, self.n
        out = []
        pool = r.get("pg_pool", "?")
        out.append("## PostgreSQL — the same run\n")
        out.append("After the load (before any server opened the SQLite file) the SQLite database was "
                   "copied into a throw-away PostgreSQL cluster on the same machine with "
                   "`guanxi db copy`; the cluster then idled through the SQLite tests above. After "
                   "them: the cluster's own ceiling with pgbench, then the same wrk tests as above "
                   "against `guanxi serve` on PostgreSQL (the nginx figures are the ones measured "
                   "above).\n")
        out.append("### PostgreSQL set-up\n")
        out.append(f"- {r.get('v_postgres')}; {r.get('v_pgbench')}")
        out.append(f"- Cluster: `scripts/pg-cluster.sh start DIR --durable` (initdb `--locale=C.UTF-8 "
                   f"--encoding=UTF8`) in the temp dir, listening on 127.0.0.1 only (TCP from every "
                   f"client). Settings: {r.get('pg_settings')}. Everything not named in "
                   f"scripts/pg-cluster.sh is the PostgreSQL default.")
        out.append(f"- Database `bench`: {r.get('pg_bench_db')}.")
        out.append(f"- guanxi serve: `--db postgresql://guanxi@127.0.0.1:PORT/bench --pool {pool} "
                   f"--host 127.0.0.1`, threads {r.get('server_threads')}; an admin API token made "
                   f"with `guanxi token create` on the PostgreSQL database. Customer 1 is "
                   f"{r.get('pg_customer_1_bytes')} bytes of JSON"
                   + ("; byte-for-byte the same as from SQLite." if r.get("pg_customer_1_same") == "yes"
                      else "; **not** byte-for-byte the same as from SQLite."
                      if r.get("pg_customer_1_same") == "no" else "."))
        problems = self.f("pg_log_problems")
        if problems is not None:
            out.append(f"- ERROR/FATAL/PANIC lines in the PostgreSQL log over the whole run: "
                       f"{problems:,.0f}.")
        out.append("")

        # db copy
        tables = self.copy_tables()
        total = self.f("copy_rows_total")
        wall = self.f("copy_wall_s")
        all_match = bool(tables) and all(m and s == d for _, s, d, m in tables)
        out.append("### db copy, SQLite → PostgreSQL\n")
        out.append(f"`guanxi db copy --from bench.db --to postgresql://…/bench --format json` of the "
                   f"freshly loaded {n:,}-customer file into the empty database `bench`.\n")
        out.append("| | |\n|---|---:|")
        out.append(f"| wall time, spawn → exit | {self.num(wall, 1)} s |")
        out.append(f"| `seconds` reported by the command (copy and read-back check, after opening "
                   f"both databases) | {self.num(self.f('copy_seconds'), 1)} s |")
        if total and wall:
            out.append(f"| rows per second, all tables, wall time | {total / wall:,.0f} |")
            out.append(f"| customers per second, wall time | {n / wall:,.0f} |")
        out.append(f"| CPU time of `guanxi db copy` (user + sys) | {self.num(self.f('copy_cpu_s'), 1)} s |")
        out.append(f"| CPU time of the PostgreSQL cluster during the copy (user + sys, all its "
                   f"processes) | {self.num(self.f('copy_pg_cpu_s'), 1)} s |")
        out.append(f"| peak RSS of `guanxi db copy` | {self.mib(kb=self.f('copy_maxrss_kb'))} |")
        out.append(f"| WAL written during the copy | {self.mib(b=self.f('copy_wal_bytes'))} |")
        out.append(f"| checkpoints during the copy | {self.num(self.f('copy_checkpoints'))} |")
        out.append(f"| every table: same row count and SHA-256 on both sides | "
                   f"{'yes' if all_match else '**no**'} ({len(tables)} tables, "
                   f"{self.num(total)} rows) |")
        out.append(f"| then `VACUUM (ANALYZE)` of `bench` (a step of this script, not of `db copy`) | "
                   f"{self.num(self.f('pg_vacuum_analyze_s'), 1)} s |")
        out.append(f"| then `CHECKPOINT` | {self.num(self.f('pg_checkpoint_s'), 1)} s |")
        out.append(f"| database size (`pg_database_size`) | {self.mib(b=self.f('pg_db_bytes'))} "
                   f"({self.f('pg_db_bytes', 0) / max(n, 1):,.0f} bytes per customer; SQLite file "
                   f"{self.mib(b=self.f('db_bytes'))}) |")
        if r.get("pg_objects"):
            out.append(f"| largest relations (`pg_relation_size`) | {r['pg_objects']} |")
        out.append("")
        if tables:
            out.append("| table | rows in SQLite | rows in PostgreSQL | rows and SHA-256 match |")
            out.append("|---|---:|---:|---|")
            for name, src, dst, match in tables:
                out.append(f"| {name} | {src:,} | {dst:,} | {'yes' if match and src == dst else '**no**'} |")
            out.append("")

        # pgbench ceiling
        out.append("### PostgreSQL's own ceiling: pgbench -S\n")
        out.append(f"`pgbench -i -s {r.get('pgbench_scale')}` in a separate database `pgbench` on the "
                   f"same cluster ({self.num(self.f('pgbench_accounts'))} rows in pgbench_accounts; "
                   f"{self.num(self.f('pgbench_init_s'), 1)} s; `{r.get('pgbench_init_line', '')}`), "
                   f"then `pgbench -S -M prepared -n` (the built-in select-only script: one "
                   f"primary-key SELECT per transaction over TCP, no HTTP, no JSON) for "
                   f"{r.get('pgbench_s.duration_s')} s after a {r.get('warmup')} s unreported "
                   f"warm-up, with as many clients as wrk has connections. pgbench reports only "
                   f"the average latency; wrk's mean is shown next to it.\n")
        out.append("| | pgbench -S, 64 clients | guanxi GET by id on PostgreSQL, 64 conns | "
                   "pgbench -S, 1 client | guanxi GET by id on PostgreSQL, 1 conn |")
        out.append("|---|---:|---:|---:|---:|")
        out.append(f"| clients / threads | {r.get('pgbench_s.clients')} / {r.get('pgbench_s.threads')} | "
                   f"{r.get('wrk_connections')} / {r.get('wrk_threads')} | "
                   f"{r.get('c1_pgbench_s.clients')} / {r.get('c1_pgbench_s.threads')} | 1 / 1 |")
        out.append(f"| per second (tps, without connection time / req/s) | "
                   f"{self.num(self.f('pgbench_s.tps'))} | {self.num(self.test('pg_get_by_id', 'rps'))} | "
                   f"{self.num(self.f('c1_pgbench_s.tps'))} | {self.num(self.test('pg_c1_get_by_id', 'rps'))} |")
        out.append(f"| mean latency | {self.ms(self.f('pgbench_s.latency_avg_ms'))} | "
                   f"{self.ms(self.test('pg_get_by_id', 'mean_ms'))} | "
                   f"{self.ms(self.f('c1_pgbench_s.latency_avg_ms'))} | "
                   f"{self.ms(self.test('pg_c1_get_by_id', 'mean_ms'))} |")
        out.append(f"| transactions / requests | {self.num(self.f('pgbench_s.transactions'))} | "
                   f"{self.num(self.test('pg_get_by_id', 'requests'))} | "
                   f"{self.num(self.f('c1_pgbench_s.transactions'))} | "
                   f"{self.num(self.test('pg_c1_get_by_id', 'requests'))} |")
        out.append(f"| failed / errors | {self.num(self.f('pgbench_s.failed'))} | "
                   f"{self.errors('pg_get_by_id')} | {self.num(self.f('c1_pgbench_s.failed'))} | "
                   f"{self.errors('pg_c1_get_by_id')} |")
        out.append("")
        tps, get = self.f("pgbench_s.tps"), self.test("pg_get_by_id", "rps")
        if tps and get is not None:
            out.append(f"GET by id on PostgreSQL reached {get / tps * 100:.0f} % of pgbench -S's "
                       f"transactions per second at 64 connections.\n")

        # start-up and memory
        out.append("### PostgreSQL: server start-up and memory\n")
        out.append(f"| | PostgreSQL, --pool {pool} | SQLite, --sync full |\n|---|---:|---:|")
        out.append(f"| start-up, spawn → `/healthz` 200 | {self.num(self.f('startup_pg.ms'))} ms | "
                   f"{self.num(self.f('startup_full.ms'))} ms |")
        out.append(f"| shutdown (SIGTERM → exit) | {self.num(self.f('shutdown_pg.ms'))} ms | "
                   f"{self.num(self.f('shutdown_full.ms'))} ms |")
        for label, key in [("RSS right after start-up", "start_kb"),
                           ("RSS after GET-by-id test", "after_get_kb"),
                           ("RSS after search tests", "after_search_kb"),
                           ("RSS at the end (after POST test)", "end_kb"),
                           ("peak RSS (VmHWM)", "hwm_kb")]:
            out.append(f"| {label} | {self.mib(kb=self.f('rss_pg.' + key))} | "
                       f"{self.mib(kb=self.f('rss_full.' + key))} |")
        out.append("")
        out.append("RSS is guanxi's alone; PostgreSQL's memory (shared_buffers and one backend per "
                   "pooled connection) is not included.\n")
        sl = r.get("startup_pg.server_line")
        if sl:
            out.append(f"The server's own log line: `{sl}`.\n")

        # GET by id
        out.append("### PostgreSQL: (a, b) GET /api/v1/customers/{id}\n")
        out.append(f"Random id in 1..{n:,} per request; the SQLite and nginx columns are the figures "
                   f"from above.\n")
        out.append(self.side_by_side([("PostgreSQL", "pg_get_by_id"), ("SQLite", "get_by_id"),
                                      ("nginx fixed body", "nginx")],
                                     ratios=[("pg_get_by_id", "get_by_id", "PostgreSQL ÷ SQLite"),
                                             ("pg_get_by_id", "nginx", "PostgreSQL ÷ nginx")]))
        out.append("")
        out.append(self.c1_line("PostgreSQL: GET by id", "pg_c1_get_by_id"))
        out.append(self.c1_line("SQLite: GET by id", "c1_get_by_id"))
        out.append("")

        # POST
        out.append("### PostgreSQL: (c) POST /api/v1/customers (durable creates)\n")
        out.append("Same script as above; on PostgreSQL the response is sent after the commit with "
                   "fsync = on and synchronous_commit = on.\n")
        out.append(self.side_by_side([("PostgreSQL", "pg_post"), ("SQLite --sync full", "post_full"),
                                      ("nginx fixed body", "nginx")],
                                     ratios=[("pg_post", "post_full", "PostgreSQL ÷ SQLite full")]))
        out.append("")

        # search
        out.append("### PostgreSQL: (d) Search, first page (`?q=…&limit=50`)\n")
        out.append("Same terms and match counts as above (the same data).\n")
        cols = [(f"q={t} ({self.num(self.f('matches_' + t))} matches)", f"pg_search_{t}")
                for t in SEARCH_TERMS if self.test(f"pg_search_{t}", "rps") is not None]
        cols.append(("nginx fixed body", "nginx"))
        out.append(self.side_by_side(cols))
        out.append("")
        for t in SEARCH_TERMS:
            if self.test(f"pg_c1_search_{t}", "rps") is not None:
                out.append(self.c1_line(f"PostgreSQL: q={t}", f"pg_c1_search_{t}"))
        out.append("")

        # keyset
        deep = int(self.f("page_deep", 1000))
        k = int(self.f("pg_walk_window", 50))
        out.append(f"### PostgreSQL: (e) Keyset listing, page 1 vs page {deep}\n")
        out.append(f"The page-{deep} cursor was found again on PostgreSQL by walking {deep - 1} pages "
                   f"({r.get('pg_walk_total_s')} s, one client; median page "
                   f"{r.get('pg_walk_first_median_ms')} ms over the first {k} pages and "
                   f"{r.get('pg_walk_last_median_ms')} ms over the last {k}).\n")
        out.append(self.side_by_side([("page 1", "pg_page_1"), (f"page {deep}", "pg_page_deep"),
                                      ("nginx fixed body", "nginx")],
                                     ratio_to=("pg_page_deep", "pg_page_1"),
                                     ratio_label=f"p{deep} ÷ p1"))
        out.append("")
        out.append(f"64-connection figures: {r.get('page_rounds')} alternating rounds of "
                   f"{r.get('page_round_s')} s per side, as above. Per-round req/s: page 1 "
                   f"{r.get('pg_page_1.rounds_rps')}; page {deep} {r.get('pg_page_deep.rounds_rps')}.\n")
        out.append(self.c1_line("PostgreSQL: page 1", "pg_c1_page_1"))
        out.append(self.c1_line(f"PostgreSQL: page {deep}", "pg_c1_page_deep"))
        out.append("")

        # summary
        out.append("### PostgreSQL vs SQLite, test by test\n")
        out.append("| test | SQLite req/s | PostgreSQL req/s | PostgreSQL ÷ SQLite | SQLite p50 | "
                   "PostgreSQL p50 | SQLite p99 | PostgreSQL p99 | PostgreSQL errors |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        rows = [("GET by id, 64 conns", "get_by_id"), ("GET by id, 1 conn", "c1_get_by_id")]
        for t in SEARCH_TERMS:
            rows.append((f"search q={t}, 64 conns", f"search_{t}"))
        for t in SEARCH_TERMS:
            rows.append((f"search q={t}, 1 conn", f"c1_search_{t}"))
        rows += [("page 1, 64 conns", "page_1"), (f"page {deep}, 64 conns", "page_deep"),
                 ("page 1, 1 conn", "c1_page_1"), (f"page {deep}, 1 conn", "c1_page_deep"),
                 ("POST create, 64 conns (SQLite --sync full)", "post_full")]
        for label, t in rows:
            pg_t = "pg_post" if t == "post_full" else "pg_" + t
            a, b = self.test(t, "rps"), self.test(pg_t, "rps")
            ratio = "n/a"
            if a and b is not None:
                ratio = f"{b / a:.2f}×" if b / a >= 0.1 else f"{b / a:.2g}×"
            out.append(f"| {label} | {self.num(a)} | {self.num(b)} | {ratio} | "
                       f"{self.ms(self.test(t, 'p50_ms'))} | {self.ms(self.test(pg_t, 'p50_ms'))} | "
                       f"{self.ms(self.test(t, 'p99_ms'))} | {self.ms(self.test(pg_t, 'p99_ms'))} | "
                       f"{self.errors(pg_t)} |")
        out.append("")

        self.evaluate_pg_targets()
        out.append("### PostgreSQL targets\n")
        out.extend(self.targets_markdown())
        return out


DEFAULT_ANALYSIS = """### Analysis

_Nothing written yet. Explain every MISS above here: by how much, and why._
"""


def write_doc(path, results_md, r):
    analysis = DEFAULT_ANALYSIS
    sales = ""  # the section bench/sales.sh writes between its SALES markers, kept as is
    if os.path.exists(path):
        old = open(path, encoding="utf-8").read()
        m = re.search(re.escape(BEGIN) + r"\n(.*?)" + re.escape(END), old, re.S)
        if m:
            analysis = m.group(1)
        m = re.search(r"<!-- SALES:BEGIN.*?<!-- SALES:END -->\n", old, re.S)
        if m:
            sales = "\n" + m.group(0)
    doc = f"""# Benchmarks

Produced by `bench/run.sh --write-doc` (everything under "Results" is regenerated
on every run; the analysis section between the markers is kept). The script loads
`BENCH_CUSTOMERS` demo customers with `guanxi demo`, starts an nginx ceiling and
`guanxi serve`, and drives both with wrk on 127.0.0.1; then it copies the data into
a throw-away PostgreSQL cluster with `guanxi db copy`, measures the cluster with
pgbench and repeats the wrk tests against `guanxi serve` on PostgreSQL. See the
header of `bench/run.sh` for the knobs. Run it on an otherwise idle machine for
numbers you want to compare. The tests take about 8 minutes (half on SQLite, half
on PostgreSQL); the load and the copy take as long as they need for
`BENCH_CUSTOMERS` (see the load and copy tables and the analysis).

{results_md}
{BEGIN}
{analysis}{END}
{sales}"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    r = load(args[0])
    md = Report(r).results_markdown()
    print(md)
    if len(args) == 3 and args[1] == "--write-doc":
        write_doc(args[2], md, r)
        print(f"\nwrote {args[2]}", file=sys.stderr)


if __name__ == "__main__":
    main()
