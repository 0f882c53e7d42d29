"""Search-quality benchmark: realistic Dutch questions against `wijkengids zoek` and the browser search.

The questions and the pages that answer them live in scripts/search_questions.yml. For each engine
the script reports recall@5 (the share of a question's answers in the first five results, out of at
most five), MRR (1 / rank of the first answer, averaged) and hit@5 (a question with at least one
answer in the first five), and lists the misses: questions with no answer in the first five.

The browser search is the site's own (the wijkengids worker behind Material's search box), driven
by typing into the search box of the real site in headless Chromium. The site is built into a
temporary folder (or taken from --site), served by a short-lived http.server on 127.0.0.1 and shut
down afterwards; every wait is bounded. Each distinct page in the result list counts as a rank,
also index and step pages.

    .venv/bin/python scripts/search_bench.py               # both engines
    .venv/bin/python scripts/search_bench.py --no-browser  # only `wijkengids zoek`
    .venv/bin/python scripts/search_bench.py --node --site SITE  # the worker's ranking in Node, 2 s
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from wijkengids.chromium import CHROMIUM, HEADLESS_ARGS, static_server
from wijkengids.loader import load
from wijkengids.search import cache_dir, load_synonyms
from wijkengids.whoosh_index import open_index

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = Path(__file__).with_name("search_questions.yml")
K = 5
_ITEM_URL = re.compile(r"/(lessen|bestanddelen|interventies|themas)/([a-z0-9-]+)/?$")


@dataclass(frozen=True)
class Question:
    vraag: str
    soort: str
    antwoorden: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    question: Question
    ranked: tuple[str, ...]  # result ids (or page paths for non-item pages), best first

    @property
    def first_rank(self) -> int | None:
        return next((n for n, r in enumerate(self.ranked, start=1) if r in self.question.antwoorden), None)

    @property
    def recall(self) -> float:
        found = len(set(self.ranked[:K]) & set(self.question.antwoorden))
        return found / min(len(self.question.antwoorden), K)

    @property
    def rr(self) -> float:
        rank = self.first_rank
        return 1 / rank if rank else 0.0

    @property
    def hit(self) -> bool:
        rank = self.first_rank
        return rank is not None and rank <= K


def read_questions(path: Path, known: set[str]) -> list[Question]:
    questions = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        answers = tuple(a for a in entry["antwoorden"] if a in known)
        unknown = [a for a in entry["antwoorden"] if a not in known]
        if unknown:
            print(f"  let op: onbekende id(s) bij '{entry['vraag']}': {', '.join(unknown)}", file=sys.stderr)
        if answers:
            questions.append(Question(str(entry["vraag"]), str(entry.get("soort", "vraag")), answers))
    return questions


def page_paths(docs: Path) -> set[str]:
    """The site paths of the hand-written pages (`/toepassing/rem-op-de-projectencarrousel/`): an
    answer can be one of them, as the browser search finds them too."""
    paths = set()
    for md in docs.rglob("*.md"):
        rel = md.relative_to(docs).with_suffix("")
        folder = rel.parent if rel.name == "index" else rel
        paths.add("/" if str(folder) == "." else f"/{folder.as_posix()}/")
    return paths


def items_only(questions: Sequence[Question]) -> list[Question]:
    """The questions as `wijkengids zoek` can answer them: it searches items, not pages."""
    kept = [Question(q.vraag, q.soort, tuple(a for a in q.antwoorden if not a.startswith("/"))) for q in questions]
    return [q for q in kept if q.antwoorden]


def report(name: str, outcomes: Sequence[Outcome], seconds: float, detail: bool = False) -> dict[str, object]:
    n = len(outcomes)
    recall = sum(o.recall for o in outcomes) / n
    mrr = sum(o.rr for o in outcomes) / n
    hits = sum(o.hit for o in outcomes) / n
    print(f"\n{name}: recall@{K} {recall:.3f}  MRR {mrr:.3f}  hit@{K} {hits:.3f}  ({n} vragen, {seconds:.1f} s)")
    by_kind: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_kind.setdefault(o.question.soort, []).append(o)
    for kind, group in sorted(by_kind.items()):
        r, m = sum(o.recall for o in group) / len(group), sum(o.rr for o in group) / len(group)
        print(f"  {kind:<9} recall@{K} {r:.2f}  MRR {m:.2f}  ({len(group)})")
    misses = [o for o in outcomes if not o.hit]
    if misses:
        print(f"  missers ({len(misses)}):")
        for o in misses:
            rank = o.first_rank
            where = f"eerste antwoord op plaats {rank}" if rank else "geen antwoord gevonden"
            print(
                f"    - {o.question.vraag!r} ({o.question.soort}): {where}; bovenaan: {', '.join(o.ranked[:3]) or '—'}"
            )
    if detail:
        partial = [o for o in outcomes if o.hit and o.recall < 1]
        print(f"  onvolledig ({len(partial)}): antwoorden buiten de eerste {K}, met hun plaats")
        for o in partial:
            lost = [
                f"{a} ({o.ranked.index(a) + 1 if a in o.ranked else '—'})"
                for a in o.question.antwoorden
                if a not in o.ranked[:K]
            ]
            print(f"    - {o.question.vraag!r} {o.recall:.2f}: {', '.join(lost)}; bovenaan: {', '.join(o.ranked[:K])}")
    return {
        "engine": name,
        "recall@5": round(recall, 3),
        "mrr": round(mrr, 3),
        "hit@5": round(hits, 3),
        "misses": [o.question.vraag for o in misses],
    }


# ---------------------------------------------------------------------------------------------
# Engines


def whoosh_engine(root: Path) -> Callable[[str], list[str]]:
    corpus, _ = load(root, root / "data")
    synonyms, _ = load_synonyms(root / "data", root)
    index = open_index(corpus, synonyms, cache_dir(root))
    return lambda q: [h.id for h in index.search(q, limit=20)]


def _page_key(href: str) -> str:
    path = re.split(r"[#?]", href, maxsplit=1)[0].split("://", 1)[-1].split("/", 1)[-1]
    m = _ITEM_URL.search("/" + path)
    return m.group(2) if m else "/" + path


def browser_results(base: str, questions: Sequence[str], budget: float = 300.0) -> list[list[str]]:
    """Type each question into Material's search box and read the ranked result pages."""
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + budget
    results: list[list[str]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(HEADLESS_ARGS))
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.goto(base)
            for question in questions:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"browserdeel duurde langer dan {budget:.0f} s")
                page.click("input.md-search__input")
                page.fill("input.md-search__input", "")
                # Wait for the empty state, so the previous question's results are never read.
                page.wait_for_function(
                    "() => /Typ om/.test(document.querySelector('.md-search-result__meta').textContent)"
                )
                page.keyboard.type(question)
                results.append(_settled(page))
        finally:
            browser.close()
    return results


def node_results(site: Path, questions: Sequence[str]) -> list[list[str]]:
    """The same worker's ranking, run in Node (scripts/worker_ranking.js): seconds, not a minute."""
    script = Path(__file__).with_name("worker_ranking.js")
    done = subprocess.run(
        ["node", str(script), str(site)],
        input=json.dumps(list(questions)),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return [list(dict.fromkeys(_page_key("/" + loc) for loc in locs)) for locs in json.loads(done.stdout)]


def _settled(page: object, limit: float = 8.0) -> list[str]:
    """The result list once it has stopped changing (Material debounces and renders in steps)."""
    end = time.monotonic() + limit
    last: list[str] | None = None
    stable = 0
    while time.monotonic() < end:
        meta = page.text_content(".md-search-result__meta") or ""  # type: ignore[attr-defined]
        hrefs = page.eval_on_selector_all(  # type: ignore[attr-defined]
            ".md-search-result__item > .md-search-result__link", "els => els.map(e => e.href)"
        )
        if "Typ om" not in meta:
            stable = stable + 1 if hrefs == last else 0
            if stable >= 3:
                break
        last = hrefs
        page.wait_for_timeout(100)  # type: ignore[attr-defined]
    keys = list(dict.fromkeys(_page_key(h) for h in last or []))
    return keys


def build_site(root: Path, target: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(target)]
    subprocess.run(cmd, check=True, env=env, timeout=600, cwd=root)


# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--no-browser", action="store_true", help="only `wijkengids zoek`")
    parser.add_argument("--site", type=Path, help="an already built site (skips the build)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--node", action="store_true", help="run the browser's worker in Node, not Chromium")
    parser.add_argument("--detail", action="store_true", help="also list answers outside the first five")
    args = parser.parse_args(argv)
    root = args.root.resolve()

    corpus, _ = load(root, root / "data")
    questions = read_questions(args.questions, {str(i.id) for i in corpus.items} | page_paths(root / "docs"))
    print(f"{len(questions)} vragen, {len(corpus.items)} items")
    figures = []

    start = time.perf_counter()
    search = whoosh_engine(root)
    outcomes = [Outcome(q, tuple(search(q.vraag))) for q in items_only(questions)]
    figures.append(report("wijkengids zoek", outcomes, time.perf_counter() - start, args.detail))

    if not args.no_browser:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="wg-bench-") as tmp:
            site = args.site
            if site is None:
                site = Path(tmp) / "site"
                build_site(root, site)
            built = time.perf_counter() - start
            if args.node:
                ranked = node_results(site, [q.vraag for q in questions])
            else:
                with static_server(site) as base:
                    ranked = browser_results(base, [q.vraag for q in questions])
        outcomes = [Outcome(q, tuple(r)) for q, r in zip(questions, ranked, strict=True)]
        runner = "Node" if args.node else "Material"
        figures.append(
            report(f"browser ({runner}, build {built:.0f} s)", outcomes, time.perf_counter() - start, args.detail)
        )

    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
