#!/usr/bin/env bash
# The query UI's YASGUI files are vendored in src/bgraph/server/static/vendor/yasgui (the npm
# package @triply/yasgui, version and integrity in VENDOR.json): bgraph serves them itself, so the
# UI works offline. Verify them; if any is missing or altered, fetch the recorded version again
# from the npm registry (npm pack, integrity checked). Idempotent.
set -euo pipefail
PY="${BGRAPH_VENV:-.venv}/bin/python"
[ -x "$PY" ] || PY=python3
if ! "$PY" -m bgraph.server.vendor check; then
  command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
  "$PY" -m bgraph.server.vendor fetch
fi
