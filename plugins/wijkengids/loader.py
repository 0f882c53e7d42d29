"""Read the content collections and the vocabulary, keeping line numbers.

Never raises on bad content: every problem becomes a Diagnostic and loading goes on, so an editor
sees all problems in one run.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .diagnostics import Diagnostic, Severity
from .links import find_links
from .model import (
    Bron,
    BronRef,
    Corpus,
    InterventieDetails,
    Item,
    ItemId,
    Kind,
    Positions,
    SrcPath,
    Stap,
    Term,
    Vocabulary,
)

# The boundary python-frontmatter uses, so files that tool accepts are split the same way.
_BOUNDARY = YAMLHandler.FM_BOUNDARY
# libyaml's parser gives the same nodes and marks about eight times faster; `wijkengids check`
# must stay well under two seconds on the whole corpus.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

COMMON_KEYS = (
    "titel",
    "samenvatting",
    "stappen",
    "themas",
    "bestanddelen",
    "interventies",
    "signalen",
    "actoren",
    "bewijs",
    "bronnen",
)
EXTRA_KEYS: Mapping[Kind, tuple[str, ...]] = MappingProxyType(
    {
        Kind.LES: (),
        Kind.BESTANDDEEL: ("waarom", "valkuilen"),
        Kind.THEMA: ("nummer",),
        Kind.INTERVENTIE: (
            "plaats",
            "wijk",
            "periode",
            "doel",
            "doelgroep",
            "uitvoerders",
            "resultaten",
            "randvoorwaarden",
        ),
    }
)
# Old or English key names that still load, with a deprecation warning naming the new key.
RENAMED_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "title": "titel",
        "description": "samenvatting",
        "stap": "stappen",
        "steps": "stappen",
        "thema": "themas",
        "themes": "themas",
        "bestanddeel": "bestanddelen",
        "interventie": "interventies",
        "bron": "bronnen",
        "sources": "bronnen",
    }
)

# An item is 150-400 words; a file over this size is a mistake (a pasted export, a binary) and
# is refused before it is read, so it cannot slow the build down or fill the memory.
MAX_FILE_BYTES = 1_000_000
# Frontmatter nests two levels (bronnen → entry). libyaml's composer recurses in C and crashes the
# process (segfault) around 50,000 levels, so deep nesting is refused before it is composed.
MAX_DEPTH = 16
_DEPTH_PREPASS = 4096  # a header shorter than this cannot nest deep enough to crash the composer

_Y = "tag:yaml.org,2002:"
# The tags plain YAML resolves to. Anything else (`!!python/object`, `!!binary`, `!!set`, `!foo`)
# is refused with a diagnostic instead of SafeLoader's English constructor error.
_ALLOWED_TAGS = frozenset(
    _Y + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "value", "merge")
)
# Scalars no field wants as such: read as the text the editor typed (`sectie: 2.10` stays "2.10",
# `periode: 2010-01-01` stays a string, `titel: =` is not a YAML "value" key).
_AS_TEXT = frozenset(_Y + t for t in ("float", "timestamp", "value", "merge"))
_NUMBER_KEYS = frozenset({"stappen", "nummer"})  # the only fields that hold numbers

# PyYAML's problems in Dutch; the English original stays in the message when none matches.
_YAML_PROBLEMS = (
    ("found character '\\t'", "een tab op een plek waar YAML alleen spaties toestaat"),
    ("mapping values are not allowed", "een dubbele punt op een plek waar geen nieuw veld kan beginnen"),
    ("could not find expected ':'", "een regel zonder `:` tussen veldnaam en waarde"),
    ("expected <block end>", "de inspringing of de tekst na een waarde klopt niet"),
    ("found unexpected end of stream", "de frontmatter houdt midden in een waarde op"),
    ("expected ',' or ']'", "een lijst `[...]` die niet goed gesloten wordt"),
    ("expected ',' or '}'", "een `{...}` die niet goed gesloten wordt"),
    ("found undefined alias", "een `*` aan het begin van een waarde (YAML leest dat als alias)"),
    ("found unhashable key", "een veldnaam die zelf een lijst of veld is"),
    ("found unknown escape character", "een onbekende `\\`-code tussen dubbele aanhalingstekens"),
    ("expected alphabetic or numeric character", "een `&` of `*` aan het begin van een waarde"),
    ("found duplicate anchor", "een YAML-anker (`&naam`) dat twee keer voorkomt"),
)

_YAML_HINTS = (
    ("\\t", "gebruik spaties in plaats van tabs voor inspringen"),
    ("expected ',' or ']'", "sluit de lijst met `]` of zet tekst met een dubbele punt tussen aanhalingstekens"),
    ("expected ',' or '}'", "sluit met `}` of zet tekst met een dubbele punt tussen aanhalingstekens"),
    ("mapping values are not allowed", "zet een waarde met een dubbele punt tussen aanhalingstekens"),
    ("could not find expected ':'", "controleer of elke regel de vorm `sleutel: waarde` heeft"),
    ("expected <block end>", "controleer het inspringen: lijstjes en sleutels op dezelfde diepte"),
    ("found undefined alias", "een `*` aan het begin van een waarde: zet de waarde tussen aanhalingstekens"),
    ("found unexpected end of stream", "sluit aanhalingstekens en haakjes"),
    ("found unhashable key", "een veldnaam is gewone tekst gevolgd door `:`"),
    ("found unknown escape character", "gebruik enkele aanhalingstekens of schrijf `\\\\` voor een backslash"),
    ("expected alphabetic or numeric character", "zet de waarde tussen aanhalingstekens"),
    ("found duplicate anchor", "schrijf de waarde voluit; ankers en aliassen zijn niet toegestaan"),
)


def allowed_keys(kind: Kind) -> tuple[str, ...]:
    return COMMON_KEYS + EXTRA_KEYS[kind]


@dataclass(frozen=True, slots=True)
class _Frontmatter:
    """The parsed header of a file: data plus the line of every top-level key."""

    data: dict[str, Any]
    keys: dict[str, int]
    elements: dict[str, tuple[int, ...]]
    body: str
    body_line: int


# ---------------------------------------------------------------------------------------------
# Files


_NO_PERMISSION = ("mag niet gelezen worden (geen leesrechten)", "geef het bestand leesrechten (`chmod a+r`)")
_OS_ERRORS = {
    errno.EACCES: _NO_PERMISSION,
    errno.EPERM: _NO_PERMISSION,
    errno.ENOENT: ("is verdwenen tijdens het lezen", "draai de controle opnieuw"),
    errno.EISDIR: ("is een map, geen bestand", "een item is één .md-bestand: hernoem of verwijder de map"),
}


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # 0 on Windows: there the link is tested first


def _unreadable(exc: OSError, rel: str, name: str) -> Diagnostic:
    what, hint = _OS_ERRORS.get(exc.errno or 0, (f"kan niet gelezen worden: {exc.strerror}", ""))
    return Diagnostic(rel, 1, "file.unreadable", f"`{name}` {what}", hint)


def read_text(path: Path | str, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """Read a file as UTF-8 (a BOM is dropped, CRLF becomes LF); bad bytes become a diagnostic.

    Symbolic links are not followed (they could publish a file from outside the repository, or
    loop), and only regular files up to MAX_FILE_BYTES are read (a FIFO would block the build).
    """
    name = os.path.basename(path)
    symlink = Diagnostic(
        rel,
        1,
        "file.symlink",
        f"`{name}` is een symbolische link; die volgt de wijkengids niet",
        "zet het bestand zelf in de map (een link kan naar een bestand buiten de wijkengids wijzen)",
    )
    try:
        if not _NO_FOLLOW and os.path.islink(path):
            return None, [symlink]
        # One open, fstat and read per file (three syscalls, not six: 5,000 files in every check).
        # O_NOFOLLOW refuses a link; O_NONBLOCK keeps a FIFO from blocking the open.
        fd = os.open(path, os.O_RDONLY | _NO_FOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP and _NO_FOLLOW:
            return None, [symlink]
        return None, [_unreadable(exc, rel, name)]
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            not_regular = ("is geen gewoon bestand", "verwijder het")
            what, hint = _OS_ERRORS[errno.EISDIR] if stat.S_ISDIR(info.st_mode) else not_regular
            return None, [Diagnostic(rel, 1, "file.not_a_file", f"`{name}` {what}", hint)]
        if info.st_size > MAX_FILE_BYTES:
            return None, [
                Diagnostic(
                    rel,
                    1,
                    "file.too_large",
                    f"bestand is te groot ({info.st_size / 1e6:.1f} MB; de grens is {MAX_FILE_BYTES / 1e6:g} MB)",
                    "een item is doorgaans 150-400 woorden: haal geplakte exports, plaatjes of bijlagen uit de tekst",
                )
            ]
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [_unreadable(exc, rel, name)]
    finally:
        os.close(fd)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Diagnostic(
                rel,
                line,
                "file.encoding",
                f"bestand is geen geldige UTF-8 (byte 0x{raw[exc.start]:02x} op positie {exc.start})",
                "sla het bestand op als UTF-8",
            )
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split_frontmatter(text: str, rel: str, _loader: type = _SafeLoader) -> tuple[_Frontmatter | None, list[Diagnostic]]:
    """Split the YAML header from the body and map each top-level key to its line."""
    first = _BOUNDARY.search(text)
    leading = text[: first.start()] if first else text
    if not first or leading.strip():
        return None, [
            Diagnostic(
                rel,
                1,
                "frontmatter.missing",
                "geen frontmatter gevonden",
                "begin het bestand met een regel `---`, dan de velden, dan weer `---`",
            )
        ]
    second = _BOUNDARY.search(text, first.end())
    if not second:
        line = text[: first.start()].count("\n") + 1
        return None, [
            Diagnostic(
                rel,
                line,
                "frontmatter.unclosed",
                "frontmatter wordt niet afgesloten",
                "zet een regel `---` na de velden",
            )
        ]
    header = text[first.end() : second.start()]
    offset = text[: first.end()].count("\n")  # lines before the header's first line
    body = text[second.end() :].lstrip("\n") if text[second.end() :].strip() else ""
    body_line = (
        text[: second.end()].count("\n") + 1 + (len(text[second.end() :]) - len(text[second.end() :].lstrip("\n")))
    )

    line_of = _line_counter(header, offset)
    if len(header) > _DEPTH_PREPASS and (deep := _too_deep(header, _loader)) is not None:
        return None, [_depth_diagnostic(rel, line_of(deep))]
    loader = None
    try:
        loader = _loader(header)  # the reader already refuses control characters: inside the try
        node = loader.get_single_node()
        if node is None:
            return _Frontmatter({}, {}, {}, body, body_line), []
        if not isinstance(node, yaml.MappingNode):
            return None, [
                Diagnostic(
                    rel,
                    line_of(node.start_mark),
                    "frontmatter.not_mapping",
                    "de frontmatter is geen lijst van velden (`sleutel: waarde`)",
                    "schrijf elk veld als `sleutel: waarde` op een eigen regel",
                )
            ]
        refused = _inspect(node, rel, line_of)
        if refused:
            return None, refused
        diagnostics: list[Diagnostic] = []
        keys: dict[str, int] = {}
        elements: dict[str, tuple[int, ...]] = {}
        unique_pairs = []
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = line_of(key_node.start_mark)
            if key in keys:
                diagnostics.append(
                    Diagnostic(
                        rel,
                        line,
                        "frontmatter.duplicate_key",
                        f"veld `{key}` staat twee keer in de frontmatter (eerst op regel {keys[key]})",
                        "voeg de waarden samen in één veld",
                    )
                )
                continue
            keys[key] = line
            if isinstance(value_node, yaml.SequenceNode):
                elements[key] = tuple(line_of(child.start_mark) for child in value_node.value)
            unique_pairs.append((key_node, value_node))
        node.value = unique_pairs
        data = loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        # A control character (often pasted from a PDF): the reader gives a position, no mark.
        line = header[: exc.position].count("\n") + offset + 1
        return None, [
            Diagnostic(
                rel,
                line,
                "frontmatter.yaml",
                f"ongeldige YAML in de frontmatter: onzichtbaar stuurteken U+{exc.character:04X}",
                "verwijder het teken (vaak meegekopieerd uit een pdf of tekstverwerker)",
            )
        ]
    except yaml.YAMLError as exc:
        if _loader is not yaml.SafeLoader:  # libyaml places some marks differently: report as PyYAML does
            return split_frontmatter(text, rel, yaml.SafeLoader)
        # The context mark points at the start of the broken construct, the problem mark where the
        # parser gave up (often the next line); the first is what an editor needs to look at.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = line_of(mark) if mark else offset + 1
        problem = _yaml_problem(getattr(exc, "problem", None) or str(exc))
        message = f"ongeldige YAML in de frontmatter: {problem}"
        hint = _yaml_hint(str(exc))
        if hidden := next((c for c in "\x85\u2028\u2029" if c in header), None):
            message += f" (de frontmatter bevat het onzichtbare regeleinde U+{ord(hidden):04X})"
            hint = "verwijder het teken (vaak meegekopieerd) of zet de tekst tussen aanhalingstekens"
        return None, [Diagnostic(rel, line, "frontmatter.yaml", message, hint)]
    except ValueError:
        # Python refuses to convert integers of more than 4300 digits (CVE-2020-10735).
        message = "ongeldige YAML in de frontmatter: een getal is te groot"
        return None, [Diagnostic(rel, offset + 1, "frontmatter.yaml", message, "gebruik een gewoon getal")]
    except RecursionError:  # PyYAML's pure-Python composer; the depth check normally comes first
        return None, [_depth_diagnostic(rel, offset + 1)]
    finally:
        if loader is not None:
            loader.dispose()
    return _Frontmatter(data, keys, elements, body, body_line), diagnostics


def _line_counter(header: str, offset: int) -> Callable[[yaml.Mark], int]:
    """The file line (1-based) of a mark in the header. YAML also breaks lines at U+0085, U+2028
    and U+2029, which editors do not: with one of those in the header, count newlines instead."""
    if not any(c in header for c in "\x85\u2028\u2029"):
        return lambda mark: mark.line + offset + 1
    return lambda mark: header.count("\n", 0, mark.index) + offset + 1


def _too_deep(header: str, loader: type) -> yaml.Mark | None:
    """Where the header nests deeper than MAX_DEPTH, from the parser's flat event stream
    (libyaml's parser is iterative; only its composer recurses). None if it does not."""
    depth = 0
    try:
        for event in yaml.parse(header, Loader=loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        # libyaml >= 0.2.5 stops at 1000 open brackets by itself; that is our depth problem too.
        if "maximum nesting depth" in str(exc) and getattr(exc, "problem_mark", None) is not None:
            return exc.problem_mark
        return None  # composing reports the syntax error with its line
    return None


def _depth_diagnostic(rel: str, line: int) -> Diagnostic:
    return Diagnostic(
        rel,
        line,
        "frontmatter.depth",
        f"de frontmatter is te diep genest (meer dan {MAX_DEPTH} niveaus)",
        "velden zijn tekst, een lijst of de lijst `bronnen`; haal de extra haakjes of streepjes weg",
    )


def _inspect(root: yaml.MappingNode, rel: str, line_of: Callable[[yaml.Mark], int]) -> list[Diagnostic]:
    """Refuse what SafeLoader accepts but a content file must not contain, before constructing:
    anchors and aliases (a "billion laughs" alias bomb expands exponentially once constructed or
    printed), merge keys, tags other than plain YAML's, and deep nesting. Also retags scalars so
    that text fields keep the editor's text (see _AS_TEXT)."""
    problems: list[Diagnostic] = []
    seen: set[int] = set()
    for key_node, value_node in root.value:
        key_line = line_of(key_node.start_mark)
        field = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
        ints_are_text = field not in _NUMBER_KEYS
        stack: list[tuple[yaml.Node, int]] = [(value_node, 1), (key_node, 1)]
        while stack:
            node, depth = stack.pop()
            if id(node) in seen:  # the composer returns the anchored node itself for an alias
                problems.append(
                    Diagnostic(
                        rel,
                        key_line,
                        "frontmatter.alias",
                        f"veld `{field}` gebruikt een YAML-alias (`*naam`) die een andere waarde herhaalt",
                        "schrijf de waarde voluit; ankers (`&naam`) en aliassen zijn niet toegestaan",
                    )
                )
                break
            seen.add(id(node))
            if node.tag not in _ALLOWED_TAGS:
                shown = node.tag.replace(_Y, "!!")
                problems.append(
                    Diagnostic(
                        rel,
                        line_of(node.start_mark),
                        "frontmatter.tag",
                        f"YAML-tag `{shown}` is niet toegestaan",
                        "haal de tag weg: een veld is gewone tekst, een getal of een lijst",
                    )
                )
                continue
            if depth > MAX_DEPTH:
                problems.append(_depth_diagnostic(rel, key_line))
                break
            if (node is key_node and node.tag == _Y + "merge") or (
                isinstance(node, yaml.MappingNode) and any(k.tag == _Y + "merge" for k, _ in node.value)
            ):
                problems.append(
                    Diagnostic(
                        rel,
                        key_line,
                        "frontmatter.alias",
                        "YAML-samenvoegen met `<<` is niet toegestaan",
                        "schrijf de velden voluit",
                    )
                )
                break
            if isinstance(node, yaml.ScalarNode):
                if node.tag in _AS_TEXT or (ints_are_text and node.tag == _Y + "int"):
                    node.tag = _Y + "str"
                elif node.tag == _Y + "int" and len(node.value) > 18:  # Python refuses > 4300 digits
                    line = line_of(node.start_mark)
                    message = "ongeldige YAML in de frontmatter: een getal is te groot"
                    problems.append(Diagnostic(rel, line, "frontmatter.yaml", message, "gebruik een gewoon getal"))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((child, depth + 1) for child in reversed(node.value))
            elif isinstance(node, yaml.MappingNode):
                for k, v in reversed(node.value):
                    stack.extend(((v, depth + 1), (k, depth + 1)))
    return problems


def _yaml_problem(problem: str) -> str:
    for needle, dutch in _YAML_PROBLEMS:
        if needle in problem:
            return dutch
    return problem


def _yaml_hint(error: str) -> str:
    for needle, hint in _YAML_HINTS:
        if needle in error:
            return hint
    return "controleer de regel en de regel erboven"


# ---------------------------------------------------------------------------------------------
# Field coercion: wrong types become diagnostics and a safe default, so validation can go on.


class _Fields:
    def __init__(self, data: dict[str, Any], keys: dict[str, int], rel: str) -> None:
        self.data, self.keys, self.rel = data, keys, rel
        self.diagnostics: list[Diagnostic] = []
        self.invalid: set[str] = set()

    def _bad(self, key: str, expected: str, value: Any) -> None:
        self.invalid.add(key)
        shown = _shown(value)
        self.diagnostics.append(
            Diagnostic(
                self.rel,
                self.keys.get(key, 1),
                "field.type",
                f"veld `{key}` moet {expected} zijn, maar is {shown}",
                _type_hint(expected, key),
            )
        )

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            self._bad(key, "tekst", value)
            return ""
        return str(value).strip()

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            self._bad(key, "een lijst", value)
            return ()
        if not isinstance(value, list) or any(not isinstance(v, (str, int)) or isinstance(v, bool) for v in value):
            self._bad(key, "een lijst van woorden", value)
            return ()
        return tuple(str(v).strip() for v in value)

    def numbers(self, key: str) -> tuple[int, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]  # `stappen: 3` is read as [3]
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            self._bad(key, "een lijst van getallen", value)
            return ()
        return tuple(value)

    def number(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self._bad(key, "een getal", value)
            return None
        return value

    def bronnen(self) -> tuple[BronRef, ...]:
        value = self.data.get("bronnen")
        if value is None:
            return ()
        if not isinstance(value, list):
            self._bad("bronnen", "een lijst van `- bron: …` met `sectie: …`", value)
            return ()
        refs = []
        for entry in value:
            if isinstance(entry, str):
                refs.append(BronRef(entry.strip(), ""))  # a bare id: validate asks for the sectie
            elif isinstance(entry, dict) and all(_is_text(entry.get(k)) for k in ("bron", "sectie")):
                refs.append(BronRef(str(entry.get("bron") or "").strip(), str(entry.get("sectie") or "").strip()))
            else:
                self._bad("bronnen", "een lijst van `- bron: …` met `sectie: …`", entry)
        return tuple(refs)


def _is_text(value: Any) -> bool:
    return value is None or (isinstance(value, (str, int)) and not isinstance(value, bool))


def _shown(value: Any, limit: int = 60) -> str:
    """A wrong value as the editor would recognise it, cut short (it may be a megabyte long)."""
    if isinstance(value, bool):
        return f"een ja/nee-waarde (`{str(value).lower()}`)"
    text = value if isinstance(value, str) else repr(value)
    return f"`{text[:limit]}…`" if len(text) > limit else (f"`{text}`" if isinstance(value, str) else text)


def _type_hint(expected: str, key: str) -> str:
    if expected == "een lijst van getallen":
        return f"schrijf bijvoorbeeld `{key}: [1, 3]`"
    if expected.startswith("een lijst"):
        return f"schrijf bijvoorbeeld `{key}: [a, b]`"
    if expected == "tekst":
        return "zet de tekst tussen aanhalingstekens (YAML leest yes, no, on, off, true en false als ja/nee)"
    return ""


# ---------------------------------------------------------------------------------------------
# Items


def parse_item(text: str, rel: str, kind: Kind, content_hash: str) -> tuple[Item | None, list[Diagnostic]]:
    """Turn one file's text into an Item (or None when its frontmatter cannot be read)."""
    fm, diagnostics = split_frontmatter(text, rel)
    if fm is None:
        return None, diagnostics
    data = dict(fm.data)
    keys = dict(fm.keys)
    for old, new in RENAMED_KEYS.items():
        if old in data and new not in data and new in allowed_keys(kind):
            data[new] = data[old]  # keep the editor's value; validate warns about the old name
            keys.setdefault(new, keys[old])
    fields = _Fields(data, keys, rel)
    details = None
    if kind is Kind.INTERVENTIE:
        details = InterventieDetails(
            plaats=fields.text("plaats"),
            wijk=fields.text("wijk"),
            periode=fields.text("periode"),
            doel=fields.text("doel"),
            doelgroep=fields.text("doelgroep"),
            uitvoerders=fields.texts("uitvoerders"),
            resultaten=fields.text("resultaten"),
            randvoorwaarden=fields.texts("randvoorwaarden"),
        )
    item = Item(
        id=ItemId(Path(rel).stem),
        kind=kind,
        path=SrcPath(rel),
        titel=fields.text("titel"),
        samenvatting=fields.text("samenvatting"),
        stappen=fields.numbers("stappen"),
        themas=tuple(ItemId(v) for v in fields.texts("themas")),
        bestanddelen=tuple(ItemId(v) for v in fields.texts("bestanddelen")),
        interventies=tuple(ItemId(v) for v in fields.texts("interventies")),
        signalen=fields.texts("signalen"),
        actoren=fields.texts("actoren"),
        bewijs=fields.text("bewijs"),
        bronnen=fields.bronnen(),
        body=fm.body,
        links=find_links(fm.body, fm.body_line),
        pos=Positions(
            MappingProxyType(dict(fm.keys)),
            fm.body_line,
            frozenset(fields.invalid),
            MappingProxyType(dict(fm.elements)),
        ),
        content_hash=content_hash,
        nummer=fields.number("nummer") if kind is Kind.THEMA else None,
        waarom=fields.text("waarom") if kind is Kind.BESTANDDEEL else "",
        valkuilen=fields.texts("valkuilen") if kind is Kind.BESTANDDEEL else (),
        interventie=details,
    )
    return item, diagnostics + fields.diagnostics


def collection_files(root: Path, kind: Kind) -> list[str]:
    """The names of the Markdown files of one collection, in a stable order; `_`- and `.`-files
    are skipped. Names, not Paths: making, comparing and printing 5,000 Paths cost a third of a
    check that found everything in its memo."""
    try:
        with os.scandir(root / kind.folder) as entries:
            return sorted(e.name for e in entries if e.name.endswith(".md") and e.name[0] not in "_.")
    except (FileNotFoundError, NotADirectoryError):
        return []


# Parse results by (path, kind, sha256 of the text): items and diagnostics are frozen, so a result
# found under its content hash is exactly what parsing again would give.
ParseMemo = dict[tuple[str, Kind, str], tuple[Item | None, list[Diagnostic]]]


def load_items(
    root: Path, kinds: Iterable[Kind] = tuple(Kind), memo: ParseMemo | None = None
) -> tuple[list[Item], list[Diagnostic]]:
    """Parse every collection file once; with a `memo` (kept by `mkdocs serve` between rebuilds)
    only files whose text changed are parsed again, and the memo then holds just the current files."""
    items: list[Item] = []
    diagnostics: list[Diagnostic] = []
    current: ParseMemo = {}
    for kind in kinds:
        folder = os.path.join(root, kind.folder)
        for name in collection_files(root, kind):
            rel = f"{kind.folder}/{name}"
            text, problems = read_text(os.path.join(folder, name), rel)
            diagnostics += problems
            if text is None:
                continue
            digest = hashlib.sha256(text.encode()).hexdigest()
            key = (rel, kind, digest)
            found = memo.get(key) if memo is not None else None
            item, problems = found if found is not None else parse_item(text, rel, kind, digest)
            current[key] = (item, problems)
            diagnostics += problems
            if item is not None:
                items.append(item)
    if memo is not None:
        memo.clear()
        memo.update(current)
    return items, diagnostics


# ---------------------------------------------------------------------------------------------
# Vocabulary


def _load_list(
    path: Path, rel: str, required: tuple[str, ...]
) -> tuple[list[tuple[dict[str, Any], int]], list[Diagnostic]]:
    """Entries of a YAML list file with their lines; entries lacking a required field are dropped."""
    text, diagnostics = read_text(path, rel)
    if text is None:
        return [], diagnostics
    if len(text) > _DEPTH_PREPASS and (deep := _too_deep(text, _SafeLoader)) is not None:
        message = f"het databestand is te diep genest (meer dan {MAX_DEPTH} niveaus)"
        return [], [Diagnostic(rel, deep.line + 1, "data.yaml", message)]
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if not isinstance(node, yaml.SequenceNode):
            return [], [
                Diagnostic(rel, 1, "data.not_list", "het databestand is geen lijst", "begin elk element met `- `")
            ]
        entries = []
        seen: set[int] = set()
        for child in node.value:
            if refused := _unsafe_node(child, seen):  # the entry is left out, the others load
                bad, problem = refused
                hint = "schrijf de waarden voluit, zonder `&`, `*`, `<<` of `!!`-tags"
                message = f"ongeldige YAML: {problem}"
                diagnostics.append(Diagnostic(rel, bad.start_mark.line + 1, "data.yaml", message, hint))
                continue
            value = loader.construct_object(child, deep=True)
            line = child.start_mark.line + 1
            if not isinstance(value, dict):
                diagnostics.append(Diagnostic(rel, line, "data.entry", "element is geen `sleutel: waarde`-lijst"))
                continue
            missing = [k for k in required if value.get(k) in (None, "")]
            if missing:
                diagnostics.append(
                    Diagnostic(
                        rel, line, "data.entry", f"element mist veld(en): {', '.join(missing)}", "vul de velden aan"
                    )
                )
                continue
            entries.append((value, line))
        return entries, diagnostics
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [], [
            Diagnostic(rel, (mark.line + 1) if mark else 1, "data.yaml", f"ongeldige YAML: {exc}", _yaml_hint(str(exc)))
        ]
    except (ValueError, RecursionError):  # a 5000-digit number; nesting the pre-pass did not look at
        return [], [Diagnostic(rel, 1, "data.yaml", "ongeldige YAML: een getal is te groot of de nesting te diep")]
    finally:
        if loader is not None:
            loader.dispose()


def _unsafe_node(root: yaml.Node, seen: set[int]) -> tuple[yaml.Node, str] | None:
    """The first node of a data file entry that a vocabulary must not hold, and why: an alias
    (which `str()` of a "billion laughs" structure would expand), a merge key, a tag other than
    plain YAML's, or nesting deeper than MAX_DEPTH. `seen` holds the nodes of earlier entries."""
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return node, "een YAML-alias (`*naam`) herhaalt een andere waarde"
        seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS or node.tag == _Y + "merge":
            return node, f"YAML-tag `{node.tag.replace(_Y, '!!')}` is niet toegestaan"
        if depth > MAX_DEPTH:
            return node, f"te diep genest (meer dan {MAX_DEPTH} niveaus)"
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
    return None


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def load_vocabulary(data_dir: Path, root: Path) -> tuple[Vocabulary, list[Diagnostic]]:
    """Read data/stappen.yml, actoren.yml, signalen.yml, bewijs.yml and bronnen.yml."""
    diagnostics: list[Diagnostic] = []

    def entries(name: str, required: tuple[str, ...]) -> list[tuple[dict[str, Any], int]]:
        path = data_dir / name
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        if not path.exists():
            diagnostics.append(Diagnostic(rel, 1, "data.missing", f"databestand `{name}` ontbreekt", f"maak {rel} aan"))
            return []
        found, problems = _load_list(path, rel, required)
        diagnostics.extend(problems)
        return found

    stappen = tuple(
        Stap(_as_int(e["nummer"]), str(e["kort"]), str(e["vraag"]), str(e.get("intro", "")))
        for e, _ in entries("stappen.yml", ("nummer", "kort", "vraag"))
    )
    if [s.nummer for s in stappen] != [1, 2, 3, 4, 5]:
        diagnostics.append(
            Diagnostic(
                "data/stappen.yml", 1, "data.stappen", "de leeswijzer moet precies de stappen 1 tot en met 5 hebben"
            )
        )

    def terms(name: str) -> tuple[Term, ...]:
        return tuple(
            Term(str(e["id"]), str(e["label"]), str(e.get("uitleg", ""))) for e, _ in entries(name, ("id", "label"))
        )

    bronnen = tuple(
        Bron(str(e["id"]), str(e["titel"]), str(e["uitgever"]), _as_int(e["jaar"]), str(e["soort"]))
        for e, _ in entries("bronnen.yml", ("id", "titel", "uitgever", "jaar", "soort"))
    )
    vocabulary = Vocabulary(stappen, terms("actoren.yml"), terms("signalen.yml"), terms("bewijs.yml"), bronnen)
    return vocabulary, diagnostics


def load(root: Path, data_dir: Path | None = None, memo: ParseMemo | None = None) -> tuple[Corpus, list[Diagnostic]]:
    """Load the vocabulary and every collection under `root`.

    Arguments:
        root: The project root (holding lessons/, bestanddelen/, themas/, interventies/).
        data_dir: Folder of the vocabulary files; `root / "data"` by default.
        memo: Parse results of an earlier run by content hash (see `load_items`).

    Returns:
        The corpus and the problems found while reading.
    """
    vocabulary, diagnostics = load_vocabulary(data_dir or root / "data", root)
    items, problems = load_items(root, memo=memo)
    return Corpus.of(items, vocabulary), diagnostics + problems


__all__ = ["RENAMED_KEYS", "Severity", "allowed_keys", "load", "parse_item", "split_frontmatter"]
