"""Generated overview pages as Markdown, rendered from Jinja templates in `templates/`.

Links are written as relative `.md` paths, so the generator resolves them like any hand-written
link (and validates them)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cache

import jinja2

from . import explore
from .graph import KnowledgeGraph, LayoutMemo
from .leeswijzer import Leeswijzer, StapRoute, stap_uri, werkblad_uri
from .model import Corpus, Item, Kind

# Markdown's own syntax in a text: emphasis, code, links, tables, headings and attr_list's `{: …}`
# (which could set an `onclick` on a generated heading). `<`, `>` and `&` become entities instead.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|#])")


def md_text(text: object) -> str:
    """Plain text (frontmatter, data files) for a generated Markdown page: shown exactly as typed,
    on one line. `<script>` becomes `&lt;script&gt;`, never HTML; `[x](y)` stays brackets."""
    escaped = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped).replace("\n", " ")


@cache
def environment() -> jinja2.Environment:
    """One template environment per process: templates are compiled once."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("wijkengids", "templates"),
        autoescape=False,  # output is Markdown; text is escaped with the `md` filter
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = md_text
    return env


def render(template: str, page_uri: str, **context: object) -> str:
    return environment().get_template(template).render(link=linker(page_uri), stap_uri=stap_uri, **context)


def linker(page_uri: str) -> Callable[[str], str]:
    """Links from a generated page to source URIs, as `posixpath.relpath` makes them: a listing
    at 5,000 items has 35,000, and relpath made each absolute first."""
    base = page_uri.split("/")[:-1]
    return lambda target_uri: relative_path(base, target_uri.split("/"))


def relative_path(base: Sequence[str], target: Sequence[str]) -> str:
    """The path to `target` from the folder `base`, both as normalised segments: up past what they
    do not share, then down (as posixpath.relpath and MkDocs' get_relative_url count it)."""
    common = 0
    for a, b in zip(base, target, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + list(target[common:])) or "."


INDEX_URIS = {kind: f"{kind.url_prefix}/index.md" for kind in Kind}
WERKBLAD_LESSEN = 8
WERKBLAD_BESTANDDELEN = 8


def key_items(route: StapRoute, usage: Mapping[str, int]) -> tuple[list[Item], list[Item]]:
    """The lessons and bestanddelen a werkblad shows: the most referred-to first (they connect
    most of the guide), ties by title, so the choice is stable between builds."""

    def top(kind: Kind, n: int) -> list[Item]:
        items = route.items.get(kind, ())
        return sorted(items, key=lambda i: (-usage.get(i.id, 0), i.titel.casefold()))[:n]

    return top(Kind.LES, WERKBLAD_LESSEN), top(Kind.BESTANDDEEL, WERKBLAD_BESTANDDELEN)


BRONNEN_URI = "bronnen/index.md"
LEESWIJZER_URI = "leeswijzer/index.md"


def generate(corpus: Corpus, leeswijzer: Leeswijzer, existing: Collection[str]) -> dict[str, str]:
    """Markdown for every generated page, keyed by source URI.

    Arguments:
        existing: Source URIs of hand-written pages; a step page or the leeswijzer overview that an
            author wrote is kept, and only its lists are added (by the panel).
    """
    pages: dict[str, str] = {}
    usage: dict[str, int] = {}
    for item in corpus.items:
        for target in (
            set(item.themas) | set(item.bestanddelen) | set(item.interventies) | {link.target for link in item.links}
        ):
            if target != item.id:
                usage[target] = usage.get(target, 0) + 1
    facets = explore.zoeker(corpus)  # the interventie-zoeker on the interventies index
    for kind in Kind:
        uri = INDEX_URIS[kind]
        items = corpus.of_kind(kind)
        by_first_stap: dict[int, list] = {}
        for item in items:
            if item.stappen:
                by_first_stap.setdefault(min(item.stappen), []).append(item)
        pages[uri] = render(
            f"index-{kind.value}.md.j2",
            uri,
            kind=kind,
            items=items,
            by_first_stap=by_first_stap,
            routes=leeswijzer.routes,
            usage=usage,
            vocabulary=corpus.vocabulary,
            index=corpus.index,
            zoeker=facets,
        )
    citing = {b.id: [] for b in corpus.vocabulary.bronnen}
    for item in sorted(corpus.items, key=lambda i: i.titel.casefold()):
        for ref in item.bronnen:
            if ref.bron in citing:
                citing[ref.bron].append((item, ref.sectie))
    pages[BRONNEN_URI] = render("bronnen.md.j2", BRONNEN_URI, bronnen=corpus.vocabulary.bronnen, citing=citing)
    for route in leeswijzer.routes:
        if route.src_uri not in existing:
            pages[route.src_uri] = render("stap.md.j2", route.src_uri, route=route)
    for route in leeswijzer.routes:
        uri = werkblad_uri(route.stap.nummer)
        lessen, bestanddelen = key_items(route, usage)
        pages[uri] = render("werkblad.md.j2", uri, route=route, lessen=lessen, bestanddelen=bestanddelen)
    if LEESWIJZER_URI not in existing:
        pages[LEESWIJZER_URI] = render("leeswijzer.md.j2", LEESWIJZER_URI, routes=leeswijzer.routes)
    return pages


def explore_pages(
    corpus: Corpus, graph: KnowledgeGraph, leeswijzer: Leeswijzer, layouts: LayoutMemo | None = None
) -> dict[str, str]:
    """The pages to explore the guide: kaart, matrix (with a page per filled cell), plaatsen and
    wijkscan, keyed by source URI. Their data comes from `explore`; centrality once per build."""
    pages: dict[str, str] = {}
    kaart = explore.kaart(corpus, graph, layouts)
    pages[explore.KAART_URI] = render("kaart.md.j2", explore.KAART_URI, kaart=kaart, data=kaart.data())
    matrix = explore.matrix(corpus, leeswijzer)
    pages[explore.MATRIX_URI] = render("matrix.md.j2", explore.MATRIX_URI, matrix=matrix)
    for cell in matrix.cells():
        pages[cell.src_uri] = render("matrix-cel.md.j2", cell.src_uri, cell=cell, matrix_uri=explore.MATRIX_URI)
    plaatsen = explore.plaatsen(corpus)
    pages[explore.PLAATSEN_URI] = render(
        "plaatsen.md.j2", explore.PLAATSEN_URI, plaatsen=plaatsen, elders=explore.ELDERS
    )
    scan = explore.wijkscan(corpus, graph.centrality())
    pages[explore.WIJKSCAN_URI] = render("wijkscan.md.j2", explore.WIJKSCAN_URI, scan=scan, data=scan.data())
    return pages
