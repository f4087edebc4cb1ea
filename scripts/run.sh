#!/usr/bin/env bash
# One command from a fresh Debian 12 checkout to a running Guanxi with demo data:
# installs what is missing, builds (release + web UI), creates ./data/guanxi.db
# with demo data if it does not exist, and serves on http://127.0.0.1:8080.
# Environment: GUANXI_PORT (default 8080), GUANXI_DEMO_CUSTOMERS (default 2000).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh release web

db=data/guanxi.db
port=${GUANXI_PORT:-8080}
if [[ ! -f "$db" ]]; then
  mkdir -p data
  echo "creating $db with demo data..."
  build/release/guanxi demo --db "$db" --customers "${GUANXI_DEMO_CUSTOMERS:-2000}" >/dev/null
fi

cat <<MSG

  Guanxi 关系 is starting on http://127.0.0.1:$port
  Log in as  admin / guanxi-demo       (administrator)
         or  wang.jianlin / guanxi-demo (sales manager, 华东销售部)
         or  li.na / guanxi-demo        (sales rep)
  Stop with Ctrl-C.

MSG
exec build/release/guanxi serve --db "$db" --host 127.0.0.1 --port "$port" --web-root web/dist
