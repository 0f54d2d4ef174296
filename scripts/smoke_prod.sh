#!/usr/bin/env bash
# The seed's CI job "smoke-prod": every prod combination and every cfg/*/*.prod.yml, run through
# `prodi run-layer` with PRODI_FORCE_DRY_RUN=1. Validates config and prints plans; no JVM, no writes.
set -uo pipefail
cd "$(dirname "$0")/.."
export PRODI_FORCE_DRY_RUN=1
export PRODI_HYDRA_DIR="${PRODI_HYDRA_DIR:-$(mktemp -d)}"
PRODI="${PRODI:-prodi}"
failed=0
total=0

check() {
  total=$((total + 1))
  if "$PRODI" run-layer "$@" >/dev/null 2>"$PRODI_HYDRA_DIR/last.err"; then
    echo "ok      $*"
  else
    failed=$((failed + 1))
    echo "FAILED  $*"
    sed 's/^/        /' "$PRODI_HYDRA_DIR/last.err" | tail -5
  fi
}

for layer in raw bronze silver gold; do
  for cloud in aws azure gcp; do
    check "layer=$layer" "cloud=$cloud" env=prod
  done
done
for file in cfg/*/*.prod.yml; do
  layer=$(basename "$(dirname "$file")")
  check --layer "$layer" --config "$file"
done

echo "smoke-prod: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
