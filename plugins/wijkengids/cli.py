"""Command line: `wijkengids check | stats | …`, all over the same `pipeline.run()` as the plugin.

Feature modules define their own click commands, listed in `_FEATURES` and imported only when
they run, so each command lives next to the code it drives."""

from __future__ import annotations

import dataclasses
import importlib
import sys
from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import Any

import click

from . import pipeline
from .diagnostics import Severity, sort_key, summary, to_json
from .model import Kind

_LEVEL = {
    Severity.ERROR: ("fout", "red"),
    Severity.WARNING: ("waarschuwing", "yellow"),
    Severity.INFO: ("info", "blue"),
}


def settings_for(root: Path, *, render: bool = True) -> pipeline.Settings:
    """Build settings for a project root laid out as the wijkengids repository."""
    return pipeline.Settings(root=root, data_dir=root / "data", docs_dir=root / "docs", render=render)


class _LazyGroup(click.Group):
    """Feature commands are imported when they run (click's "lazily loading subcommands"): a
    `check` then never imports MkDocs (bundel) or Whoosh's index (zoek), a third of its time."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy  # command name → "module:attribute"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module, __package__), attribute)
            assert isinstance(command, click.Command), self.lazy[cmd_name]
            return command
        return super().get_command(ctx, cmd_name)


# Feature commands live next to the code they drive.
_FEATURES = {
    "bundel": ".bundle:bundel",
    "zoek": ".whoosh_index:zoek",
    "nieuw": ".scaffold:nieuw",
    "schema": ".schema:schema",
    "velden": ".schema:velden",
    "graaf": ".graph:graaf",
}


@click.group(cls=_LazyGroup, lazy=_FEATURES)
def main() -> None:
    """De wijkengids: controleer en bekijk de kennisbank."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."), help="Projectmap."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Uitvoer als tekst of JSON.")
@click.option("--info/--no-info", default=False, help="Toon ook meldingen van niveau info.")
def check(paths: tuple[Path, ...], root: Path, fmt: str, info: bool) -> None:
    """Controleer alle inhoud: velden, verwijzingen, bronnen en links. Exit 1 bij fouten.

    Met PATHS (bijvoorbeeld van een pre-commit-hook) toont check alleen de meldingen van die
    bestanden; verwijzingen worden nog steeds tegen de hele inhoud gecontroleerd."""
    root = root.resolve()
    # What each file alone yields is kept under its content hash: a second check reads only files.
    memo_file = pipeline.memo_file(root)
    memo = pipeline.read_memo(memo_file)
    stored = memo.stored_keys()
    build = pipeline.run(dataclasses.replace(settings_for(root, render=False), graph=False, memo=memo))
    if memo.stored_keys() != stored:
        pipeline.write_memo(memo, memo_file)
    only = _only(paths, root)
    relevant = [d for d in build.diagnostics if only is None or d.path in only]
    shown = [d for d in relevant if info or d.severity is not Severity.INFO]
    if fmt == "json":
        click.echo(to_json(shown))
    else:
        for path, group in groupby(sorted(shown, key=sort_key), key=lambda d: d.path):
            click.secho(path, bold=True)
            for d in group:
                word, colour = _LEVEL[d.severity]
                hint = f" — {d.hint}" if d.hint else ""
                click.echo(f"  {d.line:>4}  " + click.style(word, fg=colour) + f"  {d.message}{hint} [{d.code}]")
        counts = Counter(i.kind for i in build.corpus.items)
        click.echo(
            f"{summary(shown)} ({len(build.corpus.items)} items: "
            + ", ".join(f"{counts[k]} {k.plural.lower()}" for k in Kind)
            + ")",
            err=False,
        )
        hidden = sum(d.severity is not Severity.INFO for d in build.diagnostics) - sum(
            d.severity is not Severity.INFO for d in relevant
        )
        if hidden:
            click.echo(f"{hidden} melding(en) in andere bestanden niet getoond; `wijkengids check` toont alles.")
    sys.exit(1 if any(d.severity is Severity.ERROR for d in relevant) else 0)


def _only(paths: tuple[Path, ...], root: Path) -> set[str] | None:
    """The project-relative paths to report on, or None for all: with no paths, or when a data
    file is among them (a vocabulary change can break any item)."""
    selected = set()
    for path in paths:
        absolute = (Path.cwd() / path).resolve()
        if not absolute.is_relative_to(root):
            click.echo(f"{path} ligt buiten de projectmap {root}; overgeslagen.", err=True)
            continue
        rel = absolute.relative_to(root).as_posix()
        if rel.startswith("data/"):
            return None
        selected.add(rel)
    return selected if paths else None


@main.command()
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."))
def stats(root: Path) -> None:
    """Tel de inhoud per type, per stap en per thema."""
    build = pipeline.run(settings_for(root.resolve(), render=False))
    corpus = build.corpus
    click.echo("Per type:")
    for kind in Kind:
        click.echo(f"  {kind.plural:<24} {len(corpus.of_kind(kind)):>4}")
    click.echo("Per stap:")
    for route in build.leeswijzer.routes:
        click.echo(f"  {route.stap.nummer}. {route.stap.vraag:<36} {route.count:>4}")
    click.echo("Per thema:")
    for thema in sorted(corpus.of_kind(Kind.THEMA), key=lambda t: t.nummer or 0):
        n = sum(thema.id in i.themas for i in corpus.items)
        click.echo(f"  {thema.titel[:40]:<40} {n:>4}")
