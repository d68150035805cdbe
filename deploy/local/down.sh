#!/usr/bin/env bash
# Stop Kafka, the S3 server and PostgreSQL started by up.sh. Idempotent; keeps their data.
# Usage: down.sh [--purge]   (--purge also deletes $RATCHET_STATE, i.e. all topics, objects, rows)
set -euo pipefail
COMPONENT=down
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rc=0
for name in kafka s3 postgres; do
  "$DEPLOY_LOCAL_DIR/$name.sh" stop || rc=1
done
if [[ ${1:-} == --purge && $rc == 0 ]]; then
  log "removing $RATCHET_STATE"
  rm -rf -- "$RATCHET_STATE"
fi
exit $rc
