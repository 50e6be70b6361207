"""The reader's journey: every stored notebook, converted to HTML with no kernel, read in Chromium.

A reader who only downloads the project converts each notebook with ``jupyter nbconvert --to html``
(nothing is executed) and opens the page. For every notebook this test checks what that reader sees:

* each stored chart is a picture (no ``<Chart: ...>`` text stand-in), drawn whole: the picture fits its
  output area, every label of the chart lies inside the picture, no label is cut with "…", and no label
  overlaps the legend;
* no two labels of a chart lie on each other;
* each picture keeps its true colours: every colour the chart fills an area with (at its opacity, over
  the white page) is on the screen within 3 of its value, and in the stored PNG (what JupyterLab shows
  before a kernel runs);
* each widget is a sentence saying what it does and how to start it (never ``VBox(children=...``).

Screenshots of every picture are kept in the test's folder for a person to look at.
"""

from __future__ import annotations

import base64
import io

import nbformat
import pytest
from _lab import wait_until
from conftest import REPO

from toolkit.charts.display import VEGALITE_MIMETYPE
from toolkit.widgets.kernel_note import HOW_TO_START, NOTE_CLASS

NOTEBOOKS = REPO / "notebooks"
WIDGET = "application/vnd.jupyter.widget-view+json"


def _stored() -> dict[str, dict]:
    out = {}
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = nbformat.read(path, as_version=4)
        charts: list[str] = []
        pngs: list[bytes] = []
        widgets = 0
        for cell in nb.cells:
            for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
                data = o.get("data", {})
                if VEGALITE_MIMETYPE in data:
                    charts.append(data["image/svg+xml"])
                    pngs.append(base64.b64decode(data["image/png"]))
                elif WIDGET in data:
                    widgets += 1
        out[path.relative_to(NOTEBOOKS).as_posix()] = {"charts": charts, "pngs": pngs, "widgets": widgets}
    return out


STORED = _stored()

# In the chart's own SVG: text outside the picture, cut labels, labels on the legend, and the opaque fill colours.
_MEASURE = r"""(svg) => {
    const box = svg.getBoundingClientRect();
    const out = {outside: [], cut: [], onLegend: [], overlaps: [], fills: []};
    const texts = [...svg.querySelectorAll('text')];
    for (const t of texts) {
        const r = t.getBoundingClientRect();
        const s = t.textContent;
        if (!s.trim()) continue;
        if (s.includes('…')) out.cut.push(s);
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
            out.outside.push(s);
    }
    // (rotated labels are left out: their screen boxes are wider than the text and overlap their neighbours')
    const upright = (t) => !/rotate\((?!0[,)])/.test(t.getAttribute('transform') || '');
    const shown = texts.filter(t => t.textContent.trim() && upright(t)).map(t => [t.textContent, t.getBoundingClientRect()]);
    for (let i = 0; i < shown.length; i++) {
        for (let j = i + 1; j < shown.length; j++) {
            const [a, r] = shown[i], [b, q] = shown[j];
            const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
            const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
            if (w > 2 && h > 2) out.overlaps.push(a + ' / ' + b);
        }
    }
    for (const legend of svg.querySelectorAll('g.role-legend')) {
        const l = legend.getBoundingClientRect();
        for (const t of texts) {
            if (legend.contains(t) || !t.textContent.trim()) continue;
            const r = t.getBoundingClientRect();
            if (r.right > l.left && r.left < l.right && r.bottom > l.top && r.top < l.bottom) out.onLegend.push(t.textContent);
        }
    }
    const alpha = (el) => {  // the fill's opacity on screen: the element's and every group's above it
        let a = parseFloat(getComputedStyle(el).fillOpacity || '1');
        for (let e = el; e && e !== svg; e = e.parentElement) a *= parseFloat(getComputedStyle(e).opacity || '1');
        return Math.round(a * 1000) / 1000;
    };
    const seen = new Set();
    for (const el of svg.querySelectorAll('path, rect, circle')) {
        let fill = (el.getAttribute('fill') || '').toLowerCase().replace(/\s/g, '');
        const rgb = fill.match(/^rgb\((\d+),(\d+),(\d+)\)$/);
        if (rgb) fill = '#' + rgb.slice(1).map(v => Number(v).toString(16).padStart(2, '0')).join('');
        if (!/^#[0-9a-f]{6}$/.test(fill) || ['#ffffff', '#000000'].includes(fill)) continue;
        const r = el.getBoundingClientRect();
        const a = alpha(el);
        if (r.width < 6 || r.height < 6 || a < 0.2 || seen.has(fill + a)) continue;
        seen.add(fill + a);
        out.fills.push([fill, a]);
    }
    return out;
}"""


def _rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _colours_missing(png: bytes, fills: list[list], tol: int = 3) -> list[str]:
    """The fills (colour, opacity) of which fewer than 4 pixels show, each blended over the white page."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        counts = im.convert("RGB").getcolors(1 << 22) or []
    missing = []
    for fill, a in fills:
        want = [round(c * a + 255 * (1 - a)) for c in _rgb(fill)]
        if sum(n for n, px in counts if all(abs(p - q) <= tol for p, q in zip(px, want))) < 4:
            missing.append(f"{fill} at opacity {a}")
    return missing


def test_every_notebook_is_part_of_the_journey():
    assert {"00_tour.ipynb", "01_annotate.ipynb", "02_balance_across_summits.ipynb", "05_adjudicate.ipynb"} <= set(STORED)
    assert len(STORED["02_balance_across_summits.ipynb"]["charts"]) == 5


@pytest.mark.parametrize("notebook", sorted(STORED))
def test_reader_sees_every_chart_whole_in_true_colour_and_every_widget_as_a_sentence(page, tmp_path, notebooks_html, notebook):
    stored = STORED[notebook]
    page.goto(notebooks_html(notebook).as_uri())
    page.wait_for_selector(".jp-Notebook", timeout=30_000)
    body = page.inner_text(".jp-Notebook")
    assert "<Chart:" not in body and "children=(" not in body

    # widgets: one sentence each, saying how to start it
    notes = page.locator(f".jp-OutputArea-output .{NOTE_CLASS}")
    assert notes.count() == stored["widgets"], f"{notebook}: {notes.count()} sentences for {stored['widgets']} widgets"
    for i in range(notes.count()):
        assert HOW_TO_START in notes.nth(i).inner_text()

    # charts: a picture each, whole, in its true colours
    pictures = page.locator(".jp-OutputArea-output[data-mime-type='image/svg+xml'] img")
    assert pictures.count() == len(stored["charts"]), f"{notebook}: {pictures.count()} pictures, {len(stored['charts'])} charts"
    for i, svg_text in enumerate(stored["charts"]):
        pic = pictures.nth(i)
        pic.scroll_into_view_if_needed()
        wait_until(page, "(img) => img.complete && img.naturalWidth > 0", arg=pic.element_handle())
        fit = pic.evaluate(
            """(img) => {
                const area = img.closest('.jp-OutputArea-output').getBoundingClientRect();
                const r = img.getBoundingClientRect();
                return {natural: img.naturalWidth, shown: r.width, right: r.right, areaRight: area.right};
            }"""
        )
        assert fit["right"] <= fit["areaRight"] + 1, f"{notebook} chart {i}: cut at the right of its output area {fit}"
        assert fit["shown"] >= fit["natural"] - 1, f"{notebook} chart {i}: shrunk to {fit['shown']:.0f} px of {fit['natural']}"
        shot = pic.screenshot()
        (tmp_path / f"chart-{i}.png").write_bytes(shot)

        # the chart's own SVG, measured where text has a size
        sub = page.context.new_page()
        try:
            sub.set_content(f"<!doctype html><body style='margin:0'>{svg_text}</body>")
            measured = sub.evaluate(_MEASURE, sub.query_selector("svg"))
        finally:
            sub.close()
        assert measured["cut"] == [], f"{notebook} chart {i}: labels cut {measured['cut']}"
        assert measured["outside"] == [], f"{notebook} chart {i}: labels outside the picture {measured['outside']}"
        assert measured["onLegend"] == [], f"{notebook} chart {i}: labels over the legend {measured['onLegend']}"
        assert measured["overlaps"] == [], f"{notebook} chart {i}: labels on each other {measured['overlaps'][:5]}"
        assert measured["fills"], f"{notebook} chart {i}: no coloured area found"
        missing = _colours_missing(shot, measured["fills"])
        assert missing == [], f"{notebook} chart {i}: colours not on the screen {missing} of {measured['fills']}"
        # the same colours in the stored PNG, the picture JupyterLab shows before a kernel runs
        missing = _colours_missing(stored["pngs"][i], measured["fills"])
        assert missing == [], f"{notebook} chart {i}: colours not in the stored PNG {missing} of {measured['fills']}"
