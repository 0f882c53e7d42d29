"""The knowledge graph: every item, stap, signaal, plaats and bron as a node, typed edges from the
frontmatter and from `[[id]]` links. Built once per build; feeds backlinks, related items and maps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from .model import Corpus, Item, ItemId, Kind

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

    def to_json(self) -> dict[str, object]:
        return nx.node_link_data(self.graph, edges="links")


def build_graph(corpus: Corpus) -> KnowledgeGraph:
    """Build the graph from the corpus. Unknown targets are skipped: validation reports them."""
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
