#!/usr/bin/env bash
# The vendored front-end files (YASGUI for the query UI in src/bgraph/server/static/vendor/yasgui,
# Cytoscape.js for the pictures in src/bgraph/visual/static/vendor; version and integrity in each
# VENDOR.json): bgraph serves them itself, so the UI works offline. Verify them; if any is missing
# or altered, fetch the recorded versions again from the npm registry (npm pack, integrity and
# SHA-256 checked). Idempotent; stdlib Python only (src/bgraph/vendor.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=python3
command -v python >/dev/null && PY=python
vendor() { PYTHONPATH=src "$PY" -m bgraph.vendor "$@"; }
if ! vendor check; then
  if ! command -v npm >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  vendor fetch
fi
