"""The loader keeps line numbers and turns every kind of unreadable input into a diagnostic."""

from __future__ import annotations

from pathlib import Path

import pytest

from wijkengids.loader import load_items, parse_item, read_text, split_frontmatter
from wijkengids.model import Kind

LESSON = """---
titel: Kies wat doorgaat
samenvatting: Eén zin.
stappen: [3, 5]
bestanddelen: [focus]
bewijs: praktijk
bronnen:
  - bron: visitatie-2011
    sectie: "2.2"
---

## Wat we zagen

Tekst met [[focus]] en `[[geen-link]]`.
"""


def test_key_lines_follow_the_file_even_after_leading_blank_lines():
    fm, problems = split_frontmatter("\n\n" + LESSON, "lessons/x.md")
    assert problems == []
    assert fm is not None
    assert fm.keys["titel"] == 4
    assert fm.keys["bronnen"] == 9
    assert fm.body_line == 14  # the first line after the blank line that follows `---`


def test_body_links_carry_their_file_line_and_skip_code_spans():
    item, problems = parse_item(LESSON, "lessons/kies.md", Kind.LES, "hash")
    assert problems == []
    assert item is not None
    assert [(link.target, link.line) for link in item.links] == [("focus", 14)]
    assert item.stappen == (3, 5)
    assert item.bronnen[0].bron == "visitatie-2011"


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        ("titel: geen kop\n", 1, "frontmatter.missing"),
        ("---\ntitel: x\n", 1, "frontmatter.unclosed"),
        ("---\n- a\n- b\n---\n", 2, "frontmatter.not_mapping"),
        ("---\ntitel: a\nsamenvatting: [open\nstappen: [1]\n---\n", 3, "frontmatter.yaml"),
        ("---\ntitel: a\n\ttabs: x\n---\n", 3, "frontmatter.yaml"),
        ("---\ntitel: a\ntitel: b\n---\n", 3, "frontmatter.duplicate_key"),
    ],
)
def test_bad_frontmatter_becomes_a_diagnostic_with_its_line(text: str, line: int, code: str):
    _, problems = split_frontmatter(text, "lessons/x.md")
    assert [(p.line, p.code) for p in problems] == [(line, code)]
    assert all(p.message and p.path == "lessons/x.md" for p in problems)


def test_bom_and_crlf_are_read_transparently(tmp_path: Path):
    path = tmp_path / "x.md"
    path.write_bytes(b"\xef\xbb\xbf" + LESSON.replace("\n", "\r\n").encode())
    text, problems = read_text(path, "x.md")
    assert problems == []
    assert text == LESSON


def test_invalid_utf8_names_the_line(tmp_path: Path):
    path = tmp_path / "x.md"
    path.write_bytes(b"---\ntitel: caf\xe9\n---\n")
    text, problems = read_text(path, "lessons/x.md")
    assert text is None
    assert [(p.line, p.code) for p in problems] == [(2, "file.encoding")]
    assert "UTF-8" in problems[0].hint


def test_wrong_types_are_reported_and_loading_goes_on():
    text = LESSON.replace("stappen: [3, 5]", "stappen: drie").replace("bestanddelen: [focus]", "bestanddelen: focus")
    item, problems = parse_item(text, "lessons/x.md", Kind.LES, "h")
    assert item is not None and item.stappen == () and item.bestanddelen == ()
    assert [(p.line, p.code) for p in problems] == [(4, "field.type"), (5, "field.type")]
    assert item.pos.invalid == {"stappen", "bestanddelen"}


def test_renamed_keys_keep_the_editors_value():
    item, _ = parse_item(LESSON.replace("titel:", "title:"), "lessons/x.md", Kind.LES, "h")
    assert item is not None and item.titel == "Kies wat doorgaat"


def test_collections_skip_private_files_and_read_every_kind(tmp_path: Path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "kies.md").write_text(LESSON, encoding="utf-8")
    (tmp_path / "lessons" / "_sjabloon.md").write_text("niet laden", encoding="utf-8")
    items, problems = load_items(tmp_path)
    assert [i.path for i in items] == ["lessons/kies.md"]
    assert problems == []


def test_a_parse_memo_reuses_unchanged_files_and_forgets_gone_ones(site):
    """`mkdocs serve` keeps parse results by content hash: an edit is parsed again, the rest not."""
    memo: dict = {}
    first, _ = load_items(site.root, memo=memo)
    assert len(memo) == len(first)
    edited = "lessons/kies-wat-doorgaat.md"
    site.write(edited, site.read(edited).replace("\n---\n", "\n---\nEen nieuwe eerste zin.\n", 1))
    site.remove("lessons/zie-signalen-vroeg.md")
    second, _ = load_items(site.root, memo=memo)
    before = {i.path: i for i in first}
    after = {i.path: i for i in second}
    assert "Een nieuwe eerste zin." in after[edited].body and after[edited] is not before[edited]
    unchanged = [p for p in after if p != edited]
    assert unchanged and all(after[p] is before[p] for p in unchanged)  # the very same objects
    assert len(memo) == len(second) and "lessons/zie-signalen-vroeg.md" not in {k[0] for k in memo}
    fresh, _ = load_items(site.root)
    assert fresh == second
