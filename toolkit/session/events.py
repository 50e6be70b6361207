"""Events in the annotator session: list the coder's events, link a mention to one, start a new one.

:class:`SessionEvents` is mixed into :class:`toolkit.session.AnnotationSession`
(it uses its ``layers``, draft, store and write path). Event records are
made and checked by the event layer's ``make_event`` and ``validate_event``;
whatever fields that schema requires and the call lacks are asked for in
plain words, so the same code serves a stricter schema.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from typing import Any

from toolkit.errors import Problem, ValidationError
from toolkit.records.events import derive_phase, make_event, validate_event
from toolkit.records.record import CODES
from toolkit.session.draft import Draft, problem

__all__ = ["SessionEvents", "LINKED_CODES", "PHASE_CHOICES"]

#: The codes a mention must share with the event it is linked to (the event is the act; the mention reports it).
LINKED_CODES: tuple[str, ...] = ("actor", "target", "stance")
#: The phases an annotator can state for an event whose date does not settle it, with the words the menu shows.
PHASE_CHOICES: dict[str, str] = {"before": "before the summit", "at": "at the summit", "after": "after the summit"}
_CODE_WORDS = {"actor": "actor", "target": "target", "stance": "stance"}

_EVENT_NEEDS = {
    "stance": "choose a stance",
    "issue": "choose an issue",
    "actor": "choose who acts (the actor)",
    "target": "choose whom it is aimed at (the target)",
    "intensity": "choose an intensity",
    "event_type": "choose the event type",
    "event_date": "give the date it happened (YYYY-MM-DD, YYYY-MM or YYYY)",
    "date_precision": "give the date it happened (YYYY-MM-DD, YYYY-MM or YYYY)",
}


def _takes_extra(params) -> bool:
    return any(p.kind is p.VAR_KEYWORD for p in params.values())


class SessionEvents:
    """Event linking of an annotation session (see :class:`toolkit.session.AnnotationSession`)."""

    annotator: str | None
    draft: Draft
    layers: Any
    document: Any
    codebook: Any
    summits: Any
    store: Any

    def _need_annotator(self) -> str:  # provided by AnnotationSession
        raise NotImplementedError

    def _write(self, action) -> Any:  # provided by AnnotationSession
        raise NotImplementedError

    def events(self) -> list[dict]:
        """The events in the current annotator's log, oldest first (empty before :meth:`set_annotator`)."""
        if not self.annotator:
            return []
        return sorted(self.layers.log(self.annotator).events.values(), key=lambda e: (e.get("created", ""), e["id"]))

    def _code_label(self, key: str, value: Any) -> str:
        if key in ("actor", "target"):
            actor = getattr(self.codebook, "actors", {}).get(value)
            return f"{actor.label} ({value})" if actor is not None else str(value)
        return str(getattr(self.codebook, "stance_labels", {}).get(value, value))

    def link_problems(self) -> list[Problem]:
        """Where the draft contradicts the event it is linked to, one problem per code, in plain words.

        A mention linked to an event must have the event's actor, target and stance
        (``validate`` checks the same on the saved files); a code not chosen yet is no
        contradiction. Empty when the draft is linked to no event.
        """
        eid = self.draft.event_id
        if not eid or not self.annotator:
            return []
        ev = self.layers.log(self.annotator).events.get(eid)
        if ev is None:
            return [problem("event_id", f"the linked event {eid!r} is no longer in your log; link another one")]
        name = ev.get("description") or eid
        out = []
        for key in LINKED_CODES:
            mine, theirs = getattr(self.draft, key), ev.get(key)
            if mine not in (None, "") and theirs is not None and mine != theirs:
                out.append(
                    problem(
                        key,
                        f"the {_CODE_WORDS[key]} is {self._code_label(key, mine)}, but the linked event “{name}” has "
                        f"{self._code_label(key, theirs)}: choose {self._code_label(key, theirs)}, or link another event "
                        "(or none)",
                    )
                )
        return out

    def phase_needed(self, event_date: str, summit_id: str | None = None) -> bool:
        """Whether a new event dated ``event_date`` needs its phase stated (its date includes the summit day).

        False when the date is malformed or outside the summit's window (other problems, said on
        :meth:`new_event`) or when there are no summits to compare with.
        """
        sid = summit_id or self.draft.summit_id or self.document.summit_id
        summit = (self.summits or {}).get(sid)
        date = event_date.strip() if isinstance(event_date, str) else ""
        precision = {10: "day", 7: "month", 4: "year"}.get(len(date))
        if summit is None or precision is None:
            return False
        try:
            phase, msg = derive_phase(date, precision, summit)
        except ValueError:
            return False
        return phase is None and msg is not None and "state the phase" in msg

    def link(self, event_id: str | None) -> Draft:
        """Link the draft to one of the annotator's events (None: the mention is its own event).

        Codes of the draft that are still empty (or an issue only pre-selected from keywords) are
        taken from the event.
        """
        if event_id is None or event_id == "":
            self.draft = replace(self.draft, event_id=None)
            return self.draft
        ev = self.layers.log(self._need_annotator()).events.get(event_id)
        if ev is None:
            raise ValidationError(problem("event_id", f"no event {event_id!r} in your log; start a new event instead"))
        d = replace(self.draft, event_id=event_id)
        fill = {
            k: ev[k]
            for k in CODES
            if ev.get(k) is not None and (getattr(d, k) in (None, "") or (k == "issue" and d.issue_origin == "suggested"))
        }
        if "issue" in fill:
            fill["issue_origin"] = "manual"
        self.draft = replace(d, **fill)
        return self.draft

    def new_event(self, description: str, **fields: Any) -> dict:
        """Start a new event from the draft's codes, write it, and link the draft to it.

        Parameters
        ----------
        description : str
            What happened, in a few words.
        **fields
            Further event fields (e.g. ``event_type``, ``event_date``; ``date_precision`` follows from
            the date's form unless given; ``phase``, one of :data:`PHASE_CHOICES`, when the date
            includes the summit day, see :meth:`phase_needed`), or codes that override the draft's (``stance``, ``issue``,
            ``actor``, ``target``, ``intensity``).

        Returns
        -------
        dict
            The event operation as written.
        """
        ev, problems = self._prepare_event(self._need_annotator(), description, fields)
        if ev is None:
            raise ValidationError(problems)
        op = self._write(lambda: self.store.upsert(ev))
        self.draft = replace(self.draft, event_id=ev["id"])
        return op

    def event_problems(self, description: str, **fields: Any) -> list[Problem]:
        """What stops :meth:`new_event` with these arguments, in plain words; empty when it would start one.

        Nothing is written. The annotator widget asks this on every change of its new-event fields and keeps
        its button off until the answer is empty, so a press always acts on values the kernel has.
        """
        if not self.annotator:
            return [problem("annotator", "type your name and press Start first")]
        return self._prepare_event(self.annotator, description, fields)[1]

    def _prepare_event(self, annotator: str, description: Any, fields: dict[str, Any]) -> tuple[dict | None, list[Problem]]:
        """The event record :meth:`new_event` would write, or None and every reason it cannot."""
        if not isinstance(description, str) or not description.strip():
            return None, [problem("event_id", "give the new event a short description (what happened)")]
        d = self.draft
        kwargs: dict[str, Any] = {k: getattr(d, k) for k in CODES}
        kwargs.update(fields)
        date = kwargs.get("event_date")
        if isinstance(date, str) and date.strip() and not kwargs.get("date_precision"):
            kwargs["event_date"] = date = date.strip()  # YYYY-MM-DD, YYYY-MM or YYYY says how precise it is
            kwargs["date_precision"] = {10: "day", 7: "month", 4: "year"}.get(len(date), "day")
        kwargs.update(
            annotator=annotator,
            summit_id=kwargs.get("summit_id") or d.summit_id or self.document.summit_id,
            description=" ".join(description.split()),
        )
        if not kwargs.get("phase"):
            kwargs.pop("phase", None)
            if isinstance(date, str) and self.phase_needed(date, kwargs["summit_id"]):
                return None, [
                    problem(
                        "phase",
                        f"the date {date} includes the summit day, so it does not say when this happened: "
                        "choose before, at or after the summit in the Phase menu",
                    )
                ]
        params = inspect.signature(make_event).parameters
        missing = [
            n for n, p in params.items() if p.kind is p.KEYWORD_ONLY and p.default is p.empty and kwargs.get(n) in (None, "")
        ]
        if missing:
            needs = dict.fromkeys(_EVENT_NEEDS.get(n, "give its " + n) for n in missing)  # each request once
            return None, [problem("event_id", f"to start an event, {need}") for need in needs]
        ev = make_event(**{k: v for k, v in kwargs.items() if k in params or _takes_extra(params)})
        problems = validate_event(ev, file="<new event>", codebook=self.codebook, summits=self.summits)
        return (None, problems) if problems else (ev, [])
