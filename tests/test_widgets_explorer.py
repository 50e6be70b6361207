"""The explorer: its controls drive balance_table; its charts are offline JupyterChart widgets."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.balance import balance_table
from toolkit.ledger import load_ledger
from toolkit.widgets.explorer import EXPLORER_CLASS, Explorer


@pytest.fixture(scope="module")
def ledger(data_root):
    return load_ledger(data_root, sets=None)


@pytest.fixture
def explorer(ledger, summits):
    """A fresh explorer per test: tests move its controls, so a shared one would make them order-dependent."""
    return Explorer(ledger, summits=summits, n_boot=50)


def test_initial_state_matches_balance_table(explorer, ledger, summits):
    assert EXPLORER_CLASS in explorer.widget._dom_classes
    state = explorer.state()
    assert state["evidence"] == "both" and state["weight"] == "count" and state["actor"] == []
    expected = balance_table(ledger, summits=summits, n_boot=50, sets=state["sets"], annotators=state["annotators"])
    pd.testing.assert_frame_equal(explorer.summit_table, expected)
    assert f"<b>{int(expected['n'].sum())}</b> events selected" in explorer.status.value
    assert set(explorer._charts) == {"balance", "heatmap", "shift", "agenda"}


def test_controls_redraw(explorer, ledger, summits):
    before = explorer._charts["balance"].chart
    explorer.evidence.value = "brief"
    explorer.weight.value = "intensity"
    explorer.actor.value = ("Russia",)
    expected = balance_table(
        ledger,
        summits=summits,
        n_boot=50,
        evidence="brief",
        weight="intensity",
        actor=["Russia"],
        sets=explorer.state()["sets"],
        annotators=explorer.state()["annotators"],
    )
    pd.testing.assert_frame_equal(explorer.summit_table, expected)
    assert explorer._charts["balance"].chart is not before
    spec = explorer._charts["balance"].chart.to_dict()
    assert "weight intensity" in spec["title"]["subtitle"][0]
    # the table shown is escaped HTML of the same numbers
    assert "<table" in explorer.table_view.value and "sl-table" in explorer.table_view.value
    explorer.actor.value = ()
    explorer.evidence.value = "both"
    explorer.weight.value = "count"


def test_issue_colours_fixed_across_filters(data_root, summits):
    from toolkit.ledger import load_ledger
    from toolkit.widgets.explorer import Explorer

    ex = Explorer(load_ledger(data_root, sets=None), summits=summits, n_boot=0)
    before = ex.charts()["shift"].to_dict()
    ex.actor.value = ("Russia",)
    after = ex.charts()["shift"].to_dict()
    scale = lambda spec: spec["spec"]["layer"][3]["encoding"]["color"]["scale"]  # noqa: E731
    assert scale(before) == scale(after)  # NATO keeps its colour whatever the filter
