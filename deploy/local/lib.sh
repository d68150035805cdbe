#!/usr/bin/env bash
# Shared helpers for the local provisioning scripts. Sourced, never run.
# Everything binds to 127.0.0.1; downloads/builds live in the cache, runtime data in the state dir.

RATCHET_CACHE="${RATCHET_CACHE:-$HOME/.cache/ratchet}"
RATCHET_STATE="${RATCHET_STATE:-/tmp/ratchet-infra}"
RATCHET_WAIT_S="${RATCHET_WAIT_S:-60}"
DEPLOY_LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export RATCHET_CACHE RATCHET_STATE

log() { printf '[%s] %s\n' "${COMPONENT:-ratchet}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Is the TCP port on 127.0.0.1 accepting connections? (bash /dev/tcp, no nc needed)
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Is this pid a live process? A zombie (killed, not yet reaped: there may be no init reaping
# orphans in a container) counts as dead.
pid_alive() {
  local pid=$1 state
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo X)
  [[ $state != Z && $state != X ]]
}

# Pid from a pid file if that process is still alive, else nothing (stale files are removed).
live_pid() {
  local pidfile=$1 pid
  [[ -f $pidfile ]] || return 1
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [[ -n $pid ]] && pid_alive "$pid"; then
    echo "$pid"; return 0
  fi
  rm -f "$pidfile"
  return 1
}

# Print the last lines of a log file to stderr (used on every failure path).
show_log_tail() {
  local file=$1 n=${2:-40}
  if [[ -f $file ]]; then
    log "---- last $n lines of $file ----"
    tail -n "$n" "$file" >&2
    log "---- end of $file ----"
  fi
}

# wait_until <description> <logfile> <pidfile|-> <command...>: polls the command every 0.25 s
# for at most RATCHET_WAIT_S seconds; fails early when the server process died.
wait_until() {
  local what=$1 logfile=$2 pidfile=$3; shift 3
  local deadline=$((SECONDS + RATCHET_WAIT_S))
  while ((SECONDS < deadline)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [[ $pidfile != - ]] && ! live_pid "$pidfile" >/dev/null; then
      show_log_tail "$logfile"
      die "$what: server process exited before becoming ready"
    fi
    sleep 0.25
  done
  show_log_tail "$logfile"
  die "$what: not ready after ${RATCHET_WAIT_S}s"
}

# stop_pid <name> <pidfile>: SIGTERM, wait up to 30 s, then SIGKILL. Idempotent.
stop_pid() {
  local name=$1 pidfile=$2 pid i
  if ! pid=$(live_pid "$pidfile"); then
    log "$name not running"; return 0
  fi
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 120; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; log "$name stopped"; return 0; }
    sleep 0.25
  done
  log "$name did not stop within 30s, sending SIGKILL"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# Fail fast when the port is taken by something that is not ours.
require_free_port() {
  local port=$1 name=$2
  if port_open "$port"; then
    die "$name: port 127.0.0.1:$port is already in use by another process (set the port env var to move it)"
  fi
}

# take_lock <file> [fd]: serialize concurrent runs (several test runners may call up.sh at once).
# Holds an exclusive flock on the fd (9 by default) until the script exits; server processes are
# started with `8>&- 9>&-` so they do not inherit (and keep) the locks.
take_lock() {
  local file=$1 fd=${2:-9}
  mkdir -p "$(dirname "$file")"
  eval "exec $fd>>\"\$file\""
  if ! flock -w 900 "$fd"; then die "could not get the lock $file within 900s"; fi
}

# Installs share the cache between state dirs: one installer at a time per component.
install_lock() { take_lock "$RATCHET_CACHE/.$1-install.lock" 8; }

# Node scripts under verify/ need kafkajs/minio: resolve them from the repo's node_modules.
repo_root() { (cd "$DEPLOY_LOCAL_DIR/../.." && pwd); }
