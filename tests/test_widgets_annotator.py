"""The annotator widget, driven headless: traits set and handlers called as the browser would."""

from __future__ import annotations

import dataclasses
import json

import pytest

from toolkit.corpus import Document
from toolkit.project import Project
from toolkit.store import Store
from toolkit.widgets.annotator import ISSUE_KEYS, Annotator


@pytest.fixture
def store(tmp_path, codebook, documents, summits):
    return Store(tmp_path / "workspace", codebook=codebook, documents=documents, summits=summits)


@pytest.fixture
def widget(data_root, seed, store):
    return Annotator(Project(data_root), store, documents=[seed.id], annotator="alice")


def ops(store, name="alice"):
    p = store.log_path(name)
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()] if p.exists() else []


def chosen_issue(widget):
    on = [i for i, b in widget._issue_buttons.items() if "mod-active" in b._dom_classes]
    assert len(on) <= 1 and all(widget._issue_buttons[i].button_style == "primary" for i in on)
    return on[0] if on else None


def select(widget, start16, end16):
    widget._on_view_msg(widget.view, {"type": "select", "start": start16, "end": end16}, [])


def test_select_click_codes_save_then_highlight_and_undo(widget, store, seed):
    a = seed.text.index("cyber security")
    select(widget, a - 1, a + 14)
    assert chosen_issue(widget) == "cyber"  # suggestion pre-selected on the issue buttons
    assert "cyber security" in widget.selection.value
    assert [b.description for b in widget.suggestions.children[1:]][0].startswith("Cyber")
    widget.stance.value = "grievance"
    widget.actor.value = "US-Russia"
    widget.target.value = "US-Russia"
    widget.intensity.value = 1
    widget.save_button.click()
    log = ops(store)
    assert len(log) == 1
    rec = log[0]
    assert (rec["start"], rec["end"], rec["quote"], rec["origin"]) == (a, a + 14, "cyber security", "suggested")
    assert "Saved" in widget.message.value
    hl = [r for r in widget.view.runs if r["n"]]
    assert [(r["s"], r["e"], r["stance"], r["n"]) for r in hl] == [(a, a + 14, "grievance", 1)]
    assert "· 1 of " in widget.progress.value
    # click the highlight: it opens for editing
    widget._on_view_msg(widget.view, {"type": "click", "at": a + 3}, [])
    assert widget.session.draft.editing == rec["id"] and not widget.delete_button.disabled
    assert widget.view.overlay["sel"] == [a, a + 14]
    widget.undo_button.click()
    assert [o["op"] for o in ops(store)] == ["upsert", "delete"]
    assert [r for r in widget.view.runs if r["n"]] == []


def test_keyboard_shortcuts_pick_stance_and_issue_and_save(widget, store, seed):
    select(widget, 126, 188)
    key = dict(zip(widget.codebook.issues, ISSUE_KEYS))["relations-dialogue"]
    assert widget._issue_buttons["relations-dialogue"].description.startswith(f"[{key}] ")
    for k in ("w", key):
        widget._on_view_msg(widget.view, {"type": "key", "key": k}, [])
    assert (widget.stance.value, chosen_issue(widget)) == ("goodwill", "relations-dialogue")
    widget.actor.value, widget.target.value, widget.intensity.value = "US", "Russia", 2
    widget._on_view_msg(widget.view, {"type": "key", "key": "Enter"}, [])
    assert ops(store)[0]["stance"] == "goodwill"
    widget._on_view_msg(widget.view, {"type": "key", "key": "u"}, [])
    assert ops(store)[-1]["op"] == "delete"


def test_invalid_actions_show_a_message_and_write_nothing(widget, store, seed):
    near = widget.messages
    select(widget, None, 20)
    assert "beyond the article" in near["selection"].value and "sl-message-error" in near["selection"].value
    nl = seed.text.index("\n")
    select(widget, nl, nl + 1)
    assert "white space" in near["selection"].value
    select(widget, 126, 188)
    assert near["selection"].value == ""  # moving on clears the message
    widget.stance.value = "goodwill"
    widget.save_button.click()
    # every problem listed beside Save, in plain words, none hidden behind "(and N more)"
    shown = near["save"].value
    assert shown.count("<li>") == 3 and "more problem" not in shown and "&lt;annotator&gt;" not in shown
    for words in ("Actor:</b> choose who acts", "Target:</b> choose whom", "Intensity:</b> choose an intensity"):
        assert words in shown
    widget.name.value = "no spaces allowed"
    widget.start_button.click()
    assert "not allowed" in near["name"].value and near["save"].value == ""  # beside the name field
    assert ops(store) == [] and not store.root.exists()
    widget.stance.value = "grievance"  # the next action clears it
    assert all(m.value == "" for m in near.values())


def test_text_from_data_is_escaped(tmp_path, codebook, summits):
    evil = "<img src=x onerror=alert(1)> & <script>alert(2)</script> NATO troops"
    doc = Document(id="evil", title="<b>bold</b> title", text=evil, summit_id="2021-12-07-video")
    iss = dataclasses.replace(codebook.issues["syria"], label="<i>Syria</i>")
    cb = dataclasses.replace(codebook, issues={**codebook.issues, "syria": iss})
    store = Store(tmp_path / "ws", codebook=cb, documents={"evil": doc}, summits=summits)
    w = Annotator(doc, cb, store, annotator="alice", summits=summits)
    assert w.view.text == evil  # the front-end inserts it as a text node
    assert "<b>" not in w.title.value and "&lt;b&gt;bold&lt;/b&gt;" in w.title.value
    select(w, 0, len(evil))
    assert "<img" not in w.selection.value and "&lt;img src=x" in w.selection.value
    w.note.value = "<script>alert(3)</script>"
    w.stance.value, w.actor.value, w.target.value, w.intensity.value = "grievance", "Russia", "NATO", 1
    w.save_button.click()
    rec = ops(store)[0]
    assert rec["note"] == "<script>alert(3)</script>"  # stored as typed
    bob = Annotator(doc, cb, store, annotator="bob", summits=summits)
    bob.layer.value = "*"
    bob._on_view_msg(bob.view, {"type": "click", "at": 5}, [])
    shown = bob.messages["selection"].value
    assert "read-only" in shown
    assert "<script>" not in shown and "&lt;script&gt;alert(3)" in shown
    # codebook labels go to button descriptions, which the front-end renders as text
    assert w._issue_buttons["syria"].description.endswith("<i>Syria</i>")


def test_several_documents_and_layers(seed, codebook, store, summits):
    other = Document(id="other-doc", title="Another", text="NATO met. Russia objected.", summit_id="2021-06-16-geneva")
    w = Annotator({seed.id: seed, other.id: other}, codebook, store, summits=summits)
    assert w.progress.value.endswith("type your name and press Start")
    assert w.save_button.disabled
    w.name.value = "carol"
    w.start_button.click()
    assert not w.save_button.disabled and "carol" in w.messages["name"].value
    w.doc_menu.value = "other-doc"
    assert w.view.text == other.text and w.session.document.id == "other-doc"
    assert w.summit.options[0][0].startswith("document's summit: ")
    assert [v for _, v in w.layer.options][:2] == ["__mine__", "*"]


def test_stored_output_says_run_this_cell_not_the_widget_repr(widget):
    bundle = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live widget, where it can run
    for mime in ("text/plain", "text/html"):
        assert "Run this cell to start the annotator" in bundle[mime]
        assert "Annotator(children=" not in bundle[mime] and "HTML(value=" not in bundle[mime]


def test_lines_that_cannot_be_used_are_shown_above_the_article(seed, codebook, store, summits):
    """Issue 10, defect 5: the widget says what it leaves out, and sets aside nothing that parses."""
    w = Annotator(seed, codebook, store, annotator="alice", summits=summits)
    select(w, 126, 188)
    w.stance.value, w.actor.value, w.target.value, w.intensity.value = "goodwill", "US", "Russia", 2
    w.session.set_code("issue", "relations-dialogue")
    w.save_button.click()
    assert w.data_warning.value == ""
    log = store.log_path("alice")
    good = log.read_bytes()
    log.write_bytes(good + b'{"op": "upsert", "id": "synthetic-bad"}\n')  # synthetic: a line missing its fields
    (log.parent / "Coder B.jsonl").write_text("")  # a file name that is no annotator name
    fresh = Annotator(
        seed,
        codebook,
        Store(store.root, codebook=codebook, documents=store.documents, summits=summits),
        annotator="alice",
        summits=summits,
    )
    fresh.layer.value = "*"
    fresh.redraw()
    warning = fresh.data_warning.value
    assert "could not be used" in warning and "line 2" in warning and "Coder B.jsonl" in warning
    assert log.read_bytes().startswith(good) and not list(log.parent.glob("*.torn"))


def test_ready_line_follows_the_kernel_draft(widget, seed):
    """Beside Save, the session's draft says what is still to choose, and then that it is ready."""
    assert widget.ready.value == ""  # nothing selected: nothing to say
    a = seed.text.index("cyber security")
    select(widget, a - 1, a + 14)
    assert "Still to choose: stance, actor, target, intensity." in widget.ready.value  # issue was suggested
    widget.stance.value = "grievance"
    widget.actor.value = widget.target.value = "US-Russia"
    assert "Still to choose: intensity." in widget.ready.value
    widget.intensity.value = 1
    assert "Ready to save." in widget.ready.value
    widget.save_button.click()
    assert widget.ready.value == ""  # saved: the draft has no span any more


def test_project_call_offers_the_projects_articles_and_checks_ids(data_root, seed, store):
    project = Project(data_root)
    w = Annotator(project, store, annotator="alice")
    assert list(w.documents) == list(project.documents) and w.summits is project.summits
    assert w.codebook is project.codebook and w.session.document.id == next(iter(project.documents))
    with pytest.raises(ValueError, match="no article"):
        Annotator(project, store, documents=["no-such-article"])
    with pytest.raises(TypeError):
        Annotator(project, store, "extra")


def test_choice_buttons_are_clicks_and_show_the_sessions_value(widget, seed):
    """Stance, intensity, attribution and modality are button rows: a click is a message, the pressed look is the kernel's."""
    a = seed.text.index("cyber security")
    select(widget, a - 1, a + 14)
    widget.intensity.buttons[2].click()
    assert widget.session.draft.intensity == 2
    pressed = [v for v, b in widget.intensity.buttons.items() if "mod-active" in b._dom_classes]
    assert pressed == [2]
    widget.stance.buttons["goodwill"].click()
    assert widget.session.draft.stance == "goodwill"
    widget.cancel_button.click()  # the session clears the draft; the rows follow it
    assert widget.session.draft.intensity is None
    assert not any("mod-active" in b._dom_classes for b in widget.intensity.buttons.values())


def test_a_click_on_another_thread_during_a_redraw_is_kept(widget, seed):
    """JupyterLab can run widget messages on a kernel subshell thread while a cell redraws on the main one."""
    import threading

    a = seed.text.index("cyber security")
    select(widget, a - 1, a + 14)
    inside, release = threading.Event(), threading.Event()
    draw_pick = widget._draw_pick

    def slow_draw_pick():  # the main thread's redraw pauses half-way, with its controls being set
        inside.set()
        release.wait(10)
        draw_pick()

    widget._draw_pick = slow_draw_pick
    main = threading.Thread(target=widget.redraw)
    main.start()
    assert inside.wait(10)
    widget._draw_pick = draw_pick
    comm = threading.Thread(target=widget.stance.buttons["goodwill"].click)
    comm.start()
    comm.join(0.3)  # it waits for the redraw rather than being taken for the redraw's own change
    release.set()
    main.join(10)
    comm.join(10)
    assert widget.session.draft.stance == "goodwill"
    assert "mod-active" in widget.stance.buttons["goodwill"]._dom_classes
