"""The knowledge graph: every item, stap, signaal, plaats and bron as a node, typed edges from the
frontmatter and from `[[id]]` links. Built once per build; feeds backlinks, related items and maps.

Besides the graph itself: centrality (PageRank over the items, for ordering routes), the layout of
the kaart (computed here once per build, so the browser only draws), and the export of
`wijkengids graaf` (node-link JSON or GraphML, both readable by networkx and Gephi).
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .model import Corpus, Item, ItemId, Kind

# networkx takes 0.2 s to import: it is imported where a graph is made or laid out, so that
# `wijkengids check`, which needs none, starts without it.
if TYPE_CHECKING:
    import networkx as nx

# Edge types (the `rel` attribute).
REL_THEMA = "thema"
REL_BESTANDDEEL = "bestanddeel"
REL_INTERVENTIE = "interventie"
REL_LINK = "link"
REL_STAP = "stap"
REL_SIGNAAL = "signaal"
REL_BRON = "bron"
REL_PLAATS = "plaats"


def stap_node(nummer: int) -> str:
    return f"stap:{nummer}"


def bron_node(bron_id: str) -> str:
    return f"bron:{bron_id}"


def signaal_node(signaal_id: str) -> str:
    return f"signaal:{signaal_id}"


def plaats_node(plaats: str) -> str:
    return f"plaats:{plaats}"


@dataclass(frozen=True, slots=True)
class KnowledgeGraph:
    """A directed multigraph: an edge u → v means "u refers to v"."""

    graph: nx.MultiDiGraph

    def backlinks(self, item_id: str) -> list[ItemId]:
        """Items that refer to `item_id`, by frontmatter or body link, in a stable order."""
        if item_id not in self.graph:
            return []
        sources = {u for u, _ in self.graph.in_edges(item_id) if self.graph.nodes[u].get("type") == "item"}
        sources.discard(item_id)
        return sorted(ItemId(s) for s in sources)

    def neighbours(self, item_id: str) -> set[str]:
        if item_id not in self.graph:
            return set()
        return set(self.graph.successors(item_id)) | set(self.graph.predecessors(item_id))

    def item_links(self, item_id: str) -> set[ItemId]:
        """Items that `item_id` refers to or that refer to it (frontmatter or body link)."""
        return {ItemId(n) for n in self.neighbours(item_id) if self.node_type(n) in ITEM_TYPES and n != item_id}

    def node_type(self, node: str) -> str:
        """The kind of an item (`les`, `bestanddeel`, …), else `stap`, `signaal`, `plaats` or `bron`."""
        data = self.graph.nodes[node]
        return str(data.get("kind") or data["type"])

    def undirected(self, exclude: Iterable[str] = ("bron",)) -> nx.Graph:
        """A simple undirected view without the given node types; each edge keeps its relations
        in `rels` (a link and a frontmatter reference between the same two items become one edge)."""
        import networkx as nx

        skip = set(exclude)
        simple = nx.Graph()
        simple.add_nodes_from((n, d) for n, d in self.graph.nodes(data=True) if self.node_type(n) not in skip)
        for u, v, rel in self.graph.edges(data="rel"):
            if u in simple and v in simple and u != v:
                if simple.has_edge(u, v):
                    simple.edges[u, v]["rels"].add(rel)
                else:
                    simple.add_edge(u, v, rels={rel})
        return simple

    def centrality(self) -> dict[ItemId, float]:
        """PageRank of every item over the item-to-item references: an item that many (central)
        items refer to ranks high. Used to order lists such as the wijkscan route."""
        nodes = [n for n in self.graph if self.node_type(n) in ITEM_TYPES]
        wanted = set(nodes)
        edges = {(u, v) for u, v in self.graph.edges() if u in wanted and v in wanted and u != v}
        return {ItemId(n): r for n, r in pagerank(nodes, edges).items()}

    def to_json(self) -> dict[str, object]:
        import networkx as nx

        return nx.node_link_data(self.graph, edges="links")

    def write(self, target: Path | None, fmt: str) -> str:
        """The graph as node-link JSON or GraphML; written to `target`, or returned when it is None."""
        import networkx as nx

        if fmt == "graphml":
            text = "\n".join(nx.generate_graphml(self.graph, prettyprint=True)) + "\n"
        else:
            text = json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n"
        if target is not None:
            target.write_text(text, encoding="utf-8")
        return text


ITEM_TYPES = frozenset(k.value for k in Kind)


def pagerank(
    nodes: list[str], edges: set[tuple[str, str]], alpha: float = 0.85, tol: float = 1e-10
) -> dict[str, float]:
    """PageRank by power iteration, as `networkx.pagerank` computes it (dangling nodes spread
    their rank evenly), in plain Python: networkx's own needs SciPy, a 0.4 s import per build
    for a graph of a few hundred nodes."""
    if not nodes:
        return {}
    out: dict[str, list[str]] = {n: [] for n in nodes}
    for u, v in sorted(edges):
        out[u].append(v)
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(200):
        dangling = alpha * sum(rank[x] for x in nodes if not out[x]) / n
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for u in nodes:
            if out[u]:
                share = alpha * rank[u] / len(out[u])
                for v in out[u]:
                    new[v] += share
        done = sum(abs(new[x] - rank[x]) for x in nodes) < n * tol
        rank = new
        if done:
            break
    return rank


# Kaart layout: how strongly each relation pulls two nodes together (spring weight). Steps and
# thema's touch most items; at full weight they would pull everything into one ball.
LAYOUT_WEIGHTS = {REL_STAP: 0.3, REL_THEMA: 0.2, REL_SIGNAAL: 0.3, REL_BRON: 0.0}
LAYOUT_SEED = 7
LAYOUT_ITERATIONS = 50
LAYOUT_SIZE = 1000.0
LAYOUT_SQUASH = 92  # percentile beyond which outliers (places with one interventie) are pulled in
# The spring layout costs O(n²) per iteration (0.3 s for the 336 nodes of the real content; 2.4 s
# for 900) and networkx switches to a slower sparse solver, which needs SciPy, from 500 nodes on.
# A larger map lays out its best-connected LAYOUT_CORE nodes with springs and places every other
# node at the centre of its neighbours: the same picture at a linear cost.
LAYOUT_CORE = 400


# Layouts by a hash of the weighted graph they were computed for (see `layout`'s memo).
LayoutMemo = dict[str, dict[str, tuple[float, float]]]


def _layout_key(weighted: nx.Graph) -> str:
    edges = sorted((*sorted((str(u), str(v))), round(w, 6)) for u, v, w in weighted.edges(data="weight"))
    shape = (sorted(map(str, weighted)), edges, LAYOUT_CORE, LAYOUT_ITERATIONS, LAYOUT_SEED, LAYOUT_SIZE)
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


def layout(graph: nx.Graph, memo: LayoutMemo | None = None) -> dict[str, tuple[float, float]]:
    """Positions for the kaart in a LAYOUT_SIZE square: a spring layout with a fixed seed (the same
    graph always gives the same map), the five steps pinned left to right so that the map reads
    from "gevarenzone" to "op koers", and far outliers pulled in so the core gets the space.

    Arguments:
        graph: An undirected graph as from `KnowledgeGraph.undirected()`, edges with `rels`.
        memo: Layouts of earlier runs (`mkdocs serve`); an edit that leaves the graph alone, such
            as a new sentence, then costs no spring layout. Holds only the latest layout.
    """
    import networkx as nx

    if not graph:
        return {}
    weighted = nx.Graph()
    weighted.add_nodes_from(sorted(graph, key=str))
    for u, v, rels in graph.edges(data="rels"):
        weighted.add_edge(u, v, weight=max(LAYOUT_WEIGHTS.get(r, 1.0) for r in rels) or 0.01)
    steps = sorted((n for n in graph if str(n).startswith("stap:")), key=lambda n: int(str(n)[5:]))
    pinned = {n: (-0.8 + 1.6 * i / max(1, len(steps) - 1), 0.0) for i, n in enumerate(steps)}
    key = _layout_key(weighted) if memo is not None else ""
    if memo is not None and key in memo:
        return dict(memo[key])
    by_degree = sorted(weighted, key=lambda n: (n not in pinned, -weighted.degree(n), str(n)))
    # A new graph in sorted order, not `weighted.subgraph()`: a view smaller than half the graph
    # iterates its node *set*, so the seeded start positions would follow the Python hash seed.
    # (Edge order does not matter: spring_layout reads the adjacency matrix in node order.)
    core = nx.Graph()
    core.add_nodes_from(sorted(by_degree[:LAYOUT_CORE], key=str))
    core.add_edges_from(weighted.subgraph(core).edges(data=True))
    pos = {
        n: (float(x), float(y))
        for n, (x, y) in nx.spring_layout(
            core,
            k=0.12,
            pos=pinned or None,
            fixed=list(pinned) or None,
            weight="weight",
            iterations=LAYOUT_ITERATIONS,
            seed=LAYOUT_SEED,
        ).items()
    }
    _place_rest(weighted, by_degree[LAYOUT_CORE:], pos)
    positions = _fit(_squash(pos, keep=pinned))
    if memo is not None:
        memo.clear()
        memo[key] = dict(positions)
    return positions


def _place_rest(graph: nx.Graph, rest: list[str], pos: dict[str, tuple[float, float]]) -> None:
    """Put each node (best connected first) at the centre of its placed neighbours, a little off
    by a jitter derived from its name, so the result does not depend on the Python hash seed."""
    for n in rest:
        near = [pos[m] for m in sorted(graph.adj[n], key=str) if m in pos]  # a fixed summation order
        digest = zlib.crc32(str(n).encode())
        angle, radius = (digest % 3600) / 3600 * 2 * math.pi, 0.02 + (digest >> 12) % 100 / 100 * 0.06
        cx = sum(x for x, _ in near) / len(near) if near else 0.0
        cy = sum(y for _, y in near) / len(near) if near else 0.0
        spread = radius if near else 0.9 + radius
        pos[n] = (cx + spread * math.cos(angle), cy + spread * math.sin(angle))


def _squash(pos: Mapping[str, tuple[float, float]], keep: Iterable[str] = ()) -> dict[str, tuple[float, float]]:
    cx = sum(x for x, _ in pos.values()) / len(pos)
    cy = sum(y for _, y in pos.values()) / len(pos)
    radii = sorted(math.hypot(x - cx, y - cy) for x, y in pos.values())
    limit = radii[min(len(radii) - 1, len(radii) * LAYOUT_SQUASH // 100)]
    result = {}
    kept = set(keep)
    for n, (x, y) in pos.items():
        r = 0.0 if n in kept else math.hypot(x - cx, y - cy)
        f = (limit + (r - limit) * 0.25) / r if r > limit > 0 else 1.0
        result[n] = (cx + (x - cx) * f, cy + (y - cy) * f)
    return result


def _fit(pos: Mapping[str, tuple[float, float]], margin: float = 20.0) -> dict[str, tuple[float, float]]:
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    left, top = min(xs), min(ys)  # once: inside the comprehension they made the fit quadratic
    span = max(max(xs) - left, max(ys) - top) or 1.0
    scale = (LAYOUT_SIZE - 2 * margin) / span
    ox = (LAYOUT_SIZE - (max(xs) - left) * scale) / 2
    oy = (LAYOUT_SIZE - (max(ys) - top) * scale) / 2
    return {n: (round(ox + (x - left) * scale, 1), round(oy + (y - top) * scale, 1)) for n, (x, y) in pos.items()}


def build_graph(corpus: Corpus) -> KnowledgeGraph:
    """Build the graph from the corpus. Unknown targets are skipped: validation reports them."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for stap in corpus.vocabulary.stappen:
        graph.add_node(stap_node(stap.nummer), type="stap", label=f"Stap {stap.nummer}: {stap.vraag}")
    for bron in corpus.vocabulary.bronnen:
        graph.add_node(bron_node(bron.id), type="bron", label=bron.titel)
    for signaal in corpus.vocabulary.signalen:
        graph.add_node(signaal_node(signaal.id), type="signaal", label=signaal.label)
    for item in corpus.items:
        graph.add_node(item.id, type="item", kind=item.kind.value, label=item.titel)
    for item in corpus.items:
        _add_item_edges(graph, item, corpus)
    return KnowledgeGraph(graph)


def _add_item_edges(graph: nx.MultiDiGraph, item: Item, corpus: Corpus) -> None:
    def to_items(targets: Iterable[str], rel: str, kind: Kind | None) -> None:
        for target in dict.fromkeys(targets):  # keep order, drop repeats
            found = corpus.index.get(ItemId(target))
            if found is not None and found.id != item.id and (kind is None or found.kind is kind):
                graph.add_edge(item.id, found.id, key=rel, rel=rel)

    to_items(item.themas, REL_THEMA, Kind.THEMA)
    to_items(item.bestanddelen, REL_BESTANDDEEL, Kind.BESTANDDEEL)
    to_items(item.interventies, REL_INTERVENTIE, Kind.INTERVENTIE)
    to_items((link.target for link in item.links), REL_LINK, None)
    for nummer in dict.fromkeys(item.stappen):
        if graph.has_node(stap_node(nummer)):
            graph.add_edge(item.id, stap_node(nummer), key=REL_STAP, rel=REL_STAP)
    for signaal in dict.fromkeys(item.signalen):
        if graph.has_node(signaal_node(signaal)):
            graph.add_edge(item.id, signaal_node(signaal), key=REL_SIGNAAL, rel=REL_SIGNAAL)
    for ref in item.bronnen:
        if graph.has_node(bron_node(ref.bron)):
            graph.add_edge(item.id, bron_node(ref.bron), key=REL_BRON, rel=REL_BRON)
    if item.interventie and item.interventie.plaats:
        node = plaats_node(item.interventie.plaats)
        graph.add_node(node, type="plaats", label=item.interventie.plaats)
        graph.add_edge(item.id, node, key=REL_PLAATS, rel=REL_PLAATS)


@click.command("graaf")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "graphml"]), default="json", show_default=True, help="Uitvoerformaat."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Schrijf naar dit bestand in plaats van naar de terminal.",
)
@click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."), help="Projectmap."
)
def graaf(fmt: str, output: Path | None, root: Path) -> None:
    """Exporteer de kennisgraaf (items, stappen, signalen, plaatsen, bronnen en hun verbanden)
    als node-link-JSON of GraphML, bijvoorbeeld voor Gephi of networkx."""
    from . import pipeline  # the pipeline imports this module

    root = root.resolve()
    build = pipeline.run(pipeline.Settings(root=root, data_dir=root / "data", similarity=False, render=False))
    graph = build.graph
    text = graph.write(output, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        click.echo(
            f"{output}: {graph.graph.number_of_nodes()} knopen, {graph.graph.number_of_edges()} verbanden ({fmt})",
            err=True,
        )
