#!/usr/bin/env python3
"""Relationship-work benchmark (issue 6, "Speed"), one run.

1. Load: `guanxi demo` with N customers, R extra reps owning them round-robin and 3N
   orders (SQLite, --sync normal; the demo writes its own interaction histories, tasks and
   tier return-visit plans), then, straight into the file with Python's sqlite3 (a load
   tool, not the product), top-ups to M interactions in all (a skewed number per customer,
   up to three years back) and T open tasks (plus T/2 done ones) spread over the reps, due
   from 60 days ago to 60 days ahead.
2. Rules through the API: return-visit plans per value tier and a catch-all, an event
   rule, a four-step first-purchase journey, a pool rule.
3. Nightly pass: `guanxi jobs run --db D --kind K --format json` for the analytics run
   (not part of the target: its own benchmark is in the analytics section) and then each
   relationship job (lifecycle, visit_plans, event_rules, care_dates, journeys,
   public_pool). A call also runs every other job that is due (today's daily slots once
   03:00 Asia/Shanghai has passed), so each job is timed from its own record
   (finished_at − started_at, whole seconds) and a kind that ran twice counts with its
   heaviest run (the first pass over fresh data); the target is the sum.
4. Latency through the real server (`guanxi serve` on 127.0.0.1, wrk, one connection so
   p99 is the query's own latency, bounded by -d): a random customer's timeline first
   page; "my day" for a rep. Peer floor beside each: the bare single-table indexed query
   that page needs at least, timed in Python's sqlite3 on the same file.
5. Duplicate detection over all customers: `guanxi customers duplicates --db D --format
   csv --limit 500` (stdout kept in dups.csv; the CLI prints at most the best 500 pairs),
   wall time and peak RSS (/usr/bin/time -v).

usage: bench/relationship/run.py [--write-doc] [--keep]
env: BENCH_CUSTOMERS (1000000), BENCH_INTERACTIONS (20000000), BENCH_OPEN_TASKS
     (2000000), BENCH_REPS (500), BENCH_DURATION (15 s per wrk test), GUANXI (binary).
Everything listens on 127.0.0.1; nothing touches the network.
"""
import json
import os
import platform
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(BENCH))
GX = os.environ.get("GUANXI", os.path.join(ROOT, "build", "release", "guanxi"))
N = int(os.environ.get("BENCH_CUSTOMERS", "1000000"))
M = int(os.environ.get("BENCH_INTERACTIONS", "20000000"))
T = int(os.environ.get("BENCH_OPEN_TASKS", "2000000"))
REPS = int(os.environ.get("BENCH_REPS", "500"))
DURATION = int(os.environ.get("BENCH_DURATION", "15"))
NIGHTLY_KINDS = ["lifecycle", "visit_plans", "event_rules", "care_dates", "journeys", "public_pool"]
CHANNELS = ["face_to_face", "phone", "web", "email", "fax", "wechat", "sms", "other"]
DAY = 86400


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time -v; answers (seconds, peak MiB, stdout)."""
    start = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, **kw)
    secs = time.monotonic() - start
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    return secs, (int(rss.group(1)) / 1024 if rss else float("nan")), r.stdout


def load(db):
    log(f"guanxi demo --customers {N} --reps {REPS}")
    demo_s, _, _ = timed([GX, "demo", "--db", db, "--customers", str(N), "--reps", str(REPS),
                          "--orders", str(3 * N), "--sync", "normal"])
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous = OFF")
    now = int(time.time())
    rnd = random.Random(20261201)
    start = time.monotonic()
    reps = [r[0] for r in con.execute("SELECT id FROM app_user WHERE role = 'sales' ORDER BY id")]
    ids = [r[0] for r in con.execute("SELECT id FROM customer ORDER BY id")]
    # `guanxi demo` writes its own histories and tasks: top them up to M and T.
    have_i = con.execute("SELECT count(*) FROM interaction").fetchone()[0]
    have_open = con.execute("SELECT count(*) FROM task WHERE status = 'open'").fetchone()[0]
    have_done = con.execute("SELECT count(*) FROM task WHERE status <> 'open'").fetchone()[0]
    add_i, add_open, add_done = max(0, M - have_i), max(0, T - have_open), max(0, T // 2 - have_done)
    log(f"demo wrote {have_i} interactions, {have_open} open and {have_done} done tasks; adding {add_i}, "
        f"{add_open} and {add_done}")

    def interactions():
        per = add_i / len(ids)
        made = 0
        for k, cid in enumerate(ids):
            # skewed: a few customers get many more than the mean
            want = add_i - made if k == len(ids) - 1 else int(rnd.expovariate(1 / per) + 0.5)
            want = min(want, add_i - made)
            for _ in range(want):
                at = now - rnd.randrange(3 * 365 * DAY)
                yield (cid, reps[k % REPS], CHANNELS[rnd.randrange(8)], "outbound" if rnd.random() < .7 else "inbound",
                       at, "跟进", "电话沟通了需求和报价", "", rnd.randrange(1, 60), at, at)
            made += want
            if made >= add_i:
                break

    if add_i == 0:
        interactions = list  # noqa: E731 (nothing to add)
    with con:
        con.executemany(
            "INSERT INTO interaction(version, customer_id, user_id, channel, direction, at, subject, summary,"
            " outcome, duration_minutes, created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            interactions())
    def tasks():
        for i in range(add_open + add_done):
            k = rnd.randrange(len(ids))
            due = time.strftime("%Y-%m-%d", time.gmtime(now + 8 * 3600 + rnd.randrange(-60, 61) * DAY))
            done = i >= add_open
            yield (ids[k], reps[k % REPS], "回访客户", "follow_up", due, "done" if done else "open", "manual",
                   now - 90 * DAY, now, now if done else None)

    with con:
        con.executemany(
            "INSERT INTO task(version, customer_id, assignee_user_id, title, kind, due_day, status, origin,"
            " created_at, updated_at, completed_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tasks())
    con.execute("ANALYZE")
    con.close()
    return demo_s, time.monotonic() - start, {"interactions": have_i, "open_tasks": have_open, "done_tasks": have_done}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db):
        self.port = free_port()
        self.proc = subprocess.Popen([GX, "serve", "--db", db, "--port", str(self.port),
                                      "--scheduler-poll-seconds", "3600"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.proc.stdout.readline()
        self.base = f"http://127.0.0.1:{self.port}"

    def call(self, token, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": "Bearer " + token, "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"null")

    def wait_idle(self, tok, limit_s=900):
        """Waits until the scheduler's start-up poll has run what was due."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if not self.call(tok, "GET", "/api/v1/jobs?status=running&limit=1")["items"]:
                return
            time.sleep(1)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def token(db, login):
    return subprocess.run([GX, "token", "create", "--db", db, "--login", login],
                          check=True, capture_output=True, text=True).stdout.strip()


def rules(srv, admin):
    for pos, (kind, value, days) in enumerate([("tier", "strategic", 30), ("tier", "important", 90),
                                               ("tier", "general", 180), ("all", "", 365)], start=1):
        srv.call(admin, "POST", "/api/v1/visit-plans", {
            "name": f"{value or 'all'} {days}d", "class_kind": kind, "class_value": value,
            "interval_days": days, "task_title": "回访", "position": pos})
    srv.call(admin, "POST", "/api/v1/event-rules", {"event": "order_refunded", "delay_days": 1,
                                                     "task_title": "退款回访"})
    srv.call(admin, "POST", "/api/v1/journeys", {"name": "首购关怀", "trigger": "first_purchase", "steps": [
        {"day_offset": 0, "channel": "wechat", "title": "欢迎，发放会员卡"},
        {"day_offset": 7, "channel": "phone", "title": "问候"},
        {"day_offset": 20, "channel": "email", "title": "使用指南"},
        {"day_offset": 38, "channel": "sms", "title": "优惠"}]})
    srv.call(admin, "POST", "/api/v1/pool-rules", {"name": "90 天未跟进", "class_kind": "all", "class_value": "",
                                                    "no_follow_up_days": 90, "warn_days": 7, "position": 1})


def wrk(srv, tok, lua_path, arg):
    out = subprocess.run(["wrk", "-t1", "-c1", f"-d{DURATION}s", "--latency", "-H", f"Authorization: Bearer {tok}",
                          "-s", lua_path, srv.base, "--", str(arg)],
                         check=True, capture_output=True, text=True, env={**os.environ, "BENCH_LUA_DIR":
                                                                          os.path.join(ROOT, "bench")}).stdout
    m = re.search(r"BENCH_RESULT (.*)", out)
    return dict(kv.split("=") for kv in m.group(1).split()) if m else {}


def floor(db, sql, args_fn, n=2000):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    lat = []
    for _ in range(n):
        a = args_fn()
        t0 = time.perf_counter()
        con.execute(sql, a).fetchall()
        lat.append((time.perf_counter() - t0) * 1000)
    con.close()
    lat.sort()
    return {"p50_ms": lat[len(lat) // 2], "p99_ms": lat[int(len(lat) * .99)]}


def main():
    write_doc = "--write-doc" in sys.argv
    keep = "--keep" in sys.argv
    for tool in ("wrk",):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed")
    reuse = sys.argv[sys.argv.index("--reuse") + 1] if "--reuse" in sys.argv else None
    res = {"customers": N, "interactions": M, "open_tasks": T, "reps": REPS}
    if reuse:
        # A database a previous run loaded and passed over: the jobs below are then
        # a following night's passes (the rules and tasks exist already).
        tmp, db = os.path.dirname(os.path.abspath(reuse)), os.path.abspath(reuse)
        keep = True
        res["reused"] = True
        admin = token(db, "admin")
    else:
        tmp = tempfile.mkdtemp(prefix="guanxi-relbench.")
        db = os.path.join(tmp, "bench.db")
        res["demo_s"], res["load_s"], res["demo_rows"] = load(db)
        admin = token(db, "admin")
        srv = Server(db)
        rules(srv, admin)
        # `serve` polls its scheduler at start: the jobs already due (the start-up
        # analytics run, today's daily slots once their hour has passed) start at
        # once. Recorded, so the nightly figures below say which runs did the work.
        res["jobs_during_rules"] = [{"kind": j["kind"], "key": j["key"], "status": j["status"]}
                                    for j in srv.call(admin, "GET", "/api/v1/jobs?limit=100")["items"]]
        srv.stop()
    # `jobs run --kind K` queues K and then runs EVERY due job (daily slots of
    # today after their hour, periodic slots) in run_after order, so one call
    # may run several kinds and a kind may run twice (its daily slot, then the
    # manual one). Each job's own time comes from its record (whole seconds).
    runs = []
    res["calls"] = {}
    for kind in ["analytics"] + NIGHTLY_KINDS:
        log(f"jobs run --kind {kind}")
        secs, rss, out = timed([GX, "jobs", "run", "--db", db, "--kind", kind, "--format", "json"])
        res["calls"][kind] = {"s": secs, "rss_mib": rss}
        for j in json.loads(out)["items"]:
            runs.append(j)
    res["nightly"] = {}
    res["analytics_s"] = 0
    for j in runs:
        s_ = (j.get("finished_at") or 0) - (j.get("started_at") or 0)
        if j["kind"] == "analytics":
            res["analytics_s"] = max(res["analytics_s"], s_)
        if j["kind"] not in NIGHTLY_KINDS:
            continue
        v = res["nightly"].setdefault(j["kind"], {"s": 0, "runs": []})
        out = j.get("result") or j.get("error") or ""
        out = out if isinstance(out, str) else json.dumps(out, ensure_ascii=False)
        v["runs"].append({"key": j["key"], "status": j["status"], "s": s_, "out": out[-300:]})
        v["s"] = max(v["s"], s_)  # the heaviest run: the first pass over fresh data
        v["rss_mib"] = res["calls"][j["kind"]]["rss_mib"]
        v["out"] = v["runs"][0]["out"]
    res["nightly_total_s"] = sum(v["s"] for v in res["nightly"].values())
    con = sqlite3.connect(db)
    res["open_tasks_after"] = con.execute("SELECT count(*) FROM task WHERE status = 'open'").fetchone()[0]
    rep_id, rep_login = con.execute(
        "SELECT u.id, u.login FROM app_user u JOIN task t ON t.assignee_user_id = u.id AND t.status = 'open'"
        " WHERE u.role = 'sales' GROUP BY u.id ORDER BY count(*) DESC LIMIT 1").fetchone()
    res["rep_open_tasks"] = con.execute("SELECT count(*) FROM task WHERE assignee_user_id = ? AND status = 'open'",
                                        (rep_id,)).fetchone()[0]
    max_id = con.execute("SELECT max(id) FROM customer").fetchone()[0]
    con.close()
    rep_token = token(db, rep_login)
    srv = Server(db)
    srv.wait_idle(admin)
    log("wrk timeline / my day")
    res["timeline"] = wrk(srv, admin, os.path.join(BENCH, "timeline.lua"), max_id)
    res["my_day"] = wrk(srv, rep_token, os.path.join(BENCH, "my_day.lua"), 0)
    srv.stop()
    rnd = random.Random(7)
    res["timeline_floor"] = floor(db, "SELECT * FROM interaction WHERE customer_id = ? ORDER BY at DESC, id DESC"
                                      " LIMIT 21", lambda: (rnd.randrange(1, max_id + 1),))
    res["my_day_floor"] = floor(db, "SELECT * FROM task WHERE assignee_user_id = ? AND status = 'open'"
                                    " ORDER BY due_day, id LIMIT 200", lambda: (rep_id,))
    log("duplicates")
    # The CLI prints the pairs (no --out); it answers the best 500 (its --limit maximum).
    res["dedup_s"], res["dedup_rss_mib"], dup_csv = timed([GX, "customers", "duplicates", "--db", db,
                                                           "--format", "csv", "--limit", "500"])
    with open(os.path.join(tmp, "dups.csv"), "w", encoding="utf-8") as f:
        f.write(dup_csv)
    res["dedup_pairs"] = max(0, len(dup_csv.splitlines()) - 1)
    res["machine"] = f"{platform.node()} {os.cpu_count()} cores, {platform.platform()}"
    res["sqlite"] = sqlite3.sqlite_version
    print(json.dumps(res, ensure_ascii=False, indent=1))
    if write_doc:
        write(res)
    if not keep:
        shutil.rmtree(tmp)
    else:
        log(f"kept {tmp}")


def write(res):
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    doc = open(path, encoding="utf-8").read()
    begin, end = "<!-- RELATIONSHIP:BEGIN -->", "<!-- RELATIONSHIP:END -->"
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    n = res["nightly"]

    def ok(v, limit):
        return "met" if v < limit else "**MISSED**"

    lines = [begin, "", f"## Relationship work (issue 6) — {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}", "",
             f"Command: `BENCH_CUSTOMERS={res['customers']} BENCH_INTERACTIONS={res['interactions']} "
             f"BENCH_OPEN_TASKS={res['open_tasks']} bench/relationship/run.py --write-doc"
             f"{' --reuse DB' if res.get('reused') else ''}` (commit {commit}); "
             f"machine: {res['machine']}; SQLite {res['sqlite']} (Python's, for the floor queries).", "",
             f"Data: {res['customers']:,} demo customers owned by {res['reps']} reps, {res['interactions']:,} "
             f"interactions, {res['open_tasks']:,} open tasks (+{res['open_tasks'] // 2:,} done); "
             + (f"load {res['demo_s']:.0f} s (demo) + {res['load_s']:.0f} s (interactions, tasks). "
                if not res.get("reused") else
                "the database a full run loaded and passed over once (`--reuse`): the jobs below are a following "
                "night's passes over existing rules and tasks. ")
             + f"The rep measured for \"my day\" holds {res['rep_open_tasks']:,} open tasks.", "",
             "| measure | target | Guanxi | peer floor (bare indexed query, sqlite3) | verdict |", "|---|---|---|---|---|",
             f"| timeline first page, p99 (p50) | < 20 ms | {float(res['timeline'].get('p99_ms', 'nan')):.2f} ms "
             f"({float(res['timeline'].get('p50_ms', 'nan')):.2f}) | {res['timeline_floor']['p99_ms']:.2f} ms "
             f"({res['timeline_floor']['p50_ms']:.2f}) | {ok(float(res['timeline'].get('p99_ms', 1e9)), 20)} |",
             f"| my day (rep), p99 (p50) | < 20 ms | {float(res['my_day'].get('p99_ms', 'nan')):.2f} ms "
             f"({float(res['my_day'].get('p50_ms', 'nan')):.2f}) | {res['my_day_floor']['p99_ms']:.2f} ms "
             f"({res['my_day_floor']['p50_ms']:.2f}) | {ok(float(res['my_day'].get('p99_ms', 1e9)), 20)} |",
             f"| nightly pass (sum of the jobs below) | < 60 s | {res['nightly_total_s']:.1f} s | — | "
             f"{ok(res['nightly_total_s'], 60)} |",
             f"| duplicate detection over all customers | < 60 s | {res['dedup_s']:.1f} s "
             f"(peak {res['dedup_rss_mib']:.0f} MiB, {res['dedup_pairs']:,} pairs listed, the CLI's best 500 at most) | — | {ok(res['dedup_s'], 60)} |",
             "", "Nightly jobs (`guanxi jobs run --kind K`; seconds from each job's record, whole seconds, "
             "the heaviest run of the kind; peak MiB of the `--kind K` process):", "",
             "| job | seconds | peak MiB | output |", "|---|---|---|---|"]
    for kind, v in n.items():
        lines.append(f"| {kind} | {v['s']:.1f} | {v['rss_mib']:.0f} | `{v['out'][-120:]}` |")
    lines += ["", f"The analytics run before them (RFM, tiers, CLV … that the plans read) took {res['analytics_s']:.1f} s; "
              "it is measured in the analytics section. Latencies are through HTTP (wrk, one connection, "
              f"{DURATION} s); the floor is the single-table query alone, without HTTP, JSON or the other kinds.",
              "", end]
    block = "\n".join(lines)
    if begin in doc:
        doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    open(path, "w", encoding="utf-8").write(doc)


if __name__ == "__main__":
    main()
