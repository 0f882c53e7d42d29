"""The one entry point: load → validate → link → route → render. Used by the MkDocs plugin, the
CLI and the tests alike, so nothing is computed twice per build."""

from __future__ import annotations

import copyreg
import dataclasses
import functools
import hashlib
import logging
import os
import pickle
import resource
import sys
import tempfile
import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import yaml

from . import background
from .browser_search import ModelMemo
from .cachedir import project_cache
from .diagnostics import Diagnostic, Severity, with_severities
from .gcpause import cycle_collection_paused, unpickled
from .graph import KnowledgeGraph, LayoutMemo, build_graph
from .leeswijzer import Leeswijzer, route
from .links import LinkTarget, find_links
from .loader import ParseMemo, load, read_text, split_frontmatter
from .model import Corpus, Item
from .search import (
    DuplicateMemo,
    KeyTermMemo,
    Synonyms,
    cache_dir,
    corpus_fields,
    corpus_key_terms,
    duplicate_diagnostics,
    load_synonyms,
)
from .subset import Subset, kept_ids
from .subset import problems as subset_problems
from .validate import LocalMemo, check_links, validate

if TYPE_CHECKING:
    from .panels import PagePanel
    from .whoosh_index import SearchIndex

log = logging.getLogger("wijkengids")


@dataclass
class Memo:
    """What `mkdocs serve` keeps between rebuilds, and `wijkengids check` and `mkdocs build`
    between runs (all but `search`, see `read_memo`): results found only under a hash of their
    inputs, so an edited input can never meet a stale result."""

    parsed: ParseMemo = field(default_factory=dict)
    checked: LocalMemo = field(default_factory=dict)  # findings of the rules on one item alone
    layouts: LayoutMemo = field(default_factory=dict)
    duplicates: DuplicateMemo = field(default_factory=dict)  # the near-duplicate pairs
    search: ModelMemo = field(default_factory=ModelMemo)  # the browser search's model
    # The key terms as `read_memo` found them, still pickled, and their keys (see `key_terms`).
    pickled_key_terms: bytes = b""
    key_term_keys: frozenset[Any] = frozenset()
    _key_terms: KeyTermMemo | None = field(default=None, init=False, repr=False)

    @property
    def key_terms(self) -> KeyTermMemo:
        """Unpickled on first use: a check whose duplicate pairs are in the memo never needs them
        (a third of the memo file at 5,000 items)."""
        if self._key_terms is None:
            self._key_terms = unpickled(self.pickled_key_terms) if self.pickled_key_terms else {}
            self.pickled_key_terms = b""
        return self._key_terms

    def stored_key_terms(self) -> tuple[frozenset[Any], bytes]:
        """The key terms as `write_memo` stores them: their keys, and the terms pickled (as they
        were read when nothing unpickled them)."""
        if self._key_terms is None:
            return self.key_term_keys, self.pickled_key_terms
        return frozenset(self._key_terms), pickle.dumps(self._key_terms, pickle.HIGHEST_PROTOCOL)

    def stored_keys(self) -> tuple[frozenset[Any], ...]:
        """The keys of what `write_memo` stores: equal before and after a run, nothing is new."""
        return (
            frozenset(self.parsed),
            frozenset(self.checked),
            self.key_term_keys if self._key_terms is None else frozenset(self._key_terms),
            frozenset(self.layouts),
            frozenset(self.duplicates),
        )


def memo_file(root: Path) -> Path:
    """Where `wijkengids check` and `mkdocs build` keep the memo of the project at `root` (see
    `read_memo`): in the user's cache folder, never in the project."""
    return project_cache(root) / "check.pickle"


_PACKAGE = Path(__file__).resolve().parent


@functools.cache  # read once per process: the code does not change under a running check
def _code_version() -> str:
    """A hash of everything a memo's results were computed with: this package's code, PyYAML
    and Python. Another version's memo is never read."""
    digest = hashlib.sha256(f"{sys.version}|{yaml.__version__}".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


# The content model is read-only through mappingproxy, which pickle does not know: it is stored
# as a dict and wrapped again when read.
def _read_only(mapping: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(mapping)


copyreg.pickle(MappingProxyType, lambda proxy: (_read_only, (dict(proxy),)))


def read_memo(path: Path) -> Memo:
    """The results a previous check or build stored at `path`: parsed items, their own findings,
    key terms and the kaart layout, all under content hashes (like Sphinx's pickled environment).
    An empty memo when there is none, it cannot be read, or another version of the code wrote it.
    Only the user's own cache folder is read (`memo_file`). The search model's memo is not stored:
    it would double the file for a saving of a few seconds at 5,000 items."""
    # Some 200,000 objects at 5,000 items, none in a cycle: the cycle collector would only walk
    # them again and again while they are made (a third of the time to read the memo).
    try:
        with cycle_collection_paused(), path.open("rb") as f:
            if pickle.load(f) != _code_version():  # checked before the rest is even unpickled
                return Memo()
            parsed, checked, key_term_keys, pickled_key_terms, layouts, duplicates = pickle.load(f)
    except FileNotFoundError:
        return Memo()
    except Exception as exc:  # any unreadable cache is just a cold start
        log.debug("cache %s not used: %s", path, exc)
        return Memo()
    return Memo(
        parsed=parsed,
        checked=checked,
        layouts=layouts,
        duplicates=duplicates,
        pickled_key_terms=pickled_key_terms,
        key_term_keys=key_term_keys,
    )


def write_memo(memo: Memo, path: Path) -> None:
    """Store what `read_memo` reads, atomically: a check that is interrupted leaves the old file."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=path.name, delete=False) as f:
            temporary = Path(f.name)
            pickle.dump(_code_version(), f, pickle.HIGHEST_PROTOCOL)
            keys, key_terms = memo.stored_key_terms()
            stored = (memo.parsed, memo.checked, keys, key_terms, memo.layouts, memo.duplicates)
            pickle.dump(stored, f, pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        temporary = None
    except Exception as exc:  # a read-only checkout still gets its check, only not faster next time
        log.debug("cache %s not written: %s", path, exc)
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Settings:
    """What a build needs to know, independent of the site generator.

    Attributes:
        root: Project root holding the collections (lessons/, bestanddelen/, themas/, interventies/).
        data_dir: Folder with the vocabulary files (stappen, actoren, signalen, bewijs, bronnen).
        docs_dir: Hand-written pages; their `[[id]]` links are checked too. None to skip.
        severities: Severity per diagnostic code or code prefix (`warn`, `error`, `info`, `ignore`).
        similarity: Look for near-duplicate items (`content.duplicate`); about 0.2 s on 300 items.
        cache_dir: Where the search index is cached; `search.cache_dir(root)` by default.
        render: Also make what pages show (related items, generated pages, panels, search text);
            `wijkengids check` needs only the diagnostics and skips it.
        graph: Build the knowledge graph without `render` too (`wijkengids graaf`); `check` needs
            none of it.
        subset: Publish only part of the guide (`thema:<id>` or `stap:<n>`, see `subset`), for a
            werkatelier bundle; None publishes everything.
        memo: Results of the previous run to reuse where the inputs are unchanged (serve only).
        directory_urls: The site's URL style (`x/` or `x.html`), for the listings of generated pages.
        apart: A large build (`background.ITEMS_WORTH_A_PROCESS`) finds the related items and
            panels in a second process while the caller goes on; `with_panels` waits for them.
    """

    root: Path
    data_dir: Path | None = None
    docs_dir: Path | None = None
    severities: Mapping[str, str] = field(default_factory=dict)
    similarity: bool = True
    cache_dir: Path | None = None
    render: bool = True
    graph: bool = True
    subset: str | None = None
    memo: Memo | None = field(default=None, compare=False)
    directory_urls: bool = True
    apart: bool = False


@dataclass(frozen=True, slots=True)
class Build:
    """Everything one build knows. Created fresh for every build; nothing survives it."""

    corpus: Corpus
    diagnostics: tuple[Diagnostic, ...]
    graph: KnowledgeGraph | None  # None when neither `render` nor `graph` asked for it
    leeswijzer: Leeswijzer
    pages: Mapping[str, str]
    panels: Mapping[str, PagePanel]
    items_by_uri: Mapping[str, Item]
    synonyms: Synonyms = field(default_factory=Synonyms)
    published: frozenset[str] | None = None  # item pages of a subset bundle; None: all
    search_fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # by item path
    panels_job: background.Job[dict[str, PagePanel]] | None = None  # see Settings.apart

    def panel_for(self, src_uri: str) -> PagePanel | None:
        return self.panels.get(src_uri)

    def problems(self) -> tuple[Diagnostic, ...]:
        """What the `serve` banner shows on every page: the errors and warnings, not the notes."""
        return tuple(d for d in self.diagnostics if d.severity is not Severity.INFO)

    def item_for(self, src_uri: str) -> Item | None:
        return self.items_by_uri.get(src_uri)

    def resolve(self, item_id: str) -> LinkTarget | None:
        item = self.corpus.index.get(item_id)  # type: ignore[call-overload]
        if item is None:
            return None
        if not self.is_published(item.src_uri):
            return LinkTarget("", item.titel)  # exists, but not in this bundle: shown as text
        return LinkTarget(item.src_uri, item.titel)

    def is_published(self, src_uri: str) -> bool:
        """Whether an item page is part of this build (always, unless a subset is built)."""
        return self.published is None or src_uri in self.published


@contextmanager
def _timed(stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    log.debug("%s: %.1f ms (peak memory %.0f MB)", stage, (time.perf_counter() - start) * 1000, peak)


def docs_pages(docs_dir: Path) -> dict[str, Path]:
    """Hand-written Markdown pages by source URI."""
    if not docs_dir.is_dir():
        return {}
    return {p.relative_to(docs_dir).as_posix(): p for p in sorted(docs_dir.rglob("*.md"))}


def _check_docs_links(settings: Settings, pages: dict[str, Path], corpus: Corpus) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for path in pages.values():
        rel = path.relative_to(settings.root).as_posix() if path.is_relative_to(settings.root) else str(path)
        text, problems = read_text(path, rel)
        diagnostics += problems
        if text is None:
            continue
        body, first_line = text, 1
        if text.startswith("---"):
            fm, _ = split_frontmatter(text, rel)
            if fm is not None:
                body, first_line = fm.body, fm.body_line
        diagnostics += check_links(rel, find_links(body, first_line), corpus)
    return diagnostics


def run(settings: Settings) -> Build:
    """Run the whole pipeline once.

    Returns:
        The Build: corpus, diagnostics (severities applied), graph, leeswijzer, generated pages and panels.
    """
    root, memo = settings.root, settings.memo
    with _timed("load"):
        corpus, diagnostics = load(root, settings.data_dir, memo.parsed if memo else None)
    with _timed("validate"):
        diagnostics += validate(corpus, memo.checked if memo else None)
        existing = docs_pages(settings.docs_dir) if settings.docs_dir else {}
        diagnostics += _check_docs_links(settings, existing, corpus)
    graph = None
    if settings.render or settings.graph:
        with _timed("graph"):
            graph = build_graph(corpus)
    with _timed("leeswijzer"):
        leeswijzer = route(corpus)
    with _timed("synonyms"):
        synonyms, problems = load_synonyms(settings.data_dir, root)
        diagnostics += problems
    # Made once, shared: the plain text of every item's search fields and their analyzed words.
    fields = corpus_fields(corpus) if settings.render else None

    def key_terms() -> dict[str, dict[str, int]]:
        return corpus_key_terms(corpus, fields, memo.key_terms if memo else None)

    terms = key_terms() if settings.render else {}
    if settings.similarity:
        with _timed("duplicates"):
            broken = {d.path for d in diagnostics if d.severity is Severity.ERROR}
            # A check makes the key terms only when the pairs are not in the memo.
            found = duplicate_diagnostics(
                corpus, broken, terms if settings.render else key_terms, memo=memo.duplicates if memo else None
            )
            diagnostics += found
    pages: dict[str, str] = {}
    panels: dict[str, PagePanel] = {}
    panels_job = None
    published: frozenset[str] | None = None
    shown = corpus  # what the generated overview pages list
    if settings.subset:
        subset = Subset.parse(settings.subset)
        wrong = subset_problems(corpus, subset)
        diagnostics += wrong
        if not wrong:
            kept = kept_ids(corpus, subset)
            shown = Corpus.of([i for i in corpus.items if i.id in kept], corpus.vocabulary)
            published = frozenset(i.src_uri for i in shown.items)
    if settings.render:
        assert graph is not None  # built above whenever render is
        apart = settings.apart and len(corpus.items) >= background.ITEMS_WORTH_A_PROCESS
        pages, panels, panels_job = _render(
            corpus, shown, graph, leeswijzer, terms, existing.keys(), memo, settings.directory_urls, apart
        )
    diagnostics = with_severities(diagnostics, dict(settings.severities))
    log.debug("%d items, %d diagnostics", len(corpus.items), len(diagnostics))
    return Build(
        corpus=corpus,
        diagnostics=tuple(diagnostics),
        graph=graph,
        leeswijzer=leeswijzer,
        pages=MappingProxyType(pages),
        panels=MappingProxyType(panels),
        items_by_uri=MappingProxyType({i.src_uri: i for i in corpus.items}),
        synonyms=synonyms,
        published=published,
        search_fields=MappingProxyType(fields or {}),
        panels_job=panels_job,
    )


def _render(
    corpus: Corpus,
    shown: Corpus,
    graph: KnowledgeGraph,
    leeswijzer: Leeswijzer,
    terms: Mapping[str, Mapping[str, int]],
    existing: Collection[str],
    memo: Memo | None,
    directory_urls: bool,
    apart: bool,
) -> tuple[dict[str, str], dict[str, PagePanel], background.Job[dict[str, PagePanel]] | None]:
    """The generated pages, and every page's panel or the job that finds them (`apart`).
    Imported here, not at the top: a check renders nothing and so never loads Jinja2 and the page
    modules (a sixth of its start-up)."""
    from .pages import explore_pages, generate

    # One undirected graph for both: the related items only read it, then the kaart trims it.
    simple = graph.undirected()
    panels: dict[str, PagePanel] = {}
    job = None
    if apart:
        try:
            job = background.Job(page_panels, corpus, graph, leeswijzer, terms)
        except OSError as exc:  # no second process to be had: found here
            log.debug("panelen niet op de achtergrond: %s", exc)
    if job is None:
        panels = page_panels(corpus, graph, leeswijzer, terms, simple)
    with _timed("pages"):
        if shown is corpus:
            pages = generate(corpus, leeswijzer, existing, directory_urls=directory_urls)
            layouts = memo.layouts if memo else None
            explored = explore_pages(corpus, graph, leeswijzer, layouts, directory_urls=directory_urls, simple=simple)
            pages.update(explored)
        else:  # overviews list only what the bundle holds, so they never link out of it
            shown_graph, shown_route = build_graph(shown), route(shown)
            pages = generate(shown, shown_route, existing, directory_urls=directory_urls)
            pages.update(explore_pages(shown, shown_graph, shown_route, directory_urls=directory_urls))
    return pages, panels, job


def page_panels(
    corpus: Corpus,
    graph: KnowledgeGraph,
    leeswijzer: Leeswijzer,
    terms: Mapping[str, Mapping[str, int]],
    simple: Any = None,
) -> dict[str, PagePanel]:
    """Every page's panel, the related items of each item included; a function of its arguments
    alone, so a large build finds it in a second process (`Settings.apart`).

    Arguments:
        terms: `corpus_key_terms` of the corpus.
        simple: `graph.undirected()` when the caller has it already (it is only read).
    """
    from .explore import WIJKSCAN_URI
    from .pages import LEESWIJZER_URI
    from .panels import Group, PagePanel, Ref, build_panels, flow_for
    from .related import related_items

    with _timed("related"):
        related = related_items(corpus, graph, terms, simple if simple is not None else graph.undirected())
    with _timed("panels"):
        panels = build_panels(corpus, graph, leeswijzer, related, wijkscan=WIJKSCAN_URI)
        panels[LEESWIJZER_URI] = PagePanel(
            kind_label="Leeswijzer",
            flow=flow_for([], leeswijzer),
            listings_title="De vijf stappen",
            listings=tuple(
                Group(f"Stap {r.stap.nummer}", (Ref(r.stap.vraag, r.src_uri, f"{r.count} items"),))
                for r in leeswijzer.routes
            ),
        )
    return panels


def with_panels(build: Build) -> Build:
    """The build with its panels: waits for the job that finds them (`Settings.apart`), or finds
    them here if the job failed (the graph and key terms are then made again)."""
    job = build.panels_job
    if job is None:
        return build
    try:
        panels = job.result()
    except background.JobError as exc:
        log.debug("panelen op de achtergrond mislukt: %s", exc)
        graph = build.graph if build.graph is not None else build_graph(build.corpus)
        terms = corpus_key_terms(build.corpus, build.search_fields)
        panels = page_panels(build.corpus, graph, build.leeswijzer, terms)
    return dataclasses.replace(build, panels=MappingProxyType(panels), panels_job=None)


def search_index(build: Build, settings: Settings) -> SearchIndex:
    """The Whoosh index of a build's corpus, from the cache when the content did not change."""
    from .whoosh_index import open_index  # Whoosh's index and query modules: not for a check

    return open_index(build.corpus, build.synonyms, settings.cache_dir or cache_dir(settings.root))
