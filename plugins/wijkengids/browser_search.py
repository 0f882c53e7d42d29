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

import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .model import Corpus, Kind
from .search import (
    COMPOUND_BOOST,
    FIELD_BOOSTS,
    STOPWORDS,
    SYNONYM_BOOST,
    CompoundSplitFilter,
    Synonyms,
    _fold,
    _published,
    item_fields,
    stem,
    vocabulary_words,
)

MODEL_FILE = "assets/wijkengids/zoekdata.js"
# Bestanddelen and thema's are the hubs, a little above a lesson with the same words. Length
# normalisation already keeps a passing mention down; at 2.0 (the lunr-era value) search_bench
# measured hubs crowding out the lessons a question asked for.
KIND_BOOSTS: Mapping[Kind, float] = MappingProxyType({Kind.BESTANDDEEL: 1.25, Kind.THEMA: 1.25})
MODEL_VERSION = 1
OVERVIEW_BOOST = 0.3  # a generated overview lists titles and samenvattingen of dozens of items
PAGE_BOOST = 0.8  # a hand-written page (kaders, toepassing) next to an item on the same subject
# Whoosh's BM25F defaults, so both engines weigh term frequency and page length alike.
K1, B = 1.2, 0.75

_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One page as the model sees it.

    Attributes:
        location: The page's location in Material's search index, e.g. `lessen/kies-wat-doorgaat/`.
        fields: Text per field of `FIELD_BOOSTS` (missing fields are empty).
        boost: Multiplies the page's score.
        teaser: Plain text shown under the title in the results (an item's samenvatting); None
            shows the start of Material's own text for the page.
    """

    location: str
    fields: Mapping[str, str]
    boost: float = 1.0
    teaser: str | None = None


def item_docs(corpus: Corpus, location_of: Mapping[str, str]) -> list[SearchDoc]:
    """A SearchDoc per published item page; `location_of` maps source URI to location."""
    docs = []
    for item in _published(corpus):
        location = location_of.get(item.src_uri)
        if location is not None:  # not in this build (a subset bundle)
            boost = KIND_BOOSTS.get(item.kind, 1.0)
            docs.append(SearchDoc(location, item_fields(item, corpus), boost, item.samenvatting))
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
        page = str(entry.get("location", "")).split("#", 1)[0]
        if page in skipped:
            continue
        if page not in titles:
            titles[page] = ""
            texts[page] = []
        if "#" not in str(entry.get("location", "")):
            titles[page] = _plain(str(entry.get("title", "")))
        texts[page] += [_plain(str(entry.get("title", ""))), _plain(str(entry.get("text", "")))]
    return [
        SearchDoc(
            page,
            {"titel": titles[page], "body": "\n".join(texts[page])},
            OVERVIEW_BOOST if page in overview else PAGE_BOOST,
        )
        for page in titles
    ]


def _plain(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup))


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(_fold(text)) if len(w) >= 2 and w not in STOPWORDS]


def model(docs: Sequence[SearchDoc], synonyms: Synonyms) -> dict[str, Any]:
    """The ranking model as JSON-ready data.

    `terms` maps each analyzed term to a flat list `[doc, field, count, doc, field, count, …]`;
    `lengths` holds each document's number of terms per field; `forms` maps a folded word to its
    analysis `[stem, *stems of its compound parts]` wherever that is not just the word itself.
    """
    fields = list(FIELD_BOOSTS)
    splitter = CompoundSplitFilter(vocabulary_words(t for d in docs for t in d.fields.values()))
    analysis: dict[str, list[str]] = {}

    def analyze(word: str) -> list[str]:
        found = analysis.get(word)
        if found is None:
            found = analysis[word] = list(dict.fromkeys([stem(word), *(stem(p) for p in splitter.parts(word))]))
        return found

    postings: dict[str, list[int]] = {}
    lengths = []
    for n, doc in enumerate(docs):
        sizes = []
        for f, name in enumerate(fields):
            counts: Counter[str] = Counter()
            for word in _words(doc.fields.get(name, "")):
                counts.update(analyze(word))
            sizes.append(sum(counts.values()))
            for term, count in sorted(counts.items()):
                postings.setdefault(term, []).extend((n, f, count))
        lengths.append(sizes)
    groups = []
    for group in synonyms.groups:
        for word in (w for term in group for w in _words(term)):
            analyze(word)  # a synonym the corpus lacks is still understood in the query
        groups.append([[analyze(w)[0] for w in _words(term)] for term in group])
    return {
        "version": MODEL_VERSION,
        "fields": fields,
        "weights": [FIELD_BOOSTS[f] for f in fields],
        "k1": K1,
        "b": B,
        "synonymBoost": SYNONYM_BOOST,
        "compoundBoost": COMPOUND_BOOST,
        "docs": [d.location for d in docs],
        "boosts": [d.boost for d in docs],
        "teasers": [d.teaser for d in docs],
        "lengths": lengths,
        "terms": dict(sorted(postings.items())),
        "forms": {w: a for w, a in sorted(analysis.items()) if a != [w]},
        "stopwords": sorted(STOPWORDS),
        "synonyms": [g for g in groups if sum(1 for t in g if t) > 1],
    }


def script(data: Mapping[str, Any]) -> str:
    """The model as a script for the worker's importScripts (works from file://)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"self.wijkengidsZoekdata = {payload};\n"


def site_script(
    corpus: Corpus,
    synonyms: Synonyms,
    entries: Iterable[Mapping[str, Any]],
    location_of: Mapping[str, str],
    overviews: Iterable[str],
) -> str:
    """The contents of `MODEL_FILE` for a whole site.

    Arguments:
        entries: Material's search index entries of this build (every page and section).
        location_of: Source URI → location of every page the site publishes.
        overviews: Source URIs of the generated overview pages.
    """
    items = item_docs(corpus, location_of)
    overview = [location_of[uri] for uri in overviews if uri in location_of]
    others = page_docs(entries, [d.location for d in items], overview)
    return script(model([*items, *others], synonyms))


__all__ = ["MODEL_FILE", "SearchDoc", "item_docs", "model", "page_docs", "script", "site_script"]
