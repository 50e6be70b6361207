"""The annotator as a coder first sees it in real JupyterLab after Run All.

The notebook shows the annotator, not its last cell; the "Issue" label is whole; the issues stand in
rows by codebook domain, each row named; the reason Save is off stands beside Save. Each check measures
the page (bounding boxes, scroll widths); a screenshot is kept in the test's folder for a person to see.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.codebook import load_codebook

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "01_annotate.ipynb"


@pytest.fixture
def scratch_data(tmp_path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(REPO / "data", dst, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak", "workspace"))
    return dst


def test_after_run_all_the_annotator_is_in_view_and_laid_out(
    page, page_log, start_lab, notebook_workspace, scratch_data, run_notebook_in_lab, tmp_path
):
    server = start_lab(notebook_workspace, {"SUMMIT_LEDGER_DATA": str(scratch_data)})
    run_notebook_in_lab(page, server, NOTEBOOK, timeout=120_000)
    page.wait_for_selector(".sl-annotator .sl-text .sl-run", timeout=60_000)
    page.wait_for_timeout(1_000)  # let Lab finish any scrolling of its own
    page.screenshot(path=str(tmp_path / "after-run-all.png"))

    # 1. Run All lands on the annotator, not at the bottom of the notebook
    top = page.evaluate("() => document.querySelector('.sl-annotator').getBoundingClientRect().top")
    height = page.viewport_size["height"]
    assert 0 <= top < height / 3, f"the annotator's top is at {top:.0f} px of a {height} px window"

    # 2. the "Issue" label is whole (not clipped to "Is")
    label = page.evaluate(
        """() => {
            const l = [...document.querySelectorAll('.sl-annotator .widget-label')].find(e => e.textContent === 'Issue');
            return l && {scroll: l.scrollWidth, client: l.clientWidth};
        }"""
    )
    assert label is not None and label["scroll"] <= label["client"], label

    # 3. one row of issues per codebook domain, named, with every issue button once, keys kept
    cb = load_codebook(scratch_data / "codebook.yaml")
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.sl-annotator .sl-issue-row')].map(r => ({
            head: r.querySelector('.sl-issue-domain').textContent.trim(),
            buttons: [...r.querySelectorAll('button')].map(b => b.textContent.trim()),
            top: r.getBoundingClientRect().top,
        }))"""
    )
    assert [r["head"] for r in rows] == list(cb.domains.values())
    for row, dom in zip(rows, cb.domains):
        labels = [iss.label for iss in cb.issues.values() if iss.domain == dom]
        assert [b.split("] ", 1)[-1] for b in row["buttons"]] == labels
        assert all(b.startswith("[") for b in row["buttons"])  # each keeps its key
    assert sum(len(r["buttons"]) for r in rows) == len(cb.issues)
    assert [r["top"] for r in rows] == sorted(r["top"] for r in rows)

    # 4. before Start, the reason Save is off stands beside Save
    geo = page.evaluate(
        """() => {
            const save = document.querySelector('.sl-annotator .sl-save').getBoundingClientRect();
            const ready = document.querySelector('.sl-annotator .sl-ready');
            const r = ready.getBoundingClientRect();
            return {text: ready.textContent, gap: Math.max(save.top - r.bottom, r.top - save.bottom, 0),
                    disabled: document.querySelector('.sl-annotator .sl-save').disabled};
        }"""
    )
    assert geo["disabled"] and "type your name at the top and press Start" in geo["text"]
    assert geo["gap"] <= 40, f"the reason is {geo['gap']:.0f} px from Save"
    page.locator(".sl-annotator .sl-save").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "save.png"))
    assert page_log.page_errors == []
