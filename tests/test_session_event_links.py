"""A mention cannot contradict the event it is linked to, and an event dated to a month states its phase.

The session decides (plain Python); the annotator widget shows its words beside the control concerned
and never says "Ready to save." for a mention the session would refuse.
"""

from __future__ import annotations

import json

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


def ukraine_event(s):
    """A Ukraine -> Russia grievance event (the codes of the draft when it is started)."""
    s.select(126, 188)
    for k, v in {
        "stance": "grievance",
        "issue": "ukraine-security",
        "actor": "Ukraine",
        "target": "Russia",
        "intensity": 1,
    }.items():
        s.set_code(k, v)
    return s.new_event("Ukraine accuses Russia of massing troops", event_type="accuse", event_date="2021-12-03")


def test_a_mention_contradicting_its_event_is_refused_in_plain_words(seed, codebook, store, summits):
    s = AnnotationSession(seed, codebook, store, "alice", summits)
    ev = ukraine_event(s)
    s.save()  # the mention that started the event agrees with it
    s.select(300, 330)
    s.set_code("actor", "Russia")
    s.set_code("target", "US")
    s.link(ev["id"])  # codes already chosen are kept: Russia -> US against Ukraine -> Russia
    assert s.draft.missing() == ["intensity"] or s.draft.missing() == []
    s.set_code("intensity", 1)
    problems = s.link_problems()
    assert [p.field for p in problems] == ["actor", "target"]
    assert "the actor is Russia (Russia), but the linked event “Ukraine accuses Russia of massing troops” has Ukraine" in (
        problems[0].message
    )
    before = store.log_path("alice").read_bytes()
    with pytest.raises(ValidationError) as err:
        s.save()
    assert [p.field for p in err.value.problems] == ["actor", "target"]
    assert store.log_path("alice").read_bytes() == before  # nothing written
    s.set_code("actor", "Ukraine")
    s.set_code("target", "Russia")
    assert s.link_problems() == []
    assert s.save()["event_id"] == ev["id"]
    s.select(400, 420)
    s.link(ev["id"])
    s.set_code("stance", "goodwill")
    assert [p.field for p in s.link_problems()] == ["stance"]
    s.link(None)  # no event: nothing to contradict
    assert s.link_problems() == []


def test_the_annotator_shows_the_contradiction_beside_the_codes_and_is_not_ready(seed, codebook, store, summits):
    w = Annotator(seed, codebook, store, annotator="alice", summits=summits)
    ev = ukraine_event(w.session)
    w.session.save()
    w._on_view_msg(w.view, {"type": "select", "start": 300, "end": 330}, [])
    w.actor.value, w.target.value = "Russia", "US"
    w.event.value = ev["id"]
    w.intensity.value = 1
    if w.session.draft.issue is None:
        w.session.set_code("issue", "ukraine-security")
        w.redraw()
    assert "Ready to save" not in w.ready.value
    assert "Not ready: the actor, target contradict the linked event." in w.ready.value
    assert "but the linked event" in w.messages["codes"].value and "Ukraine" in w.messages["codes"].value
    n = len(lines(store, "alice"))
    w.save_button.click()
    assert len(lines(store, "alice")) == n  # refused
    assert "but the linked event" in w.messages["codes"].value
    w.actor.value, w.target.value = "Ukraine", "Russia"
    assert w.ready.value == '<span class="sl-ready-yes">Ready to save.</span>' and w.messages["codes"].value == ""
    w.save_button.click()
    assert lines(store, "alice")[-1]["event_id"] == ev["id"]


def test_a_month_date_that_includes_the_summit_day_asks_for_the_phase(seed, codebook, store, summits):
    s = AnnotationSession(seed, codebook, store, "alice", summits)
    assert seed.summit_id == "2021-12-07-video"
    assert s.phase_needed("2021-12") and s.phase_needed("2021")
    assert not s.phase_needed("2021-12-03") and not s.phase_needed("2021-11") and not s.phase_needed("20x1-1")
    s.select(126, 188)
    for k, v in {"stance": "grievance", "issue": "ukraine-security", "actor": "US", "target": "Russia", "intensity": 1}.items():
        s.set_code(k, v)
    with pytest.raises(ValidationError) as err:
        s.new_event("The US warns Russia", event_type="accuse", event_date="2021-12")
    (p,) = err.value.problems
    assert p.field == "phase" and "choose before, at or after the summit in the Phase menu" in p.message
    assert not store.log_path("alice").exists()
    op = s.new_event("The US warns Russia", event_type="accuse", event_date="2021-12", phase="at")
    assert (op["date_precision"], op["phase"]) == ("month", "at")
    assert s.save()["event_id"] == op["id"]


def test_the_annotator_has_a_phase_menu_and_saves_the_mention_with_its_event(seed, codebook, store, summits):
    w = Annotator(seed, codebook, store, annotator="alice", summits=summits)
    assert [v for _, v in w.event_phase.options] == ["", "before", "at", "after"]
    w._on_view_msg(w.view, {"type": "select", "start": 126, "end": 188}, [])
    w.stance.value, w.actor.value, w.target.value, w.intensity.value = "grievance", "US", "Russia", 1
    w.session.set_code("issue", "ukraine-security")
    w.event_label.value, w.event_type.value, w.event_date.value = "The US warns Russia", "accuse", "2021-12"
    w.save_button.click()  # Save with a new event described but not started: the event comes first
    assert lines(store, "alice") == []  # refused: the phase is missing, so neither is written
    assert "Phase menu" in w.messages["event"].value
    w.event_phase.value = "before"
    w.save_button.click()
    ops = lines(store, "alice")
    assert [o.get("kind", "mention") for o in ops] == ["event", "mention"]
    assert ops[0]["phase"] == "before" and ops[1]["event_id"] == ops[0]["id"]
    assert w.event_phase.value == "" and w.event_label.value == ""


def test_save_says_beside_itself_why_it_is_off_before_start(seed, codebook, store, summits):
    w = Annotator(seed, codebook, store, summits=summits)
    assert w.save_button.disabled
    assert "type your name at the top and press Start" in w.ready.value


def test_the_event_button_is_on_only_when_the_session_would_start_the_event(seed, codebook, store, summits):
    """A press can reach the kernel before a field's last value; so the button waits for the kernel's yes."""
    w = Annotator(seed, codebook, store, summits=summits)
    w.event_label.value = "The US warns Russia"
    assert w.event_button.disabled and w.event_ready.value == ""  # no annotator yet: nothing to check against
    w.name.value = "alice"
    w.start_button.click()
    assert w.event_button.disabled and "To start this event" in w.event_ready.value
    w._on_view_msg(w.view, {"type": "select", "start": 126, "end": 188}, [])
    w.stance.value, w.actor.value, w.target.value, w.intensity.value = "grievance", "US", "Russia", 1
    w.session.set_code("issue", "ukraine-security")
    w.redraw()
    assert "choose the event type" in w.event_ready.value and "give the date" in w.event_ready.value
    w.event_type.value = "accuse"
    assert w.event_button.disabled and "choose the event type" not in w.event_ready.value
    w.event_date.value = "2021-12"  # a month that includes the summit day: the phase is still needed
    assert w.event_button.disabled and "Phase menu" in w.event_ready.value
    w.event_phase.value = "before"
    assert not w.event_button.disabled and "Ready to start the event" in w.event_ready.value
    assert lines(store, "alice") == []  # checking writes nothing
    w.event_label.value = "  "
    assert w.event_button.disabled and w.event_ready.value == ""
    w.event_label.value = "The US warns <b>Russia</b>"
    w.event_button.click()
    assert [o.get("kind") for o in lines(store, "alice")] == ["event"]
    assert "New event" in w.messages["event"].value
    assert w.event_button.disabled and w.event_ready.value == ""  # the fields are cleared for the next event


def test_the_event_line_escapes_what_it_shows():
    from toolkit.errors import Problem
    from toolkit.widgets.readiness import event_ready_html

    html = event_ready_html([Problem("<annotator>", None, "event_date", "no date <script>x</script>")])
    assert "<script>" not in html and "&lt;script&gt;" in html
