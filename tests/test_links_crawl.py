"""No broken internal link or anchor on the built fixture site, with directory URLs and offline.

The crawler is scripts/crawl.py (html.parser, relative hrefs resolved per page, files and #ids
checked); the real site is checked with the same script, since its content changes daily:

    .venv/bin/mkdocs build -d /tmp/crawl-site && .venv/bin/python scripts/crawl.py /tmp/crawl-site
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import FixtureSite, make_site

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "crawl.py"


def _crawler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crawl", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["crawl"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


crawl = _crawler()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> FixtureSite:
    site = make_site(tmp_path_factory.mktemp("crawl"))
    site.build(strict=True)
    return site


def test_fixture_site_has_no_broken_link_or_anchor(built: FixtureSite):
    report = crawl.crawl(built.site_dir)
    print(report.summary())
    assert report.broken == []
    assert report.pages == len(list(built.site_dir.rglob("*.html"))) > 25
    assert report.links > 30 * report.pages  # nav, panels, flow and toc links on every page
    assert report.anchors > 50  # toc permalinks and the panel's section links


def test_offline_build_has_no_broken_link_or_anchor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site = make_site(tmp_path)
    monkeypatch.setenv("WIJKENGIDS_OFFLINE", "true")  # file:// layout: lessen/x.html, no directory URLs
    site.build(strict=True)
    assert (site.site_dir / "lessen/kies-wat-doorgaat.html").is_file()
    report = crawl.crawl(site.site_dir)
    print("offline:", report.summary())
    assert report.broken == []
    assert report.links > 30 * report.pages


def test_the_crawler_finds_broken_links_and_anchors(tmp_path: Path):
    site = make_site(tmp_path)
    site.write(
        "docs/kapot.md",
        "# Kapot\n\n"
        '<a href="../lessen/bestaat-niet/">weg</a> '
        '<a href="../lessen/kies-wat-doorgaat/#geen-anker">anker</a> '
        '<a href="../../../../etc/passwd">buiten</a> '
        '<a href="javascript:void(0)">script</a> '
        '<a href="#kapot">hier</a> <a href="https://example.org/">extern</a>\n',
    )
    site.build(strict=False)
    report = crawl.crawl(site.site_dir)
    broken = {(b.page, b.href): b.reason for b in report.broken}
    assert broken == {
        ("kapot/index.html", "../lessen/bestaat-niet/"): "no file lessen/bestaat-niet/index.html",
        ("kapot/index.html", "../lessen/kies-wat-doorgaat/#geen-anker"): (
            "no id `geen-anker` in lessen/kies-wat-doorgaat/index.html"
        ),
        ("kapot/index.html", "../../../../etc/passwd"): "leaves the site",
        ("kapot/index.html", "javascript:void(0)"): "scheme `javascript:` is not a link",
    }


def test_the_script_reports_and_sets_its_exit_status(built: FixtureSite, tmp_path: Path):
    ok = subprocess.run([sys.executable, str(SCRIPT), str(built.site_dir)], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.strip().endswith(", 0 broken")
    assert " pages, " in ok.stdout and " internal links checked (" in ok.stdout
    broken_site = tmp_path / "site"
    broken_site.mkdir()
    (broken_site / "index.html").write_text('<a href="weg.html">weg</a>', encoding="utf-8")
    bad = subprocess.run([sys.executable, str(SCRIPT), str(broken_site)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "index.html: weg.html — no file weg.html" in bad.stdout
