"""`mkdocs serve --dirty` renders again only the pages whose content key changed, and no stale
page survives: after every kind of edit, every page equals the one a clean build makes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from wijkengids import pipeline
from wijkengids.browser_search import MODEL_FILE

from .conftest import FixtureSite

LESSON = "lessons/kies-wat-doorgaat.md"
OTHER_LESSON = "lessons/zie-signalen-vroeg.md"
FOCUS = "bestanddelen/focus.md"

# A clean build as `mkdocs serve` makes it (preview templates, no dirty mode), in its own process:
# MkDocs keeps plugin objects per process, and the preview's must not be disturbed.
CLEAN_PREVIEW = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="serve", dirty=False)
build(config)
config.plugins.on_shutdown()
"""


class Preview:
    """One `mkdocs serve --dirty` session: the plugins live on, each rebuild reloads the config."""

    def __init__(self, site: FixtureSite) -> None:
        self.site = site
        self.config = site.config()

    def __enter__(self) -> Preview:
        self.config.plugins.on_startup(command="serve", dirty=True)
        build(self.config, dirty=True)
        return self

    def __exit__(self, *exc: object) -> None:
        # Leave the process's shared plugin objects as a normal build expects them.
        self.config.plugins.on_startup(command="build", dirty=False)
        self.config.plugins.on_shutdown()

    def rebuild(self) -> set[str]:
        """Rebuild as serve does after a save; returns the pages written again."""
        before = self.stamps()
        self.config = self.site.config()
        build(self.config, dirty=True)
        after = self.stamps()
        return {page for page, stamp in after.items() if before.get(page) != stamp}

    def stamps(self) -> dict[str, int]:
        return {
            p.relative_to(self.site.site_dir).as_posix(): p.stat().st_mtime_ns
            for p in self.site.site_dir.rglob("*.html")
        }


def outputs(site_dir: Path) -> dict[str, bytes]:
    """Every page, Material's search index and the browser search's model, by path."""
    files = [*site_dir.rglob("*.html"), site_dir / "search" / "search_index.json", site_dir / MODEL_FILE]
    return {p.relative_to(site_dir).as_posix(): p.read_bytes() for p in sorted(files)}


def assert_same_as_clean_build(site: FixtureSite, tmp_path: Path) -> None:
    clean = tmp_path / f"clean-{len(list(tmp_path.glob('clean-*')))}"
    subprocess.run(
        [sys.executable, "-c", CLEAN_PREVIEW, str(site.root / "mkdocs.yml"), str(clean)],
        check=True,
        capture_output=True,
        env={**os.environ, "XDG_CACHE_HOME": str(clean) + "-cache"},  # clean: no memo of earlier builds
    )
    expected, actual = outputs(clean), outputs(site.site_dir)
    assert sorted(actual) == sorted(expected)
    stale = [path for path in expected if actual[path] != expected[path]]
    assert stale == []


@pytest.fixture
def preview(site: FixtureSite):
    with Preview(site) as session:
        yield session


def edit(site: FixtureSite, rel: str, old: str, new: str) -> None:
    text = site.read(rel)
    assert old in text, f"{old!r} not in {rel}"
    site.write(rel, text.replace(old, new, 1))


def test_an_unchanged_rebuild_renders_only_the_hand_written_pages(site: FixtureSite, preview: Preview, tmp_path):
    rendered = preview.rebuild()
    assert "lessen/kies-wat-doorgaat/index.html" not in rendered
    assert not any(page.startswith(("lessen/", "bestanddelen/", "interventies/", "themas/")) for page in rendered)
    assert_same_as_clean_build(site, tmp_path)


def test_editing_a_body_renders_that_page_and_not_the_unrelated_ones(site: FixtureSite, preview: Preview, tmp_path):
    edit(site, OTHER_LESSON, "[[kies-wat-doorgaat]].", "[[kies-wat-doorgaat]]. Een nieuwe zin over buurtpreventie.")
    rendered = preview.rebuild()
    assert "lessen/zie-signalen-vroeg/index.html" in rendered
    assert "Een nieuwe zin over buurtpreventie." in site.html("lessen/zie-signalen-vroeg/")
    assert "bestanddelen/lange-adem/index.html" not in rendered
    assert "interventies/frontlijnteams-leeuwarden/index.html" not in rendered
    assert_same_as_clean_build(site, tmp_path)
    # The browser search's model holds the new word too.
    assert '"buurtpreventie":' in (site.site_dir / MODEL_FILE).read_text("utf-8")


def test_a_new_title_reaches_every_page_that_shows_it(site: FixtureSite, preview: Preview, tmp_path):
    edit(site, FOCUS, "titel: Focus", "titel: Focus houden")
    rendered = preview.rebuild()
    # Its own page, the lesson that links [[focus]], and the listing of bestanddelen.
    assert {"bestanddelen/focus/index.html", "lessen/kies-wat-doorgaat/index.html"} <= rendered
    assert "bestanddelen/index.html" in rendered
    assert "Focus houden" in site.html("lessen/kies-wat-doorgaat/")
    assert_same_as_clean_build(site, tmp_path)


def test_a_new_link_updates_the_backlinks(site: FixtureSite, preview: Preview, tmp_path):
    edit(site, OTHER_LESSON, "[[kies-wat-doorgaat]].", "[[kies-wat-doorgaat]] en [[lange-adem]].")
    rendered = preview.rebuild()
    assert "bestanddelen/lange-adem/index.html" in rendered
    assert_same_as_clean_build(site, tmp_path)


def test_a_changed_thema_moves_the_item(site: FixtureSite, preview: Preview, tmp_path):
    edit(site, LESSON, "themas: [burgerschap]", "themas: [wijkveiligheid]")
    rendered = preview.rebuild()
    assert {"themas/burgerschap/index.html", "themas/wijkveiligheid/index.html"} <= rendered
    assert_same_as_clean_build(site, tmp_path)


def test_an_added_and_a_deleted_item(site: FixtureSite, preview: Preview, tmp_path):
    new = site.read(OTHER_LESSON).replace("titel: Zie signalen vroeg", "titel: Tel de lege woningen")
    site.write("lessons/tel-de-lege-woningen.md", new)
    preview.rebuild()
    assert "Tel de lege woningen" in site.html("lessen/tel-de-lege-woningen/")
    assert_same_as_clean_build(site, tmp_path)

    site.remove("lessons/tel-de-lege-woningen.md")
    preview.rebuild()
    assert not (site.site_dir / "lessen" / "tel-de-lege-woningen" / "index.html").exists()
    assert "tel-de-lege-woningen" not in (site.site_dir / "search" / "search_index.json").read_text("utf-8")
    assert "tel-de-lege-woningen" not in (site.site_dir / MODEL_FILE).read_text("utf-8")
    assert_same_as_clean_build(site, tmp_path)


def test_a_broken_then_fixed_item_leaves_no_banner_behind(site: FixtureSite, preview: Preview, tmp_path):
    edit(site, LESSON, "themas: [burgerschap]", "themas: [burgershap]")
    preview.rebuild()
    assert "wg-banner" in site.html("bestanddelen/lange-adem/")
    edit(site, LESSON, "themas: [burgershap]", "themas: [burgerschap]")
    preview.rebuild()
    assert_same_as_clean_build(site, tmp_path)


def test_editing_a_hand_written_page(site: FixtureSite, preview: Preview, tmp_path):
    edit(site, "docs/index.md", "\n", "\nEen nieuwe alinea op de voorpagina.\n")
    preview.rebuild()
    assert_same_as_clean_build(site, tmp_path)


def test_a_normal_build_after_a_preview_is_a_clean_one(site: FixtureSite, tmp_path):
    """MkDocs shares plugin objects within a process: the preview's cache must not leak out."""
    with Preview(site) as session:
        edit(site, FOCUS, "titel: Focus", "titel: Focus houden")
        session.rebuild()
    after = tmp_path / "after"
    build(load_config(str(site.root / "mkdocs.yml"), site_dir=str(after)))
    clean = tmp_path / "clean"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(clean)], cwd=site.root, check=True)
    assert outputs(after) == outputs(clean)


def _cli_build(site: FixtureSite, site_dir: Path, cache: Path) -> dict[str, bytes]:
    """`mkdocs build` in its own process, as an editor runs it, with `cache` as the cache folder."""
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site_dir)],
        cwd=site.root,
        check=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
    )
    return outputs(site_dir)


def test_builds_share_a_memo_and_no_stale_page_survives_it(site: FixtureSite, tmp_path):
    """Each build stores parse results, findings, key terms and the kaart layout under content
    hashes in the user's cache folder; the next build finds only what its inputs still hash to."""
    cache = tmp_path / "cache"
    _cli_build(site, site.site_dir, cache)
    memo = pipeline.memo_file(site.root).relative_to(os.environ["XDG_CACHE_HOME"])
    stored = cache / memo
    assert stored.is_file() and not stored.is_relative_to(site.root)
    first = stored.stat().st_mtime_ns
    _cli_build(site, site.site_dir, cache)
    assert stored.stat().st_mtime_ns == first  # everything was found in it: nothing new to store

    def same_as_clean(step: str) -> None:
        warm = _cli_build(site, site.site_dir, cache)
        clean = _cli_build(site, tmp_path / f"clean-{step}", tmp_path / f"cache-{step}")
        assert sorted(warm) == sorted(clean)
        assert [path for path in clean if warm[path] != clean[path]] == [], step

    edit(site, FOCUS, "titel: Focus", "titel: Focus houden")
    same_as_clean("titel")
    assert "Focus houden" in site.html("lessen/kies-wat-doorgaat/")
    edit(site, OTHER_LESSON, "[[kies-wat-doorgaat]].", "[[kies-wat-doorgaat]] en [[lange-adem]].")
    edit(site, LESSON, "themas: [burgerschap]", "themas: [wijkveiligheid]")
    same_as_clean("link-en-thema")
    site.write(
        "lessons/tel-de-lege-woningen.md",
        site.read(OTHER_LESSON).replace("titel: Zie signalen vroeg", "titel: Tel de lege woningen"),
    )
    same_as_clean("nieuw")
    site.remove(OTHER_LESSON)
    same_as_clean("weg")
    assert stored.stat().st_mtime_ns != first
    parsed = {key[0] for key in pipeline.read_memo(stored).parsed}
    assert "lessons/tel-de-lege-woningen.md" in parsed and OTHER_LESSON not in parsed  # only current files


def test_cache_false_keeps_nothing(site: FixtureSite, tmp_path):
    site.write(
        "mkdocs.yml", site.read("mkdocs.yml").replace("  - wijkengids\n", "  - wijkengids:\n      cache: false\n")
    )
    assert "cache: false" in site.read("mkdocs.yml")
    _cli_build(site, site.site_dir, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()
