"""Shared fixtures: real MkDocs sites built in tmp_path from the trees in tests/fixtures/."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

FIXTURES = Path(__file__).parent / "fixtures"
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class FixtureSite:
    """A project tree (content, data, docs, mkdocs.yml) in a temporary folder, built with MkDocs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.site_dir = root / "site"

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def config(self, **overrides: object):
        return load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site_dir), **overrides)

    def build(self, strict: bool = False, **overrides: object) -> None:
        build(self.config(strict=strict, **overrides))

    def html(self, page: str) -> str:
        """The built HTML of a page given by its URL path, e.g. `lessen/kies-wat-doorgaat/`."""
        path = self.site_dir / page
        if page.endswith("/") or not page.endswith(".html"):
            path = path / "index.html"
        return path.read_text(encoding="utf-8")

    def snapshot(self) -> dict[str, bytes]:
        """Every built file except the search index and sitemaps, by relative path."""
        return {
            p.relative_to(self.site_dir).as_posix(): p.read_bytes()
            for p in sorted(self.site_dir.rglob("*"))
            if p.is_file() and not p.name.startswith("sitemap")
        }


def make_site(tmp_path: Path, *overlays: str) -> FixtureSite:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "good", root)
    for overlay in overlays:
        shutil.copytree(FIXTURES / overlay, root, dirs_exist_ok=True)
    return FixtureSite(root)


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """`wijkengids check` keeps its cache in the user's cache folder: each test gets its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def site(tmp_path: Path) -> FixtureSite:
    return make_site(tmp_path)


@pytest.fixture
def bad_site(tmp_path: Path) -> FixtureSite:
    return make_site(tmp_path, "bad")


@pytest.fixture
def mkdocs_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="mkdocs")
    yield caplog
