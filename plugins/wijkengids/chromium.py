"""Debian's Chromium: where it is and how to start it headless (werkblad PDFs, tests, scripts)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("WIJKENGIDS_CHROMIUM", "/usr/bin/chromium")
# No sandbox (we run as root in CI) and no background networking: on a closed network Chromium
# otherwise keeps trying hosts that refuse it, and a test's request log would fill with them.
HEADLESS_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
