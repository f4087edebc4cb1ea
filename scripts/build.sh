#!/usr/bin/env bash
# Builds Guanxi. Usage: scripts/build.sh [release|asan|web]...  (default: release web)
#   release  build/release: optimised server and CLI, unit tests
#   asan     build/asan: unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   web      web/dist: the SPA (npm install only when package-lock.json changed)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
targets=("$@")
((${#targets[@]})) || targets=(release web)

# Installs the exact versions in package-lock.json. `npm ci` refuses a lock that
# lacks rollup's optional per-platform packages, which npm leaves out when the
# registry it resolves against does not list them all; `npm install` installs the
# locked versions for this platform and leaves the lock unchanged (checked below).
npm_ci_if_needed() {  # dir
  local dir=$1 stamp="$1/node_modules/.guanxi-lock"
  if [[ ! -f "$stamp" ]] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    local before
    before=$(sha256sum "$dir/package-lock.json")
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
    if [[ "$(sha256sum "$dir/package-lock.json")" != "$before" ]]; then
      echo "$dir/package-lock.json changed during install: package.json and the lock disagree" >&2
      exit 1
    fi
    cp "$dir/package-lock.json" "$stamp"
  fi
}

for t in "${targets[@]}"; do
  case "$t" in
    release)
      cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
      cmake --build build/release -j "$jobs"
      ;;
    asan)
      cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGUANXI_SANITIZE=ON >/dev/null
      cmake --build build/asan -j "$jobs" --target guanxi_unit_tests
      ;;
    web)
      npm_ci_if_needed web
      (cd web && npm run build --silent)
      ;;
    tests-node)
      npm_ci_if_needed tests
      ;;
    *) echo "unknown build target: $t" >&2; exit 2 ;;
  esac
done
