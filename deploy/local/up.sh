#!/usr/bin/env bash
# Install (cached) and start Kafka, the S3 server and PostgreSQL on 127.0.0.1, then print the
# connection settings as RATCHET_* lines and write them to $RATCHET_STATE/env.
# Usage: up.sh [--verify]   (--verify, or RATCHET_VERIFY=1, also runs the client smoke checks)
# Idempotent: when everything is already up it only re-checks and reprints (about a second).
set -euo pipefail
COMPONENT=up
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE=$DEPLOY_LOCAL_DIR
VERIFY="${RATCHET_VERIFY:-0}"
[[ ${1:-} == --verify ]] && VERIFY=1

mkdir -p "$RATCHET_STATE" "$RATCHET_CACHE"
started=$SECONDS

# Run "<script> <action>" for every component at once (the slow parts, the Go build and the JVM
# start, overlap); fail if any failed, after all have finished.
all() {
  local action=$1 pids=() names=() rc=0 i
  for name in postgres s3 kafka; do
    "$HERE/$name.sh" "$action" &
    pids+=($!); names+=("$name")
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then log "${names[$i]} $action failed"; rc=1; fi
  done
  return $rc
}

all install || die "install failed (see messages above)"
all start || die "start failed (see messages above)"

{
  "$HERE/kafka.sh" env
  "$HERE/s3.sh" env
  "$HERE/postgres.sh" env
} >"$RATCHET_STATE/env.tmp.$$"
mv "$RATCHET_STATE/env.tmp.$$" "$RATCHET_STATE/env"

if [[ $VERIFY == 1 ]]; then
  set -a; # shellcheck disable=SC1091
  source "$RATCHET_STATE/env"; set +a
  (cd "$(repo_root)" && node "$HERE/verify/kafka-check.js" && node "$HERE/verify/s3-check.js") >&2
  psql "$RATCHET_DATABASE_URL" -X -q -tAc "select 'postgres ok: ' || current_user || '@' || current_database() || ' ' || current_setting('server_version')" >&2
fi

log "all up in $((SECONDS - started))s; settings in $RATCHET_STATE/env (load with: set -a; . $RATCHET_STATE/env; set +a)"
cat "$RATCHET_STATE/env"
