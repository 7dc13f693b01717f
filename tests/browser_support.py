"""What the browser tests share: Debian's Chromium, its flags, and the rule that a missing browser
fails under CI (``CI=true``, set by .ci/run) and only skips elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
#: Headless, no sandbox (root in CI), and none of the background traffic a closed network refuses.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_browser() -> None:
    """Call at module level: fail in CI, skip elsewhere, when Playwright or Chromium is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip(
            "playwright is not installed (pip install -e '.[test]')", allow_module_level=True
        )
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI needs Debian's chromium (.ci/setup.d/60-browser.sh installs it)")
        pytest.skip("Debian's chromium is not installed", allow_module_level=True)
