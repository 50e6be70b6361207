"""Events: the acts that mentions report, and counting by event rather than by mention.

A **mention** is a coded span or a brief. Several mentions can report one act
(a spokesman's remark paraphrased and then quoted; two press reports of one
warning). They name it with the same ``event_id``; a mention without one is
its own event.

An **event record** lives in the same append-only log as the mentions, as an
upsert whose record has ``"kind": "event"`` (fields :data:`EVENT_FIELDS`).
It fixes what the mentions share: the directed actor -> target, stance, issue
and secondary issues, intensity, the event type of the codebook's crosswalk
(which gives the PLOVER type and mode, the CAMEO code, its Goldstein value and
the PLOVER score), the date and its precision, and the summit. The phase
(before / at / after the summit) is derived from the dates and the summit's
window in ``summits.yaml``; when the date's precision cannot decide it (a
month that contains the summit day), the record states ``phase`` and the
check makes sure the date allows it.

Session-level API for an annotator (what a UI calls):

* start a new event from a selection: ``ev = make_event(annotator=..., actor=...,
  target=..., stance=..., issue=..., intensity=..., event_type=..., event_date="2021-12-06",
  date_precision="day", summit_id=...)`` then ``store.upsert(ev)``; the record is
  validated with the codebook and summits the store was given;
* link a mention to it: set ``mention["event_id"] = ev["id"]`` and ``store.upsert(mention)``
  (an upsert of the same mention id; history is kept);
* list events to link to: ``store.read(annotator).events`` (live events by id);
* code provenance on the mention: ``attribution`` and ``modality`` (codebook values).

Counting rule for joint and multi-target acts: the act is the unit.
A record whose actor is a pair (``kind: pair``, e.g. ``US-Russia``: a joint act
of both sides) is expanded by the ledger into one row per direction (``joint``
true), counted once as an act. A ``kind: mutual`` actor (``US-Russia-mutual``: a
stance the text gives to "both sides" without saying which side holds it) is
never expanded: one row, no direction, counted once for the dyad. Rows that share an
event key (``event_id``, else the row's own id) and the same actor and target
are one event. The counting itself is :mod:`toolkit.ledger.eventcount`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from toolkit._io import content_hash
from toolkit.corpus.phases import PHASES, PRECISIONS, date_interval, derive_phase
from toolkit.errors import Problem, ValidationError
from toolkit.ids import check_annotator, now_iso
from toolkit.records.record import EVENT_FIELDS

if TYPE_CHECKING:  # pragma: no cover - types only
    from toolkit.codebook.load import Codebook
    from toolkit.corpus.summits import Summit

__all__ = [
    "EVENT_FIELDS",
    "PRECISIONS",
    "PHASES",
    "make_event",
    "validate_event",
    "date_interval",
    "derive_phase",
    "check_links",
]

_REQUIRED = (
    "id",
    "kind",
    "annotator",
    "actor",
    "target",
    "stance",
    "issue",
    "intensity",
    "event_type",
    "event_date",
    "date_precision",
    "summit_id",
)


def make_event(
    *,
    annotator: str,
    actor: str,
    target: str,
    stance: str,
    issue: str,
    intensity: int,
    event_type: str,
    event_date: str,
    date_precision: str,
    summit_id: str,
    secondary_issues: Iterable[str] = (),
    phase: str | None = None,
    modality: str | None = None,
    description: str = "",
    note: str = "",
    codebook_version: str | None = None,
    created: str | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    """A new event record (not yet validated; the store validates it on upsert).

    The id is ``ev-`` and 10 hex digits of a hash of what identifies the act;
    it is fixed at creation, later edits keep it.
    """

    key = f"{annotator}|{actor}|{target}|{stance}|{issue}|{event_date}|{summit_id}|{description}"
    rec = {
        "id": id or "ev-" + content_hash(key, 10),
        "kind": "event",
        "annotator": annotator,
        "created": created or now_iso(),
        "actor": actor,
        "target": target,
        "stance": stance,
        "issue": issue,
        "secondary_issues": list(secondary_issues),
        "intensity": intensity,
        "event_type": event_type,
        "event_date": event_date,
        "date_precision": date_precision,
        "summit_id": summit_id,
        "description": description,
        "note": note,
    }
    if phase is not None:
        rec["phase"] = phase
    if modality is not None:
        rec["modality"] = modality
    if codebook_version is not None:
        rec["codebook_version"] = codebook_version
    return rec


def validate_event(
    rec: Any,
    *,
    file: str = "<event>",
    line: int | None = None,
    codebook: Codebook | None = None,
    summits: Mapping[str, Summit] | None = None,
) -> list[Problem]:
    """Check one event record; return every problem found (empty when valid)."""
    problems: list[Problem] = []

    def P(field: str | None, msg: str) -> None:
        problems.append(Problem(file, line, field, msg))

    if not isinstance(rec, dict):
        return [Problem(file, line, None, f"expected a JSON object, got {type(rec).__name__}")]
    for key in sorted(set(rec) - set(EVENT_FIELDS)):
        P(key, f"unknown field; an event has only {', '.join(EVENT_FIELDS)}")
    for key in _REQUIRED:
        if rec.get(key) in (None, ""):
            P(key, "missing")
    if problems:
        return problems
    for key in set(EVENT_FIELDS) - {"intensity", "secondary_issues"}:
        if rec.get(key) is not None and not isinstance(rec[key], str):
            P(key, f"expected text, got {type(rec[key]).__name__} {rec[key]!r}"[:200])
    if not isinstance(rec["intensity"], int) or isinstance(rec["intensity"], bool):
        P("intensity", f"expected 1, 2 or 3, got {rec['intensity']!r}")
    sec = rec.get("secondary_issues") or []
    if not isinstance(sec, list) or not all(isinstance(i, str) for i in sec):
        P("secondary_issues", "expected a list of issue ids")
        sec = []
    if rec["date_precision"] not in PRECISIONS:
        P("date_precision", f"{rec['date_precision']!r} unknown; use one of {', '.join(PRECISIONS)}")
    if problems:
        return problems

    if msg := check_annotator(rec["annotator"]):
        P("annotator", msg)
    try:
        date_interval(rec["event_date"], rec["date_precision"])
    except ValueError as exc:
        P("event_date", str(exc))
        return problems
    if codebook is not None:
        for key in ("actor", "target", "stance", "issue", "intensity", "event_type"):
            if msg := codebook.check_code(key, rec[key]):
                P(key, msg)
        if rec.get("modality") and (msg := codebook.check_code("modality", rec["modality"])):
            P("modality", msg)
        for iid in sec:
            if msg := codebook.check_code("issue", iid):
                P("secondary_issues", msg)
        et = codebook.event_types.get(rec["event_type"])
        if et is not None and et.stance != rec["stance"]:
            P("event_type", f"{et.id!r} is a {et.stance} type; the event's stance is {rec['stance']!r}")
        actor = codebook.actors.get(rec["actor"])
        if actor is not None and (rec["actor"] == rec["target"]) != (actor.kind in ("pair", "mutual")):
            P("target", "only a pair actor addresses itself, and a pair actor's target is itself")
    if summits is not None:
        summit = summits.get(rec["summit_id"])
        if summit is None:
            P("summit_id", f"{rec['summit_id']!r} is not in summits.yaml")
        else:
            _, msg = derive_phase(rec["event_date"], rec["date_precision"], summit, rec.get("phase"))
            if msg:
                P("phase" if rec.get("phase") else "event_date", msg)
    return problems


def check_links(mentions: Iterable[dict], events: dict, file: str) -> list[Problem]:
    """Problems of mentions whose ``event_id`` names no event of the project, or an event they contradict.

    A mention must agree with its event on actor, target and stance (the
    event is the act; the mention reports it).
    """
    out = []
    for m in mentions:
        eid = m.get("event_id")
        if not eid:
            continue
        ev = events.get(eid)
        if ev is None:
            out.append(
                Problem(file, None, "event_id", f"mention {m.get('id')!r} links to {eid!r}, which is no event of this project")
            )
            continue
        for key in ("actor", "target", "stance"):
            if m.get(key) != ev.get(key):
                out.append(
                    Problem(
                        file,
                        None,
                        key,
                        f"mention {m.get('id')!r} has {key} {m.get(key)!r}, its event {eid!r} has {ev.get(key)!r}",
                    )
                )
    return out


def require_valid_event(rec: Any, **kwargs) -> dict:
    """Like :func:`validate_event` but raise :class:`ValidationError` on any problem."""
    problems = validate_event(rec, **kwargs)
    if problems:
        raise ValidationError(problems)
    return rec
