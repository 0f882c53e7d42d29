"""The offline bundle for werkateliers: the whole guide as one zip that opens from a USB stick by
double-clicking index.html (file://, no server, no network), with a PDF werkblad per step.

The site is built with Material's offline plugin (no directory URLs, search index inlined) into a
temporary folder; the zip is written next to its destination and renamed into place, so a failed
build leaves any previous zip untouched and never a half-written file.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError

from .chromium import CHROMIUM, HEADLESS_ARGS
from .leeswijzer import werkblad_uri

# Fixed timestamp inside the zip, so two bundles of the same tree are identical.
ZIP_TIMESTAMP = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class BundleResult:
    path: Path
    size: int
    pages: int
    pdfs: int
    seconds: float


def default_name(today: dt.date, subset: str | None = None) -> str:
    """`wijkengids-offline-2026-11-22.zip`, or `wijkengids-offline-thema-burgerschap-2026-11-22.zip`."""
    part = f"{subset.replace(':', '-')}-" if subset else ""
    return f"wijkengids-offline-{part}{today.isoformat()}.zip"


@contextmanager
def _offline_env() -> Iterator[None]:
    """Switch on the offline plugin configured in mkdocs.yml for the duration of one build."""
    old = os.environ.get("WIJKENGIDS_OFFLINE")
    os.environ["WIJKENGIDS_OFFLINE"] = "true"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("WIJKENGIDS_OFFLINE", None)
        else:
            os.environ["WIJKENGIDS_OFFLINE"] = old


def build_offline_site(config_file: Path, site_dir: Path, subset: str | None = None) -> None:
    """Build the site for file:// with --strict: any content problem aborts the bundle.

    Arguments:
        subset: `thema:<id>` or `stap:<n>` to publish only that part plus one hop (see `subset`).
    """
    with _offline_env():
        config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
        if not config.plugins.get("material/offline") and not config.plugins.get("offline"):
            raise ConfigurationError("mkdocs.yml mist de plugin `offline` (enabled: !ENV [WIJKENGIDS_OFFLINE, false])")
        if subset:
            config.plugins["wijkengids"].config["subset"] = subset
        build(config)


def print_werkbladen(site_dir: Path, count: int = 5) -> list[Path]:
    """Print each step's werkblad page to PDF with headless Chromium."""
    out_dir = site_dir / "werkbladen"
    out_dir.mkdir(exist_ok=True)
    pdfs = []
    for nummer in range(1, count + 1):
        page = site_dir / werkblad_uri(nummer).replace(".md", ".html")
        pdf = out_dir / f"werkblad-stap-{nummer}.pdf"
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                *HEADLESS_ARGS,
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pdfs.append(pdf)
    return pdfs


def write_zip_atomically(site_dir: Path, target: Path) -> int:
    """Zip the folder into `target` via a temporary file in the same directory, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in sorted(site_dir.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo(path.relative_to(site_dir).as_posix(), ZIP_TIMESTAMP)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, path.read_bytes())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target.stat().st_size


def make_bundle(
    root: Path,
    output: Path | None = None,
    *,
    pdf: bool = True,
    today: dt.date | None = None,
    subset: str | None = None,
) -> BundleResult:
    """Build the offline site and write the zip.

    Arguments:
        root: Project root with mkdocs.yml.
        output: Zip path; default `wijkengids-offline-<date>.zip` in the current folder.
        pdf: Also print the werkbladen to PDF (needs Chromium).
        subset: `thema:<id>` or `stap:<n>`: only that part of the guide, plus one hop.
    """
    start = time.perf_counter()
    target = (output or Path(default_name(today or dt.date.today(), subset))).resolve()
    with tempfile.TemporaryDirectory(prefix="wijkengids-bundel-") as tmp:
        site_dir = Path(tmp) / "wijkengids"
        build_offline_site(root / "mkdocs.yml", site_dir, subset)
        pdfs = print_werkbladen(site_dir) if pdf else []
        pages = sum(1 for _ in site_dir.rglob("*.html"))
        size = write_zip_atomically(site_dir, target)
    return BundleResult(target, size, pages, len(pdfs), time.perf_counter() - start)


@click.command("bundel")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Pad van de zip.")
@click.option("--pdf/--geen-pdf", default=True, help="Werkbladen als PDF toevoegen (vraagt Chromium).")
@click.option("--thema", help="Alleen dit thema (id), plus wat het direct noemt.")
@click.option("--stap", type=click.IntRange(1, 5), help="Alleen deze stap, plus wat die direct noemt.")
def bundel(root: Path, output: Path | None, pdf: bool, thema: str | None, stap: int | None) -> None:
    """Maak de offline bundel: één zip die werkt vanaf een USB-stick (index.html dubbelklikken)."""
    if thema and stap:
        raise click.UsageError("kies --thema of --stap, niet allebei")
    subset = f"thema:{thema}" if thema else f"stap:{stap}" if stap else None
    if pdf and not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        raise click.ClickException(f"Chromium niet gevonden ({CHROMIUM}); installeer het of gebruik --geen-pdf")
    try:
        result = make_bundle(root.resolve(), output, pdf=pdf, subset=subset)
    except (Abort, ConfigurationError) as exc:
        raise click.ClickException(f"de site bouwt niet, er is geen bundel geschreven: {exc}") from exc
    click.echo(
        f"{result.path} — {result.size / 1_000_000:.1f} MB, {result.pages} pagina's, "
        f"{result.pdfs} werkbladen (PDF), {result.seconds:.0f} s"
    )
