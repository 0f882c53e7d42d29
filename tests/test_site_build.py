"""Fixture sites built with MkDocs in tmp_path: the HTML has the pages, panels, links and flow."""

from __future__ import annotations

import html as htmllib
import re
import shutil

import pytest
from mkdocs.exceptions import Abort

from .conftest import FixtureSite


def _text(html: str) -> str:
    """What a reader sees: tags dropped, entities decoded (the panels escape `'` as `&#39;`)."""
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_step_pages_show_question_items_and_neighbours(site: FixtureSite):
    site.build(strict=True)
    for n, question in enumerate(
        [
            "Is de wijk in de gevarenzone?",
            "Wat is er aan de hand?",
            "Wat ga je doen?",
            "Hoe organiseer je dat?",
            "Hoe blijf je op koers?",
        ],
        start=1,
    ):
        html = site.html(f"leeswijzer/stap-{n}/")
        assert f"Stap {n} van 5 — {question}" in html
        assert ('href="../stap-' + str(n - 1) + '/"' in html) == (n > 1)
        assert ('href="../stap-' + str(n + 1) + '/"' in html) == (n < 5)
    stap1 = _text(site.html("leeswijzer/stap-1/"))
    assert "Zie signalen vroeg" in stap1
    assert "Kies wat doorgaat" not in stap1
    stap3 = site.html("leeswijzer/stap-3/")
    assert "Handgeschreven intro van stap drie." in stap3  # the hand-written intro is kept
    assert 'href="../../lessen/kies-wat-doorgaat/"' in stap3
    assert 'href="../../bestanddelen/focus/"' in stap3


def test_item_page_has_panel_with_relations_sources_and_backlinks(site: FixtureSite):
    site.build(strict=True)
    html = site.html("lessen/kies-wat-doorgaat/")
    assert "<title>Kies wat doorgaat, wat wacht en wat stopt" in html
    assert (
        '<meta name="description" content="Veel projecten tegelijk versnipperen de inzet; kies wat doorgaat.">' in html
    )
    panel = _text(html.split('class="wg-panel"', 1)[1])
    assert "Thema's Burgerschap" in panel
    assert "Werkzame bestanddelen Focus Lange adem" in panel
    assert "Wordt genoemd in Frontlijnteams in Leeuwarden Interventie Zie signalen vroeg Les" in panel
    assert "Praktijkervaring" in panel
    assert "2.2 Het belang van focus aanbrengen" in panel
    assert "Stap 3 van 5 — Wat ga je doen?" in html


def test_interventie_page_has_a_factsheet(site: FixtureSite):
    site.build(strict=True)
    facts = _text(
        site.html("interventies/frontlijnteams-leeuwarden/").split('class="wg-facts"', 1)[1].split("</dl>")[0]
    )
    assert "Plaats Leeswarden" not in facts
    assert "Plaats Leeuwarden" in facts
    assert "Wijk Heechterp-Schieringen" in facts


def test_wiki_links_resolve_relative_to_each_page_and_skip_code(site: FixtureSite):
    site.build(strict=True)
    home = site.html("")
    assert '<a class="wg-link" href="bestanddelen/focus/">Focus</a>' in home
    assert '<a class="wg-link" href="lessen/kies-wat-doorgaat/">de les over kiezen</a>' in home
    assert "<code>[[niet-een-link]]</code>" in home
    lesson = site.html("lessen/kies-wat-doorgaat/")
    assert '<a class="wg-link" href="../../interventies/frontlijnteams-leeuwarden/">de frontlijnteams</a>' in lesson


def test_thema_and_bestanddeel_pages_list_their_items_per_step(site: FixtureSite):
    site.build(strict=True)
    focus = _text(site.html("bestanddelen/focus/").split('class="wg-panel"', 1)[1])
    assert "Stap 1 — Is de wijk in de gevarenzone? (1) Lessen (1) Zie signalen vroeg" in focus
    assert "Stap 3 — Wat ga je doen? (1) Lessen (1) Kies wat doorgaat, wat wacht en wat stopt" in focus
    assert "— Les" not in focus  # the type heads its sub-list, not every entry
    thema = _text(site.html("themas/burgerschap/"))
    assert "Stap 4 — Hoe organiseer je dat? (1) Interventies (1) Frontlijnteams in Leeuwarden" in thema


def test_long_step_lists_fold_beyond_the_first_entries(site: FixtureSite):
    for n in range(14):
        text = site.read("lessons/zie-signalen-vroeg.md").replace("Zie signalen vroeg", f"Signaal les {n:02d}")
        site.write(f"lessons/signaal-les-{n:02d}.md", text)
    site.build(strict=True)
    listing = site.html("leeswijzer/stap-1/").split('class="wg-panel"', 1)[1]
    shown, folded = listing.split('<details class="wg-more">', 1)
    assert 'Lessen <span class="wg-count">(15)</span>' in shown
    assert shown.count("<li>") == 12  # the bestanddeel focus belongs to steps 3 and 5, not 1
    assert "Nog 3 lessen" in folded


def test_generated_index_and_source_pages(site: FixtureSite):
    site.build(strict=True)
    assert "Zie signalen vroeg" in site.html("lessen/")
    assert "Leeuwarden" in site.html("interventies/")
    bronnen = _text(site.html("bronnen/"))
    assert "Visitatiecommissie Wijkenaanpak, 2011 (rapport) — 4 pagina's citeren deze bron." in bronnen
    assert "1 tot en met 5" not in bronnen


def test_nav_holds_structure_pages_only(site: FixtureSite):
    site.build(strict=True)
    nav = site.html("").split('class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    assert "lessen/kies-wat-doorgaat" not in nav
    assert "leeswijzer/stap-5/" in nav


def test_edit_link_opens_the_collection_file(site: FixtureSite):
    config = site.read("mkdocs.yml") + "repo_url: https://example.org/wijkengids\nedit_uri: edit/main/\n"
    site.write("mkdocs.yml", config)
    site.build(strict=True)
    assert 'href="https://example.org/wijkengids/edit/main/lessons/kies-wat-doorgaat.md"' in site.html(
        "lessen/kies-wat-doorgaat/"
    )


def test_two_builds_in_one_process_are_identical(site: FixtureSite):
    site.build()
    first = site.snapshot()
    site.build()
    assert site.snapshot() == first


def test_a_fixed_error_leaves_nothing_behind_on_rebuild(site: FixtureSite, mkdocs_log):
    original = site.read("lessons/kies-wat-doorgaat.md")
    site.write("lessons/kies-wat-doorgaat.md", original.replace("[burgerschap]", "[burgershap]"))
    with pytest.raises(Abort):
        site.build(strict=True)
    site.write("lessons/kies-wat-doorgaat.md", original)
    mkdocs_log.clear()
    site.build(strict=True)
    assert "burgershap" not in mkdocs_log.text


def test_bad_tree_fails_strict_build_with_the_checks_messages(bad_site: FixtureSite, mkdocs_log):
    with pytest.raises(Abort):
        bad_site.build(strict=True)
    assert (
        "lessons/onbekend-thema.md:5: onbekend thema `burgershap` — bedoelde je `burgerschap`? [ref.thema]"
        in mkdocs_log.text
    )
    assert "lessons/kapotte-yaml.md:3: ongeldige YAML in de frontmatter" in mkdocs_log.text
    assert "Traceback" not in mkdocs_log.text


def test_without_strict_the_bad_tree_still_builds(bad_site: FixtureSite, mkdocs_log):
    bad_site.build(strict=False)
    assert "onbekend thema `burgershap`" in mkdocs_log.text
    assert "Zie ook" in bad_site.html("lessen/kapotte-link/")
    assert 'class="wg-link-onbekend"' in bad_site.html("lessen/kapotte-link/")


def test_page_urls_equal_mkdocs_relative_urls(tmp_path):
    """The panels' URLs (plugin.PageUrls) are exactly MkDocs' own, for directory and file URLs."""
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page
    from mkdocs.utils import get_relative_url

    from wijkengids.plugin import PageUrls

    sources = [
        "index.md",
        "lessen/index.md",
        "lessen/kies-wat-doorgaat.md",
        "lessen/zie-signalen-vroeg.md",
        "bestanddelen/focus.md",
        "leeswijzer/stap-1.md",
        "a/b/c/diep.md",
    ]
    for directory_urls in (True, False):
        files = Files([File(s, str(tmp_path), str(tmp_path / "site"), directory_urls) for s in sources])
        urls = PageUrls(files)
        for file in files:
            page = Page(None, file, {})  # type: ignore[arg-type]
            url = urls.relative_to(page)
            for target in files:
                assert url(target.src_uri) == get_relative_url(target.url, file.url), (file.url, target.url)
            assert url("lessen/niet-in-deze-bundel.md") == ""


def test_links_of_generated_pages_equal_relpath():
    import posixpath

    from wijkengids.pages import linker

    uris = ["index.md", "lessen/index.md", "lessen/a.md", "bestanddelen/b.md", "matrix/x-stap-1.md", "a/b/c.md"]
    for page in uris:
        link = linker(page)
        for target in uris:
            assert link(target) == posixpath.relpath(target, posixpath.dirname(page) or "."), (page, target)


def test_compiled_templates_are_cached_and_an_unusable_cache_costs_nothing(site: FixtureSite):
    from wijkengids.cachedir import project_cache

    folder = project_cache(site.root) / "jinja"
    site.build(strict=True)
    first = site.snapshot()
    assert len(list(folder.glob("*.cache"))) >= 10  # Material's templates and ours
    site.build(strict=True)
    assert site.snapshot() == first  # built from the compiled templates: the same pages
    shutil.rmtree(folder)
    folder.write_text("geen map", encoding="utf-8")  # cannot be made: the build goes on without
    site.build(strict=True)
    assert site.snapshot() == first


def test_listing_urls_equal_mkdocs_urls(tmp_path):
    """The listings of generated pages bypass Markdown (rawhtml), so their links are final URLs:
    exactly the relative URLs MkDocs writes, with and without directory URLs, anchors kept."""
    from mkdocs.structure.files import File
    from mkdocs.utils import get_relative_url

    from wijkengids.pages import page_url, url_linker

    sources = ["index.md", "lessen/index.md", "lessen/a.md", "bestanddelen/b.md", "matrix/x-stap-1.md", "a/b/c.md"]
    for directory_urls in (True, False):
        files = {s: File(s, str(tmp_path), str(tmp_path / "site"), directory_urls) for s in sources}
        for source, file in files.items():
            assert page_url(source, directory_urls) == file.url
            url = url_linker(source, directory_urls)
            for target, other in files.items():
                assert url(target) == get_relative_url(other.url, file.url), (file.url, other.url)
                assert url(target + "#signaal") == get_relative_url(other.url, file.url) + "#signaal"


def test_raw_html_blocks_pass_only_where_enabled():
    """Between the markers a generated page's HTML is kept as written; on any other page the
    markers are ordinary text and what is between them is Markdown as usual."""
    import markdown

    from wijkengids.rawhtml import RAW_END, RAW_START, RawHtmlExtension

    between = "<ul>\n<li>een</li>\n</ul>\n*niet nadruk* [geen](link.md)"
    source = f"# Lijst\n\n{RAW_START}\n{between}\n{RAW_END}\n\nna *de* lijst\n"
    enabled = markdown.markdown(source, extensions=[RawHtmlExtension(lambda: True)])
    assert between in enabled
    assert "<p><ul>" not in enabled and RAW_START not in enabled
    assert "<p>na <em>de</em> lijst</p>" in enabled
    disabled = markdown.markdown(source, extensions=[RawHtmlExtension(lambda: False)])
    assert "<em>niet nadruk</em>" in disabled and '<a href="link.md">geen</a>' in disabled  # plain Markdown
    unclosed = markdown.markdown(f"{RAW_START}\n*tekst*\n", extensions=[RawHtmlExtension(lambda: True)])
    assert "<em>tekst</em>" in unclosed  # an unclosed block stays Markdown


def test_generated_listings_link_every_item_from_html(site: FixtureSite):
    site.build(strict=True)
    lessen = site.html("lessen/")
    assert '<li><a href="kies-wat-doorgaat/">' in lessen
    bronnen = site.html("bronnen/")
    assert '<a href="../lessen/kies-wat-doorgaat/">' in bronnen
    site.build(strict=True, use_directory_urls=False)
    assert '<li><a href="kies-wat-doorgaat.html">' in site.html("lessen/index.html")
