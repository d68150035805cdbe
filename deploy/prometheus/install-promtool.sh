#!/usr/bin/env bash
# Makes sure promtool is on PATH: installs the Debian package `prometheus` (which ships it) when
# missing. Starts no server (policy-rc.d forbids the package's own service start). Idempotent.
set -euo pipefail
command -v promtool >/dev/null 2>&1 && exit 0

echo "promtool not found; installing the Debian package prometheus (for promtool only)" >&2
sudo_cmd=""; [[ $(id -u) == 0 ]] || sudo_cmd="sudo"
policy=/usr/sbin/policy-rc.d; made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee $policy >/dev/null && $sudo_cmd chmod +x $policy && made_policy=1
fi
cleanup() { [[ $made_policy == 1 ]] && $sudo_cmd rm -f $policy; return 0; }
trap cleanup EXIT
install() { DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
# A fresh machine may have no package lists yet: update once, only when the first try fails.
install || { $sudo_cmd apt-get update -qq >/dev/null && install; } || { echo "could not install promtool" >&2; exit 2; }
command -v promtool >/dev/null 2>&1 || { echo "prometheus installed but promtool is not on PATH" >&2; exit 2; }
