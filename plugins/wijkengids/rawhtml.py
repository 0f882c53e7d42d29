"""HTML blocks that Python-Markdown passes through untouched: the long listings of the generated
pages (see `pages`).

Python-Markdown reads a raw HTML block with a pure-Python HTML parser and every `[text](url)` with
a bracket scanner; for the listings of a 5,000-item guide (the kaart and the wijkscan list every
item, the matrix cells and indexes each again) that was a third of the build's Markdown time,
for HTML the templates had already written. Between `RAW_START` and `RAW_END`, each on a line of
its own, the text is stored as it is, as Python-Markdown stores raw HTML, and put back after
conversion. Only pages that `enabled` allows (the generated ones) may use it: an editor's page
keeps the markers as text.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

RAW_START = "<!-- wijkengids:html -->"
RAW_END = "<!-- /wijkengids:html -->"


class RawHtmlPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, enabled: Callable[[], bool]) -> None:
        super().__init__(md)
        self.enabled = enabled

    def run(self, lines: list[str]) -> list[str]:
        if not self.enabled() or RAW_START not in lines:
            return lines
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == RAW_START:
                    block = []
                else:
                    out.append(line)
            elif line == RAW_END:
                # A paragraph of its own holding only the placeholder: put back without a <p>.
                out += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            else:
                block.append(line)
        if block is not None:  # never closed: left as written
            out += [RAW_START, *block]
        return out


class RawHtmlExtension(Extension):
    """Registers the preprocessor before Python-Markdown's own HTML block reader (priority 20)."""

    def __init__(self, enabled: Callable[[], bool]) -> None:
        super().__init__()
        self.enabled = enabled

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.preprocessors.register(RawHtmlPreprocessor(md, self.enabled), "wijkengids_raw_html", 25)
