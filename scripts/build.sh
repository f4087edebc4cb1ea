#!/usr/bin/env bash
# Builds Guanxi. Usage: scripts/build.sh [release|asan|web]...  (default: release web)
#   release  build/release: optimised server and CLI, unit tests
#   asan     build/asan: unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   web      web/dist: the SPA (npm ci only when package-lock.json changed)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
targets=("$@")
((${#targets[@]})) || targets=(release web)

npm_ci_if_needed() {  # dir
  local dir=$1 stamp="$1/node_modules/.guanxi-lock"
  if [[ ! -f "$stamp" ]] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
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
