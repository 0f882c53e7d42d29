"""What the panels around a page show: its place in the flow, its relations, its sources and its
backlinks. Pure data keyed by MkDocs source URI; the theme templates render it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .graph import KnowledgeGraph
from .leeswijzer import Leeswijzer, group_by_kind, stap_uri, werkblad_uri
from .model import Bron, Corpus, Item, ItemId, Kind, Term
from .pickling import fast_pickle
from .related import Related


@fast_pickle
@dataclass(frozen=True, slots=True)
class Ref:
    """A link to a page: its title, source URI and an optional short note."""

    titel: str
    src_uri: str
    note: str = ""


@fast_pickle
@dataclass(frozen=True, slots=True)
class Group:
    """A titled list of links. Beyond `visible` entries the rest folds away, so a step with a
    hundred lessons still reads as a page, not a wall of links."""

    title: str
    refs: tuple[Ref, ...]
    visible: int = 1000
    # Sub-lists under their own small heading (per type within a step): a type once per list,
    # not after every entry, keeps a thema with a hundred items readable and under 60 KB.
    parts: tuple[Group, ...] = ()

    @property
    def shown(self) -> tuple[Ref, ...]:
        return self.refs[: self.visible]

    @property
    def folded(self) -> tuple[Ref, ...]:
        return self.refs[self.visible :]


# A step page leads with the ingredients, then the practices, then the lessons.
STEP_KIND_ORDER = (Kind.BESTANDDEEL, Kind.INTERVENTIE, Kind.LES)
STEP_LIST_VISIBLE = 12


@fast_pickle
@dataclass(frozen=True, slots=True)
class FlowStep:
    nummer: int
    kort: str
    vraag: str
    src_uri: str
    active: bool


@fast_pickle
@dataclass(frozen=True, slots=True)
class Flow:
    """Where a page stands in the five steps: "Stap 2 van 5 — Wat is er aan de hand?"."""

    steps: tuple[FlowStep, ...]
    current: FlowStep | None
    previous: FlowStep | None
    next: FlowStep | None


@fast_pickle
@dataclass(frozen=True, slots=True)
class Citation:
    bron: Bron
    sectie: str


@fast_pickle
@dataclass(frozen=True, slots=True)
class PagePanel:
    kind_label: str
    flow: Flow | None
    facts: tuple[tuple[str, str], ...] = ()
    bewijs: Term | None = None
    relations: tuple[Group, ...] = ()
    listings_title: str = ""
    listings: tuple[Group, ...] = ()
    citations: tuple[Citation, ...] = ()
    backlinks: tuple[Ref, ...] = ()
    terms: tuple[Group, ...] = ()
    werkblad: str = ""  # source URI of the step's printable worksheet
    related: tuple[Ref, ...] = ()  # "Verwant": note = what kind and why ("Les · deelt: Focus, stap 3")
    wijkscan: str = ""  # source URI of the wijkscan, on the page of step 1


def ref(item: Item, note: str = "") -> Ref:
    return Ref(item.titel, item.src_uri, note or item.kind.label)


def flow_for(stappen: Iterable[int], leeswijzer: Leeswijzer, current: int | None = None) -> Flow:
    active = set(stappen)
    steps = tuple(
        FlowStep(r.stap.nummer, r.stap.kort, r.stap.vraag, stap_uri(r.stap.nummer), r.stap.nummer in active)
        for r in leeswijzer.routes
    )
    if current is None:
        current = min(active) if active else None
    here = steps[current - 1] if current and 0 < current <= len(steps) else None
    previous = steps[here.nummer - 2] if here and here.nummer > 1 else None
    nxt = steps[here.nummer] if here and here.nummer < len(steps) else None
    return Flow(steps, here, previous, nxt)


def build_panels(
    corpus: Corpus,
    graph: KnowledgeGraph,
    leeswijzer: Leeswijzer,
    related: Mapping[ItemId, tuple[Related, ...]] | None = None,
    wijkscan: str = "",
) -> dict[str, PagePanel]:
    """One panel per item page and per step page, keyed by source URI.

    Arguments:
        related: Related items per item (`related.related_items`), shown as "Verwant".
        wijkscan: Source URI of the wijkscan page, linked from step 1.
    """
    related = related or {}
    referrers: dict[ItemId, list[Item]] = {}
    for item in corpus.items:
        for target in dict.fromkeys(item.themas + item.bestanddelen + item.interventies):
            referrers.setdefault(target, []).append(item)
    panels = {
        item.src_uri: replace(
            _item_panel(item, corpus, graph, leeswijzer, referrers.get(item.id, [])),
            related=tuple(
                ref(found, f"{found.kind.label} · {r.reason}")
                for r in related.get(item.id, ())
                if (found := corpus.index.get(r.id)) is not None
            ),
        )
        for item in corpus.items
    }
    mentions = {item.id: len(graph.backlinks(item.id)) for item in corpus.items}
    for route in leeswijzer.routes:
        groups = []
        for kind in STEP_KIND_ORDER:
            # Most-referred-to first: those connect the step to the rest of the guide.
            items = sorted(route.items.get(kind, ()), key=lambda i: (-mentions[i.id], i.titel.casefold()))
            if items:
                groups.append(Group(kind.plural, tuple(ref(i, i.samenvatting) for i in items), STEP_LIST_VISIBLE))
        panels[route.src_uri] = PagePanel(
            kind_label="Stap",
            flow=flow_for([route.stap.nummer], leeswijzer, route.stap.nummer),
            listings_title=f"Wat hoort bij stap {route.stap.nummer}",
            listings=tuple(groups),
            werkblad=werkblad_uri(route.stap.nummer),
            wijkscan=wijkscan if route.stap.nummer == 1 else "",
        )
    return panels


def _item_panel(
    item: Item, corpus: Corpus, graph: KnowledgeGraph, leeswijzer: Leeswijzer, referrers: list[Item]
) -> PagePanel:
    vocab = corpus.vocabulary
    relations = []
    for title, ids in (
        ("Thema's", item.themas),
        ("Werkzame bestanddelen", item.bestanddelen),
        ("Interventies", item.interventies),
    ):
        refs = tuple(ref(corpus.index[i]) for i in dict.fromkeys(ids) if i in corpus.index and i != item.id)
        if refs:
            relations.append(Group(title, refs))

    listings: tuple[Group, ...] = ()
    listings_title = ""
    listed: set[ItemId] = set()
    if item.kind in (Kind.THEMA, Kind.BESTANDDEEL):
        listings_title = f"Wat hoort bij dit {'thema' if item.kind is Kind.THEMA else 'bestanddeel'}, per stap"
        groups = []
        for route in leeswijzer.routes:
            members = [r for r in referrers if route.stap.nummer in r.stappen]
            parts = tuple(
                Group(kind.plural, tuple(Ref(i.titel, i.src_uri) for i in kind_items))
                for kind, kind_items in group_by_kind(members).items()
            )
            if parts:
                refs = tuple(r for part in parts for r in part.refs)
                groups.append(Group(f"Stap {route.stap.nummer} — {route.stap.vraag}", refs, parts=parts))
        listings = tuple(groups)
        listed = {r.id for r in referrers}

    backlinks = tuple(ref(corpus.index[b]) for b in graph.backlinks(item.id) if b in corpus.index and b not in listed)
    citations = tuple(Citation(b, r.sectie) for r in item.bronnen if (b := vocab.bron(r.bron)) is not None)
    terms = []
    for title, kind, values in (("Signalen", "signalen", item.signalen), ("Wie doen mee", "actoren", item.actoren)):
        labels = tuple(Ref(t.label, "") for v in values if (t := vocab.term(kind, v)) is not None)
        if labels:
            terms.append(Group(title, labels))
    return PagePanel(
        kind_label=item.kind.label,
        flow=flow_for(item.stappen, leeswijzer) if item.stappen and item.kind is not Kind.THEMA else None,
        facts=_facts(item),
        bewijs=vocab.term("bewijs", item.bewijs),
        relations=tuple(relations),
        listings_title=listings_title,
        listings=listings,
        citations=citations,
        backlinks=backlinks,
        terms=tuple(terms),
    )


def _facts(item: Item) -> tuple[tuple[str, str], ...]:
    """The factsheet of an interventie, in the order of the Dutch intervention databases."""
    d = item.interventie
    if d is None:
        return ()
    rows = (
        ("Plaats", d.plaats),
        ("Wijk", d.wijk),
        ("Periode", d.periode),
        ("Doel", d.doel),
        ("Doelgroep", d.doelgroep),
        ("Uitvoerders", ", ".join(d.uitvoerders)),
        ("Resultaten", d.resultaten),
        ("Randvoorwaarden", "; ".join(d.randvoorwaarden)),
    )
    return tuple((label, value) for label, value in rows if value)
