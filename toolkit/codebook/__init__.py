"""The vocabulary: stances, issues, actors and event types; loading and checking a codebook; keyword suggestions."""

from __future__ import annotations

from .load import load_codebook
from .model import (
    ATTRIBUTIONS,
    BALANCE_STANCES,
    MODALITIES,
    PLOVER_CONTEXTS,
    PLOVER_TYPES,
    STANCES,
    Actor,
    Attribution,
    Codebook,
    EventType,
    IntensityLevel,
    Issue,
    Modality,
    Stance,
)
from .suggest import KeywordIndex, Suggestion, suggest_issues

__all__ = [
    "ATTRIBUTIONS",
    "Actor",
    "Attribution",
    "BALANCE_STANCES",
    "Codebook",
    "EventType",
    "IntensityLevel",
    "Issue",
    "KeywordIndex",
    "MODALITIES",
    "Modality",
    "PLOVER_CONTEXTS",
    "PLOVER_TYPES",
    "STANCES",
    "Stance",
    "Suggestion",
    "load_codebook",
    "suggest_issues",
]
