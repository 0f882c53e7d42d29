"""Debian's Chromium: where it is and how to start it headless (werkblad PDFs, tests, scripts)."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


@contextmanager
def static_server(site: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (a free port) for the browser; stopped on exit.

    Material's search runs in a Web Worker, which needs http://; the offline bundle is tested
    from file:// separately.
    """

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
