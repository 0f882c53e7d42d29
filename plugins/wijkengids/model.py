"""The content model: frozen dataclasses for items, vocabularies and the corpus.

No I/O and no MkDocs here, so the core can run under any generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import NewType

from .pickling import fast_pickle

ItemId = NewType("ItemId", str)
SrcPath = NewType("SrcPath", str)  # path relative to the project root, with forward slashes


class Kind(StrEnum):
    """The four item types. The value is the Dutch singular used in the CLI and JSON."""

    LES = "les"
    BESTANDDEEL = "bestanddeel"
    THEMA = "thema"
    INTERVENTIE = "interventie"

    @property
    def folder(self) -> str:
        """Source folder of the collection."""
        return _FOLDERS[self]

    @property
    def url_prefix(self) -> str:
        """First URL segment of the collection's pages on the site."""
        return _URL_PREFIXES[self]

    @property
    def plural(self) -> str:
        return _PLURALS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_FOLDERS = {
    Kind.LES: "lessons",
    Kind.BESTANDDEEL: "bestanddelen",
    Kind.THEMA: "themas",
    Kind.INTERVENTIE: "interventies",
}
_URL_PREFIXES = {
    Kind.LES: "lessen",
    Kind.BESTANDDEEL: "bestanddelen",
    Kind.THEMA: "themas",
    Kind.INTERVENTIE: "interventies",
}
_PLURALS = {
    Kind.LES: "Lessen",
    Kind.BESTANDDEEL: "Werkzame bestanddelen",
    Kind.THEMA: "Thema's",
    Kind.INTERVENTIE: "Interventies",
}
_LABELS = {
    Kind.LES: "Les",
    Kind.BESTANDDEEL: "Werkzaam bestanddeel",
    Kind.THEMA: "Thema",
    Kind.INTERVENTIE: "Interventie",
}

# Display order wherever items are grouped by type.
KIND_ORDER: tuple[Kind, ...] = (Kind.LES, Kind.BESTANDDEEL, Kind.INTERVENTIE, Kind.THEMA)


@fast_pickle
@dataclass(frozen=True, slots=True)
class Stap:
    nummer: int
    kort: str
    vraag: str
    intro: str


@fast_pickle
@dataclass(frozen=True, slots=True)
class Term:
    """An entry of a small vocabulary (actoren, signalen, bewijs levels)."""

    id: str
    label: str
    uitleg: str = ""


@fast_pickle
@dataclass(frozen=True, slots=True)
class Bron:
    """A publication in the source registry."""

    id: str
    titel: str
    uitgever: str
    jaar: int
    soort: str


@fast_pickle
@dataclass(frozen=True, slots=True)
class BronRef:
    """A citation in an item: which source and which chapter or section."""

    bron: str
    sectie: str


@fast_pickle
@dataclass(frozen=True, slots=True)
class Link:
    """A `[[id]]` link in an item body, with its line in the source file."""

    target: str
    line: int


@fast_pickle
@dataclass(frozen=True, slots=True)
class Positions:
    """Line numbers (1-based, in the source file) of each frontmatter key and of the body."""

    keys: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    body_line: int = 1
    invalid: frozenset[str] = frozenset()  # keys whose value had the wrong type (already reported)
    elements: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def line_of(self, key: str, index: int | None = None) -> int:
        """The line of a key, or of the `index`-th element of its list when known."""
        lines = self.elements.get(key, ())
        if index is not None and 0 <= index < len(lines):
            return lines[index]
        return self.keys.get(key, 1)


@fast_pickle
@dataclass(frozen=True, slots=True)
class InterventieDetails:
    """The fields of the Dutch intervention databases (Movisie, Loket Gezond Leven)."""

    plaats: str
    wijk: str = ""
    periode: str = ""
    doel: str = ""
    doelgroep: str = ""
    uitvoerders: tuple[str, ...] = ()
    resultaten: str = ""
    randvoorwaarden: tuple[str, ...] = ()


@fast_pickle
@dataclass(frozen=True, slots=True)
class Item:
    """One content file: a les, bestanddeel, thema or interventie."""

    id: ItemId
    kind: Kind
    path: SrcPath
    titel: str
    samenvatting: str
    stappen: tuple[int, ...]
    themas: tuple[ItemId, ...]
    bestanddelen: tuple[ItemId, ...]
    interventies: tuple[ItemId, ...]
    signalen: tuple[str, ...]
    actoren: tuple[str, ...]
    bewijs: str
    bronnen: tuple[BronRef, ...]
    body: str
    links: tuple[Link, ...]
    pos: Positions
    content_hash: str
    # Per type; empty for other kinds.
    nummer: int | None = None
    waarom: str = ""
    valkuilen: tuple[str, ...] = ()
    interventie: InterventieDetails | None = None

    @property
    def src_uri(self) -> str:
        """Where the page lives among MkDocs' files (and so its URL)."""
        return f"{self.kind.url_prefix}/{self.id}.md"

    def references(self) -> dict[str, tuple[ItemId, ...]]:
        """Frontmatter references to other items, by key."""
        return {"themas": self.themas, "bestanddelen": self.bestanddelen, "interventies": self.interventies}


@fast_pickle
@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The data files under `data/`: steps, actors, signals, evidence levels, sources."""

    stappen: tuple[Stap, ...]
    actoren: tuple[Term, ...]
    signalen: tuple[Term, ...]
    bewijs: tuple[Term, ...]
    bronnen: tuple[Bron, ...]

    def stap(self, nummer: int) -> Stap:
        return self.stappen[nummer - 1]

    def term(self, kind: str, term_id: str) -> Term | None:
        return next((t for t in getattr(self, kind) if t.id == term_id), None)

    def bron(self, bron_id: str) -> Bron | None:
        return next((b for b in self.bronnen if b.id == bron_id), None)


@fast_pickle
@dataclass(frozen=True, slots=True)
class Corpus:
    """Every item of every collection plus the vocabulary, indexed by id."""

    items: tuple[Item, ...]
    vocabulary: Vocabulary
    index: Mapping[ItemId, Item]

    @classmethod
    def of(cls, items: list[Item], vocabulary: Vocabulary) -> Corpus:
        """Build a corpus with items sorted by path (stable output) and indexed by id."""
        ordered = tuple(sorted(items, key=lambda i: i.path))
        index: dict[ItemId, Item] = {}
        for item in ordered:
            index.setdefault(item.id, item)  # a duplicate never shadows the first; validate reports it
        return cls(ordered, vocabulary, MappingProxyType(index))

    def of_kind(self, kind: Kind) -> list[Item]:
        return sorted((i for i in self.items if i.kind is kind), key=lambda i: i.titel.casefold())
