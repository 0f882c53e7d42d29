"""No script from contributed content runs in a reader's browser, and the Content-Security-Policy
lets the site's own scripts (search from file:// included) run.

A fixture site gets XSS payloads in titel, samenvatting, sectie, plaats, a [[link|tekst]], the
body (script, img onerror, javascript: link, svg onload, attribute breakouts, an iframe, attr_list
handlers) and a bron in data/bronnen.yml. It is built without --strict (the body problems are
only warnings then, `validation: {body: warn}`) and opened in Chromium: no dialog, no console
marker, `window.__xss` never set, also after searching for the payload title and clicking the
links.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from wijkengids import sanitize

from .browser import chromium, search
from .conftest import FixtureSite, make_site

# Every payload sets window.__xss, logs a marker and opens a dialog, whichever way it runs.
RUN = "window.__xss=1;console.log('XSS-RAN');alert('xss')"
TITEL = f"""'<script>{RUN}</script><img src=x onerror="{RUN}"> Aanval"""
SAMENVATTING = f"""'"><script>{RUN}</script><svg onload="{RUN}"> samenvatting'"""
BODY = f"""
## Aanval

<script>{RUN}</script>

Een plaatje <img src=x onerror="{RUN}"> en een [link](javascript:{RUN.replace("(", "%28").replace(")", "%29")}).

<svg onload="{RUN}"><circle r="5"/></svg>

<a href="javascript:{RUN}">klik hier</a> en <a href=" jav&#x61;script:{RUN}">hier</a>.

"><script>{RUN}</script><img src=x onerror={RUN}>

<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>

<details open ontoggle="{RUN}"><summary>Open</summary>Tekst</details>

Alinea met attributen.
{{: onmouseover="{RUN}" tabindex="1" autofocus onfocus="{RUN}" }}

Zie [[focus|<img src=x onerror="{RUN}">]].
"""
LES = f"""---
titel: {json.dumps(TITEL)}
samenvatting: {json.dumps(SAMENVATTING)}
stappen: [1, 3]
themas: [burgerschap]
bestanddelen: [focus]
bewijs: praktijk
bronnen:
  - bron: aanval
    sectie: {json.dumps(f"<script>{RUN}</script>")}
---
{BODY}"""  # JSON strings are YAML strings: the payloads need no further quoting
BRON = f"""- id: aanval
  titel: {json.dumps(f'<script>{RUN}</script><img src=x onerror="{RUN}">')}
  uitgever: {json.dumps(f'"><svg onload="{RUN}">')}
  jaar: 2024
  soort: {json.dumps(f'<b onmouseover="{RUN}">rapport</b>')}
"""
PAGES = (
    "lessen/aanval.html",
    "lessen/index.html",
    "bronnen/index.html",
    "leeswijzer/stap-1.html",
    "leeswijzer/stap-3.html",
    "bestanddelen/focus.html",
    "themas/burgerschap.html",
    "index.html",
)


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureSite]:
    site = make_site(tmp_path_factory.mktemp("xss"))
    site.write("lessons/aanval.md", LES)
    site.write("data/bronnen.yml", site.read("data/bronnen.yml") + BRON)
    config = site.read("mkdocs.yml").replace("  - wijkengids\n", "  - wijkengids:\n      validation: {body: warn}\n")
    assert "body: warn" in config
    site.write("mkdocs.yml", config)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WIJKENGIDS_OFFLINE", "true")  # file:// pages and an inlined search index
        site.build(strict=False)
    yield site


def test_payloads_reach_the_pages_as_text(xss_site: FixtureSite):
    """The test would prove nothing if the payloads never made it into the site."""
    page = xss_site.html("lessen/aanval.html")
    assert "&lt;script&gt;window.__xss=1" in page  # the titel, as text
    assert "klik hier</a>" in page and "Een plaatje <img" in page
    assert "Aanval" in xss_site.html("lessen/index.html")
    assert "&lt;script&gt;window.__xss=1" in xss_site.html("bronnen/index.html")


def _payload_pages(site: FixtureSite) -> list[str]:
    """The fixed pages plus every other page that shows the payload (kaart, wijkscan, zoeker, …)."""
    found = [
        p.relative_to(site.site_dir).as_posix()
        for p in sorted(site.site_dir.rglob("*.html"))
        if "__xss" in p.read_text(encoding="utf-8")
    ]
    return [*PAGES, *(rel for rel in found if rel not in PAGES)]


def test_the_built_html_has_no_executable_payload(xss_site: FixtureSite):
    pages = _payload_pages(xss_site)
    assert len(pages) > len(PAGES)  # the payload also reaches generated pages and the data blocks
    for rel in pages:
        page = (xss_site.site_dir / rel).read_text(encoding="utf-8")
        assert not [s for s in sanitize.inline_script_bodies(page) if "__xss" in s], rel
        parser = _Elements()
        parser.feed(page)
        for tag, name, value in parser.attributes:
            assert not (name.startswith("on") and "__xss" in (value or "")), (rel, tag, name)
            assert not (name in {"href", "src"} and sanitize.scheme_of(value or "") == "javascript"), (rel, tag)


class _Elements(HTMLParser):
    """Every attribute the browser builds from the page (entities decoded, text left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.extend((tag, name, value) for name, value in attrs)


@pytest.mark.browser
def test_no_payload_runs_in_chromium(xss_site: FixtureSite):
    ran: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (ran.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.on("console", lambda message: ran.append(message.text) if "XSS-RAN" in message.text else None)
        for rel in _payload_pages(xss_site):
            page.goto((xss_site.site_dir / rel).as_uri())
            page.wait_for_load_state("load")
            page.mouse.move(200, 300)
            assert page.evaluate("window.__xss") is None, rel
        page.goto((xss_site.site_dir / "lessen/aanval.html").as_uri())
        for text in ("klik hier", "link", "Open"):
            page.get_by_text(text, exact=True).first.click()
        page.goto((xss_site.site_dir / "index.html").as_uri())
        results = search(page, "Aanval")
        assert "Aanval" in results  # the payload title is found and shown, as text
        page.wait_for_timeout(300)
        assert page.evaluate("window.__xss") is None
    assert ran == []


# ---------------------------------------------------------------------------------------------
# The Content-Security-Policy


def _policy(page: str) -> str:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert match, "geen CSP"
    return match.group(1).replace("&#39;", "'")


def test_every_page_has_a_csp_that_allows_only_the_themes_scripts(xss_site: FixtureSite):
    pages = sorted(xss_site.site_dir.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        page = path.read_text(encoding="utf-8")
        policy = _policy(page)
        head = page.split("</head>", 1)[0]
        assert head.index("Content-Security-Policy") < head.index("<script"), path  # before any script
        allowed = sanitize.policy_sources(policy, "script-src")
        assert "'self'" in allowed and "'unsafe-inline'" not in allowed and "'unsafe-eval'" not in allowed
        assert sanitize.policy_sources(policy, "object-src") == {"'none'"}
        for body in sanitize.inline_script_bodies(page):
            assert sanitize.script_hash(body) in allowed, (path, body[:60])


@pytest.mark.browser
def test_search_works_from_file_under_the_csp(xss_site: FixtureSite):
    """The offline build (search index inlined, the iframe-worker shim on file://) searches with
    the policy in force and the browser reports no violation."""
    console: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("console", lambda message: console.append(message.text))
        page.goto((xss_site.site_dir / "leeswijzer/stap-3.html").as_uri())
        assert "Kies wat doorgaat" in search(page, "doorgaat")
        page.goto((xss_site.site_dir / "index.html").as_uri())
        assert page.evaluate("typeof __md_scope") == "object"  # Material's hashed inline script ran
        assert "Zie signalen vroeg" in search(page, "signalen")
    violations = [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m]
    assert violations == []


@pytest.mark.browser
def test_the_csp_blocks_an_inline_script_that_got_into_a_page(xss_site: FixtureSite, tmp_path: Path):
    """Defence in depth: a script that slips into a page (here written into the built HTML, as a
    sanitiser bug would) is refused by the policy."""
    source = (xss_site.site_dir / "lessen/aanval.html").read_text(encoding="utf-8")
    tampered = source.replace(
        "<h2 id=", "<script>window.__xss=1</script><img src=x onerror='window.__xss=2'><h2 id=", 1
    )
    assert tampered != source
    target = xss_site.site_dir / "lessen/aanval-tampered.html"
    target.write_text(tampered, encoding="utf-8")
    console: list[str] = []
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.on("console", lambda message: console.append(message.text))
            page.goto(target.as_uri())
            page.wait_for_load_state("load")
            assert page.evaluate("window.__xss") is None
            assert page.evaluate("typeof __md_scope") == "object"
    finally:
        target.unlink()
    assert any("Content Security Policy" in m for m in console)
