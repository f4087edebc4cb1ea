#!/usr/bin/env bash
# Guanxi sales benchmark (issue 4, "Speed"): loads demo customers and
# opportunities with `guanxi demo` and writes the demo orders to a CSV file in
# the `guanxi orders import` format; then, in one run and on the same file:
#   - sqlite3's own `.import` into a bare table, then `guanxi orders import`
#     into the loaded SQLite database;
#   - psql's `\copy` (COPY FROM STDIN) into a bare table, then `guanxi orders
#     import` into a PostgreSQL database loaded with the same demo data
#     (a throw-away cluster made by scripts/pg-cluster.sh --durable);
#   - GET /api/v1/pipeline/forecast for the whole company and for one rep (a
#     random rep per request) with wrk, on SQLite and on PostgreSQL.
# Everything listens on 127.0.0.1; every process started here is stopped on exit.
#
# usage: bench/sales.sh [--write-doc] [--keep]
#   --write-doc  write the "Sales" section of docs/benchmarks.md (between the
#                SALES markers; the rest of the file is left as it is)
#   --keep       keep the temp dir
#
# environment:
#   BENCH_SALES_CUSTOMERS      customers (default 1000000)
#   BENCH_SALES_ORDERS         orders (default 10000000); BENCH_SALES_ORDERS=100000
#                              with BENCH_SALES_CUSTOMERS=10000 is a quick smoke run
#   BENCH_SALES_OPPORTUNITIES  opportunities (default 200000, or customers / 5 if fewer)
#   BENCH_SALES_REPS           sales reps besides the 4 fixed demo owners (default 96)
#   BENCH_DURATION             seconds per wrk test (default 15)
#   BENCH_WARMUP               seconds of unreported warm-up per wrk test (default 2)
#   BENCH_CONNECTIONS          wrk connections of the loaded tests (default 8)
#   BENCH_PG                   also run the PostgreSQL part (default 1)
#   BENCH_PG_POOL              guanxi serve --pool on PostgreSQL (default 8)
#   BENCH_STEP_TIMEOUT         seconds any one load/import step may take (default 1200)
#   BENCH_TMPDIR               parent of the temp dir (default $TMPDIR or /tmp)
#   GUANXI_PG_BIN              PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
#   GUANXI                     binary (default build/release/guanxi)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
GX="${GUANXI:-$ROOT/build/release/guanxi}"
CUSTOMERS="${BENCH_SALES_CUSTOMERS:-1000000}"
ORDERS="${BENCH_SALES_ORDERS:-10000000}"
OPPS_DEFAULT=$(( CUSTOMERS / 5 < 200000 ? CUSTOMERS / 5 : 200000 ))
OPPS="${BENCH_SALES_OPPORTUNITIES:-$OPPS_DEFAULT}"
REPS="${BENCH_SALES_REPS:-96}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-2}"
CONNS="${BENCH_CONNECTIONS:-8}"
PG="${BENCH_PG:-1}"
PG_POOL="${BENCH_PG_POOL:-8}"
STEP_TIMEOUT="${BENCH_STEP_TIMEOUT:-1200}"
PG_BIN="${GUANXI_PG_BIN:-/usr/lib/postgresql/15/bin}"
WRITE_DOC=0
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --write-doc) WRITE_DOC=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,33p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sales.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
COMMAND="BENCH_SALES_CUSTOMERS=$CUSTOMERS BENCH_SALES_ORDERS=$ORDERS BENCH_SALES_OPPORTUNITIES=$OPPS BENCH_SALES_REPS=$REPS bench/sales.sh $*"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -x "$GX" ]] || die "$GX not found; build it first"
for tool in wrk curl python3 sqlite3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
for v in CUSTOMERS ORDERS OPPS REPS DURATION CONNS PG_POOL STEP_TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer"
done
(( CUSTOMERS >= 1 )) || die "BENCH_SALES_CUSTOMERS must be at least 1"
if [[ "$PG" == 1 ]]; then
  for tool in initdb pg_ctl postgres psql; do
    [[ -x "$PG_BIN/$tool" ]] || die "$PG_BIN/$tool not found: install postgresql-15 (or set BENCH_PG=0)"
  done
fi

TMP="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/guanxi-sales.XXXXXX")"
DB="$TMP/sales.db"
CSV="$TMP/orders.csv"
RESULTS="$TMP/results.txt"  # key<TAB>value
: > "$RESULTS"

SERVER_PID=""
WRK_PID=""
CHILD_PID=""
PG_DIR=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in $WRK_PID $CHILD_PID $SERVER_PID; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $WRK_PID $CHILD_PID $SERVER_PID; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n "$PG_DIR" ]]; then
    log "stopping the PostgreSQL cluster"
    "$ROOT/scripts/pg-cluster.sh" stop "$PG_DIR" > /dev/null 2>&1 || true
  fi
  if [[ "$KEEP" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cp "$GX" "$TMP/guanxi"  # a rebuild during the run cannot swap the binary under test
GX_SRC="$GX"
GX="$TMP/guanxi"
"$GX" version > /dev/null || die "$GX_SRC does not run"

put() { printf '%s\t%s\n' "$1" "$2" >> "$RESULTS"; }
now() { date +%s.%N; }
since() { python3 -c "print(round($(now) - $1, 2))"; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# User+sys seconds of all waited-for children of this shell, into CHILD_CPU.
children_cpu() {
  times > "$TMP/times.txt"
  CHILD_CPU=$(python3 -c 'import re, sys; print(sum(int(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", sys.argv[1])))' "$(tail -n 1 "$TMP/times.txt")")
}
# timed NAME CMD...: runs CMD (bounded by STEP_TIMEOUT) as CHILD_PID, records
# NAME.wall_s, NAME.cpu_s (user + sys of CMD) and NAME.exit; returns its status.
timed() {
  local name="$1" t0 cpu0 rc=0
  shift
  children_cpu
  cpu0=$CHILD_CPU
  t0=$(now)
  timeout "$STEP_TIMEOUT" "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  put "$name.wall_s" "$(since "$t0")"
  children_cpu
  put "$name.cpu_s" "$(python3 -c "print(round($CHILD_CPU - $cpu0, 1))")"
  put "$name.exit" "$rc"
  return "$rc"
}
get() { awk -F'\t' -v k="$1" '$1 == k {v = $2} END {print v}' "$RESULTS"; }

# --- machine and versions -------------------------------------------------------
put date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
put command "$COMMAND"
put customers "$CUSTOMERS"
put orders "$ORDERS"
put opportunities "$OPPS"
put reps "$REPS"
put duration "$DURATION"
put warmup "$WARMUP"
put connections "$CONNS"
put nproc "$(nproc)"
put cpu_model "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
put mem_total "$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
put kernel "$(uname -r)"
put loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"
put v_guanxi "$("$GX" version)"
put v_sqlite3 "sqlite3 CLI $(sqlite3 --version | cut -d' ' -f1-2)"
put v_wrk "$(wrk -v 2>&1 | head -n 1 || true)"
put git_commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo ' (dirty tree)')"
put binary_mtime "$(date -u -r "$GX_SRC" +%Y-%m-%dT%H:%M:%SZ)"
log "temp dir $TMP"

# --- 1. demo data: customers and opportunities in SQLite, orders to the CSV ---------
log "guanxi demo: $CUSTOMERS customers, $OPPS opportunities, $REPS extra reps; $ORDERS orders to $CSV"
timed load "$GX" demo --db "$DB" --customers "$CUSTOMERS" --opportunities "$OPPS" --reps "$REPS" \
  --orders "$ORDERS" --orders-csv "$CSV" --sync normal > "$TMP/load.out" 2> "$TMP/load.err" \
  || { cat "$TMP/load.err" >&2; die "guanxi demo failed"; }
put load_lines "$(grep '^demo:' "$TMP/load.err" | tr '\n' ' ')"
put csv_rows "$(( $(wc -l < "$CSV") - 1 ))"
put csv_orders "$(tail -n +2 "$CSV" | cut -d, -f2 | uniq | wc -l)"
put csv_bytes "$(stat -c %s "$CSV")"
log "loaded in $(get load.wall_s) s; CSV $(get csv_rows) rows, $(get csv_orders) orders, $(( $(get csv_bytes) / 1048576 )) MiB"
put db_opportunities "$(sqlite3 "$DB" 'SELECT count(*) FROM opportunity')"
put db_opportunities_open "$(sqlite3 "$DB" "SELECT count(*) FROM opportunity WHERE status = 'open'")"
put db_events "$(sqlite3 "$DB" 'SELECT count(*) FROM opportunity_event')"
put db_owners "$(sqlite3 "$DB" "SELECT count(DISTINCT owner_user_id) FROM opportunity")"

# The logins of every owner (the fixed demo owners and rep.0001 ...) for the per-rep test.
mapfile -t REP_LOGINS < <(sqlite3 "$DB" "SELECT DISTINCT u.login FROM opportunity o JOIN app_user u ON u.id = o.owner_user_id ORDER BY 1")
(( ${#REP_LOGINS[@]} > 0 )) || die "no opportunity owners in the database"
QUARTER=$(TZ=Asia/Shanghai date +%Y)Q$(( ($(TZ=Asia/Shanghai date +%-m) - 1) / 3 + 1 ))
put quarter "$QUARTER"

# --- 2. PostgreSQL: the same demo data (deterministic generator, same seed) -----------
PSQL=("$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1)
if [[ "$PG" == 1 ]]; then
  if [[ $(id -u) -eq 0 ]]; then chmod 711 "$TMP"; fi
  PG_DIR="$TMP/pg"
  url=$("$ROOT/scripts/pg-cluster.sh" start "$PG_DIR" --durable) || die "the PostgreSQL cluster did not start"
  PG_URL="${url%/postgres}"
  put v_postgres "$("$PG_BIN/postgres" --version)"
  "${PSQL[@]}" -d "$PG_URL/postgres" -c "CREATE DATABASE sales TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
  "${PSQL[@]}" -d "$PG_URL/postgres" -c "CREATE DATABASE bare TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
  log "guanxi demo into PostgreSQL (no orders)"
  timed pg_load "$GX" demo --db "$PG_URL/sales" --customers "$CUSTOMERS" --opportunities "$OPPS" \
    --reps "$REPS" --orders 0 > "$TMP/pg-load.out" 2> "$TMP/pg-load.err" \
    || { cat "$TMP/pg-load.err" >&2; die "guanxi demo on PostgreSQL failed"; }
  "${PSQL[@]}" -d "$PG_URL/sales" -c "VACUUM (ANALYZE)"
  log "loaded PostgreSQL in $(get pg_load.wall_s) s"
fi

# --- 3. import: the peers first, then guanxi, on the same (page-cached) file ------------
cat "$CSV" > /dev/null
BARE_COLUMNS="customer_external_id TEXT, order_id TEXT, ordered_at TEXT, amount TEXT, product_code TEXT, quantity TEXT, unit_price TEXT, channel TEXT, status TEXT"
log "sqlite3 .import into a bare table"
timed sqlite_import sqlite3 "$TMP/bare.db" "CREATE TABLE orders_csv($BARE_COLUMNS)" ".mode csv" \
  ".import --skip 1 $CSV orders_csv" || die "sqlite3 .import failed"
put sqlite_import.rows "$(sqlite3 "$TMP/bare.db" 'SELECT count(*) FROM orders_csv')"
log "  $(get sqlite_import.wall_s) s"
rm -f "$TMP/bare.db"

log "guanxi orders import (SQLite)"
timed gx_import "$GX" orders import --db "$DB" --file "$CSV" --format json > "$TMP/import.json" 2> "$TMP/import.err" || true
put gx_import.outcome "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("inserted"), d.get("already_present"), len(d.get("rejected") or []))' "$TMP/import.json" 2>/dev/null || head -c 300 "$TMP/import.err" | tr '\n' ' ')"
put db_orders "$(sqlite3 "$DB" 'SELECT count(*) FROM sales_order' 2>/dev/null || echo 0)"
log "  $(get gx_import.wall_s) s: inserted/already/rejected $(get gx_import.outcome)"

if [[ "$PG" == 1 ]]; then
  log "psql \\copy into a bare table"
  "${PSQL[@]}" -d "$PG_URL/bare" -c "CREATE TABLE orders_csv($BARE_COLUMNS)"
  timed pg_copy "${PSQL[@]}" -d "$PG_URL/bare" -c "\\copy orders_csv FROM '$CSV' WITH (FORMAT csv, HEADER true)" \
    || die "psql \\copy failed"
  put pg_copy.rows "$("${PSQL[@]}" -d "$PG_URL/bare" -c 'SELECT count(*) FROM orders_csv')"
  "${PSQL[@]}" -d "$PG_URL/postgres" -c "DROP DATABASE bare"
  log "  $(get pg_copy.wall_s) s"
  log "guanxi orders import (PostgreSQL)"
  timed pg_gx_import "$GX" orders import --db "$PG_URL/sales" --file "$CSV" --format json \
    > "$TMP/pg-import.json" 2> "$TMP/pg-import.err" || true
  put pg_gx_import.outcome "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("inserted"), d.get("already_present"), len(d.get("rejected") or []))' "$TMP/pg-import.json" 2>/dev/null || head -c 300 "$TMP/pg-import.err" | tr '\n' ' ')"
  put pg_db_orders "$("${PSQL[@]}" -d "$PG_URL/sales" -c 'SELECT count(*) FROM sales_order' 2>/dev/null || echo 0)"
  "${PSQL[@]}" -d "$PG_URL/sales" -c "VACUUM (ANALYZE)" || true
  log "  $(get pg_gx_import.wall_s) s: inserted/already/rejected $(get pg_gx_import.outcome)"
fi

# --- 4. forecast through the API ---------------------------------------------------------
run_wrk() {  # run_wrk NAME THREADS CONNS URL [-- script args]
  local name="$1" threads="$2" conns="$3" url="$4"
  shift 4
  local out="$TMP/wrk-$name.txt"
  if [[ "$WARMUP" != 0 ]]; then
    BENCH_LUA_DIR="$BENCH_DIR" wrk -t "$threads" -c "$conns" -d "${WARMUP}s" --timeout 10s -H "$AUTH" \
      -s "$BENCH_DIR/forecast.lua" "$url" "$@" > "$TMP/wrk-$name-warmup.txt" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || true
    WRK_PID=""
  fi
  BENCH_LUA_DIR="$BENCH_DIR" wrk -t "$threads" -c "$conns" -d "${DURATION}s" --timeout 10s --latency -H "$AUTH" \
    -s "$BENCH_DIR/forecast.lua" "$url" "$@" > "$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { cat "$out" >&2; die "wrk $name failed"; }
  WRK_PID=""
  local line kv
  line=$(grep '^BENCH_RESULT ' "$out") || { cat "$out" >&2; die "wrk $name printed no result"; }
  for kv in ${line#BENCH_RESULT }; do put "$name.${kv%%=*}" "${kv#*=}"; done
  log "  $name: $(sed 's/^BENCH_RESULT //' <<<"$line" | cut -d' ' -f3-6)"
}

# forecast_tests PREFIX DB-ARGS...: serves the database and runs the four tests.
forecast_tests() {
  local prefix="$1"
  shift
  local port token code
  port=$(free_port)
  token="$("$GX" token create --db "$1" --login admin)" || die "token create failed"
  AUTH="Authorization: Bearer $token"
  "$GX" serve --db "$1" "${@:2}" --host 127.0.0.1 --port "$port" > "$TMP/serve-$prefix.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 2000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/healthz" || true)
    [[ "$code" == 200 ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/serve-$prefix.log" >&2; die "guanxi serve exited"; }
    sleep 0.01
  done
  [[ "$code" == 200 ]] || die "guanxi serve never answered /healthz"
  local base="http://127.0.0.1:$port/api/v1/pipeline/forecast?quarter=$QUARTER"
  local t0
  t0=$(now)
  code=$(curl -s -o "$TMP/$prefix-company.json" -w '%{http_code}' -H "$AUTH" "$base")
  put "$prefix.first_company_ms" "$(python3 -c "print(round(($(now) - $t0) * 1000, 1))")"
  [[ "$code" == 200 ]] || { cat "$TMP/$prefix-company.json" >&2; die "forecast answered $code"; }
  put "$prefix.company_body" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({k: d.get(k) for k in ("closed","open_weighted","out_of_funnel","forecast","target","coverage","progress")}))' "$TMP/$prefix-company.json")"
  code=$(curl -s -o "$TMP/$prefix-rep.json" -w '%{http_code}' -H "$AUTH" "$base&owner=${REP_LOGINS[0]}")
  [[ "$code" == 200 ]] || { cat "$TMP/$prefix-rep.json" >&2; die "forecast for ${REP_LOGINS[0]} answered $code"; }
  put "$prefix.rep_body" "${REP_LOGINS[0]}: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({k: d.get(k) for k in ("closed","open_weighted","forecast","target","coverage","progress")}))' "$TMP/$prefix-rep.json")"
  run_wrk "${prefix}_company_c1" 1 1 "http://127.0.0.1:$port/" -- "$QUARTER"
  run_wrk "${prefix}_company" 2 "$CONNS" "http://127.0.0.1:$port/" -- "$QUARTER"
  run_wrk "${prefix}_rep_c1" 1 1 "http://127.0.0.1:$port/" -- "$QUARTER" "${REP_LOGINS[@]}"
  run_wrk "${prefix}_rep" 2 "$CONNS" "http://127.0.0.1:$port/" -- "$QUARTER" "${REP_LOGINS[@]}"
  put "$prefix.rss_kb" "$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")"
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
}

log "forecast through the API on SQLite ($QUARTER, ${#REP_LOGINS[@]} owners)"
forecast_tests sqlite "$DB"
if [[ "$PG" == 1 ]]; then
  log "forecast through the API on PostgreSQL"
  forecast_tests pg "$PG_URL/sales" --pool "$PG_POOL"
fi

put loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
log "results: $RESULTS"
if [[ "$WRITE_DOC" == 1 ]]; then
  python3 "$BENCH_DIR/sales_report.py" "$RESULTS" --write-doc "$ROOT/docs/benchmarks.md"
else
  python3 "$BENCH_DIR/sales_report.py" "$RESULTS"
fi
