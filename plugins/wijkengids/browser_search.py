"""The browser search's ranking model: what `wijkengids zoek` knows, as data for a Web Worker.

Material's own search (lunr) cannot rank a wijkmanager's question well, and no setting fixes it:
Material appends a wildcard to every query word, and lunr skips the stemmer for wildcard words; it
builds its index without length normalisation (`b(0)`), so a long page with many passing mentions
outranks the page about the subject; and a query cannot be widened with synonyms. Measured with
`scripts/search_bench.py` on 58 questions: recall@5 0.55 in the browser against 0.74 for Whoosh.

So the site ships a small worker of its own (`theme/assets/wijkengids/zoekwerker.js`) that speaks
Material's documented worker protocol (Material keeps its search box, result list and highlighting)
and ranks with this model: the analyzer of `search.py` applied here in Python (Dutch stemming,
compound parts, stop words), BM25F over the same fields with the same weights, and the synonym
groups of `data/synoniemen.yml` applied to the query. The worker only folds and splits the query and
looks each word up in `forms`; a word the corpus lacks matches the corpus words it is a prefix of.

The model covers every page in Material's index: items with their own fields, the other pages
(leeswijzer, kaders, overviews) with title and text; overview pages that list many items weigh
less (`OVERVIEW_BOOST`), or they would answer every question. It is written as a script
(`MODEL_FILE`) because browsers refuse fetch() from file://.
"""

from __future__ import annotations

import hashlib
import html
import json
import sys
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .gcpause import cycle_collection_paused
from .model import Corpus, Kind
from .search import (
    _HTML_TAG,
    COMPOUND_BOOST,
    FIELD_BOOSTS,
    MIN_PART,
    NUMBER_BOOST,
    STOPWORDS,
    SYNONYM_BOOST,
    CompoundSplitFilter,
    Synonyms,
    item_fields,
    published_items,
    stem,
    words,
)

MODEL_FILE = "assets/wijkengids/zoekdata.js"
# Bestanddelen and thema's are the hubs: only a tie-break above a lesson with the same words. The
# title weight and length normalisation already put a hub above a passing mention; search_bench
# measured every larger boost lifting hubs above the lessons a question asked for (recall@5 at
# 1.05: 0.903, 1.25: 0.891, 2.0, the lunr-era value: worse still).
KIND_BOOSTS: Mapping[Kind, float] = MappingProxyType({Kind.BESTANDDEEL: 1.05, Kind.THEMA: 1.05})
MODEL_VERSION = 1
OVERVIEW_BOOST = 0.3  # a generated overview lists titles and samenvattingen of dozens of items
PAGE_BOOST = 0.8  # a hand-written page (kaders, toepassing) next to an item on the same subject
TEASER_CHARS = 320  # of a page's text under its title in the results
# Whoosh's BM25F defaults, so both engines weigh term frequency and page length alike.
K1, B = 1.2, 0.75


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One page as the model sees it.

    Attributes:
        location: The page's location in Material's search index, e.g. `lessen/kies-wat-doorgaat/`.
        fields: Text per field of `FIELD_BOOSTS` (missing fields are empty).
        boost: Multiplies the page's score.
    """

    location: str
    fields: Mapping[str, str]
    boost: float = 1.0


def item_docs(
    corpus: Corpus, location_of: Mapping[str, str], fields: Mapping[str, Mapping[str, str]] | None = None
) -> list[SearchDoc]:
    """A SearchDoc per published item page.

    Arguments:
        location_of: Source URI → location.
        fields: `search.corpus_fields(corpus)` when the caller has them already.
    """
    docs = []
    for item in published_items(corpus):
        location = location_of.get(item.src_uri)
        if location is not None:  # not in this build (a subset bundle)
            boost = KIND_BOOSTS.get(item.kind, 1.0)
            texts = fields[item.path] if fields and item.path in fields else item_fields(item, corpus)
            docs.append(SearchDoc(location, texts, boost))
    return docs


def page_docs(entries: Iterable[Mapping[str, Any]], skip: Iterable[str], overviews: Iterable[str]) -> list[SearchDoc]:
    """A SearchDoc per other page, from Material's search entries (a page and its sections).

    Arguments:
        entries: Material's search index entries (`location`, `title`, `text`).
        skip: Locations that have a SearchDoc already (the items).
        overviews: Locations of generated overview pages (`OVERVIEW_BOOST`).
    """
    skipped, overview = set(skip), set(overviews)
    titles: dict[str, str] = {}
    texts: dict[str, list[str]] = {}
    for entry in entries:
        location = str(entry.get("location", ""))
        page = location.split("#", 1)[0]
        if page in skipped:
            continue
        title = _plain(str(entry.get("title", "")))
        titles.setdefault(page, "")
        if location == page:  # the page itself, not one of its sections
            titles[page] = title
        texts.setdefault(page, []).extend((title, _plain(str(entry.get("text", "")))))
    return [
        SearchDoc(
            page,
            {"titel": titles[page], "body": "\n".join(texts[page])},
            OVERVIEW_BOOST if page in overview else PAGE_BOOST,
        )
        for page in titles
    ]


def _plain(markup: str) -> str:
    return html.unescape(_HTML_TAG.sub(" ", markup))


# One field's distinct words and how often each occurs: a tenth of a Counter's memory, so a
# build can hold every page's words between the two passes of `model` instead of finding them twice.
FieldWords = tuple[tuple[str, ...], "array[int]"]


def _field_words(text: str) -> FieldWords:
    counted = Counter(words(text))
    return tuple(map(sys.intern, counted)), array("L", counted.values())  # one copy of a word for all pages


@dataclass
class ModelMemo:
    """What `mkdocs serve` keeps of the model between rebuilds, found again only under a hash of
    its inputs: a page's word counts under the hash of its text; the words' analysis and a page's
    term counts also under the hash of the corpus vocabulary, because compound splits depend on it.
    """

    words: dict[str, list[FieldWords]] = field(default_factory=dict)
    vocabulary: str = ""
    analysis: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, list[dict[str, int]]] = field(default_factory=dict)


def _text_key(doc: SearchDoc, fields: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(doc.fields.get(name, "") for name in fields).encode()).hexdigest()


def phrase_count(positions: Mapping[int, Collection[str]], phrase: Sequence[str]) -> int:
    """How often the stems of `phrase` stand in a text in that order, at most one word apart (as
    Whoosh's `Phrase(slop=2)` in `wijkengids zoek`).

    Arguments:
        positions: Word number → that word's analysis (stem and compound parts: a word matches by
            either), in text order; words that can match no phrase may be left out."""
    found = 0
    for start, terms in positions.items():
        if phrase[0] not in terms:
            continue
        at = start
        for term in phrase[1:]:
            if term in positions.get(at + 1, ()):
                at += 1
            elif term in positions.get(at + 2, ()):
                at += 2
            else:
                break
        else:
            found += 1
    return found


def model(docs: Sequence[SearchDoc], synonyms: Synonyms, memo: ModelMemo | None = None) -> dict[str, Any]:
    """The ranking model as JSON-ready data.

    `terms` maps each analyzed term to its postings (an array), in document order, as pairs
    `[doc - previous doc, count * 8 + field]` (small numbers keep the file small); `lengths` holds
    each document's number of terms per field; `forms` maps a folded word to its analysis
    `[stem, *stems of its compound parts]` wherever that is not just the word itself; `phrases`
    holds postings, in the same form, of each synonym term of several words (`"papier dossier"`):
    where its words stand together, as Whoosh's phrase query in `wijkengids zoek` counts them.

    Arguments:
        memo: Results of earlier builds (`serve`); without one nothing is kept.
    """
    fields = list(FIELD_BOOSTS)
    assert len(fields) <= 1 << FIELD_BITS
    keep = memo is not None  # a one-off build lets each page's counts go as soon as they are posted
    memo = memo if memo is not None else ModelMemo()
    keys = [_text_key(doc, fields) for doc in docs]
    # Each field is folded and split once; its distinct words are analyzed once.
    page_words = [
        memo.words.get(key) or [_field_words(doc.fields.get(name, "")) for name in fields]
        for key, doc in zip(keys, docs, strict=True)
    ]
    if keep:
        memo.words = dict(zip(keys, page_words, strict=True))  # a deleted page's words go
    wordset: set[str] = set()
    for doc_words in page_words:
        for distinct, _ in doc_words:
            wordset.update(distinct)
    parts = sorted(w for w in wordset if len(w) >= MIN_PART and not w.isdigit())
    vocabulary = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    if memo.vocabulary != vocabulary:
        memo.vocabulary, memo.analysis, memo.counts = vocabulary, {}, {}
    splitter = CompoundSplitFilter(parts)
    analysis = memo.analysis
    phrase_terms: set[str] = set()  # the stems of the synonym phrases, once known
    phrase_words: set[str] = set()  # the words whose analysis holds one of them

    def analyze(word: str) -> list[str]:
        found = analysis.get(word)
        if found is None:
            found = analysis[word] = list(dict.fromkeys([stem(word), *(stem(p) for p in splitter.parts(word))]))
            if not phrase_terms.isdisjoint(found):
                phrase_words.add(word)
        return found

    groups = []  # each synonym term as the stems the query matches it on (`[papier, dossier]`)
    for group in synonyms.groups:
        for word in (w for term in group for w in words(term)):
            analyze(word)  # a synonym the corpus lacks is still understood in the query
            wordset.add(word)
        groups.append([[analyze(w)[0] for w in words(term)] for term in group])
    phrases = {" ".join(term): term for group in groups for term in group if len(term) > 1}
    # A field is a phrase candidate only if it has the phrase's first stem: found by one set
    # intersection per field instead of testing every phrase (30,000 fields × 50 phrases).
    phrases_from: dict[str, list[tuple[str, list[str]]]] = {}
    for phrase_key, phrase in phrases.items():
        phrases_from.setdefault(phrase[0], []).append((phrase_key, phrase))
        phrase_terms.update(phrase)
    phrase_words.update(w for w, found in analysis.items() if not phrase_terms.isdisjoint(found))
    first_stems = phrases_from.keys()
    phrase_postings: dict[str, array[int]] = {}
    phrase_last: dict[str, int] = {}
    # Postings are written encoded as they are found (see `terms` above) into compact arrays:
    # at 5,000 pages, lists of tuples held 10 times the memory of the file they become.
    postings: dict[str, array[int]] = {}
    last_doc: dict[str, int] = {}
    lengths = []
    for n, (key, doc_words) in enumerate(zip(keys, page_words, strict=True)):
        page_counts = memo.counts.get(key)
        if page_counts is None:
            page_counts = []
            for distinct, occurrences in doc_words:
                counts: dict[str, int] = {}
                for word, occurrence in zip(distinct, occurrences, strict=True):
                    for term in analysis.get(word) or analyze(word):
                        counts[term] = counts.get(term, 0) + occurrence
                page_counts.append(counts)
            if keep:
                memo.counts[key] = page_counts
        page_words[n] = []  # counted: its words are not needed again in this build
        sizes = []
        for f, counts in enumerate(page_counts):
            sizes.append(sum(counts.values()))
            positions: dict[int, list[str]] | None = None  # where the field has phrase words, if needed
            for first in first_stems & counts.keys():
                for phrase_key, phrase in phrases_from[first]:
                    if not all(t in counts for t in phrase):
                        continue
                    if positions is None:
                        text = words(docs[n].fields.get(fields[f], ""))
                        positions = {i: analysis[w] for i, w in enumerate(text) if w in phrase_words}
                    found = phrase_count(positions, phrase)
                    if found:
                        posted = phrase_postings.setdefault(phrase_key, array("L"))
                        posted.append(n - phrase_last.get(phrase_key, 0))
                        posted.append(found << FIELD_BITS | f)
                        phrase_last[phrase_key] = n
            for term, occurrence in counts.items():
                posted = postings.get(term)
                if posted is None:
                    posted = postings[term] = array("L")
                posted.append(n - last_doc.get(term, 0))
                posted.append(occurrence << FIELD_BITS | f)
                last_doc[term] = n
        lengths.append(sizes)
    # Only what this build needs survives it: a deleted page's results go.
    memo.counts = {key: memo.counts[key] for key in keys if key in memo.counts}
    return {
        "version": MODEL_VERSION,
        "fields": fields,
        "weights": [FIELD_BOOSTS[f] for f in fields],
        "k1": K1,
        "b": B,
        "synonymBoost": SYNONYM_BOOST,
        "compoundBoost": COMPOUND_BOOST,
        "numberBoost": NUMBER_BOOST,
        "docs": [d.location for d in docs],
        "boosts": [d.boost for d in docs],
        "lengths": lengths,
        "terms": {term: postings[term] for term in sorted(postings)},
        "phrases": {term: phrase_postings[term] for term in sorted(phrase_postings)},
        "forms": {w: a for w in sorted(wordset) if (a := analysis.get(w) or analyze(w)) != [w]},
        "stopwords": sorted(STOPWORDS),
        "synonyms": [g for g in groups if sum(1 for t in g if t) > 1],
    }


FIELD_BITS = 3  # a count and a field share one number: count << 3 | field (at most 8 fields)


def script(data: Mapping[str, Any]) -> str:
    """The model as a script for the worker's importScripts (works from file://)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=list)  # arrays of postings
    return f"self.wijkengidsZoekdata = {payload};\n"


def site_docs(
    corpus: Corpus,
    entries: Iterable[Mapping[str, Any]],
    location_of: Mapping[str, str],
    overviews: Iterable[str],
    fields: Mapping[str, Mapping[str, str]] | None = None,
) -> list[SearchDoc]:
    """The model's documents for a whole site: every published item from its fields, then every
    other page from Material's search entries.

    Arguments:
        entries: Material's search index entries (`location`, `title`, `text`).
        location_of: Source URI → location of every page the site publishes.
        overviews: Source URIs of the generated overview pages.
        fields: `search.corpus_fields(corpus)` when the caller has them already.
    """
    items = item_docs(corpus, location_of, fields)
    overview = [location_of[uri] for uri in overviews if uri in location_of]
    return [*items, *page_docs(entries, [d.location for d in items], overview)]


def model_script(docs: Sequence[SearchDoc], synonyms: Synonyms, memo: ModelMemo | None = None) -> str:
    """The model script (`MODEL_FILE`) of `docs`; a function of its arguments alone, so it can
    run in another process (`background.Job`)."""
    # Millions of word counts and postings, none in a cycle, while the whole build is alive: the
    # cycle collector walked it all again and again (13.2 s -> 10.3 s at 5,000 pages).
    with cycle_collection_paused():
        return script(model(docs, synonyms, memo))


def shown_index(corpus: Corpus, material_index: Mapping[str, Any], location_of: Mapping[str, str]) -> str:
    """Material's search index cut down to what the result list shows.

    Material's index holds every page and section in full (1.4 MB for the real site); the worker
    ranks with the model and needs from it only a title and a teaser per page: an item's
    samenvatting, the start of any other page.

    Arguments:
        material_index: `search/search_index.json` as Material wrote it (`config`, `docs`).
        location_of: Source URI → location of every page the site publishes.
    """
    items = [(i, location) for i in published_items(corpus) if (location := location_of.get(i.src_uri)) is not None]
    item_locations = {location for _, location in items}
    shown = []
    for entry in material_index.get("docs", []):
        location = str(entry.get("location", ""))
        if "#" not in location and location not in item_locations:
            text = _shortened(_plain(str(entry.get("text", ""))))
            shown.append({**entry, "text": html.escape(text, quote=False)})
    for item, location in items:  # Material does not index item pages (see plugin.py)
        shown.append(
            {
                "location": location,
                "title": html.escape(item.titel, quote=False),
                "text": html.escape(item.samenvatting, quote=False),
            }
        )
    return json.dumps({**material_index, "docs": shown}, ensure_ascii=False, separators=(",", ":"))


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= TEASER_CHARS:
        return text
    cut = text.rfind(" ", 0, TEASER_CHARS)
    return text[: cut if cut > 0 else TEASER_CHARS] + " …"


__all__ = [
    "MODEL_FILE",
    "ModelMemo",
    "SearchDoc",
    "item_docs",
    "model",
    "model_script",
    "page_docs",
    "script",
    "shown_index",
    "site_docs",
]
