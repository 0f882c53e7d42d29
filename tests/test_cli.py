"""`wijkengids check`: one diagnostic per problem with file:line, text and JSON, exit codes."""

from __future__ import annotations

import dataclasses
import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wijkengids import loader, pipeline, search, validate
from wijkengids.cli import main, settings_for

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


# ---------------------------------------------------------------------------------------------
# The check's cache: what each file alone yields, under its content hash


def _check_json(root: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--format", "json", "--info"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return json.loads(result.stdout)


def _cold_check_json(root: Path) -> list[dict[str, object]]:
    pipeline.memo_file(root).unlink(missing_ok=True)
    found = _check_json(root)
    pipeline.memo_file(root).unlink()
    return found


def test_a_second_check_parses_nothing_and_reports_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = _bad_tree(tmp_path)
    first = _check_json(root)
    assert pipeline.memo_file(root).is_file()
    # Never in the project: a pickle runs code when read, and the tree holds what PRs bring.
    assert not pipeline.memo_file(root).is_relative_to(root)
    parsed, checked = [], []
    real_parse, real_html = loader.parse_item, validate.body_html
    monkeypatch.setattr(loader, "parse_item", lambda *a: parsed.append(a[1]) or real_parse(*a))
    monkeypatch.setattr(validate, "LOCAL_RULES", (lambda item, c: checked.append(item.path) or real_html(item, c),))
    assert _check_json(root) == first
    assert parsed == [] and checked == []  # everything came from the cache
    (root / "lessons/onbekend-thema.md").write_text(
        (root / "lessons/onbekend-thema.md").read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8"
    )
    _check_json(root)
    assert parsed == ["lessons/onbekend-thema.md"] and checked == ["lessons/onbekend-thema.md"]


def test_no_stale_finding_survives_an_edit_a_new_file_or_a_deletion(tmp_path: Path):
    root = _bad_tree(tmp_path)
    _check_json(root)
    fixed = root / "lessons/onbekend-thema.md"
    fixed.write_text(fixed.read_text(encoding="utf-8").replace("burgershap", "burgerschap"), encoding="utf-8")
    (root / "lessons/kapotte-yaml.md").unlink()
    broken = root / "lessons/kies-wat-doorgaat.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("[[focus]]", "[[fokus]]"), encoding="utf-8")
    shutil.copy(root / "lessons/onbekend-bewijs.md", root / "lessons/nieuw-bewijs.md")
    # A title read by a bare [[focus]] link elsewhere changes that item's text, not its file.
    focus = root / "bestanddelen/focus.md"
    focus.write_text(focus.read_text(encoding="utf-8").replace("titel: ", "titel: Scherp ", 1), encoding="utf-8")
    warm = _check_json(root)
    assert warm == _cold_check_json(root)
    found = {(d["file"], d["code"]) for d in warm}
    assert ("lessons/onbekend-thema.md", "ref.thema") not in found
    assert ("lessons/kapotte-yaml.md", "frontmatter.yaml") not in found
    assert ("lessons/kies-wat-doorgaat.md", "ref.link") in found
    assert ("lessons/nieuw-bewijs.md", "enum.bewijs") in found


def test_duplicate_pairs_come_from_the_memo_until_an_item_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "good"
    shutil.copytree(FIXTURES / "good", root)
    lessons = root / "lessons"
    copy = lessons / "stop-met-projecten.md"

    def near_copy_of(name: str) -> None:
        text = (lessons / name).read_text(encoding="utf-8")
        copy.write_text(text.replace("titel: ", "titel: Nogmaals ", 1), encoding="utf-8")

    def duplicates() -> list[tuple[object, ...]]:
        found = _check_json(root)
        assert found == _cold_check_json(root)  # the memo never changes what a check reports
        return sorted((d["file"], d["message"]) for d in found if d["code"] == "content.duplicate")

    near_copy_of("kies-wat-doorgaat.md")
    first = duplicates()
    assert [f for f, _ in first] == ["lessons/kies-wat-doorgaat.md", "lessons/stop-met-projecten.md"]
    _check_json(root)  # stores the memo again (the cold check above removed it)
    computed = []
    real = search.similar_pairs
    monkeypatch.setattr(search, "similar_pairs", lambda *a: computed.append(a) or real(*a))
    assert _check_json(root) == _check_json(root)
    assert computed == []  # unchanged content: the pairs come from the memo
    near_copy_of("zie-signalen-vroeg.md")
    moved = duplicates()
    assert [f for f, _ in moved] == ["lessons/stop-met-projecten.md", "lessons/zie-signalen-vroeg.md"]
    assert "kies-wat-doorgaat" not in str(moved)  # no stale pair
    assert computed  # the edit made the pairs again


def test_key_terms_stay_pickled_until_a_check_needs_them(tmp_path: Path):
    root = tmp_path / "good"
    shutil.copytree(FIXTURES / "good", root)
    _check_json(root)
    memo = pipeline.read_memo(pipeline.memo_file(root))
    stored = memo.stored_keys()
    assert memo.pickled_key_terms and memo.key_term_keys
    settings = dataclasses.replace(settings_for(root, render=False), graph=False, memo=memo)
    pipeline.run(settings)
    assert memo._key_terms is None  # the duplicate pairs were in the memo: nothing unpickled
    assert memo.stored_keys() == stored  # so the check writes no new memo
    lesson = root / "lessons/kies-wat-doorgaat.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    pipeline.run(settings)
    assert memo._key_terms is not None  # the pairs are made again, from the key terms
    assert memo.stored_keys() != stored
    pipeline.write_memo(memo, pipeline.memo_file(root))
    again = pipeline.read_memo(pipeline.memo_file(root))
    assert again.key_term_keys == frozenset(memo.key_terms) and again.key_terms == memo.key_terms


def test_a_check_does_not_import_what_only_a_build_or_search_needs():
    # MkDocs (bundel), Whoosh's index and Jinja2 (pages) are a third of a check's start-up.
    code = (
        "import sys; import wijkengids.cli; "
        "print(sorted(m for m in ('mkdocs', 'whoosh.index', 'whoosh.query', 'jinja2') if m in sys.modules))"
    )
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert imported.strip() == "[]"
    result = CliRunner().invoke(main, ["zoek", "--help"])  # a feature command still loads on use
    assert result.exit_code == 0 and "--thema" in result.output


def test_a_corrupt_or_foreign_cache_is_a_cold_start(tmp_path: Path):
    root = _bad_tree(tmp_path)
    expected = _check_json(root)
    memo_file = pipeline.memo_file(root)
    memo_file.write_bytes(b"geen pickle")
    assert _check_json(root) == expected
    assert pipeline.read_memo(memo_file).parsed  # rewritten, readable again
    memo_file.write_bytes(pickle.dumps("een andere versie van de code") + pickle.dumps(("x", "y", "z")))
    assert pipeline.read_memo(memo_file).parsed == {}
    assert _check_json(root) == expected


def test_key_terms_follow_the_title_a_bare_link_reads_as(tmp_path: Path):
    root = tmp_path / "good"
    shutil.copytree(FIXTURES / "good", root)
    memo = search.KeyTermMemo()
    corpus, _ = loader.load(root)
    search.corpus_key_terms(corpus, memo=memo)
    focus = root / "bestanddelen/focus.md"
    focus.write_text(focus.read_text(encoding="utf-8").replace("titel: ", "titel: Vuurtoren ", 1), encoding="utf-8")
    corpus, _ = loader.load(root)
    terms = search.corpus_key_terms(corpus, memo=memo)
    assert terms == search.corpus_key_terms(corpus)
    assert "vuurtor" in terms["lessons/kies-wat-doorgaat.md"]  # via its [[focus]]
