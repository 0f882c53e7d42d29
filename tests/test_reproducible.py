"""Two builds of the same tree are byte-identical: every page, the sitemap (and its gzip), the
search index, the assets — also when they run in separate processes with different hash seeds,
so no set or dict order and no object id leaks into the output.

MkDocs dates the sitemap (`<lastmod>`) and the gzip header with the build day, so two builds on
different days differ there unless SOURCE_DATE_EPOCH is set (https://reproducible-builds.org):

    SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) .venv/bin/mkdocs build
"""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import make_site

EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC
MKDOCS = Path(sys.executable).with_name("mkdocs")


def _build(root: Path, site_dir: Path, seed: int, **env: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "PYTHONHASHSEED": str(seed),
        "SOURCE_DATE_EPOCH": str(EPOCH),
        "NO_MKDOCS_2_WARNING": "1",
    }
    environment.pop("WIJKENGIDS_OFFLINE", None)
    environment.update(env)
    return subprocess.Popen(
        [str(MKDOCS), "build", "--strict", "--quiet", "--site-dir", str(site_dir)],
        cwd=root,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _digests(site_dir: Path) -> dict[str, str]:
    return {
        p.relative_to(site_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site_dir.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Four builds in parallel: directory URLs and offline, each twice with another hash seed."""
    tmp = tmp_path_factory.mktemp("reproducible")
    site = make_site(tmp)
    # With a site_url the sitemap lists every page with its <lastmod> (without one it is empty).
    site.write("mkdocs.yml", site.read("mkdocs.yml") + "site_url: https://wijkengids.example/\n")
    offline = {"WIJKENGIDS_OFFLINE": "true"}
    plan = {"web-1": (1, {}), "web-2": (2, {}), "offline-1": (3, offline), "offline-2": (4, offline)}
    running = {name: _build(site.root, tmp / name, seed, **env) for name, (seed, env) in plan.items()}
    for name, process in running.items():
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name}: {output}"
    return {name: tmp / name for name in plan}


@pytest.mark.parametrize("kind", ["web", "offline"])
def test_two_builds_are_byte_identical(builds: dict[str, Path], kind: str):
    first, second = _digests(builds[f"{kind}-1"]), _digests(builds[f"{kind}-2"])
    assert len(first) > 50
    assert {"sitemap.xml", "sitemap.xml.gz"} <= set(first)
    assert ("search/search_index.json" if kind == "web" else "search/search_index.js") in first
    differing = sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))
    assert differing == []


def test_the_sitemap_is_dated_by_source_date_epoch(builds: dict[str, Path]):
    site = builds["web-1"]
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<lastmod>2023-11-14</lastmod>") == sitemap.count("<url>") > 20
    packed = (site / "sitemap.xml.gz").read_bytes()
    assert gzip.decompress(packed).decode("utf-8") == sitemap
    # The gzip header holds the file name and a timestamp (bytes 4-7): the build day, not the clock.
    assert int.from_bytes(packed[4:8], "little") == 1_699_920_000  # 2023-11-14 00:00 UTC
    assert b"sitemap.xml\x00" in packed[:40] and str(site).encode() not in packed
