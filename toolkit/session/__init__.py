"""The annotator's logic without widgets (drafts, layers, saving, events) and adjudication between coders."""

from __future__ import annotations

from .adjudication import VERSION_FIELDS, AdjudicationSession, Item, Version, sources_from_note
from .core import HUB_USER_VARIABLE, AnnotationSession, SuggestMode
from .draft import (
    CODE_FIELDS,
    FIELD_LABELS,
    PROVENANCE_VALUES,
    REQUIRED,
    CodeField,
    Draft,
    Progress,
    missing_error,
    problem,
    provenance_choices,
)
from .events import SessionEvents
from .layers import ALL_LAYERS, Layers, RunPatch, run_json
from .reads import Opened, SessionReads

__all__ = [
    "ALL_LAYERS",
    "AdjudicationSession",
    "AnnotationSession",
    "CODE_FIELDS",
    "CodeField",
    "Draft",
    "FIELD_LABELS",
    "HUB_USER_VARIABLE",
    "Item",
    "Layers",
    "Opened",
    "PROVENANCE_VALUES",
    "Progress",
    "REQUIRED",
    "RunPatch",
    "SessionEvents",
    "SessionReads",
    "SuggestMode",
    "VERSION_FIELDS",
    "Version",
    "missing_error",
    "problem",
    "provenance_choices",
    "run_json",
    "sources_from_note",
]
