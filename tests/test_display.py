"""How charts are shown: one output with the offline widget view, the spec nbval compares, and text."""

from __future__ import annotations

import json

import altair as alt
import nbformat
import pandas as pd
import pytest

from toolkit.charts import display

NB02 = "02_balance_across_summits.ipynb"


@pytest.fixture(scope="module")
def chart():
    data = pd.DataFrame({"summit": ["A", "B"], "balance": [0.5, -0.25]})
    return alt.Chart(data).mark_bar().encode(x="balance:Q", y="summit:N").properties(title="A <b>test</b> chart")


def test_bundle_without_widget(chart):
    pictures = display.chart_bundle(chart, widget=False)  # static pictures by default
    assert set(pictures) == {"text/plain", display.VEGALITE_MIMETYPE, "image/svg+xml", "image/png"}
    import base64

    png = base64.b64decode(pictures["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < 40_000  # small: a 64-colour palette
    bundle = display.chart_bundle(chart, widget=False, svg=False, png=False)
    assert set(bundle) == {"text/plain", display.VEGALITE_MIMETYPE}
    assert display.VEGALITE_MIMETYPE == "application/vnd.vegalite.v6+json"
    spec = bundle[display.VEGALITE_MIMETYPE]
    assert spec == json.loads(json.dumps(chart.to_dict()))
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    size = len(json.dumps(spec, sort_keys=True, separators=(",", ":")))
    assert bundle["text/plain"] == f"<Chart: A <b>test</b> chart (Vega-Lite spec, {size} bytes)>"
    # deterministic: a second call (and a rebuilt chart) gives the same bundle
    assert display.chart_bundle(chart.copy(deep=True), widget=False, svg=False, png=False) == bundle


def test_bundle_with_widget_and_svg(chart, monkeypatch):
    assert display.WIDGET_MIMETYPE not in display.chart_bundle(chart)  # no kernel here: no widget view
    monkeypatch.setattr(display, "_in_kernel", lambda: True)
    bundle = display.chart_bundle(chart, widget=True, svg=True)
    view = bundle[display.WIDGET_MIMETYPE]
    assert set(view) >= {"model_id", "version_major"}
    assert alt.JupyterChart._is_offline  # vega comes from vl-convert, not a CDN
    svg = bundle["image/svg+xml"]
    assert svg.startswith("<svg") and "A &lt;b&gt;test&lt;/b&gt; chart" in svg
    assert display.to_svg(chart) == svg  # byte-stable
    png = display.to_png(chart, scale=1, svg=svg)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_show_displays_one_raw_bundle(chart, monkeypatch):
    import IPython.display

    seen = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: seen.append((obj, raw)))
    display.show(chart, widget=False, svg=False, png=False)
    [(obj, raw)] = seen
    assert raw is True and display.VEGALITE_MIMETYPE in obj
    fig = display.Figure(chart, widget=False, svg=False, png=False)
    assert fig._repr_mimebundle_() == obj
    assert repr(fig) == obj["text/plain"]


def test_notebook_02_stores_every_chart_spec(repo_root):
    """The stored notebook is executed, small, has no widget state, and every chart cell keeps its spec."""
    path = repo_root / "notebooks" / NB02
    assert path.stat().st_size < 1_000_000
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb.metadata
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    shown = [c for c in code if "toolkit.show(" in c.source]
    assert len(shown) == 5
    for cell in shown:
        [out] = [o for o in cell.outputs if o.output_type == "display_data"]
        spec = out.data[display.VEGALITE_MIMETYPE]
        assert spec["datasets"] and spec["title"]["text"]
        assert display.WIDGET_MIMETYPE in out.data
        assert out.data["image/png"]  # what Lab shows an untrusted notebook
        svg = out.data["image/svg+xml"]  # what nbconvert and GitHub show
        assert svg.startswith("<svg") and spec["title"]["text"].split("'")[0] in svg.replace("&#39;", "'")
    assert not any(o.get("output_type") == "error" for c in code for o in c.outputs)


def test_renderer_plugin_shows_a_plain_chart(chart):
    """A chart left as a cell's value goes through the registered renderer: spec + SVG, offline."""
    before = alt.renderers.active
    try:
        alt.renderers.enable("default")
        assert display.enable_renderer() is True
        bundle = chart._repr_mimebundle_()
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        assert bundle[display.VEGALITE_MIMETYPE] == display.spec_of(chart)
        assert bundle["image/svg+xml"] == display.to_svg(chart)
        # a renderer the user chose is left alone
        alt.renderers.enable("svg")
        assert display.enable_renderer() is False and alt.renderers.active == "svg"
    finally:
        alt.renderers.enable(before)


def test_install_shows_a_plain_chart_offline_in_ipython(chart):
    """After `import toolkit` in IPython, a chart left as a cell's value goes through the renderer with no helper call."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    before = alt.renderers.active
    try:
        alt.renderers.enable("default")
        assert display.install(shell) is True
        assert alt.renderers.active == display.RENDERER_NAME  # altair is loaded: enabled at once
        alt.renderers.enable("default")  # as if altair were imported after toolkit
        data, _ = shell.display_formatter.format(chart)
        assert alt.renderers.active == display.RENDERER_NAME
        assert data[display.VEGALITE_MIMETYPE] == display.spec_of(chart)
        assert data["image/svg+xml"] == display.to_svg(chart)  # drawn offline, no CDN script
        assert "text/html" not in data
        # a renderer the user chose is still obeyed
        alt.renderers.enable("json")
        data, _ = shell.display_formatter.format(chart)
        assert display.VEGALITE_MIMETYPE not in data and "application/json" in data
    finally:
        alt.renderers.enable(before)
        shell.display_formatter.mimebundle_formatter.pop(".".join(display.CHART_CLASS), None)
        InteractiveShell.clear_instance()


def test_import_toolkit_installs_the_formatter_only_in_ipython():
    import subprocess
    import sys

    outside = "import sys, toolkit; print('altair' in sys.modules, toolkit.charts.display.install())"
    out = subprocess.run([sys.executable, "-c", outside], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
    inside = (
        "from IPython.core.interactiveshell import InteractiveShell; import sys; shell = InteractiveShell.instance(); "
        "import toolkit; f = shell.display_formatter.mimebundle_formatter; "
        "print('altair' in sys.modules, f.lookup_by_type('altair.vegalite.v6.api.TopLevelMixin').__name__)"
    )
    out = subprocess.run([sys.executable, "-c", inside], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "_display_chart"]
