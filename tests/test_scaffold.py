"""The editors' workflow on the command line: `wijkengids nieuw` makes a file that `check` accepts once
its placeholders are filled, never overwrites, refuses used ids; `check FILE...` reports only those
files (as the pre-commit hook needs) and colours only a terminal."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from wijkengids.cli import main
from wijkengids.loader import load, split_frontmatter
from wijkengids.model import Kind
from wijkengids.validate import REQUIRED

from .conftest import FIXTURES, FixtureSite

# Distinct text per file: the duplicate check would rightly flag four files with the same body.
BODIES = {
    Kind.LES: "In Leeuwarden zagen wijkteams dat gezinnen pas na jaren echt vooruitgingen. Wie na een "
    "jaar stopte, verloor het vertrouwen dat met veel moeite was opgebouwd en moest daarna opnieuw beginnen.",
    Kind.BESTANDDEEL: "Volhouden betekent dat partners hun inzet over meerdere college-periodes vasthouden, ook "
    "als de eerste cijfers tegenvallen en de aandacht van de politiek naar andere onderwerpen verschuift.",
    Kind.INTERVENTIE: "Buurtteams bezochten huishoudens thuis, maakten samen met hen één plan en bleven "
    "betrokken tot de schulden geregeld waren, de kinderen naar school gingen en er werk in zicht kwam.",
    Kind.THEMA: "Dit thema bundelt wat over wonen en leven in aandachtswijken is geleerd: over de kwaliteit "
    "van woningen, over de openbare ruimte en over voorzieningen die bewoners samenbrengen.",
}


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "good", root)
    return root


def _nieuw(root: Path, *args: str):
    return CliRunner().invoke(main, ["nieuw", *args, "--root", str(root)])


def _check(root: Path, *args: str):
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--format", "json", "--info", *args])
    return result.exit_code, json.loads(result.stdout)


def fill(text: str, values: dict[str, str], body: str) -> str:
    """Fill the placeholders of a scaffolded file: empty fields get `values`, every guidance comment
    in the body becomes a paragraph, the empty bullet an action."""
    for key, value in values.items():
        text, n = re.subn(rf'^(\s*-?\s*{key}):(?: ""| \[\])?$', rf"\1: {value}", text, count=1, flags=re.M)
        assert n == 1, f"no placeholder for {key}"
    text = re.sub(r"<!--.*?-->", body, text, flags=re.S)
    return text.replace("\n- \n", "\n- Spreek af wie wat doet.\n")


def _free_nummer(text: str) -> str:
    return re.search(r"nog vrij: (\d)", text).group(1)


def test_every_type_passes_check_once_its_placeholders_are_filled(tmp_path: Path):
    root = _project(tmp_path)
    titles = {
        Kind.BESTANDDEEL: "Samen volhouden",
        Kind.THEMA: "Wonen en leven",
        Kind.INTERVENTIE: "Buurtteams in Leeuwarden",
        Kind.LES: "Houd vol: resultaat komt na jaren",
    }
    paths = {}
    for kind, titel in titles.items():
        result = _nieuw(root, kind.value, titel)
        assert result.exit_code == 0, result.output
        rel = result.output.splitlines()[0].removeprefix("Aangemaakt: ")
        assert rel.startswith(f"{kind.folder}/") and (root / rel).is_file()
        assert f"wijkengids check {rel}" in result.output
        paths[kind] = rel
    ids = {kind: Path(rel).stem for kind, rel in paths.items()}
    assert ids[Kind.LES] == "houd-vol-resultaat-komt-na-jaren"
    common = {
        "samenvatting": '"Eén zin over dit item."',
        "stappen": "[3, 4]",
        "bewijs": "praktijk",
        "bron": "visitatie-2011",
        "sectie": '"2.2 Het belang van focus aanbrengen"',
    }
    per_kind = {
        Kind.LES: {"themas": f"[{ids[Kind.THEMA]}]", "bestanddelen": f"[focus, {ids[Kind.BESTANDDEEL]}]"},
        Kind.BESTANDDEEL: {"waarom": '"Wie volhoudt, ziet resultaat."', "valkuilen": "[Te vroeg stoppen]"},
        Kind.INTERVENTIE: {
            "themas": f"[{ids[Kind.THEMA]}]",
            "bestanddelen": f"[{ids[Kind.BESTANDDEEL]}]",
            "plaats": "Leeuwarden",
            "doel": '"Gezinnen snel helpen."',
        },
        Kind.THEMA: {},
    }
    for kind, rel in paths.items():
        path = root / rel
        values = common | per_kind[kind]
        if kind is Kind.THEMA:
            values["nummer"] = _free_nummer(path.read_text("utf-8"))
        path.write_text(fill(path.read_text("utf-8"), values, BODIES[kind]), "utf-8")

    code, found = _check(root, *(str(root / rel) for rel in paths.values()))
    assert found == []  # not even an info: every field and section is used
    assert code == 0
    code, everything = _check(root)
    assert code == 0
    assert [d for d in everything if d["level"] != "info"] == []  # nothing new broke the rest

    corpus, _ = load(root)
    les = corpus.index[ids[Kind.LES]]
    assert les.titel == titles[Kind.LES]  # the colon survived as YAML
    assert les.stappen == (3, 4)

    site = FixtureSite(root)
    site.build(strict=True)  # and the pages build
    assert "Buurtteams in Leeuwarden" in site.html(f"interventies/{ids[Kind.INTERVENTIE]}/")


@pytest.mark.parametrize("kind", list(Kind))
def test_an_unfilled_file_tells_the_editor_what_to_fill_at_the_right_line(tmp_path: Path, kind: Kind):
    root = _project(tmp_path)
    assert _nieuw(root, kind.value, "Nieuw item").exit_code == 0
    rel = f"{kind.folder}/nieuw-item.md"
    text = (root / rel).read_text("utf-8")
    lines = text.splitlines()

    code, found = _check(root, str(root / rel))
    assert code == 1
    assert {d["file"] for d in found} == {rel}
    empty = {d["message"].split("`")[1]: d["line"] for d in found if d["code"] == "field.empty"}
    assert set(empty) == set(REQUIRED[kind]) - {"titel", "bronnen"}
    for key, line in empty.items():
        assert lines[line - 1].startswith(f"{key}:"), (key, line)
    assert [d["code"] for d in found if d["code"].startswith("bron")] == ["bron.missing"]

    fm, problems = split_frontmatter(text, rel)
    assert problems == [] and fm is not None
    assert fm.data["titel"] == "Nieuw item"


def test_the_skeleton_lists_allowed_values_and_existing_ids(tmp_path: Path):
    root = _project(tmp_path)
    _nieuw(root, "interventie", "Nieuwe praktijk")
    text = (root / "interventies/nieuwe-praktijk.md").read_text("utf-8")
    header = text.split("\n---\n", 1)[0]
    assert "#   3 = Wat ga je doen?" in header
    assert "#   praktijk = Praktijkervaring" in header
    assert "#   bewoners = Bewoners" in header
    assert "#   werkloosheid = Werkloosheid" in header
    assert "#   zakboekje-2009 = Zakboekje experiment Samenhang in de Wijk" in header
    assert "#   bestaande ids: burgerschap, wijkveiligheid" in header
    assert "#   bestaande ids: focus, lange-adem" in header
    for key in ("plaats", "wijk", "periode", "doel", "doelgroep", "uitvoerders", "resultaten", "randvoorwaarden"):
        assert re.search(rf"^{key}:", header, re.M), key
    body = text.split("\n---\n", 1)[1]
    assert re.findall(r"^## (.+)$", body, re.M) == ["Aanpak", "Wie", "Resultaten", "Lessen"]
    assert yaml.safe_load(header.removeprefix("---\n"))["titel"] == "Nieuwe praktijk"


@pytest.mark.parametrize(
    ("kind", "headings"),
    [
        ("les", ["Wat we zagen", "Wat je kunt doen", "Let op", "Voorbeeld"]),
        ("bestanddeel", ["Wat is het", "Waarom het werkt", "Hoe herken je het in de praktijk", "Valkuilen"]),
        ("thema", []),
    ],
)
def test_section_headings_per_type(tmp_path: Path, kind: str, headings: list[str]):
    root = _project(tmp_path)
    _nieuw(root, kind, "Kopjes")
    body = (root / Kind(kind).folder / "kopjes.md").read_text("utf-8").split("\n---\n", 1)[1]
    assert re.findall(r"^## (.+)$", body, re.M) == headings
    assert not re.search(r"^# ", body, re.M)


def test_never_overwrites_an_existing_file(tmp_path: Path):
    root = _project(tmp_path)
    assert _nieuw(root, "les", "Mijn les").exit_code == 0
    path = root / "lessons/mijn-les.md"
    path.write_text("mijn werk\n", "utf-8")
    result = _nieuw(root, "les", "Mijn les")
    assert result.exit_code == 1
    assert "Niet aangemaakt: lessons/mijn-les.md bestaat al" in result.output
    assert path.read_text("utf-8") == "mijn werk\n"


def test_refuses_an_id_used_in_another_collection(tmp_path: Path):
    root = _project(tmp_path)
    result = _nieuw(root, "les", "Focus")
    assert result.exit_code == 1
    assert "de id `focus` is al in gebruik: bestanddelen/focus.md (bestanddeel)" in result.output
    assert not (root / "lessons/focus.md").exists()
    assert _nieuw(root, "les", "Focus", "--id", "focus-op-enkele-doelen").exit_code == 0
    assert (root / "lessons/focus-op-enkele-doelen.md").is_file()


@pytest.mark.parametrize("args", [("les", "!!!"), ("les", "Goed", "--id", "Geen Slug"), ("les", "  ")])
def test_refuses_titles_and_ids_that_make_no_valid_id(tmp_path: Path, args: tuple[str, ...]):
    root = _project(tmp_path)
    before = sorted(p.name for p in (root / "lessons").iterdir())
    result = _nieuw(root, *args)
    assert result.exit_code == 1
    assert result.output.startswith("Niet aangemaakt: ")
    assert sorted(p.name for p in (root / "lessons").iterdir()) == before


# ---------------------------------------------------------------------------------------------
# `check FILE...` for the pre-commit hook


def _bad_tree(tmp_path: Path) -> Path:
    root = _project(tmp_path)
    shutil.copytree(FIXTURES / "bad", root, dirs_exist_ok=True)
    return root


def test_check_with_paths_reports_only_those_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = _bad_tree(tmp_path)
    monkeypatch.chdir(root)  # pre-commit passes paths relative to the repository
    code, found = _check(Path("."), "lessons/onbekend-thema.md", "lessons/onbekende-actor.md")
    assert code == 1
    assert {(d["file"], d["code"]) for d in found} == {
        ("lessons/onbekend-thema.md", "ref.thema"),
        ("lessons/onbekende-actor.md", "enum.actor"),
    }
    # A good file whose references live in other files passes, whatever is broken elsewhere.
    result = CliRunner().invoke(main, ["check", "lessons/kies-wat-doorgaat.md"])
    assert result.exit_code == 0
    assert "Geen fouten of waarschuwingen." in result.output
    assert "melding(en) in andere bestanden niet getoond" in result.output


def test_check_with_a_data_file_reports_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = _bad_tree(tmp_path)
    monkeypatch.chdir(root)
    _, everything = _check(Path("."))
    code, found = _check(Path("."), "data/actoren.yml", "lessons/kies-wat-doorgaat.md")
    assert code == 1
    assert found == everything and len(found) > 10


def test_colours_only_on_a_terminal(tmp_path: Path):
    root = _bad_tree(tmp_path)
    script = Path(sys.executable).parent / "wijkengids"
    piped = subprocess.run([str(script), "check", "--root", str(root)], capture_output=True, text=True, check=False)
    assert piped.returncode == 1
    assert "onbekend thema `burgershap`" in piped.stdout
    assert "\x1b[" not in piped.stdout + piped.stderr
    terminal = CliRunner().invoke(main, ["check", "--root", str(root)], color=True)
    assert "\x1b[31mfout\x1b[0m" in terminal.output  # the same run on a terminal is coloured
