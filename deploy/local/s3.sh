#!/usr/bin/env bash
# An S3-compatible server on 127.0.0.1: Versity S3 Gateway (versitygw, Apache-2.0) with its POSIX
# backend on a local directory, built from the Go module proxy into the cache.
# Usage: s3.sh {install|start|stop|status|env}
set -euo pipefail
COMPONENT=s3
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VGW_VERSION="${RATCHET_VERSITYGW_VERSION:-v1.8.0}"
S3_PORT="${RATCHET_S3_PORT:-19000}"
S3_ACCESS_KEY="${RATCHET_S3_ACCESS_KEY:-ratchet}"
S3_SECRET_KEY="${RATCHET_S3_SECRET_KEY:-ratchet-secret}"
S3_REGION="${RATCHET_S3_REGION:-us-east-1}"
S3_BUCKET="${RATCHET_S3_BUCKET:-ratchet}"

BIN_DIR="$RATCHET_CACHE/versitygw-$VGW_VERSION/bin"
BIN="$BIN_DIR/versitygw"
STATE="$RATCHET_STATE/s3"
DATA="$STATE/data"
META="$STATE/meta"
PIDFILE="$STATE/versitygw.pid"
LOGFILE="$STATE/versitygw.log"

install() {
  install_lock s3
  if [[ -x $BIN ]]; then log "versitygw $VGW_VERSION already built: $BIN"; return 0; fi
  command -v go >/dev/null || die "go not found: versitygw $VGW_VERSION needs Go >= 1.25 (Debian 12's golang-go is 1.19, too old; install a toolchain from go.dev)"
  mkdir -p "$BIN_DIR"
  log "building github.com/versity/versitygw/cmd/versitygw@$VGW_VERSION (takes a few minutes on 2 cores)"
  # module and build caches inside RATCHET_CACHE: a cold install is self-contained and repeatable
  if ! GOBIN="$BIN_DIR" GOMODCACHE="$RATCHET_CACHE/go/mod" GOCACHE="$RATCHET_CACHE/go/build" \
      GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
      go install "github.com/versity/versitygw/cmd/versitygw@$VGW_VERSION" >"$RATCHET_CACHE/versitygw-$VGW_VERSION/build.log" 2>&1; then
    show_log_tail "$RATCHET_CACHE/versitygw-$VGW_VERSION/build.log"; die "go install of versitygw failed"
  fi
  log "built $BIN"
}

health_ok() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$S3_PORT/health"; }

# The POSIX backend keeps object metadata in user xattrs; where the filesystem lacks them,
# a sidecar directory holds it instead.
xattr_flag() {
  if command -v python3 >/dev/null && python3 - "$DATA" <<'PY' 2>/dev/null; then
import os, sys
p = os.path.join(sys.argv[1], '.xattr-probe')
open(p, 'w').close()
try:
    os.setxattr(p, 'user.ratchet', b'1')
finally:
    os.remove(p)
PY
    return 0
  fi
  mkdir -p "$META"
  echo "--sidecar $META"
}

# Signed S3 request with curl's SigV4 support (no node needed); body is always empty.
s3_curl() {
  local method=$1 path=$2 how=(-X "$1")
  [[ $method == HEAD ]] && how=(-I) # -X HEAD would wait for a body that never comes
  curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "${how[@]}" \
    --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "http://127.0.0.1:$S3_PORT/$path"
}

ensure_bucket() {
  local code
  code=$(s3_curl HEAD "$S3_BUCKET")
  case $code in
    200) return 0 ;;
    404) code=$(s3_curl PUT "$S3_BUCKET"); [[ $code == 200 ]] || { log "PUT bucket answered HTTP $code"; return 1; } ;;
    *) log "HEAD bucket answered HTTP $code (credentials?)"; return 1 ;;
  esac
}

start() {
  if pid=$(live_pid "$PIDFILE") && health_ok; then
    log "already running (pid $pid) on 127.0.0.1:$S3_PORT"
    ensure_bucket || die "could not create bucket $S3_BUCKET"
    return 0
  fi
  if pid=$(live_pid "$PIDFILE"); then
    log "pid $pid is alive but not healthy on 127.0.0.1:$S3_PORT"
    stop_pid versitygw "$PIDFILE"
  fi
  [[ -x $BIN ]] || install
  require_free_port "$S3_PORT" s3
  mkdir -p "$DATA"
  local extra
  extra=$(xattr_flag)
  log "starting versitygw $VGW_VERSION (posix backend on $DATA) on 127.0.0.1:$S3_PORT, log $LOGFILE"
  # credentials through the environment so they do not show up in `ps`
  # shellcheck disable=SC2086
  ROOT_ACCESS_KEY_ID="$S3_ACCESS_KEY" ROOT_SECRET_ACCESS_KEY="$S3_SECRET_KEY" \
    "$BIN" --port "127.0.0.1:$S3_PORT" --region "$S3_REGION" --health /health --quiet \
    posix $extra "$DATA" >>"$LOGFILE" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$PIDFILE"
  wait_until "versitygw health on port $S3_PORT" "$LOGFILE" "$PIDFILE" health_ok
  ensure_bucket || { show_log_tail "$LOGFILE"; die "could not create bucket $S3_BUCKET"; }
  log "ready: http://127.0.0.1:$S3_PORT (bucket $S3_BUCKET)"
}

stop() { stop_pid versitygw "$PIDFILE"; }

status() {
  if pid=$(live_pid "$PIDFILE") && health_ok; then
    echo "s3: running (pid $pid) on http://127.0.0.1:$S3_PORT, versitygw $VGW_VERSION"
  else
    echo "s3: stopped"; return 3
  fi
}

env_lines() {
  cat <<ENV
RATCHET_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
RATCHET_S3_ACCESS_KEY=$S3_ACCESS_KEY
RATCHET_S3_SECRET_KEY=$S3_SECRET_KEY
RATCHET_S3_REGION=$S3_REGION
RATCHET_S3_BUCKET=$S3_BUCKET
ENV
}

case "${1:-}" in
  install|start|stop|restart) take_lock "$RATCHET_STATE/.s3.lock" ;;
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
