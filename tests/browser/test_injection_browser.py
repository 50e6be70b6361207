"""Injected HTML/JS stays inert in a real browser (headless Chromium).

The poisoned data of ``tests/reliability/poison.py`` (SYNTHETIC: payloads in
the article text and title, the notes, a codebook issue label, an actor label
and a summit label) is shown two ways:

1. **Exported HTML, no server.** The toolkit's static outputs — the
   annotated-article HTML (``charts.article_html``, hover titles included) and
   each core chart as SVG (``display.to_svg``, what ``summit-ledger figures``
   writes) — are loaded into a page, and every highlight and mark is hovered.
2. **Live widgets in JupyterLab.** A scratch notebook shows the annotator,
   the explorer, every chart through ``display.show`` (the offline vega
   widget, with vega tooltips) and the article HTML; all cells run, then every
   highlight and chart mark is hovered so tooltips render.

Each payload would set ``window.__pwned`` and open an ``alert`` if it ever ran.
The tests assert that no dialog opened, ``window.__pwned`` is unset, no
injected element (``img[src=x]``, an ``svg`` with ``onload``, a script holding
the payload) exists in the page, and the payloads' marker text is visible as
text (so the data really reached the page).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "reliability"))
import poison  # noqa: E402

INJECTED = """() => ({
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    imgs: document.querySelectorAll('img[src="x"]').length,
    onload: [...document.querySelectorAll('svg[onload], [onerror], [onload]')].length,
    scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes("__pwned='pwn-")).length,
})"""


def assert_clean(page, page_log) -> None:
    found = page.evaluate(INJECTED)
    assert page_log.dialogs == [], f"a payload opened a dialog: {page_log.dialogs}"
    assert found == {"pwned": None, "imgs": 0, "onload": 0, "scripts": 0}, found


#: The elements matching a selector that are in the window and not hovered yet, each marked as it is chosen
#: (a windowed notebook may draw an output afresh: a new node is hovered in its turn).
_TO_HOVER = """([selector, limit]) => {
    const centres = [];
    for (const el of document.querySelectorAll(selector)) {
        if (centres.length >= limit) break;
        if (el.hasAttribute('data-test-hovered')) continue;
        const r = el.getBoundingClientRect();
        if (r.width <= 0 || r.height <= 0 || r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) continue;
        el.setAttribute('data-test-hovered', '');
        centres.push([r.left + r.width / 2, r.top + r.height / 2]);
    }
    return centres;
}"""


def hover_all(page, selector: str, limit: int = 200) -> int:
    """Move the mouse over the centre of every element matching ``selector`` that is in the window and was not
    hovered before; return how many. Scroll and call again to reach the rest."""
    centres = page.evaluate(_TO_HOVER, [selector, limit])
    for x, y in centres:
        page.mouse.move(x, y)
        page.wait_for_timeout(15)
    return len(centres)


@pytest.fixture(scope="module")
def poisoned():
    return poison.build(Path(tempfile.mkdtemp(prefix="summit-ledger-poison-")))


def test_exported_html_and_svg_are_inert(page, page_log, poisoned):
    from toolkit.charts.article import article_html, ledger_spans
    from toolkit.charts.display import to_svg
    from toolkit.charts.figures import all_charts
    from toolkit.measures import balance_table

    doc, ledger = poisoned["document"], poisoned["ledger"]
    parts = [article_html(doc.text, ledger_spans(ledger, doc.id), title=doc.title)]
    summit_t = balance_table(ledger, by="summit", n_boot=50, summits=poisoned["summits"])
    issue_t = balance_table(ledger, by="issue", n_boot=50, summits=poisoned["summits"])
    for chart in all_charts(summit_t, issue_t).values():
        parts.append(f"<div class='chart'>{to_svg(chart)}</div>")
    page.set_content("<!doctype html><html><body>" + "".join(parts) + "</body></html>")
    page.wait_for_timeout(300)  # let a broken image fire its onerror, if there were one
    hovered = 0
    for _ in range(50):  # hover what is in the window, then scroll on, to the bottom of the page
        hovered += hover_all(page, "mark.sl-span") + hover_all(page, ".chart svg path, .chart svg rect")
        if page.evaluate("() => { const y = scrollY; scrollBy(0, innerHeight * 0.8); return scrollY === y; }"):
            break
    assert hovered >= 3
    text = page.inner_text("body")
    for marker in ("pwn-article", "pwn-title"):
        assert marker in text, f"{marker} not visible: the payload never reached the page"
    # Axis labels are cut to a width, so the summit's marker is looked for in text and attributes (aria-label).
    everything = page.evaluate("""() => document.body.textContent + [...document.querySelectorAll('*')]
        .flatMap(e => [...e.attributes].map(a => a.value)).join(' ')""")
    assert "pwn-summit" in everything
    assert "<script>window.__pwned='pwn-article'" in text  # shown as text, escaped
    titles = page.eval_on_selector_all("mark.sl-span", "els => els.map(e => e.title).join(' ')")
    assert "pwn-issue" in titles and "<img" in titles  # the hover text carries the label, as text
    assert_clean(page, page_log)


NOTEBOOK_CELLS = [
    "import sys, tempfile\nfrom pathlib import Path\nsys.path.insert(0, {reliability!r})\nimport poison\n"
    "P = poison.build(Path(tempfile.mkdtemp(prefix='summit-ledger-poison-')))",
    "from toolkit.widgets.annotator import Annotator\n"
    "ann = Annotator(P['document'], P['codebook'], P['store'], annotator='student-1', summits=P['summits'])\n"
    "ann.session.edit(P['records'][0]['id'])\nann.redraw()\nann",
    "from toolkit.widgets.explorer import Explorer\nExplorer(P['ledger'], n_boot=50)",
    "from toolkit.measures.balance import balance_table\nfrom toolkit.charts import all_charts\nfrom toolkit.charts.display import show\n"
    "s = balance_table(P['ledger'], by='summit', n_boot=50, summits=P['summits'])\n"
    "i = balance_table(P['ledger'], by='issue', n_boot=50, summits=P['summits'])\n"
    "for c in all_charts(s, i).values():\n    show(c)",
    "from IPython.display import HTML\nfrom toolkit.charts import article_html, ledger_spans\n"
    "HTML(article_html(P['document'].text, ledger_spans(P['ledger'], P['document'].id), title=P['document'].title))",
]


def write_notebook(path: Path) -> None:
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": src.format(reliability=str(REPO / "tests" / "reliability")),
        }
        for src in NOTEBOOK_CELLS
    ]
    nb = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_live_widgets_and_charts_are_inert(page, page_log, start_lab, notebook_workspace, run_notebook_in_lab):
    write_notebook(notebook_workspace / "injection.ipynb")
    server = start_lab(notebook_workspace)
    run_notebook_in_lab(page, server, "injection.ipynb", timeout=240_000)
    page.wait_for_selector(".sl-annotator", timeout=60_000)
    page.wait_for_selector(".jp-OutputArea-output .vega-embed", timeout=60_000)
    page.wait_for_timeout(1000)
    # Scroll through the notebook so every output is laid out, hovering highlights and chart marks.
    hovered = 0
    for _ in range(12):
        hovered += hover_all(page, ".sl-annotator [data-start], .sl-annotator mark, mark.sl-span")
        hovered += hover_all(page, ".vega-embed svg path, .vega-embed svg rect, .vega-embed canvas")
        page.evaluate("""() => { for (const el of document.querySelectorAll('.jp-WindowedPanel-outer'))
                                     el.scrollTop += 600; }""")
        page.wait_for_timeout(100)
    assert hovered > 0
    body = page.inner_text("body")
    for marker in ("pwn-title", "pwn-article"):
        assert marker in body, f"{marker} not visible: the payload never reached the page"
    assert page.query_selector_all("text=Error displaying widget") == []
    assert_clean(page, page_log)
    assert page_log.external_requests == []
