"""The annotator's issues stand in one named row per codebook domain, with their keys; Save's reason beside it."""

from __future__ import annotations

import dataclasses

import ipywidgets

from toolkit.store import Store
from toolkit.widgets.annotator import Annotator
from toolkit.widgets.annotator_controls import issue_rows


def test_issues_stand_in_rows_by_domain_and_keys_still_work(tmp_path, seed, codebook, documents, summits):
    store = Store(tmp_path / "set", codebook=codebook, documents=documents, summits=summits)
    w = Annotator(seed, codebook, store, annotator="alice", summits=summits)
    rows = w.issue.children
    assert len(rows) == len(codebook.domains) == 5
    for row, (dom, label) in zip(rows, codebook.domains.items()):
        head, *buttons = row.children
        assert label in head.value
        assert buttons == [w._issue_buttons[i] for i, iss in codebook.issues.items() if iss.domain == dom]
    assert sum(len(r.children) - 1 for r in rows) == len(codebook.issues)
    w._on_view_msg(w.view, {"type": "select", "start": 126, "end": 188}, [])
    for key, issue in w.issue_keys.items():
        w.handle_key(key)
        assert w.session.draft.issue == issue and w._issue_buttons[issue].button_style == "primary"


def test_a_codebook_without_domains_keeps_one_row(seed, codebook):
    flat = dataclasses.replace(codebook, domains={})
    buttons = {i: ipywidgets.Button(description=i) for i in flat.issues}
    (row,) = issue_rows(flat, buttons)
    assert list(row.children) == list(buttons.values())
