"""Validation rules: one small function per rule, each returning Diagnostics with a fix hint."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePosixPath

from .diagnostics import Diagnostic, Severity, did_you_mean
from .links import find_malformed
from .loader import RENAMED_KEYS, allowed_keys
from .model import Corpus, Item, ItemId, Kind, Link
from .sanitize import body_problems

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SHORT_BODY_WORDS = 80
THEMA_NUMMERS = range(1, 7)

REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.LES: ("titel", "samenvatting", "stappen", "bestanddelen", "bewijs", "bronnen"),
    Kind.BESTANDDEEL: ("titel", "samenvatting", "stappen", "bewijs", "bronnen", "waarom", "valkuilen"),
    Kind.THEMA: ("titel", "samenvatting", "nummer", "bewijs", "bronnen"),
    Kind.INTERVENTIE: (
        "titel",
        "samenvatting",
        "stappen",
        "themas",
        "bestanddelen",
        "bewijs",
        "bronnen",
        "plaats",
        "doel",
    ),
}
_REF_NOUN = {Kind.THEMA: "thema", Kind.BESTANDDEEL: "bestanddeel", Kind.INTERVENTIE: "interventie", Kind.LES: "les"}
# Dutch adjective agreement: "onbekend thema" (het-woord) but "onbekende actor" (de-woord).
_ONBEKEND = {
    "thema": "onbekend",
    "bestanddeel": "onbekend",
    "signaal": "onbekend",
    "interventie": "onbekende",
    "les": "onbekende",
    "actor": "onbekende",
}

ItemRule = Callable[[Item, Corpus], Iterator[Diagnostic]]


def slugify(text: str) -> str:
    """A valid id for a title or file name: lowercase ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _diag(
    item: Item,
    key: str,
    code: str,
    message: str,
    hint: str = "",
    severity: Severity = Severity.ERROR,
    index: int | None = None,
) -> Diagnostic:
    return Diagnostic(item.path, item.pos.line_of(key, index), code, message, hint, severity)


def _value_present(item: Item, key: str) -> bool:
    value = {
        "plaats": item.interventie.plaats if item.interventie else "",
        "doel": item.interventie.doel if item.interventie else "",
        "nummer": item.nummer,
    }.get(key, getattr(item, key, None))
    return value not in (None, "", ())


# ---------------------------------------------------------------------------------------------
# Rules on one item


def required_fields(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    for key in REQUIRED[item.kind]:
        if _value_present(item, key) or key in item.pos.invalid:
            continue
        if key in item.pos.keys:
            yield _diag(item, key, "field.empty", f"veld `{key}` is leeg", f"vul `{key}` in")
        else:
            yield Diagnostic(
                item.path,
                1,
                "field.required",
                f"verplicht veld `{key}` ontbreekt voor een {item.kind.value}",
                f"voeg `{key}:` toe aan de frontmatter",
            )


def unknown_keys(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    allowed = allowed_keys(item.kind)
    for key in item.pos.keys:
        if key in allowed:
            continue
        if key in RENAMED_KEYS and RENAMED_KEYS[key] in allowed:
            yield _diag(
                item,
                key,
                "frontmatter.renamed",
                f"veld `{key}` heet nu `{RENAMED_KEYS[key]}`",
                f"hernoem `{key}` naar `{RENAMED_KEYS[key]}`",
                Severity.WARNING,
            )
            continue
        yield _diag(
            item,
            key,
            "frontmatter.unknown_key",
            f"onbekend veld `{key}` voor een {item.kind.value}",
            did_you_mean(key, allowed) or "verwijder het veld",
            Severity.WARNING,
        )


def id_is_slug(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    if not SLUG.match(item.id):
        suggestion = slugify(item.id) or "naam-van-het-item"
        yield Diagnostic(
            item.path,
            1,
            "id.slug",
            f"bestandsnaam `{PurePosixPath(item.path).name}` is geen geldige id "
            "(alleen kleine letters, cijfers en streepjes)",
            f"hernoem het bestand naar `{suggestion}.md`",
        )


def stappen_in_range(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    for n, stap in enumerate(item.stappen):
        if stap not in range(1, 6):
            yield _diag(
                item,
                "stappen",
                "enum.stap",
                f"stap `{stap}` bestaat niet",
                "de leeswijzer heeft stappen 1 tot en met 5",
                index=n,
            )
    for stap, count in Counter(item.stappen).items():
        if count > 1:
            yield _diag(
                item,
                "stappen",
                "enum.stap",
                f"stap `{stap}` staat meer dan één keer in `stappen`",
                "noem elke stap één keer",
                Severity.WARNING,
            )


def bewijs_known(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    levels = [t.id for t in corpus.vocabulary.bewijs]
    if item.bewijs and item.bewijs not in levels:
        yield _diag(
            item, "bewijs", "enum.bewijs", f"onbekend bewijsniveau `{item.bewijs}`", did_you_mean(item.bewijs, levels)
        )


def actoren_known(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    yield from _terms_known(
        item, "actoren", item.actoren, [t.id for t in corpus.vocabulary.actoren], "enum.actor", "actor"
    )


def signalen_known(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    yield from _terms_known(
        item, "signalen", item.signalen, [t.id for t in corpus.vocabulary.signalen], "ref.signaal", "signaal"
    )


def _terms_known(
    item: Item, key: str, values: Iterable[str], known: list[str], code: str, noun: str
) -> Iterator[Diagnostic]:
    for n, value in enumerate(values):
        if value not in known:
            hint = did_you_mean(value, known) or f"zie data/{key}.yml voor de toegestane waarden"
            yield _diag(item, key, code, f"{_ONBEKEND[noun]} {noun} `{value}`", hint, index=n)


def references_resolve(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    for key, kind in (("themas", Kind.THEMA), ("bestanddelen", Kind.BESTANDDEEL), ("interventies", Kind.INTERVENTIE)):
        noun = _REF_NOUN[kind]
        for n, target in enumerate(getattr(item, key)):
            found = corpus.index.get(target)
            if found is None:
                candidates = [i.id for i in corpus.items if i.kind is kind]
                message = f"{_ONBEKEND[noun]} {noun} `{target}`"
                yield _diag(item, key, f"ref.{noun}", message, did_you_mean(target, candidates), index=n)
            elif found.kind is not kind:
                message = f"`{target}` is een {found.kind.value}, geen {noun}"
                yield _diag(
                    item, key, f"ref.{noun}", message, f"zet `{target}` onder `{_key_for(found.kind)}`", index=n
                )
            elif target == item.id:
                message = f"`{target}` verwijst naar zichzelf"
                yield _diag(item, key, "ref.self", message, "haal de verwijzing weg", Severity.WARNING, index=n)


def _key_for(kind: Kind) -> str:
    return {
        Kind.THEMA: "themas",
        Kind.BESTANDDEEL: "bestanddelen",
        Kind.INTERVENTIE: "interventies",
        Kind.LES: "de tekst als [[id]]",
    }[kind]


def body_links_resolve(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    yield from check_links(item.path, item.links, corpus)


def check_links(path: str, links: Iterable[Link], corpus: Corpus) -> Iterator[Diagnostic]:
    """`[[id]]` links of any page (item or hand-written docs page) must name an existing item."""
    for link in links:
        if link.target not in corpus.index:
            yield Diagnostic(
                path,
                link.line,
                "ref.link",
                f"link `[[{link.target}]]` verwijst naar een onbekend item",
                did_you_mean(link.target, corpus.index.keys()) or "controleer de id (de bestandsnaam zonder .md)",
            )


def bronnen_known(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    known = [b.id for b in corpus.vocabulary.bronnen]
    for n, ref in enumerate(item.bronnen):
        if not ref.bron:
            yield _diag(
                item,
                "bronnen",
                "bron.missing",
                "een bron zonder `bron:`-id",
                "schrijf `- bron: <id>` met `sectie: …`",
                index=n,
            )
        elif ref.bron not in known:
            hint = did_you_mean(ref.bron, known) or "voeg de bron toe aan data/bronnen.yml"
            yield _diag(item, "bronnen", "ref.bron", f"onbekende bron `{ref.bron}`", hint, index=n)
        if ref.bron and not ref.sectie:
            hint = "voeg `sectie:` toe met het hoofdstuk of de paragraaf"
            yield _diag(item, "bronnen", "bron.sectie", f"bron `{ref.bron}` noemt geen sectie", hint, index=n)


def body_link_syntax(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    """`[[` that makes no link shows as brackets on the page: unclosed, nested, no id or empty text."""
    for bad in find_malformed(item.body, item.pos.body_line):
        yield Diagnostic(
            item.path,
            bad.line,
            "ref.link_syntax",
            f"`{bad.snippet}` {bad.problem}",
            "schrijf `[[id]]` of `[[id|tekst]]` op één regel",
            Severity.WARNING,
        )


def body_html(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    """HTML and link addresses the page will not show (see sanitize.py for the policy)."""
    yield from body_problems(item.path, item.body, item.pos.body_line)


def body_present(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    words = len(item.body.split())
    if words == 0:
        yield Diagnostic(
            item.path,
            item.pos.body_line,
            "body.empty",
            "de tekst onder de frontmatter is leeg",
            "schrijf de secties van dit type (zie CONTRIBUTING.md)",
        )
    elif words < SHORT_BODY_WORDS and item.kind is not Kind.THEMA:
        yield Diagnostic(
            item.path,
            item.pos.body_line,
            "body.short",
            f"de tekst is kort ({words} woorden)",
            f"een {item.kind.value} heeft doorgaans 150-400 woorden",
            Severity.INFO,
        )


def thema_nummer(item: Item, corpus: Corpus) -> Iterator[Diagnostic]:
    if item.kind is Kind.THEMA and item.nummer is not None and item.nummer not in THEMA_NUMMERS:
        yield _diag(
            item,
            "nummer",
            "enum.nummer",
            f"themanummer `{item.nummer}` bestaat niet",
            "kies een nummer van 1 tot en met 6",
        )


# Rules that read nothing but the item itself: their findings are kept under the item's content
# hash (`LocalMemo`) and found again while the file is unchanged.
LOCAL_RULES: tuple[ItemRule, ...] = (
    required_fields,
    unknown_keys,
    id_is_slug,
    body_link_syntax,
    body_html,
    body_present,
    thema_nummer,
)
# Rules that also read the vocabulary or other items, run on every item every time.
CORPUS_ITEM_RULES: tuple[ItemRule, ...] = (
    stappen_in_range,
    bewijs_known,
    actoren_known,
    signalen_known,
    references_resolve,
    body_links_resolve,
    bronnen_known,
)
ITEM_RULES = LOCAL_RULES + CORPUS_ITEM_RULES

# Findings of LOCAL_RULES by (item path, content hash).
LocalMemo = dict[tuple[str, str], tuple[Diagnostic, ...]]


# ---------------------------------------------------------------------------------------------
# Rules on the whole corpus


def unique_ids(corpus: Corpus) -> Iterator[Diagnostic]:
    """Ids are unique across collections, also when they differ only in case."""
    first: dict[str, Item] = {}
    for item in corpus.items:
        key = item.id.casefold()
        if key in first:
            other = first[key]
            yield Diagnostic(
                item.path,
                1,
                "id.duplicate",
                f"id `{item.id}` bestaat al: {other.path}",
                "kies een andere bestandsnaam; [[id]]-links moeten eenduidig zijn",
            )
        else:
            first[key] = item


def thema_nummers_unique(corpus: Corpus) -> Iterator[Diagnostic]:
    seen: dict[int, Item] = {}
    for item in corpus.items:
        if item.kind is Kind.THEMA and item.nummer is not None:
            if item.nummer in seen:
                yield _diag(
                    item,
                    "nummer",
                    "enum.nummer",
                    f"themanummer {item.nummer} is al gebruikt door {seen[item.nummer].path}",
                    "geef elk thema een eigen nummer",
                )
            else:
                seen[item.nummer] = item


def bestanddelen_used(corpus: Corpus) -> Iterator[Diagnostic]:
    """A werkzaam bestanddeel is only an ingredient if several items use it."""
    uses: Counter[ItemId] = Counter()
    for item in corpus.items:
        targets = set(item.bestanddelen) | {link.target for link in item.links}
        uses.update(t for t in targets if t != item.id)
    for item in corpus.items:
        if item.kind is Kind.BESTANDDEEL and uses[item.id] < 2:
            yield Diagnostic(
                item.path,
                1,
                "graph.underused",
                f"bestanddeel `{item.id}` wordt door {uses[item.id]} item(s) gebruikt",
                "een werkzaam bestanddeel hoort bij minstens twee lessen of interventies",
                Severity.WARNING,
            )


def orphans(corpus: Corpus) -> Iterator[Diagnostic]:
    """An item that no other item refers to and that refers to no other item is an island: no
    panel, map edge or related list leads a reader to it. Frontmatter references and `[[id]]`
    links count; references to unknown ids do not (they are reported on their own). A bestanddeel
    that nothing uses already gets `graph.underused`, so it is not reported twice."""
    linked: set[str] = set()
    for item in corpus.items:
        targets = {*item.themas, *item.bestanddelen, *item.interventies, *(link.target for link in item.links)}
        targets = {t for t in targets if t != item.id and t in corpus.index}
        if targets:
            linked.add(item.id)
            linked.update(targets)
    for item in corpus.items:
        if item.id not in linked and item.kind is not Kind.BESTANDDEEL:
            yield Diagnostic(
                item.path,
                1,
                "graph.orphan",
                f"{item.kind.value} `{item.id}` staat los: geen item verwijst ernaar en het verwijst nergens naar",
                "noem thema's of bestanddelen in de frontmatter, of link met [[id]] naar verwante items",
                Severity.WARNING,
            )


CORPUS_RULES = (unique_ids, thema_nummers_unique, bestanddelen_used, orphans)


def validate(corpus: Corpus, memo: LocalMemo | None = None) -> list[Diagnostic]:
    """Run every rule over the corpus.

    Arguments:
        memo: Findings of LOCAL_RULES from an earlier run; afterwards it holds just the current
            items' findings.

    Returns:
        The diagnostics, in a stable order (file, line, code).
    """
    current: LocalMemo = {}
    diagnostics = []
    for item in corpus.items:
        key = (item.path, item.content_hash)
        local = memo.get(key) if memo is not None else None
        if local is None:
            local = tuple(d for rule in LOCAL_RULES for d in rule(item, corpus))
        current[key] = local
        diagnostics += local
        diagnostics += [d for rule in CORPUS_ITEM_RULES for d in rule(item, corpus)]
    if memo is not None:
        memo.clear()
        memo.update(current)
    diagnostics += [d for rule in CORPUS_RULES for d in rule(corpus)]
    return sorted(diagnostics, key=lambda d: (d.path, d.line, d.code, d.message))
