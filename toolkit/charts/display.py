"""Show Altair charts in notebooks with no network, while nbval still checks them.

Why this module exists
----------------------
Altair's default ``html`` renderer loads vega from a CDN, so with no network a
chart does not draw. Its ``jupyter`` renderer (``alt.JupyterChart``, an
anywidget) draws offline once :meth:`alt.JupyterChart.enable_offline` has
bundled the JavaScript, but a widget view is something nbval skips: a notebook
would "pass" even if every figure changed.

:func:`show` therefore displays **one output holding several views of the same
chart** (a Jupyter mimebundle):

``application/vnd.jupyter.widget-view+json``
    The offline JupyterChart widget. JupyterLab and Voila pick this one, draw
    it with the bundled vega (no CDN) and keep legend clicks and other
    selections interactive. nbval skips it.
``application/vnd.vegalite.v6+json``
    The chart's Vega-Lite spec as a dict. JupyterLab 4 has no renderer for v6,
    so it never shows it, but nbval compares ``application/*+json`` outputs as
    exact dicts: any change to the data, encodings, sort order or titles of a
    stored figure fails ``pytest --nbval``.
``image/svg+xml`` (default; ``svg=False`` leaves it out)
    A static SVG from vl-convert. JupyterLab shows it when the notebook is
    opened with no kernel (the widget view then has no model and Lab falls
    back to the next mimetype), ``jupyter nbconvert --to html`` embeds it, and
    GitHub's notebook viewer shows it. nbval compares it as text.
``image/png`` (default; ``png=False`` leaves it out)
    A PNG of the same picture in its true colours (RGBA, never reduced to a
    palette: two issue colours that differ in the chart differ in the PNG).
    JupyterLab treats a stored,
    unsigned notebook as untrusted and then shows only "safe" outputs: a PNG
    is safe, an SVG is not, so this is the picture Lab shows with no kernel.
    nbval skips it.
``text/plain``
    A short, deterministic description (title and spec size), so the stored
    text diffs cleanly.

Altair 6 names params and views by content hash and embeds data as
``data-<sha256>``, so the spec of a given table is the same in every run.

Usage
-----
>>> import toolkit
>>> toolkit.show(chart)                 # in a notebook cell      # doctest: +SKIP
>>> chart                               # the same, once toolkit.charts is used  # doctest: +SKIP

The same bundle is registered as the Altair renderer ``summit_ledger`` (an
entry point in the ``altair.vegalite.v6.renderer`` group, so
``alt.renderers.enable("summit_ledger")`` works without importing this
module). ``import toolkit`` inside IPython or Jupyter calls :func:`install`,
which asks IPython to hand every Altair chart it displays to
:func:`enable_renderer` first, and :mod:`toolkit.charts` enables it the first
time it imports altair. Either way a plain ``alt.Chart`` left as the last
value of a cell is drawn offline, stored with its SVG and checked by nbval
with no helper call, unless the user chose another renderer. Re-executing any
notebook therefore stores pictures a reader can see without a kernel.

Execute notebooks with
``jupyter nbconvert --execute --ExecutePreprocessor.store_widget_state=False``
so the ~0.9 MB of bundled vega is not stored in the notebook.

altair, anywidget and vl-convert are imported only when a chart is shown.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

__all__ = [
    "VEGALITE_MIMETYPE",
    "WIDGET_MIMETYPE",
    "RENDERER_NAME",
    "Figure",
    "chart_bundle",
    "show",
    "spec_of",
    "to_svg",
    "to_png",
    "enable_offline",
    "renderer",
    "enable_renderer",
    "install",
]

#: The mimetype under which the Vega-Lite spec is stored for nbval to compare.
VEGALITE_MIMETYPE = "application/vnd.vegalite.v6+json"
#: The mimetype of a Jupyter widget view (skipped by nbval).
WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"
#: Name of the Altair renderer this module registers.
RENDERER_NAME = "summit_ledger"


def enable_offline() -> None:
    """Make ``alt.JupyterChart`` load vega from vl-convert's bundle instead of a CDN.

    Idempotent. The bundle is made once per environment and kept in the user's cache folder
    (:mod:`toolkit.charts.offline`); a kernel that finds it skips the 1.5-2 s of bundling.
    """
    from toolkit.charts.offline import enable_offline as offline

    offline()


def spec_of(chart: Any) -> dict:
    """The chart's Vega-Lite spec as a plain, JSON-safe dict (a deep copy).

    Parameters
    ----------
    chart : altair.TopLevelMixin or dict
        A chart, or a spec dict already.
    """
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    # round trip through JSON: the stored output is JSON, so compare like with like
    return json.loads(json.dumps(spec, sort_keys=True))


def to_svg(chart: Any) -> str:
    """Render a chart to SVG text with vl-convert (offline, byte-stable across runs).

    Vega numbers gradients and clip paths with a counter that keeps growing in
    one process (``gradient_0``, then ``gradient_1`` for the next chart...);
    they are renumbered per SVG in order of appearance, so the same chart
    gives the same bytes whatever was rendered before it.
    """
    import vl_convert as vlc

    return _renumber_ids(vlc.vegalite_to_svg(spec_of(chart)))


_SVG_ID = re.compile(r'(?<=id=")(gradient|clip|pattern)_?(\d+)(?=")|(?<=url\(#)(gradient|clip|pattern)_?(\d+)(?=\))')


def _renumber_ids(svg: str) -> str:
    seen: dict[tuple[str, str], str] = {}

    def sub(m: re.Match[str]) -> str:
        kind = m.group(1) or m.group(3)
        num = m.group(2) or m.group(4)
        key = (kind, num)
        if key not in seen:
            seen[key] = f"{kind}_{sum(1 for k in seen if k[0] == kind)}"
        return seen[key]

    return _SVG_ID.sub(sub, svg)


def _title_text(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title) if title else "untitled chart"


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def chart_bundle(chart: Any, *, widget: bool = True, svg: bool = True, png: bool = True) -> dict[str, Any]:
    """The mimebundle :func:`show` displays.

    Parameters
    ----------
    chart : altair chart
    widget : bool
        Include the offline JupyterChart widget view (only inside a running
        kernel, as in JupyterLab or Voila; elsewhere it is left out).
    svg : bool, default True
        Include a static SVG rendered by vl-convert.
    png : bool, default True
        Include a true-colour PNG of the same picture (what Lab shows for
        an untrusted notebook).

    Returns
    -------
    dict
        Mimetype to content; always ``text/plain`` and
        :data:`VEGALITE_MIMETYPE`, plus the widget view and SVG when asked.
    """
    spec = spec_of(chart)
    size = len(json.dumps(spec, sort_keys=True, separators=(",", ":")))
    bundle: dict[str, Any] = {
        "text/plain": f"<Chart: {_title_text(spec)} (Vega-Lite spec, {size} bytes)>",
        VEGALITE_MIMETYPE: spec,
    }
    if svg or png:
        picture = to_svg(spec)
        if svg:
            bundle["image/svg+xml"] = picture
        if png:
            import base64

            bundle["image/png"] = base64.b64encode(to_png(spec, scale=1.0, svg=picture)).decode("ascii")
    if widget and _in_kernel():
        import altair as alt

        enable_offline()
        if isinstance(chart, dict):
            chart = alt.Chart.from_dict(chart, validate=False)
        view = alt.JupyterChart(chart)
        shown = view._repr_mimebundle_()
        data: dict = shown[0] if isinstance(shown, tuple) else shown or {}
        bundle[WIDGET_MIMETYPE] = data[WIDGET_MIMETYPE]
    return bundle


class Figure:
    """A chart wrapped for display: put it last in a cell, or pass it to ``display``.

    Parameters
    ----------
    chart : altair chart
    svg : bool
        Also carry a static SVG.
    widget : bool
        Carry the interactive offline widget view.
    """

    def __init__(self, chart: Any, *, svg: bool = True, widget: bool = True, png: bool = True) -> None:
        self.chart = chart
        self.svg = svg
        self.widget = widget
        self.png = png

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return chart_bundle(self.chart, widget=self.widget, svg=self.svg, png=self.png)

    def __repr__(self) -> str:
        return chart_bundle(self.chart, widget=False, svg=False, png=False)["text/plain"]


def show(chart: Any, *, svg: bool = True, widget: bool = True, png: bool = True) -> None:
    """Display a chart in a notebook: drawn offline, and checked by nbval.

    Parameters
    ----------
    chart : altair chart
        Any Altair chart (``alt.Chart``, layer, concat...).
    svg : bool, default True
        Also store a static SVG (vl-convert), which Lab without a kernel,
        nbconvert and GitHub show. It adds 20-80 KB per chart to the notebook.
    widget : bool, default True
        Include the interactive offline widget view.

    Notes
    -----
    One output is displayed, holding the offline JupyterChart widget view
    (what JupyterLab and Voila draw), the Vega-Lite spec under
    :data:`VEGALITE_MIMETYPE` (what nbval compares, as an exact dict) and a
    deterministic ``text/plain`` line. Do not mark the cell
    ``# NBVAL_IGNORE_OUTPUT``: the spec is what makes the figure reproducible.
    """
    from IPython.display import display

    display(chart_bundle(chart, widget=widget, svg=svg, png=png), raw=True)


def to_png(chart: Any, *, scale: float = 2.0, svg: str | None = None) -> bytes:
    """Render a chart to PNG bytes with vl-convert (offline, byte-stable on one machine).

    The PNG keeps every colour vl-convert drew (no palette reduction: a
    palette merges neighbouring colours, so two issues of different colour
    could look the same); it is only re-encoded losslessly, to be smaller.

    Parameters
    ----------
    chart : altair chart or spec dict
    scale : float
        Pixel scale factor (2 gives print-friendly figures).
    svg : str, optional
        The chart's SVG from :func:`to_svg`, if already rendered: the PNG is
        then rasterised from it, which is faster than rendering again.
    """
    import vl_convert as vlc

    if svg is None:
        svg = to_svg(chart)
    return _compact(vlc.svg_to_png(svg, scale=scale))


def _compact(png: bytes) -> bytes:
    """The same pixels, re-encoded smaller (lossless): RGB when every pixel is opaque, zlib's default level.

    vl-convert's PNG is RGBA and lightly compressed; a chart on its white
    background is opaque, so this keeps every colour and takes about a fifth
    of the bytes. zlib's best level (Pillow's ``optimize``) saves only 1-4 %
    more of them for two to three times the time.
    """
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as opened:
        im: Image.Image = opened
        im.load()
        if im.mode == "RGBA" and im.getchannel("A").getextrema() == (255, 255):
            im = im.convert("RGB")
        out = io.BytesIO()
        im.save(out, "PNG", compress_level=6)
    return out.getvalue()


def renderer(spec: dict, **kwargs: Any) -> dict[str, Any]:
    """Altair renderer: the :func:`chart_bundle` of a spec (widget when in a kernel, spec, SVG, text)."""
    return chart_bundle(spec, widget=kwargs.get("widget", True), svg=kwargs.get("svg", True), png=kwargs.get("png", True))


def enable_renderer(*, force: bool = False) -> bool:
    """Register the ``summit_ledger`` Altair renderer and enable it.

    Parameters
    ----------
    force : bool
        Enable it even when another renderer than Altair's ``default`` is active.

    Returns
    -------
    bool
        Whether it is now the active renderer.
    """
    import altair as alt

    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, renderer)
    if force or alt.renderers.active in ("default", RENDERER_NAME):
        alt.renderers.enable(RENDERER_NAME)
    return alt.renderers.active == RENDERER_NAME


#: Where IPython finds the class every Altair chart derives from (matched by name: altair is not imported).
CHART_CLASS = ("altair.vegalite.v6.api", "TopLevelMixin")


def _display_chart(chart: Any) -> Any:
    """IPython's formatter for Altair charts: our renderer unless the user chose another, then Altair's own display."""
    enable_renderer()
    return chart._repr_mimebundle_()


def install(shell: Any = None) -> bool:
    """Have an IPython shell show every Altair chart through the ``summit_ledger`` renderer.

    Registers a formatter for Altair's chart class by module and name, so
    altair is not imported until a chart is shown; when one is, the renderer
    is enabled (unless another than Altair's ``default`` was chosen) and the
    chart displays itself as usual. ``import toolkit`` calls this.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell, optional
        Default: the running shell, if any.

    Returns
    -------
    bool
        False outside IPython (nothing to do).
    """
    if shell is None:
        ipython = sys.modules.get("IPython")  # never imported here: no IPython loaded means no shell to hook
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is None:
            return False
    shell.display_formatter.mimebundle_formatter.for_type_by_name(*CHART_CLASS, _display_chart)
    if "altair" in sys.modules:
        enable_renderer()
    return True
