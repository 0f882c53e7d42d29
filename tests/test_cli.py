"""`wijkengids check`: one diagnostic per problem with file:line, text and JSON, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from wijkengids.cli import main

from .conftest import FIXTURES

# One problem per bad file: (file, line, code). The tree has 17 kinds of bad input.
EXPECTED = {
    ("interventies/focus.md", 1, "id.duplicate"),
    ("lessons/Hoofdletter Naam.md", 1, "id.slug"),
    ("lessons/dubbel-veld.md", 12, "frontmatter.duplicate_key"),
    ("lessons/geen-frontmatter.md", 1, "frontmatter.missing"),
    ("lessons/kapotte-link.md", 30, "ref.link"),
    ("lessons/kapotte-yaml.md", 3, "frontmatter.yaml"),
    ("lessons/lege-tekst.md", 13, "body.empty"),
    ("lessons/onbekend-bewijs.md", 6, "enum.bewijs"),
    ("lessons/onbekend-signaal.md", 3, "ref.signaal"),
    ("lessons/onbekend-thema.md", 5, "ref.thema"),
    ("lessons/onbekend-veld.md", 3, "frontmatter.unknown_key"),
    ("lessons/onbekende-actor.md", 7, "enum.actor"),
    ("lessons/onbekende-bron.md", 8, "ref.bron"),
    ("lessons/ontbrekend-veld.md", 1, "field.required"),
    ("lessons/sectie-ontbreekt.md", 8, "bron.sectie"),
    ("lessons/tekst-in-plaats-van-lijst.md", 4, "field.type"),
    ("lessons/verkeerde-stap.md", 4, "enum.stap"),
}


def _bad_tree(tmp_path: Path) -> Path:
    root = tmp_path / "bad"
    shutil.copytree(FIXTURES / "good", root)
    shutil.copytree(FIXTURES / "bad", root, dirs_exist_ok=True)
    return root


def test_check_json_gives_one_diagnostic_per_problem(tmp_path: Path):
    result = CliRunner().invoke(main, ["check", "--root", str(_bad_tree(tmp_path)), "--format", "json"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    found = json.loads(result.stdout)
    assert {(d["file"], d["line"], d["code"]) for d in found} == EXPECTED
    assert len(found) == len(EXPECTED)
    assert set(found[0]) == {"file", "line", "level", "code", "message", "hint"}
    assert {d["level"] for d in found} == {"error", "warning"}


def test_check_text_is_grouped_per_file_with_a_summary(tmp_path: Path):
    result = CliRunner().invoke(main, ["check", "--root", str(_bad_tree(tmp_path))])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "lessons/onbekend-thema.md" in lines
    assert any("5  fout  onbekend thema `burgershap` — bedoelde je `burgerschap`?" in line for line in lines)
    assert lines[-1].startswith("16 fouten, 1 waarschuwing in 17 bestanden")
    assert "Traceback" not in result.output


def test_check_on_clean_content_exits_zero(tmp_path: Path):
    root = tmp_path / "good"
    shutil.copytree(FIXTURES / "good", root)
    result = CliRunner().invoke(main, ["check", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "Geen fouten of waarschuwingen." in result.stdout


def test_warnings_alone_do_not_fail_the_check(tmp_path: Path):
    root = tmp_path / "good"
    shutil.copytree(FIXTURES / "good", root)
    les = root / "lessons/kies-wat-doorgaat.md"
    les.write_text(
        les.read_text(encoding="utf-8").replace("bewijs: praktijk", "bewijs: praktijk\nauteur: X"), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", "--root", str(root)])
    assert result.exit_code == 0
    assert "0 fouten, 1 waarschuwing in 1 bestand" in result.stdout
