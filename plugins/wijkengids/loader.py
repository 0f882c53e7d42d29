"""Read the content collections and the vocabulary, keeping line numbers.

Never raises on bad content: every problem becomes a Diagnostic and loading goes on, so an editor
sees all problems in one run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
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

_YAML_HINTS = (
    ("\\t", "gebruik spaties in plaats van tabs voor inspringen"),
    ("expected ',' or ']'", "sluit de lijst met `]` of zet tekst met een dubbele punt tussen aanhalingstekens"),
    ("expected ',' or '}'", "sluit met `}` of zet tekst met een dubbele punt tussen aanhalingstekens"),
    ("mapping values are not allowed", "zet een waarde met een dubbele punt tussen aanhalingstekens"),
    ("could not find expected ':'", "controleer of elke regel de vorm `sleutel: waarde` heeft"),
    ("expected <block end>", "controleer het inspringen: lijstjes en sleutels op dezelfde diepte"),
    ("found undefined alias", "een `*` aan het begin van een waarde: zet de waarde tussen aanhalingstekens"),
    ("found unexpected end of stream", "sluit aanhalingstekens en haakjes"),
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


def read_text(path: Path, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """Read a file as UTF-8 (a BOM is dropped, CRLF becomes LF); bad bytes become a diagnostic."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(rel, 1, "file.unreadable", f"bestand kan niet gelezen worden: {exc.strerror}")]
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
            Diagnostic(rel, line, "frontmatter.unclosed", "frontmatter wordt niet afgesloten", "zet een regel `---` na de velden")
        ]
    header = text[first.end() : second.start()]
    offset = text[: first.end()].count("\n")  # lines before the header's first line
    body = text[second.end() :].lstrip("\n") if text[second.end() :].strip() else ""
    body_line = text[: second.end()].count("\n") + 1 + (len(text[second.end() :]) - len(text[second.end() :].lstrip("\n")))

    loader = _loader(header)
    try:
        node = loader.get_single_node()
        if node is None:
            return _Frontmatter({}, {}, {}, body, body_line), []
        if not isinstance(node, yaml.MappingNode):
            return None, [
                Diagnostic(
                    rel,
                    node.start_mark.line + offset + 1,
                    "frontmatter.not_mapping",
                    "de frontmatter is geen lijst van velden (`sleutel: waarde`)",
                    "schrijf elk veld als `sleutel: waarde` op een eigen regel",
                )
            ]
        diagnostics: list[Diagnostic] = []
        keys: dict[str, int] = {}
        elements: dict[str, tuple[int, ...]] = {}
        unique_pairs = []
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + offset + 1
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
                elements[key] = tuple(child.start_mark.line + offset + 1 for child in value_node.value)
            unique_pairs.append((key_node, value_node))
        node.value = unique_pairs
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        if _loader is not yaml.SafeLoader:  # libyaml places some marks differently: report as PyYAML does
            return split_frontmatter(text, rel, yaml.SafeLoader)
        # The context mark points at the start of the broken construct, the problem mark where the
        # parser gave up (often the next line); the first is what an editor needs to look at.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = (mark.line if mark else 0) + offset + 1
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [
            Diagnostic(rel, line, "frontmatter.yaml", f"ongeldige YAML in de frontmatter: {problem}", _yaml_hint(str(exc)))
        ]
    finally:
        loader.dispose()
    return _Frontmatter(data, keys, elements, body, body_line), diagnostics


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
        shown = repr(value) if not isinstance(value, str) else f"`{value}`"
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
        if isinstance(value, bool) or isinstance(value, (dict, list)):
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
        if not isinstance(value, list) or any(isinstance(v, (dict, list)) or v is None for v in value):
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
            elif isinstance(entry, dict):
                refs.append(BronRef(str(entry.get("bron") or "").strip(), str(entry.get("sectie") or "").strip()))
            else:
                self._bad("bronnen", "een lijst van `- bron: …` met `sectie: …`", entry)
        return tuple(refs)


def _type_hint(expected: str, key: str) -> str:
    if expected == "een lijst van getallen":
        return f"schrijf bijvoorbeeld `{key}: [1, 3]`"
    if expected.startswith("een lijst"):
        return f"schrijf bijvoorbeeld `{key}: [a, b]`"
    if expected == "tekst":
        return "zet de tekst tussen aanhalingstekens"
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


def collection_files(root: Path, kind: Kind) -> list[Path]:
    """The Markdown files of one collection, in a stable order; `_`- and `.`-files are skipped."""
    folder = root / kind.folder
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if not p.name.startswith(("_", ".")))


def load_items(root: Path, kinds: Iterable[Kind] = tuple(Kind)) -> tuple[list[Item], list[Diagnostic]]:
    """Parse every collection file once."""
    items: list[Item] = []
    diagnostics: list[Diagnostic] = []
    for kind in kinds:
        for path in collection_files(root, kind):
            rel = path.relative_to(root).as_posix()
            text, problems = read_text(path, rel)
            diagnostics += problems
            if text is None:
                continue
            digest = hashlib.sha256(text.encode()).hexdigest()
            item, problems = parse_item(text, rel, kind, digest)
            diagnostics += problems
            if item is not None:
                items.append(item)
    return items, diagnostics


# ---------------------------------------------------------------------------------------------
# Vocabulary


def _load_list(path: Path, rel: str, required: tuple[str, ...]) -> tuple[list[tuple[dict[str, Any], int]], list[Diagnostic]]:
    """Entries of a YAML list file with their lines; entries lacking a required field are dropped."""
    text, diagnostics = read_text(path, rel)
    if text is None:
        return [], diagnostics
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.SequenceNode):
            return [], [Diagnostic(rel, 1, "data.not_list", "het databestand is geen lijst", "begin elk element met `- `")]
        entries = []
        for child in node.value:
            value = loader.construct_object(child, deep=True)
            line = child.start_mark.line + 1
            if not isinstance(value, dict):
                diagnostics.append(Diagnostic(rel, line, "data.entry", "element is geen `sleutel: waarde`-lijst"))
                continue
            missing = [k for k in required if value.get(k) in (None, "")]
            if missing:
                diagnostics.append(
                    Diagnostic(rel, line, "data.entry", f"element mist veld(en): {', '.join(missing)}", "vul de velden aan")
                )
                continue
            entries.append((value, line))
        return entries, diagnostics
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [], [Diagnostic(rel, (mark.line + 1) if mark else 1, "data.yaml", f"ongeldige YAML: {exc}", _yaml_hint(str(exc)))]
    finally:
        loader.dispose()


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
            Diagnostic("data/stappen.yml", 1, "data.stappen", "de leeswijzer moet precies de stappen 1 tot en met 5 hebben")
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


def load(root: Path, data_dir: Path | None = None) -> tuple[Corpus, list[Diagnostic]]:
    """Load the vocabulary and every collection under `root`.

    Arguments:
        root: The project root (holding lessons/, bestanddelen/, themas/, interventies/).
        data_dir: Folder of the vocabulary files; `root / "data"` by default.

    Returns:
        The corpus and the problems found while reading.
    """
    vocabulary, diagnostics = load_vocabulary(data_dir or root / "data", root)
    items, problems = load_items(root)
    return Corpus.of(items, vocabulary), diagnostics + problems


__all__ = ["load", "parse_item", "split_frontmatter", "allowed_keys", "RENAMED_KEYS", "Severity"]
