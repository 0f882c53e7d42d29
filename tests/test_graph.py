"""The knowledge graph and what is built on it: backlinks, related items, centrality, layout, the
export, the orphan warning and the explore pages (kaart, matrix, plaatsen, wijkscan, zoeker).

Uses the fixture site plus the `explore` overlay: 11 items whose connections are known by hand."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner

from wijkengids import explore, pipeline
from wijkengids import graph as graph_module
from wijkengids.cli import main
from wijkengids.graph import layout, pagerank

from .conftest import FixtureSite, make_site


@pytest.fixture
def explore_site(tmp_path: Path) -> FixtureSite:
    return make_site(tmp_path, "explore")


def _build(site: FixtureSite) -> pipeline.Build:
    return pipeline.run(pipeline.Settings(site.root, site.root / "data", site.root / "docs", similarity=False))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _article(html: str) -> str:
    """The page's own text, without navigation and table of contents."""
    return _text(html.split("<article", 1)[1].split("</article>", 1)[0])


def _json(html: str, element_id: str) -> object:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


# ---------------------------------------------------------------------------------------------
# Graph


def test_backlinks_follow_frontmatter_and_body_links(explore_site: FixtureSite):
    graph = _build(explore_site).graph
    assert graph.backlinks("kies-wat-doorgaat") == ["frontlijnteams-leeuwarden", "zie-signalen-vroeg"]
    assert graph.backlinks("focus") == [
        "buurtbudget-overvecht",
        "buurtgeld-voor-bewoners",
        "kies-wat-doorgaat",
        "zie-signalen-vroeg",
    ]
    assert graph.backlinks("buurtgeld-voor-bewoners") == []
    assert graph.item_links("zie-signalen-vroeg") == {"wijkveiligheid", "focus", "kies-wat-doorgaat"}


def test_related_items_rank_shared_neighbours_and_give_the_reason(explore_site: FixtureSite):
    build = _build(explore_site)
    panel = build.panel_for("lessen/kies-wat-doorgaat.md")
    assert panel is not None
    related = [(r.src_uri, r.note) for r in panel.related]
    # The unlinked lesson that shares the signal and both bestanddelen comes first, with why.
    assert related[0] == ("lessen/buurtgeld-voor-bewoners.md", "Les · deelt: signaal werkloosheid, Focus, Lange adem")
    assert ("interventies/buurtbudget-overvecht.md", "Interventie · deelt: Focus, Burgerschap, stap 3") in related
    uris = {uri for uri, _ in related}
    # Never the page itself, nor what it links to (focus, lange-adem, frontlijnteams, burgerschap)
    # or what links to it (zie-signalen-vroeg: shown under "Wordt genoemd in").
    assert uris.isdisjoint(
        {
            "lessen/kies-wat-doorgaat.md",
            "bestanddelen/focus.md",
            "bestanddelen/lange-adem.md",
            "interventies/frontlijnteams-leeuwarden.md",
            "themas/burgerschap.md",
            "lessen/zie-signalen-vroeg.md",
        }
    )
    assert 0 < len(related) <= 5
    # Places are shared neighbours too; thema pages only get thema's.
    assert (
        build.panel_for("interventies/veilige-straten-utrecht.md")
        .related[0]
        .note.startswith("Interventie · deelt: Utrecht, signaal overlast")
    )
    assert [r.src_uri for r in build.panel_for("themas/burgerschap.md").related] == ["themas/wijkveiligheid.md"]


def test_related_items_show_on_the_page(explore_site: FixtureSite):
    explore_site.build(strict=True)
    panel = _text(explore_site.html("lessen/kies-wat-doorgaat/").split('id="wg-verwant"', 1)[1])
    assert panel.startswith(
        ">Verwant Geef bewoners zelf buurtgeld Les · deelt: signaal werkloosheid, Focus, Lange adem"
        " Buurtbudget in Overvecht"
    )


def test_pagerank_matches_networkx(explore_site: FixtureSite):
    graph = _build(explore_site).graph
    ours = graph.centrality()
    items = nx.DiGraph()
    items.add_nodes_from(ours)
    items.add_edges_from((u, v) for u, v in graph.graph.edges() if u in ours and v in ours and u != v)
    # networkx's Google matrix (numpy only; nx.pagerank itself needs SciPy): its stationary vector.
    nodes = list(items)
    google = nx.google_matrix(items, alpha=0.85, nodelist=nodes)
    values, vectors = np.linalg.eig(google.T)
    stationary = np.real(vectors[:, np.argmax(np.real(values))])
    theirs = dict(zip(nodes, stationary / stationary.sum(), strict=True))
    assert ours.keys() == theirs.keys()
    assert all(abs(ours[n] - theirs[n]) < 1e-9 for n in ours)
    assert ours["lange-adem"] > ours["kies-wat-doorgaat"] > ours["buurtgeld-voor-bewoners"]  # used by 5, 2, 0
    assert pagerank([], set()) == {}


@pytest.mark.parametrize("core", [400, 8])  # 8: the path of a large map, springs for the core only
def test_layout_is_stable_inside_the_box_and_runs_left_to_right(
    explore_site: FixtureSite, core: int, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(graph_module, "LAYOUT_CORE", core)
    graph = _build(explore_site).graph
    first, second = layout(graph.undirected()), layout(graph.undirected())
    assert first == second and first.keys() == set(graph.undirected())
    assert all(0 <= x <= 1000 and 0 <= y <= 1000 for x, y in first.values())
    steps = [first[f"stap:{n}"][0] for n in range(1, 6)]
    assert steps == sorted(steps) and steps[0] < steps[-1]


LAYOUT_IN_A_FRESH_PROCESS = """
import json, networkx as nx
from wijkengids import graph
graph.LAYOUT_CORE = 8  # the core is less than half the map: the path a large site takes
g = nx.Graph()
for n in range(1, 6):
    g.add_edge(f"stap:{n}", f"les-{n}", rels={"stap"})
for i in range(40):
    g.add_edge(f"les-{i % 7}", f"item-{i}", rels={"link"})
    g.add_edge(f"item-{i}", f"item-{(i * 7) % 40}", rels={"link"})
print(json.dumps(sorted(graph.layout(g).items())))
"""


def test_layout_does_not_depend_on_the_python_hash_seed():
    """Two processes, two hash seeds, one map: node sets must never decide the start positions."""
    runs = {
        seed: subprocess.run(
            [sys.executable, "-c", LAYOUT_IN_A_FRESH_PROCESS],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(json.loads(runs[1])) == 52  # 5 steps, 7 lessons, 40 items
    assert runs[1] == runs[2] == runs[3]


# ---------------------------------------------------------------------------------------------
# Export and check


@pytest.mark.parametrize("fmt", ["graphml", "json"])
def test_export_round_trips_through_networkx(explore_site: FixtureSite, fmt: str, tmp_path: Path):
    out = tmp_path / f"graaf.{fmt}"
    result = CliRunner().invoke(main, ["graaf", "--root", str(explore_site.root), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "knopen" in result.output
    if fmt == "graphml":
        read = nx.read_graphml(out, force_multigraph=True)
    else:
        read = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="links")
    original = _build(explore_site).graph.graph
    assert read.is_directed() and read.is_multigraph()
    assert dict(read.nodes(data=True)) == dict(original.nodes(data=True))
    assert sorted((u, v, d["rel"]) for u, v, d in read.edges(data=True)) == sorted(
        (u, v, d["rel"]) for u, v, d in original.edges(data=True)
    )
    assert read.nodes["frontlijnteams-leeuwarden"] == {
        "type": "item",
        "kind": "interventie",
        "label": "Frontlijnteams in Leeuwarden",
    }
    assert read.has_edge("frontlijnteams-leeuwarden", "plaats:Leeuwarden")


def test_export_prints_json_without_a_file(explore_site: FixtureSite):
    result = CliRunner().invoke(main, ["graaf", "--root", str(explore_site.root)])
    assert result.exit_code == 0
    data = json.loads(result.output)
    edge = {"source": "zie-signalen-vroeg", "target": "signaal:overlast", "key": "signaal", "rel": "signaal"}
    assert edge in data["links"]


def test_check_warns_about_orphans(explore_site: FixtureSite):
    thema = (
        explore_site.read("themas/wijkveiligheid.md")
        .replace("Wijkveiligheid", "Gezonde wijk")
        .replace("nummer: 5", "nummer: 2")
    )
    explore_site.write("themas/gezonde-wijk.md", thema)
    result = CliRunner().invoke(main, ["check", "--root", str(explore_site.root)])
    assert result.exit_code == 0  # a warning, not an error
    assert "thema `gezonde-wijk` staat los: geen item verwijst ernaar en het verwijst nergens naar" in result.output
    assert result.output.count("[graph.orphan]") == 1
    # One [[link]] from anywhere is enough.
    lesson = explore_site.read("lessons/zie-signalen-vroeg.md")
    explore_site.write(
        "lessons/zie-signalen-vroeg.md",
        lesson.replace("[[kies-wat-doorgaat]]", "[[kies-wat-doorgaat]] en [[gezonde-wijk]]"),
    )
    assert "graph.orphan" not in CliRunner().invoke(main, ["check", "--root", str(explore_site.root)]).output


# ---------------------------------------------------------------------------------------------
# Explore pages


def test_matrix_counts_match_the_leeswijzer_and_link_to_their_items(explore_site: FixtureSite):
    build = _build(explore_site)
    matrix = explore.matrix(build.corpus, build.leeswijzer)
    counts = {(c.thema.id, c.stap.nummer): c.count for row in matrix.rows for c in row.cells if c.count}
    assert counts == build.leeswijzer.matrix
    assert counts == {
        ("burgerschap", 3): 3,
        ("burgerschap", 4): 1,
        ("burgerschap", 5): 2,
        ("wijkveiligheid", 1): 1,
        ("wijkveiligheid", 3): 1,
    }
    assert {r.thema.id: r.total for r in matrix.rows} == {"burgerschap": 5, "wijkveiligheid": 2}

    explore_site.build(strict=True)
    table = explore_site.html("matrix/")
    assert '<a href="burgerschap-stap-3/">3<span class="wg-sr"> items bij Burgerschap in stap 3</span></a>' in table
    assert '<span class="wg-heat wg-heat--0">–</span>' in table  # burgerschap has nothing in step 1
    assert 'href="../leeswijzer/stap-3/"' in table and 'href="../themas/burgerschap/"' in table
    cell = _text(explore_site.html("matrix/burgerschap-stap-3/"))
    assert "Burgerschap in stap 3" in cell and "3 items bij het thema Burgerschap" in cell
    for title in (
        "Buurtbudget in Overvecht",
        "Geef bewoners zelf buurtgeld",
        "Kies wat doorgaat, wat wacht en wat stopt",
    ):
        assert title in cell
    assert "Frontlijnteams in Leeuwarden" not in cell  # step 4
    assert not (explore_site.site_dir / "matrix/burgerschap-stap-1").exists()  # empty cells get no page


def test_kaart_inlines_nodes_and_lists_them_with_links(explore_site: FixtureSite):
    explore_site.build(strict=True)
    html = explore_site.html("kaart/")
    data = _json(html, "wg-kaart-data")
    labels = {n["l"]: n for n in data["nodes"]}
    # Items, the stappen and signalen pages name, the gemeenten (not "Landelijk"); never a loose node.
    assert len(data["nodes"]) == 11 + 4 + 3 + 2
    assert "Stap 2: Wat is er aan de hand?" not in labels and "Criminaliteit" not in labels
    assert labels["Leeuwarden"]["t"] == "plaats" and "Landelijk (verschillende gemeenten)" not in labels
    assert labels["Zie signalen vroeg"]["th"] == [data["themas"].index(["wijkveiligheid", "Wijkveiligheid"])]
    assert labels["Kies wat doorgaat, wat wacht en wat stopt"]["st"] == [3, 5]
    assert "bron" not in {n["t"] for n in data["nodes"]}
    i = data["nodes"].index(labels["Zie signalen vroeg"])
    assert f'<span data-wg-node="{i}"><a href="../lessen/zie-signalen-vroeg/">Zie signalen vroeg</a></span>' in html
    j = data["nodes"].index(labels["Leeuwarden"])
    assert f'<span data-wg-node="{j}"><a href="../plaatsen/#leeuwarden">Leeuwarden</a></span>' in html
    k = data["nodes"].index(labels["Overlast"])
    assert f'<span data-wg-node="{k}"><a href="../wijkscan/#overlast">Overlast</a></span>' in html
    assert all(0 <= a < b < len(data["nodes"]) for a, b in data["edges"])
    assert 'id="wg-kaart" hidden data-search-exclude' in html  # the map shows only when its script runs


def test_plaatsen_lists_gemeenten_wijken_interventies_and_lessons_that_name_them(explore_site: FixtureSite):
    explore_site.build(strict=True)
    html = explore_site.html("plaatsen/")
    # The headings are the anchors the kaart links to (and MkDocs checks those links).
    for anchor in ("leeuwarden", "heechterp-schieringen", "utrecht", "overvecht", "landelijk-of-zonder-plaats"):
        assert f'id="{anchor}"' in html
    text = _article(html)
    assert "De interventies in deze gids speelden in 2 gemeenten." in text
    leeuwarden = text.split(" Leeuwarden Heechterp-Schieringen ", 1)[1].split(" Utrecht ", 1)[0]
    assert leeuwarden.startswith("Frontlijnteams in Leeuwarden — Professionals met mandaat")
    utrecht = text.split(" Utrecht Veilige straten in Utrecht — ", 1)[1]
    # The lesson names Overvecht, so it is listed under the wijk, not under the gemeente.
    assert " Overvecht Buurtbudget in Overvecht — Bewoners van Overvecht beslissen" in utrecht
    assert "In de lessen — 1 les noemt Overvecht: Geef bewoners zelf buurtgeld " in utrecht
    assert "Landelijk of zonder plaats Praten in het hele land — Landelijk (verschillende gemeenten)." in text
    assert "Kies wat doorgaat" not in text  # names no place


def test_wijkscan_lists_each_signals_pages_and_the_bestanddelen_behind_them(explore_site: FixtureSite):
    build = _build(explore_site)
    scan = explore.wijkscan(build.corpus, build.graph.centrality())
    overlast = next(r for r in scan.signalen if r.signaal.id == "overlast")
    assert [s.item.id for s in overlast.direct] == [
        "zie-signalen-vroeg",
        "buurtbudget-overvecht",
        "veilige-straten-utrecht",
    ]
    assert [s.item.id for s in overlast.via] == ["focus"]  # used by two of the three
    mpg = next(r for r in scan.signalen if r.signaal.id == "multiprobleemgezinnen")
    assert [s.item.id for s in mpg.direct] == ["frontlijnteams-leeuwarden"] and mpg.via == ()
    groups = {s.item.id: s.group for s in scan.items}
    assert (
        groups["zie-signalen-vroeg"] == 1
        and groups["kies-wat-doorgaat"] == 3
        and groups["frontlijnteams-leeuwarden"] == 4
    )

    explore_site.build(strict=True)
    html = explore_site.html("wijkscan/")
    data = _json(html, "wg-wijkscan-data")
    assert len(data["items"]) == len(scan.items)
    n = scan.index_of(build.corpus.index["focus"])
    assert f'<span data-wg-item="{n}"><a href="../bestanddelen/focus/">Focus</a></span>' in html
    # One list item per bestanddeel, not one paragraph of links (Markdown rescans a paragraph per link).
    via = html.split('<p class="wg-scan__via">Bestanddelen erachter:</p>', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r"<li>(.*?)</li>", via) == [
        f'<span data-wg-item="{n}"><a href="../bestanddelen/focus/">Focus</a></span>'
    ]
    stap1 = _text(explore_site.html("leeswijzer/stap-1/"))
    assert "Doe de wijkscan" in stap1


def test_interventies_index_has_the_zoeker_data_in_table_order(explore_site: FixtureSite):
    explore_site.build(strict=True)
    html = explore_site.html("interventies/")
    rows = _json(html, "wg-zoeker-data")
    titles = re.findall(r"<tr>\s*<td><a href=\"[^\"]+\">([^<]+)</a>", html)
    assert titles == [
        "Buurtbudget in Overvecht",
        "Frontlijnteams in Leeuwarden",
        "Praten in het hele land",
        "Veilige straten in Utrecht",
    ]
    assert rows[0] == {
        "thema": ["burgerschap"],
        "stap": ["3"],
        "plaats": ["Utrecht"],
        "actor": ["bewoners", "gemeente"],
        "bewijs": ["onderzocht"],
    }
    assert rows[2]["plaats"] == ["Landelijk"]
    assert 'id="wg-zoeker" hidden data-search-exclude' in html  # without JavaScript: the full table, no dead form
    assert '<option value="burgerschap">Burgerschap</option>' in html


def test_a_layout_memo_gives_the_same_map_and_follows_a_changed_graph(explore_site: FixtureSite):
    graph = _build(explore_site).graph.undirected()
    memo: dict = {}
    assert layout(graph, memo) == layout(graph) and len(memo) == 1
    assert layout(graph, memo) == layout(graph)  # found again
    changed = graph.copy()
    changed.add_edge("focus", "een-nieuw-item", rels={"link"})
    assert layout(changed, memo) == layout(changed) != layout(graph)
    assert len(memo) == 1  # only the latest layout is kept
