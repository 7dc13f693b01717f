#!/usr/bin/env bash
# The query UI's YASGUI files are vendored in src/bgraph/server/static/vendor/yasgui (the npm
# package @triply/yasgui, version and integrity in VENDOR.json): bgraph serves them itself, so the
# UI works offline. Verify them; if any is missing or altered, fetch the recorded version again
# from the npm registry (npm pack, integrity checked). Idempotent; stdlib Python only.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=python3
command -v python >/dev/null && PY=python
VENDOR=src/bgraph/server/vendor.py
if ! "$PY" "$VENDOR" check; then
  if ! command -v npm >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  "$PY" "$VENDOR" fetch
fi
