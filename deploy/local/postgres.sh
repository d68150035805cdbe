#!/usr/bin/env bash
# A private PostgreSQL cluster on 127.0.0.1 (no systemd, no system service), from Debian packages.
# Usage: postgres.sh {install|start|stop|status|env}
# Role/database `ratchet` (password `ratchet`, CREATEDB so tests can make throwaway databases);
# TCP clients authenticate with scram-sha-256, the local unix socket (in the state dir) is trust.
set -euo pipefail
COMPONENT=postgres
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_PORT="${RATCHET_PG_PORT:-15432}"
PG_USER="${RATCHET_PG_USER:-ratchet}"
PG_PASSWORD="${RATCHET_PG_PASSWORD:-ratchet}"
PG_DB="${RATCHET_PG_DB:-ratchet}"
STATE="$RATCHET_STATE/postgres"
DATA="$STATE/data"
SOCK="$STATE/run"
LOGFILE="$STATE/postgres.log"
# postgres refuses to run as root: when we are root, the cluster belongs to this OS user.
RUN_AS="${RATCHET_PG_OS_USER:-postgres}"

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $d/postgres && -x $d/initdb && -x $d/pg_ctl ]] && { echo "$d"; return 0; }
  done
  return 1
}

install() {
  install_lock postgres
  if pg_bindir >/dev/null; then log "PostgreSQL server found in $(pg_bindir)"; return 0; fi
  [[ $EUID -eq 0 ]] || die "PostgreSQL server binaries missing and not root: run 'apt-get install -y postgresql' as root"
  log "installing the Debian postgresql package"
  # Debian's postinst would try to start a system cluster; policy-rc.d forbids service starts.
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
  pg_bindir >/dev/null || die "apt-get finished but no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
}

# Run a command as the cluster owner (ourselves unless we are root).
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    id "$RUN_AS" >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_AS"
    runuser -u "$RUN_AS" -- "$@"
  else
    "$@"
  fi
}

pg_ctl_() { as_owner "$BIN/pg_ctl" -D "$DATA" "$@"; }

running() { [[ -f $DATA/postmaster.pid ]] && pg_ctl_ status >/dev/null 2>&1; }

init_cluster() {
  [[ -f $DATA/PG_VERSION ]] && return 0
  mkdir -p "$STATE" "$SOCK"
  if [[ $EUID -eq 0 ]]; then
    as_owner true
    chown -R "$RUN_AS": "$STATE"
    as_owner test -w "$STATE" || die "$RUN_AS cannot write $STATE (is a parent directory of RATCHET_STATE private?)"
  fi
  log "initdb into $DATA"
  local pwfile
  pwfile=$(mktemp "$STATE/.pw.XXXX")
  # superuser is `postgres`, reachable only through the unix socket in the state dir (trust)
  echo postgres >"$pwfile"; [[ $EUID -eq 0 ]] && chown "$RUN_AS": "$pwfile"
  if ! as_owner "$BIN/initdb" -D "$DATA" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$STATE/initdb.log" 2>&1; then
    rm -f "$pwfile"; show_log_tail "$STATE/initdb.log"; die "initdb failed"
  fi
  rm -f "$pwfile"
  # settings for a small, fast, loopback-only test server (fsync off: data is disposable)
  cat >>"$DATA/postgresql.conf" <<CONF

# ---- deploy/local/postgres.sh ----
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$SOCK'
max_connections = 100
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
CONF
}

psql_super() { as_owner psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PG_PORT" -U postgres -d postgres; }

ensure_role_and_db() {
  psql_super <<SQL >/dev/null
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$PG_USER', '$PG_PASSWORD')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER') \gexec
ALTER ROLE "$PG_USER" WITH LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_USER')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB') \gexec
SQL
}

# A postmaster killed with SIGKILL leaves postmaster.pid behind, and its pid may linger as an
# unreaped zombie, which postgres itself takes for a live server. Its orphaned children notice
# the postmaster's death and exit within moments; then the lock file can go.
clear_stale_lock() {
  local lock=$DATA/postmaster.pid pid i
  [[ -f $lock ]] || return 0
  pid=$(head -n1 "$lock")
  if [[ -n $pid ]] && pid_alive "$pid"; then return 0; fi
  for ((i = 0; i < 40; i++)); do
    pgrep -u "$(stat -c %u "$DATA")" -f '^postgres: ' >/dev/null || break
    sleep 0.25
  done
  log "removing stale $lock and socket lock (pid $pid is gone)"
  rm -f "$lock" "$SOCK/.s.PGSQL.$PG_PORT.lock" "$SOCK/.s.PGSQL.$PG_PORT"
}

start() {
  BIN=$(pg_bindir) || { install; BIN=$(pg_bindir); }
  if running && port_open "$PG_PORT"; then log "already running on 127.0.0.1:$PG_PORT"; ensure_role_and_db; return 0; fi
  require_free_port "$PG_PORT" postgres
  init_cluster
  mkdir -p "$SOCK"; [[ $EUID -eq 0 ]] && chown -R "$RUN_AS": "$STATE"
  clear_stale_lock
  log "starting PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT, log $LOGFILE"
  # pg_ctl -w waits for readiness itself and copes with a stale postmaster.pid
  if ! pg_ctl_ -l "$LOGFILE" -w -t "$RATCHET_WAIT_S" start >"$STATE/pg_ctl.log" 2>&1 8>&- 9>&-; then
    cat "$STATE/pg_ctl.log" >&2; show_log_tail "$LOGFILE"; die "PostgreSQL did not start within ${RATCHET_WAIT_S}s"
  fi
  ensure_role_and_db
  if ! PGPASSWORD="$PG_PASSWORD" psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -tAc 'select 1' >/dev/null; then
    show_log_tail "$LOGFILE"; die "cannot log in as $PG_USER over TCP"
  fi
  log "ready: $(database_url)"
}

stop() {
  BIN=$(pg_bindir) || { log "postgres not installed"; return 0; }
  if [[ -f $DATA/PG_VERSION ]] && running; then
    log "stopping PostgreSQL"
    pg_ctl_ -m fast -w -t 30 stop >/dev/null || { pg_ctl_ -m immediate stop >/dev/null || true; }
    log "postgres stopped"
  else
    log "postgres not running"
  fi
}

status() {
  BIN=$(pg_bindir) || { echo "postgres: not installed"; return 3; }
  if running && port_open "$PG_PORT"; then
    echo "postgres: running on 127.0.0.1:$PG_PORT ($(database_url))"
  else
    echo "postgres: stopped"; return 3
  fi
}

database_url() { echo "postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"; }
env_lines() { echo "RATCHET_DATABASE_URL=$(database_url)"; }

case "${1:-}" in
  install|start|stop|restart) take_lock "$RATCHET_STATE/.postgres.lock" ;;
esac
case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  env) env_lines ;;
  *) echo "usage: $0 {install|start|stop|restart|status|env}" >&2; exit 2 ;;
esac
