"""The generated frontmatter schema and field reference: in sync with the model and data/, valid
JSON Schema that accepts good items and rejects bad ones, and CONTRIBUTING.md's examples pass check."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator, Draft202012Validator

from wijkengids.cli import main
from wijkengids.loader import load_vocabulary, split_frontmatter
from wijkengids.model import Kind
from wijkengids.schema import BEGIN, END, fields_markdown, frontmatter_schema, replace_between_markers, to_json
from wijkengids.validate import REQUIRED

from .conftest import FIXTURES

REPO = Path(__file__).parent.parent
KIND_OF_FOLDER = {k.folder: k for k in Kind}


def _vocabulary(root: Path):
    vocabulary, problems = load_vocabulary(root / "data", root)
    assert problems == []
    return vocabulary


def _frontmatter(path: Path) -> dict[str, Any]:
    fm, problems = split_frontmatter(path.read_text("utf-8"), path.name)
    assert fm is not None and problems == []
    return fm.data


# ---------------------------------------------------------------------------------------------
# In sync with the repository


def test_committed_schema_is_in_sync_with_model_and_data():
    committed = (REPO / "schema/frontmatter.schema.json").read_text("utf-8")
    generated = to_json(frontmatter_schema(_vocabulary(REPO)))
    assert committed == generated, "schema/ is verouderd: draai `make schema`"


def test_contributing_field_list_is_in_sync():
    text = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    assert replace_between_markers(text, fields_markdown(_vocabulary(REPO))) == text, (
        "CONTRIBUTING.md is verouderd: draai `make schema`"
    )
    result = CliRunner().invoke(main, ["velden", "--check", "--root", str(REPO)])
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------------------------------
# The schema itself


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return frontmatter_schema(_vocabulary(FIXTURES / "good"))


def test_schema_is_valid_2020_12_and_uses_only_what_draft_7_also_knows(schema: dict[str, Any]):
    Draft202012Validator.check_schema(schema)
    draft7_and_2020 = {
        "$schema", "$comment", "$ref", "$defs", "title", "description", "type", "properties", "required",
        "additionalProperties", "items", "enum", "minItems", "uniqueItems", "minLength", "minimum", "maximum",
        "pattern", "anyOf",
    }  # fmt: skip
    used: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        used.update(node)
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for child in value.values():
                    walk(child)
            elif key == "items":
                walk(value)
            elif key == "anyOf":
                for child in value:
                    walk(child)

    walk(schema)
    assert used <= draft7_and_2020, used - draft7_and_2020
    Draft7Validator.check_schema({k: v for k, v in schema.items() if k != "$schema"})


def test_required_fields_come_from_the_model(schema: dict[str, Any]):
    for kind in Kind:
        assert schema["$defs"][kind.value]["required"] == list(REQUIRED[kind])


def test_every_good_item_is_valid(schema: dict[str, Any]):
    root = Draft202012Validator(schema)
    checked = 0
    for path in sorted((FIXTURES / "good").glob("*/*.md")):
        kind = KIND_OF_FOLDER.get(path.parent.name)
        if kind is None:
            continue
        data = _frontmatter(path)
        assert list(Draft202012Validator(schema["$defs"][kind.value]).iter_errors(data)) == [], path.name
        assert root.is_valid(data)
        checked += 1
    assert checked == 7


@pytest.mark.parametrize(
    ("name", "keyword"),
    [
        ("onbekend-bewijs.md", "enum"),
        ("onbekende-actor.md", "enum"),
        ("onbekende-bron.md", "enum"),
        ("onbekend-signaal.md", "enum"),
        ("verkeerde-stap.md", "enum"),
        ("onbekend-veld.md", "additionalProperties"),
        ("ontbrekend-veld.md", "required"),
        ("tekst-in-plaats-van-lijst.md", "type"),
    ],
)
def test_bad_frontmatter_is_rejected(schema: dict[str, Any], name: str, keyword: str):
    data = _frontmatter(FIXTURES / "bad/lessons" / name)
    errors = list(Draft202012Validator(schema["$defs"]["les"]).iter_errors(data))
    assert keyword in {e.validator for e in errors}


def test_enums_are_read_from_data(tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "good", root)
    with (root / "data/actoren.yml").open("a", encoding="utf-8") as handle:
        handle.write("- {id: huisarts, label: Huisarts}\n")
    actoren = frontmatter_schema(_vocabulary(root))["$defs"]["les"]["properties"]["actoren"]
    assert actoren["items"]["enum"][-1] == "huisarts"
    assert "huisarts = Huisarts" in actoren["description"]


# ---------------------------------------------------------------------------------------------
# Commands


def test_schema_command_writes_the_file(tmp_path: Path):
    out = tmp_path / "schema/frontmatter.schema.json"
    result = CliRunner().invoke(main, ["schema", "--root", str(FIXTURES / "good"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8")) == frontmatter_schema(_vocabulary(FIXTURES / "good"))


def test_velden_updates_only_between_the_markers(tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "good", root)
    contributing = root / "CONTRIBUTING.md"
    contributing.write_text(f"# Bijdragen\n\nVoor.\n\n{BEGIN}\noud\n{END}\n\nNa.\n", "utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["velden", "--check", "--root", str(root)]).exit_code == 1
    assert runner.invoke(main, ["velden", "--root", str(root)]).exit_code == 0
    text = contributing.read_text("utf-8")
    assert text.startswith("# Bijdragen\n\nVoor.\n\n") and text.endswith(f"{END}\n\nNa.\n")
    assert "oud" not in text and "| `bewijs` | ja |" in text
    assert runner.invoke(main, ["velden", "--check", "--root", str(root)]).exit_code == 0

    contributing.write_text("# Bijdragen zonder markeringen\n", "utf-8")
    result = runner.invoke(main, ["velden", "--root", str(root)])
    assert result.exit_code == 1 and "mist de regels" in result.output


# ---------------------------------------------------------------------------------------------
# The examples in CONTRIBUTING.md


def test_contributing_examples_are_complete_and_pass_check(tmp_path: Path):
    """Each example is written into a fixture tree; ids it references that the fixture lacks get a
    stub of the right type, so only the examples themselves are judged."""
    text = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    examples = re.findall(r"^Bestand: `([^`]+)`\n\n```markdown\n(.*?)\n```$", text, re.M | re.S)
    assert sorted(KIND_OF_FOLDER[rel.split("/")[0]].value for rel, _ in examples) == sorted(k.value for k in Kind)

    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "good", root)
    for number in (4, 5):  # the example thema brings its own number; keep the fixture's apart
        assert f"nummer: {number}" not in "".join(body for _, body in examples)
    existing = {p.stem for p in root.glob("*/*.md")}
    written = {Path(rel).stem for rel, _ in examples}
    for rel, body in examples:
        (root / rel).write_text(body + "\n", "utf-8")
        data = _frontmatter(root / rel)
        for key, kind in (
            ("themas", Kind.THEMA),
            ("bestanddelen", Kind.BESTANDDEEL),
            ("interventies", Kind.INTERVENTIE),
        ):
            for ref in data.get(key) or []:
                if ref not in existing | written:
                    _stub(root, kind, ref)
                    existing.add(ref)
        for target in re.findall(r"\[\[([^\]|]+)", body):
            assert target in existing | written, f"{rel}: link [[{target}]] staat niet in de frontmatter"

    result = CliRunner().invoke(
        main, ["check", "--root", str(root), "--format", "json", *(str(root / rel) for rel, _ in examples)]
    )
    found = [d for d in json.loads(result.stdout) if d["code"] != "graph.underused"]  # usage depends on the corpus
    assert found == []


def _stub(root: Path, kind: Kind, item_id: str) -> None:
    fields = {
        Kind.THEMA: "nummer: 6\n",
        Kind.BESTANDDEEL: "stappen: [3]\nwaarom: Stub.\nvalkuilen: [Stub]\n",
        Kind.INTERVENTIE: "stappen: [3]\nthemas: [burgerschap]\nbestanddelen: [focus]\nplaats: Ergens\ndoel: Stub.\n",
    }[kind]
    (root / kind.folder / f"{item_id}.md").write_text(
        f"---\ntitel: Stub {item_id}\nsamenvatting: Stub.\nbewijs: praktijk\n"
        f"bronnen:\n  - bron: visitatie-2011\n    sectie: Stub\n{fields}---\n\nStub.\n",
        "utf-8",
    )
