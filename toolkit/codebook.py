"""The codebook: the single source of truth for valid codes.

A code (issue, stance, actor, intensity) that the codebook does not list is an
error everywhere in the toolkit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from ._io import read_yaml
from .errors import CodebookError, Problem

__all__ = ["Stance", "STANCES", "Issue", "Actor", "IntensityLevel", "Codebook", "load_codebook", "PLOVER_CONTEXTS"]

Stance = Literal["grievance", "goodwill"]
STANCES: tuple[str, ...] = get_args(Stance)
PLOVER_CONTEXTS = frozenset(
    {"military", "diplomatic", "economic", "cyber", "election", "cbrn", "territory", "human_rights",
     "political", "legal", "humanitarian", "migration", "intelligence", "energy"}
)


@dataclass(frozen=True)
class Issue:
    """One issue of the codebook (e.g. ``nato-expansion``)."""

    id: str
    label: str
    definition: str
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    plover_context: str | None = None
    cameo: str | None = None


@dataclass(frozen=True)
class Actor:
    """A party that voices or receives a grievance or gesture."""

    id: str
    label: str
    kind: str = "state"
    definition: str = ""


@dataclass(frozen=True)
class IntensityLevel:
    """One step of the 1-3 intensity scale, with its Goldstein-style scores."""

    level: int
    label: str
    definition: str
    score: dict[str, float] = field(default_factory=dict)
    cameo: dict[str, str] = field(default_factory=dict)


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

    def score(self, stance: str, intensity: int) -> float:
        """Goldstein-style score of a stance at an intensity (negative for grievances)."""
        return float(self.intensity[int(intensity)].score[stance])

    def issue_label(self, issue_id: str) -> str:
        return self.issues[issue_id].label

    def check_code(self, kind: str, value: object) -> str | None:
        """Return an error message if ``value`` is not a valid ``kind`` code, else None."""
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
        else:  # pragma: no cover - programming error
            raise ValueError(kind)
        if ok:
            return None
        listed = ", ".join(str(c) for c in choices)
        return f"{value!r} is not a {kind} in codebook {self.version}; use one of: {listed}"


def _need(rec: dict, key: str, where: str, line: int | None, problems: list[Problem], kind=str):
    if key not in rec or rec[key] in (None, ""):
        problems.append(Problem(where, line, key, f"missing; every entry needs '{key}'"))
        return None
    val = rec[key]
    if not isinstance(val, kind) or isinstance(val, bool):
        problems.append(Problem(where, line, key, f"expected {kind.__name__}, got {type(val).__name__} {val!r}"))
        return None
    return val


def load_codebook(path: "str | Path | None" = None) -> Codebook:
    """Load and validate a codebook YAML file.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``codebook.yaml`` in the data folder.

    Raises
    ------
    CodebookError
        Listing every problem with its line and field.
    """
    if path is None:
        from .paths import data_dir

        path = data_dir() / "codebook.yaml"
    path = Path(path)
    where = str(path)
    try:
        raw = read_yaml(path)
    except Exception as exc:  # DataError -> CodebookError, same problems
        probs = getattr(exc, "problems", None)
        if probs is None:
            raise
        raise CodebookError(probs) from None
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise CodebookError(Problem(where, None, None, "the codebook must be a mapping with stances, intensity, actors and issues"))
    version = str(raw.get("version") or "")
    if not version:
        problems.append(Problem(where, getattr(raw, "line", None), "version", "missing; give the codebook a version"))

    def entries(key: str) -> list:
        val = raw.get(key)
        if not isinstance(val, list) or not val:
            problems.append(Problem(where, getattr(raw, "line", None), key, "missing or not a non-empty list"))
            return []
        out = []
        for i, rec in enumerate(val):
            if not isinstance(rec, dict):
                problems.append(Problem(where, None, f"{key}[{i}]", "each entry must be a mapping"))
            else:
                out.append(rec)
        return out

    stances: dict[str, str] = {}
    stance_labels: dict[str, str] = {}
    for rec in entries("stances"):
        line = getattr(rec, "line", None)
        sid = _need(rec, "id", where, line, problems)
        definition = _need(rec, "definition", where, line, problems)
        if sid is not None:
            if sid not in STANCES:
                problems.append(Problem(where, line, "id", f"stance {sid!r} unknown; stances are {', '.join(STANCES)}"))
            stances[sid] = definition or ""
            stance_labels[sid] = str(rec.get("label") or sid)
    for s in STANCES:
        if stances and s not in stances:
            problems.append(Problem(where, None, "stances", f"stance {s!r} is missing"))

    intensity: dict[int, IntensityLevel] = {}
    for rec in entries("intensity"):
        line = getattr(rec, "line", None)
        level = _need(rec, "level", where, line, problems, int)
        label = _need(rec, "label", where, line, problems)
        definition = _need(rec, "definition", where, line, problems)
        score = rec.get("score") or {}
        if not isinstance(score, dict) or set(score) != set(STANCES):
            problems.append(Problem(where, line, "score", "needs a number for each stance: {grievance: ..., goodwill: ...}"))
            score = {}
        else:
            for s, v in score.items():
                if not isinstance(v, (int, float)) or isinstance(v, bool):
                    problems.append(Problem(where, line, f"score.{s}", f"expected a number, got {v!r}"))
            if isinstance(score.get("grievance"), (int, float)) and score["grievance"] >= 0:
                problems.append(Problem(where, line, "score.grievance", "a grievance score must be negative"))
            if isinstance(score.get("goodwill"), (int, float)) and score["goodwill"] <= 0:
                problems.append(Problem(where, line, "score.goodwill", "a goodwill score must be positive"))
        cameo = rec.get("cameo") or {}
        if not isinstance(cameo, dict) or not all(isinstance(v, (str, int)) and not isinstance(v, bool)
                                                  for v in cameo.values()):
            problems.append(Problem(where, line, "cameo", "must be a mapping of stance to CAMEO code, "
                                                          "e.g. {grievance: \"11\", goodwill: \"05\"}"))
            cameo = {}
        if level is not None:
            if level in intensity:
                problems.append(Problem(where, line, "level", f"intensity level {level} listed twice"))
            intensity[level] = IntensityLevel(level, label or "", definition or "",
                                              {k: float(v) for k, v in score.items() if isinstance(v, (int, float))},
                                              {str(k): str(v) for k, v in cameo.items()})
    level_problems = any(p.field == "level" for p in problems)
    if intensity and sorted(intensity) != [1, 2, 3] and not level_problems:  # a bad level is reported already
        problems.append(Problem(where, None, "intensity", f"levels must be 1, 2, 3; found {sorted(intensity)}"))

    actors: dict[str, Actor] = {}
    for rec in entries("actors"):
        line = getattr(rec, "line", None)
        aid = _need(rec, "id", where, line, problems)
        label = _need(rec, "label", where, line, problems)
        if aid is not None:
            if aid in actors:
                problems.append(Problem(where, line, "id", f"actor {aid!r} listed twice"))
            actors[aid] = Actor(aid, label or aid, str(rec.get("kind") or "state"), str(rec.get("definition") or ""))

    issues: dict[str, Issue] = {}
    for rec in entries("issues"):
        line = getattr(rec, "line", None)
        iid = _need(rec, "id", where, line, problems)
        label = _need(rec, "label", where, line, problems)
        definition = _need(rec, "definition", where, line, problems)
        keywords = rec.get("keywords") or []
        examples = rec.get("examples") or []
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
            problems.append(Problem(where, line, "keywords", "must be a list of non-empty strings"))
            keywords = []
        if not isinstance(examples, list) or not all(isinstance(k, str) for k in examples):
            problems.append(Problem(where, line, "examples", "must be a list of strings"))
            examples = []
        ctx = rec.get("plover_context")
        if ctx is not None and ctx not in PLOVER_CONTEXTS:
            problems.append(Problem(where, line, "plover_context", f"{ctx!r} is not a PLOVER context; use one of {sorted(PLOVER_CONTEXTS)}"))
        if iid is not None:
            if iid in issues:
                problems.append(Problem(where, line, "id", f"issue {iid!r} listed twice"))
            issues[iid] = Issue(iid, label or iid, definition or "", tuple(examples),
                                tuple(k.lower() for k in keywords), ctx,
                                None if rec.get("cameo") is None else str(rec.get("cameo")))
    if problems:
        raise CodebookError(problems)
    return Codebook(version, stances, stance_labels, issues, actors, intensity, where)
