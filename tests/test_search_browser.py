"""The search box in a real browser, on a fixture site built with the project's own search
settings: Material's box and result list, ranked by the wijkengids's worker (zoekwerker.js) with
the model of browser_search.py. Titles, samenvatting, places and synonyms are found, word forms and
compounds match both ways, matches are marked, and Dutch stop words do not drown a question."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from wijkengids.chromium import CHROMIUM, HEADLESS_ARGS, static_server
from wijkengids.search import browser_separator

from .conftest import FIXTURES, FixtureSite
from .test_search import INITIATIEVEN_GETELD, INITIATIEVEN_IN_DE_TITEL, lesson

ROOT = Path(__file__).resolve().parent.parent

SYNONYMS = """\
- termen: [MPG, multiprobleemgezin, multiprobleemgezinnen]
- termen: [participatie, participeren, meedoen]
- termen: [schatkist, geld van het Rijk]
"""

# "geld van het Rijk" as a synonym: the page where the words stand together, not the one with both.
RIJK_SAMEN = lesson(
    "Borg wat werkt",
    "Wat loopt als het geld van het Rijk stopt, hangt af van wat je nu regelt.",
    "Wie op tijd begint, houdt vast wat werkt.",
    sectie="2.6 Borging",
)
RIJK_APART = lesson(
    "Tel het geld",
    "Het geld gaat via vele kanalen de wijk in; het Rijk is maar een van de partijen.",
    "Een overzicht van de geldstromen helpt kiezen.",
)

STRAAT = """\
---
titel: Praat op straat
samenvatting: Wie wil participeren praat liever op straat; een straatgesprek bereikt meer mensen.
stappen: [2]
themas: [burgerschap]
bestanddelen: [focus]
bewijs: praktijk
bronnen:
  - bron: visitatie-2011
    sectie: "2.4 Burgerparticipatie"
---

## Wat we zagen

Bewoners willen vaak wel participeren, maar niet op een vergadering. Wie langs de deuren gaat,
hoort andere bewoners dan wie een zaal huurt.
"""

DEMOGRAFIE = """\
---
titel: Demografie verandert de vraag
samenvatting: Een vergrijzende buurt vraagt andere voorzieningen.
stappen: [1]
themas: [wijkveiligheid]
bestanddelen: [lange-adem]
bewijs: praktijk
bronnen:
  - bron: visitatie-2011
    sectie: "2.1 Algemene indruk"
---

## Wat we zagen

Demografische cijfers over vergrijzing en krimp laten zien welke voorzieningen nodig blijven.
"""


SAMEN = """\
---
titel: Samen plannen maken
samenvatting: Over de participatie van bewoners bij de plannen voor hun plein.
stappen: [3]
themas: [burgerschap]
bestanddelen: [focus]
bewijs: praktijk
bronnen:
  - bron: visitatie-2011
    sectie: "2.4 Burgerparticipatie"
---

## Wat we zagen

Het plein werd beter toen de participatie van bewoners vroeg begon.
"""

AVONDEN = """\
---
titel: Vergader minder
samenvatting: Avondvergaderingen trekken steeds dezelfde mensen.
stappen: [3]
themas: [burgerschap]
bestanddelen: [focus]
bewijs: praktijk
bronnen:
  - bron: visitatie-2011
    sectie: "2.4 Burgerparticipatie"
---

## Wat we zagen

Bewonersparticipatie via de avondvergadering bereikt een kleine groep.
"""


def _search_block() -> str:
    """The `- search:` entry of the project's mkdocs.yml, as written there."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    block = re.search(r"^  - search:\n(?:^      .*\n)+", text, re.MULTILINE)
    assert block, "mkdocs.yml has no search plugin options"
    return block.group(0)


def test_mkdocs_yml_uses_the_generated_separator():
    assert f"separator: '{browser_separator()}'" in _search_block().replace("''", "'")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser") / "project"
    shutil.copytree(FIXTURES / "good", root)
    config = root / "mkdocs.yml"
    config.write_text(
        re.sub(
            r"^  - search:\n(?:^      .*\n)+",
            lambda _: _search_block(),
            config.read_text(encoding="utf-8"),
            flags=re.MULTILINE,
        ),
        encoding="utf-8",
    )
    (root / "data" / "synoniemen.yml").write_text(SYNONYMS, encoding="utf-8")
    (root / "lessons" / "praat-op-straat.md").write_text(STRAAT, encoding="utf-8")
    (root / "lessons" / "demografie-verandert-de-vraag.md").write_text(DEMOGRAFIE, encoding="utf-8")
    (root / "lessons" / "samen-plannen-maken.md").write_text(SAMEN, encoding="utf-8")
    (root / "lessons" / "vergader-minder.md").write_text(AVONDEN, encoding="utf-8")
    (root / "lessons" / "rem-de-stroom-van-initiatieven.md").write_text(INITIATIEVEN_IN_DE_TITEL, encoding="utf-8")
    (root / "lessons" / "tel-wat-er-loopt.md").write_text(INITIATIEVEN_GETELD, encoding="utf-8")
    (root / "lessons" / "borg-wat-werkt.md").write_text(RIJK_SAMEN, encoding="utf-8")
    (root / "lessons" / "tel-het-geld.md").write_text(RIJK_APART, encoding="utf-8")
    site = FixtureSite(root)
    site.build(strict=True)

    with static_server(site.site_dir) as base:
        yield base


@pytest.fixture(scope="module")
def browser_page(served: str):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(HEADLESS_ARGS))
        page = browser.new_page()
        page.set_default_timeout(10_000)
        page.goto(served)
        yield page
        browser.close()


@pytest.fixture(scope="module")
def search(browser_page):
    page = browser_page

    def run(query: str) -> list[str]:
        page.click("input.md-search__input")
        page.fill("input.md-search__input", "")
        page.wait_for_function("() => /Typ om/.test(document.querySelector('.md-search-result__meta').textContent)")
        page.keyboard.type(query)
        page.wait_for_function("() => !/Typ om/.test(document.querySelector('.md-search-result__meta').textContent)")
        page.wait_for_timeout(300)  # Material renders results in steps
        hrefs = page.eval_on_selector_all(
            ".md-search-result__item > .md-search-result__link", "els => els.map(e => e.getAttribute('href'))"
        )
        return list(dict.fromkeys(re.sub(r"^https?://[^/]+/|[?#].*$", "", h) for h in hrefs))

    yield run


pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ("Frontlijnteams", "interventies/frontlijnteams-leeuwarden/"),  # a title
        ("straatgesprek", "lessen/praat-op-straat/"),  # only in the samenvatting
        ("Heechterp", "interventies/frontlijnteams-leeuwarden/"),  # the wijk, only in the frontmatter
        ("MPG", "interventies/frontlijnteams-leeuwarden/"),  # a synonym of its signal
        ("vergrijzing", "lessen/demografie-verandert-de-vraag/"),
    ],
)
def test_search_finds_the_page_among_the_first(search, query: str, page: str):
    # Generated overview pages (plaatsen, wijkscan) may list the same word in a heading.
    assert page in search(query)[:3]


def test_a_hub_goes_above_the_lessons_that_mention_it(search):
    found = search("focus")
    assert found[:1] == ["bestanddelen/focus/"]
    assert "lessen/kies-wat-doorgaat/" in found  # its body says "focus": a passing mention


def test_a_typed_number_outweighs_title_words(search):
    # As in `wijkengids zoek`: the page with the number first, the title match without it.
    assert search("1000 initiatieven")[:2] == ["lessen/tel-wat-er-loopt/", "lessen/rem-de-stroom-van-initiatieven/"]
    assert search("initiatieven")[:1] == ["lessen/rem-de-stroom-van-initiatieven/"]


def test_a_synonym_of_several_words_matches_where_they_stand_together(search):
    found = search("schatkist")  # one word, no compound parts: only the phrase can match
    assert found[:1] == ["lessen/borg-wat-werkt/"]
    assert "lessen/tel-het-geld/" not in found  # "geld" and "Rijk" apart are not the phrase


def test_word_forms_and_synonyms_reach_the_browser(search):
    # The page says "participeren" and "bewoners"; the reader types other forms.
    assert "lessen/praat-op-straat/" in search("participatie")
    assert "lessen/praat-op-straat/" in search("bewoner")
    assert "lessen/praat-op-straat/" not in search("Leeuwarden")  # the test can fail


def test_stop_words_do_not_match_as_prefixes(search):
    # Material searches `de*`: without stop words as separators "de" would match "demografie".
    assert search("de")[:1] == [] or "lessen/demografie-verandert-de-vraag/" not in search("de")
    question = search("wat is de vergrijzing")
    assert "lessen/demografie-verandert-de-vraag/" in question[:3]
    assert set(question) == set(search("vergrijzing"))  # the stop words add no page


def test_compounds_match_both_ways(search):
    # One page writes "participatie van bewoners", the other "bewonersparticipatie".
    for query in ("bewonersparticipatie", "participatie van bewoners"):
        found = search(query)
        assert {"lessen/samen-plannen-maken/", "lessen/vergader-minder/"} <= set(found[:4]), query
    assert "lessen/vergader-minder/" not in search("plein")  # the test can fail


def test_an_unfinished_word_finds_what_it_begins(search):
    assert "interventies/frontlijnteams-leeuwarden/" in search("Heecht")[:3]


def test_results_mark_the_matched_words_and_a_synonym_is_not_missing(search, browser_page):
    search("MPG")
    item = browser_page.locator(".md-search-result__item", has_text="Frontlijnteams").first
    assert item.count() == 1  # found through its signal Multiprobleemgezinnen
    assert item.locator(".md-search-result__terms").count() == 0  # so no "Ontbreekt: mpg"
    search("MPG bestaatniet")
    assert "bestaatniet" in browser_page.locator(".md-search-result__terms").first.inner_text()
    search("Frontlijnteams")
    marked = browser_page.locator(".md-search-result__item mark").all_inner_texts()
    assert any(m.lower().startswith("frontlijnteam") for m in marked)
