"""The frontmatter, described once: JSON Schema for editors and tools, and the field reference in
CONTRIBUTING.md. Both are generated from the model (required fields, allowed keys) and the
vocabulary in data/, so they cannot drift from what `wijkengids check` accepts."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .diagnostics import Severity
from .loader import allowed_keys, load_vocabulary
from .model import Kind, Vocabulary
from .pages import environment
from .validate import REQUIRED, SLUG, THEMA_NUMMERS

SCHEMA_PATH = "schema/frontmatter.schema.json"
CONTRIBUTING = "CONTRIBUTING.md"
BEGIN, END = "<!-- velden:begin -->", "<!-- velden:end -->"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# What each field means, in the editors' language. One sentence each; examples in backticks.
FIELD_DOCS: Mapping[str, str] = {
    "titel": "De titel van de pagina.",
    "samenvatting": "Eén zin; verschijnt in lijsten, zoekresultaten en als beschrijving van de pagina.",
    "stappen": "De stappen van de leeswijzer waar dit item bij hoort, bijvoorbeeld `[3, 5]`.",
    "themas": "Ids van thema's: bestandsnamen in `themas/` zonder `.md`.",
    "bestanddelen": "Ids van werkzame bestanddelen: bestandsnamen in `bestanddelen/` zonder `.md`.",
    "interventies": "Ids van interventies: bestandsnamen in `interventies/` zonder `.md`.",
    "signalen": "Signalen uit `data/signalen.yml` waar dit item op reageert.",
    "actoren": "Wie er aan zet is, uit `data/actoren.yml`.",
    "bewijs": "Hoe sterk het bewijs is, uit `data/bewijs.yml`; wees eerlijk, meestal is het `praktijk`.",
    "bronnen": "Waar het vandaan komt: minstens één bron uit `data/bronnen.yml`, met de sectie.",
    "nummer": "Het nummer van het thema in de leeswijzer.",
    "waarom": "Eén zin: waarom dit bestanddeel werkt.",
    "valkuilen": "Korte valkuilen, elk een paar woorden.",
    "plaats": "De gemeente waar de praktijk liep.",
    "wijk": "De wijk; laat het veld weg als de bron die niet noemt.",
    "periode": 'Bijvoorbeeld `"2008-2011"`; alleen als de bron die noemt.',
    "doel": "Eén zin: wat de aanpak wilde bereiken.",
    "doelgroep": "Voor wie de aanpak is.",
    "uitvoerders": "Wie het deed (organisaties); laat het veld weg als dat onbekend is.",
    "resultaten": "Eén of twee zinnen over wat het opleverde, met cijfers als de bron ze heeft; "
    "anders `Niet gemeten in de bron.`",
    "randvoorwaarden": "Wat nodig was om het te laten werken, in korte zinnen.",
}
# Where a field means something more specific for one type.
KIND_DOCS: Mapping[tuple[Kind, str], str] = {
    (Kind.LES, "titel"): "Een uitspraak waar de lezer iets mee kan doen, "
    "bijvoorbeeld `Kies wat doorgaat, wat wacht en wat stopt`.",
    (Kind.BESTANDDEEL, "titel"): "Een naamwoordgroep, bijvoorbeeld `Doorzettingsmacht` of `Lange adem`.",
    (Kind.INTERVENTIE, "titel"): "De naam van de praktijk met de plaats, bijvoorbeeld `Frontlijnteams in Leeuwarden`.",
    (Kind.THEMA, "titel"): "De naam van het thema uit de leeswijzer.",
    (Kind.LES, "themas"): "Ids van thema's: bestandsnamen in `themas/` zonder `.md`; mag `[]` zijn.",
}
SECTIE_DOC = (
    "Het hoofdstuk, de paragraaf of de titel van het stuk in de bron, "
    "bijvoorbeeld `2.2 Het belang van focus aanbrengen`."
)

TEXT_KEYS = frozenset(
    {"titel", "samenvatting", "waarom", "plaats", "wijk", "periode", "doel", "doelgroep", "resultaten"}
)
FREE_LIST_KEYS = frozenset({"valkuilen", "uitvoerders", "randvoorwaarden"})
ID_LIST_KEYS = frozenset({"themas", "bestanddelen", "interventies"})
TERM_KEYS = {"signalen": "signalen", "actoren": "actoren"}  # key -> vocabulary attribute


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed value of a field, with the label editors see next to it."""

    value: str | int
    label: str


def describe(kind: Kind, key: str) -> str:
    return KIND_DOCS.get((kind, key), FIELD_DOCS[key])


def choices(key: str, vocabulary: Vocabulary) -> tuple[Choice, ...]:
    """The allowed values of a vocabulary field (empty for free text and item ids)."""
    if key == "stappen":
        return tuple(Choice(s.nummer, s.vraag) for s in vocabulary.stappen)
    if key == "bewijs":
        return tuple(Choice(t.id, f"{t.label}: {t.uitleg}" if t.uitleg else t.label) for t in vocabulary.bewijs)
    if key in TERM_KEYS:
        return tuple(Choice(t.id, t.label) for t in getattr(vocabulary, TERM_KEYS[key]))
    if key == "bronnen":
        return tuple(Choice(b.id, f"{b.titel} ({b.uitgever}, {b.jaar})") for b in vocabulary.bronnen)
    if key == "nummer":
        return tuple(Choice(n, "") for n in THEMA_NUMMERS)
    return ()


# ---------------------------------------------------------------------------------------------
# JSON Schema
#
# Only keywords that draft-07 also knows (type, enum, items, required, minItems, ...) are used:
# editors' YAML support mostly implements draft-07 and reads the common subset of 2020-12 fine.


def _property(kind: Kind, key: str, vocabulary: Vocabulary, required: bool) -> dict[str, Any]:
    prop: dict[str, Any] = {"description": describe(kind, key)}
    values = [c.value for c in choices(key, vocabulary)]
    if key in TEXT_KEYS:
        prop["type"] = "string"
        if required:
            prop["minLength"] = 1
    elif key == "nummer":
        prop.update(type="integer", minimum=min(values), maximum=max(values))
    elif key == "bewijs":
        prop.update(type="string", enum=values)
    elif key == "bronnen":
        prop.update(
            type="array",
            minItems=1,
            items={
                "type": "object",
                "properties": {
                    "bron": {"description": "Id van de bron in `data/bronnen.yml`.", "type": "string", "enum": values},
                    "sectie": {"description": SECTIE_DOC, "type": "string", "minLength": 1},
                },
                "required": ["bron", "sectie"],
                "additionalProperties": False,
            },
        )
    else:  # lists
        if key in ID_LIST_KEYS:
            items: dict[str, Any] = {"type": "string", "pattern": SLUG.pattern}
        elif key == "stappen":
            items = {"type": "integer", "enum": values}
        elif key in TERM_KEYS:
            items = {"type": "string", "enum": values}
        else:
            items = {"type": "string", "minLength": 1}
        prop.update(type="array", items=items)
        if key not in FREE_LIST_KEYS:
            prop["uniqueItems"] = True
        if required:
            prop["minItems"] = 1
    if key != "nummer" and values:
        listed = "; ".join(f"{c.value} = {c.label}" for c in choices(key, vocabulary))
        prop["description"] += f" Toegestaan: {listed}"
    return prop


def kind_schema(kind: Kind, vocabulary: Vocabulary) -> dict[str, Any]:
    required = REQUIRED[kind]
    return {
        "title": kind.label,
        "description": f"Frontmatter van een {kind.value} (map `{kind.folder}/`).",
        "type": "object",
        "properties": {key: _property(kind, key, vocabulary, key in required) for key in allowed_keys(kind)},
        "required": list(required),
        "additionalProperties": False,
    }


def frontmatter_schema(vocabulary: Vocabulary) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the frontmatter of all four types.

    Each type is a definition under `$defs` (`$defs/les`, ...); the root accepts any of them.
    """
    return {
        "$schema": DRAFT,
        "$comment": "Gegenereerd met `wijkengids schema -o schema/frontmatter.schema.json`; niet met de hand bewerken.",
        "title": "Frontmatter van de wijkengids",
        "description": "De velden bovenaan een les, werkzaam bestanddeel, interventie of thema.",
        "anyOf": [{"$ref": f"#/$defs/{kind.value}"} for kind in Kind],
        "$defs": {kind.value: kind_schema(kind, vocabulary) for kind in Kind},
    }


def to_json(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------
# CONTRIBUTING.md: the generated field reference between the markers


def fields_markdown(vocabulary: Vocabulary) -> str:
    """The field reference per type and the allowed values, as Markdown."""
    kinds = [
        (
            kind,
            [(key, key in REQUIRED[kind], describe(kind, key)) for key in allowed_keys(kind)],
        )
        for kind in (Kind.LES, Kind.BESTANDDEEL, Kind.INTERVENTIE, Kind.THEMA)
    ]
    lists = [
        ("stappen", "Stappen (`stappen`)", choices("stappen", vocabulary)),
        ("bewijs", "Bewijs (`bewijs`)", choices("bewijs", vocabulary)),
        ("actoren", "Actoren (`actoren`)", choices("actoren", vocabulary)),
        ("signalen", "Signalen (`signalen`)", choices("signalen", vocabulary)),
        ("bronnen", "Bronnen (`bronnen: - bron:`)", choices("bronnen", vocabulary)),
    ]
    return environment().get_template("velden.md.j2").render(kinds=kinds, lists=lists, nummers=list(THEMA_NUMMERS))


def replace_between_markers(text: str, generated: str) -> str | None:
    """`text` with the part between the velden markers replaced; None when a marker is missing."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return None
    return text[: start + len(BEGIN)] + "\n" + generated.strip("\n") + "\n" + text[end:]


# ---------------------------------------------------------------------------------------------
# Commands


def _vocabulary(root: Path) -> Vocabulary:
    vocabulary, diagnostics = load_vocabulary(root / "data", root)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    for diag in errors:
        click.echo(diag.format(), err=True)
    if errors:
        click.echo("Los eerst de fouten in data/ op.", err=True)
        sys.exit(1)
    return vocabulary


_ROOT = click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."), help="Projectmap."
)


@click.command()
@_ROOT
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Schrijf naar dit bestand.")
def schema(root: Path, output: Path | None) -> None:
    """Het JSON Schema van de frontmatter (per type onder $defs), uit model en data/."""
    text = to_json(frontmatter_schema(_vocabulary(root.resolve())))
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Geschreven: {output}")


@click.command()
@_ROOT
@click.option(
    "--check", "check_only", is_flag=True, help="Alleen controleren; exit 1 als CONTRIBUTING.md verouderd is."
)
def velden(root: Path, check_only: bool) -> None:
    """Werk de veldenlijst in CONTRIBUTING.md bij (tussen de velden-markeringen)."""
    root = root.resolve()
    path = root / CONTRIBUTING
    if not path.is_file():
        click.echo(f"{CONTRIBUTING} ontbreekt in {root}.", err=True)
        sys.exit(1)
    text = path.read_text(encoding="utf-8")
    updated = replace_between_markers(text, fields_markdown(_vocabulary(root)))
    if updated is None:
        click.echo(
            f"{CONTRIBUTING} mist de regels `{BEGIN}` en `{END}`; zet ze waar de veldenlijst moet komen.", err=True
        )
        sys.exit(1)
    if updated == text:
        click.echo(f"{CONTRIBUTING} is bij.")
        return
    if check_only:
        click.echo(f"{CONTRIBUTING} is verouderd: draai `wijkengids velden`.", err=True)
        sys.exit(1)
    path.write_text(updated, encoding="utf-8")
    click.echo(f"Bijgewerkt: {CONTRIBUTING}")
