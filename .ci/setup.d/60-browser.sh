#!/usr/bin/env bash
# Browser tests (tests/test_visual_browser.py): Debian's headless Chromium and its fonts, driven by
# Playwright's Python client (installed by '.[test]'). Never downloads a browser build of its own
# (no 'playwright install'). A no-op when they are already there.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -q "DejaVu Sans" || need+=(fonts-dejavu-core)
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "chromium $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo present)"
