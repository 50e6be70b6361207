"""The pictures stored with every chart of every notebook keep the chart's true colours.

A stored chart output carries a PNG (what JupyterLab shows before a kernel runs). A PNG reduced to a
palette merges neighbouring colours: the shift chart's "relationship" indigo and "Forces around Ukraine"
wine became one purple. These tests read the notebook files as a reader gets them.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import nbformat
import pytest
from PIL import Image

from toolkit.charts.display import VEGALITE_MIMETYPE

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _stored_charts() -> list[tuple[str, int, dict]]:
    out = []
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
                if VEGALITE_MIMETYPE in o.get("data", {}):
                    out.append((path.relative_to(NOTEBOOKS).as_posix(), i, o["data"]))
    return out


CHARTS = _stored_charts()


def _image(data: dict) -> Image.Image:
    im = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    im.load()
    return im


def _hex(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _pixels_near(im: Image.Image, rgb: tuple[int, int, int], tol: int = 4) -> int:
    """How many pixels are within ``tol`` of ``rgb`` in every channel."""
    pixels = im.convert("RGB").getcolors(1 << 22) or []
    return sum(n for n, px in pixels if all(abs(a - b) <= tol for a, b in zip(px, rgb)))


def _colour_ranges(spec: object) -> list[list[str]]:
    """Every explicit colour scale range (a list of #rrggbb) in a Vega-Lite spec."""
    found: list[list[str]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            enc = node.get("encoding")
            if isinstance(enc, dict):
                for channel in ("color", "fill"):
                    rng = ((enc.get(channel) or {}).get("scale") or {}).get("range")
                    if isinstance(rng, list) and rng and all(isinstance(c, str) and c.startswith("#") for c in rng):
                        found.append(rng)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found


def test_notebooks_store_charts():
    names = {nb for nb, _, _ in CHARTS}
    assert {"02_balance_across_summits.ipynb", "04_bring_your_own_article.ipynb"} <= names


@pytest.mark.parametrize(("notebook", "cell"), [(nb, i) for nb, i, _ in CHARTS])
def test_stored_png_is_true_colour(notebook, cell):
    data = next(d for nb, i, d in CHARTS if (nb, i) == (notebook, cell))
    im = _image(data)
    assert im.mode in ("RGB", "RGBA"), f"{notebook} cell {cell}: a {im.mode} (palette) PNG"
    colours = len(im.convert("RGB").getcolors(1 << 22) or [])
    assert colours > 64, f"{notebook} cell {cell}: only {colours} distinct colours"  # a 64-colour palette cannot


def test_shift_chart_keeps_relationship_and_forces_apart():
    """Each issue colour drawn on a dot is in the stored PNG exactly; the two a palette merged stay apart."""
    shift = [
        d for nb, _, d in CHARTS if nb == "02_balance_across_summits.ipynb" and "moves between summits" in str(d["text/plain"])
    ]
    assert len(shift) == 1
    spec, im = shift[0][VEGALITE_MIMETYPE], _image(shift[0])
    rng = next(r for r in _colour_ranges(spec) if "#332288" in r)
    assert "#882255" in rng  # relationship and Forces and the threat of war around Ukraine: two colours, kept apart
    (rows,) = spec["datasets"].values()
    names = next(v["scale"]["domain"] for v in _colour_encodings(spec) if v.get("scale", {}).get("range") == rng)
    drawn = {r["colour"] for r in rows if r.get("kind") == "point"}
    on_dots = [rng[names.index(n)] for n in drawn]
    assert len(on_dots) >= 2
    missing = [c for c in on_dots if _pixels_near(im, _hex(c), tol=2) < 30]
    assert missing == [], f"colours of dots not in the stored PNG: {missing}"


def _colour_encodings(spec: object) -> list[dict]:
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            enc = node.get("encoding")
            if isinstance(enc, dict) and isinstance(enc.get("color"), dict):
                found.append(enc["color"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found
