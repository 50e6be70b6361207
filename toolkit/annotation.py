"""The annotation record, its W3C-style selectors, and its validation.

A record is a plain ``dict`` with the fields in :data:`FIELDS`. Selectors
follow the W3C Web Annotation TextPositionSelector (``start``/``end``, code
points, end-exclusive) and TextQuoteSelector (``quote``/``prefix``/``suffix``,
32 characters of context).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Any, Literal, get_args

from ._io import content_hash
from .errors import Problem, ValidationError

__all__ = [
    "FIELDS",
    "OPTIONAL_FIELDS",
    "EVENT_FIELDS",
    "RECORD_KINDS",
    "CONTEXT",
    "record_kind",
    "record_from_op",
    "Origin",
    "ORIGINS",
    "Status",
    "STATUSES",
    "ANNOTATOR_PATTERN",
    "annotation_id",
    "make_annotation",
    "selectors",
    "check_annotator",
    "normalize_annotator",
    "validate_record",
    "now_iso",
    "SOURCES_FIELD",
    "check_sources",
    "surrogate_problems",
]

CONTEXT = 32
Origin = Literal["manual", "suggested", "imported"]
ORIGINS: tuple[str, ...] = get_args(Origin)
Status = Literal["anchored", "orphaned"]
STATUSES: tuple[str, ...] = get_args(Status)
ANNOTATOR_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", re.ASCII)  # matched in full (toolkit.ids)
"""The ASCII-only name form (set names use it). Annotator names also take letters of any script: see
:func:`check_annotator`."""
_SURROGATE = re.compile("[\ud800-\udfff]")

FIELDS: tuple[str, ...] = (
    "id",
    "document_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "issue",
    "stance",
    "actor",
    "target",
    "intensity",
    "summit_id",
    "annotator",
    "created",
    "note",
    "status",
    "origin",
)
#: Optional citation field of an adjudicated record: the records it was decided from, as a non-empty list of
#: ``{"annotator": name, "id": annotation id}`` (see :mod:`toolkit.adjudication`).
SOURCES_FIELD = "sources"
#: Optional fields of a mention (codebook 2.0); absent means: no secondary issues, attribution and
#: modality not coded, its own event, coded under codebook 1.x.
OPTIONAL_FIELDS: tuple[str, ...] = (
    "kind",
    "secondary_issues",
    "attribution",
    "modality",
    "event_id",
    "codebook_version",
    "actor_detail",
    "target_detail",
    "speaker",
    "source",
    "migrated_from",
    SOURCES_FIELD,
)
#: Fields of an event record (``"kind": "event"``; rules in :mod:`toolkit.events`).
EVENT_FIELDS: tuple[str, ...] = (
    "id",
    "kind",
    "annotator",
    "created",
    "actor",
    "target",
    "stance",
    "issue",
    "secondary_issues",
    "intensity",
    "event_type",
    "event_date",
    "date_precision",
    "phase",
    "summit_id",
    "modality",
    "description",
    "note",
    "codebook_version",
)
#: Record kinds in a log: a mention (span; ``kind`` absent or "mention") or an event.
RECORD_KINDS: tuple[str, ...] = ("mention", "event")
_OPTIONAL_TEXT = (
    "attribution",
    "modality",
    "event_id",
    "codebook_version",
    "actor_detail",
    "target_detail",
    "speaker",
    "source",
    "migrated_from",
)
_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "document_id": str,
    "start": int,
    "end": int,
    "quote": str,
    "prefix": str,
    "suffix": str,
    "issue": str,
    "stance": str,
    "actor": str,
    "target": str,
    "intensity": int,
    "summit_id": str,
    "annotator": str,
    "created": str,
    "note": str,
    "status": str,
    "origin": str,
}


def record_kind(rec: Any) -> str:
    """``"event"`` or ``"mention"`` (a record with no ``kind`` is a mention)."""
    kind = rec.get("kind") if isinstance(rec, dict) else None
    return "mention" if kind in (None, "mention") else str(kind)


def record_from_op(op: dict) -> dict:
    """The record an upsert operation carries: its fields, by kind, without ``op``, ``op_id``, ``at``."""
    if record_kind(op) == "event":
        return {k: op[k] for k in EVENT_FIELDS if k in op}
    rec = {k: op[k] for k in (*FIELDS, *OPTIONAL_FIELDS) if k in op}
    rec.setdefault("note", "")
    return rec


def now_iso() -> str:
    """The current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_annotator(name: str) -> str:
    """A typed name in the one form it is stored and checked in: trimmed, Unicode NFC."""
    return unicodedata.normalize("NFC", name.strip())


def check_annotator(name: object) -> str | None:
    """Return an error message if ``name`` cannot be an annotator name (it becomes a file name).

    Allowed: 1-64 characters, letters of any script (``Élise``, ``Анна``, ``李明``), their combining
    marks, digits, ``-`` and ``_``, starting with a letter or digit, in Unicode NFC form (use
    :func:`normalize_annotator` on typed input). No dot, slash, space or control character can
    occur, so ``<name>.jsonl`` stays inside its folder; Windows device names are refused. The rule
    lives in :mod:`toolkit.ids`, with the other ids that become paths.
    """
    from .ids import id_problem

    return id_problem("annotator", name)


def annotation_id(
    document_id: str, annotator: str, start: int, end: int, issue: str, stance: str, actor: str, target: str
) -> str:
    """Deterministic 12-hex id from what identifies a coded span.

    The id is fixed when the record is created; later edits keep it.
    """
    return content_hash(f"{document_id}|{annotator}|{start}|{end}|{issue}|{stance}|{actor}|{target}", 12)


def selectors(text: str, start: int, end: int, context: int = CONTEXT) -> dict[str, Any]:
    """Position and quote selectors of ``text[start:end]``."""
    return {
        "start": start,
        "end": end,
        "quote": text[start:end],
        "prefix": text[max(0, start - context) : start],
        "suffix": text[end : end + context],
    }


def make_annotation(
    document,
    start: int,
    end: int,
    *,
    issue: str,
    stance: str,
    actor: str,
    target: str,
    intensity: int,
    annotator: str,
    summit_id: str | None = None,
    note: str = "",
    origin: str = "manual",
    created: str | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    """Build a record for ``document.text[start:end]``.

    Parameters
    ----------
    document : Document
    start, end : int
        Code-point offsets, end-exclusive.
    summit_id : str, optional
        Defaults to the document's summit.

    Returns
    -------
    dict
        With every field of :data:`FIELDS`; not yet validated against the codebook.
    """
    rec = {
        "id": id or annotation_id(document.id, annotator, start, end, issue, stance, actor, target),
        "document_id": document.id,
        **selectors(document.text, start, end),
        "issue": issue,
        "stance": stance,
        "actor": actor,
        "target": target,
        "intensity": intensity,
        "summit_id": summit_id or document.summit_id,
        "annotator": annotator,
        "created": created or now_iso(),
        "note": note,
        "status": "anchored",
        "origin": origin,
    }
    return rec


def surrogate_problems(rec: dict, *, file: str = "<record>", line: int | None = None) -> list[Problem]:
    """A problem for each string field (or string in a list field) holding a lone surrogate.

    Such a string is not valid Unicode text: it cannot be written as UTF-8,
    so it must be refused before anything is written (every record kind).
    """
    out: list[Problem] = []
    for key, val in rec.items():
        vals = val if isinstance(val, list) else (val,)
        vals = [x for v in vals for x in (v.values() if isinstance(v, dict) else (v,))]
        for v in vals:
            if isinstance(v, str) and _SURROGATE.search(v):
                i = _SURROGATE.search(v).start()  # type: ignore[union-attr]
                out.append(
                    Problem(
                        file,
                        line,
                        str(key),
                        f"contains a lone surrogate (U+{ord(v[i]):04X} at character "
                        f"{i}), which is not valid Unicode text; fix the source text",
                    )
                )
                break
    return out


def check_sources(value: Any) -> str | None:
    """Return an error message if ``value`` is not a valid :data:`SOURCES_FIELD` (None when valid)."""
    if not isinstance(value, list) or not value:
        return "expected a non-empty list of {annotator, id} objects naming the records this one was decided from"
    for k, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"annotator", "id"}:
            return f"item {k}: expected an object with exactly the keys annotator and id"
        if not isinstance(item["id"], str) or not re.fullmatch(r"[0-9a-f]{1,64}", item["id"]):
            return f"item {k}: id {item['id']!r} is not an annotation id (hex digits)"
        if msg := check_annotator(item["annotator"]):
            return f"item {k}: {msg}"
    return None


def validate_record(
    rec: Any,
    *,
    file: str = "<record>",
    line: int | None = None,
    codebook=None,
    documents: dict | None = None,
    summits: dict | None = None,
) -> list[Problem]:
    """Check one annotation record; return every problem found (empty when valid).

    Structure and types are always checked. With ``codebook`` the codes must be
    in it; with ``documents`` the offsets must lie inside the text and
    ``text[start:end]`` must equal ``quote``; with ``summits`` the summit must exist.
    """

    def P(field: str | None, msg: str) -> None:
        problems.append(Problem(file, line, field, msg))

    problems: list[Problem] = []
    if not isinstance(rec, dict):
        P(None, f"expected a JSON object, got {type(rec).__name__}")
        return problems
    kind = record_kind(rec)
    if kind == "event":
        from .events import validate_event

        return validate_event(rec, file=file, line=line, codebook=codebook, summits=summits)
    if kind not in RECORD_KINDS:
        P("kind", f"{rec['kind']!r} unknown; a record is a mention (no kind) or an event (kind: event)")
        return problems
    problems.extend(_check_optional(rec, file, line, codebook))
    for key in FIELDS:
        if key not in rec:
            if key in ("note", "prefix", "suffix"):
                continue
            P(key, "missing")
            continue
        want = _TYPES[key]
        val = rec[key]
        if not isinstance(val, want) or isinstance(val, bool):
            P(key, f"expected {want.__name__}, got {type(val).__name__} {val!r}"[:200])
    if problems:
        return problems
    problems.extend(surrogate_problems(rec, file=file, line=line))
    if msg := check_annotator(rec["annotator"]):
        P("annotator", msg)
    if SOURCES_FIELD in rec and (msg := check_sources(rec[SOURCES_FIELD])):
        P(SOURCES_FIELD, msg)
    if rec["status"] not in STATUSES:
        P("status", f"{rec['status']!r} unknown; use one of {', '.join(STATUSES)}")
    if rec["origin"] not in ORIGINS:
        P("origin", f"{rec['origin']!r} unknown; use one of {', '.join(ORIGINS)}")
    start, end = rec["start"], rec["end"]
    if start < 0:
        P("start", f"{start} is negative")
    if end <= start:
        P("end", f"end {end} must be greater than start {start}")
    if codebook is not None:
        for key in ("issue", "stance", "actor", "target", "intensity"):
            if msg := codebook.check_code(key, rec[key]):
                P(key, msg)
        actor = codebook.actors.get(rec["actor"])
        if rec["actor"] == rec["target"] and actor is not None and actor.kind != "pair":
            P("target", f"actor and target are both {rec['actor']!r}; only a pair actor (kind: pair) may address itself")
    if summits is not None and rec["summit_id"] not in summits:
        P("summit_id", f"{rec['summit_id']!r} is not in summits.yaml")
    if documents is not None:
        doc = documents.get(rec["document_id"])
        if doc is None:
            P("document_id", f"{rec['document_id']!r} is not a known document")
        elif rec["status"] == "anchored" and 0 <= start < end:
            if end > len(doc.text):
                P("end", f"{end} is past the end of {doc.id} ({len(doc.text)} characters)")
            elif doc.text[start:end] != rec["quote"]:
                P(
                    "quote",
                    f"text[{start}:{end}] is {doc.text[start:end][:60]!r}, not the recorded quote "
                    f"{rec['quote'][:60]!r}; re-anchor or fix the offsets",
                )
    return problems


def _check_optional(rec: dict, file: str, line: int | None, codebook) -> list[Problem]:
    """Types and codes of a mention's optional codebook-2.0 fields."""
    out: list[Problem] = []
    for key in _OPTIONAL_TEXT:
        if key in rec and rec[key] is not None and not isinstance(rec[key], str):
            out.append(Problem(file, line, key, f"expected text, got {type(rec[key]).__name__} {rec[key]!r}"[:200]))
    sec = rec.get("secondary_issues")
    if sec is not None and (not isinstance(sec, list) or not all(isinstance(i, str) for i in sec)):
        out.append(Problem(file, line, "secondary_issues", "expected a list of issue ids"))
        sec = None
    if out or codebook is None:
        return out
    for key in ("attribution", "modality", "actor_detail", "target_detail"):
        if rec.get(key) not in (None, "") and (msg := codebook.check_code(key, rec[key])):
            out.append(Problem(file, line, key, msg))
    for iid in sec or ():
        if msg := codebook.check_code("issue", iid):
            out.append(Problem(file, line, "secondary_issues", msg))
        elif iid == rec.get("issue"):
            out.append(Problem(file, line, "secondary_issues", f"{iid!r} is already the primary issue"))
    return out


def require_valid(rec: Any, **kwargs) -> dict:
    """Like :func:`validate_record` but raise :class:`ValidationError` on any problem."""
    problems = validate_record(rec, **kwargs)
    if problems:
        raise ValidationError(problems)
    return rec
