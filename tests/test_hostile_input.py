"""Hostile and broken input: whatever an editor's pull request holds, `wijkengids check` and the
MkDocs build name the file, the line, the problem (in Dutch) and never show a traceback.

Each case adds its own files to the good fixture. The check runs per case on its own tree (so the
diagnostics of a file are exactly the expected ones); the MkDocs build runs once over a tree with
every case in it (one build instead of forty) and each case looks for its warning lines.

`content.duplicate` (near-duplicate detection, a heuristic over the text) is left out of the
comparison: the cases share boilerplate text on purpose.

Running as root: root reads a file with mode 000, so the unreadable-file case is skipped there.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build

from wijkengids.cli import main
from wijkengids.loader import MAX_DEPTH, parse_item
from wijkengids.model import Kind

from .conftest import FIXTURES, FixtureSite

BODY = """## Wat we zagen

{words}: een wijk waar de {case} les over gaat. Bewoners, corporatie en gemeente kijken samen naar
wat er nodig is en kiezen een paar doelen. Dit is tekst voor de hostile-input-test en heeft verder
geen betekenis; ze is lang genoeg om geen melding over een korte tekst te geven. Elke les hier heeft
haar eigen woorden, zodat de zoekindex ze niet voor dubbele items houdt. Wie de wijk kent, weet dat
het gaat om geduld, om vertrouwen en om afspraken die worden nagekomen, jaar na jaar, ook als het
tegenzit en de aandacht verslapt. Daarom staat hier een lange alinea met gewone woorden.
"""
HEAD = """---
titel: {titel}
samenvatting: Eén zin over de les.
stappen: [3]
themas: [burgerschap]
bestanddelen: [focus]
bewijs: praktijk
bronnen:
  - bron: visitatie-2011
    sectie: "2.2"
---
"""
BODY_LINE = 13  # the first body line of a file made by `les()`
EXTRA_LINE = BODY_LINE + 9  # the line of `les(case, "\n<text>")`'s text


def les(case: str, body: str = "", titel: str = "Een les", **replace: str) -> str:
    """A valid les with the given body appended; `replace` swaps lines of the header."""
    words = " ".join(f"{case}{n}" for n in range(4))
    text = HEAD.format(titel=titel) + "\n" + BODY.format(words=words, case=case) + body
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def bomb(levels: int = 9) -> str:
    """A "billion laughs" alias bomb: 9**levels strings once expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "---\ntitel: Bom\n" + "\n".join(lines) + f"\nthemas: *a{levels - 1}\n---\n\nTekst.\n"


DIRECTORY, SYMLINK_LOOP, SYMLINK_OUT, UNREADABLE = object(), object(), object(), object()
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, object]  # path → text, bytes or one of the markers above
    expected: tuple[tuple[str, int, str, str], ...]  # (file, line, code, Dutch message substring)
    marks: tuple = ()
    # Files whose every diagnostic must be listed in `expected` (default: all files of the case).
    exact: tuple[str, ...] | None = None
    seconds: float = 5.0  # the check of the case's tree must finish within this
    extra: dict = field(default_factory=dict)


def L(name: str) -> str:  # noqa: N802 - reads as a path in the table
    return f"lessons/{name}.md"


CASES = [
    # --- YAML syntax
    Case(
        "yaml-unclosed-list",
        {L("h-yaml"): les("yaml", **{"stappen: [3]": "stappen: [3"})},
        (
            (
                L("h-yaml"),
                4,
                "frontmatter.yaml",
                "ongeldige YAML in de frontmatter: een lijst `[...]` die niet goed gesloten",
            ),
        ),
    ),
    Case(
        "yaml-colon-in-value",
        {L("h-colon"): les("colon", titel="Breng focus aan: kies: doelen")},
        ((L("h-colon"), 2, "frontmatter.yaml", "een dubbele punt op een plek waar geen nieuw veld kan beginnen"),),
    ),
    Case(
        "tab-indent",
        {L("h-tab"): les("tab", **{"  - bron: visitatie-2011": "\t- bron: visitatie-2011"})},
        ((L("h-tab"), 9, "frontmatter.yaml", "een tab op een plek waar YAML alleen spaties toestaat"),),
    ),
    Case(
        "bom",
        {L("h-bom"): "\ufeff" + les("bom", **{"[burgerschap]": "[burgershap]"})},
        ((L("h-bom"), 5, "ref.thema", "onbekend thema `burgershap`"),),
    ),
    Case(
        "crlf",
        {L("h-crlf"): les("crlf", **{"[burgerschap]": "[burgershap]"}).replace("\n", "\r\n")},
        ((L("h-crlf"), 5, "ref.thema", "onbekend thema `burgershap`"),),
    ),
    Case(
        "cr-only",
        {L("h-cr"): les("cr", **{"[burgerschap]": "[burgershap]"}).replace("\n", "\r")},
        ((L("h-cr"), 5, "ref.thema", "onbekend thema `burgershap`"),),
    ),
    Case(
        "non-utf8",
        {L("h-latin1"): les("latin", titel="Caf\u00e9").encode("latin-1")},
        ((L("h-latin1"), 2, "file.encoding", "bestand is geen geldige UTF-8 (byte 0xe9"),),
    ),
    Case(
        "binary",
        {L("h-binary"): b"\x00\x01\x02\xff\xfe" * 100},
        ((L("h-binary"), 1, "file.encoding", "bestand is geen geldige UTF-8"),),
    ),
    Case(
        "control-char",
        {L("h-ctrl"): les("ctrl", titel="Een\x07les")},
        ((L("h-ctrl"), 2, "frontmatter.yaml", "onzichtbaar stuurteken U+0007"),),
    ),
    Case(
        "unicode-line-separators",  # YAML breaks lines at U+0085 and U+2028; editors do not
        {L("h-nel"): les("nel", titel='"Een\u0085les\u2028met scheidingen"', **{"[burgerschap]": "[burgershap]"})},
        ((L("h-nel"), 5, "ref.thema", "onbekend thema `burgershap`"),),
    ),
    Case(
        "unquoted-line-separator",
        {L("h-nel-plain"): les("nelplain", titel="Een\u2028les")},
        ((L("h-nel-plain"), 2, "frontmatter.yaml", "bevat het onzichtbare regeleinde U+2028"),),
    ),
    Case("empty-file", {L("h-empty"): ""}, ((L("h-empty"), 1, "frontmatter.missing", "geen frontmatter gevonden"),)),
    Case(
        "frontmatter-only",
        {L("h-nobody"): HEAD.format(titel="Zonder tekst")},
        ((L("h-nobody"), 12, "body.empty", "de tekst onder de frontmatter is leeg"),),
    ),
    Case(
        "unclosed-frontmatter",
        {L("h-unclosed"): HEAD.format(titel="Open").removesuffix("---\n")},
        ((L("h-unclosed"), 1, "frontmatter.unclosed", "frontmatter wordt niet afgesloten"),),
    ),
    Case(
        "not-a-mapping",
        {L("h-list"): "---\n- titel\n- stappen\n---\n\nTekst.\n"},
        ((L("h-list"), 2, "frontmatter.not_mapping", "de frontmatter is geen lijst van velden"),),
    ),
    Case(
        "five-megabytes",
        {L("h-huge"): les("huge") + ("Een zin die steeds terugkomt. " * 40 + "\n") * 4300},
        ((L("h-huge"), 1, "file.too_large", "bestand is te groot (5.2 MB; de grens is 1 MB)"),),
        seconds=2.0,
    ),
    # --- wrong types
    Case(
        "string-for-list",
        {L("h-str-list"): les("strlist", **{"themas: [burgerschap]": "themas: burgerschap"})},
        ((L("h-str-list"), 5, "field.type", "veld `themas` moet een lijst zijn, maar is `burgerschap`"),),
    ),
    Case(
        "dict-for-list",
        {L("h-dict"): les("dict", **{"themas: [burgerschap]": "themas: {burgerschap: ja}"})},
        ((L("h-dict"), 5, "field.type", "veld `themas` moet een lijst van woorden zijn"),),
    ),
    Case(
        "null-in-list",
        {L("h-null-el"): les("nullel", **{"themas: [burgerschap]": "themas: [burgerschap, ~]"})},
        (
            (
                L("h-null-el"),
                5,
                "field.type",
                "veld `themas` moet een lijst van woorden zijn, maar is ['burgerschap', None]",
            ),
        ),
    ),
    Case(
        "null-required",
        {L("h-null"): les("null", titel="~")},
        ((L("h-null"), 2, "field.empty", "veld `titel` is leeg"),),
    ),
    Case(
        "boolean-for-text",
        {L("h-bool"): les("bool", titel="yes")},
        ((L("h-bool"), 2, "field.type", "veld `titel` moet tekst zijn, maar is een ja/nee-waarde (`true`)"),),
    ),
    Case(
        "boolean-in-numbers",
        {L("h-bool-list"): les("boollist", **{"stappen: [3]": "stappen: [true]"})},
        ((L("h-bool-list"), 4, "field.type", "veld `stappen` moet een lijst van getallen zijn"),),
    ),
    Case(
        "text-for-number",
        {L("h-text-num"): les("textnum", **{"stappen: [3]": "stappen: [drie]"})},
        ((L("h-text-num"), 4, "field.type", "veld `stappen` moet een lijst van getallen zijn, maar is ['drie']"),),
    ),
    Case("number-and-date-for-text", {L("h-num-text"): les("numtext", titel="012", **{'"2.2"': "2.10"})}, ()),
    Case(
        "huge-number",
        {L("h-bignum"): les("bignum", **{"stappen: [3]": "stappen: [" + "9" * 5000 + "]"})},
        ((L("h-bignum"), 4, "frontmatter.yaml", "een getal is te groot"),),
    ),
    Case(
        "unknown-key",
        {L("h-unknown"): les("unknown", **{"bewijs: praktijk": "bewijs: praktijk\nauteur: Jan"})},
        ((L("h-unknown"), 8, "frontmatter.unknown_key", "onbekend veld `auteur` voor een les"),),
    ),
    Case(
        "duplicate-key",
        {L("h-dupkey"): les("dupkey", **{"bewijs: praktijk": "bewijs: praktijk\ntitel: Nog een"})},
        (
            (
                L("h-dupkey"),
                8,
                "frontmatter.duplicate_key",
                "veld `titel` staat twee keer in de frontmatter (eerst op regel 2)",
            ),
        ),
    ),
    # --- YAML features a content file must not use
    Case(
        "anchor-and-alias",
        {L("h-alias"): les("alias", **{"themas: [burgerschap]": "themas: &t [burgerschap]\nsignalen: *t"})},
        ((L("h-alias"), 6, "frontmatter.alias", "veld `signalen` gebruikt een YAML-alias"),),
    ),
    Case(
        "billion-laughs",
        {L("h-bomb"): bomb()},
        ((L("h-bomb"), 4, "frontmatter.alias", "veld `a1` gebruikt een YAML-alias"),),
        exact=(),
        seconds=2.0,
    ),
    Case(
        "merge-key",
        {L("h-merge"): les("merge", **{"bewijs: praktijk": "bewijs: praktijk\n<<: {waarom: x}"})},
        ((L("h-merge"), 8, "frontmatter.alias", "YAML-samenvoegen met `<<` is niet toegestaan"),),
    ),
    Case(
        "python-object-tag",
        {L("h-python"): les("python", titel="!!python/object/apply:os.system [echo hacked]")},
        ((L("h-python"), 2, "frontmatter.tag", "YAML-tag `!!python/object/apply:os.system` is niet toegestaan"),),
    ),
    Case(
        "custom-tag",
        {L("h-tag"): les("tag", titel="!vet Een titel")},
        ((L("h-tag"), 2, "frontmatter.tag", "YAML-tag `!vet` is niet toegestaan"),),
    ),
    Case(
        "deep-nesting",
        {L("h-deep"): les("deep", titel="[" * 100_000 + "]" * 100_000)},
        ((L("h-deep"), 2, "frontmatter.depth", f"de frontmatter is te diep genest (meer dan {MAX_DEPTH} niveaus)"),),
    ),
    # --- ids and references
    Case(
        "duplicate-id-in-case",
        {L("Focus"): les("focusdup")},
        (
            (L("Focus"), 1, "id.duplicate", "id `Focus` bestaat al: bestanddelen/focus.md"),
            (L("Focus"), 1, "id.slug", "bestandsnaam `Focus.md` is geen geldige id"),
        ),
    ),
    Case(
        "id-with-spaces",
        {L("mijn les"): les("spaces")},
        ((L("mijn les"), 1, "id.slug", "bestandsnaam `mijn les.md` is geen geldige id"),),
    ),
    Case(
        "id-with-dots",
        {L("a..b"): les("dots")},
        ((L("a..b"), 1, "id.slug", "bestandsnaam `a..b.md` is geen geldige id"),),
    ),
    Case(
        "path-in-reference",
        {
            L("h-path"): les(
                "path",
                "\nZie [[../lessons/kies-wat-doorgaat]].\n",
                **{"bestanddelen: [focus]": "bestanddelen: [../focus]"},
            )
        },
        (
            (L("h-path"), 6, "ref.bestanddeel", "onbekend bestanddeel `../focus`"),
            (
                L("h-path"),
                EXTRA_LINE,
                "ref.link",
                "link `[[../lessons/kies-wat-doorgaat]]` verwijst naar een onbekend item",
            ),
        ),
    ),
    Case(
        "reference-cycle",
        {
            L("h-cycle-a"): les("cyclea", "\nZie [[h-cycle-b]].\n"),
            L("h-cycle-b"): les("cycleb", "\nZie [[h-cycle-a]].\n"),
        },
        (),
    ),
    Case(
        "self-reference",
        {
            "bestanddelen/h-self.md": les(
                "self",
                "\nZie [[h-self]].\n",
                **{
                    "bestanddelen: [focus]": "bestanddelen: [h-self]",
                    "bewijs: praktijk": "bewijs: praktijk\nwaarom: x\nvalkuilen: [y]",
                },
            )
        },
        (
            ("bestanddelen/h-self.md", 6, "ref.self", "`h-self` verwijst naar zichzelf"),
            ("bestanddelen/h-self.md", 1, "graph.underused", "bestanddeel `h-self` wordt door 0 item(s) gebruikt"),
        ),
    ),
    Case(
        "link-to-missing-id",
        {L("h-missing"): les("missing", "\nZie [[bestaat-niet]].\n")},
        ((L("h-missing"), EXTRA_LINE, "ref.link", "link `[[bestaat-niet]]` verwijst naar een onbekend item"),),
    ),
    Case(
        "unknown-bron",
        {L("h-bron"): les("bron", **{"bron: visitatie-2011": "bron: visitatie-2099"})},
        ((L("h-bron"), 9, "ref.bron", "onbekende bron `visitatie-2099`"),),
    ),
    Case(
        "empty-sectie",
        {L("h-sectie"): les("sectie", **{'sectie: "2.2"': 'sectie: ""'})},
        ((L("h-sectie"), 9, "bron.sectie", "bron `visitatie-2011` noemt geen sectie"),),
    ),
    Case(
        "bron-without-id",
        {L("h-bron-id"): les("bronid", **{"  - bron: visitatie-2011\n    sectie": "  - sectie"})},
        ((L("h-bron-id"), 9, "bron.missing", "een bron zonder `bron:`-id"),),
    ),
    Case(
        "bron-is-a-list",
        {L("h-bron-list"): les("bronlist", **{"bron: visitatie-2011": "bron: [a, b]"})},
        ((L("h-bron-list"), 8, "field.type", "veld `bronnen` moet een lijst van `- bron: …` met `sectie: …` zijn"),),
    ),
    # --- [[links]]
    Case(
        "unclosed-link",
        {L("h-open-link"): les("openlink", "\nZie [[focus en verder.\n")},
        ((L("h-open-link"), EXTRA_LINE, "ref.link_syntax", "`[[focus en verder.` opent een link die niet klopt"),),
    ),
    Case(
        "link-with-empty-text",
        {L("h-empty-text"): les("emptytext", "\nZie [[focus|]].\n")},
        ((L("h-empty-text"), EXTRA_LINE, "ref.link_syntax", "`[[focus|]]` heeft een lege tekst na `|`"),),
    ),
    Case(
        "nested-link",
        {L("h-nested"): les("nested", "\nZie [[[[focus]]]].\n")},
        ((L("h-nested"), EXTRA_LINE, "ref.link_syntax", "`[[[[focus]]]].` opent een link die niet klopt"),),
    ),
    Case(
        "link-without-id",
        {L("h-no-id"): les("noid", "\nZie [[ |de focus]].\n")},
        ((L("h-no-id"), EXTRA_LINE, "ref.link_syntax", "`[[ |de focus]]` heeft geen id"),),
    ),
    # --- HTML
    Case(
        "html-in-title",
        {L("h-html-title"): les("htmltitle", titel="'<script>alert(1)</script> \"><img src=x onerror=alert(2)>'")},
        (),
    ),
    Case(
        "script-in-body",
        {L("h-script"): les("script", '\n<script>alert(1)</script>\n\nTekst <img src=x onerror="alert(2)">.\n')},
        (
            (L("h-script"), EXTRA_LINE, "body.html", "HTML-element `<script>` wordt met inhoud verwijderd"),
            (
                L("h-script"),
                EXTRA_LINE + 2,
                "body.html",
                "attribuut `onerror` (JavaScript) op `<img>` wordt verwijderd",
            ),
        ),
    ),
    Case(
        "javascript-link",
        {L("h-js-link"): les("jslink", "\nZie [hier](javascript:alert(1)) en ![x](data:image/svg+xml,x).\n")},
        (
            (L("h-js-link"), EXTRA_LINE, "body.link_scheme", "link met `data:`-adres"),
            (L("h-js-link"), EXTRA_LINE, "body.link_scheme", "link met `javascript:`-adres"),
        ),
    ),
    Case(
        "markdown-placeholder-bytes",
        {L("h-stash"): les("stash", "\nTekst \x02wzxhzdk:0\x03 en \x02klzzwxh:1\x03.\n")},
        (),
    ),
    # --- file system
    Case(
        "directory-named-md",
        {L("h-map"): DIRECTORY},
        ((L("h-map"), 1, "file.not_a_file", "`h-map.md` is een map, geen bestand"),),
    ),
    Case(
        "symlink-loop",
        {L("h-loop"): SYMLINK_LOOP},
        ((L("h-loop"), 1, "file.symlink", "`h-loop.md` is een symbolische link; die volgt de wijkengids niet"),),
    ),
    Case(
        "symlink-out-of-tree",
        {L("h-passwd"): SYMLINK_OUT},
        ((L("h-passwd"), 1, "file.symlink", "`h-passwd.md` is een symbolische link"),),
    ),
    Case(
        "unreadable",
        {L("h-secret"): UNREADABLE},
        ((L("h-secret"), 1, "file.unreadable", "`h-secret.md` mag niet gelezen worden (geen leesrechten)"),),
        marks=(pytest.mark.skipif(IS_ROOT, reason="root reads a file with mode 000"),),
    ),
]


def write_case(root: Path, case: Case) -> None:
    for rel, content in case.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is DIRECTORY:
            path.mkdir()
            (path / "inhoud.md").write_text("---\ntitel: x\n---\n", encoding="utf-8")
        elif content is SYMLINK_LOOP:
            path.symlink_to(path.name)
        elif content is SYMLINK_OUT:
            path.symlink_to("/etc/passwd")
        elif content is UNREADABLE:
            path.write_text(les("secret"), encoding="utf-8")
            path.chmod(0)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(str(content).encode("utf-8", "surrogatepass"))


def _tree(tmp: Path, *cases: Case) -> Path:
    root = tmp / "project"
    shutil.copytree(FIXTURES / "good", root)
    for case in cases:
        write_case(root, case)
    return root


def _check(root: Path) -> tuple[list[dict], str]:
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return json.loads(result.stdout), result.output


def _key(d: dict) -> tuple[str, int, str]:
    return d["file"], d["line"], d["code"]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_check_names_file_line_and_problem(case: Case, tmp_path: Path):
    root = _tree(tmp_path, case)
    start = time.perf_counter()
    found, _ = _check(root)
    assert time.perf_counter() - start < case.seconds
    found = [d for d in found if d["code"] != "content.duplicate"]
    for path, line, code, message in case.expected:
        matching = [d for d in found if _key(d) == (path, line, code)]
        assert matching, f"{path}:{line} [{code}] ontbreekt; gevonden: {[_key(d) for d in found]}"
        assert any(message in d["message"] for d in matching), [d["message"] for d in matching]
    exact = set(case.files) if case.exact is None else set(case.exact)
    expected = sorted((p, n, c) for p, n, c, _ in case.expected if p in exact)
    assert sorted(_key(d) for d in found if d["file"] in exact) == expected
    # Nothing else in the tree broke because of this file.
    assert [d for d in found if d["file"] not in case.files] == []


# ---------------------------------------------------------------------------------------------
# One MkDocs build over every case at once


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FixtureSite, str]]:
    tmp = tmp_path_factory.mktemp("hostile")
    root = _tree(tmp, *CASES)
    site = FixtureSite(root)
    handler = _Capture()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        start = time.perf_counter()
        site.build(strict=False)
        handler.seconds = time.perf_counter() - start
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    yield site, "\n".join(handler.lines)
    for path in root.rglob("*"):  # let pytest clean up the unreadable file
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.seconds = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
        if record.exc_info:
            self.lines.append("Traceback")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES if c.expected])
def test_build_logs_the_same_diagnostic(case: Case, hostile_build: tuple[FixtureSite, str]):
    _, log = hostile_build
    for path, line, code, message in case.expected:
        lines = [entry for entry in log.splitlines() if f"{path}:{line}: " in entry and entry.endswith(f"[{code}]")]
        assert lines, f"geen melding {path}:{line} [{code}] in de build"
        assert any(message in entry for entry in lines), lines


def test_the_hostile_build_finishes_without_traceback(hostile_build: tuple[FixtureSite, str]):
    site, log = hostile_build
    assert "Traceback" not in log
    assert (site.site_dir / "index.html").exists()
    assert "Zie [[h-cycle-b]]" not in site.html("lessen/h-cycle-a/")
    assert 'href="../h-cycle-b/"' in site.html("lessen/h-cycle-a/")
    assert 'href="../h-cycle-a/"' in site.html("lessen/h-cycle-b/")


def test_text_fields_keep_what_the_editor_typed(hostile_build: tuple[FixtureSite, str]):
    site, _ = hostile_build
    html = site.html("lessen/h-num-text/")
    assert "<title>012 - Fixture</title>" in html
    assert "2.10" in html  # the sectie, not the float 2.1


def test_html_in_a_title_stays_text_everywhere(hostile_build: tuple[FixtureSite, str]):
    site, _ = hostile_build
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    page = site.html("lessen/h-html-title/")
    assert f'<title>{escaped} "&gt;&lt;img src=x onerror=alert(2)&gt; - Fixture</title>' in page
    assert f"<h1>{escaped}" in page
    assert "<script>alert(1)" not in page and "<img src=x onerror" not in page
    for listing in ("lessen/", "bronnen/", "leeswijzer/stap-3/", "bestanddelen/focus/", "themas/burgerschap/"):
        html = site.html(listing)
        assert escaped in html, listing
        assert "<script>alert" not in html and "<img src=x onerror" not in html, listing


def _text_of(page: str) -> str:
    """The item's own text on its page: between the title and the panel."""
    return page.split("</h1>", 1)[1].split('<aside class="wg-panel"', 1)[0]


def test_script_in_a_body_is_removed_from_the_page(hostile_build: tuple[FixtureSite, str]):
    site, _ = hostile_build
    body = _text_of(site.html("lessen/h-script/"))
    assert "alert(1)" not in body and "onerror" not in body
    assert '<img src="x">' in body  # the image stays, its handler goes
    links = _text_of(site.html("lessen/h-js-link/"))
    assert "javascript:" not in links and "data:image/svg" not in links
    assert ">hier</a>" in links


def test_placeholder_bytes_do_not_pull_in_other_html(hostile_build: tuple[FixtureSite, str]):
    site, _ = hostile_build
    assert "<script" not in _text_of(site.html("lessen/h-stash/"))


def test_the_whole_hostile_build_stays_fast(hostile_build: tuple[FixtureSite, str]):
    # Five megabytes, an alias bomb and 100,000 brackets are refused before they cost anything.
    site, _ = hostile_build
    assert not (site.site_dir / "lessen/h-huge/index.html").exists()
    assert not (site.site_dir / "lessen/h-bomb/index.html").exists()


def test_a_large_file_under_the_limit_builds_quickly(tmp_path: Path):
    root = _tree(tmp_path)
    body = ("Een alinea met gewone woorden over de wijk en de mensen die er wonen. " * 12 + "\n\n") * 1050
    (root / L("h-large")).write_text(les("large", body), encoding="utf-8")
    assert 800_000 < (root / L("h-large")).stat().st_size < 1_000_000
    start = time.perf_counter()
    found, _ = _check(root)
    assert time.perf_counter() - start < 5
    assert [d for d in found if d["file"] == L("h-large") and d["code"] != "content.duplicate"] == []


def test_parse_item_reads_numbers_and_dates_in_text_fields_as_typed():
    text = les(
        "typed", titel="2020-01-01", **{"samenvatting: Eén zin over de les.": "samenvatting: 1.10", '"2.2"': "3.10"}
    )
    item, problems = parse_item(text, L("typed"), Kind.LES, "hash")
    assert problems == []
    assert item is not None
    assert (item.titel, item.samenvatting, item.bronnen[0].sectie) == ("2020-01-01", "1.10", "3.10")
    assert item.stappen == (3,)


def test_the_table_has_at_least_thirty_cases():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


# ---------------------------------------------------------------------------------------------
# The `mkdocs serve` preview


def _serve(site: FixtureSite, config=None):
    """One rebuild as `mkdocs serve` does it: the plugin object survives, the config is reloaded."""
    config = config or site.config()
    build(config)
    return config


def test_a_serve_rebuild_recovers_once_hostile_files_are_fixed(site: FixtureSite):
    clean = site.config()
    clean.plugins.on_startup(command="serve", dirty=False)
    try:
        _serve(site, clean)
        expected = site.snapshot()
    finally:
        clean.plugins.on_shutdown()
    first = site.config()
    first.plugins.on_startup(command="serve", dirty=False)
    try:
        for case in ("billion-laughs", "deep-nesting", "python-object-tag", "symlink-loop", "script-in-body"):
            write_case(site.root, next(c for c in CASES if c.id == case))
        _serve(site, first)
        page = site.html("")
        assert "lessons/h-deep.md:2</code> de frontmatter is te diep genest" in page
        assert "lessons/h-loop.md:1</code> <code>h-loop.md</code> is een symbolische link" in page
        assert "Content-Security-Policy" not in page  # the preview's live reload is an inline script
        for path in ("h-bomb", "h-deep", "h-python", "h-loop", "h-script"):
            (site.root / L(path)).unlink()
        second = site.config()
        assert second.plugins["wijkengids"] is first.plugins["wijkengids"]
        _serve(site, second)
        assert site.snapshot() == expected
    finally:
        first.plugins.on_shutdown()
    site.build()
    assert "Content-Security-Policy" in site.html("")


# ---------------------------------------------------------------------------------------------
# Data files (data/*.yml come in pull requests too)

DATA_BOMB = (
    "- id: bom\n  titel: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"  t{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]\n" for n in range(1, 9))
    + "  uitgever: u\n  jaar: 2000\n  soort: s\n- id: bom2\n  titel: *a8\n  uitgever: u\n  jaar: 2000\n  soort: s\n"
)
DATA_CASES = [
    ("alias-bomb", DATA_BOMB, (2, 10), "ongeldige YAML: een YAML-alias (`*naam`) herhaalt een andere waarde"),
    ("deep-nesting", "- id: x\n  titel: " + "[" * 100_000 + "]" * 100_000 + "\n", (2,), "te diep genest"),
    ("python-tag", "- id: x\n  titel: !!python/object/apply:os.system [ls]\n", (2,), "YAML-tag `!!python/object/apply"),
    ("control-char", "- id: x\n  titel: a\x07b\n", (1,), "ongeldige YAML"),
    ("huge-number", "- id: x\n  titel: t\n  uitgever: u\n  jaar: " + "9" * 5000 + "\n  soort: s\n", (1,), "te groot"),
]


@pytest.mark.parametrize(("text", "lines", "message"), [pytest.param(*c[1:], id=c[0]) for c in DATA_CASES])
def test_a_hostile_data_file_is_refused_with_its_line(tmp_path: Path, text: str, lines: tuple[int, ...], message: str):
    root = _tree(tmp_path)
    (root / "data/bronnen.yml").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    found, _ = _check(root)
    assert time.perf_counter() - start < 2.0
    data = [(d["line"], d["code"]) for d in found if d["file"] == "data/bronnen.yml"]
    assert data == [(line, "data.yaml") for line in lines]
    assert any(message in d["message"] for d in found if d["file"] == "data/bronnen.yml")


def test_a_data_file_alias_bomb_does_not_hang_the_build(site: FixtureSite, mkdocs_log):
    original = site.read("data/bronnen.yml")
    site.write("data/bronnen.yml", original + DATA_BOMB)
    start = time.perf_counter()
    site.build(strict=False)
    assert time.perf_counter() - start < 10
    bomb_line = original.count("\n") + 2
    assert f"data/bronnen.yml:{bomb_line}: ongeldige YAML: een YAML-alias" in mkdocs_log.text
    assert "onbekende bron" not in mkdocs_log.text  # only the bad entries are left out
    assert "Traceback" not in mkdocs_log.text
