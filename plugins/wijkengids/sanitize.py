"""Contributed HTML: what an editor's file may put on a public page, and the page's
Content-Security-Policy.

Content arrives in pull requests from many hands and the site is public, so nothing an editor
writes may run script in a reader's browser. The policy, for editors and developers:

1. **Frontmatter is plain text.** `titel`, `samenvatting`, `sectie`, `plaats` and every other field
   are shown as typed: `<b>` in a titel shows as the characters `<b>`. The HTML partials escape
   them (`{% autoescape true %}`: MkDocs' template environment does not autoescape), the generated
   Markdown pages escape them with the `md` filter of `pages.py` (HTML entities plus Markdown's
   special characters), and the page title and description are handed to Material escaped,
   because Material prints `page.meta.title` as HTML.
2. **HTML in an item body is cleaned to an allow-list** (`ALLOWED_TAGS`, `ALLOWED_ATTRIBUTES`): the
   formatting Markdown itself produces, plus a few harmless elements (`<kbd>`, `<abbr>`,
   `<details>`, …). Anything else is removed by nh3 (the Rust sanitiser ammonia): `<script>`,
   `<style>`, `<iframe>`, `<svg>` and `<math>` with their content, other elements keeping their
   text; every `on…` event handler, `style` (except `text-align` on table cells) and unknown
   attribute. `wijkengids check` warns about each removal (`body.html`, file:line).
3. **Links and images go to `http:`, `https:`, `mailto:`, `tel:` or a relative address.** Any other
   scheme (`javascript:`, `data:`, `vbscript:`, `file:`) is an error (`body.link_scheme`) and the
   address is removed from the page.
4. **Every page carries a Content-Security-Policy** (`<meta http-equiv>`, see `content_security_policy`),
   so that a script that slips through anyway does not run: scripts only from the site's own files
   plus the exact inline scripts of Material's templates, by hash.

Hand-written pages in `docs/` and the plugin's own templates are reviewed as code and are not
cleaned; the CSP covers them too. The warnings come from reading the Markdown source
(`body_problems`), the cleaning from the rendered HTML (`clean_html`), so the guarantee does not
depend on the warnings: Markdown that the source scan misreads is still cleaned.

Why a Markdown postprocessor: cleaning runs on the HTML of one item's body, after Python-Markdown has
put its raw-HTML blocks back and before MkDocs wraps the page in the theme. It sees what the
editor's Markdown produced — raw HTML, `attr_list` attributes and `[x](javascript:…)` links alike —
and nothing of the theme, so the theme's own scripts and the panels are never touched. Raw HTML
chunks cannot be cleaned one by one (an inline `<kbd>` and its `</kbd>` are stored apart), and a
tree processor never sees raw HTML; a postprocessor on the whole body sees both.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

import nh3
from markdown import Markdown
from markdown.postprocessors import Postprocessor

from .diagnostics import Diagnostic, Severity

ALLOWED_TAGS = frozenset(
    {
        # What Markdown and the enabled extensions produce (tables, admonition, toc, attr_list).
        *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code"),
        *("a", "img", "em", "strong", "div", "span", "table", "thead", "tbody", "tfoot", "tr", "th", "td"),
        # Harmless extras an editor may write by hand.
        *("b", "i", "u", "s", "del", "ins", "sub", "sup", "mark", "small", "kbd", "abbr", "cite", "q"),
        *("dfn", "var", "samp", "time", "dl", "dt", "dd", "caption", "colgroup", "col", "figure", "figcaption"),
        *("details", "summary", "section"),
    }
)
# Removed together with their content: their text is code or markup, never prose.
REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
)
GENERIC_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "hidden"})
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": GENERIC_ATTRIBUTES,
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "th": frozenset({"colspan", "rowspan", "align", "style"}),
    "td": frozenset({"colspan", "rowspan", "align", "style"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset({"text-align"})  # Markdown's table alignment

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these inside a scheme (`java\tscript:`)
_MD_LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]+)")  # [tekst](adres) and ![alt](adres)
_MD_REFERENCE_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)")  # [naam]: adres
_ATTR_LIST_RE = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}")  # Python-Markdown's attr_list syntax
_ATTR_PAIR_RE = re.compile(r"([^\s=]+)=(\"[^\"]*\"|'[^']*'|\S+)")
_ALL_ATTRIBUTES = frozenset().union(*ALLOWED_ATTRIBUTES.values())


# ---------------------------------------------------------------------------------------------
# Cleaning


def clean_html(fragment: str) -> str:
    """The fragment with everything outside the allow-list removed (see the module docstring)."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=True,
        link_rel=None,  # keep links as Markdown wrote them; no rel is allowed, so none can be injected
    )


class SanitizePostprocessor(Postprocessor):
    """Cleans the HTML of a page when `untrusted()` says the page is an item's body."""

    def __init__(self, md: Markdown, untrusted: Callable[[], bool]) -> None:
        super().__init__(md)
        self.untrusted = untrusted

    def run(self, text: str) -> str:
        return clean_html(text) if self.untrusted() else text


def register(md: Markdown, untrusted: Callable[[], bool]) -> None:
    """Add the cleaner to a Markdown instance, after raw HTML (30) and entities (20) are restored."""
    md.postprocessors.register(SanitizePostprocessor(md, untrusted), "wijkengids_sanitize", 1)


def page_meta(titel: str, samenvatting: str) -> dict[str, str]:
    """An item's title and description for Material, which prints both as HTML (the description
    inside `content="…"`): escaped here, so a `<` or `"` in the frontmatter stays text."""
    return {
        "title": html.escape(titel, quote=False),
        "description": html.escape(samenvatting, quote=False).replace('"', "&quot;"),
    }


# ---------------------------------------------------------------------------------------------
# Diagnostics from the Markdown source


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see (entities decoded, tabs and spaces dropped), lowercase."""
    match = _SCHEME_RE.match(_INVISIBLE_RE.sub("", html.unescape(url)))
    return match.group(1).lower() if match else None


def _bad_scheme(url: str) -> str | None:
    scheme = scheme_of(url)
    return scheme if scheme is not None and scheme not in URL_SCHEMES else None


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []  # (line in the fed text, code, message)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag not in ALLOWED_TAGS:
            what = "met inhoud " if tag in REMOVED_WITH_CONTENT else ""
            self.found.append((line, "body.html", f"HTML-element `<{tag}>` wordt {what}verwijderd"))
            return
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value and (scheme := _bad_scheme(value)):
                self.found.append((line, "body.link_scheme", f"adres met `{scheme}:` in `<{tag} {name}>`"))
            elif name not in allowed:
                kind = " (JavaScript)" if name.startswith("on") else ""
                self.found.append((line, "body.html", f"attribuut `{name}`{kind} op `<{tag}>` wordt verwijderd"))

    handle_startendtag = handle_starttag


def _code_free(body: str) -> str:
    """The body with fenced and indented code and code spans blanked, line for line."""
    from .links import visible_lines  # the same notion of "code" as the [[id]] scan (links imports us)

    visible = dict(visible_lines(body, 1))
    return "\n".join(visible.get(n, "") for n in range(1, body.count("\n") + 2))


def _markdown_problems(text: str) -> Iterator[tuple[int, str, str]]:
    for n, line in enumerate(text.split("\n"), start=1):
        for pattern in (_MD_LINK_RE, _MD_REFERENCE_RE):
            for m in pattern.finditer(line):
                if scheme := _bad_scheme(m.group(1)):
                    yield n, "body.link_scheme", f"link met `{scheme}:`-adres"
        for m in _ATTR_LIST_RE.finditer(line):
            for name, value in _ATTR_PAIR_RE.findall(m.group(1)):
                if name in URL_ATTRIBUTES and (scheme := _bad_scheme(value.strip("\"'"))):
                    yield n, "body.link_scheme", f"adres met `{scheme}:` in `{{{name}=…}}`"
                elif name not in _ALL_ATTRIBUTES:
                    kind = " (JavaScript)" if name.startswith("on") else ""
                    yield n, "body.html", f"attribuut `{name}`{kind} in `{{…}}` wordt verwijderd"


def body_problems(path: str, body: str, first_line: int) -> list[Diagnostic]:
    """What `clean_html` will remove from this body, as diagnostics with the file's line numbers.

    Arguments:
        path: The file, for the diagnostics.
        body: The Markdown body.
        first_line: The file line of the body's first line.
    """
    text = _code_free(body)
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    found = sorted({*scanner.found, *_markdown_problems(text)})
    hints = {
        "body.html": "de wijkengids laat alleen opmaak zonder script toe; schrijf het in Markdown",
        "body.link_scheme": "link naar een adres met http(s):, mailto: of tel:, of naar een item met [[id]]",
    }
    severity = {"body.html": Severity.WARNING, "body.link_scheme": Severity.ERROR}
    return [
        Diagnostic(path, first_line + line - 1, code, message, hints[code], severity[code])
        for line, code, message in found
    ]


# ---------------------------------------------------------------------------------------------
# Content-Security-Policy

# Why each directive (all in a <meta http-equiv> tag, which is what works from file://):
#   script-src   the site's own files ('self' also matches file:// in Chromium) plus the hashes of
#                Material's inline scripts, computed from its templates for each page — never from
#                the page itself, so an injected script is never allowed. No 'unsafe-inline', no
#                'unsafe-eval': inline event handlers and javascript: URLs cannot run.
#   style-src    'unsafe-inline': Markdown tables align cells with style attributes and Material's
#                icon partial writes a <style>. CSS cannot run script; the body cleaner keeps only
#                `text-align`.
#   img-src      data: for Material's icons, which its CSS embeds as data: SVG.
#   worker-src   Material's search worker (over http); from file:// it runs in an about:blank
#                iframe (the vendored iframe-worker shim), which inherits this policy and loads its
#                code from files ('self').
#   object-src, base-uri, form-action: nothing of the kind is used; 'none' closes them.
# A meta tag cannot set frame-ancestors or report-uri; a host that serves the site can add them
# as HTTP headers.
CSP_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),  # + hashes
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("frame-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
)
_EXECUTABLE_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.bodies: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            values = dict(attrs)
            executable = (values.get("type") or "").strip().lower() in _EXECUTABLE_TYPES
            self._current = [] if executable and not values.get("src") else None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.bodies.append("".join(self._current))
            self._current = None


def inline_script_bodies(page_html: str) -> list[str]:
    """The text of each executable inline `<script>` (no `src`, a JavaScript type) in order."""
    parser = _InlineScripts()
    parser.feed(page_html)
    parser.close()
    return parser.bodies


def script_hash(body: str) -> str:
    """The CSP source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def content_security_policy(trusted_scripts_html: str) -> str:
    """The policy for one page: CSP_DIRECTIVES with the hashes of the inline scripts in
    `trusted_scripts_html` (the theme's script partials rendered for this page) added to script-src.
    A Jinja filter (`wg_csp`), used by the theme's `partials/wg-csp.html`."""
    hashes = sorted({script_hash(body) for body in inline_script_bodies(trusted_scripts_html)})
    return "; ".join(
        f"{name} {value}{''.join(' ' + h for h in hashes) if name == 'script-src' else ''}"
        for name, value in CSP_DIRECTIVES
    )


def policy_sources(policy: str, directive: str) -> set[str]:
    """The sources of one directive of a policy string (for tests and the crawler)."""
    for part in policy.split(";"):
        name, _, rest = part.strip().partition(" ")
        if name == directive:
            return set(rest.split())
    return set()
