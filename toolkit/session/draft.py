"""What an annotator is in the middle of coding: the draft, the progress line, plain-word field names.

Nothing here touches the store; :mod:`toolkit.session` owns the draft and
writes it when it is complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from toolkit.codebook.suggest import Suggestion
from toolkit.errors import Problem, ValidationError
from toolkit.records.record import CODE_FIELDS as RECORD_CODE_FIELDS
from toolkit.records.record import CODES

if TYPE_CHECKING:  # pragma: no cover - types only
    from toolkit.codebook.load import Codebook

__all__ = [
    "Draft",
    "Progress",
    "CodeField",
    "CODE_FIELDS",
    "REQUIRED",
    "FIELD_LABELS",
    "problem",
    "missing_error",
    "PROVENANCE_VALUES",
    "provenance_choices",
]

CodeField = Literal["stance", "issue", "actor", "target", "intensity", "summit_id", "note", "attribution", "modality"]
#: The fields of the draft form: the record's code fields (one source, :data:`toolkit.records.record.CODE_FIELDS`), then the rest.
CODE_FIELDS: tuple[str, ...] = (*RECORD_CODE_FIELDS, "note", "attribution", "modality")
REQUIRED: tuple[str, ...] = CODES
FIELD_LABELS: dict[str, str] = {
    "span": "Text",
    "annotator": "Name",
    "stance": "Stance",
    "issue": "Issue",
    "actor": "Actor",
    "target": "Target",
    "intensity": "Intensity",
    "summit_id": "Summit",
    "note": "Note",
    "attribution": "Attribution",
    "modality": "Modality",
    "event_id": "Event",
    "id": "Annotation",
}
"""The words the view shows for each field (the same as the control's label)."""
PROVENANCE_VALUES: dict[str, tuple[str, ...]] = {
    "attribution": ("quote", "reported-speech", "reported-deed", "ascribed", "alleged"),
    "modality": ("actual", "conditional", "intended", "hypothetical", "negated", "historical"),
}
"""Codebook 2.0's attribution and modality values, used when a codebook does not list its own."""


def provenance_choices(codebook: Codebook, name: str) -> list[tuple[str, str, str]]:
    """``(value, label, definition)`` for ``attribution`` or ``modality``: the codebook's own, or the defaults."""
    listed = getattr(codebook, name, None)
    if isinstance(listed, dict) and listed:
        out = []
        for value, info in listed.items():
            info = info if isinstance(info, dict) else {}
            out.append((value, str(info.get("label") or value.replace("-", " ")), str(info.get("definition") or "")))
        return out
    return [(v, v.replace("-", " "), "") for v in PROVENANCE_VALUES[name]]


_HOW = {
    "span": "select some words of the article with the mouse",
    "stance": "choose a stance",
    "issue": "choose an issue",
    "actor": "choose who acts (the actor)",
    "target": "choose whom it is aimed at (the target)",
    "intensity": "choose an intensity",
}


def problem(field: str | None, message: str) -> Problem:
    """A problem met while annotating (not in a file: the field says where on the screen)."""
    return Problem("<annotator>", None, field, message)


def missing_error(fields: list[str]) -> ValidationError:
    """One error listing every field still to fill in, each in plain words."""
    return ValidationError([problem(f, _HOW.get(f, f"fill in {FIELD_LABELS.get(f, f).lower()}")) for f in fields])


@dataclass(frozen=True)
class Draft:
    """The annotation being made or edited (nothing of it is stored yet).

    Attributes
    ----------
    start, end : int or None
        The trimmed span in code points; None before a selection.
    quote : str
    stance, issue, actor, target : str or None
    intensity : int or None
    summit_id : str or None
        None means the document's summit.
    note : str
    attribution, modality : str or None
        Codebook 2.0 fields (optional).
    event_id : str or None
        The event this mention is linked to; None means "its own event".
    issue_origin : {"manual", "suggested"}
        "suggested" only while the issue is a keyword suggestion the user has
        not chosen themself (pre-selected, or taken from the suggestion
        buttons); choosing the issue by hand, even the same one, makes it
        "manual".
    editing : str or None
        Id of the stored annotation being edited, None for a new one.
    suggestions : tuple of Suggestion
        Offered for this selection, best first.
    """

    start: int | None = None
    end: int | None = None
    quote: str = ""
    stance: str | None = None
    issue: str | None = None
    actor: str | None = None
    target: str | None = None
    intensity: int | None = None
    summit_id: str | None = None
    note: str = ""
    attribution: str | None = None
    modality: str | None = None
    event_id: str | None = None
    issue_origin: Literal["manual", "suggested"] = "manual"
    editing: str | None = None
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def has_span(self) -> bool:
        return self.start is not None and self.end is not None

    def missing(self) -> list[str]:
        """Required fields still empty (``"span"`` first when nothing is selected)."""
        out = [] if self.has_span else ["span"]
        return out + [f for f in REQUIRED if getattr(self, f) in (None, "")]


@dataclass(frozen=True)
class Progress:
    """Sentences with at least one of the annotator's annotations, out of all."""

    coded: int
    total: int

    def __str__(self) -> str:
        pct = 100.0 * self.coded / self.total if self.total else 0.0
        return f"{self.coded} of {self.total} sentences coded ({pct:.0f}%)"
