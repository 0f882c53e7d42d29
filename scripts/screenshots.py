"""Screenshot pages of a built site in Debian's Chromium at desktop and phone width.

Usage: python scripts/screenshots.py SITE_DIR OUT_DIR PAGE [PAGE ...]
PAGE is a path inside the site, e.g. `leeswijzer/stap-1/index.html`. The PNGs are for looking at,
not for committing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from wijkengids.chromium import CHROMIUM, HEADLESS_ARGS

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site, e.g. site/")
    parser.add_argument("out", type=Path, help="folder for the PNGs")
    parser.add_argument("pages", nargs="+", help="paths inside the site, e.g. leeswijzer/stap-1/index.html")
    args = parser.parse_args(argv)
    site, out, pages = args.site.resolve(), args.out, args.pages
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(HEADLESS_ARGS))
        for name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for rel in pages:
                page.goto((site / rel).as_uri())
                target = out / f"{rel.replace('/', '_').removesuffix('.html')}-{name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
