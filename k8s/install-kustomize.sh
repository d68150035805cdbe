#!/usr/bin/env bash
# Prints the path of a kustomize binary for the render checks of k8s/ (test/config, int tier):
# `kustomize` when on PATH, else kustomize built once from the Go module proxy into
# ~/.cache/ratchet (about 30 s on 2 cores; the same renderer as `kubectl kustomize`).
# Idempotent; starts nothing.
set -euo pipefail
KUSTOMIZE_VERSION=v5.7.1
RATCHET_CACHE="${RATCHET_CACHE:-$HOME/.cache/ratchet}"
BIN_DIR="$RATCHET_CACHE/kustomize-$KUSTOMIZE_VERSION/bin"

if command -v kustomize >/dev/null 2>&1; then command -v kustomize; exit 0; fi
if [[ -x $BIN_DIR/kustomize ]]; then echo "$BIN_DIR/kustomize"; exit 0; fi
command -v go >/dev/null 2>&1 || { echo "go not found: cannot build kustomize $KUSTOMIZE_VERSION" >&2; exit 2; }

echo "building sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2
mkdir -p "$BIN_DIR"
if ! GOBIN="$BIN_DIR" GOMODCACHE="$RATCHET_CACHE/go/mod" GOCACHE="$RATCHET_CACHE/go/build" GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
    go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >"$BIN_DIR/../build.log" 2>&1; then
  tail -n 30 "$BIN_DIR/../build.log" >&2
  echo "go install of kustomize failed" >&2
  exit 2
fi
echo "$BIN_DIR/kustomize"
