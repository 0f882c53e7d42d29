"""The offline bundle: one zip, opened from file:// in Chromium, works without any network."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from wijkengids.bundle import default_name, make_bundle

from .browser import chromium, search
from .conftest import FixtureSite, make_site


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("bundle")
    site = make_site(tmp)
    result = make_bundle(site.root, tmp / "wijkengids.zip", today=dt.date(2026, 11, 22))
    unpacked = tmp / "usb"
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(unpacked)
    return result.path, unpacked


def test_bundle_holds_pages_search_index_and_werkbladen(bundle: tuple[Path, Path]):
    zip_path, unpacked = bundle
    names = set(zipfile.ZipFile(zip_path).namelist())
    assert "index.html" in names
    assert "lessen/kies-wat-doorgaat.html" in names  # no directory URLs: works from file://
    assert "search/search_index.js" in names  # the offline plugin inlines the index
    assert "assets/vendor/iframe-worker/shim.js" in names
    assert {f"werkbladen/werkblad-stap-{n}.pdf" for n in range(1, 6)} <= names
    assert (unpacked / "werkbladen/werkblad-stap-1.pdf").read_bytes().startswith(b"%PDF")
    html = (unpacked / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in html and "fonts.googleapis" not in html


def test_default_name_has_the_date():
    assert default_name(dt.date(2026, 11, 22)) == "wijkengids-offline-2026-11-22.zip"


@pytest.mark.browser
def test_search_and_navigation_work_from_file_without_network(bundle: tuple[Path, Path]):
    _, unpacked = bundle
    requests: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto((unpacked / "index.html").as_uri())
        assert "Zie signalen vroeg" in search(page, "signalen")
        page.locator(".md-search-result__link", has_text="Zie signalen vroeg").first.click()
        page.wait_for_load_state()
        assert page.url.endswith("lessen/zie-signalen-vroeg.html") or "zie-signalen-vroeg.html" in page.url
        assert "Stap 1 van 5" in page.content()
        page.locator("a.wg-link", has_text="Kies wat doorgaat").first.click()
        page.wait_for_load_state()
        assert page.url.endswith("lessen/kies-wat-doorgaat.html")
        # The knowledge map renders from the unzipped files, and its thema filter works.
        page.goto((unpacked / "kaart.html").as_uri())
        nodes = page.locator(".wg-kaart__node")
        assert nodes.count() > 10
        page.select_option("select[name=thema]", label="Wijkveiligheid")
        hidden = page.locator(".wg-kaart__node.is-hidden").count()
        assert 0 < hidden < nodes.count()
        # The interventie filter works too.
        page.goto((unpacked / "interventies/index.html").as_uri() + "?thema=burgerschap")
        assert page.locator("table tbody tr:visible").count() == 1
    outside = [url for url in requests if not url.startswith(("file://", "data:", "blob:", "about:"))]
    assert outside == []
    assert len(requests) > 5


def test_failed_build_leaves_the_previous_zip_untouched(tmp_path: Path):
    site: FixtureSite = make_site(tmp_path)
    target = tmp_path / "out.zip"
    target.write_bytes(b"previous bundle")
    site.write(
        "lessons/kies-wat-doorgaat.md",
        site.read("lessons/kies-wat-doorgaat.md").replace("[burgerschap]", "[burgershap]"),
    )
    with pytest.raises(Exception, match="Aborted"):
        make_bundle(site.root, target, pdf=False)
    assert target.read_bytes() == b"previous bundle"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_a_thema_bundle_holds_one_hop_and_links_out_as_plain_text(tmp_path: Path):
    from .test_links_crawl import crawl

    site = make_site(tmp_path)
    result = make_bundle(site.root, pdf=False, today=dt.date(2026, 11, 22), subset="thema:wijkveiligheid")
    assert result.path.name == "wijkengids-offline-thema-wijkveiligheid-2026-11-22.zip"
    unpacked = tmp_path / "usb"
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(unpacked)
    result.path.unlink()
    items = {
        p.relative_to(unpacked).as_posix()
        for d in ("lessen", "bestanddelen", "interventies")
        for p in (unpacked / d).glob("*.html")
    }
    # zie-signalen-vroeg has the thema; focus and kies-wat-doorgaat are one hop from it; the rest is out.
    assert items - {"lessen/index.html", "bestanddelen/index.html", "interventies/index.html"} == {
        "lessen/zie-signalen-vroeg.html",
        "lessen/kies-wat-doorgaat.html",
        "bestanddelen/focus.html",
    }
    lesson = (unpacked / "lessen/kies-wat-doorgaat.html").read_text(encoding="utf-8")
    assert '<span class="wg-buiten-bundel" title="Niet in deze bundel">de frontlijnteams' in lesson
    assert "frontlijnteams-leeuwarden.html" not in lesson
    assert "Frontlijnteams" not in (unpacked / "interventies/index.html").read_text(encoding="utf-8")
    report = crawl.crawl(unpacked)
    assert report.pages > 20 and report.links > 300
    assert report.broken == []


def test_an_unknown_thema_bundle_fails_with_the_choices(tmp_path: Path):
    site = make_site(tmp_path)
    with pytest.raises(Exception, match="Aborted"):
        make_bundle(site.root, tmp_path / "x.zip", pdf=False, subset="thema:burgershap")
    assert not (tmp_path / "x.zip").exists()
