#!/usr/bin/env bash
# Validates deploy/prometheus/*.yml and the alerting rules with promtool. Starts no server.
# Installs the Debian package `prometheus` (which ships promtool) only if promtool is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found; installing the Debian package prometheus (for promtool only)" >&2
  sudo_cmd=""; [[ $(id -u) == 0 ]] || sudo_cmd="sudo"
  # policy-rc.d exit 101: the package's postinst must not start a Prometheus server
  policy=/usr/sbin/policy-rc.d; made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee $policy >/dev/null && $sudo_cmd chmod +x $policy && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends prometheus >&2 || {
    [[ $made_policy == 1 ]] && $sudo_cmd rm -f $policy
    echo "could not install promtool" >&2; exit 2
  }
  [[ $made_policy == 1 ]] && $sudo_cmd rm -f $policy
fi

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
