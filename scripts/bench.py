"""Benchmark: our build versus plain Material on the same generated pages, measured in one run.

Usage: python scripts/bench.py [--sizes 100 1000 5000] [--runs 3] [--real]
       python scripts/bench.py --serve [--sizes 1000] [--runs 3]

For each size N a synthetic corpus is generated (scripts/gen_corpus.py, fixed seed). "plain" is the
same Markdown files as ordinary MkDocs pages with a small nav and no wijkengids plugin; "ours" is the
project with the plugin. Runs alternate (plain, ours, plain, ours, …) so machine noise hits both;
each build is a separate process, timed by wall clock, its peak memory read from wait4's rusage
(the largest of the build's processes: the plugin's second process, see background.py, is not added).
"met plugin" is a first build, without the plugin's cache (as on CI); "tweede build" the next one,
which finds parse results, findings, key terms and the kaart layout in the cache the first left
(`pipeline.memo_file`). The caches live in a temporary folder, not the user's.
Prints a Markdown table with medians and the ratio ours/plain. With --real it also measures the
real content: `wijkengids check` time (without and with its cache), HTML per item page, search
index size and the offline zip.

--serve measures edit-and-preview instead: in one process, as `mkdocs serve --dirty` runs it, a first
full build, then per run one lesson's body edited and the site rebuilt. It reports the median
rebuild against the full build and checks that every page equals a clean build's afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "scripts"))
from gen_corpus import generate  # noqa: E402
from wijkengids.pipeline import memo_file  # noqa: E402


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # XDG_CACHE_HOME as main() set it
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def plain_variant(project: Path, out: Path) -> None:
    """The same pages as ordinary MkDocs Markdown, small nav, Material only."""
    docs = out / "docs"
    shutil.copytree(project / "docs", docs)
    for folder, prefix in (
        ("lessons", "lessen"),
        ("bestanddelen", "bestanddelen"),
        ("themas", "themas"),
        ("interventies", "interventies"),
    ):
        shutil.copytree(project / folder, docs / prefix)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0]
    config = config.replace("  - wijkengids\n", "")
    nav = "\nnav:\n  - Home: index.md\n" + "".join(
        f"  - {p.capitalize()}: {p}/{sorted((docs / p).glob('*.md'))[0].name}\n"
        for p in ("lessen", "bestanddelen", "interventies", "themas")
    )
    (out / "mkdocs.yml").write_text(config + nav, encoding="utf-8")


def bench_size(n: int, runs: int, work: Path) -> dict[str, float]:
    ours = work / f"ours-{n}"
    plain = work / f"plain-{n}"
    generate(n, ours)
    plain_variant(ours, plain)
    mkdocs = [str(BIN / "mkdocs"), "build", "-q", "-d"]
    times: dict[str, list[float]] = {"plain": [], "ours": [], "warm": []}
    memory: dict[str, list[float]] = {"plain": [], "ours": [], "warm": []}
    for _ in range(runs):
        # ours: a first build (no cache, as CI's); warm: the next build, with the memo the first left.
        memo_file(ours).unlink(missing_ok=True)
        for name, project in (("plain", plain), ("ours", ours), ("warm", ours)):
            seconds, mb = timed([*mkdocs, str(work / f"site-{name}-{n}")], project)
            times[name].append(seconds)
            memory[name].append(mb)
    check_s, check_warm_s, check_edit_s = check_times(ours)
    plain_s, ours_s, warm_s = (statistics.median(times[name]) for name in ("plain", "ours", "warm"))
    plain_mb, ours_mb = max(memory["plain"]), max(memory["ours"] + memory["warm"])
    return {
        "n": n,
        "plain": plain_s,
        "ours": ours_s,
        "ratio": ours_s / plain_s,
        "warm": warm_s,
        "warm_ratio": warm_s / plain_s,
        "plain_mb": plain_mb,
        "ours_mb": ours_mb,
        "mem_ratio": ours_mb / plain_mb,
        "check": check_s,
        "check_warm": check_warm_s,
        "check_edit": check_edit_s,
    }


def check_times(project: Path, runs: int = 3) -> tuple[float, float, float]:
    """`wijkengids check` from nothing (no cache); again with nothing changed (everything from
    the cache); and an editor's next check after editing one lesson: per-file results of the
    unchanged files then come from the cache. The last two are medians of `runs`."""
    command = [str(BIN / "wijkengids"), "check", "--root", str(project)]
    memo_file(project).unlink(missing_ok=True)
    cold, _ = timed(command, project)
    warm = statistics.median(timed(command, project)[0] for _ in range(runs))
    lesson = sorted((project / "lessons").glob("*.md"))[0]
    edits = []
    for n in range(runs):
        lesson.write_text(lesson.read_text(encoding="utf-8") + f"\nEen zin erbij ({n}).\n", encoding="utf-8")
        edits.append(timed(command, project)[0])
    return cold, warm, statistics.median(edits)


def real_content(work: Path) -> list[tuple[str, str]]:
    rows = []
    memo_file(REPO).unlink(missing_ok=True)
    check_s, _ = timed([str(BIN / "wijkengids"), "check", "--root", str(REPO)], REPO)
    rows.append(("`wijkengids check` op de echte inhoud (zonder cache)", f"{check_s:.2f} s"))
    check_s, _ = timed([str(BIN / "wijkengids"), "check", "--root", str(REPO)], REPO)
    rows.append(("`wijkengids check` op de echte inhoud (tweede keer)", f"{check_s:.2f} s"))
    site = work / "real-site"
    memo_file(REPO).unlink(missing_ok=True)
    build_s, _ = timed([str(BIN / "mkdocs"), "build", "-q", "-d", str(site)], REPO)
    rows.append(("`mkdocs build` van de echte site (zonder cache)", f"{build_s:.1f} s"))
    warm_s, _ = timed([str(BIN / "mkdocs"), "build", "-q", "-d", str(site)], REPO)
    rows.append(("`mkdocs build` van de echte site (tweede keer)", f"{warm_s:.1f} s"))
    pages = [
        p
        for folder in ("lessen", "bestanddelen", "interventies", "themas")
        for p in (site / folder).glob("*/index.html")
    ]
    sizes = [p.stat().st_size for p in pages]
    rows.append(
        (
            "HTML per itempagina (mediaan / max)",
            f"{statistics.median(sizes) / 1024:.0f} KB / {max(sizes) / 1024:.0f} KB",
        )
    )
    # What the browser loads for search: Material's page list and the wijkengids ranking model.
    index = site / "search" / "search_index.json"
    model = site / "assets" / "wijkengids" / "zoekdata.js"
    sizes_mb = [index.stat().st_size / 1_000_000, model.stat().st_size / 1_000_000]
    rows.append(
        ("Zoekindex (Material-index + zoekmodel)", f"{sum(sizes_mb):.2f} MB ({sizes_mb[0]:.2f} + {sizes_mb[1]:.2f})")
    )
    zip_path = work / "bundle.zip"
    bundle_s, _ = timed([str(BIN / "wijkengids"), "bundel", "--root", str(REPO), "-o", str(zip_path)], REPO)
    rows.append(
        ("Offline zip (met PDF-werkbladen)", f"{zip_path.stat().st_size / 1_000_000:.1f} MB in {bundle_s:.0f} s")
    )
    return rows


# One `mkdocs serve --dirty` session in its own process (MkDocs keeps plugin objects per process).
# Prints JSON: the first full build's seconds and each rebuild's seconds after one edited body.
SERVE_SESSION = """
import json, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

project, site, runs = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def config():
    return load_config(str(project / "mkdocs.yml"), site_dir=site, strict=False)  # as `make serve`
cfg = config()
cfg.plugins.on_startup(command="serve", dirty=True)
start = time.perf_counter()
build(cfg, dirty=True)
full = time.perf_counter() - start
lessons = sorted((project / "lessons").glob("*.md"))
lesson = lessons[len(lessons) // 2]
rebuilds = []
for run in range(runs):
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text + f"\\nEen extra alinea over de buurt, bewerking {run}.\\n", encoding="utf-8")
    start = time.perf_counter()
    build(config(), dirty=True)
    rebuilds.append(time.perf_counter() - start)
cfg.plugins.on_shutdown()
print(json.dumps({"full": full, "rebuilds": rebuilds, "lesson": lesson.name}))
"""

# The clean build to compare with: serve's preview templates, no dirty mode.
CLEAN_PREVIEW = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2], strict=False)
config.plugins.on_startup(command="serve", dirty=False)
build(config)
config.plugins.on_shutdown()
"""


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def bench_serve(n: int, runs: int, work: Path) -> dict[str, object]:
    project = work / f"serve-{n}"
    generate(n, project)
    site, clean = work / f"serve-site-{n}", work / f"serve-clean-{n}"
    out = subprocess.run(
        [sys.executable, "-c", SERVE_SESSION, str(project), str(site), str(runs)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"serve session failed:\n{out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    subprocess.run(
        [sys.executable, "-c", CLEAN_PREVIEW, str(project / "mkdocs.yml"), str(clean)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        check=True,
    )
    served, expected = site_files(site), site_files(clean)
    differing = sorted(path for path in expected.keys() | served.keys() if served.get(path) != expected.get(path))
    rebuild = statistics.median(result["rebuilds"])
    return {
        "n": n,
        "full": result["full"],
        "rebuild": rebuild,
        "ratio": rebuild / result["full"],
        "differing": differing,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--real", action="store_true", help="ook de echte inhoud meten")
    parser.add_argument("--serve", action="store_true", help="herbouw na één bewerking in `mkdocs serve --dirty`")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wijkengids-bench-") as tmp:
        work = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # the caches of these runs only, removed after
        if args.serve:
            print(
                "| items | volledige build | herbouw na één bewerking | verhouding | pagina's anders dan schone build |"
            )
            print("|---:|---:|---:|---:|---:|")
            for n in args.sizes:
                r = bench_serve(n, args.runs, work)
                differing = r["differing"]
                shown = f"{len(differing)}" + (f" ({', '.join(differing[:5])})" if differing else "")
                print(
                    f"| {r['n']} | {r['full']:.1f} s | {r['rebuild']:.2f} s | {r['ratio']:.2f} | {shown} |", flush=True
                )
            return
        print(
            "| items | plain Material | met plugin | verhouding | tweede build | verhouding | geheugen plain "
            "| geheugen plugin | verhouding | check | check, niets gewijzigd | check na één bewerking |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in args.sizes:
            r = bench_size(n, args.runs, work)
            print(
                f"| {r['n']} | {r['plain']:.1f} s | {r['ours']:.1f} s | {r['ratio']:.2f} | {r['warm']:.1f} s | "
                f"{r['warm_ratio']:.2f} | {r['plain_mb']:.0f} MB | "
                f"{r['ours_mb']:.0f} MB | {r['mem_ratio']:.2f} | {r['check']:.2f} s | "
                f"{r['check_warm']:.2f} s | {r['check_edit']:.2f} s |",
                flush=True,
            )
        if args.real:
            print("\n| echte inhoud | gemeten |\n|---|---:|")
            for label, value in real_content(work):
                print(f"| {label} | {value} |", flush=True)


if __name__ == "__main__":
    main()
