"""Related items ("Verwant"): up to five per item page, each with the reason it is shown.

A reader who lands on one lesson should find the lessons next to it, also when nobody linked them.
For an item `a` and a candidate `b` the score mixes the knowledge graph and the text:

    score(a, b) = GRAPH_SHARE · G(a, b) / max_c G(a, c)  +  TEXT_SHARE · min(1, T(a, b) / TEXT_FULL)

- **G, shared neighbours** — a weighted Adamic-Adar index over the graph without bronnen, as an
  undirected simple graph: `G(a, b) = Σ w(z) / ln(1 + deg(z))` over every node `z` that both `a`
  and `b` touch (a bestanddeel both use, a signaal, a thema, a stap, a plaats, an item both link
  to or that links to both). A neighbour shared with few items counts much more than a hub: a
  bestanddeel used by 4 items weighs 0.62, a stap with 150 items 0.06 (with `w` below). `w` says
  how much a kind of shared neighbour tells about the content (`NEIGHBOUR_WEIGHTS`): bestanddeel,
  interventie and plaats 1.0, signaal 0.8, a linked les 0.7, thema 0.5, stap 0.3. Divided by the
  best candidate's G, so the graph part is between 0 and 1 for every page.
- **T, text** — the cosine of TF-IDF vectors (sublinear tf, smoothed idf, L2-normalised) over the
  stemmed words of titel (counted 3 times), samenvatting (twice) and body: the same Dutch analysis
  as the search (`search.corpus_key_terms`, computed once per build and shared). A cosine of
  `TEXT_FULL` (0.35) or more counts fully; unrelated items score below 0.05.
- GRAPH_SHARE 0.6, TEXT_SHARE 0.4: structure first, because an editor chose it; text fills in
  where the frontmatter is thin.

Never shown: the page itself, what it already links to (frontmatter `themas`, `bestanddelen`,
`interventies` or an `[[id]]` in the body) and what links to it (the panel lists those under
"Wordt genoemd in"). Thema pages are only related to other thema's; other pages never get a thema
(it is in "Hoort bij" or it is not theirs). A candidate needs a shared neighbour other than a
stap, or a cosine of at least `MIN_TEXT`; ties go by title.

The reason names the shared neighbours that added most ("deelt: Focus, Lange adem, stap 3"), and
"vergelijkbare tekst" when the text gave at least half of the score.

Cost, measured on the real content (288 items, 330 nodes): about 0.1 s for all items, once per
build (the word analysis is shared with the search and not counted).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .graph import KnowledgeGraph
from .model import Corpus, Item, ItemId, Kind
from .search import ItemKeyTerms

if TYPE_CHECKING:
    import networkx as nx

MAX_RELATED = 5
GRAPH_SHARE = 0.6
TEXT_SHARE = 0.4
TEXT_FULL = 0.35
MIN_TEXT = 0.12
MAX_REASONS = 3
NEIGHBOUR_WEIGHTS = {
    "bestanddeel": 1.0,
    "interventie": 1.0,
    "plaats": 1.0,
    "signaal": 0.8,
    "les": 0.7,
    "thema": 0.5,
    "stap": 0.3,
}
KEY_TERMS = 60  # per item, its heaviest words; the long tail adds cost, hardly any ranking
# A neighbour shared with more items than this is a hub (a stap, a big thema, a common signaal):
# it adds to the score of candidates found otherwise but never selects one itself. A fixed number,
# not a share of the corpus, so each item weighs a bounded number of candidates and ranking stays
# linear in the corpus (at 5% of 5,000 items it was 250 candidates per shared neighbour).
HUB_DEGREE = 60


@dataclass(frozen=True, slots=True)
class Related:
    """One related item: which, how strongly (0..1) and why."""

    id: ItemId
    score: float
    reason: str


def related_items(
    corpus: Corpus, graph: KnowledgeGraph, terms: ItemKeyTerms, simple: nx.Graph | None = None
) -> dict[ItemId, tuple[Related, ...]]:
    """Up to MAX_RELATED related items for every published item, best first.

    Arguments:
        terms: `search.corpus_key_terms(corpus)`: weighted analyzed words, by item path.
        simple: `graph.undirected()` when the caller has it already; only read.
    """
    items = [i for i in corpus.items if corpus.index.get(i.id) is i]
    simple = simple if simple is not None else graph.undirected()
    ctx = _Context(
        corpus=corpus,
        types={n: graph.node_type(n) for n in simple},
        labels={n: str(d.get("label", n)) for n, d in simple.nodes(data=True)},
        adjacent={n: set(simple.adj[n]) for n in simple},
        weight={
            n: NEIGHBOUR_WEIGHTS.get(graph.node_type(n), 0.0) / math.log(1 + max(1, simple.degree(n))) for n in simple
        },
        hubs=frozenset(n for n in simple if graph.node_type(n) == "stap" or simple.degree(n) > HUB_DEGREE),
        themas=frozenset(i for i, item in corpus.index.items() if item.kind is Kind.THEMA),
        others=frozenset(i for i, item in corpus.index.items() if item.kind is not Kind.THEMA),
        sort_titles={i: item.titel.casefold() for i, item in corpus.index.items()},
    )
    text = _text_similarity(items, terms)
    return {item.id: _rank(item, ctx, text.get(item.id, {})) for item in items}


@dataclass(frozen=True, slots=True)
class _Context:
    """What ranking needs of the graph, looked up once: node types, labels, neighbours, the hubs
    and the Adamic-Adar weight w(z) / ln(1 + deg(z)) of every node as a shared neighbour."""

    corpus: Corpus
    types: Mapping[str, str]
    labels: Mapping[str, str]
    adjacent: Mapping[str, set[str]]
    weight: Mapping[str, float]
    hubs: frozenset[str]  # stappen and nodes with more than HUB_DEGREE neighbours
    themas: frozenset[str]  # ids of thema items
    others: frozenset[str]  # ids of every other item
    sort_titles: Mapping[str, str]  # casefolded title by item id


def _rank(item: Item, ctx: _Context, text: Mapping[ItemId, float]) -> tuple[Related, ...]:
    if item.id not in ctx.adjacent:
        return ()
    neighbours = ctx.adjacent[item.id]
    shared: dict[str, float] = defaultdict(float)
    hubs = []
    for z in neighbours:
        if z in ctx.hubs:
            hubs.append(z)  # shared with a large part of the corpus: it ranks, it never selects
            continue
        weight = ctx.weight[z]
        for b in ctx.adjacent[z]:
            shared[b] += weight
    # Thema pages are related only to thema's, other pages only to non-thema's.
    allowed = ctx.themas if item.kind is Kind.THEMA else ctx.others
    candidates = (shared.keys() | {b for b, t in text.items() if t >= MIN_TEXT}) & allowed
    candidates -= neighbours  # what it links to and what links to it are listed elsewhere
    candidates.discard(item.id)
    if not candidates:
        return ()
    for z in hubs:
        for b in candidates & ctx.adjacent[z]:
            shared[b] += ctx.weight[z]
    # The hot loop of a build (some 230 candidates per item): lookups bound once, no ItemId() call.
    best_graph = max(map(shared.__getitem__, candidates)) or 1.0  # every candidate gets a (0.0) entry
    text_of, titles = text.get, ctx.sort_titles
    scored = []
    for b in candidates:
        fraction = text_of(b, 0.0) / TEXT_FULL  # type: ignore[call-overload]
        t = TEXT_SHARE * (fraction if fraction < 1.0 else 1.0)
        scored.append((-(GRAPH_SHARE * shared[b] / best_graph + t), titles[b], b, t))
    index = ctx.corpus.index
    return tuple(
        Related(ItemId(b), round(-negative, 3), _reason(item, index[ItemId(b)], ctx, t >= -negative / 2))
        for negative, _, b, t in heapq.nsmallest(MAX_RELATED, scored)  # best first, ties by title
    )


def _reason(item: Item, other: Item, ctx: _Context, textual: bool) -> str:
    """ "deelt: Focus, signaal overlast, stap 3 · 2 dezelfde lessen · vergelijkbare tekst"."""
    shared = ctx.adjacent[item.id] & ctx.adjacent[other.id]
    lessons = sum(ctx.types[z] == "les" for z in shared)
    named = sorted((z for z in shared if ctx.types[z] != "les"), key=lambda z: (-ctx.weight[z], _label(ctx, z)))
    parts = []
    if named:
        parts.append("deelt: " + ", ".join(_label(ctx, z) for z in named[:MAX_REASONS]))
    if lessons:
        parts.append(f"{lessons} dezelfde {'les' if lessons == 1 else 'lessen'}")
    if textual or not parts:
        parts.append("vergelijkbare tekst")
    return " · ".join(parts)


def _label(ctx: _Context, node: str) -> str:
    """A short name: `stap 3`, `signaal overlast`, or a title up to its colon or bracket
    ("Focus: kiezen voor enkele urgente doelen" → "Focus")."""
    kind = ctx.types[node]
    label = ctx.labels[node]
    if kind == "stap":
        return f"stap {node.split(':', 1)[1]}"
    if kind == "signaal":
        return f"signaal {label.lower()}"
    return label.split(": ", 1)[0].split(" (", 1)[0]


def _text_similarity(items: list[Item], terms: ItemKeyTerms) -> dict[ItemId, dict[ItemId, float]]:
    """Cosine similarity of TF-IDF vectors, for every pair with a positive score."""
    counts = [terms.get(item.path, {}) for item in items]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(items)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    # Words in more items than this pair up too many items to be worth their cost (n² postings).
    common = min(max(2, n // 2), HUB_DEGREE)
    for i, c in enumerate(counts):
        # A word in one item links nothing; one in half of them says little and costs the most.
        weights = {t: (1 + math.log(tf)) * math.log((n + 1) / df[t]) for t, tf in c.items() if 1 < df[t] <= common}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        top = sorted(weights.items(), key=lambda kv: -kv[1])[:KEY_TERMS]
        for t, w in top:
            postings[t].append((i, w / norm))
    dots: list[dict[int, float]] = [defaultdict(float) for _ in items]
    for entries in postings.values():
        for x, (i, wi) in enumerate(entries):
            row = dots[i]
            for j, wj in entries[x + 1 :]:
                row[j] += wi * wj
    result: dict[ItemId, dict[ItemId, float]] = {item.id: {} for item in items}
    for i, row in enumerate(dots):
        for j, score in row.items():
            result[items[i].id][items[j].id] = score
            result[items[j].id][items[i].id] = score
    return result
