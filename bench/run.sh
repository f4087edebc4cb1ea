#!/usr/bin/env bash
# Guanxi benchmark: loads N demo customers, then measures the server with wrk
# against an nginx "ceiling" on the same machine; then copies the loaded data
# into a throw-away PostgreSQL 15 cluster (guanxi db copy), measures that
# cluster's own ceiling with pgbench -S and runs the same wrk tests against
# guanxi serve on PostgreSQL. Everything listens on 127.0.0.1 and every wrk and
# pgbench run is bounded by -d / -T.
#
# usage: bench/run.sh [--write-doc] [--keep]
#   --write-doc  rewrite docs/benchmarks.md from this run (the hand-written
#                analysis section between the ANALYSIS markers is kept)
#   --keep       keep the temp dir (database, logs, raw wrk output)
#
# environment:
#   BENCH_CUSTOMERS      customers to load (default 1000000)
#   BENCH_DURATION       seconds per wrk test (default 15)
#   BENCH_WARMUP         seconds of unreported wrk warm-up before each test (default 2)
#   BENCH_THREADS        wrk threads (default 2)
#   BENCH_CONNECTIONS    wrk connections (default 64)
#   BENCH_NGINX_WORKERS  nginx worker_processes (default auto)
#   BENCH_SERVER_THREADS guanxi serve --threads (default: the server's own default)
#   BENCH_POST_NORMAL    also measure POST with --sync normal (default 1)
#   BENCH_TMPDIR         parent of the temp dir (default $TMPDIR or /tmp)
#   BENCH_PG             also run the PostgreSQL part (default 1)
#   BENCH_PG_POOL        guanxi serve --pool on PostgreSQL (default 32)
#   BENCH_PGBENCH_SCALE  pgbench -i scale factor for the pgbench ceiling (default 10)
#   GUANXI_PG_BIN        PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
#   GUANXI               server binary (default build/release/guanxi)
#
# Needs: build/release/guanxi (this script builds nothing), wrk, nginx
# (nginx-light is enough), curl, python3, sqlite3; for the PostgreSQL part
# postgresql-15 and postgresql-contrib (initdb, pg_ctl, psql, pgbench). The
# cluster lives in the temp dir, made by `scripts/pg-cluster.sh start --durable`
# (fsync, full_page_writes and synchronous_commit on), and is stopped on exit.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
GX="${GUANXI:-$ROOT/build/release/guanxi}"
N="${BENCH_CUSTOMERS:-1000000}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-2}"
WRK_THREADS="${BENCH_THREADS:-2}"
WRK_CONNS="${BENCH_CONNECTIONS:-64}"
NGINX_WORKERS="${BENCH_NGINX_WORKERS:-auto}"
SERVER_THREADS="${BENCH_SERVER_THREADS:-}"
POST_NORMAL="${BENCH_POST_NORMAL:-1}"
PG="${BENCH_PG:-1}"
PG_POOL="${BENCH_PG_POOL:-32}"
PGBENCH_SCALE="${BENCH_PGBENCH_SCALE:-10}"
PG_BIN="${GUANXI_PG_BIN:-/usr/lib/postgresql/15/bin}"
WRITE_DOC=0
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --write-doc) WRITE_DOC=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,35p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
COMMAND="BENCH_CUSTOMERS=$N bench/run.sh $*"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -x "$GX" ]] || die "$GX not found; build it first (cd build/release && ninja guanxi)"
for tool in wrk nginx curl python3 sqlite3; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1 ]] || die "BENCH_CUSTOMERS must be a positive integer"
if [[ "$PG" == 1 ]]; then
  for tool in initdb pg_ctl postgres psql pgbench; do
    [[ -x "$PG_BIN/$tool" ]] || die "$PG_BIN/$tool not found: install postgresql-15 and postgresql-contrib (or set BENCH_PG=0)"
  done
  [[ "$PG_POOL" =~ ^[0-9]+$ && "$PG_POOL" -ge 1 ]] || die "BENCH_PG_POOL must be a positive integer"
  [[ "$PGBENCH_SCALE" =~ ^[0-9]+$ && "$PGBENCH_SCALE" -ge 1 ]] || die "BENCH_PGBENCH_SCALE must be a positive integer"
fi

TMP="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/guanxi-bench.XXXXXX")"
DB="$TMP/bench.db"
RESULTS="$TMP/results.txt"   # lines: key<TAB>value
: > "$RESULTS"

# --- process bookkeeping: every process we start is killed on exit ----------
NGINX_PID=""
SERVER_PID=""
WRK_PID=""
LOAD_PID=""
CHILD_PID=""   # guanxi db copy, pgbench, psql
PG_DIR=""      # set once the cluster is started: it is stopped on exit
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "$WRK_PID" ]] && kill "$WRK_PID" 2>/dev/null || true
  [[ -n "$LOAD_PID" ]] && kill -TERM "$LOAD_PID" 2>/dev/null || true
  [[ -n "$CHILD_PID" ]] && kill -TERM "$CHILD_PID" 2>/dev/null || true
  [[ -n "$SERVER_PID" ]] && kill -TERM "$SERVER_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2>/dev/null || true
  for pid in $WRK_PID $LOAD_PID $CHILD_PID $SERVER_PID $NGINX_PID; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pg_stop
  if [[ "$KEEP" == 1 ]]; then
    log "kept $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
pg_stop() {
  [[ -n "$PG_DIR" ]] || return 0
  log "stopping the PostgreSQL cluster"
  "$ROOT/scripts/pg-cluster.sh" stop "$PG_DIR" > /dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Run a private copy, so a rebuild of build/release/guanxi during the run
# cannot swap or break the binary under test.
cp "$GX" "$TMP/guanxi"
GX_SRC="$GX"
GX="$TMP/guanxi"
"$GX" version > /dev/null || die "$GX_SRC does not run (is it being rebuilt?)"

put() { printf '%s\t%s\n' "$1" "$2" >> "$RESULTS"; }
now() { date +%s.%N; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# run_child CMD...: runs CMD in the background as CHILD_PID (killed on exit) and
# waits for it; returns its exit status.
run_child() {
  "$@" &
  CHILD_PID=$!
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}
# wait_watch PID: waits for PID while polling its peak RSS (VmHWM, kB) into
# WATCH_HWM; returns its exit status.
wait_watch() {
  local pid="$1" k v _ rc=0
  WATCH_HWM=0
  while kill -0 "$pid" 2>/dev/null; do
    while read -r k v _; do
      [[ "$k" == VmHWM: && "$v" -gt "$WATCH_HWM" ]] && WATCH_HWM=$v
    done < "/proc/$pid/status" 2>/dev/null || true
    sleep 0.2
  done
  wait "$pid" || rc=$?
  return "$rc"
}

# --- machine and versions ------------------------------------------------------
put date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
put command "$COMMAND"
put customers "$N"
put duration "$DURATION"
put warmup "$WARMUP"
put wrk_threads "$WRK_THREADS"
put wrk_connections "$WRK_CONNS"
put nproc "$(nproc)"
put cpu_model "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
put mem_total "$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
put kernel "$(uname -r)"
put loadavg_start "$(loadavg)"
put v_guanxi "$("$GX" version)"
put v_nginx "$(nginx -v 2>&1)"
put v_wrk "$(wrk -v 2>&1 | head -n 1 || true)"
put v_sqlite3 "sqlite3 CLI $(sqlite3 --version | cut -d' ' -f1-2)"
put v_gxx "$(g++ --version 2>/dev/null | head -n 1 || echo 'g++ not found')"
put git_commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo ' (dirty tree)')"
put binary_mtime "$(date -u -r "$GX_SRC" +%Y-%m-%dT%H:%M:%SZ)"

# --- 1. load -------------------------------------------------------------------
log "temp dir $TMP"
log "loading $N demo customers (guanxi demo --sync normal)..."
load_start=$(now)
# User+sys seconds of all waited-for children of this shell, into CHILD_CPU.
# (Called directly, not in $(...): a subshell has its own, empty, child times.)
children_cpu() {
  times > "$TMP/times.txt"  # second line e.g. "1m2.500s 0m0.250s"
  CHILD_CPU=$(python3 -c 'import re, sys; print(sum(int(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", sys.argv[1])))' "$(tail -n 1 "$TMP/times.txt")")
}
children_cpu
cpu_before=$CHILD_CPU
"$GX" demo --db "$DB" --customers "$N" --sync normal > "$TMP/load.out" 2> "$TMP/load.err" &
LOAD_PID=$!
# Poll: peak RSS of the loader, and when each "N customers..." progress line
# appeared (shows whether the load slows down as the database grows).
load_hwm=0
seen=0
while kill -0 "$LOAD_PID" 2>/dev/null; do
  while read -r k v _; do
    [[ "$k" == VmHWM: && "$v" -gt "$load_hwm" ]] && load_hwm=$v
  done < "/proc/$LOAD_PID/status" 2>/dev/null || true
  lines=$(grep -c 'customers\.\.\.' "$TMP/load.err" || true)
  if (( lines > seen )); then
    seen=$lines
    put "load_progress.$(grep 'customers\.\.\.' "$TMP/load.err" | tail -n 1 | tr -dc 0-9)" \
      "$(python3 -c "print(round($(now) - $load_start))")"
  fi
  sleep 1
done
rc=0
wait "$LOAD_PID" || rc=$?
LOAD_PID=""
load_end=$(now)
(( rc == 0 )) || { cat "$TMP/load.err" >&2; die "guanxi demo failed (exit $rc)"; }
load_wall=$(python3 -c "print(round($load_end - $load_start, 1))")
children_cpu
load_cpu=$(python3 -c "print(round($CHILD_CPU - $cpu_before, 1))")
put load_wall_s "$load_wall"
put load_cpu_s "$load_cpu"
put load_maxrss_kb "$load_hwm"
put load_rate "$(python3 -c "print(round($N / max($load_end - $load_start, 1e-9)))")"
put load_demo_line "$(grep '^demo:' "$TMP/load.err" || true)"
db_bytes=$(stat -c %s "$DB")
wal_bytes=$( [[ -f "$DB-wal" ]] && stat -c %s "$DB-wal" || echo 0)
put db_bytes "$db_bytes"
put wal_bytes "$wal_bytes"
log "loaded in ${load_wall}s (CPU ${load_cpu}s), db $((db_bytes / 1048576)) MiB"

# Facts about the data set, straight from SQLite (read-only, before serving).
put db_customers "$(sqlite3 "$DB" 'SELECT count(*) FROM customer')"
put db_contacts "$(sqlite3 "$DB" 'SELECT count(*) FROM contact')"
put db_grams "$(sqlite3 "$DB" 'SELECT count(*) FROM customer_gram')"
put db_max_id "$(sqlite3 "$DB" 'SELECT max(id) FROM customer')"
if timeout 180 sqlite3 "$DB" "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8" \
     > "$TMP/dbstat.txt" 2>/dev/null; then
  put db_objects "$(awk -F'|' '{printf "%s%s %.0f MiB", (NR > 1 ? ", " : ""), $1, $2 / 1048576}' "$TMP/dbstat.txt")"
fi

# Search terms: two rare two-character brands, one common two-character word,
# and a common four-character phrase (the trigram/FTS5 path).
SEARCH_TERMS=(云栖 华瑞 科技 有限公司)
for term in "${SEARCH_TERMS[@]}"; do
  # Exact match count for the substring, as the API defines it (archived = 0).
  put "matches_$term" "$(sqlite3 "$DB" "SELECT count(*) FROM customer WHERE archived = 0 AND instr(search_text, '$term') > 0")"
done

# --- 1b. PostgreSQL cluster and db copy ------------------------------------------
# The copy runs here, before any server has the SQLite file open, so the
# PostgreSQL database holds exactly the loaded data (the POST tests below add
# customers to the SQLite file only). The cluster then idles until the
# PostgreSQL tests after the SQLite ones.
PSQL=("$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1)
pgsql() { "${PSQL[@]}" -d "$PG_URL/$1" -c "$2"; }  # pgsql DBNAME SQL

# pg_start: a durable throw-away cluster in $TMP/pg (scripts/pg-cluster.sh
# --durable); sets PG_PORT and PG_URL (without a database name).
pg_start() {
  # As root the cluster runs as an unprivileged user, who must reach $TMP/pg.
  if [[ $(id -u) -eq 0 ]]; then chmod 711 "$TMP"; fi
  PG_DIR="$TMP/pg"
  local url
  url=$("$ROOT/scripts/pg-cluster.sh" start "$PG_DIR" --durable) || die "the PostgreSQL cluster did not start"
  PG_URL="${url%/postgres}"
  PG_PORT="${PG_URL##*:}"
  pgsql postgres 'SELECT 1' > /dev/null || die "the cluster started but $PG_URL does not answer"
  log "PostgreSQL on $PG_URL (data $PG_DIR/data)"
}

# pg_cpu_s: CPU seconds (user + sys) the cluster has used so far: the postmaster,
# its live children, and (through the postmaster's cutime/cstime) exited ones.
pg_cpu_s() {
  python3 - "$PG_DIR/data/postmaster.pid" <<'PY'
import os, sys
pid = int(open(sys.argv[1]).readline())
def stat(p):
    s = open(f"/proc/{p}/stat").read()
    return s[s.rindex(")") + 2:].split()  # from field 3 (state) on
f = stat(pid)
ticks = sum(int(x) for x in f[11:15])  # utime stime cutime cstime
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            g = stat(p)
            if int(g[1]) == pid:  # a child of the postmaster
                ticks += int(g[11]) + int(g[12])
        except (OSError, ValueError, IndexError):
            pass
print(f"{ticks / os.sysconf('SC_CLK_TCK'):.2f}")
PY
}

if [[ "$PG" == 1 ]]; then
  pg_start
  put v_postgres "$("$PG_BIN/postgres" --version)"
  put v_pgbench "$("$PG_BIN/pgbench" --version)"
  # The figures are for a durable configuration: refuse to go on otherwise.
  for setting in fsync full_page_writes synchronous_commit; do
    [[ "$(pgsql postgres "SHOW $setting")" == on ]] || die "PostgreSQL $setting is not on"
  done
  put pg_settings "$(pgsql postgres "SELECT string_agg(name || ' = ' || current_setting(name), ', ' ORDER BY i)
    FROM unnest(ARRAY['fsync', 'full_page_writes', 'synchronous_commit', 'wal_sync_method',
      'shared_buffers', 'max_connections', 'maintenance_work_mem', 'work_mem',
      'effective_cache_size', 'wal_level', 'max_wal_size', 'checkpoint_timeout']) WITH ORDINALITY AS s(name, i)")"
  pgsql postgres "CREATE DATABASE bench TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
  PG_BENCH_URL="$PG_URL/bench"
  put pg_bench_db "$(pgsql postgres "SELECT 'encoding ' || pg_encoding_to_char(encoding) || ', LC_COLLATE ' || datcollate || ', LC_CTYPE ' || datctype FROM pg_database WHERE datname = 'bench'")"

  wal0=$(pgsql postgres 'SELECT pg_current_wal_lsn()')
  ckpt0=$(pgsql postgres 'SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter')
  log "copying the SQLite database to PostgreSQL (guanxi db copy)..."
  children_cpu
  cpu_before=$CHILD_CPU
  pg_cpu_before=$(pg_cpu_s)
  copy_start=$(now)
  "$GX" db copy --from "$DB" --to "$PG_BENCH_URL" --format json > "$TMP/copy.json" 2> "$TMP/copy.err" &
  CHILD_PID=$!
  rc=0
  wait_watch "$CHILD_PID" || rc=$?
  CHILD_PID=""
  copy_end=$(now)
  children_cpu
  put copy_pg_cpu_s "$(python3 -c "print(round($(pg_cpu_s) - $pg_cpu_before, 1))")"
  put copy_exit "$rc"
  put copy_wall_s "$(python3 -c "print(round($copy_end - $copy_start, 2))")"
  put copy_cpu_s "$(python3 -c "print(round($CHILD_CPU - $cpu_before, 1))")"
  put copy_maxrss_kb "$WATCH_HWM"
  put copy_wal_bytes "$(pgsql postgres "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal0')")"
  put copy_checkpoints "$(pgsql postgres "SELECT checkpoints_timed + checkpoints_req - $ckpt0 FROM pg_stat_bgwriter")"
  # Every table must have landed with the same rows and checksum.
  copy_ok=0
  python3 - "$TMP/copy.json" >> "$RESULTS" <<'PY' && copy_ok=1
import json, sys
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception as e:
    print(f"copy_parse_error\t{e}")
    sys.exit(1)
bad, total = [], 0
for t in d["tables"]:
    print(f"copy_table.{t['table']}\t{t['source_rows']} {t['destination_rows']} {str(t['matches']).lower()}")
    total += t["source_rows"]
    if not t["matches"] or t["source_rows"] != t["destination_rows"]:
        bad.append(t["table"])
print(f"copy_ok\t{str(d['ok']).lower()}")
print(f"copy_seconds\t{d['seconds']:.2f}")
print(f"copy_tables\t{','.join(t['table'] for t in d['tables'])}")
print(f"copy_rows_total\t{total}")
print(f"copy_differing\t{','.join(bad)}")
sys.exit(0 if d["ok"] and d["tables"] and not bad else 1)
PY
  if [[ "$rc" != 0 || "$copy_ok" != 1 ]]; then
    cat "$TMP/copy.err" "$TMP/copy.json" >&2
    die "guanxi db copy failed (exit $rc) or the copy differs from the source"
  fi
  log "copied in $(grep '^copy_wall_s' "$RESULTS" | cut -f2) s"
  # Fresh tables have no statistics and an unset visibility map; autovacuum
  # would do this on its own, during the SQLite tests. Do it now, timed, and
  # checkpoint, so the cluster is idle until the PostgreSQL tests.
  t0=$(now)
  run_child "${PSQL[@]}" -d "$PG_BENCH_URL" -c 'VACUUM (ANALYZE)' || die "VACUUM ANALYZE failed"
  t1=$(now)
  run_child "${PSQL[@]}" -d "$PG_BENCH_URL" -c 'CHECKPOINT' || die "CHECKPOINT failed"
  t2=$(now)
  put pg_vacuum_analyze_s "$(python3 -c "print(round($t1 - $t0, 1))")"
  put pg_checkpoint_s "$(python3 -c "print(round($t2 - $t1, 1))")"
  put pg_db_bytes "$(pgsql bench "SELECT pg_database_size('bench')")"
  put pg_objects "$(pgsql bench "SELECT string_agg(relname || ' ' || round(bytes / 1048576.0) || ' MiB', ', ' ORDER BY bytes DESC)
    FROM (SELECT c.relname, pg_relation_size(c.oid) AS bytes FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r', 'i', 'm')
          ORDER BY 2 DESC LIMIT 8) t")"
  put pg_customers "$(pgsql bench 'SELECT count(*) FROM customer')"
fi

TOKEN="$("$GX" token create --db "$DB" --login admin)"
[[ -n "$TOKEN" ]] || die "token create printed nothing"
AUTH="Authorization: Bearer $TOKEN"

# --- wrk runner ------------------------------------------------------------------
# run_wrk NAME SCRIPT URL [-- script args]
# C, T, D and W in the environment override connections, threads, duration
# and warm-up.
run_wrk() {
  local name="$1" script="$2" url="$3"
  shift 3
  local conns="${C:-$WRK_CONNS}" threads="${T:-$WRK_THREADS}" duration="${D:-$DURATION}"
  local warmup="${W:-$WARMUP}"
  local out="$TMP/wrk-$name.txt"
  local hdr=()
  [[ "$url" == *"/api/"* ]] && hdr=(-H "$AUTH")
  if [[ "$warmup" != 0 ]]; then
    BENCH_LUA_DIR="$BENCH_DIR" wrk -t "$threads" -c "$conns" -d "${warmup}s" --timeout 10s \
      "${hdr[@]}" -s "$BENCH_DIR/$script" "$url" "$@" > "$TMP/wrk-$name-warmup.txt" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || true
    WRK_PID=""
  fi
  log "wrk $name: $url"
  BENCH_LUA_DIR="$BENCH_DIR" wrk -t "$threads" -c "$conns" -d "${duration}s" --timeout 10s --latency \
    "${hdr[@]}" -s "$BENCH_DIR/$script" "$url" "$@" > "$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { cat "$out" >&2; die "wrk $name failed"; }
  WRK_PID=""
  local line
  line=$(grep '^BENCH_RESULT ' "$out") || { cat "$out" >&2; die "wrk $name printed no result"; }
  local kv
  for kv in ${line#BENCH_RESULT }; do put "$name.${kv%%=*}" "${kv#*=}"; done
  log "  $(sed 's/^BENCH_RESULT //' <<<"$line" | cut -d' ' -f3-6)"
}

# --- 2. nginx ceiling ------------------------------------------------------------
NGINX_PORT=$(free_port)
mkdir -p "$TMP/nginx"
sed -e "s|@PREFIX@|$TMP/nginx|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@WORKERS@|$NGINX_WORKERS|g" \
  "$BENCH_DIR/nginx.conf.in" > "$TMP/nginx/nginx.conf"
nginx -t -q -p "$TMP/nginx" -e "$TMP/nginx/nginx-error.log" -c "$TMP/nginx/nginx.conf" \
  || die "nginx -t failed"
nginx -p "$TMP/nginx" -e "$TMP/nginx/nginx-error.log" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' \
  > "$TMP/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
for _ in $(seq 100); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$NGINX_PORT/" || true)" == 200 ]] && break
  sleep 0.05
done
put nginx_workers "$NGINX_WORKERS ($(pgrep -P "$NGINX_PID" | wc -l) worker processes)"
put nginx_body_bytes "$(curl -s "http://127.0.0.1:$NGINX_PORT/" | wc -c)"

# --- 3. guanxi server ------------------------------------------------------------
# start_server LABEL ARGS...: starts guanxi serve with ARGS (--db …), records
# start-up time and RSS under LABEL.
start_server() {
  local sync="$1"
  shift
  SERVER_PORT=$(free_port)
  local threads=()
  [[ -n "$SERVER_THREADS" ]] && threads=(--threads "$SERVER_THREADS")
  local t0 t1 code=""
  t0=$(now)
  "$GX" serve "$@" --host 127.0.0.1 --port "$SERVER_PORT" "${threads[@]}" \
    > "$TMP/serve-$sync.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 2000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$SERVER_PORT/healthz" || true)
    [[ "$code" == 200 ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/serve-$sync.log" >&2; die "guanxi serve exited"; }
    sleep 0.005
  done
  t1=$(now)
  [[ "$code" == 200 ]] || die "guanxi serve never answered /healthz"
  put "startup_$sync.ms" "$(python3 -c "print(round(($t1 - $t0) * 1000))")"
  put "startup_$sync.server_line" "$(grep -m1 'listening on' "$TMP/serve-$sync.log" || true)"
  put "rss_$sync.start_kb" "$(rss_kb "$SERVER_PID")"
  BASE="http://127.0.0.1:$SERVER_PORT"
  log "guanxi serve $* on $BASE (pid $SERVER_PID)"
}

stop_server() {
  local t0 t1
  t0=$(now)
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  t1=$(now)
  put "shutdown_$1.ms" "$(python3 -c "print(round(($t1 - $t0) * 1000))")"
  SERVER_PID=""
}

start_server full --db "$DB" --sync full
put server_threads "${SERVER_THREADS:-default = max(4, 2 × nproc) = $(( $(nproc) * 2 > 4 ? $(nproc) * 2 : 4 ))}"
curl -sf -H "$AUTH" "$BASE/api/v1/customers/1" > "$TMP/customer-1.json" || die "GET /api/v1/customers/1 failed"
put customer_1_bytes "$(wc -c < "$TMP/customer-1.json")"

# --- 4. tests --------------------------------------------------------------------
# (a) ceiling
run_wrk nginx plain.lua "http://127.0.0.1:$NGINX_PORT/customer"
# (b) GET by id
run_wrk get_by_id get_by_id.lua "$BASE/api/v1/customers/1" -- "$N"
put rss_full.after_get_kb "$(rss_kb "$SERVER_PID")"
# (d) search, first page of 50
for term in "${SEARCH_TERMS[@]}"; do
  run_wrk "search_$term" plain.lua "$BASE/api/v1/customers?q=$(urlencode "$term")&limit=50"
done
put rss_full.after_search_kb "$(rss_kb "$SERVER_PID")"
# Service time without queueing: one connection, one thread, 5 s, for the
# latency targets (at 64 connections on 2 cores p99 is mostly waiting in line).
C=1 T=1 D=5 run_wrk c1_get_by_id get_by_id.lua "$BASE/api/v1/customers/1" -- "$N"
for term in "${SEARCH_TERMS[@]}"; do
  C=1 T=1 D=5 run_wrk "c1_search_$term" plain.lua "$BASE/api/v1/customers?q=$(urlencode "$term")&limit=50"
done

# (e) keyset listing: walk to page DEEP (1000, or the last full page when fewer
# than 50,000 customers are loaded) first, then compare page 1 and page DEEP.
DEEP=$(( N / 50 - 1 < 1000 ? N / 50 - 1 : 1000 ))
(( DEEP >= 2 )) || die "need at least 150 customers for the keyset test"
put page_deep "$DEEP"
# Alternate the two in rounds (1, deep, 1, deep, ...) so that a burst of
# noise from other processes hits both sides instead of one.
ROUNDS=3
ROUND_D=$(( DURATION / ROUNDS > 1 ? DURATION / ROUNDS : 1 ))
put page_rounds "$ROUNDS"
put page_round_s "$ROUND_D"
# keyset_tests PREFIX: walks to the page-DEEP cursor on $BASE (cursors belong to
# one backend), then measures page 1 vs page DEEP; results under PREFIX.
keyset_tests() {
  local prefix="$1" i w
  log "walking $((DEEP - 1)) pages of 50 to find the page-$DEEP cursor..."
  python3 - "$BASE" "$TOKEN" "$TMP/${prefix}cursor.txt" "$DEEP" "$prefix" > "$TMP/${prefix}walk.txt" <<'PY'
import json, sys, time, urllib.parse, urllib.request
base, token, out, deep, prefix = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
after, times = None, []
for page in range(1, deep):
    url = base + "/api/v1/customers?limit=50"
    if after:
        url += "&after=" + urllib.parse.quote(after, safe="")
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as r:
        body = json.load(r)
    times.append((time.perf_counter() - t) * 1000)
    after = body["next"]
    if not after:
        sys.exit(f"the listing ended at page {page}")
open(out, "w").write(after)
k = min(50, len(times) // 2)
first, last = sorted(times[:k]), sorted(times[-k:])
print(f"{prefix}walk_total_s\t{sum(times) / 1000:.2f}")
print(f"{prefix}walk_window\t{k}")
print(f"{prefix}walk_first_median_ms\t{first[k // 2]:.2f}")
print(f"{prefix}walk_last_median_ms\t{last[k // 2]:.2f}")
PY
  cat "$TMP/${prefix}walk.txt" >> "$RESULTS"
  local cursor
  cursor="$(cat "$TMP/${prefix}cursor.txt")"
  put "${prefix}cursor_page_deep" "$cursor"
  local page_1_url="$BASE/api/v1/customers?limit=50"
  local page_deep_url
  page_deep_url="$BASE/api/v1/customers?limit=50&after=$(urlencode "$cursor")"
  for i in $(seq "$ROUNDS"); do
    w=0; [[ "$i" == 1 ]] && w="$WARMUP"
    W="$w" D="$ROUND_D" run_wrk "${prefix}page_1_r$i" plain.lua "$page_1_url"
    W="$w" D="$ROUND_D" run_wrk "${prefix}page_deep_r$i" plain.lua "$page_deep_url"
  done
  C=1 T=1 D=5 run_wrk "${prefix}c1_page_1" plain.lua "$page_1_url"
  C=1 T=1 D=5 run_wrk "${prefix}c1_page_deep" plain.lua "$page_deep_url"
}
keyset_tests ""

# (c) durable creates last, so the read tests above see exactly the loaded data.
run_wrk post_full post_create.lua "$BASE/api/v1/customers"
put rss_full.end_kb "$(rss_kb "$SERVER_PID")"
put rss_full.hwm_kb "$(hwm_kb "$SERVER_PID")"
stop_server full

if [[ "$POST_NORMAL" == 1 ]]; then
  start_server normal --db "$DB" --sync normal
  run_wrk post_normal post_create.lua "$BASE/api/v1/customers"
  stop_server normal
fi
put db_customers_end "$(sqlite3 "$DB" 'SELECT count(*) FROM customer')"

# --- 5. PostgreSQL ---------------------------------------------------------------
# run_pgbench NAME CLIENTS THREADS SECONDS: pgbench -S (the built-in select-only
# script: one primary-key SELECT per transaction) on the pgbench database, after
# an unreported warm-up of WARMUP seconds.
run_pgbench() {
  local name="$1" clients="$2" threads="$3" secs="$4"
  local out="$TMP/$name.txt"
  local args=(-h 127.0.0.1 -p "$PG_PORT" -U guanxi -S -M prepared -c "$clients" -j "$threads" -n)
  if [[ "$WARMUP" != 0 ]]; then
    run_child timeout -k 10 $((WARMUP + 120)) "$PG_BIN/pgbench" "${args[@]}" -T "$WARMUP" pgbench \
      > "$TMP/$name-warmup.txt" 2>&1 || true
  fi
  log "pgbench $name: -S -M prepared -c $clients -j $threads -T $secs"
  run_child timeout -k 10 $((secs + 120)) "$PG_BIN/pgbench" "${args[@]}" -T "$secs" pgbench \
    > "$out" 2>&1 || { cat "$out" >&2; die "pgbench $name failed"; }
  python3 - "$out" "$name" >> "$RESULTS" <<'PY'
import re, sys
text, name = open(sys.argv[1]).read(), sys.argv[2]
def grab(pattern):
    m = re.search(pattern, text, re.M)
    if not m:
        sys.exit(f"pgbench output has no match for {pattern!r}:\n{text}")
    return m.group(1)
fields = [
    ("tps", r"^tps = ([0-9.]+) \(without initial connection time\)"),
    ("latency_avg_ms", r"^latency average = ([0-9.]+) ms"),
    ("transactions", r"^number of transactions actually processed: (\d+)"),
    ("connect_ms", r"^initial connection time = ([0-9.]+) ms"),
    ("clients", r"^number of clients: (\d+)"),
    ("threads", r"^number of threads: (\d+)"),
    ("duration_s", r"^duration: (\d+) s"),
]
for key, pattern in fields:
    print(f"{name}.{key}\t{grab(pattern)}")
m = re.search(r"^number of failed transactions: (\d+)", text, re.M)
print(f"{name}.failed\t{m.group(1) if m else 0}")
PY
  log "  $(grep -E '^(tps|latency average)' "$out" | tr '\n' ' ')"
}

if [[ "$PG" == 1 ]]; then
  # (f) the database's own ceiling: pgbench -S on a separate database.
  log "pgbench -i -s $PGBENCH_SCALE..."
  pgsql postgres "CREATE DATABASE pgbench TEMPLATE template0"
  put pgbench_scale "$PGBENCH_SCALE"
  t0=$(now)
  run_child timeout -k 10 1800 "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U guanxi \
    -i -s "$PGBENCH_SCALE" -q pgbench > "$TMP/pgbench-init.txt" 2>&1 ||
    { cat "$TMP/pgbench-init.txt" >&2; die "pgbench -i failed"; }
  t1=$(now)
  put pgbench_init_s "$(python3 -c "print(round($t1 - $t0, 1))")"
  put pgbench_init_line "$(grep '^done in' "$TMP/pgbench-init.txt" || true)"
  put pgbench_accounts "$(pgsql pgbench 'SELECT count(*) FROM pgbench_accounts')"
  run_pgbench pgbench_s "$WRK_CONNS" "$WRK_THREADS" "$DURATION"
  run_pgbench c1_pgbench_s 1 1 5

  # (g) the same wrk tests against guanxi serve on PostgreSQL.
  TOKEN="$("$GX" token create --db "$PG_BENCH_URL" --login admin)"
  [[ -n "$TOKEN" ]] || die "token create (PostgreSQL) printed nothing"
  AUTH="Authorization: Bearer $TOKEN"
  start_server pg --db "$PG_BENCH_URL" --pool "$PG_POOL"
  put pg_pool "$PG_POOL"
  curl -sf -H "$AUTH" "$BASE/api/v1/customers/1" > "$TMP/pg-customer-1.json" ||
    die "GET /api/v1/customers/1 on PostgreSQL failed"
  put pg_customer_1_bytes "$(wc -c < "$TMP/pg-customer-1.json")"
  put pg_customer_1_same "$(cmp -s "$TMP/customer-1.json" "$TMP/pg-customer-1.json" && echo yes || echo no)"
  run_wrk pg_get_by_id get_by_id.lua "$BASE/api/v1/customers/1" -- "$N"
  put rss_pg.after_get_kb "$(rss_kb "$SERVER_PID")"
  for term in "${SEARCH_TERMS[@]}"; do
    run_wrk "pg_search_$term" plain.lua "$BASE/api/v1/customers?q=$(urlencode "$term")&limit=50"
  done
  put rss_pg.after_search_kb "$(rss_kb "$SERVER_PID")"
  C=1 T=1 D=5 run_wrk pg_c1_get_by_id get_by_id.lua "$BASE/api/v1/customers/1" -- "$N"
  for term in "${SEARCH_TERMS[@]}"; do
    C=1 T=1 D=5 run_wrk "pg_c1_search_$term" plain.lua "$BASE/api/v1/customers?q=$(urlencode "$term")&limit=50"
  done
  keyset_tests pg_
  run_wrk pg_post post_create.lua "$BASE/api/v1/customers"
  put rss_pg.end_kb "$(rss_kb "$SERVER_PID")"
  put rss_pg.hwm_kb "$(hwm_kb "$SERVER_PID")"
  stop_server pg
  put pg_customers_end "$(pgsql bench 'SELECT count(*) FROM customer')"
  put pg_log_problems "$(grep -cE ' (ERROR|FATAL|PANIC): ' "$PG_DIR/log" || true)"
  pg_stop
fi
put loadavg_end "$(loadavg)"

# --- 6. report -------------------------------------------------------------------
REPORT_ARGS=("$RESULTS")
[[ "$WRITE_DOC" == 1 ]] && REPORT_ARGS+=(--write-doc "$ROOT/docs/benchmarks.md")
python3 "$BENCH_DIR/report.py" "${REPORT_ARGS[@]}"
