"""The session's rules for a first-time student and for coding events: names, hub identity, origin,
events and links, attribution and modality, the agenda stance, and runs patched in place."""

from __future__ import annotations

import dataclasses
import json
import unicodedata

import pytest

from toolkit.errors import ValidationError
from toolkit.session import AnnotationSession
from toolkit.store import Store
from toolkit.widgets.annotator import Annotator


@pytest.fixture
def store(tmp_path, codebook, documents, summits):
    return Store(tmp_path / "set", codebook=codebook, documents=documents, summits=summits)


def lines(store, name):
    path = store.log_path(name)
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def fill(s, start=126, end=188, **codes):
    s.select(start, end)
    for k, v in {"stance": "goodwill", "actor": "US", "target": "Russia", "intensity": 2, **codes}.items():
        s.set_code(k, v)


def test_unicode_names_are_accepted_in_nfc_and_files_stay_inside_the_set(seed, codebook, store, summits):
    s = AnnotationSession(seed, codebook, store, None, summits, hub_user="")
    decomposed = unicodedata.normalize("NFD", "Élise")
    assert s.set_annotator(f"  {decomposed} ") == "Élise"  # typed in either form, stored in one
    fill(s)
    s.save()
    assert [p.name for p in store.root.glob("*.jsonl")] == ["Élise.jsonl"]
    assert lines(store, "Élise")[0]["annotator"] == "Élise"
    for ok in ("Анна", "李明", "अनिल", "José-María_2"):
        assert s.set_annotator(ok) == ok
    for bad in ("../x", "a/b", "a.b", "a b", "-x", "x" * 65, "nul", "tab\there", "é\u200b"):
        with pytest.raises(ValidationError, match="not allowed") as err:
            s.set_annotator(bad)
        assert err.value.problems[0].field == "annotator"


def test_hub_identity_fixes_the_name_and_refuses_any_other(seed, codebook, store, summits, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "student07")
    s = AnnotationSession(seed, codebook, store, None, summits)
    assert s.annotator == "student07"
    with pytest.raises(ValidationError, match="signed in as 'student07'"):
        s.set_annotator("student08")
    with pytest.raises(ValidationError, match="signed in as 'student07'"):
        AnnotationSession(seed, codebook, store, "student08", summits)
    fill(s)
    s.save()
    assert store.annotators() == ["student07"]
    w = Annotator(seed, codebook, store, summits=summits)
    assert w.name.value == "student07" and w.name.disabled and w.start_button.disabled


def test_origin_is_what_the_student_did(seed, codebook, store, summits):
    s = AnnotationSession(seed, codebook, store, "alice", summits)
    a = seed.text.index("cyber security")
    fill(s, a, a + 14, stance="grievance", actor="US-Russia", target="US-Russia", intensity=1)
    assert (s.draft.issue, s.draft.issue_origin) == ("cyber", "suggested")
    s.set_code("issue", "cyber")  # pressed the pre-selected issue themself
    assert s.save()["origin"] == "manual"
    fill(s, a, a + 6, stance="grievance", actor="US-Russia", target="US-Russia", intensity=1)
    assert s.save()["origin"] == "suggested"  # kept without touching it
    off = AnnotationSession(seed, codebook, store, "bob", summits, suggestions="off")
    assert off.select(a, a + 14).issue is None and off.draft.suggestions == ()
    with pytest.raises(ValueError):
        AnnotationSession(seed, codebook, store, "bob", summits, suggestions="sometimes")


def test_a_mention_links_to_a_new_or_existing_event_in_the_same_log(seed, codebook, store, summits, documents):
    s = AnnotationSession(seed, codebook, store, "alice", summits)
    fill(s, attribution="quote", modality="actual")
    ev = s.new_event("Both sides confirm the video call", event_type="agree-meet", event_date="2021-12-03")
    assert ev["kind"] == "event" and s.draft.event_id == ev["id"]
    first = s.save()
    assert (first["event_id"], first["attribution"], first["modality"]) == (ev["id"], "quote", "actual")
    # a second mention of the same act: link it, its empty codes come from the event
    s.select(300, 330)
    s.link(ev["id"])
    assert (s.draft.stance, s.draft.actor, s.draft.target, s.draft.issue) == ("goodwill", "US", "Russia", ev["issue"])
    s.set_code("intensity", 2)
    second = s.save()
    assert second["event_id"] == ev["id"]
    assert [e["id"] for e in s.events()] == [ev["id"]]
    log = lines(store, "alice")
    assert [o.get("kind", "mention") for o in log] == ["event", "mention", "mention"]  # one append-only log
    state = store.read("alice")
    assert list(state.events) == [ev["id"]] and len(state.annotations) == 2 and state.problems == []
    fresh = AnnotationSession(seed, codebook, store, "alice", summits)  # read back from disk
    assert [e["description"] for e in fresh.events()] == ["Both sides confirm the video call"]
    with pytest.raises(ValidationError, match="no event"):
        s.link("ev-missing")
    with pytest.raises(ValidationError, match="short description"):
        s.new_event("  ")
    with pytest.raises(ValidationError, match="not a modality"):
        s.set_code("modality", "perhaps")
    s.undo(), s.undo(), s.undo()  # the event's creation is undone like any operation
    assert store.read("alice").events == {} and fresh.layers.refresh() is None and fresh.events() == []


def test_the_agenda_stance_is_coded_when_the_codebook_has_it(seed, codebook, tmp_path, documents, summits):
    cb = dataclasses.replace(
        codebook,
        stances={**codebook.stances, "agenda": "on the table, no stance"},
        stance_labels={**codebook.stance_labels, "agenda": "Agenda item"},
    )
    store = Store(tmp_path / "ws", codebook=cb, documents=documents, summits=summits)
    w = Annotator(seed, cb, store, annotator="alice", summits=summits)
    assert "Agenda item [n]" in [lab for lab, _ in w.stance.options]
    w._on_view_msg(w.view, {"type": "select", "start": 126, "end": 188}, [])
    w.handle_key("n")
    w.actor.value, w.target.value, w.intensity.value = "US", "Russia", 1
    w.save_button.click()
    assert lines(store, "alice")[0]["stance"] == "agenda"
    assert [r["stance"] for r in w.view.runs if r["n"]] == ["agenda"]


def test_the_view_gets_patches_that_add_up_to_the_full_runs(seed, codebook, store, summits):
    w = Annotator(seed, codebook, store, annotator="alice", summits=summits)
    full = len(w.view.runs)
    spans = [(126, 188), (150, 200), (10, 40), (160, 170)]
    for a, b in spans:
        w._on_view_msg(w.view, {"type": "select", "start": a, "end": b}, [])
        w.stance.value, w.actor.value, w.target.value, w.intensity.value = "grievance", "US", "Russia", 1
        if w.session.draft.issue is None:
            w.session.set_code("issue", "cyber")
        w.save_button.click()
        assert w.view.sent["type"] == "patch" and len(w.view.sent["runs"]) < 8  # only the affected runs
    assert w.view.runs == w.session.runs() and len(w.view.runs) > full
    w.undo_button.click()
    assert w.view.sent["type"] == "patch" and w.view.runs == w.session.runs()


def test_new_event_asks_in_plain_words_for_what_the_event_schema_requires(seed, codebook, store, summits):
    s = AnnotationSession(seed, codebook, store, "alice", summits)
    s.select(126, 188)
    with pytest.raises(ValidationError) as err:
        s.new_event("The call is confirmed")
    wanted = {p.message for p in err.value.problems}
    assert all(p.field == "event_id" for p in err.value.problems)
    assert "to start an event, choose the event type" in wanted and "to start an event, choose who acts (the actor)" in wanted
    assert not store.root.exists()  # nothing written
    fill(s)
    op = s.new_event("The call is confirmed", event_type="agree-meet", event_date=" 2021-12 ", phase="before")
    assert (op["event_type"], op["event_date"], op["date_precision"]) == ("agree-meet", "2021-12", "month")
    assert s.draft.event_id == op["id"] and op["phase"] == "before"


def test_a_torn_last_line_is_reported_by_the_session_not_hidden(seed, codebook, store, summits):
    s = AnnotationSession(seed, codebook, store, "alice", summits)
    fill(s)
    s.save()
    with open(store.log_path("alice"), "ab") as fh:
        fh.write(b'{"op": "upsert", "id": "half')  # a crash mid-write (synthetic)
    fresh = AnnotationSession(seed, codebook, store, "alice", summits)
    assert len(fresh.annotations()) == 1
    assert any("incomplete last line" in p.message for p in fresh.problems())
