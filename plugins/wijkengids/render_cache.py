"""Which pages a `mkdocs serve --dirty` rebuild must render again, decided by content keys.

A page's key is a hash of everything the page shows: its own Markdown, its panels (flow, relations,
backlinks, related items, sources), its search extras, the titles behind its `[[id]]` links, and
the inputs every page shares (mkdocs.yml, the theme, the data files, the hand-written pages and,
in the preview, the problems banner). Equal key, equal page: the HTML from the previous rebuild is
still right. Pure functions of a `pipeline.Build`; the MkDocs adapter asks them once per rebuild.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .links import find_links
from .pipeline import Build
from .sanitize import page_meta

PageKeys = Mapping[str, str]


def files_digest(paths: Iterable[Path]) -> str:
    """A hash of the names and bytes of every file under the given files and folders."""
    digest = hashlib.sha256()
    for base in sorted(set(paths)):
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in files:
            if not path.is_file():
                continue
            digest.update(path.as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def page_keys(build: Build, shared: str, *, preview: bool) -> dict[str, str]:
    """The content key of every page the plugin makes (item pages and generated pages).

    Arguments:
        shared: `files_digest()` of the inputs all pages depend on.
        preview: The `serve` banner shows the build's problems on every page, so they count too.
    """
    common = hashlib.sha256(shared.encode())
    if preview:
        common.update(repr(build.problems()).encode())
    keys: dict[str, str] = {}
    for item in build.corpus.items:
        if build.corpus.index.get(item.id) is not item:
            continue  # a duplicate id: reported, and its page is the first file's
        uri = item.src_uri
        keys[uri] = _key(
            common,
            item.content_hash,
            item.body,
            page_meta(item.titel, item.samenvatting),
            build.panel_for(uri),
            _link_targets(build, (link.target for link in item.links)),
        )
    for uri, markdown in build.pages.items():
        keys[uri] = _key(
            common,
            markdown,
            build.panel_for(uri),
            _link_targets(build, (link.target for link in find_links(markdown))),
        )
    return keys


def _link_targets(build: Build, ids: Iterable[str]) -> tuple[tuple[str, Any], ...]:
    # A link shows its target's title, so renaming the target changes this page.
    return tuple((i, build.resolve(i)) for i in sorted(set(ids)))


def _key(common: Any, *parts: object) -> str:
    digest = common.copy()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(slots=True)
class RenderedPage:
    """What a previous rebuild wrote for one page: under which key, where, and its search entries."""

    key: str | None
    dest_path: str
    search_entries: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class RenderCache:
    """The only state kept between `serve` rebuilds: per page source URI, the key it was rendered
    with. A page whose key is unknown or different is rendered again; nothing else is trusted."""

    pages: dict[str, RenderedPage] = field(default_factory=dict)

    def is_current(self, src_uri: str, key: str | None, dest_path: str) -> bool:
        page = self.pages.get(src_uri)
        return key is not None and page is not None and page.key == key and Path(dest_path).is_file()

    def gone(self, present: Iterable[str]) -> list[RenderedPage]:
        """The pages of the previous rebuild whose source no longer exists (a deleted item)."""
        keep = set(present)
        return [page for uri, page in self.pages.items() if uri not in keep]
