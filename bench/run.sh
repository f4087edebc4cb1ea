#!/usr/bin/env bash
# Guanxi benchmark: loads N demo customers, then measures the server with wrk
# against an nginx "ceiling" on the same machine. Everything listens on
# 127.0.0.1 and every wrk run is bounded by -d.
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
#   GUANXI               server binary (default build/release/guanxi)
#
# Needs: build/release/guanxi (this script builds nothing), wrk, nginx
# (nginx-light is enough), curl, python3, sqlite3.
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
WRITE_DOC=0
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --write-doc) WRITE_DOC=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

TMP="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/guanxi-bench.XXXXXX")"
DB="$TMP/bench.db"
RESULTS="$TMP/results.txt"   # lines: key<TAB>value
: > "$RESULTS"

# --- process bookkeeping: every process we start is killed on exit ----------
NGINX_PID=""
SERVER_PID=""
WRK_PID=""
LOAD_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "$WRK_PID" ]] && kill "$WRK_PID" 2>/dev/null || true
  [[ -n "$LOAD_PID" ]] && kill -TERM "$LOAD_PID" 2>/dev/null || true
  [[ -n "$SERVER_PID" ]] && kill -TERM "$SERVER_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2>/dev/null || true
  for pid in $WRK_PID $LOAD_PID $SERVER_PID $NGINX_PID; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ "$KEEP" == 1 ]]; then
    log "kept $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
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
# start_server SYNC: starts guanxi serve, records start-up time and RSS.
start_server() {
  local sync="$1"
  SERVER_PORT=$(free_port)
  local threads=()
  [[ -n "$SERVER_THREADS" ]] && threads=(--threads "$SERVER_THREADS")
  local t0 t1 code=""
  t0=$(now)
  "$GX" serve --db "$DB" --host 127.0.0.1 --port "$SERVER_PORT" --sync "$sync" "${threads[@]}" \
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
  log "guanxi serve --sync $sync on $BASE (pid $SERVER_PID)"
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

start_server full
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
log "walking $((DEEP - 1)) pages of 50 to find the page-$DEEP cursor..."
python3 - "$BASE" "$TOKEN" "$TMP/cursor.txt" "$DEEP" > "$TMP/walk.txt" <<'PY'
import json, sys, time, urllib.parse, urllib.request
base, token, out, deep = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
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
print(f"walk_total_s\t{sum(times) / 1000:.2f}")
print(f"walk_window\t{k}")
print(f"walk_first_median_ms\t{first[k // 2]:.2f}")
print(f"walk_last_median_ms\t{last[k // 2]:.2f}")
PY
cat "$TMP/walk.txt" >> "$RESULTS"
CURSOR="$(cat "$TMP/cursor.txt")"
put cursor_page_deep "$CURSOR"
PAGE_1_URL="$BASE/api/v1/customers?limit=50"
PAGE_DEEP_URL="$BASE/api/v1/customers?limit=50&after=$(urlencode "$CURSOR")"
# Alternate the two in rounds (1, deep, 1, deep, ...) so that a burst of
# noise from other processes hits both sides instead of one.
ROUNDS=3
ROUND_D=$(( DURATION / ROUNDS > 1 ? DURATION / ROUNDS : 1 ))
put page_rounds "$ROUNDS"
put page_round_s "$ROUND_D"
for i in $(seq "$ROUNDS"); do
  w=0; [[ "$i" == 1 ]] && w="$WARMUP"
  W="$w" D="$ROUND_D" run_wrk "page_1_r$i" plain.lua "$PAGE_1_URL"
  W="$w" D="$ROUND_D" run_wrk "page_deep_r$i" plain.lua "$PAGE_DEEP_URL"
done
C=1 T=1 D=5 run_wrk c1_page_1 plain.lua "$PAGE_1_URL"
C=1 T=1 D=5 run_wrk c1_page_deep plain.lua "$PAGE_DEEP_URL"

# (c) durable creates last, so the read tests above see exactly the loaded data.
run_wrk post_full post_create.lua "$BASE/api/v1/customers"
put rss_full.end_kb "$(rss_kb "$SERVER_PID")"
put rss_full.hwm_kb "$(hwm_kb "$SERVER_PID")"
stop_server full

if [[ "$POST_NORMAL" == 1 ]]; then
  start_server normal
  run_wrk post_normal post_create.lua "$BASE/api/v1/customers"
  stop_server normal
fi
put db_customers_end "$(sqlite3 "$DB" 'SELECT count(*) FROM customer')"
put loadavg_end "$(loadavg)"

# --- 5. report -------------------------------------------------------------------
REPORT_ARGS=("$RESULTS")
[[ "$WRITE_DOC" == 1 ]] && REPORT_ARGS+=(--write-doc "$ROOT/docs/benchmarks.md")
python3 "$BENCH_DIR/report.py" "${REPORT_ARGS[@]}"
