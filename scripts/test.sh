#!/usr/bin/env bash
# One command from a fresh Debian 12 checkout to every suite passing: installs
# what is missing, builds release + ASan/UBSan + the web UI, starts a throw-away
# PostgreSQL 15 cluster (scripts/pg-cluster.sh), then runs
#   unit tests (release), unit tests (ASan+UBSan), API tests against a real
#   server on 127.0.0.1, end-to-end tests in Debian chromium,
#   and the API and end-to-end tests again with the server on PostgreSQL.
# GUANXI_TEST_PG (the cluster's URL) is exported for the unit tests, whose
# PostgreSQL tests skip without it; the node suites run once without it (SQLite)
# and once with it (tests/lib/server.mjs makes a database per test environment).
# Ends with one line "N passed, N failed" over all suites; exits non-zero if any
# test failed or a suite could not run.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

scripts/install-deps.sh --test || exit 1
scripts/build.sh release asan web tests-node || exit 1

logs=$(mktemp -d)
pgdir=$(mktemp -d)
cleanup() {
  scripts/pg-cluster.sh stop "$pgdir" || true
  rm -rf "$logs" "$pgdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
total_pass=0
total_fail=0
broken=()

if GUANXI_TEST_PG=$(scripts/pg-cluster.sh start "$pgdir"); then
  export GUANXI_TEST_PG
else
  unset GUANXI_TEST_PG
  echo "the PostgreSQL test cluster did not start" >&2
  broken+=("postgresql cluster")
fi

count_ctest() {  # name builddir
  local name=$1 dir=$2 log="$logs/$1.log"
  echo "== $name"
  ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" --timeout 300 2>&1 | tee "$log" | tail -n 30
  local line
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
  if [[ -z "$line" ]]; then broken+=("$name"); return; fi
  local failed all
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  all=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
  total_pass=$((total_pass + all - failed))
  total_fail=$((total_fail + failed))
}

count_node() {  # name pg-url dir...  (pg-url empty: the suites run on SQLite)
  local name=$1 pg=$2; shift 2
  local log="$logs/$name.log"
  echo "== $name"
  local with_db=(env -u GUANXI_TEST_PG)
  if [[ -n "$pg" ]]; then with_db=(env "GUANXI_TEST_PG=$pg"); fi
  (cd tests && "${with_db[@]}" node --test --test-concurrency=1 --test-reporter=spec "$@") >"$log" 2>&1
  tail -n 60 "$log"
  local pass fail
  pass=$(grep -E '^ℹ pass [0-9]+' "$log" | tail -n 1 | awk '{print $3}')
  fail=$(grep -E '^ℹ fail [0-9]+' "$log" | tail -n 1 | awk '{print $3}')
  if [[ -z "$pass" || -z "$fail" ]]; then broken+=("$name"); return; fi
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
}

# Does this guanxi keep its data in PostgreSQL when given a URL? (One that does
# not would take the URL for a file name, and the suites would prove nothing.)
pg_supported() {
  local probe="gx_probe_$$" psql="${GUANXI_PG_BIN:-/usr/lib/postgresql/15/bin}/psql" bin="$PWD/build/release/guanxi" tables out
  "$psql" -X -q -d "$GUANXI_TEST_PG" -c "CREATE DATABASE $probe" || return 1
  local url="${GUANXI_TEST_PG%/*}/$probe"
  # In $pgdir, so that a file named after the URL lands in a directory thrown away.
  out=$(cd "$pgdir" && "$bin" db migrate --db "$url" 2>&1)
  tables=$("$psql" -X -At -d "$url" -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
  "$psql" -X -q -d "$GUANXI_TEST_PG" -c "DROP DATABASE $probe WITH (FORCE)"
  if [[ "${tables:-0}" -eq 0 ]]; then
    echo "build/release/guanxi created no tables in PostgreSQL for --db $url: $out" >&2
    return 1
  fi
}

count_ctest "unit (release)" build/release
count_ctest "unit (asan+ubsan)" build/asan
count_node "api" "" api/
count_node "e2e" "" e2e/
if [[ -n "${GUANXI_TEST_PG:-}" ]]; then
  if pg_supported; then
    count_node "api (postgresql)" "$GUANXI_TEST_PG" api/
    count_node "e2e (postgresql)" "$GUANXI_TEST_PG" e2e/
  else
    broken+=("api (postgresql)" "e2e (postgresql)")
  fi
fi

echo
if ((${#broken[@]})); then
  echo "suites that did not report results: ${broken[*]}"
fi
echo "$total_pass passed, $total_fail failed"
((total_fail == 0 && ${#broken[@]} == 0))
