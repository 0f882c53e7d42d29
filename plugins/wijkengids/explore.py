"""Data for the pages that let a reader explore the guide: the kaart (a map of the knowledge), the
thema × stap matrix, the plaatsen, the wijkscan (step 1) and the interventie-zoeker.

Pure: corpus, graph and leeswijzer in; frozen dataclasses and JSON-ready dicts out. `pages.py`
renders them into Markdown through templates, the scripts in `theme/assets/wijkengids/` make them
interactive. Every page works without JavaScript (a list, a table) and offline (the data is inlined
in the page as JSON; the link of each node comes from the Markdown list, so MkDocs resolves and
checks it like any other link).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from markdown.extensions.toc import slugify

from .graph import KnowledgeGraph, LayoutMemo, layout
from .leeswijzer import Leeswijzer, stap_uri
from .model import KIND_ORDER, Corpus, Item, ItemId, Kind, Stap, Term

if TYPE_CHECKING:
    import networkx as nx

# Not `kaart/index.md`: with Material's navigation.indexes the first index page of a nav section
# becomes the section's own page and disappears from its list. The URL is /kaart/ either way.
KAART_URI = "kaart.md"
MATRIX_URI = "matrix.md"
PLAATSEN_URI = "plaatsen.md"
WIJKSCAN_URI = "wijkscan.md"


def anchor(text: str) -> str:
    """The id MkDocs gives a heading with this text (Python-Markdown's default toc slug)."""
    return slugify(text, "-")


# ---------------------------------------------------------------------------------------------
# Plaatsen

# A `plaats` that names no gemeente ("Landelijk (…)", "Niet genoemd (…)"): listed apart, no map node.
_NO_PLACE = re.compile(r"^(landelijk|niet genoemd|onbekend|diverse|verschillende)\b", re.IGNORECASE)
ELDERS = "Landelijk of zonder plaats"


def is_place(plaats: str) -> bool:
    return bool(plaats.strip()) and not _NO_PLACE.match(plaats.strip())


def facet_place(plaats: str) -> str:
    """The plaats as a filter value: a gemeente, or "Landelijk" / "Niet genoemd" without the note."""
    return plaats.split(" (", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class Wijk:
    naam: str
    interventies: tuple[Item, ...]
    lessen: tuple[Item, ...]  # lessons that name this wijk

    @property
    def anchor(self) -> str:
        return anchor(self.naam)


@dataclass(frozen=True, slots=True)
class Plaats:
    naam: str
    interventies: tuple[Item, ...]  # without a wijk
    wijken: tuple[Wijk, ...]
    lessen: tuple[Item, ...]  # lessons that name the gemeente and none of its wijken

    @property
    def anchor(self) -> str:
        return anchor(self.naam)

    @property
    def count(self) -> int:
        return len(self.interventies) + sum(len(w.interventies) for w in self.wijken)


@dataclass(frozen=True, slots=True)
class Plaatsen:
    plaatsen: tuple[Plaats, ...]
    elders: tuple[Item, ...]  # interventies without a gemeente


def _by_title(items: Iterable[Item]) -> tuple[Item, ...]:
    return tuple(sorted(items, key=lambda i: i.titel.casefold()))


def plaatsen(corpus: Corpus) -> Plaatsen:
    """Every gemeente and wijk named by an interventie (`plaats`, `wijk`), with its interventies
    and the lessons whose titel, samenvatting or text name it as a whole word (case-sensitive: a
    place name is a proper noun). Lessons have no plaats field, so only names that interventies
    use are looked for: a city no interventie names is not detected. A lesson that names a wijk
    is listed under the wijk, one that names only the gemeente under the gemeente."""
    by_place: dict[str, list[Item]] = {}
    elders = []
    for item in corpus.of_kind(Kind.INTERVENTIE):
        d = item.interventie
        if d is not None and is_place(d.plaats):
            by_place.setdefault(d.plaats.strip(), []).append(item)
        else:
            elders.append(item)
    names = {
        n
        for naam, items in by_place.items()
        for n in (naam, *(i.interventie.wijk.strip() for i in items if i.interventie))
    }
    names.discard("")
    # One pass per lesson over all names (longest first, so "Rotterdam-Zuid" is not read as "Rotterdam").
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))) + r")(?!\w)"
    )
    named: dict[str, list[Item]] = {}
    for lesson in corpus.of_kind(Kind.LES) if names else ():
        found = set(pattern.findall(f"{lesson.titel}\n{lesson.samenvatting}\n{lesson.body}"))
        for n in found:
            named.setdefault(n, []).append(lesson)
    result = []
    for naam in sorted(by_place, key=str.casefold):
        items = by_place[naam]
        wijken: dict[str, list[Item]] = {}
        for item in items:
            wijk = item.interventie.wijk.strip() if item.interventie else ""
            if wijk:
                wijken.setdefault(wijk, []).append(item)
        wijk_names = sorted(wijken, key=str.casefold)
        in_wijk = {w: named.get(w, []) for w in wijk_names}
        elsewhere = {lesson.id for found in in_wijk.values() for lesson in found}
        result.append(
            Plaats(
                naam=naam,
                interventies=_by_title(i for i in items if not (i.interventie and i.interventie.wijk.strip())),
                wijken=tuple(Wijk(w, _by_title(wijken[w]), tuple(in_wijk[w])) for w in wijk_names),
                lessen=tuple(lesson for lesson in named.get(naam, []) if lesson.id not in elsewhere),
            )
        )
    return Plaatsen(tuple(result), _by_title(elders))


# ---------------------------------------------------------------------------------------------
# Kaart

MAP_TYPES: tuple[tuple[str, str], ...] = (
    ("les", "Lessen"),
    ("bestanddeel", "Werkzame bestanddelen"),
    ("interventie", "Interventies"),
    ("thema", "Thema's"),
    ("stap", "Stappen"),
    ("signaal", "Signalen"),
    ("plaats", "Plaatsen"),
)
_TYPE_LABEL = {
    Kind.LES.value: "les",
    Kind.BESTANDDEEL.value: "bestanddeel",
    Kind.INTERVENTIE.value: "interventie",
    Kind.THEMA.value: "thema",
}


@dataclass(frozen=True, slots=True)
class MapNode:
    key: str  # the graph node
    type: str  # one of MAP_TYPES
    label: str
    src_uri: str  # the page it opens, with an anchor for plaatsen and signalen
    x: float
    y: float
    themas: tuple[str, ...]
    stappen: tuple[int, ...]
    degree: int


@dataclass(frozen=True, slots=True)
class Kaart:
    nodes: tuple[MapNode, ...]
    edges: tuple[tuple[int, int], ...]  # indexes into nodes
    themas: tuple[Item, ...]
    stappen: tuple[Stap, ...]

    def groups(self) -> list[tuple[str, list[tuple[int, MapNode]]]]:
        """The nodes by type, each sorted by label: the text alternative of the map."""
        result = []
        for type_, title in MAP_TYPES:
            members = sorted(
                ((i, n) for i, n in enumerate(self.nodes) if n.type == type_), key=lambda p: p[1].label.casefold()
            )
            if members:
                result.append((title, members))
        return result

    def data(self) -> dict[str, object]:
        """What the kaart script needs, compact: node `i` is the i-th node, edges are index pairs."""
        thema_index = {t.id: n for n, t in enumerate(self.themas)}
        return {
            "size": 1000,
            "types": [[t, label] for t, label in MAP_TYPES],
            "themas": [[t.id, t.titel] for t in self.themas],
            "stappen": [[s.nummer, s.kort] for s in self.stappen],
            "nodes": [
                {
                    "t": n.type,
                    "l": n.label,
                    "x": n.x,
                    "y": n.y,
                    "d": n.degree,
                    "th": [thema_index[t] for t in n.themas if t in thema_index],
                    "st": list(n.stappen),
                }
                for n in self.nodes
            ],
            "edges": [list(e) for e in self.edges],
        }


def _thema_order(corpus: Corpus) -> tuple[Item, ...]:
    themas = corpus.of_kind(Kind.THEMA)
    return tuple(sorted(themas, key=lambda t: (t.nummer is None, t.nummer or 0, t.titel.casefold())))


def kaart(
    corpus: Corpus, graph: KnowledgeGraph, layouts: LayoutMemo | None = None, simple: nx.Graph | None = None
) -> Kaart:
    """The map: items, stappen, signalen and plaatsen (gemeenten) with the relations between them;
    bronnen are left out (every item cites a few; they would pull the map into one knot), and so is
    a node without any relation (a signal no page names yet).

    A node belongs to the thema's and stappen its frontmatter names. A stap, signaal or plaats
    node, and an item that names no thema (most bestanddelen), belongs to those of the items it
    is connected to: filtering on a thema keeps the bestanddelen, signalen and plaatsen that
    occur in it.

    Arguments:
        simple: `graph.undirected()` when the caller has one it no longer needs: it is trimmed in
            place (a copy would cost as much as making it).
    """
    simple = simple if simple is not None else graph.undirected(exclude=("bron",))
    simple.remove_nodes_from(
        [n for n in simple if graph.node_type(n) == "plaats" and not is_place(str(simple.nodes[n].get("label", "")))]
    )
    simple.remove_nodes_from([n for n in list(simple) if simple.degree(n) == 0])  # a signal no page names
    positions = layout(simple, layouts)
    vocab = corpus.vocabulary
    own_themas: dict[str, tuple[str, ...]] = {}
    own_stappen: dict[str, tuple[int, ...]] = {}
    for node in simple:
        item = corpus.index.get(ItemId(node))
        if item is not None:
            own_themas[node] = (item.id,) if item.kind is Kind.THEMA else tuple(dict.fromkeys(item.themas))
            own_stappen[node] = tuple(dict.fromkeys(item.stappen)) if item.kind is not Kind.THEMA else ()
    order = sorted(simple, key=lambda n: (_type_rank(graph.node_type(n)), str(n)))
    nodes = []
    for node in order:
        type_ = graph.node_type(node)
        neighbours = [m for m in simple.adj[node] if m in own_themas]
        themas = own_themas.get(node) or tuple(sorted({t for m in neighbours for t in own_themas[m]}))
        if type_ == "thema":
            themas = (str(node),)
        stappen = own_stappen.get(node) or tuple(sorted({s for m in neighbours for s in own_stappen[m]}))
        if type_ == "stap":
            stappen = (int(str(node).split(":", 1)[1]),)
        x, y = positions[node]
        nodes.append(
            MapNode(
                key=str(node),
                type=_TYPE_LABEL.get(type_, type_),
                label=_node_label(node, type_, simple, vocab.stappen),
                src_uri=_node_uri(node, type_, corpus, simple),
                x=x,
                y=y,
                themas=themas,
                stappen=stappen,
                degree=simple.degree(node),
            )
        )
    index = {n.key: i for i, n in enumerate(nodes)}
    edges = tuple(sorted((min(index[u], index[v]), max(index[u], index[v])) for u, v in simple.edges()))
    return Kaart(tuple(nodes), edges, _thema_order(corpus), vocab.stappen)


def _type_rank(type_: str) -> int:
    return next((n for n, (t, _) in enumerate(MAP_TYPES) if t == type_), len(MAP_TYPES))


def _node_label(node: object, type_: str, simple: object, stappen: tuple[Stap, ...]) -> str:
    if type_ == "stap":
        nummer = int(str(node).split(":", 1)[1])
        vraag = next((s.vraag for s in stappen if s.nummer == nummer), "")
        return f"Stap {nummer}: {vraag}"
    return str(simple.nodes[node].get("label", node))  # type: ignore[attr-defined]


def _node_uri(node: object, type_: str, corpus: Corpus, simple: object) -> str:
    item = corpus.index.get(ItemId(str(node)))
    if item is not None:
        return item.src_uri
    label = str(simple.nodes[node].get("label", node))  # type: ignore[attr-defined]
    if type_ == "stap":
        return stap_uri(int(str(node).split(":", 1)[1]))
    if type_ == "plaats":
        return f"{PLAATSEN_URI}#{anchor(label)}"
    if type_ == "signaal":
        return f"{WIJKSCAN_URI}#{anchor(label)}"
    return ""


# ---------------------------------------------------------------------------------------------
# Matrix


@dataclass(frozen=True, slots=True)
class Cell:
    thema: Item
    stap: Stap
    items: dict[Kind, tuple[Item, ...]]  # by type, in KIND_ORDER
    heat: int  # 0 (empty) .. 4 (the fullest cells)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.items.values())

    @property
    def src_uri(self) -> str:
        return cell_uri(self.thema.id, self.stap.nummer)


@dataclass(frozen=True, slots=True)
class MatrixRow:
    thema: Item
    cells: tuple[Cell, ...]
    total: int  # distinct items of the thema in any step


@dataclass(frozen=True, slots=True)
class Matrix:
    stappen: tuple[Stap, ...]
    rows: tuple[MatrixRow, ...]

    def cells(self) -> list[Cell]:
        return [c for row in self.rows for c in row.cells if c.count]


def cell_uri(thema_id: str, stap: int) -> str:
    return f"matrix/{thema_id}-stap-{stap}.md"


def matrix(corpus: Corpus, leeswijzer: Leeswijzer) -> Matrix:
    """The thema × stap table with the items of each cell: the items of the step (as the
    leeswijzer orders them, thema's excluded) that name the thema, so every count equals
    `leeswijzer.matrix`."""
    rows = []
    themas = _thema_order(corpus)
    for thema in themas:
        cells = []
        members: set[str] = set()
        for route in leeswijzer.routes:
            grouped = {k: tuple(i for i in items if thema.id in i.themas) for k, items in route.items.items()}
            grouped = {k: v for k, v in grouped.items() if v}
            members.update(i.path for v in grouped.values() for i in v)
            cells.append(Cell(thema, route.stap, {k: grouped[k] for k in KIND_ORDER if k in grouped}, 0))
        rows.append((thema, cells, len(members)))
    top = max((c.count for _, cells, _ in rows for c in cells), default=0) or 1
    return Matrix(
        leeswijzer_stappen(leeswijzer),
        tuple(
            MatrixRow(thema, tuple(Cell(c.thema, c.stap, c.items, _heat(c.count, top)) for c in cells), total)
            for thema, cells, total in rows
        ),
    )


def leeswijzer_stappen(leeswijzer: Leeswijzer) -> tuple[Stap, ...]:
    return tuple(r.stap for r in leeswijzer.routes)


def _heat(count: int, top: int) -> int:
    return 0 if count == 0 else max(1, min(4, -(-4 * count // top)))


# ---------------------------------------------------------------------------------------------
# Wijkscan

VIA_MIN = 2  # a bestanddeel joins a signal's route when at least this many of its items use it
SCAN_KINDS = (Kind.LES, Kind.BESTANDDEEL, Kind.INTERVENTIE)


@dataclass(frozen=True, slots=True)
class ScanItem:
    item: Item
    group: int  # the step it is listed under: its first step from 2 on; 1 if it only has step 1
    direct: tuple[str, ...]  # signals named in its frontmatter
    via: tuple[str, ...]  # signals it is behind as a bestanddeel of their items
    rank: float  # PageRank


@dataclass(frozen=True, slots=True)
class SignalRoute:
    signaal: Term
    direct: tuple[ScanItem, ...]
    via: tuple[ScanItem, ...]

    @property
    def anchor(self) -> str:
        return anchor(self.signaal.label)


@dataclass(frozen=True, slots=True)
class Wijkscan:
    signalen: tuple[SignalRoute, ...]
    items: tuple[ScanItem, ...]
    stappen: tuple[Stap, ...]
    positions: Mapping[ItemId, int]  # item id → index in `items`

    def data(self) -> dict[str, object]:
        """For the wijkscan script: signal `i` and item `j` are indexes; the link of item `j` is in
        the list below the form (`data-wg-item="j"`)."""
        signal_index = {r.signaal.id: n for n, r in enumerate(self.signalen)}
        return {
            "signalen": [[r.signaal.id, r.signaal.label, r.anchor] for r in self.signalen],
            "stappen": [[s.nummer, s.vraag] for s in self.stappen],
            "kinds": {k.value: k.label for k in SCAN_KINDS},
            "items": [
                {
                    "k": s.item.kind.value,
                    "l": s.item.titel,
                    "s": s.item.samenvatting,
                    "g": s.group,
                    "r": round(s.rank, 6),
                    "d": [signal_index[x] for x in s.direct],
                    "v": [signal_index[x] for x in s.via],
                }
                for s in self.items
            ],
        }

    def index_of(self, item: Item) -> int:
        return self.positions[item.id]


def route_group(item: Item) -> int:
    later = [s for s in item.stappen if 2 <= s <= 5]
    if later:
        return min(later)
    return 1 if 1 in item.stappen else 6


def wijkscan(corpus: Corpus, centrality: Mapping[ItemId, float]) -> Wijkscan:
    """Per signal (data/signalen.yml) the lessons, bestanddelen and interventies that name it in
    `signalen`, plus the bestanddelen behind them: a bestanddeel that at least VIA_MIN of those
    items use. The script combines the routes of the ticked signals and orders them by step
    (2 → 5, step-1-only items first) and within a step by how many ticked signals an item matches,
    then by PageRank."""
    items = [i for i in corpus.items if i.kind in SCAN_KINDS and corpus.index.get(i.id) is i]
    signals = corpus.vocabulary.signalen
    direct: dict[str, list[Item]] = {s.id: [] for s in signals}
    for item in items:
        for s in dict.fromkeys(item.signalen):
            if s in direct:
                direct[s].append(item)
    via: dict[str, list[Item]] = {}
    for s, members in direct.items():
        uses: dict[str, int] = {}
        for item in members:
            for b in dict.fromkeys(item.bestanddelen):
                uses[b] = uses.get(b, 0) + 1
        ids = {m.id for m in members}
        via[s] = [
            found
            for b, n in uses.items()
            if n >= VIA_MIN
            and b not in ids
            and (found := corpus.index.get(ItemId(b))) is not None
            and found.kind is Kind.BESTANDDEEL
        ]
    direct_ids = {s: {i.id for i in members} for s, members in direct.items()}
    via_ids = {s: {i.id for i in members} for s, members in via.items()}
    scan: dict[str, ScanItem] = {}
    for item in items:
        d = tuple(s.id for s in signals if item.id in direct_ids[s.id])
        v = tuple(s.id for s in signals if item.id in via_ids[s.id])
        if d or v:
            scan[item.id] = ScanItem(item, route_group(item), d, v, centrality.get(item.id, 0.0))
    ordered = tuple(sorted(scan.values(), key=lambda s: (s.group, -s.rank, s.item.titel.casefold())))

    def by_rank(members: list[Item]) -> tuple[ScanItem, ...]:
        return tuple(sorted((scan[i.id] for i in members), key=lambda s: (s.group, -s.rank, s.item.titel.casefold())))

    routes = tuple(SignalRoute(s, by_rank(direct[s.id]), by_rank(via[s.id])) for s in signals)
    positions = MappingProxyType({s.item.id: n for n, s in enumerate(ordered)})
    return Wijkscan(routes, ordered, corpus.vocabulary.stappen, positions)


# ---------------------------------------------------------------------------------------------
# Interventie-zoeker


def zoeker(corpus: Corpus) -> dict[str, object]:
    """Facets of every interventie, in the order of the table on /interventies/ (by title):
    thema, stap, plaats (the gemeente), actor and bewijs. Options keep the vocabulary's order."""
    interventies = corpus.of_kind(Kind.INTERVENTIE)
    vocab = corpus.vocabulary
    themas = _thema_order(corpus)
    places = sorted(
        {facet_place(i.interventie.plaats) for i in interventies if i.interventie and i.interventie.plaats.strip()},
        key=str.casefold,
    )
    facets = [
        ("thema", "Thema", [(t.id, t.titel) for t in themas]),
        ("stap", "Stap", [(str(s.nummer), f"{s.nummer}. {s.kort}") for s in vocab.stappen]),
        ("plaats", "Plaats", [(p, p) for p in places]),
        ("actor", "Wie doen mee", [(t.id, t.label) for t in vocab.actoren]),
        ("bewijs", "Bewijs", [(t.id, t.label) for t in vocab.bewijs]),
    ]
    rows = []
    for item in interventies:
        d = item.interventie
        rows.append(
            {
                "thema": list(dict.fromkeys(item.themas)),
                "stap": [str(s) for s in dict.fromkeys(item.stappen)],
                "plaats": [facet_place(d.plaats)] if d and d.plaats.strip() else [],
                "actor": list(dict.fromkeys(item.actoren)),
                "bewijs": [item.bewijs] if item.bewijs else [],
            }
        )
    return {
        "facets": [{"key": k, "label": label, "options": [list(o) for o in options]} for k, label, options in facets],
        "items": rows,
    }
