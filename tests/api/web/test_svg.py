"""The chain diagram and the charts: real text, states in words as well as colours."""

from __future__ import annotations

from xml.etree import ElementTree

from api.web.render import reason_words
from api.web.svg import Bar, bar_chart, chain_graph, chain_svg, trend_svg

SVG = "{http://www.w3.org/2000/svg}"

CHAIN = {
    "asset": "G-1",
    "links": [
        {"certificate": "C-1", "subject": "G-1", "references": ["S-1"], "depth": 1,
         "calibrated_on": "2025-01-01", "in_force": False, "sound": True,
         "problem": "certificate C-1 was no longer in force on 2026-01-01 "
                    "(valid until 2025-12-31)"},
        {"certificate": "C-2", "subject": "S-1", "references": ["P-1"], "depth": 2,
         "calibrated_on": "2024-06-01", "in_force": True, "sound": True, "problem": None},
    ],
    "roots": ["P-1"],
}


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_chain_levels_states_and_the_broken_link():
    nodes, edges = chain_graph(CHAIN, "overdue", lambda s: s.upper())
    by_code = {n.code: n for n in nodes}
    assert (by_code["G-1"].level, by_code["S-1"].level, by_code["P-1"].level) == (0, 1, 2)
    assert (by_code["G-1"].state, by_code["S-1"].state, by_code["P-1"].state) == (
        "overdue", "valid", "primary")
    assert [e.certificate for e in edges if e.broken] == ["C-1"]
    root = _parse(chain_svg(nodes, edges, title="chain"))
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "G-1" in texts and "OVERDUE" in texts and "C-2" in texts
    assert "valid until 2025-12-31" in texts  # the reason is written out, not only coloured


def test_a_redacted_link_keeps_its_problem():
    chain = {**CHAIN, "links": [CHAIN["links"][0], {"certificate": "C-2", "subject": "S-1",
             "references": ["P-1"], "depth": 2, "calibrated_on": "2024-06-01",
             "problem": "reference P-1 was not traceable"}]}
    nodes, _ = chain_graph(chain, "untraceable", str)
    assert {n.code: n.state for n in nodes}["S-1"] == "untraceable"


def test_bars_say_their_value_and_mark_those_under_the_target():
    svg = bar_chart([Bar("力学", 1.0, "3/3"), Bar("热学", 0.5, "1/2")], title="t",
                    target=0.95, target_label="95 %")
    root = _parse(svg)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "力学" in texts and any("50.0 %" in t and "▼" in t for t in texts)
    assert any("100.0 %" in t and "▼" not in t for t in texts)


def test_trend_is_empty_without_snapshots():
    assert trend_svg([], title="t", target=0.95) == ""
    assert _parse(trend_svg([("2026-01-01", 0.9), ("2026-02-01", 0.96)], title="t",
                            target=0.95)).tag == f"{SVG}svg"


def test_a_broken_links_problem_is_worded_in_the_pages_language():
    _, edges = chain_graph(CHAIN, "overdue", str, lambda text: reason_words(text, "zh"))
    assert [e.broken for e in edges if e.broken] == [
        "证书 C-1 在 2026-01-01 已不在有效期内（有效期至 2025-12-31）"
    ]
