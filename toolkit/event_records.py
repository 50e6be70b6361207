"""PLACEHOLDER for the event layer's record rules, to be replaced by ``toolkit.events``.

The events layer (codebook 2.0) defines what an event record is and how it is
checked; until that module lands, this one gives the store and the annotator
the least they need to write and read an event: a record with
``"kind": "event"`` living in the annotator's append-only log, with an id, its
coder, its summit, a short description, and the directed codes that mentions
linked to it share (it takes and keeps further event fields as given). When ``toolkit/events.py`` is merged, point the imports of
:mod:`toolkit.store` and :mod:`toolkit.session` at it and delete this file.
"""
from __future__ import annotations

from typing import Any

from ._io import content_hash
from .annotation import check_annotator, now_iso
from .errors import Problem

__all__ = ["EVENT_KIND", "EVENT_FIELDS", "make_event", "validate_event"]

EVENT_KIND = "event"
EVENT_FIELDS: tuple[str, ...] = ("id", "kind", "annotator", "summit_id", "description", "actor", "target",
                                 "stance", "issue", "intensity", "created")
_CODES = ("actor", "target", "stance", "issue", "intensity")


def make_event(*, annotator: str, summit_id: str, description: str, actor: str | None = None,
               target: str | None = None, stance: str | None = None, issue: str | None = None,
               intensity: int | None = None, created: str | None = None, **extra: Any) -> dict[str, Any]:
    """An event record (not yet validated); its id hashes its coder, summit, codes and description."""
    key = f"{annotator}|{actor}|{target}|{stance}|{issue}|{summit_id}|{description}"
    rec = {"id": "ev-" + content_hash(key, 10), "kind": EVENT_KIND, "annotator": annotator, "summit_id": summit_id,
           "description": description, "actor": actor, "target": target, "stance": stance, "issue": issue,
           "intensity": intensity, "created": created or now_iso()}
    rec.update({k: v for k, v in extra.items() if v is not None})
    return rec


def validate_event(rec: Any, *, file: str = "<event>", line: int | None = None, codebook=None,
                   summits: "dict | None" = None) -> list[Problem]:
    """Every problem of one event record (empty when valid); codes may be None (not yet known)."""
    def P(field: str | None, msg: str) -> None:
        problems.append(Problem(file, line, field, msg))

    problems: list[Problem] = []
    if not isinstance(rec, dict):
        P(None, f"expected a JSON object, got {type(rec).__name__}")
        return problems
    if rec.get("kind") != EVENT_KIND:
        P("kind", f"expected {EVENT_KIND!r}, got {rec.get('kind')!r}")
    for key in ("id", "annotator", "summit_id", "description", "created"):
        if not isinstance(rec.get(key), str) or not rec.get(key, "").strip():
            P(key, "missing; an event needs a non-empty " + key)
    if problems:
        return problems
    if (msg := check_annotator(rec["annotator"])):
        P("annotator", msg)
    if codebook is not None:
        for key in _CODES:
            if rec.get(key) is not None and (msg := codebook.check_code(key, rec[key])):
                P(key, msg)
    if summits is not None and rec["summit_id"] not in summits:
        P("summit_id", f"{rec['summit_id']!r} is not in summits.yaml")
    return problems
