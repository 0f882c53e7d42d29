"""`[[id]]` and `[[id|tekst]]` links: found in Markdown source for validation, and rendered by a
Python-Markdown inline processor (so code spans and fences are never touched)."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree  # noqa: N813 - the name Python-Markdown uses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor

from . import sanitize
from .model import Link

# The id holds no brackets, so `[[[[x]]]]` is the link `[[x]]` inside stray brackets (reported by
# find_malformed), not a link to the id `[[x`. An empty text (`[[x|]]`) shows the title.
LINK_PATTERN = r"\[\[([^\[\]|\n]+?)(?:\|([^\]\n]*))?\]\]"
_LINK_RE = re.compile(LINK_PATTERN)
_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+).+?\1")


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def visible_lines(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """Each body line outside fenced and indented code, with code spans blanked, and its file line."""
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        marker = _FENCE_RE.match(line)
        if marker:
            token = marker.group(1)
            if fence is None:
                fence = token[0] * len(token)
            elif token.startswith(fence):
                fence = None
            continue
        if fence is not None or line.startswith(("    ", "\t")):
            continue
        yield first_line + offset, _CODE_SPAN_RE.sub(_blank, line) if "`" in line else line


def find_links(body: str, first_line: int = 1) -> tuple[Link, ...]:
    """Every `[[id]]` target in a Markdown body with its file line, skipping code."""
    return tuple(
        Link(m.group(1).strip(), line)
        for line, visible in visible_lines(body, first_line)
        for m in _LINK_RE.finditer(visible)
        if m.group(1).strip()  # `[[ ]]` is reported by find_malformed
    )


@dataclass(frozen=True, slots=True)
class Malformed:
    """Link syntax that does not make a link (or makes one the editor probably did not mean)."""

    line: int
    snippet: str
    problem: str


def find_malformed(body: str, first_line: int = 1) -> tuple[Malformed, ...]:
    """`[[` that opens no link (unclosed, nested, `[[|tekst]]`), and links with an empty id or text."""
    found: list[Malformed] = []
    for line, visible in visible_lines(body, first_line):
        rest = visible
        for m in _LINK_RE.finditer(visible):
            if not m.group(1).strip():
                found.append(Malformed(line, m.group(0), "heeft geen id"))
            elif m.group(2) is not None and not m.group(2).strip():
                found.append(Malformed(line, m.group(0), "heeft een lege tekst na `|`"))
            rest = rest[: m.start()] + " " * len(m.group(0)) + rest[m.end() :]
        start = rest.find("[[")
        if start >= 0:
            snippet = visible[start : start + 40].rstrip()
            found.append(Malformed(line, snippet, "opent een link die niet klopt"))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where an id points: the page's MkDocs source URI and its title."""

    src_uri: str
    titel: str


Resolver = Callable[[str], "LinkTarget | None"]


class WikiLinkProcessor(InlineProcessor):
    def __init__(self, pattern: str, extension: WikiLinkExtension) -> None:
        super().__init__(pattern)
        self.extension = extension

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # noqa: N802
        target_id, text = m.group(1).strip(), m.group(2)
        target = self.extension.resolve(target_id)
        if target is None:
            # Already reported by validation; show the text so the reader loses nothing.
            span = etree.Element("span", {"class": "wg-link-onbekend", "title": f"onbekende verwijzing: {target_id}"})
            span.text = (text or target_id).strip()
            return span, m.start(0), m.end(0)
        if not target.src_uri:
            # The item exists but is not in this (subset) bundle: plain text with a note.
            span = etree.Element("span", {"class": "wg-buiten-bundel", "title": "Niet in deze bundel"})
            span.text = (text or target.titel).strip()
            note = etree.SubElement(span, "span", {"class": "wg-note"})
            note.text = " (niet in deze bundel)"
            return span, m.start(0), m.end(0)
        anchor = etree.Element("a", {"href": self.extension.relative(target.src_uri), "class": "wg-link"})
        anchor.text = (text or target.titel).strip()
        return anchor, m.start(0), m.end(0)


class WikiLinkExtension(Extension):
    """Registers the `[[id]]` processor. `page_src_uri` is set before each page is converted so the
    emitted `.md` href is relative to that page; MkDocs then turns it into the page URL (and
    validates it) exactly like a hand-written Markdown link.

    With `untrusted` (page source URI → is it an editor's item?), it also registers the HTML
    cleaner of `sanitize` for those pages: the extension already knows which page is converted."""

    def __init__(self, resolve: Resolver, untrusted: Callable[[str], bool] | None = None) -> None:
        super().__init__()
        self.resolve = resolve
        self.untrusted = untrusted
        self.page_src_uri = "index.md"

    def relative(self, src_uri: str) -> str:
        return posixpath.relpath(src_uri, posixpath.dirname(self.page_src_uri) or ".")

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        # Priority above `link` (160) so `[[x]]` is never read as a reference-style link.
        md.inlinePatterns.register(WikiLinkProcessor(LINK_PATTERN, self), "wijkengids_link", 175)
        if self.untrusted is not None:
            untrusted = self.untrusted
            sanitize.register(md, lambda: untrusted(self.page_src_uri))
