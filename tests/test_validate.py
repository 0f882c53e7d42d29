"""One row per validation rule: a small change to a valid corpus gives exactly one diagnostic."""

from __future__ import annotations

from pathlib import Path

import pytest

from wijkengids.diagnostics import Severity, did_you_mean, summary, with_severities
from wijkengids.loader import load
from wijkengids.validate import slugify, validate

from .conftest import FIXTURES

LESSON = "lessons/kies-wat-doorgaat.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "good", root)
    return root


def _diagnostics(root: Path):
    corpus, problems = load(root)
    return [d for d in problems + validate(corpus) if d.severity is not Severity.INFO]


def test_the_good_fixture_is_clean(project: Path):
    assert _diagnostics(project) == []


@pytest.mark.parametrize(
    ("old", "new", "line", "code", "message"),
    [
        ("themas: [burgerschap]", "themas: [burgershap]", 5, "ref.thema", "onbekend thema `burgershap`"),
        ("themas: [burgerschap]", "themas: [focus]", 5, "ref.thema", "`focus` is een bestanddeel, geen thema"),
        (
            "bestanddelen: [focus, lange-adem]",
            "bestanddelen: [fokus, lange-adem]",
            6,
            "ref.bestanddeel",
            "onbekend bestanddeel `fokus`",
        ),
        (
            "interventies: [frontlijnteams-leeuwarden]",
            "interventies: [frontlijnteams]",
            7,
            "ref.interventie",
            "onbekende interventie",
        ),
        ("signalen: [werkloosheid]", "signalen: [werkloos]", 8, "ref.signaal", "onbekend signaal `werkloos`"),
        (
            "actoren: [gemeente, corporatie, bewoners]",
            "actoren: [gemeente, corperatie]",
            9,
            "enum.actor",
            "onbekende actor `corperatie`",
        ),
        ("bewijs: praktijk", "bewijs: praktisch", 10, "enum.bewijs", "onbekend bewijsniveau"),
        ("stappen: [3, 5]", "stappen: [3, 6]", 4, "enum.stap", "stap `6` bestaat niet"),
        ("stappen: [3, 5]", "stappen: []", 4, "field.empty", "veld `stappen` is leeg"),
        (
            "samenvatting: Veel projecten tegelijk versnipperen de inzet; kies wat doorgaat.\n",
            "",
            1,
            "field.required",
            "verplicht veld `samenvatting`",
        ),
        ("  - bron: visitatie-2011", "  - bron: visitatie-2012", 12, "ref.bron", "onbekende bron `visitatie-2012`"),
        ('    sectie: "2.2 Het belang van focus aanbrengen"\n', "", 12, "bron.sectie", "noemt geen sectie"),
        ("bewijs: praktijk", "bewijs: praktijk\nbewjs: x", 11, "frontmatter.unknown_key", "onbekend veld `bewjs`"),
        ("bewijs: praktijk", "bewijs: praktijk\ntitle: Oud", 11, "frontmatter.renamed", "veld `title` heet nu `titel`"),
        ("Zie ook [[focus]]", "Zie ook [[fokus]]", 19, "ref.link", "link `[[fokus]]`"),
        (
            "interventies: [frontlijnteams-leeuwarden]",
            "interventies: [kies-wat-doorgaat]",
            7,
            "ref.interventie",
            "is een les, geen interventie",
        ),
    ],
)
def test_each_rule_reports_file_line_and_message(project: Path, old: str, new: str, line: int, code: str, message: str):
    path = project / LESSON
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = _diagnostics(project)
    assert [(d.path, d.line, d.code) for d in found] == [(LESSON, line, code)], found
    assert message in found[0].message


def test_self_reference_is_a_warning(project: Path):
    path = project / "bestanddelen/focus.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("bestanddelen: []", "bestanddelen: [focus]"), encoding="utf-8"
    )
    found = _diagnostics(project)
    assert [(d.code, d.severity) for d in found] == [("ref.self", Severity.WARNING)]


def test_hints_suggest_the_closest_value():
    assert did_you_mean("burgershap", ["burgerschap", "wijkveiligheid"]) == "bedoelde je `burgerschap`?"
    assert did_you_mean("zzz", ["a", "b"]) == "kies uit: `a`, `b`"
    assert slugify("Eén gezin, één plan!") == "een-gezin-een-plan"


def test_an_unused_bestanddeel_is_flagged(project: Path):
    (project / "bestanddelen/lange-adem.md").write_text(
        (project / "bestanddelen/lange-adem.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    les = project / LESSON
    les.write_text(les.read_text(encoding="utf-8").replace("[focus, lange-adem]", "[focus]"), encoding="utf-8")
    inter = project / "interventies/frontlijnteams-leeuwarden.md"
    inter.write_text(inter.read_text(encoding="utf-8").replace("[lange-adem]", "[focus]"), encoding="utf-8")
    found = _diagnostics(project)
    assert [(d.path, d.code) for d in found] == [("bestanddelen/lange-adem.md", "graph.underused")]


def test_severities_can_be_set_per_code_or_prefix(project: Path):
    les = project / LESSON
    les.write_text(les.read_text(encoding="utf-8").replace("[burgerschap]", "[burgershap]"), encoding="utf-8")
    found = _diagnostics(project)
    assert [d.severity for d in with_severities(found, {"ref": "warn"})] == [Severity.WARNING]
    assert with_severities(found, {"ref.thema": "ignore"}) == []
    assert summary(found) == "1 fout, 0 waarschuwingen in 1 bestand"
