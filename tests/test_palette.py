"""One colour table: issue colours stay apart under colour-vision-deficiency simulation; every view uses it.

Simulation: Machado, Oliveira and Fernandes (2009) matrices at severity 100, via ``colorspacious``.
Distance: Euclidean distance in CAM02-UCS (Luo, Cui and Li 2006), with the thresholds stated in
:mod:`toolkit.charts.palette` (``MIN_ISSUE_DELTA_E`` between issues, ``MIN_STANCE_DELTA_E`` to stances and grey).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from toolkit.charts import palette

colorspacious = pytest.importorskip("colorspacious")

VISIONS = {
    "normal": None,
    "deuteranopia": {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100},
    "protanopia": {"name": "sRGB1+CVD", "cvd_type": "protanomaly", "severity": 100},
    "tritanopia": {"name": "sRGB1+CVD", "cvd_type": "tritanomaly", "severity": 100},
}


def _rgb(hexes):
    return np.array([[int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)] for h in hexes])


def _ucs(hexes, vision):
    rgb = _rgb(hexes)
    if VISIONS[vision] is not None:
        rgb = np.clip(colorspacious.cspace_convert(rgb, VISIONS[vision], "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")


@pytest.mark.parametrize("vision", list(VISIONS))
def test_issue_colours_stay_distinguishable(vision):
    assert len(palette.ISSUE_COLORS) == palette.MAX_ISSUE_COLORS <= 8
    ucs = _ucs(palette.ISSUE_COLORS, vision)
    worst = min(
        (float(np.linalg.norm(ucs[i] - ucs[j])), palette.ISSUE_COLORS[i], palette.ISSUE_COLORS[j])
        for i, j in itertools.combinations(range(len(ucs)), 2)
    )
    assert worst[0] >= palette.MIN_ISSUE_DELTA_E, f"{vision}: {worst[1]} and {worst[2]} differ by {worst[0]:.1f}"
    others = [palette.STANCE_COLORS[k] for k in ("grievance", "goodwill", "agenda")] + [palette.OTHER_COLOR]
    fixed = _ucs(others, vision)
    gap = min(float(np.linalg.norm(a - b)) for a in ucs for b in fixed)
    assert gap >= palette.MIN_STANCE_DELTA_E, f"{vision}: an issue colour is within {gap:.1f} of a stance colour"


def test_threshold_catches_a_bad_palette():
    # the old chart palette's reddish purple and its "other" grey: 6.5 apart under deuteranopia (merged)
    ucs = _ucs(["#CC79A7", "#999999"], "deuteranopia")
    assert float(np.linalg.norm(ucs[0] - ucs[1])) < palette.MIN_ISSUE_DELTA_E
    normal = _ucs(["#CC79A7", "#999999"], "normal")
    assert float(np.linalg.norm(normal[0] - normal[1])) > palette.MIN_ISSUE_DELTA_E


def test_every_view_uses_the_palette():
    from toolkit import charts
    from toolkit.widgets.article_view import STANCE_COLOURS

    assert charts.STANCE_COLORS is palette.STANCE_COLORS
    assert all(STANCE_COLOURS[k] == palette.STANCE_COLORS[k] for k in STANCE_COLOURS)
    css = (Path(__file__).resolve().parents[1] / "toolkit" / "widgets" / "static" / "annotator.css").read_text()
    for stance in ("grievance", "goodwill", "agenda"):
        m = re.search(rf"\.sl-{stance}\s*{{[^}}]*rgba\((\d+),\s*(\d+),\s*(\d+)", css)
        assert m, f"no .sl-{stance} colour in annotator.css"
        assert "#" + "".join(f"{int(v):02X}" for v in m.groups()) == palette.STANCE_COLORS[stance]
    # no module keeps its own stance colour table any more
    root = Path(__file__).resolve().parents[1] / "toolkit"
    for path in root.rglob("*.py"):
        if path.name == "palette.py":
            continue
        text = path.read_text()
        assert '"#D55E00"' not in text and '"#0072B2"' not in text, f"{path} defines its own stance colours"


def test_issue_groups_are_stable_and_shared():
    totals = {f"i{k}": float(10 - k) for k in range(10)}
    labels = {i: i.upper() for i in totals}
    groups = palette.issue_groups(totals, labels)
    assert list(groups)[:8] == [f"i{k}" for k in range(8)]
    assert groups["i8"] == groups["i9"] == palette.OTHER_LABEL
    names, colors = palette.group_scale(groups)
    assert colors[:8] == list(palette.ISSUE_COLORS) and colors[-1] == palette.OTHER_COLOR
    assert names[-1] == palette.OTHER_LABEL
