"""Kaart, wijkscan and interventie-zoeker in Chromium, from file:// on the offline build of the
fixture site plus the `explore` overlay, without any network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wijkengids.bundle import build_offline_site

from .browser import chromium
from .conftest import make_site

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as the offline bundle has it: no directory URLs, every page an .html file."""
    tmp = tmp_path_factory.mktemp("explore")
    site = make_site(tmp, "explore")
    build_offline_site(site.root / "mkdocs.yml", tmp / "usb")
    return tmp / "usb"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


class Visit:
    """A page in a fresh context that records every request, to prove nothing leaves file://."""

    def __init__(self, browser: object, width: int = 1280, javascript: bool = True) -> None:
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": 900}, java_script_enabled=javascript
        )
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, site: Path, path: str) -> object:
        """Open a page of the site; `path` may end in a query and a fragment."""
        cut = min((i for i in (path.find("?"), path.find("#")) if i >= 0), default=len(path))
        self.page.goto((site / path[:cut]).as_uri() + path[cut:])
        return self.page

    def close(self) -> None:
        self.context.close()
        assert [u for u in self.requests if not u.startswith(("file://", "data:", "blob:", "about:"))] == []
        assert self.errors == []


@pytest.fixture
def visit(browser: object) -> Iterator[Visit]:
    v = Visit(browser)
    yield v
    v.close()


def _node(page: object, title: str) -> object:
    return page.locator(".wg-kaart__node", has=page.locator("title", has_text=title))  # type: ignore[attr-defined]


def _visible_items(page: object) -> set[str]:
    titles = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".wg-kaart__node:not(.is-hidden) > title", "els => els.map(e => e.textContent)"
    )
    return {
        t.split(": ", 1)[1]
        for t in titles
        if t.split(": ", 1)[0] in ("Les", "Werkzaam bestanddeel", "Interventie", "Thema")
    }


def test_kaart_draws_filters_searches_and_opens_a_page(offline: Path, visit: Visit):
    page = visit.open(offline, "kaart.html")
    assert page.locator("#wg-kaart").is_visible()
    assert page.locator(".wg-kaart__node").count() == 20  # 11 items, 4 stappen, 3 signalen, 2 gemeenten
    assert page.locator(".wg-kaart__edges line").count() > 30
    assert len(_visible_items(page)) == 11

    page.select_option("select[name=thema]", label="Wijkveiligheid")
    # Pages that name the thema, and the bestanddelen (which name none) that those pages use.
    assert _visible_items(page) == {
        "Zie signalen vroeg",
        "Veilige straten in Utrecht",
        "Wijkveiligheid",
        "Focus",
        "Lange adem",
    }
    assert "is-hidden" in _node(page, "Les: Kies wat doorgaat").get_attribute("class")
    assert "is-hidden" in _node(page, "Plaats: Leeuwarden").get_attribute("class")  # no wijkveiligheid there
    assert "is-hidden" not in _node(page, "Plaats: Utrecht").get_attribute("class")
    page.select_option("select[name=stap]", value="1")
    assert _visible_items(page) == {"Zie signalen vroeg", "Wijkveiligheid"}  # focus and lange-adem: steps 3, 5
    page.select_option("select[name=stap]", value="")

    page.fill("input[name=q]", "straten")
    assert "is-match" in _node(page, "Interventie: Veilige straten in Utrecht").get_attribute("class")
    assert page.locator(".wg-kaart__info").inner_text().startswith("1 treffer")

    target = _node(page, "Les: Zie signalen vroeg")
    target.hover()
    assert "is-focusing" in page.locator(".wg-kaart__svg").get_attribute("class")
    info = page.locator(".wg-kaart__info").inner_text()
    assert info.startswith("Les: Zie signalen vroeg — ") and "1 thema" in info
    target.click()
    page.wait_for_url("**/lessen/zie-signalen-vroeg.html")
    assert "Zie signalen vroeg" in page.title()


def test_wijkscan_turns_two_signals_into_a_route_in_the_address(offline: Path, visit: Visit):
    page = visit.open(offline, "wijkscan.html")
    assert page.locator("h2", has_text="Per signaal").is_hidden()  # the lists are the no-script version
    # None of them shows, also not the bestanddelen lines that CSS sets inline.
    assert page.locator(".wg-scan-fallback ~ *").evaluate_all("els => els.filter(e => e.offsetParent).length") == 0
    assert "Vink hierboven" in page.locator(".wg-scan__route").inner_text()
    page.locator(".wg-scan__signal", has_text="Overlast").click()
    page.locator(".wg-scan__signal", has_text="Multiprobleemgezinnen").click()
    expected = [
        "Zie signalen vroeg",  # step 1 only: first
        "Buurtbudget in Overvecht",  # step 3, names overlast
        "Veilige straten in Utrecht",
        "Focus",  # step 3, the bestanddeel behind two overlast pages
        "Frontlijnteams in Leeuwarden",  # step 4, names multiprobleemgezinnen
    ]
    assert page.locator(".wg-scan__link").all_inner_texts() == expected
    assert page.locator(".wg-scan__step h3").all_inner_texts() == [
        "Stap 1 — Herken de signalen (1)",
        "Stap 3 — Wat ga je doen? (3)",
        "Stap 4 — Hoe organiseer je dat? (1)",
    ]
    assert "bestanddeel achter overlast" in page.locator(".wg-scan__item", has_text="Focus").inner_text()
    assert page.url.endswith("/wijkscan.html?signalen=overlast,multiprobleemgezinnen")

    page.reload()  # a shared or bookmarked route comes back
    assert page.locator(".wg-scan__link").all_inner_texts() == expected
    page.locator(".wg-scan__link", has_text="Frontlijnteams").click()
    page.wait_for_url("**/interventies/frontlijnteams-leeuwarden.html")

    page = visit.open(offline, "wijkscan.html#werkloosheid")  # how the kaart links a signal
    assert page.locator("input[value=werkloosheid]").is_checked()
    assert page.locator(".wg-scan__link").all_inner_texts() == [
        "Zie signalen vroeg",
        "Kies wat doorgaat, wat wacht en wat stopt",  # step 3; two pages refer to it: higher PageRank
        "Geef bewoners zelf buurtgeld",
        "Focus",  # behind all three
        "Lange adem",  # behind two; its only step is 5
    ]


def test_zoeker_filters_on_thema_and_stap_with_counts_and_keeps_them_in_the_address(offline: Path, visit: Visit):
    page = visit.open(offline, "interventies/index.html")
    rows = page.locator("table tbody tr")
    assert rows.count() == 4
    page.select_option("select[name=thema]", "burgerschap")
    page.select_option("select[name=stap]", "3")
    visible = page.locator("table tbody tr:visible td:first-child").all_inner_texts()
    assert visible == ["Buurtbudget in Overvecht"]
    assert page.locator(".wg-zoeker__count").inner_text() == "1 van 4 interventies"
    # Counts per option, given the other filter: in step 3 there is one practice per thema.
    assert page.locator("select[name=thema] option[value=wijkveiligheid]").inner_text() == "Wijkveiligheid (1)"
    assert page.locator("select[name=stap] option[value='4']").inner_text() == "4. Organisatie (1)"
    assert page.locator("select[name=stap] option[value='1']").is_disabled()
    assert page.url.endswith("interventies/index.html?thema=burgerschap&stap=3")

    page.reload()
    assert page.locator("table tbody tr:visible td:first-child").all_inner_texts() == ["Buurtbudget in Overvecht"]
    assert page.locator("select[name=plaats] option[value=Leeuwarden]").is_disabled()  # would leave nothing
    page.click(".wg-zoeker__reset")
    assert rows.locator("visible=true").count() == 4
    assert page.url.endswith("interventies/index.html")

    # A shared address with a combination that matches nothing says so.
    page = visit.open(offline, "interventies/index.html?thema=burgerschap&stap=3&plaats=Leeuwarden")
    assert page.locator(".wg-zoeker__count").inner_text() == "0 van 4 interventies — maak een filter ruimer"
    assert rows.locator("visible=true").count() == 0


def test_without_javascript_the_lists_and_the_whole_table_show(offline: Path, browser: object):
    v = Visit(browser, javascript=False)
    try:
        kaart = v.open(offline, "kaart.html")
        assert kaart.locator("#wg-kaart").is_hidden()
        assert kaart.locator("a", has_text="Zie signalen vroeg").is_visible()
        scan = v.open(offline, "wijkscan.html")
        assert scan.locator("#wg-wijkscan").is_hidden()
        assert scan.locator("h3", has_text="Overlast").is_visible()
        interventies = v.open(offline, "interventies/index.html")
        assert interventies.locator("#wg-zoeker").is_hidden()
        assert interventies.locator("table tbody tr:visible").count() == 4
    finally:
        v.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_explore_pages_fit_the_screen(offline: Path, browser: object, width: int):
    """No sideways scrolling of the page on a phone or a desktop (a wide table scrolls in its own
    box); the screenshots land in test-artifacts/ to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    v = Visit(browser, width=width)
    try:
        for path in ("kaart.html", "matrix.html", "wijkscan.html?signalen=overlast,werkloosheid"):
            page = v.open(offline, path)
            page.wait_for_timeout(100)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            name = path.split(".", 1)[0]
            page.screenshot(path=str(ARTIFACTS / f"explore-{name}-{width}.png"), full_page=True)
    finally:
        v.close()
