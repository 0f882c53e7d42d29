"""Generated overview pages as Markdown, rendered from Jinja templates in `templates/`.

Links in the prose are written as relative `.md` paths, so the generator resolves them like any
hand-written link (and validates them). Long listings (a line per item: thousands at 5,000 items)
are HTML between `rawhtml` markers instead, with final URLs (`url`): Python-Markdown would spend a
third of the whole build's Markdown time parsing their links."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING

import jinja2

from . import explore
from .graph import KnowledgeGraph, LayoutMemo
from .leeswijzer import Leeswijzer, StapRoute, stap_uri, werkblad_uri
from .model import Corpus, Item, Kind
from .rawhtml import RAW_END, RAW_START

if TYPE_CHECKING:
    import networkx as nx

# Markdown's own syntax in a text: emphasis, code, links, tables, headings and attr_list's `{: …}`
# (which could set an `onclick` on a generated heading). `<`, `>` and `&` become entities instead.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|#])")


def md_text(text: object) -> str:
    """Plain text (frontmatter, data files) for a generated Markdown page: shown exactly as typed,
    on one line. `<script>` becomes `&lt;script&gt;`, never HTML; `[x](y)` stays brackets."""
    escaped = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped).replace("\n", " ")


def html_text(text: object) -> str:
    """Plain text for the HTML of a listing (see `rawhtml`): `<`, `>` and `&` as entities, quotes
    as typed, as Python-Markdown writes text."""
    return html.escape(str(text), quote=False)


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
    env.filters["html"] = html_text
    return env


def render(template: str, page_uri: str, directory_urls: bool, **context: object) -> str:
    return (
        environment()
        .get_template(template)
        .render(
            link=linker(page_uri),
            url=url_linker(page_uri, directory_urls),
            stap_uri=stap_uri,
            raw_start=RAW_START,
            raw_end=RAW_END,
            **context,
        )
    )


def linker(page_uri: str) -> Callable[[str], str]:
    """Links from a generated page to source URIs, as `posixpath.relpath` makes them: a listing
    at 5,000 items has 35,000, and relpath made each absolute first."""
    base = page_uri.split("/")[:-1]
    return lambda target_uri: relative_path(base, target_uri.split("/"))


def page_url(src_uri: str, directory_urls: bool) -> str:
    """The URL path of a Markdown page, as MkDocs makes it: `lessen/x.md` is `lessen/x/` with
    directory URLs and `lessen/x.html` without; an `index.md` is its folder (`lessen/`, `./` for
    the home page) or `lessen/index.html`."""
    path = src_uri.removesuffix(".md")
    folder, _, name = path.rpartition("/")
    if not directory_urls:
        return path + ".html"
    if name == "index":
        return folder + "/" if folder else "./"
    return path + "/"


def url_linker(page_uri: str, directory_urls: bool) -> Callable[[str], str]:
    """Links from a generated page to source URIs (`x.md` or `x.md#anker`) as the final relative
    URLs MkDocs would write, for HTML that Markdown passes through untouched (see `rawhtml`)."""
    base = page_url(page_uri, directory_urls).removeprefix("./").split("/")[:-1]  # the URL's folder

    def url(target_uri: str) -> str:
        path, hash_, anchor = target_uri.partition("#")
        relative = relative_path(base, page_url(path, directory_urls).removeprefix("./").split("/"))
        if relative == ".":
            relative = "./"
        return relative + hash_ + anchor

    return url


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


def generate(
    corpus: Corpus, leeswijzer: Leeswijzer, existing: Collection[str], *, directory_urls: bool = True
) -> dict[str, str]:
    """Markdown for every generated page, keyed by source URI.

    Arguments:
        existing: Source URIs of hand-written pages; a step page or the leeswijzer overview that an
            author wrote is kept, and only its lists are added (by the panel).
        directory_urls: Whether the site has directory URLs (`x/`, MkDocs' default) or not
            (`x.html`, the offline bundle), for the links of the listings.
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
            directory_urls,
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
    pages[BRONNEN_URI] = render(
        "bronnen.md.j2", BRONNEN_URI, directory_urls, bronnen=corpus.vocabulary.bronnen, citing=citing
    )
    for route in leeswijzer.routes:
        if route.src_uri not in existing:
            pages[route.src_uri] = render("stap.md.j2", route.src_uri, directory_urls, route=route)
    for route in leeswijzer.routes:
        uri = werkblad_uri(route.stap.nummer)
        lessen, bestanddelen = key_items(route, usage)
        pages[uri] = render(
            "werkblad.md.j2", uri, directory_urls, route=route, lessen=lessen, bestanddelen=bestanddelen
        )
    if LEESWIJZER_URI not in existing:
        pages[LEESWIJZER_URI] = render("leeswijzer.md.j2", LEESWIJZER_URI, directory_urls, routes=leeswijzer.routes)
    return pages


def explore_pages(
    corpus: Corpus,
    graph: KnowledgeGraph,
    leeswijzer: Leeswijzer,
    layouts: LayoutMemo | None = None,
    *,
    directory_urls: bool = True,
    simple: nx.Graph | None = None,
) -> dict[str, str]:
    """The pages to explore the guide: kaart, matrix (with a page per filled cell), plaatsen and
    wijkscan, keyed by source URI. Their data comes from `explore`; centrality once per build.

    Arguments:
        simple: `graph.undirected()`, for the kaart to trim in place (see `explore.kaart`).
    """
    pages: dict[str, str] = {}
    kaart = explore.kaart(corpus, graph, layouts, simple)
    pages[explore.KAART_URI] = render("kaart.md.j2", explore.KAART_URI, directory_urls, kaart=kaart, data=kaart.data())
    matrix = explore.matrix(corpus, leeswijzer)
    pages[explore.MATRIX_URI] = render("matrix.md.j2", explore.MATRIX_URI, directory_urls, matrix=matrix)
    for cell in matrix.cells():
        pages[cell.src_uri] = render(
            "matrix-cel.md.j2", cell.src_uri, directory_urls, cell=cell, matrix_uri=explore.MATRIX_URI
        )
    plaatsen = explore.plaatsen(corpus)
    pages[explore.PLAATSEN_URI] = render(
        "plaatsen.md.j2", explore.PLAATSEN_URI, directory_urls, plaatsen=plaatsen, elders=explore.ELDERS
    )
    scan = explore.wijkscan(corpus, graph.centrality())
    pages[explore.WIJKSCAN_URI] = render(
        "wijkscan.md.j2", explore.WIJKSCAN_URI, directory_urls, scan=scan, data=scan.data()
    )
    return pages
