#!/usr/bin/env bash
# Installs what Guanxi needs to build, run and test on Debian 12, and nothing that
# is already there. Idempotent; uses sudo only when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev libboost-system-dev libboost-math-dev
  rapidjson-dev libsqlite3-dev sqlite3 libphonenumber-dev libopencc-dev opencc libicu-dev
  libargon2-dev libssl-dev libpq-dev libgtest-dev libgmock-dev libbenchmark-dev libnlopt-dev
)
# Only the test command needs a browser and a PostgreSQL server (the suites run
# again on a throw-away cluster, scripts/pg-cluster.sh); the benchmarks need wrk,
# nginx and the same PostgreSQL (with pgbench).
if [[ "${1:-}" == "--test" ]]; then
  PACKAGES+=(chromium fonts-wqy-microhei postgresql-15 postgresql-contrib)
fi
if [[ "${1:-}" == "--bench" ]]; then
  PACKAGES+=(wrk nginx-light curl postgresql-15 postgresql-contrib)
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The web UI builds on Node 18 (Debian 12's own nodejs); the browser tests'
# playwright-core needs Node 20.
need_node=18
if [[ "${1:-}" == "--test" ]]; then need_node=20; fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < need_node)); then
  echo "Node.js $need_node or newer is needed (found $(node --version))." >&2
  exit 1
fi
