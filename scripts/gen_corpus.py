"""Generate a synthetic but valid wijkengids corpus of N items (fixed seed) for benchmarks.

Usage: python scripts/gen_corpus.py N OUT

OUT becomes a complete project: mkdocs.yml, data/ (copied from this repository), docs/ and the four
collections, with realistic Dutch frontmatter, [[id]] links and 400-800 word bodies. The same N
always gives the same files.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SEED = 20261123

WORDS = (
    "wijk buurt bewoners gemeente corporatie welzijn opbouwwerker wijkagent frontlijn regie budget "
    "vertrouwen participatie initiatief armoede schulden werkloosheid school jongeren ouderen gezin "
    "zorg veiligheid overlast samenwerking coalitie analyse signalen cijfers doelen programma aanpak "
    "uitvoering borging evaluatie resultaat kosten baten ondernemer winkel plein straat portiek "
    "huurders eigenaren vrijwilligers sleutelfiguren netwerk mandaat doorzettingsmacht focus kansen "
    "talent werk inkomen gezondheid sport cultuur groen speelplek buurthuis bijeenkomst gesprek plan"
).split()
THEMAS = [
    "achter-de-voordeur",
    "gezonde-wijk",
    "ondernemend-maatschappelijk-initiatief",
    "burgerschap",
    "wijkveiligheid",
    "demografische-ontwikkeling",
]
PLAATSEN = [
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Utrecht",
    "Eindhoven",
    "Arnhem",
    "Leeuwarden",
    "Enschede",
    "Heerlen",
    "Zaanstad",
]


SYLLABLES = "ka ro ver wijk bo ten la mi de sta hui ge ling schap plan zorg buurt raad werk straat".split()


def _lexicon(rng: random.Random, size: int = 4000) -> list[str]:
    """Dutch-looking compounds, so items differ as real texts do (and the duplicate check stays quiet)."""
    return sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)})


LEXICON: list[str] = _lexicon(random.Random(SEED))


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.4 else rng.choice(LEXICON) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, links: list[str]) -> str:
    parts = [sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(4, 7))]
    if links and rng.random() < 0.7:
        parts.insert(rng.randrange(len(parts)), f"Zie ook [[{rng.choice(links)}]].")
    return " ".join(parts)


def frontmatter(data: dict) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n\n"


def generate(n: int, out: Path) -> None:
    rng = random.Random(SEED)
    if out.exists():
        shutil.rmtree(out)
    for folder in ("lessons", "bestanddelen", "themas", "interventies", "docs/leeswijzer"):
        (out / folder).mkdir(parents=True)
    shutil.copytree(REPO / "data", out / "data")
    vocab = {
        name: [e["id"] for e in yaml.safe_load((REPO / "data" / f"{name}.yml").read_text())]
        for name in ("actoren", "signalen")
    }
    n_bestanddelen = max(4, n // 12)
    n_interventies = max(2, n // 4)
    n_lessen = max(2, n - n_bestanddelen - n_interventies - len(THEMAS))
    bestanddelen = [f"bestanddeel-{i:04d}" for i in range(n_bestanddelen)]
    interventies = [f"interventie-{i:04d}" for i in range(n_interventies)]
    lessen = [f"les-{i:04d}" for i in range(n_lessen)]
    everything = bestanddelen + interventies + lessen

    def common(title: str) -> dict:
        return {
            "titel": title,
            "samenvatting": sentence(rng, 14),
            "stappen": sorted(rng.sample(range(1, 6), rng.randint(1, 2))),
            "themas": rng.sample(THEMAS, rng.randint(1, 2)),
            "bestanddelen": rng.sample(bestanddelen, 2),
            "interventies": rng.sample(interventies, 1),
            "signalen": rng.sample(vocab["signalen"], 1),
            "actoren": rng.sample(vocab["actoren"], 2),
            "bewijs": rng.choice(["praktijk", "praktijk", "onderzocht", "effectief"]),
            "bronnen": [{"bron": "visitatie-2011", "sectie": "2.2 Het belang van focus aanbrengen"}],
        }

    def body(sections: list[str]) -> str:
        return (
            "\n\n".join(f"## {s}\n\n{paragraph(rng, everything)}\n\n{paragraph(rng, everything)}" for s in sections)
            + "\n"
        )

    for i, thema in enumerate(THEMAS, start=1):
        data = {
            "titel": thema.replace("-", " ").capitalize(),
            "samenvatting": sentence(rng, 12),
            "nummer": i,
            "stappen": [1, 2, 3, 4, 5],
            "bewijs": "praktijk",
            "bronnen": [{"bron": "leeswijzer-wijkengids", "sectie": "Thema's"}],
        }
        (out / "themas" / f"{thema}.md").write_text(frontmatter(data) + body(["Waar het over gaat"]), encoding="utf-8")
    for item_id in bestanddelen:
        data = common(f"Bestanddeel {item_id[-4:]}: {rng.choice(WORDS)}")
        data["bestanddelen"] = []
        data["waarom"] = sentence(rng, 12)
        data["valkuilen"] = [sentence(rng, 6), sentence(rng, 6)]
        (out / "bestanddelen" / f"{item_id}.md").write_text(
            frontmatter(data)
            + body(["Wat is het", "Waarom het werkt", "Hoe herken je het in de praktijk", "Valkuilen"]),
            encoding="utf-8",
        )
    for item_id in interventies:
        data = common(f"Interventie {item_id[-4:]} in {rng.choice(PLAATSEN)}")
        data["interventies"] = []
        data.update(
            plaats=rng.choice(PLAATSEN),
            doel=sentence(rng, 10),
            doelgroep=sentence(rng, 5),
            resultaten=sentence(rng, 10),
        )
        (out / "interventies" / f"{item_id}.md").write_text(
            frontmatter(data) + body(["Aanpak", "Wie", "Resultaten", "Lessen"]), encoding="utf-8"
        )
    for item_id in lessen:
        data = common(f"Les {item_id[-4:]}: {sentence(rng, 5).rstrip('.')}")
        (out / "lessons" / f"{item_id}.md").write_text(
            frontmatter(data) + body(["Wat we zagen", "Wat je kunt doen", "Let op"]), encoding="utf-8"
        )
    (out / "docs" / "index.md").write_text("# Wijkengids (benchmark)\n\nSynthetisch corpus.\n", encoding="utf-8")
    (out / "mkdocs.yml").write_text(
        (REPO / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0]
        + "\nnav:\n  - Home: index.md\n  - Leeswijzer:\n"
        + "".join(f"      - leeswijzer/stap-{s}.md\n" for s in range(1, 6))
        + "  - Thema's: themas/index.md\n  - Bestanddelen: bestanddelen/index.md\n"
        + "  - Interventies: interventies/index.md\n"
        + "  - Lessen: lessen/index.md\n  - Bronnen: bronnen/index.md\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
