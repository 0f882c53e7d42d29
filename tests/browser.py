"""Debian's Chromium driven by Playwright, for tests that must see what a reader sees."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wijkengids.chromium import CHROMIUM, HEADLESS_ARGS


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium ontbreekt: draai `make chromium` (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(HEADLESS_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def search(page, query: str, attempts: int = 8) -> str:
    """Type a query in Material's search box and return the result list's text.

    The index loads in a worker after the first focus; a query typed before it is ready is not
    re-run, so type again until results (or "no results") show up.
    """
    box = page.locator(".md-search__input").first
    box.click(force=True)
    for _ in range(attempts):
        box.fill("")
        box.type(query, delay=20)
        meta = page.locator(".md-search-result__meta")
        try:
            meta.filter(has_text="overeenkom").or_(meta.filter(has_text="Geen")).first.wait_for(timeout=3_000)
            return page.locator(".md-search-result").inner_text()
        except Exception:
            continue
    raise AssertionError(f"zoeken naar {query!r} gaf geen resultaat binnen {attempts * 3} s")
