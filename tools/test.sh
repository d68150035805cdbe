#!/usr/bin/env bash
# The whole test suite: provisions and starts Kafka, the S3 server and PostgreSQL on 127.0.0.1
# (deploy/local/up.sh, cached under ~/.cache/ratchet), builds, runs every tier of every package,
# stops the servers, and prints one closing "N passed, N failed" line.
# RATCHET_TEST_TIERS="unit" (or "unit int") limits the tiers; RATCHET_SKIP_INFRA=1 skips provisioning.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tiers=${RATCHET_TEST_TIERS:-unit int e2e}
export RATCHET_TEST_TALLY
RATCHET_TEST_TALLY=$(mktemp -t ratchet-tally.XXXXXX)

needs_infra=0
[[ $tiers == *int* || $tiers == *e2e* ]] && needs_infra=1
if [[ $needs_infra == 1 && ${RATCHET_SKIP_INFRA:-0} != 1 ]]; then
  # promtool checks the Prometheus configs and alert rules (int tier); it starts no server.
  deploy/prometheus/install-promtool.sh || { echo "installing promtool failed"; echo "0 passed, 1 failed"; exit 1; }
  # kustomize renders k8s/ for its checks (int tier); built once from the Go module proxy, cached.
  RATCHET_KUSTOMIZE=$(k8s/install-kustomize.sh) || { echo "installing kustomize failed"; echo "0 passed, 1 failed"; exit 1; }
  export RATCHET_KUSTOMIZE
  [[ ${RATCHET_KEEP_INFRA:-0} == 1 ]] || trap 'deploy/local/down.sh >/dev/null 2>&1' EXIT
  deploy/local/up.sh >/dev/null || { echo "provisioning failed"; echo "0 passed, 1 failed"; exit 1; }
  set -a
  # shellcheck disable=SC1091
  source "${RATCHET_STATE:-/tmp/ratchet-infra}/env"
  set +a
fi

npx turbo run build --output-logs=errors-only || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

rc=0
for tier in $tiers; do
  echo "=== test:$tier ==="
  # Bounded: a hung test process must not hold CI past its limit.
  before=$(wc -l <"$RATCHET_TEST_TALLY")
  if ! timeout 40m npx turbo run "test:$tier" --concurrency=1 --continue --output-logs=full; then
    rc=1
    # A jest run that crashed or was killed reports nothing: count the tier as a failure then, so
    # the closing line never reads "0 failed" for a failed run.
    if ! tail -n +"$((before + 1))" "$RATCHET_TEST_TALLY" | grep -q '"failed":[1-9]'; then
      echo "test:$tier failed without a failing test reported (a crashed or timed-out test run, or a failed task)"
      echo '{"cwd":"test:'"$tier"'","passed":0,"failed":1,"skipped":0}' >>"$RATCHET_TEST_TALLY"
    fi
  fi
done

node tools/tally.mjs "$RATCHET_TEST_TALLY" || rc=1
rm -f "$RATCHET_TEST_TALLY"
exit $rc
