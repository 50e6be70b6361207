"""The balance charts draw in a real browser with no network (JupyterLab and Voila).

Runs ``notebooks/02_balance_across_summits.ipynb`` in headless Chromium. The
harness aborts any request to a host other than localhost, so a chart that
needed a CDN would stay empty and the test would fail.
"""

from __future__ import annotations

import json
import re

from _lab import wait_until

from toolkit.charts.offline import SHARED_MODULE_HEAD
from toolkit.ledger import load_ledger

NOTEBOOK = "02_balance_across_summits.ipynb"
CHART = ".vega-embed svg, .vega-embed canvas"
#: Counts the times the page is handed vega's bundle (0.9 MB) to run: anywidget turns a module given as text
#: into a blob URL, and so does the charts' shared module (toolkit/charts/offline.py) for the bundle inside it.
#: Large scripts are counted unless they are the shared module itself.
COUNT_BUNDLE_RUNS = """() => {
    window.__slBundleRuns = 0;
    const make = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (obj) => {
        if (obj instanceof Blob && /javascript/.test(obj.type) && obj.size >= 100000) {
            obj.slice(0, HEAD.length).text().then((t) => { if (t !== HEAD) window.__slBundleRuns += 1; });
        }
        return make(obj);
    };
}""".replace("HEAD", json.dumps(SHARED_MODULE_HEAD))


def _charts_and_bundle_runs(page) -> tuple[int, int]:
    """How many vega charts the page shows, and how many times it was handed vega's bundle to run."""
    return page.evaluate("() => [document.querySelectorAll('.vega-embed').length, window.__slBundleRuns]")


def _scroll_to_bottom(page) -> None:
    page.evaluate(
        """() => {
            for (const el of document.querySelectorAll('.jp-WindowedPanel-outer, .jp-NotebookPanel-notebook')) {
                el.scrollTop = el.scrollHeight;
            }
        }"""
    )


def test_lab_draws_charts_offline_and_explorer_redraws(page, page_log, start_lab, notebook_workspace, run_notebook_in_lab):
    server = start_lab(notebook_workspace)
    page.add_init_script(script=f"({COUNT_BUNDLE_RUNS})()")
    run_notebook_in_lab(page, server, NOTEBOOK, timeout=240_000)
    # chart (a), first in the notebook: drawn, with the summits in date order on its axis
    first = page.wait_for_selector(f".jp-OutputArea-output {CHART.split(',')[0]}", timeout=60_000)
    labels = page.evaluate("""(svg) => [...svg.querySelectorAll('text')].map(t => t.textContent)""", first)
    summits = [t for t in labels if re.search(r"\((in person|video call|phone call|delegation talks)\) · n = \d+$", t)]
    from toolkit.measures import balance_table

    n = balance_table(load_ledger(sets=["reference"]))["n"].tolist()
    assert summits[:5] == [
        f"Helsinki 2018 (in person) · n = {n[0]}",
        f"Geneva 2021 (in person) · n = {n[1]}",
        f"Video call Dec 2021 (video call) · n = {n[2]}",
        f"Phone call Dec 2021 (phone call) · n = {n[3]}",
        f"Geneva talks Jan 2022 (delegation talks) · n = {n[4]}",
    ], labels
    assert "Balance of goodwill and grievance per summit" in labels
    # no widget failed to render, and nothing was fetched from outside
    assert page.query_selector_all("text=Error displaying widget") == []

    # the explorer, in the last cells: drawn, and redrawn when a control changes
    _scroll_to_bottom(page)
    explorer = page.wait_for_selector(".sl-explorer", timeout=60_000)
    explorer.scroll_into_view_if_needed()
    page.wait_for_selector(f".sl-explorer {CHART.split(',')[0]}", timeout=60_000)
    # the notebook's last cell narrows the explorer to the reference spans; the status counts events
    ledger = load_ledger(sets=["reference"])
    n_spans = int(balance_table(ledger, evidence="span")["n"].sum())
    n_both = int(balance_table(ledger)["n"].sum())
    status = page.locator(".sl-explorer .widget-html-content").first
    before = status.inner_text()
    assert re.search(rf"\b{n_spans} events selected", before), before
    # evidence -> spans + briefs: the tables and charts are recomputed in the kernel
    page.locator(".sl-explorer button", has_text=re.compile(r"^Spans \+ briefs$")).click()
    wait_until(
        page,
        f"""() => /\\b{n_both} events selected/.test(
                document.querySelector('.sl-explorer .widget-html-content').textContent)""",
        timeout=60_000,
    )
    assert page_log.external_requests == []
    assert not page_log.page_errors, page_log.page_errors
    # every chart of the page shares one run of vega's bundle (not one 0.9 MB script per chart)
    charts, runs = _charts_and_bundle_runs(page)
    assert charts >= 5 and runs == 1, (charts, runs)


def test_voila_draws_charts_offline(page, page_log, start_voila, notebook_workspace):
    server = start_voila(notebook_workspace / NOTEBOOK)
    page.add_init_script(script=f"({COUNT_BUNDLE_RUNS})()")
    page.goto(server.url, timeout=240_000)
    page.wait_for_selector(CHART, timeout=240_000)
    assert len(page.query_selector_all(".vega-embed")) >= 4
    charts, runs = _charts_and_bundle_runs(page)
    assert charts >= 4 and runs == 1, (charts, runs)
    # Voila's own page template asks a CDN for the Font Awesome icon stylesheets (aborted here; icons only).
    # Nothing the charts need may come from outside.
    other = [u for u in page_log.external_requests if "fontawesome" not in u]
    assert other == [], other
