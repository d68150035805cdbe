#!/usr/bin/env bash
# Validates deploy/prometheus/*.yml and the alerting rules with promtool. Starts no server.
# Installs promtool first when it is missing (install-promtool.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

"$PWD/install-promtool.sh"

promtool --version | head -1
# `check config` also checks every rule_files entry (rules.yml) of each config
promtool check config prometheus.yml
# Debian's promtool is built without Kubernetes service discovery and rejects
# kubernetes_sd_configs; an upstream promtool checks this file fully.
if ! out=$(promtool check config prometheus-kubernetes.yml 2>&1); then
  if grep -q 'field kubernetes_sd_configs not found' <<<"$out"; then
    echo "prometheus-kubernetes.yml: SKIPPED (this promtool build has no Kubernetes discovery)"
  else
    echo "$out" >&2; exit 1
  fi
else
  echo "$out"
fi
promtool check rules rules.yml
# synthetic series that must (and must not) fire the main alerts
promtool test rules rules.test.yml
echo "prometheus config and rules OK"
