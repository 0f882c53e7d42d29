"""Search: the Dutch analyzer, synonyms, the cached Whoosh index, `wijkengids zoek`, the browser
search's model and the duplicate warning, on copies of the fixture tree."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wijkengids import pipeline
from wijkengids.browser_search import MODEL_FILE
from wijkengids.cli import main, settings_for
from wijkengids.loader import load
from wijkengids.search import (
    DUPLICATE_THRESHOLD,
    analyze,
    analyzer,
    cache_dir,
    corpus_key_terms,
    duplicate_diagnostics,
    load_synonyms,
    similar_pairs,
)
from wijkengids.whoosh_index import open_index

from .conftest import FIXTURES, FixtureSite

ROOT = Path(__file__).resolve().parent.parent

SYNONYMS = """\
- termen: [MPG, multiprobleemgezin, multiprobleemgezinnen]
- termen: [1G1P1R, één gezin één plan]
  uitleg: Frontlijnaanpak.
- termen: [wijkagent, politie]
"""

PARTICIPATIE = """\
---
titel: Laat bewoners echt meedoen
samenvatting: Over de participatie van bewoners bij plannen voor hun straat.
stappen: [2]
themas: [burgerschap]
bestanddelen: [focus]
bewijs: praktijk
bronnen:
  - bron: visitatie-2011
    sectie: "2.4 Burgerparticipatie"
---

## Wat we zagen

Bewoners willen praten over hun eigen straat. Participatie van bewoners werkt als de gemeente
laat zien wat er met hun inbreng gebeurt, en als bewoners zelf kunnen kiezen waarover ze praten.

## Wat je kunt doen

- Begin bij de straat.
"""

BEWONERSPARTICIPATIE = """\
---
titel: Kies een vorm die past
samenvatting: Vergaderen is niet voor iedereen.
stappen: [3]
themas: [wijkveiligheid]
bestanddelen: [lange-adem]
bewijs: praktijk
bronnen:
  - bron: visitatie-2011
    sectie: "2.4 Burgerparticipatie"
---

## Wat we zagen

Bewonersparticipatie via avondvergaderingen bereikt steeds dezelfde mensen. Wie anders wil
werken, zoekt vormen die passen bij hoe mensen hun dagen doorbrengen, in de wijk en daarbuiten.
"""


def lesson(titel: str, samenvatting: str, body: str, sectie: str = "2.2 Focus") -> str:
    """A valid lesson file with these texts (one thema, one bestanddeel, step 2)."""
    return f"""---
titel: {titel}
samenvatting: {samenvatting}
stappen: [2]
themas: [burgerschap]
bestanddelen: [focus]
bewijs: praktijk
bronnen:
  - bron: visitatie-2011
    sectie: "{sectie}"
---

## Wat we zagen

{body}
"""


# A number the reader typed outweighs the other words in a title (NUMBER_BOOST): the pair below
# ranks the other way round when a number counts as a word.
INITIATIEVEN_IN_DE_TITEL = lesson(
    "Rem de stroom van initiatieven",
    "Minder en beter gekozen werk geeft de wijkaanpak richting.",
    "Elk nieuw probleem kreeg een eigen aanpak, en niets werd gestopt. Zo groeide het aanbod sneller\n"
    "dan iemand het kon volgen.",
)
INITIATIEVEN_GETELD = lesson(
    "Tel wat er loopt",
    "Een telling maakt de versnippering zichtbaar voor alle partners.",
    "In de plannen van de wijken stonden samen ruim 1000 initiatieven. Pas die telling liet zien hoe\n"
    "versnipperd de inzet was.",
)


def _tree(tmp_path: Path, synonyms: str | None = SYNONYMS) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "good", root)
    if synonyms is not None:
        (root / "data" / "synoniemen.yml").write_text(synonyms, encoding="utf-8")
    (root / "lessons" / "laat-bewoners-echt-meedoen.md").write_text(PARTICIPATIE, encoding="utf-8")
    (root / "lessons" / "kies-een-vorm-die-past.md").write_text(BEWONERSPARTICIPATIE, encoding="utf-8")
    (root / "lessons" / "rem-de-stroom-van-initiatieven.md").write_text(INITIATIEVEN_IN_DE_TITEL, encoding="utf-8")
    (root / "lessons" / "tel-wat-er-loopt.md").write_text(INITIATIEVEN_GETELD, encoding="utf-8")
    return root


def _index(root: Path):
    corpus, _ = load(root, root / "data")
    synonyms, problems = load_synonyms(root / "data", root)
    assert problems == []
    return open_index(corpus, synonyms, cache_dir(root))


def _ids(index, query: str, **filters) -> list[str]:
    return [h.id for h in index.search(query, **filters)]


# ---------------------------------------------------------------------------------------------
# Analyzer


@pytest.mark.parametrize(
    ("forms", "stem"),
    [
        (["wijk", "wijken"], "wijk"),
        (["bewoner", "bewoners"], "bewoner"),
        (["gezin", "gezinnen"], "gezin"),  # Snowball alone gives `gezinn`
        (["corporatie", "corporaties"], "corporatie"),  # Snowball alone keeps the s
        (["schuld", "schulden"], "schuld"),
        (["investeren", "investering"], "invester"),
        (["werkloze", "werklozen", "werkloos", "werkloosheid"], "werklos"),  # Snowball: werkloz / werklos
        (["huis", "huizen"], "huis"),
        (["brief", "brieven"], "brief"),
    ],
)
def test_dutch_word_forms_share_a_stem(forms: list[str], stem: str):
    an = analyzer()
    assert {analyze(an, f)[0][0] for f in forms} == {stem}


def test_accents_are_folded_and_stop_words_dropped():
    an = analyzer()
    assert [g[0] for g in analyze(an, "Eén gezin, één plan: de regie bij het gezin")] == [
        "gezin",
        "plan",
        "regie",
        "gezin",
    ]
    assert analyze(an, "geïnvesteerd") == analyze(an, "geinvesteerd")


def test_compounds_split_only_into_words_of_the_corpus():
    an = analyzer({"bewoners", "participatie", "aandacht", "wijk", "antwoord"})
    assert analyze(an, "bewonersparticipatie") == [["bewonersparticipatie", "bewoner", "participatie"]]
    assert analyze(an, "aandachtswijken") == [["aandachtswijk", "aandacht", "wijk"]]  # linking s dropped
    assert analyze(an, "verantwoording") == [["verantwoord"]]  # `ver` is a prefix, not a word


def test_compound_and_phrase_find_each_other(tmp_path: Path):
    index = _index(_tree(tmp_path))
    # Each page has only one of the two spellings (the compound page has no `bewoners` of its own).
    for query in ("bewonersparticipatie", "participatie van bewoners"):
        assert {"laat-bewoners-echt-meedoen", "kies-een-vorm-die-past"} <= set(_ids(index, query)), query


# ---------------------------------------------------------------------------------------------
# Synonyms


def test_synonyms_expand_the_query(tmp_path: Path):
    with_synonyms = _index(_tree(tmp_path / "a"))
    without = _index(_tree(tmp_path / "b", synonyms=None))
    # The interventie's signal explains itself with "(MPG)" (data/signalen.yml): found either way.
    assert _ids(with_synonyms, "MPG")[:1] == _ids(without, "MPG")[:1] == ["frontlijnteams-leeuwarden"]
    # Nothing but the synonym file links the word wijkagent to the actor politie.
    assert "zie-signalen-vroeg" in _ids(with_synonyms, "wijkagent")
    assert _ids(without, "wijkagent") == []


def test_the_real_synonym_file_is_valid():
    synonyms, problems = load_synonyms(ROOT / "data", ROOT)
    assert problems == []
    assert len(synonyms.groups) >= 20
    assert any("MPG" in g and "multiprobleemgezin" in g for g in synonyms.groups)


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        ("- termen: [MPG\n", 2, "data.yaml"),  # where the parser gave up
        ("termen: [a, b]\n", 1, "data.not_list"),
        ("- termen: [a, b]\n- termen: MPG\n", 2, "data.entry"),
        ("- termen: [alleen]\n", 1, "data.entry"),
        ("- uitleg: geen termen\n", 1, "data.entry"),
    ],
)
def test_a_malformed_synonym_file_gives_a_diagnostic(tmp_path: Path, text: str, line: int, code: str):
    root = _tree(tmp_path, synonyms=text)
    _, problems = load_synonyms(root / "data", root)
    assert [(d.path, d.line, d.code) for d in problems] == [("data/synoniemen.yml", line, code)]
    build = pipeline.run(settings_for(root))  # and the build goes on
    assert any(d.path == "data/synoniemen.yml" and d.code == code for d in build.diagnostics)


# ---------------------------------------------------------------------------------------------
# Index cache


def test_index_is_rebuilt_when_content_changes_and_not_otherwise(tmp_path: Path):
    root = _tree(tmp_path)
    first = _index(root)
    assert first.rebuilt and (cache_dir(root) / "manifest.json").exists()
    assert not cache_dir(root).is_relative_to(root)  # Whoosh pickles: never where a PR puts files
    key = json.loads((cache_dir(root) / "manifest.json").read_text())["key"]
    assert not _index(root).rebuilt
    assert _ids(_index(root), "Kruidenwijk") == []

    lesson = root / "lessons" / "kies-wat-doorgaat.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nZo ging het in de Kruidenwijk.\n", encoding="utf-8")
    changed = _index(root)
    assert changed.rebuilt
    assert json.loads((cache_dir(root) / "manifest.json").read_text())["key"] != key
    assert _ids(changed, "Kruidenwijk") == ["kies-wat-doorgaat"]
    assert not _index(root).rebuilt

    (root / "lessons" / "kies-een-vorm-die-past.md").unlink()
    assert _index(root).rebuilt


def test_a_damaged_cache_is_rebuilt(tmp_path: Path):
    root = _tree(tmp_path)
    _index(root)
    shutil.rmtree(cache_dir(root) / "index")  # the manifest still names the current key
    index = _index(root)
    assert index.rebuilt
    assert _ids(index, "Leeuwarden")[:1] == ["frontlijnteams-leeuwarden"]
    (cache_dir(root) / "manifest.json").write_text("{kapot", encoding="utf-8")
    assert _index(root).rebuilt


# ---------------------------------------------------------------------------------------------
# `wijkengids zoek`


def _zoek(root: Path, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["zoek", "--root", str(root), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_zoek_json_shape(tmp_path: Path):
    found = _zoek(_tree(tmp_path), "projecten", "kiezen")
    assert found, "no results"
    assert all(set(hit) == {"id", "type", "titel", "url", "score", "samenvatting"} for hit in found)
    first = found[0]
    assert first["id"] == "kies-wat-doorgaat"
    assert first["type"] == "les"
    assert first["url"] == "/lessen/kies-wat-doorgaat/"
    assert first["titel"] == "Kies wat doorgaat, wat wacht en wat stopt"
    assert isinstance(first["score"], float) and first["score"] > 0
    assert [h["score"] for h in found] == sorted((h["score"] for h in found), reverse=True)


def test_title_place_and_wijk_rank_first(tmp_path: Path):
    root = _tree(tmp_path)
    index = _index(root)
    assert _ids(index, "Heechterp")[:1] == ["frontlijnteams-leeuwarden"]  # the wijk, frontmatter only
    assert _ids(index, "wat wacht er")[:1] == ["kies-wat-doorgaat"]  # a title word


def test_a_typed_number_outweighs_title_words(tmp_path: Path):
    index = _index(_tree(tmp_path))
    assert _ids(index, "1000 initiatieven")[:2] == ["tel-wat-er-loopt", "rem-de-stroom-van-initiatieven"]
    assert _ids(index, "initiatieven")[:1] == ["rem-de-stroom-van-initiatieven"]  # without the number: the title


def test_the_signals_a_page_answers_make_it_findable_by_their_explanation(tmp_path: Path):
    # "uitkeringen" stands only in the uitleg of the signal werkloosheid (data/signalen.yml).
    index = _index(_tree(tmp_path))
    assert sorted(_ids(index, "uitkeringen")) == ["kies-wat-doorgaat", "zie-signalen-vroeg"]


QUERY = "gemeente corporaties indicatoren projecten gezinnen straat"


@pytest.mark.parametrize(
    ("args", "keep"),
    [
        (["--type", "interventie"], lambda i: i.kind.value == "interventie"),
        (["--stap", "1"], lambda i: 1 in i.stappen),
        (["--thema", "burgerschap"], lambda i: "burgerschap" in i.themas),
        (["--type", "les", "--stap", "3"], lambda i: i.kind.value == "les" and 3 in i.stappen),
    ],
)
def test_zoek_facet_filters(tmp_path: Path, args: list[str], keep):
    root = _tree(tmp_path)
    corpus, _ = load(root, root / "data")
    everything = {h["id"] for h in _zoek(root, QUERY, "--limit", "100")}
    expected = {i.id for i in corpus.items if i.id in everything and keep(i)}
    assert expected and expected != everything  # the filter has something to keep and to drop
    assert {h["id"] for h in _zoek(root, QUERY, "--limit", "100", *args)} == expected


def test_zoek_text_output_has_a_highlighted_snippet(tmp_path: Path):
    result = CliRunner().invoke(main, ["zoek", "--root", str(_tree(tmp_path)), "--limit", "1", "indicatoren"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(" 1. Zie signalen vroeg")
    assert lines[1].strip() == "/lessen/zie-signalen-vroeg/"
    assert "indicatoren" in lines[2].lower()
    assert "**" not in lines[2]  # the marks are turned into styling (none in a pipe)


def test_zoek_unknown_thema_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(main, ["zoek", "--root", str(_tree(tmp_path)), "--thema", "burgershap", "x"])
    assert result.exit_code == 2
    assert "bedoelde je `burgerschap`?" in result.output


# ---------------------------------------------------------------------------------------------
# Duplicates


def test_duplicate_warning_fires_for_a_near_copy(tmp_path: Path):
    root = _tree(tmp_path)
    original = (root / "lessons" / "kies-wat-doorgaat.md").read_text(encoding="utf-8")
    copy = original.replace(
        "titel: Kies wat doorgaat, wat wacht en wat stopt", "titel: Stop met projecten die niet bijdragen"
    )
    copy = copy.replace("Stoppen is lastig als een project geliefd is.", "Een geliefd project stoppen valt niet mee.")
    (root / "lessons" / "stop-met-projecten.md").write_text(copy, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--format", "json"])
    found = [d for d in json.loads(result.stdout) if d["code"] == "content.duplicate"]
    assert {(d["file"], d["line"], d["level"]) for d in found} == {
        ("lessons/stop-met-projecten.md", 2, "warning"),
        ("lessons/kies-wat-doorgaat.md", 2, "warning"),
    }
    message = next(d["message"] for d in found if d["file"] == "lessons/stop-met-projecten.md")
    assert re.fullmatch(r"lijkt sterk op lessons/kies-wat-doorgaat\.md \(overeenkomst 0\.\d\d\)", message)
    assert result.exit_code == 0  # a warning does not fail the check


def test_no_duplicate_warning_for_distinct_items(tmp_path: Path):
    root = _tree(tmp_path)
    corpus, _ = load(root, root / "data")
    assert duplicate_diagnostics(corpus) == []
    scores = [score for _, _, score in similar_pairs(list(corpus.items), corpus_key_terms(corpus), threshold=0.0)]
    assert scores and 0 < max(scores) < DUPLICATE_THRESHOLD / 2


def test_similarity_can_be_switched_off(tmp_path: Path):
    root = _tree(tmp_path)
    shutil.copy(root / "lessons" / "kies-wat-doorgaat.md", root / "lessons" / "kopie.md")
    on = pipeline.run(settings_for(root))
    off = pipeline.run(pipeline.Settings(root, root / "data", root / "docs", similarity=False))
    assert any(d.code == "content.duplicate" for d in on.diagnostics)
    assert not any(d.code == "content.duplicate" for d in off.diagnostics)


# ---------------------------------------------------------------------------------------------
# The browser search's model (assets/wijkengids/zoekdata.js)


def _model(site: FixtureSite) -> dict:
    text = (site.site_dir / MODEL_FILE).read_text(encoding="utf-8")
    prefix = "self.wijkengidsZoekdata = "
    assert text.startswith(prefix) and text.rstrip().endswith(";")
    return json.loads(text[len(prefix) :].rstrip().rstrip(";"))


def _postings(model: dict, term: str) -> list[tuple[int, int, int]]:
    """(doc, field, count) of a term, decoded from the model's [doc delta, count << 3 | field]."""
    pairs, doc, out = model["terms"].get(term, []), 0, []
    for delta, packed in zip(pairs[::2], pairs[1::2], strict=True):
        doc += delta
        out.append((doc, packed & 7, packed >> 3))
    return out


def test_site_ships_the_model_and_points_material_at_its_worker(tmp_path: Path):
    site = FixtureSite(_tree(tmp_path))
    site.build(strict=True)
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', site.html(""), re.S)
    assert config and json.loads(config.group(1))["search"].endswith("assets/wijkengids/zoekwerker.js")
    assert (site.site_dir / "assets" / "wijkengids" / "zoekwerker.js").is_file()

    model = _model(site)
    docs = model["docs"]
    assert len(docs) == len(model["lengths"]) == len(model["boosts"])
    assert model["fields"] == ["titel", "samenvatting", "plaats", "onderwerp", "trefwoorden", "body"]
    leeuwarden = docs.index("interventies/frontlijnteams-leeuwarden/")

    def fields_of(term: str, doc: int) -> set[str]:
        return {model["fields"][f] for d, f, _ in _postings(model, term) if d == doc}

    assert fields_of("heechterp", leeuwarden) == {"plaats"}  # the wijk, from the frontmatter
    assert fields_of("multiprobleemgezin", leeuwarden) == {"onderwerp"}  # its signal's label
    assert "titel" in fields_of("frontlijnteam", leeuwarden)  # stemmed: Frontlijnteams
    # Word forms and compounds are resolved at build time: the worker only looks words up.
    assert model["forms"]["bewoners"] == ["bewoner"]
    assert model["forms"]["bewonersparticipatie"][0] == "bewonersparticipatie"
    assert {"bewoner", "participatie"} <= set(model["forms"]["bewonersparticipatie"])
    assert ["mpg"] in next(g for g in model["synonyms"] if ["multiprobleemgezin"] in g)
    # Hand-written and generated pages are in the model too; overviews weigh less, hubs more.
    lesson = model["boosts"][docs.index("lessen/kies-wat-doorgaat/")]
    assert model["boosts"][docs.index("lessen/")] < lesson
    assert model["boosts"][docs.index("bestanddelen/focus/")] > lesson
    assert "" in docs  # the home page


def test_materials_index_keeps_one_short_entry_per_page(tmp_path: Path):
    site = FixtureSite(_tree(tmp_path))
    site.build(strict=True)
    index = json.loads((site.site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [d["location"] for d in index["docs"]]
    assert locations and not any("#" in loc for loc in locations)  # the worker ranks pages, not sections
    assert set(locations) == set(_model(site)["docs"])
    shown = {d["location"]: d for d in index["docs"]}
    leeuwarden = shown["interventies/frontlijnteams-leeuwarden/"]
    assert leeuwarden["title"] == "Frontlijnteams in Leeuwarden"
    assert leeuwarden["text"] == "Professionals met mandaat gaan achter de voordeur aan de slag."
    assert all(len(d["text"]) <= 330 for d in index["docs"])
    assert index["config"]["lang"] == ["nl"]


def test_model_follows_an_edit_and_a_new_synonym(tmp_path: Path):
    root = _tree(tmp_path)
    site = FixtureSite(root)
    site.build(strict=True)
    assert "buurtpreventie" not in _model(site)["terms"]
    lesson = root / "lessons" / "laat-bewoners-echt-meedoen.md"
    lesson.write_text(lesson.read_text("utf-8").replace("Begin bij de straat.", "Begin met buurtpreventie."), "utf-8")
    (root / "data" / "synoniemen.yml").write_text(SYNONYMS + "- termen: [buurtpreventie, buurtwacht]\n", "utf-8")
    site.build(strict=True)
    model = _model(site)
    assert [model["docs"][d] for d, _, _ in _postings(model, "buurtpreventie")] == [
        "lessen/laat-bewoners-echt-meedoen/"
    ]
    assert [["buurtpreventie"], ["buurtwacht"]] in model["synonyms"]


def test_model_with_a_memo_equals_a_fresh_model_after_edits():
    from wijkengids.browser_search import ModelMemo, SearchDoc, model
    from wijkengids.search import Synonyms

    synonyms = Synonyms((("wijkagent", "politie"),))
    first = [
        SearchDoc("a/", {"titel": "Buurtpreventie met bewoners", "body": "De wijkagent loopt mee."}),
        SearchDoc("b/", {"titel": "Bewonersparticipatie", "body": "Participatie van bewoners."}),
    ]
    memo = ModelMemo()
    assert model(first, synonyms, memo) == model(first, synonyms)
    # An edit that brings a new word changes the vocabulary, so compound splits may change too.
    edited = [first[0], SearchDoc("b/", {"titel": "Bewonersbudget", "body": "Een budget voor bewoners."})]
    assert model(edited, synonyms, memo) == model(edited, synonyms)
    assert "participatie" not in model(edited, synonyms, memo)["terms"]  # the old text is gone
    assert set(memo.words) == set(memo.counts) and len(memo.words) == 2  # nothing of the old page stays
    assert model(edited[:1], synonyms, memo) == model(edited[:1], synonyms)  # a page deleted


def test_a_synonym_of_several_words_counts_only_where_they_stand_together():
    # As Whoosh's phrase query: "geld van het Rijk" is not a page with "geld" here and "Rijk" there.
    from wijkengids.browser_search import SearchDoc, model
    from wijkengids.search import Synonyms

    synonyms = Synonyms((("rijksgeld", "geld van het Rijk"),))
    docs = [
        SearchDoc("lessen/verspreid/", {"titel": "Geld", "body": "Het geld ging naar de wijk. Het Rijk keek toe."}),
        SearchDoc(
            "lessen/samen/", {"titel": "Borgen", "body": "Als het geld van het Rijk stopt, en weer: geld uit Rijk."}
        ),
    ]
    built = model(docs, synonyms)
    phrase = list(built["phrases"]["geld rijk"])
    assert phrase == [1, 2 << 3 | built["fields"].index("body")]  # only the second page, twice in its body
    assert [["rijksgeld"], ["geld", "rijk"]] in built["synonyms"]
