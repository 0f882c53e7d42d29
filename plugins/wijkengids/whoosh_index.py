"""The Whoosh index behind `wijkengids zoek`: schema, cache, queries with synonyms, snippets.

The analyzer, the fields and the synonyms are `search`'s, shared with the browser search and the
duplicate check; this module holds only what needs Whoosh's index and query machinery, so that a
`wijkengids check` never imports it (a fifth of its start-up).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.highlight import ContextFragmenter, Formatter
from whoosh.query import And, Or, Phrase, Query, Term

from .model import Corpus, Kind
from .search import (
    ANALYZER_VERSION,
    COMPOUND_BOOST,
    FIELD_BOOSTS,
    NUMBER_BOOST,
    SYNONYM_BOOST,
    Synonyms,
    analyze,
    analyzer,
    cache_dir,
    contains_phrase,
    expansions,
    item_fields,
    load_synonyms,
    published_items,
    url_of,
    vocabulary_words,
)


def _schema(an: Analyzer) -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        type=ID(stored=True),
        titel=TEXT(analyzer=an, stored=True),
        samenvatting=TEXT(analyzer=an, stored=True),
        plaats=TEXT(analyzer=an, stored=True),
        onderwerp=TEXT(analyzer=an),
        trefwoorden=TEXT(analyzer=an),
        body=TEXT(analyzer=an, stored=True),
        themas=KEYWORD(stored=True),
        bestanddelen=KEYWORD(stored=True),
        stappen=KEYWORD(stored=True),
        url=STORED,
    )


def index_key(corpus: Corpus) -> str:
    """What the index depends on: every item's content, the vocabulary and the analyzer."""
    h = hashlib.sha256(f"analyzer {ANALYZER_VERSION}\n".encode())
    h.update(repr(corpus.vocabulary).encode())
    for item in published_items(corpus):
        h.update(f"\n{item.path} {item.content_hash}".encode())
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# The index


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    type: str
    titel: str
    url: str
    score: float
    samenvatting: str
    snippet: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "type": self.type,
            "titel": self.titel,
            "url": self.url,
            "score": round(self.score, 3),
            "samenvatting": self.samenvatting,
        }


class _MarkFormatter(Formatter):
    """Marks matched words as `**woord**`: readable in a pipe, made bold by the CLI."""

    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"**{text[token.startchar : token.endchar]}**"


@dataclass
class SearchIndex:
    """An open Whoosh index plus what a query needs. `rebuilt` says whether this call built it."""

    ix: Any
    synonyms: Synonyms
    rebuilt: bool
    path: Path
    build_seconds: float = 0.0
    _analyzer: Analyzer | None = field(default=None, repr=False)

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = self.ix.schema["body"].analyzer
        return self._analyzer

    def query(self, text: str) -> Query | None:
        """The Whoosh query for a question: every word across the fields, plus synonyms."""
        an = self.analyzer
        clauses: list[Query] = []
        for group in analyze(an, text):
            clauses.append(self._word(group[0], group[1:]))
        for alternatives in expansions(an, self.synonyms, text):
            for tokens in alternatives:
                clauses.append(self._phrase(tokens, SYNONYM_BOOST))
        for group_terms in self._typed_phrases(text):
            clauses.append(self._phrase(group_terms, 1.0))
        return Or(clauses) if clauses else None

    def _fields(self, token: str, boost: float) -> Query:
        return Or([Term(f, token, boost=b * boost) for f, b in FIELD_BOOSTS.items()])

    def _word(self, word: str, parts: Sequence[str]) -> Query:
        q = self._fields(word, NUMBER_BOOST if word.isdigit() else 1.0)
        if parts:
            q = Or([q, And([self._fields(p, COMPOUND_BOOST) for p in parts])])
        return q

    def _phrase(self, tokens: Sequence[str], boost: float) -> Query:
        if len(tokens) == 1:
            return self._fields(tokens[0], boost)
        return Or([Phrase(f, list(tokens), slop=2, boost=b * boost) for f, b in FIELD_BOOSTS.items()])

    def _typed_phrases(self, text: str) -> list[list[str]]:
        """Multi-word synonym terms the reader typed: matching them as a phrase adds precision."""
        words = [g[0] for g in analyze(self.analyzer, text)]
        found = []
        for group in self.synonyms.groups:
            for term in group:
                tokens = [g[0] for g in analyze(self.analyzer, term)]
                if len(tokens) > 1 and contains_phrase(words, tokens):
                    found.append(tokens)
        return found

    def search(
        self, text: str, kind: str | None = None, stap: int | None = None, thema: str | None = None, limit: int = 10
    ) -> list[Hit]:
        """Ranked hits for a question, optionally only of one type, step or thema."""
        q = self.query(text)
        if q is None:
            return []
        filters = [Term("type", kind)] if kind else []
        if stap is not None:
            filters.append(Term("stappen", str(stap)))
        if thema:
            filters.append(Term("themas", thema))
        with self.ix.searcher() as searcher:
            results = searcher.search(q, limit=limit, filter=And(filters) if filters else None, terms=True)
            results.fragmenter = ContextFragmenter(maxchars=120, surround=45)  # two of them: one line or two
            results.formatter = _MarkFormatter()
            hits = []
            for r in results:
                snippet = r.highlights("body", top=2) or r.highlights("samenvatting") or r["samenvatting"]
                snippet = " ".join(snippet.split())
                hits.append(Hit(r["id"], r["type"], r["titel"], r["url"], r.score, r["samenvatting"], snippet))
            return hits


def _write(path: Path, corpus: Corpus) -> None:
    items = published_items(corpus)
    docs = [(item, item_fields(item, corpus)) for item in items]
    wordset = vocabulary_words(text for _, f in docs for text in f.values())
    ix = whoosh_index.create_in(str(path), _schema(analyzer(wordset)))
    writer = ix.writer(limitmb=128)
    for item, fields in docs:
        writer.add_document(
            id=item.id,
            type=item.kind.value,
            themas=" ".join(item.themas),
            bestanddelen=" ".join(item.bestanddelen),
            stappen=" ".join(str(s) for s in item.stappen),
            url=url_of(item),
            **fields,
        )
    writer.commit()


def open_index(corpus: Corpus, synonyms: Synonyms, cache_dir: Path) -> SearchIndex:
    """Open the cached index, building it first when the content changed since the last build.

    Arguments:
        corpus: The loaded items.
        synonyms: Applied at query time (not part of the index).
        cache_dir: Folder for the index and its manifest, e.g. `cache_dir(root)`.

    Returns:
        The open index; `rebuilt` is True when this call (re)built it.
    """
    key = index_key(corpus)
    manifest_path = cache_dir / "manifest.json"
    index_dir = cache_dir / "index"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    if manifest.get("key") == key and whoosh_index.exists_in(str(index_dir)):
        try:
            return SearchIndex(whoosh_index.open_dir(str(index_dir)), synonyms, False, index_dir)
        except Exception:  # a damaged cache is rebuilt, never fatal
            pass
    start = time.perf_counter()
    cache_dir.mkdir(parents=True, exist_ok=True)
    fresh = cache_dir / f"index.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    _write(fresh, corpus)
    shutil.rmtree(index_dir, ignore_errors=True)
    try:
        fresh.rename(index_dir)
    except OSError:  # another process put its fresh index there first: use this one from its own folder
        index_dir = fresh
    seconds = time.perf_counter() - start
    tmp = cache_dir / f"manifest.json.{os.getpid()}"
    tmp.write_text(
        json.dumps(
            {
                "key": key,
                "analyzer": ANALYZER_VERSION,
                "items": len(published_items(corpus)),
                "seconds": round(seconds, 3),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    tmp.replace(manifest_path)
    return SearchIndex(whoosh_index.open_dir(str(index_dir)), synonyms, True, index_dir, seconds)


# ---------------------------------------------------------------------------------------------
# CLI


def _bold(snippet: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", lambda m: click.style(m.group(1), bold=True), snippet)


@click.command("zoek")
@click.argument("query", nargs=-1, required=True)
@click.option("--type", "kind", type=click.Choice([k.value for k in Kind]), help="Alleen items van dit type.")
@click.option("--stap", type=click.IntRange(1, 5), help="Alleen items bij deze stap (1-5).")
@click.option("--thema", help="Alleen items bij dit thema (id, bv. burgerschap).")
@click.option("--limit", type=click.IntRange(1, 500), default=10, show_default=True, help="Aantal resultaten.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."), help="Projectmap."
)
def zoek(
    query: tuple[str, ...], kind: str | None, stap: int | None, thema: str | None, limit: int, as_json: bool, root: Path
) -> None:
    """Zoek in de kennisbank met een vraag in gewone taal, bv. `wijkengids zoek schulden achter de voordeur`."""
    from .loader import load  # the CLI needs only the corpus, not a whole build

    root = root.resolve()
    corpus, _ = load(root, root / "data")
    synonyms, problems = load_synonyms(root / "data", root)
    for diag in problems:
        click.echo(diag.format(), err=True)
    if thema and thema not in {t.id for t in corpus.of_kind(Kind.THEMA)}:
        from .diagnostics import did_you_mean

        hint = did_you_mean(thema, [t.id for t in corpus.of_kind(Kind.THEMA)])
        raise click.BadParameter(f"onbekend thema `{thema}`" + (f" — {hint}" if hint else ""), param_hint="--thema")
    index = open_index(corpus, synonyms, cache_dir(root))
    hits = index.search(" ".join(query), kind=kind, stap=stap, thema=thema, limit=limit)
    if as_json:
        click.echo(json.dumps([h.as_json() for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("Niets gevonden. Probeer andere of minder woorden.")
        sys.exit(1)
    for n, hit in enumerate(hits, start=1):
        click.echo(
            f"{n:>2}. " + click.style(hit.titel, bold=True) + click.style(f"  ({hit.type}, {hit.score:.1f})", dim=True)
        )
        click.echo(f"    {hit.url}")
        click.echo("    " + _bold(hit.snippet.replace("\n", " ")))


__all__ = ["Hit", "SearchIndex", "index_key", "open_index", "zoek"]
