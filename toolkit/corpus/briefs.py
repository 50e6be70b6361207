"""Summit briefs: coded facts from the public record, for summits without article text.

A brief is one record in ``data/briefs.yaml``: a summit, an issue, a stance, who
voices it toward whom, how strong it is, a one-line description in the
project's own words, the source URL and, where the fact is contested, a note.
Briefs join the span annotations in one ledger (``evidence == "brief"``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from toolkit._io import content_hash, read_yaml
from toolkit.errors import DataError, Problem, ValidationError

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook
    from toolkit.corpus.summits import Summit

__all__ = ["BRIEF_FIELDS", "REQUIRED_FIELDS", "SOURCE_TYPES", "brief_id", "load_briefs"]

#: Fields a brief may carry, in the order they are returned.
BRIEF_FIELDS: tuple[str, ...] = (
    "id",
    "summit_id",
    "issue",
    "stance",
    "actor",
    "target",
    "intensity",
    "description",
    "source_url",
    "note",
    # codebook 2.0, optional (see toolkit.records.events)
    "secondary_issues",
    "event_id",
    "event_type",
    "event_date",
    "date_precision",
    "phase",
    "attribution",
    "modality",
    "source_type",
    "contested",
    "codebook_version",
)
#: What a brief's source is: a news outlet's own report, a copy of another outlet's report, or an
#: official text (a government readout or statement).
SOURCE_TYPES: tuple[str, ...] = ("press-report", "re-publication", "official")
#: Fields every brief must give.
REQUIRED_FIELDS: tuple[str, ...] = BRIEF_FIELDS[1:9]  # summit_id … source_url
#: What a brief's id is made from: every field it must give.
_HASHED = REQUIRED_FIELDS


def brief_id(record: dict) -> str:
    """Content hash of a brief's coded fields, description and source (12 hex digits).

    The note is left out, so annotating a brief does not change its id.
    """
    return "b" + content_hash({k: record[k] for k in _HASHED}, length=12)


def _check(rec: dict, where: str, line: int | None, codebook: Codebook, summits: dict[str, Summit]) -> list[Problem]:
    problems: list[Problem] = []

    def P(field: str | None, msg: str) -> None:
        problems.append(Problem(where, line, field, msg))

    unknown = sorted(set(rec) - set(BRIEF_FIELDS))
    for key in unknown:
        P(key, f"unknown field; a brief has only {', '.join(BRIEF_FIELDS)}")
    for key in REQUIRED_FIELDS:
        if rec.get(key) in (None, ""):
            P(key, f"missing; every brief needs '{key}'")
    if problems:
        return problems
    for key in ("summit_id", "issue", "stance", "actor", "target", "description", "source_url"):
        if not isinstance(rec[key], str):
            P(key, f"expected text, got {type(rec[key]).__name__} {rec[key]!r}")
    if not isinstance(rec["intensity"], int) or isinstance(rec["intensity"], bool):
        P("intensity", f"expected 1, 2 or 3, got {rec['intensity']!r}")
    if rec.get("note") is not None and not isinstance(rec["note"], str):
        P("note", f"expected text, got {type(rec['note']).__name__}")
    if problems:
        return problems
    for key in ("issue", "stance", "actor", "target", "intensity"):
        if msg := codebook.check_code(key, rec[key]):
            P(key, msg)
    actor = codebook.actors.get(rec["actor"])
    target = codebook.actors.get(rec["target"])
    if actor is not None and target is not None:
        if actor.kind in ("pair", "mutual") and rec["target"] != rec["actor"]:
            P("target", f"a pair actor ({rec['actor']!r}) addresses itself: set target to {rec['actor']!r}")
        elif rec["actor"] == rec["target"] and actor.kind not in ("pair", "mutual"):
            P("target", f"actor and target are both {rec['actor']!r}; only a pair actor (kind: pair) may address itself")
    if rec["summit_id"] not in summits:
        P("summit_id", f"{rec['summit_id']!r} is not in summits.yaml; add the summit first or fix the id")
    if not rec["source_url"].startswith(("http://", "https://")):
        P("source_url", f"{rec['source_url']!r} is not an http(s) URL")
    if "\n" in rec["description"].strip():
        P("description", "must be one line; move detail into 'note'")
    problems.extend(_check_v2(rec, where, line, codebook, summits))
    return problems


def _check_v2(rec: dict, where: str, line: int | None, codebook: Codebook, summits: dict[str, Summit]) -> list[Problem]:
    """The optional codebook-2.0 fields of a brief."""
    from toolkit.corpus.phases import derive_phase

    out: list[Problem] = []

    def P(field: str, msg: str) -> None:
        out.append(Problem(where, line, field, msg))

    for key in (
        "event_id",
        "event_type",
        "event_date",
        "date_precision",
        "phase",
        "attribution",
        "modality",
        "source_type",
        "codebook_version",
    ):
        if rec.get(key) is not None and not isinstance(rec[key], str):
            P(key, f"expected text, got {type(rec[key]).__name__} {rec[key]!r}")
    if rec.get("contested") is not None and not isinstance(rec["contested"], bool):
        P("contested", "expected true or false")
    sec = rec.get("secondary_issues") or []
    if not isinstance(sec, list) or not all(isinstance(i, str) for i in sec):
        P("secondary_issues", "expected a list of issue ids")
        sec = []
    if out:
        return out
    for iid in sec:
        if msg := codebook.check_code("issue", iid):
            P("secondary_issues", msg)
    for key in ("attribution", "modality", "event_type"):
        if rec.get(key) and (msg := codebook.check_code(key, rec[key])):
            P(key, msg)
    et = codebook.event_types.get(rec.get("event_type") or "")
    if et is not None and et.stance != rec["stance"]:
        P("event_type", f"{et.id!r} is a {et.stance} type; the brief's stance is {rec['stance']!r}")
    if rec.get("source_type") and rec["source_type"] not in SOURCE_TYPES:
        P("source_type", f"{rec['source_type']!r} unknown; use one of {', '.join(SOURCE_TYPES)}")
    if (rec.get("event_date") is None) != (rec.get("date_precision") is None):
        P("event_date", "give event_date and date_precision together")
    elif rec.get("event_date") and rec["summit_id"] in summits:
        try:
            _, msg = derive_phase(rec["event_date"], rec["date_precision"], summits[rec["summit_id"]], rec.get("phase"))
        except ValueError as exc:
            msg = str(exc)
        if msg:
            P("event_date", msg)
    return out


def load_briefs(path: str | Path, codebook: Codebook, summits: dict[str, Summit]) -> list[dict]:
    """Load and validate the summit briefs.

    Parameters
    ----------
    path : str or Path
        ``briefs.yaml``: a YAML list of mappings with the fields in
        :data:`BRIEF_FIELDS` (``id`` is optional and, if given, must equal
        the content hash).
    codebook : Codebook
        Issues, stances, actors and intensity levels must be in it.
    summits : dict of str to Summit
        ``summit_id`` must be one of them.

    Returns
    -------
    list of dict
        One dict per brief, keys :data:`BRIEF_FIELDS` (``note`` is None when
        absent), in file order; ``id`` is :func:`brief_id`.

    Raises
    ------
    DataError
        When the file is not a list of mappings.
    ValidationError
        Listing every bad record with its line and field.
    """
    path = Path(path)
    where = str(path)
    raw = read_yaml(path)
    if not isinstance(raw, list):
        raise DataError.at(path, None, None, "briefs.yaml must be a YAML list of briefs (lines starting with '- ')")
    problems: list[Problem] = []
    out: list[dict] = []
    seen: dict[str, int | None] = {}
    for i, rec in enumerate(raw):
        line = getattr(rec, "line", None) or None
        if not isinstance(rec, dict):
            problems.append(Problem(where, line, f"[{i}]", "each brief must be a mapping of field: value"))
            continue
        found = _check(rec, where, line, codebook, summits)
        if found:
            problems.extend(found)
            continue
        record = {k: rec.get(k) for k in BRIEF_FIELDS}
        record["description"] = str(rec["description"]).strip()  # _check made sure it is text
        record["secondary_issues"] = list(record["secondary_issues"] or [])
        bid = brief_id(record)
        if rec.get("id") not in (None, bid):
            problems.append(
                Problem(
                    where,
                    line,
                    "id",
                    f"{rec['id']!r} is not this brief's content hash {bid!r}; "
                    "delete the id (it is computed) or restore the record",
                )
            )
            continue
        record["id"] = bid
        if bid in seen:
            problems.append(Problem(where, line, None, f"same brief as the one on line {seen[bid]}; delete one"))
            continue
        seen[bid] = line
        out.append(record)
    problems.extend(_check_event_groups(out, where))
    if problems:
        raise ValidationError(problems)
    return out


def _check_event_groups(briefs: list[dict], where: str) -> list[Problem]:
    """Briefs that share an event_id report one act: same summit, date, precision, actor and stance."""
    groups: dict[str, dict] = {}
    out = []
    for b in briefs:
        eid = b.get("event_id")
        if not eid:
            continue
        first = groups.setdefault(eid, b)
        for key in ("summit_id", "event_date", "date_precision", "actor", "stance"):
            if b.get(key) != first.get(key):
                out.append(
                    Problem(
                        where,
                        None,
                        "event_id",
                        f"briefs of event {eid!r} disagree on {key}: {first.get(key)!r} and {b.get(key)!r}",
                    )
                )
    return out
