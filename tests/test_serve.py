"""The `mkdocs serve` preview: a banner with the content problems on every page (never in a normal
build), state that does not outlive a rebuild, and the content folders in `config.watch`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from mkdocs.commands.build import build

from .conftest import FixtureSite

LESSON = "lessons/kies-wat-doorgaat.md"
BANNER = 'class="admonition failure wg-banner"'
THEMA_LINE = (
    "<code>lessons/kies-wat-doorgaat.md:5</code> onbekend thema <code>burgershap</code>"
    " — bedoelde je <code>burgerschap</code>?"
)


def _break(site: FixtureSite) -> str:
    """Two problems in one lesson: an unknown thema, and a bron without id (its hint holds `<id>`)."""
    original = site.read(LESSON)
    broken = original.replace("[burgerschap]", "[burgershap]").replace("  - bron: visitatie-2011\n", '  - bron: ""\n')
    assert broken.count("burgershap") == 1 and 'bron: ""' in broken
    site.write(LESSON, broken)
    return original


def _serve_build(site: FixtureSite, command: str = "serve") -> None:
    """Build as `mkdocs serve` does: on_startup first, on_shutdown at the end."""
    config = site.config()
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def _all_html(site: FixtureSite) -> dict[str, str]:
    return {p.relative_to(site.site_dir).as_posix(): p.read_text("utf-8") for p in site.site_dir.rglob("*.html")}


def test_serve_shows_the_problems_on_every_page(site: FixtureSite):
    _break(site)
    _serve_build(site)
    pages = _all_html(site)
    assert len(pages) > 10
    missing = [path for path, html in pages.items() if BANNER not in html and path != "404.html"]
    assert missing == []
    banner = site.html("bestanddelen/focus/").split(BANNER, 1)[1].split("</div>", 1)[0]
    assert "De inhoud heeft 2 fouten en 0 waarschuwingen" in re.sub(r"\s+", " ", banner)
    assert THEMA_LINE in banner
    bron_line = "een bron zonder <code>bron:</code>-id — schrijf <code>- bron: &lt;id&gt;</code>"
    bron_line += " met <code>sectie: …</code>"
    assert bron_line in banner
    assert "<id>" not in banner  # messages are escaped, never HTML


def test_a_normal_build_never_shows_the_banner(site: FixtureSite):
    _break(site)
    site.build()
    assert not any("wg-banner" in html for html in _all_html(site).values())
    _serve_build(site, command="build")
    assert not any("wg-banner" in html for html in _all_html(site).values())


def test_a_clean_serve_build_shows_no_banner(site: FixtureSite):
    _serve_build(site)
    assert not any("wg-banner" in html for html in _all_html(site).values())


def test_a_serve_rebuild_forgets_fixed_problems(site: FixtureSite):
    """on_startup keeps the plugin object across rebuilds, so on_config must reset the build."""
    original = _break(site)
    first = site.config()
    first.plugins.on_startup(command="serve", dirty=False)
    try:
        build(first)
        assert THEMA_LINE in site.html("")
        site.write(LESSON, original)
        second = site.config()  # serve reloads the config for every rebuild
        assert second.plugins["wijkengids"] is first.plugins["wijkengids"]
        build(second)
        assert "wg-banner" not in site.html("")
    finally:
        first.plugins.on_shutdown()


def test_content_folders_and_data_are_watched(site: FixtureSite):
    config = site.config()
    watched_before = set(config.watch)
    config.plugins.on_config(config)
    added = {Path(p).relative_to(site.root).as_posix() for p in set(config.watch) - watched_before}
    assert added == {"lessons", "bestanddelen", "themas", "interventies", "data"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_real_mkdocs_serve_shows_the_banner(site: FixtureSite):
    """End to end: MkDocs itself tells the plugin it is serving."""
    _break(site)
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=site.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        html = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/lessen/kies-wat-doorgaat/", timeout=2
                ) as response:
                    html = response.read().decode("utf-8")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
        assert THEMA_LINE in html
    finally:
        server.terminate()
        server.communicate(timeout=10)
