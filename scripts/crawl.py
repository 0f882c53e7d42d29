"""Link crawler for a built site: every internal link and anchor must lead somewhere.

Reads every HTML page under the site folder with html.parser, resolves each internal reference
(`<a href>`, `<link href>`, `<script src>`, `<img src>`, `<iframe src>`, `<source src>`) relative
to its page, and checks that the file exists inside the site and, for `#fragment`, that the target
page has an element with that id. External addresses (http:, https:, mailto:, tel:) are counted,
not fetched; any other scheme (javascript:, data:, file:) counts as broken. Works for both
directory URLs (`lessen/x/`) and the offline build (`lessen/x.html`).

    .venv/bin/mkdocs build -d /tmp/crawl-site && .venv/bin/python scripts/crawl.py /tmp/crawl-site
    .venv/bin/python scripts/crawl.py /tmp/crawl-site --json   # the report as JSON

Exit status 1 when something is broken. The tests run the same `crawl()` over a fixture site
(tests/test_links_crawl.py); the real content changes daily, so it is checked with this script.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_REFERENCES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src"}


@dataclass(frozen=True, slots=True)
class Broken:
    page: str  # site-relative path of the page holding the link
    href: str
    reason: str


@dataclass
class Report:
    pages: int = 0
    links: int = 0  # internal references checked (files and anchors)
    anchors: int = 0  # of which with a #fragment checked against the target's ids
    external: int = 0
    broken: list[Broken] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.pages} pages, {self.links} internal links checked ({self.anchors} with an anchor), "
            f"{self.external} external not fetched, {len(self.broken)} broken"
        )


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        attribute = _REFERENCES.get(tag)
        if attribute and values.get(attribute) is not None:
            self.refs.append(values[attribute] or "")

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def _target(site: Path, page_rel: str, path: str) -> Path | None:
    """The file a reference resolves to, or None when it leaves the site. A root-relative path
    (`/lessen/`, which MkDocs writes in 404.html) counts from the site folder."""
    base = "" if path.startswith("/") else posixpath.dirname(page_rel)
    joined = posixpath.normpath(posixpath.join(base, unquote(path).lstrip("/")))
    if joined == ".." or joined.startswith("../") or posixpath.isabs(joined):
        return None
    target = site / joined
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def crawl(site: Path, pages: Iterable[Path] | None = None) -> Report:
    """Check every internal reference of every HTML page under `site`."""
    site = site.resolve()
    report = Report()
    parsed: dict[Path, _Page] = {}

    def page_of(path: Path) -> _Page:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    for path in sorted(pages if pages is not None else site.rglob("*.html")):
        report.pages += 1
        rel = path.relative_to(site).as_posix()
        for href in page_of(path).refs:
            parts = urlsplit(href.strip())
            if parts.scheme or href.strip().startswith("//"):
                if parts.scheme.lower() in EXTERNAL_SCHEMES:
                    report.external += 1
                else:
                    report.broken.append(Broken(rel, href, f"scheme `{parts.scheme}:` is not a link"))
                continue
            report.links += 1
            target = path if not parts.path else _target(site, rel, parts.path)
            if target is None:
                report.broken.append(Broken(rel, href, "leaves the site"))
                continue
            if not target.is_file():
                report.broken.append(Broken(rel, href, f"no file {target.relative_to(site).as_posix()}"))
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                report.anchors += 1
                if fragment not in page_of(target).ids:
                    report.broken.append(
                        Broken(rel, href, f"no id `{fragment}` in {target.relative_to(site).as_posix()}")
                    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site folder")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} holds no index.html: build the site first")
    report = crawl(args.site)
    if args.json:
        print(json.dumps({**asdict(report), "broken": [asdict(b) for b in report.broken]}, indent=2))
    else:
        for broken in report.broken:
            print(f"{broken.page}: {broken.href} — {broken.reason}")
        print(report.summary())
    return 1 if report.broken else 0


if __name__ == "__main__":
    sys.exit(main())
