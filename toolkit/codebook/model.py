"""What a codebook is: its vocabularies (stances, attributions, modalities, PLOVER codes) and its entries.

:class:`Codebook` answers whether a code is valid (:meth:`Codebook.check_code`)
and how a stance and intensity score. Reading and checking a codebook file is
:func:`toolkit.codebook.load_codebook`; :mod:`toolkit.codebook` re-exports every
name defined here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from toolkit.codebook.published import goldstein as published_goldstein
from toolkit.codebook.published import plover_contexts, plover_types, quad_class

__all__ = [
    "Stance",
    "STANCES",
    "BALANCE_STANCES",
    "Attribution",
    "ATTRIBUTIONS",
    "Modality",
    "MODALITIES",
    "Issue",
    "Actor",
    "IntensityLevel",
    "EventType",
    "Codebook",
    "PLOVER_CONTEXTS",
    "PLOVER_TYPES",
]

Stance = Literal["grievance", "goodwill", "agenda"]
STANCES: tuple[str, ...] = get_args(Stance)
#: Stances that count toward balance; ``agenda`` counts only toward salience and agenda share.
BALANCE_STANCES: tuple[str, ...] = ("grievance", "goodwill")
Attribution = Literal["quote", "reported-speech", "reported-deed", "ascribed", "alleged"]
ATTRIBUTIONS: tuple[str, ...] = get_args(Attribution)
Modality = Literal["actual", "conditional", "intended", "hypothetical", "negated", "historical"]
MODALITIES: tuple[str, ...] = get_args(Modality)
#: The general contexts of the PLOVER manual followed (toolkit/codebook/tables/PLOVER-2.0.json, "Context codes
#: that can be used with any category"). Its auxiliary modes (future, historical, hypothetical,
#: negation) are not contexts: the codebook records them as ``modality``.
PLOVER_CONTEXTS = frozenset(plover_contexts())

#: The event types of the PLOVER manual followed (REQUEST, not the 0.8 name DEMAND).
PLOVER_TYPES = frozenset(plover_types())


@dataclass(frozen=True)
class Issue:
    """One issue of the codebook (e.g. ``nato-expansion``)."""

    id: str
    label: str
    definition: str
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    plover_context: str | None = None
    domain: str | None = None


@dataclass(frozen=True)
class Actor:
    """A party that voices or receives a grievance or gesture.

    A ``kind: pair`` actor (e.g. ``US-Russia``) names a joint act of its
    ``members``; the ledger expands it into one directed row per direction.
    """

    id: str
    label: str
    kind: str = "state"
    definition: str = ""
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventType:
    """One row of the event-type crosswalk: PLOVER type and mode, CAMEO code, Goldstein and PLOVER scores.

    ``goldstein`` is the published value of ``cameo`` (GDELT's per-code table) and ``plover_score``
    the PLOVER manual's score of the type and mode; the codebook loader checks both against the kept
    tables (``toolkit/codebook/tables``).
    """

    id: str
    stance: str
    intensity: int
    plover_type: str
    plover_mode: str
    cameo: str
    cameo_label: str
    goldstein: float
    plover_score: float
    note: str = ""

    @property
    def quad_class(self) -> int:
        """The CAMEO quad class of the type's code (1-4, GDELT's QuadClass; see toolkit.codebook.published)."""
        return quad_class(self.cameo)

    @property
    def published_goldstein(self) -> float:
        """The Goldstein value GDELT's per-code table gives the type's CAMEO code."""
        return published_goldstein(self.cameo)


@dataclass(frozen=True)
class IntensityLevel:
    """One step of the 1-3 intensity scale, with its intensity scores (the codebook's own weights, not Goldstein values)."""

    level: int
    label: str
    definition: str
    score: dict[str, float] = field(default_factory=dict)
    default_event_type: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Codebook:
    """A loaded, validated codebook.

    Attributes
    ----------
    version : str
    stances : dict of str to str
        Stance id to definition.
    issues : dict of str to Issue, in file order
    actors : dict of str to Actor, in file order
    intensity : dict of int to IntensityLevel
    path : str
    """

    version: str
    stances: dict[str, str]
    stance_labels: dict[str, str]
    issues: dict[str, Issue]
    actors: dict[str, Actor]
    intensity: dict[int, IntensityLevel]
    path: str = "<memory>"
    #: 2.0 sections; empty for a 1.x codebook.
    event_types: dict[str, EventType] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    attribution: dict[str, dict] = field(default_factory=dict)
    modality: dict[str, dict] = field(default_factory=dict)
    actor_details: dict[str, dict] = field(default_factory=dict)
    changelog: tuple[dict, ...] = ()

    def score(self, stance: str, intensity: int) -> float:
        """Intensity score of a stance at an intensity (negative for grievances; NaN for agenda).

        The codebook's own weight per intensity level; the published Goldstein value of an event
        type is :attr:`EventType.goldstein`.
        """
        return float(self.intensity[int(intensity)].score.get(stance, float("nan")))

    def default_event_type(self, stance: str, intensity: int) -> str | None:
        """The event type a record without an event gets from its stance and intensity."""
        if stance == "agenda":
            return next((t.id for t in self.event_types.values() if t.stance == "agenda"), None)
        level = self.intensity.get(int(intensity)) if intensity is not None else None
        return None if level is None else level.default_event_type.get(stance)

    def issues_in(self, domain: str) -> list[str]:
        """Issue ids of one domain, in file order."""
        return [i for i, iss in self.issues.items() if iss.domain == domain]

    def issue_label(self, issue_id: str) -> str:
        return self.issues[issue_id].label

    def check_code(self, kind: str, value: object) -> str | None:
        """Return an error message if ``value`` is not a valid ``kind`` code, else None."""
        choices: Mapping[Any, object]
        if kind == "issue":
            ok = value in self.issues
            choices = self.issues
        elif kind == "stance":
            ok = value in self.stances
            choices = self.stances
        elif kind in ("actor", "target"):
            ok = value in self.actors
            choices = self.actors
        elif kind == "intensity":
            ok = isinstance(value, int) and not isinstance(value, bool) and value in self.intensity
            choices = self.intensity
        elif kind in ("attribution", "modality", "event_type", "actor_detail", "target_detail"):
            choices = {
                "attribution": self.attribution or dict.fromkeys(ATTRIBUTIONS),
                "modality": self.modality or dict.fromkeys(MODALITIES),
                "event_type": self.event_types,
            }.get(kind, self.actor_details)
            ok = isinstance(value, str) and value in choices
        else:  # pragma: no cover - programming error
            raise ValueError(kind)
        if ok:
            return None
        listed = ", ".join(str(c) for c in choices)
        return f"{value!r} is not a {kind} in codebook {self.version}; use one of: {listed}"
