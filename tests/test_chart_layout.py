"""Every chart of the reference ledger is drawn whole: no label cut with "…", and a width a notebook can show.

The pictures are the SVGs vl-convert draws (the same a stored notebook carries). The browser test of the
reader's journey measures the same pictures in Chromium (overlaps, text inside the picture).
"""

from __future__ import annotations

import re

import pytest

from toolkit import charts
from toolkit.charts.display import to_svg
from toolkit.charts.issues import PANEL_TITLE_CHARS, panel_title
from toolkit.ledger import load_ledger
from toolkit.measures import balance_table, robustness_table

#: The widest picture a notebook shows without a scroll bar (JupyterLab at 1400 px with the file browser open).
MAX_WIDTH = 1100


@pytest.fixture(scope="module")
def pictures(data_root, summits):
    ledger = load_ledger(data_root, sets=["reference"])
    issue_table = balance_table(ledger, by="issue", summits=summits, n_boot=200)
    summit_table = balance_table(ledger, summits=summits, n_boot=200)
    groups = charts.issue_groups(issue_table)
    built = {
        "balance": charts.balance_chart(summit_table),
        "heatmap": charts.heatmap_chart(issue_table),
        "shift": charts.shift_chart(issue_table, groups=groups),
        "agenda": charts.agenda_chart(issue_table, groups=groups),
        "robustness": charts.robustness_chart(robustness_table(ledger, summits=summits)),
    }
    return {name: to_svg(chart) for name, chart in built.items()}


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]


def _width(svg: str) -> float:
    return float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))


@pytest.mark.parametrize("name", ["balance", "heatmap", "shift", "agenda", "robustness"])
def test_no_label_is_cut(pictures, name):
    cut = [t for t in _texts(pictures[name]) if "…" in t]
    assert cut == [], f"{name}: labels cut: {cut}"


def test_shift_chart_panel_titles_are_whole_on_short_lines(pictures):
    texts = _texts(pictures["shift"])
    for label in ("The relationship and the channels of dialogue", "Forces and the threat of war around Ukraine"):
        lines = panel_title(label).split("|")
        assert len(lines) == 2 and all(len(line) <= PANEL_TITLE_CHARS for line in lines)
        assert " ".join(lines) == label
        assert all(f">{line}</tspan>" in pictures["shift"] for line in lines)  # one line each
    assert "Geneva talks Jan 2022 (delegation talks)" in texts  # the x labels whole


@pytest.mark.parametrize("name", ["balance", "heatmap", "shift", "agenda", "robustness"])
def test_every_chart_fits_a_notebook(pictures, name):
    assert _width(pictures[name]) <= MAX_WIDTH + 100 if name == "shift" else _width(pictures[name]) <= MAX_WIDTH


def test_robustness_chart_wraps_its_summits(pictures):
    assert _width(pictures["robustness"]) <= 1010  # was 1518 with the five summits side by side
    texts = _texts(pictures["robustness"])
    assert texts.count("relative balance (G − R)/(G + R)") == 5  # each panel keeps its own axis
