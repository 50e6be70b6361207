"""The annotation record, its W3C-style selectors, and its validation.

A record is a plain ``dict`` with the fields in :data:`FIELDS`. Selectors
follow the W3C Web Annotation TextPositionSelector (``start``/``end``, code
points, end-exclusive) and TextQuoteSelector (``quote``/``prefix``/``suffix``,
32 characters of context).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from toolkit._io import content_hash
from toolkit.corpus.passages import CONTEXT
from toolkit.errors import Problem
from toolkit.ids import check_annotator, normalize_annotator, now_iso

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook
    from toolkit.corpus.documents import Document
    from toolkit.corpus.summits import Summit
from toolkit.records.events import validate_event
from toolkit.records.record import (
    EVENT_FIELDS,
    FIELD_TYPES,
    FIELDS,
    ORIGINS,
    STATUSES,
    Annotation,
    Origin,
    RuleContext,
    Status,
    row_failures,
)

__all__ = [
    "Annotation",
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

ANNOTATOR_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", re.ASCII)  # matched in full (toolkit.ids)
"""The ASCII-only name form (set names use it). Annotator names also take letters of any script: see
:func:`check_annotator`."""
_SURROGATE = re.compile("[\ud800-\udfff]")

#: Optional citation field of an adjudicated record: the records it was decided from, as a non-empty list of
#: ``{"annotator": name, "id": annotation id}`` (see :mod:`toolkit.session.adjudication`).
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
#: Record kinds in a log: a mention (span; ``kind`` absent or "mention") or an event.
RECORD_KINDS: tuple[str, ...] = ("mention", "event")
#: The optional fields that hold one string each (the rest hold a kind, a list or the citations).
_OPTIONAL_TEXT = tuple(f for f in OPTIONAL_FIELDS if f not in ("kind", "secondary_issues", SOURCES_FIELD))


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
    document: Document,
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
    sel = selectors(document.text, start, end)
    return Annotation(
        id=id or annotation_id(document.id, annotator, start, end, issue, stance, actor, target),
        document_id=document.id,
        start=start,
        end=end,
        quote=sel["quote"],
        prefix=sel["prefix"],
        suffix=sel["suffix"],
        issue=issue,
        stance=stance,
        actor=actor,
        target=target,
        intensity=intensity,
        summit_id=summit_id or document.summit_id,
        annotator=annotator,
        created=created or now_iso(),
        note=note,
        status="anchored",
        origin=origin,  # type: ignore[arg-type]  # checked with the other rules by validate_record
    ).to_dict()


def surrogate_problems(rec: dict, *, file: str = "<record>", line: int | None = None) -> list[Problem]:
    """A problem for each string field (or string in a list field) holding a lone surrogate.

    Such a string is not valid Unicode text: it cannot be written as UTF-8,
    so it must be refused before anything is written (every record kind).
    """
    out: list[Problem] = []
    if not _SURROGATE.search("\n".join(_strings(rec))):
        return out  # one search over every string (the common case); the loop below names the field
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


def _strings(rec: dict) -> list[str]:
    """Every string of a record: its text fields, and the strings in its list and object fields."""
    out = [v for v in rec.values() if type(v) is str]
    for val in rec.values():
        if isinstance(val, (list, dict)):
            for v in val if isinstance(val, list) else (val,):
                out.extend(x for x in (v.values() if isinstance(v, dict) else (v,)) if isinstance(x, str))
        elif isinstance(val, str) and type(val) is not str:
            out.append(val)
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
    codebook: Codebook | None = None,
    documents: Mapping[str, Document] | None = None,
    summits: dict[str, Summit] | None = None,
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
        want = FIELD_TYPES[key]
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
    ctx = RuleContext(codebook, summits, documents)
    problems.extend(Problem(file, line, field, msg) for field, msg in row_failures(rec, ctx))
    return problems


def _check_optional(rec: dict, file: str, line: int | None, codebook: Codebook | None) -> list[Problem]:
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
