"""Search: the Dutch analyzer, the search fields and synonyms that `wijkengids zoek` (its Whoosh
index is `whoosh_index`) and the browser search (`browser_search`) share, and the duplicate
warning of `wijkengids check`.

A wijkmanager types a question, not a title ("schulden en armoede achter de voordeur", "MPG"). So:

- **Analyzer.** Words are lowercased, accents folded (`één` = `een`), Dutch stop words dropped and
  stemmed with Whoosh's Dutch Snowball stemmer plus two fixes it lacks (`gezinnen` → `gezin`,
  `corporaties` → `corporatie`). Compounds are split against the corpus's own vocabulary
  (`bewonersparticipatie` also indexes `bewoners` and `participatie`, at the same position), in
  the index and in the query, so "participatie van bewoners" finds both spellings.
- **Synonyms** live in `data/synoniemen.yml` (groups such as MPG = multiprobleemgezin). A query
  is expanded at query time: each group matched in the question adds its other terms at a lower
  weight (`SYNONYM_BOOST`). The browser search does the same with the model of `browser_search`.
- **Numbers** the reader typed weigh `NUMBER_BOOST` times a word: "1000 projecten" asks for a fact.
- **Ranking.** BM25F over the fields, each with a weight (`FIELD_BOOSTS`: the title weighs most,
  then samenvatting and place, then `onderwerp`: the thema's and the signals, with their uitleg, an
  editor tagged the page with); all question words are OR-ed, so the page matching most of them
  comes first.
- **Cache** (`whoosh_index`). The index lives in the user's cache folder (`cache_dir`; see `cachedir.py`: Whoosh
  pickles its table of contents, so never in the project), keyed by the hash of every item's
  content hash, the vocabulary and `ANALYZER_VERSION` (in `manifest.json`); it is rebuilt only
  when one of those changed.

Duplicates (`content.duplicate`, a warning): two items whose key terms overlap so much that one
probably repeats the other. The similarity is the cosine of TF-IDF vectors over each item's key
terms: its stemmed words of at least 3 letters minus stop words, the title counted 3 times and the
samenvatting twice, and per item only its `KEY_TERMS` heaviest terms. A pair at or above
`DUPLICATE_THRESHOLD` (0.75) is reported on both files. Measured on the real content (288 items):
distinct items stay below 0.70 (the highest, 0.67, is an interventie and the lesson drawn from it),
while a copy with a new title, one paragraph reworded and one dropped scores 0.82-0.93. Items that
have errors are skipped: they are half-written, and copies of one template would all match. The
whole check (analysis shared with the browser extras) takes about 0.3 s on 300 items.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, count
from pathlib import Path
from types import MappingProxyType
from typing import Any

from whoosh.analysis import Analyzer, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stemmer_for_language
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

from .cachedir import project_cache
from .diagnostics import Diagnostic, Severity
from .loader import _load_list
from .model import Corpus, Item

# Bump when the analyzer, the schema or what goes into a field changes: old caches are rebuilt.
ANALYZER_VERSION = "5"
SYNONYMS_FILE = "synoniemen.yml"


def cache_dir(root: Path) -> Path:
    """The folder of the project's Whoosh index and its manifest (see `cachedir`)."""
    return project_cache(root) / "search"


# Query weight per field (BM25F): a word in the title counts most.
FIELD_BOOSTS: Mapping[str, float] = MappingProxyType(
    {"titel": 4.0, "samenvatting": 2.0, "plaats": 2.0, "onderwerp": 1.5, "trefwoorden": 1.0, "body": 1.0}
)
SYNONYM_BOOST = 0.6  # a synonym counts a bit less than the word the reader typed
COMPOUND_BOOST = 0.5  # the parts of a compound count less than the compound itself
# A number the reader typed ("1000 projecten", "11 oktober 2012") asks for one fact: a page that has
# it beats pages with the other words in the title. search_bench: recall@5 +0.017, MRR unchanged.
NUMBER_BOOST = 3.0
# For editors and reviewers: `wijkengids check` warns "lijkt sterk op lessons/x.md (overeenkomst
# 0.83)" from 0.75 up. Distinct items on the real content score at most 0.67 (an interventie and
# the lesson drawn from it); a copied item with a new title and a reworded paragraph scores 0.82 or
# more. Merge the two, or make the difference plain in titel and samenvatting. Raise the bar only
# with new measurements (see the module docstring).
DUPLICATE_THRESHOLD = 0.75
KEY_TERMS = 60

# Question words that carry no meaning in a search ("hoe", "wat" are in Whoosh's list already).
EXTRA_STOPWORDS = frozenset(
    {"welke", "waarom", "wanneer", "waar", "kun", "kunt", "jij", "jullie", "wij", "we", "onze", "gaan", "gaat"}
    | {"ga", "krijg", "krijgen", "erg", "heel"}
)
STOPWORDS = frozenset(stoplists["nl"]) | EXTRA_STOPWORDS
MIN_PART = 4  # shortest compound part: shorter ones are mostly prefixes (`ver`, `be`, `ont`)

_WORD = re.compile(r"\w+", re.UNICODE)
_LINK = re.compile(r"\[\[([^\]|\n]+?)(?:\|([^\]\n]+))?\]\]")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_ATTR_LIST = re.compile(r"\{:?[^}\n]*\}")
# Line marks by regex, inline marks by str.translate: one regex with both alternatives tried them at
# every character and cost a third of the check's plain_text time at 5,000 items.
_LINE_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}|>|[-*+]|\d+\.)\s+", re.MULTILINE)
_INLINE_MARKS = str.maketrans({"*": None, "_": None, "`": None, "~": None, "\t": " "})
_BLANKS = re.compile(r"  +")  # a literal prefix: the regex engine skips ahead to each double space


# ---------------------------------------------------------------------------------------------
# Analyzer


_snowball = stemmer_for_language("nl")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Whoosh's Dutch Snowball stemmer plus what it leaves apart: two plural forms (`gezinn` from
    gezinnen becomes `gezin`, `corporaties` becomes `corporatie`) and Dutch spelling's z/s and v/f
    at the end of a stem (werkloze → `werkloz` → `werklos`, as werkloos; brieven → `brief`), as
    the Kraaij-Pohlmann stemmer does. Pure, so caching is safe."""
    text = _snowball(word)
    if text.endswith("ies") or (len(text) > 4 and text[-1] == text[-2] and text[-1] not in "aeiouy"):
        text = text[:-1]
    if len(text) > 3 and text[-1] in _SOFT_ENDS and text[-2] not in _SOFT_ENDS:
        return text[:-1] + _SOFT_ENDS[text[-1]]
    return text


_SOFT_ENDS = {"z": "s", "v": "f"}


class DutchStemFilter(Filter):
    """Applies `stem` to every token."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for t in tokens:
            t.text = stem(t.text)
            yield t


class CompoundSplitFilter(Filter):
    """After each compound word, also emit its parts at the same position.

    A word is split only where both parts (at least `MIN_PART` letters, no stop word) are words of
    the corpus itself; a linking `s` or `en` between them is dropped (`aandachtswijk` = `aandacht`
    + `wijk`). One level of recursion handles three-part words.
    """

    def __init__(self, wordset: Iterable[str] = ()) -> None:
        self.wordset = frozenset(wordset)
        self._cache: dict[str, tuple[str, ...]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"wordset": self.wordset}  # the split cache is not part of the pickled schema

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.wordset = state["wordset"]
        self._cache = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CompoundSplitFilter) and other.wordset == self.wordset

    def __hash__(self) -> int:
        return hash(len(self.wordset))

    def _valid(self, word: str) -> bool:
        return len(word) >= MIN_PART and word in self.wordset and word not in STOPWORDS

    def _left(self, left: str) -> str | None:
        for candidate in (left, left[:-1] if left.endswith("s") else "", left[:-2] if left.endswith("en") else ""):
            if candidate and self._valid(candidate):
                return candidate
        return None

    def parts(self, word: str, depth: int = 0) -> tuple[str, ...]:
        if len(word) < 2 * MIN_PART:
            return ()
        if depth == 0 and word in self._cache:
            return self._cache[word]
        found: tuple[str, ...] = ()
        for i in range(MIN_PART, len(word) - MIN_PART + 1):  # the longest head (right part) first
            right = word[i:]
            if not self._valid(right):
                continue
            left = self._left(word[:i])
            if left is None:
                continue
            found = (left, right)
            if depth == 0:
                found += self.parts(left, 1) + self.parts(right, 1)
            break
        if depth == 0:
            self._cache[word] = found
        return found

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for t in tokens:
            yield t
            for part in self.parts(t.text):
                t.text = part
                yield t


def analyzer(wordset: Iterable[str] = ()) -> Analyzer:
    """The Dutch analyzer; `wordset` (the corpus vocabulary) enables compound splitting."""
    chain = RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter(STOPWORDS, minsize=2)
    if wordset:
        chain = chain | CompoundSplitFilter(wordset)
    return chain | DutchStemFilter()


def analyze(an: Analyzer, text: str) -> list[list[str]]:
    """Tokens of `text` grouped by position: `[word, *compound parts]` per position."""
    groups: dict[int, list[str]] = {}
    for t in an(text, positions=True, mode="query"):
        group = groups.setdefault(t.pos, [])
        if t.text not in group:
            group.append(t.text)
    return [groups[p] for p in sorted(groups)]


def _fold(text: str) -> str:
    return text.lower().translate(accent_map)


def words(text: str) -> list[str]:
    """The words the analyzer keeps, folded, before stemming: the tokenizer, lowercase, accents
    and stop words of `analyzer`, fast (no token objects)."""
    return [w for w in _WORD.findall(_fold(text)) if len(w) >= 2 and w not in STOPWORDS]


def stems(text: str) -> list[str]:
    """The analyzer's output without compound parts: for related items and duplicate detection,
    which analyze the whole corpus on every build."""
    return [stem(w) for w in words(text)]


def vocabulary_words(texts: Iterable[str]) -> frozenset[str]:
    """Every folded word of the corpus that can be a compound part."""
    words: set[str] = set()
    for text in texts:
        words.update(w for w in _WORD.findall(_fold(text)) if len(w) >= MIN_PART and not w.isdigit())
    return frozenset(words - STOPWORDS)


# ---------------------------------------------------------------------------------------------
# Synonyms


@dataclass(frozen=True, slots=True)
class Synonyms:
    """Groups of terms that mean the same to a searcher, from `data/synoniemen.yml`."""

    groups: tuple[tuple[str, ...], ...] = ()

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.groups, ensure_ascii=False).encode()).hexdigest()[:16]


def load_synonyms(data_dir: Path | None, root: Path) -> tuple[Synonyms, list[Diagnostic]]:
    """Read `data/synoniemen.yml`: a list of `- termen: [a, b, …]` (optionally with `uitleg`).

    A missing file means no synonyms; a malformed one gives diagnostics, never an exception.
    """
    path = (data_dir or root / "data") / SYNONYMS_FILE
    if not path.exists():
        return Synonyms(), []
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    entries, diagnostics = _load_list(path, rel, ("termen",))
    groups = []
    for entry, line in entries:
        terms = entry["termen"]
        if not isinstance(terms, list) or any(not isinstance(t, (str, int)) or not str(t).strip() for t in terms):
            diagnostics.append(
                Diagnostic(
                    rel,
                    line,
                    "data.entry",
                    "`termen` moet een lijst van woorden zijn",
                    "schrijf `termen: [MPG, multiprobleemgezin]`",
                )
            )
            continue
        group = tuple(dict.fromkeys(str(t).strip() for t in terms))
        if len(group) < 2:
            diagnostics.append(
                Diagnostic(
                    rel,
                    line,
                    "data.entry",
                    "een groep synoniemen heeft minstens twee termen",
                    "voeg een term toe of verwijder de groep",
                )
            )
            continue
        groups.append(group)
    return Synonyms(tuple(groups)), diagnostics


def contains_phrase(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    if n == 0:
        return False
    first = phrase[0]
    return any(tokens[i] == first and list(tokens[i : i + n]) == list(phrase) for i in range(len(tokens) - n + 1))


class _Words:
    """An item's analyzed words with the positions of each, for quick phrase tests."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)
        self.at: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(self.words):
            self.at[w].append(i)

    def count(self, phrase: Sequence[str]) -> int:
        n = len(phrase)
        if n == 0 or phrase[0] not in self.at:
            return 0
        return sum(self.words[i : i + n] == list(phrase) for i in self.at[phrase[0]])

    def has(self, phrase: Sequence[str]) -> bool:
        return self.count(phrase) > 0


def expansions(an: Analyzer, synonyms: Synonyms, text: str) -> list[list[list[str]]]:
    """For each synonym group a term of which occurs in `text`, the analyzed other terms."""
    words = [g[0] for g in analyze(an, text)]
    found = []
    for group in synonyms.groups:
        analyzed = [[g[0] for g in analyze(an, term)] for term in group]
        if any(contains_phrase(words, a) for a in analyzed):
            found.append([a for a in analyzed if a and not contains_phrase(words, a)])
    return found


# ---------------------------------------------------------------------------------------------
# Documents


def plain_text(markdown: str, corpus: Corpus | None = None) -> str:
    """Readable text of a Markdown body: `[[id|tekst]]` becomes its text (or the target's title)."""

    def link(m: re.Match[str]) -> str:
        if m.group(2):
            return m.group(2)
        target = corpus.index.get(m.group(1).strip()) if corpus else None  # type: ignore[call-overload]
        return target.titel if target else m.group(1).replace("-", " ")

    text = _LINK.sub(link, markdown) if "[[" in markdown else markdown
    if "](" in text:  # rare in our content, and `!?\[` has no literal for the engine to skip to
        text = _MD_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = _ATTR_LIST.sub(" ", text)
    text = _LINE_MARKS.sub("", text).translate(_INLINE_MARKS)
    return _BLANKS.sub(" ", text).strip()


def _titles(corpus: Corpus, ids: Iterable[str]) -> list[str]:
    return [i.titel for x in ids if (i := corpus.index.get(x)) is not None]  # type: ignore[call-overload]


def _labels(corpus: Corpus, kind: str, ids: Iterable[str]) -> list[str]:
    return [t.label for x in ids if (t := corpus.vocabulary.term(kind, x)) is not None]


def item_fields(item: Item, corpus: Corpus) -> dict[str, str]:
    """The text of each search field for one item."""
    d = item.interventie
    plaats = " ".join(x for x in (d.plaats, d.wijk) if x) if d else ""
    # What the page is about, as its editor tagged it: its thema's and the signals it answers, with
    # their explanation ("Bewoners hebben weinig vertrouwen in gemeente en instellingen").
    onderwerp = [*_titles(corpus, item.themas)]
    for signal in item.signalen:
        if (term := corpus.vocabulary.term("signalen", signal)) is not None:
            onderwerp += [term.label, term.uitleg]
    extra = [
        *_titles(corpus, item.bestanddelen),
        *_labels(corpus, "actoren", item.actoren),
        item.waarom,
        *item.valkuilen,
    ]
    if d:
        extra += [d.periode, d.doel, d.doelgroep, *d.uitvoerders, d.resultaten, *d.randvoorwaarden]
    return {
        "titel": item.titel,
        "samenvatting": item.samenvatting,
        "plaats": plaats,
        "onderwerp": " \n".join(x for x in onderwerp if x),
        "trefwoorden": " \n".join(x for x in extra if x),
        "body": plain_text(item.body, corpus),
    }


ItemFields = Mapping[str, Mapping[str, str]]


def corpus_fields(corpus: Corpus) -> dict[str, dict[str, str]]:
    """`item_fields` of every published item, by item path: made once per build (turning bodies
    into plain text is not cheap) for the analyzed terms and the browser search's model."""
    return {item.path: item_fields(item, corpus) for item in published_items(corpus)}


# What related items and the duplicate check compare: titel counted 3 times, samenvatting twice.
KEY_FIELDS = (("titel", 3), ("samenvatting", 2), ("body", 1))
ItemKeyTerms = Mapping[str, Mapping[str, int]]


def key_terms(fields: Mapping[str, str]) -> dict[str, int]:
    """The weighted stemmed words (`stems`) of one item's KEY_FIELDS, without short words and
    numbers, in order of first appearance."""
    counts: dict[str, int] = {}
    for name, weight in KEY_FIELDS:
        # Counted in C: a dict lookup per word (`words` and `stem` per word cost twice as much).
        for term, n in Counter(map(_KEY_TERMS.__getitem__, _WORD.findall(_fold(fields.get(name, ""))))).items():
            if term:
                counts[term] = counts.get(term, 0) + n * weight
    return counts


class _KeyTermOf(dict[str, str]):
    """Folded word → its key term: the stem, or "" for what `key_terms` leaves out (stop words,
    one letter, short stems, numbers). Filled on first sight; bounded by the corpus's vocabulary."""

    def __missing__(self, word: str) -> str:
        term = stem(word) if len(word) >= 2 and word not in STOPWORDS else ""
        self[word] = term = term if len(term) >= 3 and not term.isdigit() else ""
        return term


_KEY_TERMS = _KeyTermOf()


# Key terms by (item path, content hash, titles its bare `[[id]]` links read as).
KeyTermMemo = dict[tuple[str, str, tuple[str, ...]], dict[str, int]]


def corpus_key_terms(
    corpus: Corpus, fields: ItemFields | None = None, memo: KeyTermMemo | None = None
) -> dict[str, dict[str, int]]:
    """`key_terms` of every published item, by item path: computed once per build and shared by
    the related items and the duplicate check (word counts, not word lists: a fifth of the memory).

    Arguments:
        fields: `corpus_fields(corpus)` when the caller has them already.
        memo: Key terms of an earlier run; afterwards it holds just the current items' terms.
    """

    def computed(item: Item) -> dict[str, int]:
        return key_terms(fields[item.path] if fields is not None else _key_texts(item, corpus))

    if memo is None:  # a one-off build: no keys to make
        return {item.path: computed(item) for item in published_items(corpus)}
    current: KeyTermMemo = {}
    for item in published_items(corpus):
        key = (item.path, item.content_hash, _linked_titles(item, corpus))
        found = memo.get(key)
        current[key] = found if found is not None else computed(item)
    memo.clear()
    memo.update(current)
    return {path: terms for (path, _, _), terms in current.items()}


def _linked_titles(item: Item, corpus: Corpus) -> tuple[str, ...]:
    """The titles its bare `[[id]]` links read as (plain_text): part of a key-term memo key, so an
    edited title elsewhere changes this item's key."""
    return tuple(
        t.titel if (t := corpus.index.get(m.group(1).strip())) else ""  # type: ignore[call-overload]
        for m in _LINK.finditer(item.body)
        if not m.group(2)
    )


def _key_texts(item: Item, corpus: Corpus) -> dict[str, str]:
    """The KEY_FIELDS of `item_fields`, without the others."""
    return {"titel": item.titel, "samenvatting": item.samenvatting, "body": plain_text(item.body, corpus)}


def url_of(item: Item) -> str:
    """The page's site-relative URL (directory URLs), e.g. `/lessen/kies-wat-doorgaat/`."""
    return f"/{item.kind.url_prefix}/{item.id}/"


def published_items(corpus: Corpus) -> list[Item]:
    return [i for i in corpus.items if corpus.index.get(i.id) is i]  # a duplicate id is published once


# ---------------------------------------------------------------------------------------------
# Browser search: the ranking is browser_search.py's; Material still tokenizes its own index


# Separators for Material's search (`plugins: search: separator:` in mkdocs.yml). Material appends
# a wildcard to every query word, and lunr runs no pipeline (no stemmer, no stop word filter) on
# wildcard words: "de" becomes `de*` and matches "demografie", "bewoners" never matches a stemmed
# `bewoner`. So the site indexes words unstemmed, and Dutch stop words are separators: dropped from
# the index and from the query alike. Lookahead only (no lookbehind): old Safari lacks it.
_PUNCT = r"""\s\-–—,:;!?()\[\]{}"'‘’“”«»/\\|*+=&%<>…"""


def browser_separator() -> str:
    """The `separator` regex for Material's search: punctuation, and stop words as whole words."""
    words = "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in sorted(STOPWORDS, key=lambda w: (-len(w), w)))
    return rf"(?:[{_PUNCT}]+|^)(?:{words})(?=[{_PUNCT}.]|$)|[{_PUNCT}]+|\.(?!\d)"


# ---------------------------------------------------------------------------------------------
# Duplicates


def similar_pairs(
    items: Sequence[Item], terms: ItemKeyTerms, threshold: float = DUPLICATE_THRESHOLD
) -> list[tuple[Item, Item, float]]:
    """Pairs of items whose key-term vectors have a cosine similarity of at least `threshold`.

    The vectors and scores are made with numpy in one go over all items, with the same floats as
    one item at a time in Python: the weights, the order of each item's terms and every sum.

    Arguments:
        terms: `corpus_key_terms(corpus)`, by item path.
    """
    import numpy as np  # here, not at the top: a check that finds its pairs in the memo never loads it

    counts = [terms[i.path] for i in items]
    n = len(items)
    if n < 2:
        return []
    # One entry per (item, term): items in order, each item's terms in order of first appearance.
    sizes = np.fromiter(map(len, counts), np.int64, n)
    total = int(sizes.sum())
    first: dict[str, int] = {}  # a term's number: where it first appears
    term = np.fromiter(map(first.setdefault, chain.from_iterable(counts), count()), np.int64, total)
    tf = np.fromiter(chain.from_iterable(map(dict.values, counts)), np.int64, total)
    row = np.repeat(np.arange(n), sizes)
    df = np.bincount(term, minlength=total)
    # A weight depends on tf and df alone: a few thousand distinct ones, made in Python (math.log
    # and float products, as before) and ranked heaviest first, equal weights sharing a rank.
    code = tf * (n + 1) + df[term]
    dense = int(code.max()) < 1 << 22  # as good as always: counts are small
    present = np.flatnonzero(np.bincount(code)) if dense else np.unique(code)
    sublinear = np.array([1 + math.log(c // (n + 1)) for c in present.tolist()])
    idf = np.array([math.log((n + 1) / (c % (n + 1))) for c in present.tolist()])
    weight_of = sublinear * idf
    heaviest = np.argsort(-weight_of, kind="stable")
    ranked = weight_of[heaviest]
    rank = np.empty(len(present), np.int64)
    rank[heaviest] = np.concatenate(([0], np.cumsum(ranked[1:] != ranked[:-1])))
    if dense:
        number = np.empty(int(present[-1]) + 1, np.int64)
        number[present] = np.arange(len(present))
        at = number[code]
    else:
        at = np.searchsorted(present, code)
    # Each item's KEY_TERMS heaviest terms, heaviest first; a stable sort, so the first seen wins a tie.
    order = np.argsort(row * len(present) + rank[at], kind="stable")
    starts = np.cumsum(sizes) - sizes
    top = order[np.arange(total) - starts[row[order]] < KEY_TERMS]
    row, term, weights = row[top], term[top], weight_of[at[top]]
    del tf, code, at, order, top  # a dozen MB each at 5,000 items
    norm = np.sqrt(np.bincount(row, weights=weights * weights, minlength=n))  # summed in that order too
    weights = weights / np.where(norm == 0, 1.0, norm)[row]
    # Candidates share at least one rarer word: a near-copy always does, and skipping the common
    # words here keeps this linear instead of quadratic in the corpus. The score itself is the
    # full cosine over all key terms.
    rare = df[term] <= max(60, n // 20)
    posted = np.lexsort((row[rare], term[rare]))
    posted_term, posted_row = term[rare][posted], row[rare][posted]
    firsts, seconds, triangles = [], [], {}
    for group in np.split(posted_row, np.flatnonzero(np.diff(posted_term)) + 1):
        if len(group) > 1:
            a, b = triangles.get(len(group)) or triangles.setdefault(len(group), np.triu_indices(len(group), 1))
            firsts.append(group[a])
            seconds.append(group[b])
    if not firsts:
        return []
    candidates = np.unique(np.concatenate(firsts) * n + np.concatenate(seconds))  # (i, j) with i < j
    # Item j's weight of each of item i's terms (0 if j has none), found among all (item, term) keys.
    entry = row * total + term
    by_entry = np.argsort(entry)
    entry, entry_weight = entry[by_entry], weights[by_entry]
    top_sizes = np.bincount(row, minlength=n)
    top_starts = np.cumsum(top_sizes) - top_sizes
    pairs = []
    for s in range(0, len(candidates), 50_000):  # in chunks: a few MB at a time
        i, j = np.divmod(candidates[s : s + 50_000], n)
        lengths = top_sizes[i]
        pair = np.repeat(np.arange(len(i)), lengths)
        mine = np.repeat(top_starts[i] - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
        wanted = j[pair] * total + term[mine]
        found = np.minimum(np.searchsorted(entry, wanted), len(entry) - 1)
        other = np.where(entry[found] == wanted, entry_weight[found], 0.0)
        scores = np.bincount(pair, weights=weights[mine] * other, minlength=len(i))  # in i's order, as before
        pairs += [
            (items[a], items[b], score)
            for a, b, score in zip(i.tolist(), j.tolist(), scores.tolist(), strict=True)
            if score >= threshold
        ]
    return sorted(pairs, key=lambda p: (-p[2], p[0].path, p[1].path))


# Pairs by path (a, b, similarity), under `_pairs_key`: a check of unchanged content finds them here.
DuplicateMemo = dict[str, tuple[tuple[str, str, float], ...]]


def _pairs_key(corpus: Corpus, items: Sequence[Item], threshold: float) -> str:
    """What the pairs of `items` depend on: the content of every item (key terms read the titles
    of linked items, so all of them), which items are compared, the threshold and KEY_TERMS."""
    digest = hashlib.sha256(f"duplicates {threshold!r} {KEY_TERMS}\n".encode())
    digest.update("\n".join(f"{i.path}\0{i.content_hash}" for i in corpus.items).encode())
    digest.update(b"\n\n")
    digest.update("\n".join(i.path for i in items).encode())
    return digest.hexdigest()


def duplicate_diagnostics(
    corpus: Corpus,
    skip: Iterable[str] = (),
    terms: ItemKeyTerms | Callable[[], ItemKeyTerms] | None = None,
    threshold: float = DUPLICATE_THRESHOLD,
    memo: DuplicateMemo | None = None,
) -> list[Diagnostic]:
    """A `content.duplicate` warning on both items of every near-duplicate pair.

    Arguments:
        skip: Paths of items left out (those with errors).
        terms: `corpus_key_terms(corpus)` when the caller has them already, or a function that
            makes them (called only when the pairs are not in `memo`).
        memo: Pairs of an earlier run; afterwards it holds just this run's.
    """
    skipped = set(skip)
    items = [i for i in published_items(corpus) if i.path not in skipped]
    key = _pairs_key(corpus, items, threshold) if memo is not None else ""
    found = memo.get(key) if memo is not None else None
    if found is None:
        terms = terms() if callable(terms) else terms if terms is not None else corpus_key_terms(corpus)
        found = tuple((a.path, b.path, score) for a, b, score in similar_pairs(items, terms, threshold))
    if memo is not None:
        memo.clear()
        memo[key] = found
    by_path = {i.path: i for i in items}
    diagnostics = []
    for a, b, score in found:
        for item, other in ((by_path[a], b), (by_path[b], a)):
            diagnostics.append(
                Diagnostic(
                    item.path,
                    item.pos.line_of("titel"),
                    "content.duplicate",
                    f"lijkt sterk op {other} (overeenkomst {score:.2f})",
                    "voeg de twee samen, of maak in titel en samenvatting duidelijk waarin ze verschillen",
                    Severity.WARNING,
                )
            )
    return diagnostics
