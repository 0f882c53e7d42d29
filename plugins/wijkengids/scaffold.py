"""`wijkengids nieuw TYPE "Titel"`: a new content file with every field of its type, the allowed
values as YAML comments (read from the vocabulary and the corpus) and the section headings."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

from .loader import allowed_keys, load
from .model import Corpus, Kind
from .pages import environment
from .schema import ID_LIST_KEYS, TEXT_KEYS, Choice, choices, describe
from .validate import REQUIRED, SLUG, THEMA_NUMMERS, slugify

_ID_KIND = {"themas": Kind.THEMA, "bestanddelen": Kind.BESTANDDEEL, "interventies": Kind.INTERVENTIE}


@dataclass(frozen=True, slots=True)
class Field:
    """One frontmatter line of the skeleton with the comment above it."""

    key: str
    value: str  # YAML after `key:`; "" for `bronnen`, whose entry the template writes
    doc: str
    required: bool
    choices: tuple[Choice, ...] = ()
    ids: tuple[str, ...] = ()  # existing item ids, for keys that reference items


@dataclass(frozen=True, slots=True)
class Scaffold:
    path: Path
    text: str


class ScaffoldError(Exception):
    """A new file cannot be made; the message is Dutch and says what to do."""


def yaml_scalar(text: str) -> str:
    """A YAML scalar that reads back as `text` (quoted when it holds `:`, `#`, quotes, ...)."""
    return (
        yaml.safe_dump(text, allow_unicode=True, width=10_000, default_flow_style=True).removesuffix("\n...\n").strip()
    )


def _fields(kind: Kind, titel: str, corpus: Corpus) -> list[Field]:
    fields = []
    for key in allowed_keys(kind):
        required = key in REQUIRED[kind]
        doc = describe(kind, key)
        if key == "titel":
            fields.append(Field(key, yaml_scalar(titel), doc, required))
        elif key == "nummer":
            used = sorted(i.nummer for i in corpus.of_kind(Kind.THEMA) if i.nummer is not None)
            free = [n for n in THEMA_NUMMERS if n not in used]
            doc += f" Van {THEMA_NUMMERS[0]} tot en met {THEMA_NUMMERS[-1]}; nog vrij: " + (
                ", ".join(map(str, free)) or "geen"
            )
            fields.append(Field(key, "", doc, required))
        elif key in ID_LIST_KEYS:
            ids = tuple(i.id for i in sorted(corpus.of_kind(_ID_KIND[key]), key=lambda i: i.id))
            fields.append(Field(key, "[]", doc, required, ids=ids))
        elif key in TEXT_KEYS or key == "bewijs":
            fields.append(Field(key, '""', doc, required, choices(key, corpus.vocabulary)))
        elif key == "bronnen":
            fields.append(Field(key, "", doc, required, choices(key, corpus.vocabulary)))
        else:  # stappen, signalen, actoren and the free lists
            fields.append(Field(key, "[]", doc, required, choices(key, corpus.vocabulary)))
    return fields


def render(kind: Kind, titel: str, corpus: Corpus) -> str:
    """The text of a new file of `kind` titled `titel`."""
    template = environment().get_template(f"nieuw-{kind.value}.md.j2")
    return template.render(kind=kind, fields=_fields(kind, titel, corpus))


def plan(root: Path, kind: Kind, titel: str, corpus: Corpus, item_id: str | None = None) -> Scaffold:
    """Where the new file goes and what it holds.

    Raises:
        ScaffoldError: when the id is invalid or already used (in any collection).
    """
    titel = titel.strip()
    if not titel:
        raise ScaffoldError('geef een titel, bijvoorbeeld: wijkengids nieuw les "Kies wat doorgaat"')
    new_id = item_id or slugify(titel)
    if not new_id or not SLUG.match(new_id):
        raise ScaffoldError(
            f"`{new_id}` is geen geldige id (alleen kleine letters, cijfers en streepjes); kies er een met --id"
        )
    path = root / kind.folder / f"{new_id}.md"
    if path.exists():
        raise ScaffoldError(
            f"{path.relative_to(root).as_posix()} bestaat al; kies een andere titel of een andere id met --id"
        )
    for item in corpus.items:
        if item.id.casefold() == new_id.casefold():
            raise ScaffoldError(
                f"de id `{new_id}` is al in gebruik: {item.path} ({item.kind.value}); ids zijn uniek over alle "
                "collecties, kies een andere met --id"
            )
    return Scaffold(path, render(kind, titel, corpus))


def next_steps(rel: str, kind: Kind, item_id: str) -> Sequence[str]:
    return (
        f"Aangemaakt: {rel}",
        "",
        "Volgende stappen:",
        "  1. Vul de velden in; de regels met # erboven noemen wat er mag. Schrijf de tekst onder de kopjes.",
        f"  2. Draai `wijkengids check {rel}` (of `make check`) en los elke melding op.",
        f"  3. Bekijk de pagina met `make serve`: http://127.0.0.1:8000/{kind.url_prefix}/{item_id}/",
    )


@click.command()
@click.argument("kind", metavar="TYPE", type=click.Choice([k.value for k in Kind]))
@click.argument("titel")
@click.option("--id", "item_id", help="Eigen id (bestandsnaam zonder .md) in plaats van een id uit de titel.")
@click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."), help="Projectmap."
)
def nieuw(kind: str, titel: str, item_id: str | None, root: Path) -> None:
    """Maak een nieuw item aan: TYPE is les, bestanddeel, interventie of thema."""
    root = root.resolve()
    corpus, _ = load(root)  # problems in other files are `check`'s business, not a reason to stop
    try:
        scaffold = plan(root, Kind(kind), titel, corpus, item_id)
    except ScaffoldError as exc:
        click.secho(f"Niet aangemaakt: {exc}", fg="red", err=True)
        sys.exit(1)
    scaffold.path.parent.mkdir(parents=True, exist_ok=True)
    with scaffold.path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(scaffold.text)
    rel = scaffold.path.relative_to(root).as_posix()
    for line in next_steps(rel, Kind(kind), scaffold.path.stem):
        click.echo(line)
