"""Subsets of the guide for a werkatelier bundle: one thema or one stap, plus one hop.

A facilitator who works on one thema takes that thema's items and everything they link to (one hop
away: their bestanddelen, interventies, thema's and `[[id]]` targets). The structure pages (home,
leeswijzer, the six thema pages, overviews) always stay, so the navigation keeps working; links to
items outside the subset are shown as plain text with a note, never as broken links.
"""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import Diagnostic, did_you_mean
from .model import Corpus, Item, ItemId, Kind


@dataclass(frozen=True, slots=True)
class Subset:
    """`thema:<id>` or `stap:<n>`."""

    kind: str
    value: str

    @classmethod
    def parse(cls, spec: str) -> Subset:
        kind, _, value = spec.partition(":")
        return cls(kind.strip(), value.strip())

    @property
    def label(self) -> str:
        return f"{self.kind}-{self.value}"


def _core(corpus: Corpus, subset: Subset) -> list[Item]:
    if subset.kind == "thema":
        return [i for i in corpus.items if subset.value in i.themas or i.id == subset.value]
    return [i for i in corpus.items if int(subset.value) in i.stappen]


def problems(corpus: Corpus, subset: Subset) -> list[Diagnostic]:
    """A subset that names nothing is an error, with the valid choices."""
    if subset.kind == "thema":
        themas = [i.id for i in corpus.items if i.kind is Kind.THEMA]
        if subset.value not in themas:
            hint = did_you_mean(subset.value, themas)
            return [
                Diagnostic("mkdocs.yml", 1, "subset.thema", f"onbekend thema `{subset.value}` voor de bundel", hint)
            ]
        return []
    if subset.kind == "stap" and subset.value in {"1", "2", "3", "4", "5"}:
        return []
    return [
        Diagnostic(
            "mkdocs.yml",
            1,
            "subset.spec",
            f"onbekende deelbundel `{subset.kind}:{subset.value}`",
            "gebruik thema:<id> of stap:<1-5>",
        )
    ]


def kept_ids(corpus: Corpus, subset: Subset) -> frozenset[ItemId]:
    """The subset's items, one hop of what they link to, and every thema page (structure)."""
    core = _core(corpus, subset)
    kept = {i.id for i in core} | {i.id for i in corpus.items if i.kind is Kind.THEMA}
    for item in core:
        kept.update(item.themas + item.bestanddelen + item.interventies)
        kept.update(ItemId(link.target) for link in item.links)
    return frozenset(i for i in kept if i in corpus.index)
