"""Property-based tests: whatever text an editor writes, the loader, the validator and the HTML
cleaner return data (an Item or None, a list of Diagnostics, clean HTML), never an exception.

Hypothesis generates YAML-ish text, valid-shaped frontmatter dicts dumped with PyYAML, Markdown
bodies full of `[[`, `|`, backticks and HTML, and HTML fragments with event handlers and
`javascript:` links. Each test runs a fixed number of examples (200, 100 for the slower ones)
and prints how many ran, so the suite stays fast (about 10 s) and the count is visible with
`pytest -s` (and in the JUnit XML as the `examples` property).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown import Markdown

from wijkengids import sanitize
from wijkengids.diagnostics import Diagnostic, Severity
from wijkengids.links import LinkTarget, WikiLinkExtension, find_links, find_malformed
from wijkengids.loader import COMMON_KEYS, EXTRA_KEYS, load, parse_item, split_frontmatter
from wijkengids.model import Corpus, Kind
from wijkengids.validate import validate

from .conftest import FIXTURES

EXAMPLES = 200
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the first example pays for imports and compiled regexes
    database=None,  # no .hypothesis folder in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
)

# Characters that mean something to YAML, Markdown or HTML, plus some that only break things.
_YAML_CHARS = "-:[]{}#&*!|>'\"%@`,? \t\n\\=~<"
_TEXT = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + _YAML_CHARS + "éë€\u00a0\x00\x07\ufeff")
)
_KEYS = sorted(set(COMMON_KEYS) | {k for keys in EXTRA_KEYS.values() for k in keys} | {"titel", "onbekend", "<<", "1"})
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
_BODY_PIECES = st.sampled_from(
    [
        "[[", "]]", "|", "[[focus]]", "[[focus|tekst]]", "[[kies-wat-doorgaat]]", "[[onbekend]]", "`", "```\n", "~~~\n",
        "    ", "\n", "\n\n", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href='javascript:x'>",
        "[x](javascript:alert(1))", "{: onclick=x }", "<!--", "-->", "<div markdown>", "</div>", "&lt;", "&#x6a;",
        "\x02wzxhzdk:0\x03", "# Kop", "- lijst", "| a | b |", "tekst", " ", "é",
    ]
)  # fmt: skip
_BODIES = st.lists(st.one_of(_BODY_PIECES, _TEXT), max_size=30).map("".join)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    loaded, problems = load(FIXTURES / "good")
    assert problems == []
    return loaded


def _run(test: Callable[..., None]) -> tuple[Callable[..., None], Callable[[], int]]:
    """The test wrapped to count its calls, and a function that returns the count."""
    count = 0

    def counted(*args: object, **kwargs: object) -> None:
        nonlocal count
        count += 1
        test(*args, **kwargs)

    return counted, lambda: count


def _assert_diagnostics(diagnostics: object, rel: str | None = None) -> None:
    assert isinstance(diagnostics, list)
    for d in diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.line >= 1 and "." in d.code and d.message
        if rel is not None:
            assert d.path == rel


def _report(name: str, ran: int, record_property: Callable[[str, object], None]) -> None:
    record_property("examples", ran)
    print(f"{name}: {ran} Hypothesis examples")
    assert ran >= EXAMPLES // 2


def test_yamlish_text_never_raises(record_property):
    def check(header: str, body: str) -> None:
        text = f"---\n{header}\n---\n{body}"
        fm, problems = split_frontmatter(text, "lessons/x.md")
        _assert_diagnostics(problems, "lessons/x.md")
        assert fm is not None or problems  # refused frontmatter always says why
        _, problems = parse_item(text, "lessons/x.md", Kind.LES, "hash")
        _assert_diagnostics(problems, "lessons/x.md")

    counted, ran = _run(check)
    SETTINGS(given(header=_TEXT, body=_BODIES)(counted))()
    _report("yaml-ish frontmatter", ran(), record_property)


def test_any_text_never_raises(record_property):
    def check(text: str) -> None:
        for kind in Kind:
            _, problems = parse_item(text, f"{kind.folder}/x.md", kind, "hash")
            _assert_diagnostics(problems)

    counted, ran = _run(check)
    SETTINGS(given(text=st.one_of(_TEXT, _BODIES, st.text()))(counted))()
    _report("any text", ran(), record_property)


def test_valid_shaped_frontmatter_validates_to_diagnostics(corpus: Corpus, record_property):
    def check(data: dict[str, object], kind: Kind, body: str) -> None:
        header = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        text = f"---\n{header}---\n{body}"
        rel = f"{kind.folder}/gegenereerd.md"
        item, problems = parse_item(text, rel, kind, "hash")
        _assert_diagnostics(problems, rel)
        if item is None:
            assert problems
            return
        found = validate(Corpus.of([*corpus.items, item], corpus.vocabulary))
        diagnostics = [d for d in found if d.severity is not Severity.INFO]  # the fixture has short texts
        _assert_diagnostics(diagnostics)
        # Whatever the item holds, the rest of the corpus keeps validating cleanly.
        # (A themanummer taken twice is reported on the later file, which may be a fixture thema.)
        assert {d.path for d in diagnostics if d.code != "enum.nummer"} <= {rel}

    counted, ran = _run(check)
    frontmatter = st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=10)
    settings(SETTINGS, max_examples=EXAMPLES // 2 * 2)(
        given(data=frontmatter, kind=st.sampled_from(list(Kind)), body=_BODIES)(counted)
    )()
    _report("dumped frontmatter + validate", ran(), record_property)


def test_links_in_any_body_are_found_with_their_lines(record_property):
    def check(body: str, first_line: int) -> None:
        lines = body.count("\n") + first_line
        for link in find_links(body, first_line):
            assert first_line <= link.line <= lines and link.target == link.target.strip() and link.target
        for bad in find_malformed(body, first_line):
            assert first_line <= bad.line <= lines and bad.snippet
        _assert_diagnostics(sanitize.body_problems("lessons/x.md", body, first_line), "lessons/x.md")

    counted, ran = _run(check)
    SETTINGS(given(body=_BODIES, first_line=st.integers(1, 500))(counted))()
    _report("[[links]] and body scan", ran(), record_property)


_TAGS = st.sampled_from(
    ["script", "img", "a", "svg", "iframe", "div", "p", "style", "math", "details", "x-y", "SCRIPT"]
)
_ATTRS = st.sampled_from(
    [
        "onerror",
        "onload",
        "onclick",
        "href",
        "src",
        "style",
        "class",
        "srcdoc",
        "formaction",
        "xlink:href",
        "ONMOUSEOVER",
    ]
)
_URLS = st.sampled_from(
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " java\tscript:x", "jav&#x61;script:x", "data:text/html,x",
     "vbscript:x", "https://example.org", "../les/", "#a", "mailto:a@b.nl"]
)  # fmt: skip
_FRAGMENTS = st.lists(
    st.one_of(
        st.builds(lambda t, a, u, c: f"<{t} {a}={u!r}>{c}</{t}>", _TAGS, _ATTRS, _URLS, st.text(max_size=10)),
        st.builds(lambda t, a: f'<{t} {a}="alert(1)">', _TAGS, _ATTRS),
        _BODY_PIECES,
        st.text(max_size=10),
    ),
    max_size=12,
).map("".join)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)


class _Elements(HTMLParser):
    """Every element and attribute the browser would build from the HTML (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def _assert_inert(html: str) -> None:
    """No element or attribute in the HTML can run script."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag not in {"script", "iframe", "svg", "math", "object", "embed", "style", "base"}, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value:
                scheme = _SCHEME.match(re.sub(r"[\t\n\r]", "", value))
                assert scheme is None or scheme.group(1).lower() in {"http", "https", "mailto", "tel"}, html


def test_cleaned_html_never_holds_script(record_property):
    def check(fragment: str) -> None:
        cleaned = sanitize.clean_html(fragment)
        _assert_inert(cleaned)
        assert sanitize.clean_html(cleaned) == cleaned  # cleaning is stable

    counted, ran = _run(check)
    SETTINGS(given(fragment=_FRAGMENTS)(counted))()
    _report("clean_html", ran(), record_property)


def test_rendered_item_bodies_never_hold_script(corpus: Corpus, record_property):
    """The body as MkDocs renders it (Markdown with the site's extensions, [[links]], the cleaner)."""

    def resolve(item_id: str) -> LinkTarget | None:
        item = corpus.index.get(item_id)
        return LinkTarget(item.src_uri, item.titel) if item else None

    def check(body: str) -> None:
        extension = WikiLinkExtension(resolve, untrusted=lambda uri: True)
        extension.page_src_uri = "lessen/gegenereerd.md"
        md = Markdown(extensions=["attr_list", "md_in_html", "admonition", "tables", "toc", extension])
        html = md.convert(body)
        _assert_inert(html)

    counted, ran = _run(check)
    settings(SETTINGS, max_examples=EXAMPLES // 2)(given(body=st.one_of(_BODIES, _FRAGMENTS))(counted))()
    _report("rendered bodies", ran(), record_property)


def test_dumped_frontmatter_keeps_its_key_lines(record_property):
    """For frontmatter PyYAML itself wrote, every top-level key is found on its own line."""

    def check(data: dict[str, str]) -> None:
        header = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
        text = f"\n---\n{header}---\n\nTekst.\n"
        fm, problems = split_frontmatter(text, "lessons/x.md")
        assert problems == [] and fm is not None
        lines = text.split("\n")
        for key, line in fm.keys.items():
            assert lines[line - 1].lstrip("'\"").startswith(key[:1] or "'"), (key, line, lines[line - 1])

    counted, ran = _run(check)
    keys = st.text(alphabet=string.ascii_lowercase + "_-", min_size=1, max_size=12)
    SETTINGS(given(data=st.dictionaries(keys, st.text(max_size=30), max_size=8))(counted))()
    _report("key lines", ran(), record_property)
