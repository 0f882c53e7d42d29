"""The five-step flow: which items belong to each stap, in reading order, and the thema × stap matrix."""

from __future__ import annotations

from dataclasses import dataclass

from .model import KIND_ORDER, Corpus, Item, ItemId, Kind, Stap


@dataclass(frozen=True, slots=True)
class StapRoute:
    stap: Stap
    items: dict[Kind, tuple[Item, ...]]  # grouped by type, in KIND_ORDER, each sorted by titel
    previous: Stap | None
    next: Stap | None

    @property
    def src_uri(self) -> str:
        return stap_uri(self.stap.nummer)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.items.values())


@dataclass(frozen=True, slots=True)
class Leeswijzer:
    routes: tuple[StapRoute, ...]
    matrix: dict[tuple[ItemId, int], int]  # (thema id, stap) → number of items

    def route(self, nummer: int) -> StapRoute:
        return self.routes[nummer - 1]


def stap_uri(nummer: int) -> str:
    return f"leeswijzer/stap-{nummer}.md"


def werkblad_uri(nummer: int) -> str:
    """The printable worksheet of a step, for werkateliers."""
    return f"leeswijzer/werkblad-stap-{nummer}.md"


def group_by_kind(items: list[Item]) -> dict[Kind, tuple[Item, ...]]:
    """Items grouped by type in display order; empty groups are left out."""
    groups = {
        kind: tuple(sorted((i for i in items if i.kind is kind), key=lambda i: i.titel.casefold()))
        for kind in KIND_ORDER
    }
    return {kind: group for kind, group in groups.items() if group}


def route(corpus: Corpus) -> Leeswijzer:
    """Order the corpus along the five steps."""
    stappen = corpus.vocabulary.stappen
    per_stap: dict[int, list[Item]] = {s.nummer: [] for s in stappen}
    matrix: dict[tuple[ItemId, int], int] = {}
    thema_ids = {i.id for i in corpus.items if i.kind is Kind.THEMA}
    for item in corpus.items:
        if item.kind is Kind.THEMA:
            continue  # a thema spans all steps; it is not an item *of* a step
        for nummer in dict.fromkeys(item.stappen):
            if nummer in per_stap:
                per_stap[nummer].append(item)
                for thema in dict.fromkeys(item.themas):
                    if thema in thema_ids:
                        matrix[(thema, nummer)] = matrix.get((thema, nummer), 0) + 1
    routes = tuple(
        StapRoute(
            stap=stap,
            items=group_by_kind(per_stap[stap.nummer]),
            previous=stappen[n - 1] if n > 0 else None,
            next=stappen[n + 1] if n + 1 < len(stappen) else None,
        )
        for n, stap in enumerate(stappen)
    )
    return Leeswijzer(routes, matrix)
