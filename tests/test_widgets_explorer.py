"""The explorer: its controls drive balance_table; its charts are offline JupyterChart widgets."""

from __future__ import annotations

import pandas as pd
import pytest
from traitlets import TraitError

from toolkit.ledger import load_ledger
from toolkit.measures import balance_table
from toolkit.widgets.explorer import EXPLORER_CLASS, Explorer


@pytest.fixture(scope="module")
def ledger(data_root):
    return load_ledger(data_root, sets=None)


@pytest.fixture
def explorer(ledger, summits):
    """A fresh explorer per test: tests move its controls, so a shared one would make them order-dependent."""
    return Explorer(ledger, summits=summits, n_boot=50)


def _summit_table_for(explorer, ledger, summits, **choices):
    """The summit table ``explorer`` should show for ``choices``, with the sets and annotators it has chosen."""
    state = explorer.state()
    return balance_table(ledger, summits=summits, n_boot=50, sets=state["sets"], annotators=state["annotators"], **choices)


def test_initial_state_matches_balance_table(explorer, ledger, summits):
    assert EXPLORER_CLASS in explorer.widget._dom_classes
    state = explorer.state()
    assert state["evidence"] == "both" and state["weight"] == "count" and state["actor"] == []
    expected = _summit_table_for(explorer, ledger, summits)
    pd.testing.assert_frame_equal(explorer.summit_table, expected)
    assert f"<b>{int(expected['n'].sum())}</b> events selected" in explorer.status.value
    assert set(explorer._charts) == {"balance_per_summit", "issue_heatmap", "issue_shift", "agenda_share"}


def test_charts_are_all_charts_with_fixed_colours(explorer):
    from toolkit.charts.figures import all_charts

    same = all_charts(explorer.summit_table, explorer.issue_table, groups=explorer.groups)
    assert {k: c.to_dict() for k, c in explorer.charts().items()} == {k: c.to_dict() for k, c in same.items()}


def test_explorer_of_a_project(data_root, ledger):
    from toolkit import Project

    project = Project(data_root)
    ex = Explorer(project, n_boot=0)
    assert len(ex.ledger) == len(ledger)  # every set, with the briefs, as load_ledger(sets=None)
    assert ex.summits is project.summits
    with pytest.raises(TypeError):
        Explorer("not a project", n_boot=0)


def test_controls_redraw(explorer, ledger, summits):
    before = explorer._charts["balance_per_summit"].chart
    explorer.evidence.value = "brief"
    explorer.weight.value = "intensity"
    explorer.actor.value = ("Russia",)
    expected = _summit_table_for(explorer, ledger, summits, evidence="brief", weight="intensity", actor=["Russia"])
    pd.testing.assert_frame_equal(explorer.summit_table, expected)
    assert explorer._charts["balance_per_summit"].chart is not before
    spec = explorer._charts["balance_per_summit"].chart.to_dict()
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
    before = ex.charts()["issue_shift"].to_dict()
    ex.actor.value = ("Russia",)
    after = ex.charts()["issue_shift"].to_dict()
    scale = lambda spec: spec["spec"]["layer"][3]["encoding"]["color"]["scale"]  # noqa: E731
    assert scale(before) == scale(after)  # NATO keeps its colour whatever the filter


def test_choose_sets_several_controls_and_redraws_once(explorer, ledger, summits, monkeypatch):
    calls = []
    real = explorer.update
    monkeypatch.setattr(explorer, "update", lambda: (calls.append(1), real())[1])
    state = explorer.choose(evidence="span", weight="intensity", actor=["Russia"])
    assert len(calls) == 1
    assert (state["evidence"], state["weight"], state["actor"]) == ("span", "intensity", ["Russia"])
    expected = _summit_table_for(explorer, ledger, summits, evidence="span", weight="intensity", actor=["Russia"])
    pd.testing.assert_frame_equal(explorer.summit_table, expected)
    with pytest.raises(TypeError, match="no control colour"):
        explorer.choose(colour="red")
    assert len(calls) == 1  # a misspelt control changes nothing
    with pytest.raises(TraitError):
        explorer.choose(weight="intensity", evidence="no-such-evidence")  # refused by the control
    assert len(calls) == 2 and explorer.state()["evidence"] == "span"  # redrawn once, as the controls now are
    explorer.choose(actor=[], evidence="both", weight="count")
    explorer.evidence.value = "brief"  # one control alone still redraws at once
    assert len(calls) == 4
    explorer.evidence.value = "both"
