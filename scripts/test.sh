#!/usr/bin/env bash
# One command from a fresh Debian 12 checkout to every suite passing: installs
# what is missing, builds release + ASan/UBSan + the web UI, then runs
#   unit tests (release), unit tests (ASan+UBSan), API tests against a real
#   server on 127.0.0.1, end-to-end tests in Debian chromium.
# Ends with one line "N passed, N failed" over all suites; exits non-zero if any
# test failed or a suite could not run.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test || exit 1
scripts/build.sh release asan web tests-node || exit 1

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
total_pass=0
total_fail=0
broken=()

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

count_node() {  # name dir...
  local name=$1; shift
  local log="$logs/$name.log"
  echo "== $name"
  (cd tests && node --test --test-concurrency=1 --test-reporter=spec "$@") >"$log" 2>&1
  tail -n 60 "$log"
  local pass fail
  pass=$(grep -E '^ℹ pass [0-9]+' "$log" | tail -n 1 | awk '{print $3}')
  fail=$(grep -E '^ℹ fail [0-9]+' "$log" | tail -n 1 | awk '{print $3}')
  if [[ -z "$pass" || -z "$fail" ]]; then broken+=("$name"); return; fi
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
}

count_ctest "unit (release)" build/release
count_ctest "unit (asan+ubsan)" build/asan
count_node "api" api/
count_node "e2e" e2e/

echo
if ((${#broken[@]})); then
  echo "suites that did not report results: ${broken[*]}"
fi
echo "$total_pass passed, $total_fail failed"
((total_fail == 0 && ${#broken[@]} == 0))
