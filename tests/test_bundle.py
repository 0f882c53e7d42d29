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
