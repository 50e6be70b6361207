"""The lines that say what the annotator still needs before Save and before Start new event.

Both are drawn from the session's answers (the draft's missing fields, the event's problems), never
decided by the view, and every piece of text in them is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.errors import Problem
from toolkit.session.draft import FIELD_LABELS
from toolkit.widgets.article_view import esc

__all__ = ["SAVE_NEEDS_NAME", "ready_html", "event_ready_html"]

SAVE_NEEDS_NAME = '<span class="sl-ready-no">Save is off until you type your name at the top and press Start.</span>'
"""What the line beside Save says before the annotator has started."""


def ready_html(d, conflicts: list | None = None) -> str:
    """One line saying whether the draft can be saved, which fields are still to choose, or what contradicts its event."""
    missing = d.missing()
    if "span" in missing:
        return ""
    parts = []
    if missing:
        parts.append(f"Still to choose: {esc(', '.join(FIELD_LABELS.get(f, f).lower() for f in missing))}.")
    if conflicts:
        codes = ", ".join(dict.fromkeys(FIELD_LABELS.get(p.field or "", "event").lower() for p in conflicts))
        parts.append(f"Not ready: the {esc(codes)} contradict{'s' if len(conflicts) == 1 else ''} the linked event.")
    if not parts:
        return '<span class="sl-ready-yes">Ready to save.</span>'
    return f'<span class="sl-ready-no">{" ".join(parts)}</span>'


def event_ready_html(problems: Sequence[Problem] | None) -> str:
    """The line under the new-event fields: nothing before a description is typed, else ready or what is missing.

    ``problems`` is the session's answer (:meth:`~toolkit.session.AnnotationSession.event_problems`), None
    while there is no description (or no annotator) to check.
    """
    if problems is None:
        return ""
    if not problems:
        return '<span class="sl-ready-yes">Ready to start the event.</span>'
    needs = "; ".join(dict.fromkeys(p.message.removeprefix("to start an event, ") for p in problems))
    return f'<span class="sl-ready-no">To start this event: {esc(needs)}.</span>'
