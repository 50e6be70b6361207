"""The codebook: the single source of truth for valid codes.

A code (issue, stance, actor, intensity) that the codebook does not list is an
error everywhere in the toolkit. This module reads and checks a codebook file
(:func:`load_codebook`, every problem reported with its line and field); what
a loaded codebook holds and how it checks a code is :mod:`toolkit.codebook.model`,
whose names are re-exported here.
"""

from __future__ import annotations

from pathlib import Path

from toolkit._io import read_yaml
from toolkit.codebook.model import (
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
from toolkit.codebook.published import PLOVER_VERSION, goldstein_table, plover_modes, plover_score
from toolkit.errors import CodebookError, Problem

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
    "load_codebook",
    "PLOVER_CONTEXTS",
    "PLOVER_TYPES",
]


def _need(rec: dict, key: str, where: str, line: int | None, problems: list[Problem], kind=str):
    if key not in rec or rec[key] in (None, ""):
        problems.append(Problem(where, line, key, f"missing; every entry needs '{key}'"))
        return None
    val = rec[key]
    if not isinstance(val, kind) or isinstance(val, bool):
        problems.append(Problem(where, line, key, f"expected {kind.__name__}, got {type(val).__name__} {val!r}"))
        return None
    return val


def load_codebook(path: str | Path | None = None) -> Codebook:
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
        from toolkit.paths import data_dir

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
        raise CodebookError(
            Problem(where, None, None, "the codebook must be a mapping with stances, intensity, actors and issues")
        )
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
    for s in BALANCE_STANCES:
        if stances and s not in stances:
            problems.append(Problem(where, None, "stances", f"stance {s!r} is missing"))

    intensity: dict[int, IntensityLevel] = {}
    for rec in entries("intensity"):
        line = getattr(rec, "line", None)
        level = _need(rec, "level", where, line, problems, int)
        label = _need(rec, "label", where, line, problems)
        definition = _need(rec, "definition", where, line, problems)
        score = rec.get("score") or {}
        if not isinstance(score, dict) or set(score) != set(BALANCE_STANCES):
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
        default_type = rec.get("default_event_type") or {}
        if not isinstance(default_type, dict) or not all(isinstance(v, str) for v in default_type.values()):
            problems.append(
                Problem(
                    where,
                    line,
                    "default_event_type",
                    "must be a mapping of stance to an event type id, e.g. {grievance: disapprove}",
                )
            )
            default_type = {}
        if level is not None:
            if level in intensity:
                problems.append(Problem(where, line, "level", f"intensity level {level} listed twice"))
            intensity[level] = IntensityLevel(
                level,
                label or "",
                definition or "",
                {k: float(v) for k, v in score.items() if isinstance(v, (int, float))},
                {str(k): str(v) for k, v in default_type.items()},
            )
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
            members = rec.get("members") or ()
            if rec.get("kind") in ("pair", "mutual") and (not isinstance(members, list) or len(members) != 2):
                problems.append(
                    Problem(where, line, "members", f"a {rec.get('kind')} actor lists its two members: members: [A, B]")
                )
                members = ()
            actors[aid] = Actor(
                aid, label or aid, str(rec.get("kind") or "state"), str(rec.get("definition") or ""), tuple(map(str, members))
            )
    for a in actors.values():
        for m in a.members:
            if m not in actors or actors[m].kind in ("pair", "mutual"):
                problems.append(Problem(where, None, f"actors.{a.id}.members", f"{m!r} is not a single actor of the codebook"))

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
            problems.append(
                Problem(
                    where,
                    line,
                    "plover_context",
                    f"{ctx!r} is not a general context of PLOVER {PLOVER_VERSION}; use one of {sorted(PLOVER_CONTEXTS)}",
                )
            )
        if iid is not None:
            if iid in issues:
                problems.append(Problem(where, line, "id", f"issue {iid!r} listed twice"))
            if rec.get("cameo") is not None:
                problems.append(
                    Problem(
                        where,
                        line,
                        "cameo",
                        "issues take no CAMEO code (CAMEO classifies actions, not topics); put action codes in event_types",
                    )
                )
            issues[iid] = Issue(
                iid,
                label or iid,
                definition or "",
                tuple(examples),
                tuple(k.lower() for k in keywords),
                ctx,
                None if rec.get("domain") is None else str(rec.get("domain")),
            )
    extra = _load_v2(raw, where, problems, stances, intensity, issues)
    if problems:
        raise CodebookError(problems)
    return Codebook(version, stances, stance_labels, issues, actors, intensity, where, **extra)


_EVENT_TYPE_FIELDS = (
    "id",
    "stance",
    "intensity",
    "plover_type",
    "plover_mode",
    "cameo",
    "cameo_label",
)


def _load_v2(raw: dict, where: str, problems: list[Problem], stances, intensity, issues) -> dict:
    """The codebook 2.0 sections (all optional, so that a 1.x codebook still loads)."""

    def P(field: str, msg: str, line=None) -> None:
        problems.append(Problem(where, line, field, msg))

    domains = {}
    for d in raw.get("domains") or []:
        if isinstance(d, dict) and d.get("id"):
            domains[str(d["id"])] = str(d.get("label") or d["id"])
    if domains and not problems:  # report structure first; domains once every issue parses
        for iid, iss in issues.items():
            if iss.domain not in domains:
                P(f"issues.{iid}.domain", f"{iss.domain!r} is not a domain; use one of {', '.join(domains)}")
        for d in domains:
            if f"{d}-other" not in issues:
                P("issues", f"domain {d!r} has no '{d}-other' issue")
    event_types: dict[str, EventType] = {}
    for rec in raw.get("event_types") or []:
        line = getattr(rec, "line", None)
        if not isinstance(rec, dict) or any(rec.get(k) is None for k in _EVENT_TYPE_FIELDS):
            P("event_types", f"each event type needs {', '.join(_EVENT_TYPE_FIELDS)}", line)
            continue
        et = _event_type(rec, line, P)
        if et is None:
            continue
        if et.stance not in STANCES or (stances and et.stance not in stances):
            P(f"event_types.{et.id}.stance", f"{et.stance!r} is not a stance of this codebook", line)
        sign = {"grievance": -1, "goodwill": 1}.get(et.stance)
        if sign is not None and et.goldstein * sign < 0:
            P(f"event_types.{et.id}.goldstein", f"{et.goldstein} has the wrong sign for a {et.stance}", line)
        if sign is not None and et.plover_score * sign < 0:
            P(
                f"event_types.{et.id}.plover_mode",
                f"PLOVER's score {et.plover_score} has the wrong sign for a {et.stance}; choose a mode",
                line,
            )
        event_types[et.id] = et
    for lv in intensity.values():
        for tid in lv.default_event_type.values():
            if event_types and tid not in event_types:
                P(f"intensity.{lv.level}.default_event_type", f"{tid!r} is not in event_types")

    def table(key: str, allowed: tuple[str, ...] | None) -> dict[str, dict]:
        out = {}
        for rec in raw.get(key) or []:
            if not isinstance(rec, dict) or not rec.get("id"):
                P(key, "each entry needs an id")
                continue
            if allowed is not None and rec["id"] not in allowed:
                P(key, f"{rec['id']!r} unknown; use one of {', '.join(allowed)}")
            if allowed is not None and not (rec.get("definition") and rec.get("example")):
                P(f"{key}.{rec['id']}", "give a definition and an example")
            out[str(rec["id"])] = dict(rec)
        return out

    changelog = tuple(c for c in raw.get("changelog") or [] if isinstance(c, dict))
    version = str(raw.get("version") or "")
    major = version.split(".")[0]
    if major.isdigit() and int(major) >= 2 and not any(str(c.get("version")) == version for c in changelog):
        P("changelog", f"no changelog entry for version {version}")
    return {
        "event_types": event_types,
        "domains": domains,
        "attribution": table("attribution", ATTRIBUTIONS),
        "modality": table("modality", MODALITIES),
        "actor_details": table("actor_details", None),
        "changelog": changelog,
    }


def _event_type(rec: dict, line: int | None, P) -> EventType | None:
    """One event type, its codes checked against the published tables (toolkit/codebook/tables).

    ``goldstein`` and ``plover_score`` may be left out: they are then taken from GDELT's per-code
    Goldstein table and the PLOVER manual's scores. Given, they must equal the published values.
    """
    tid, cameo, ptype, pmode = (str(rec[k]) for k in ("id", "cameo", "plover_type", "plover_mode"))
    at = f"event_types.{tid}"
    table = goldstein_table()
    ok = True
    if cameo not in table:
        P(f"{at}.cameo", f"{cameo!r} is not a CAMEO code of the published Goldstein table (2-4 digits, root 01-20)", line)
        ok = False
    if ptype not in PLOVER_TYPES:
        hint = " (PLOVER 0.8 called it DEMAND; the manual now says REQUEST)" if ptype == "DEMAND" else ""
        P(
            f"{at}.plover_type",
            f"{ptype!r} is not an event type of PLOVER {PLOVER_VERSION}{hint}; use one of {', '.join(sorted(PLOVER_TYPES))}",
            line,
        )
        ok = False
    elif pmode and pmode not in plover_modes(ptype):
        modes = ", ".join(plover_modes(ptype)) or "none (leave plover_mode empty)"
        P(f"{at}.plover_mode", f"{pmode!r} is not a mode of {ptype} in PLOVER {PLOVER_VERSION}; its modes: {modes}", line)
        ok = False
    if not ok:
        return None
    published = table[cameo]
    manual = plover_score(ptype, pmode or None)
    manual_score = float("nan") if manual is None else manual
    for field, given, want in (("goldstein", rec.get("goldstein"), published), ("plover_score", rec.get("plover_score"), manual)):
        if given is None:
            continue
        try:
            value = float(given)
        except (TypeError, ValueError):
            value = float("nan")
        if want is None or value != want:
            source = (
                f"GDELT's Goldstein table gives CAMEO {cameo}"
                if field == "goldstein"
                else f"PLOVER {PLOVER_VERSION} gives {ptype}{'/' + pmode if pmode else ''}"
            )
            P(f"{at}.{field}", f"{given!r} is not the published value ({source} {want}); write that or leave the field out", line)
            ok = False
    if not ok:
        return None
    return EventType(
        tid,
        str(rec["stance"]),
        int(rec["intensity"]),
        ptype,
        pmode,
        cameo,
        str(rec["cameo_label"]),
        published,
        manual_score,
        str(rec.get("note") or ""),
    )
