#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the test suites (scripts/test.sh) and the
# benchmarks (bench/run.sh, with --durable).
#
#   scripts/pg-cluster.sh start DIR [--durable]
#                                     initdb into DIR/data (superuser "guanxi", trust
#                                     auth), start it on a free port of 127.0.0.1 with
#                                     its socket in DIR and its log in DIR/log; prints
#                                     postgresql://guanxi@127.0.0.1:PORT/postgres and
#                                     writes it to DIR/url
#   scripts/pg-cluster.sh stop DIR    fast shutdown; does nothing if it is not running
#
# For tests durability is traded for speed (fsync and full-page writes off): a crashed
# machine loses the cluster, which is thrown away anyway. --durable keeps fsync and
# full-page writes on and sizes the cluster for a million-customer benchmark
# (shared_buffers 512MB, maintenance_work_mem 512MB). synchronous_commit stays
# on, so a commit the server acknowledged survives a killed client or server
# process exactly as in production. initdb and postgres refuse to run as root:
# as root the cluster belongs to the "postgres" user (created by Debian's
# postgresql-common), or to a system user "guanxi-pg" made here when that is missing.
set -euo pipefail

PG_BIN=${GUANXI_PG_BIN:-/usr/lib/postgresql/15/bin}
SUPERUSER=guanxi

usage() { echo "usage: $0 start DIR [--durable] | stop DIR" >&2; exit 2; }
(($# == 2 || $# == 3)) || usage
cmd=$1
dir=$2
durable=0
if (($# == 3)); then
  [[ "$cmd" == start && "$3" == --durable ]] || usage
  durable=1
fi
data="$dir/data"
log="$dir/log"

# Runs a command as the cluster's owner: ourselves, or an unprivileged user when root.
owner=""
as_owner() {
  if [[ -z "$owner" ]]; then "$@"; else runuser -u "$owner" -- "$@"; fi
}

fail() {
  echo "pg-cluster: $*" >&2
  if [[ -f "$log" ]]; then
    echo "---- last lines of $log" >&2
    tail -n 40 "$log" >&2
  fi
  exit 1
}

# Is something listening on 127.0.0.1:$1?
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  [[ -x "$PG_BIN/initdb" ]] || fail "$PG_BIN/initdb not found: install postgresql-15 (scripts/install-deps.sh --test)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  data="$dir/data"
  log="$dir/log"

  if [[ $(id -u) -eq 0 ]]; then
    owner=postgres
    if ! id -u "$owner" >/dev/null 2>&1; then
      owner=guanxi-pg
      id -u "$owner" >/dev/null 2>&1 ||
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$owner"
    fi
    chown "$owner:" "$dir"
    chmod 700 "$dir"
    as_owner test -w "$dir" ||
      fail "user $owner cannot write $dir (is a parent directory closed to other users?)"
  fi

  if [[ -f "$data/postmaster.pid" ]] && as_owner "$PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    [[ -f "$dir/url" ]] || fail "a cluster runs in $data but $dir/url is missing"
    cat "$dir/url"
    return
  fi

  if [[ ! -f "$data/PG_VERSION" ]]; then
    local locale=C.UTF-8
    if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C; fi
    as_owner "$PG_BIN/initdb" --pgdata="$data" --username="$SUPERUSER" --auth=trust \
      --encoding=UTF8 --locale="$locale" --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; fail "initdb failed"; }
    if ((durable)); then
      cat >>"$data/postgresql.conf" <<EOF

# scripts/pg-cluster.sh --durable: a throw-away cluster, durable like production
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 512MB
maintenance_work_mem = 512MB
fsync = on
full_page_writes = on
synchronous_commit = on
log_line_prefix = '%m [%p] %d '
EOF
    else
      cat >>"$data/postgresql.conf" <<EOF

# scripts/pg-cluster.sh: a throw-away cluster for the test suites
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 128MB
fsync = off
full_page_writes = off
synchronous_commit = on
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
EOF
    fi
  fi

  # Nothing hands out a free port for us: try random ones, skipping those that
  # answer, and retry when the server still cannot bind (someone took it first).
  local port="" candidate out try
  for try in $(seq 1 20); do
    candidate=$((20000 + RANDOM % 40000))
    if port_busy "$candidate"; then continue; fi
    rm -f "$log"
    if out=$(as_owner "$PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t 60 -o "-p $candidate" 2>&1); then
      port=$candidate
      break
    fi
    if grep -qE 'could not bind|could not create any TCP/IP sockets' "$log" 2>/dev/null; then continue; fi
    fail "pg_ctl start failed (port $candidate): $out"
  done
  [[ -n "$port" ]] || fail "no free port found in $try tries"

  local url="postgresql://$SUPERUSER@127.0.0.1:$port/postgres"
  "$PG_BIN/psql" -X -q -At -d "$url" -c 'SELECT 1' >/dev/null 2>&1 ||
    fail "the cluster started but $url does not answer"
  echo "$url" >"$dir/url"
  echo "$url"
}

stop() {
  [[ -f "$data/postmaster.pid" ]] || return 0
  if [[ $(id -u) -eq 0 ]]; then owner=$(stat -c %U "$data"); fi
  # Exit status 3: no server running (a stale postmaster.pid), nothing to stop.
  local rc=0
  as_owner "$PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1 || rc=$?
  ((rc != 3)) || return 0
  local out
  out=$(as_owner "$PG_BIN/pg_ctl" stop -D "$data" -m fast -w -t 60 2>&1) || fail "pg_ctl stop failed: $out"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
