"""The adjudication notebook in Voila, in headless Chromium: choose a version, reject one, write the set."""

from __future__ import annotations

import json

from _lab import wait_until
from test_annotator_browser import scratch_data  # noqa: F401  (fixture: a copy of data/ the notebook reads)

NOTEBOOK = "05_adjudicate.ipynb"


def _status(page) -> str:
    return page.inner_text(".sl-adjudicator .widget-html >> nth=0")


def test_voila_choose_reject_and_write(page, page_log, start_voila, notebook_workspace, scratch_data):
    server = start_voila(notebook_workspace / NOTEBOOK, {"SUMMIT_LEDGER_DATA": str(scratch_data)})
    page.goto(server.url)
    page.wait_for_selector(".sl-adjudicator mark", timeout=120_000)
    assert "6 decided, 16 to go" in _status(page)
    assert "Both sides have long lists of grievances" in page.inner_text(".sl-adjudicator mark")
    page.click(".sl-adjudicator .widget-radio-box label >> nth=1")  # the reference's version
    page.click(".sl-adjudicator button:has-text('Choose version')")
    wait_until(page, "() => document.querySelector('.sl-adjudicator').innerText.includes('7 decided')", timeout=60_000)
    page.click(".sl-adjudicator button:has-text('No passage')")
    wait_until(page, "() => document.querySelector('.sl-adjudicator').innerText.includes('8 decided')", timeout=60_000)
    page.click(".sl-adjudicator button:has-text('Write set')")
    wait_until(page, "() => document.querySelector('.sl-adjudicator').innerText.includes('appended')", timeout=60_000)
    log = scratch_data / "annotations" / "adjudicated" / "adjudicator.jsonl"
    ops = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(ops) == 7 and all(op["sources"] for op in ops)
    chosen = [op for op in ops if "chose the version of reference" in op["note"]]
    assert [op["quote"] for op in chosen] == ["cyber security"]
    assert page.query_selector(".jp-InputArea-editor, .CodeMirror, .cm-editor") is None
    assert page_log.dialogs == [] and page_log.page_errors == []
    assert page_log.unexpected_external() == []
