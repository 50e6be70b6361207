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

from toolkit.errors import ValidationError
from toolkit.records.events import make_event, validate_event
from toolkit.records.record import CODES
from toolkit.session.draft import Draft, problem

__all__ = ["SessionEvents"]

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
            the date's form unless given), or codes that override the draft's (``stance``, ``issue``,
            ``actor``, ``target``, ``intensity``).

        Returns
        -------
        dict
            The event operation as written.
        """
        annotator = self._need_annotator()
        if not isinstance(description, str) or not description.strip():
            raise ValidationError(problem("event_id", "give the new event a short description (what happened)"))
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
        params = inspect.signature(make_event).parameters
        missing = [
            n for n, p in params.items() if p.kind is p.KEYWORD_ONLY and p.default is p.empty and kwargs.get(n) in (None, "")
        ]
        if missing:
            needs = dict.fromkeys(_EVENT_NEEDS.get(n, "give its " + n) for n in missing)  # each request once
            raise ValidationError([problem("event_id", f"to start an event, {need}") for need in needs])
        ev = make_event(**{k: v for k, v in kwargs.items() if k in params or _takes_extra(params)})
        problems = validate_event(ev, file="<new event>", codebook=self.codebook, summits=self.summits)
        if problems:
            raise ValidationError(problems)
        op = self._write(lambda: self.store.upsert(ev))
        self.draft = replace(self.draft, event_id=ev["id"])
        return op
