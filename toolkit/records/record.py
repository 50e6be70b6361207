"""The annotation record type and the one table of rules every record must pass.

:class:`Annotation` names the fields of a mention and their types; :data:`FIELDS`,
:data:`FIELD_TYPES` and :data:`CODE_FIELDS` come from it, and every reader, writer,
importer, exporter and widget takes its field lists from here.

:data:`RULES` holds the checks on a record's values (codes, offsets, summit, text).
Each rule's test is written once and runs two ways: on one record (a ``dict``, the
row-wise validator :func:`toolkit.records.annotation.validate_record`) it returns a bool; on a
whole log in columns (a ``pandas.DataFrame``, the ledger's fast path) the same
expression returns a boolean column. :func:`row_failures` and :func:`column_failures`
evaluate the table in the two shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

__all__ = [
    "EVENT_FIELDS",
    "Annotation",
    "FIELDS",
    "FIELD_TYPES",
    "CODES",
    "CODE_FIELDS",
    "Origin",
    "ORIGINS",
    "Status",
    "STATUSES",
    "RuleContext",
    "Rule",
    "RULES",
    "row_failures",
    "column_failures",
]

Origin = Literal["manual", "suggested", "imported"]
ORIGINS: tuple[str, ...] = get_args(Origin)
Status = Literal["anchored", "orphaned"]
STATUSES: tuple[str, ...] = get_args(Status)


@dataclass(frozen=True, slots=True)
class Annotation:
    """One coded span (a *mention*): a W3C position + quote selector and its codes.

    Offsets are code points, end-exclusive. The codes (issue, stance, actor, target,
    intensity) are the codebook's; ``summit_id`` is in ``summits.yaml``.
    """

    id: str
    document_id: str
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    issue: str
    stance: str
    actor: str
    target: str
    intensity: int
    summit_id: str
    annotator: str
    created: str
    note: str
    status: Status
    origin: Origin

    def to_dict(self) -> dict[str, Any]:
        """The record as stored (a plain dict with every field of :data:`FIELDS`)."""
        return {name: getattr(self, name) for name in FIELDS}


#: Fields of a mention, in their stored order.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Annotation))
#: The Python type of each field (``int`` for offsets and intensity, ``str`` for the rest).
FIELD_TYPES: dict[str, type] = {f.name: int if f.type in ("int", int) else str for f in fields(Annotation)}
#: The fields holding the codebook's codes, in the order labels and forms show them.
CODES: tuple[str, ...] = ("stance", "issue", "actor", "target", "intensity")
#: The fields a coder chooses: the codes and the summit.
CODE_FIELDS: tuple[str, ...] = (*CODES, "summit_id")


@dataclass(frozen=True)
class RuleContext:
    """What the rules check against; a rule needing an absent part is skipped."""

    codebook: Any = None
    summits: Mapping[str, Any] | None = None
    documents: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Rule:
    """One check on a record's values.

    ``ok(cols, ctx)`` is True where the record passes: ``cols`` is one record (scalars) or a
    DataFrame (columns). ``message(rec, ctx)`` says what is wrong with one failing record.
    ``needs`` names the part of :class:`RuleContext` the rule needs (None: none).
    """

    field: str
    ok: Callable[[Any, RuleContext], Any]
    message: Callable[[Mapping[str, Any], RuleContext], str]
    needs: Literal["codebook", "summits", "documents"] | None = None


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _vector(x: Any) -> bool:
    return type(x) not in _SCALARS and not isinstance(x, (str, int, float))


def each(fn: Callable[..., Any], *values: Any) -> Any:
    """``fn`` applied to scalars, or element-wise (once per distinct value for one column) to columns."""
    if not _vector(values[0]):
        return fn(*values)
    import pandas as pd

    first = values[0]
    if len(values) == 1:
        codes, uniques = _factorize(first)
        verdicts = pd.Series([fn(u) for u in uniques], dtype=object).infer_objects().to_numpy()
        return pd.Series(verdicts[codes], index=first.index)
    return pd.Series([fn(*t) for t in zip(*(v.tolist() for v in values), strict=True)], index=first.index)


#: Columns numbered beforehand (see :func:`column_failures`' ``codes``): id of the column's values -> (values, codes, distinct).
_GIVEN: ContextVar[Mapping[int, tuple[Any, Any, Any]] | None] = ContextVar("_GIVEN", default=None)


def _given(column: Any) -> tuple[Any, Any] | None:
    """The codes and distinct values given for this very column (see :func:`column_failures`), or None."""
    values = getattr(column, "array", None)
    given = (_GIVEN.get() or {}).get(id(values))
    return (given[1], given[2]) if given is not None and given[0] is values else None


def _factorize(column: Any) -> tuple[Any, Any]:
    """``pandas.factorize(column)``, or the codes given for this very column."""
    import pandas as pd

    return _given(column) or pd.factorize(column)


def isin(value: Any, allowed: Collection[Any]) -> Any:
    """``value in allowed`` for a scalar, ``isin`` for a column (asked once per distinct value when the column's codes are given)."""
    if not _vector(value):
        return value in allowed
    given = _given(value)
    if given is None:
        return value.isin(list(allowed))
    import numpy as np
    import pandas as pd

    codes, uniques = given
    verdicts = np.array([u in allowed for u in uniques] + [False], dtype=bool)  # a missing value (code -1) is in nothing
    return pd.Series(verdicts[codes], index=value.index)


def _implies(cond: Any, then: Any) -> Any:
    return (~cond | then) if _vector(cond) else (not cond or then)


def _code_rule(name: str) -> Rule:
    return Rule(
        name,
        lambda c, x: each(lambda v: x.codebook.check_code(name, v) is None, c[name]),
        lambda r, x: x.codebook.check_code(name, r[name]) or "",
        "codebook",
    )


def _not_self(actor: str, codebook: Any) -> bool:
    a = codebook.actors.get(actor)
    return a is None or a.kind in ("pair", "mutual")


def _anchored_in_text(c: Any, x: RuleContext) -> Any:
    """Where the text check applies: a known document, an anchored record, offsets that select something.

    Two rules ask it of the same columns (end and quote): within one :func:`column_failures` it is worked out once.
    """
    assert x.documents is not None
    seen = _SEEN.get()
    if seen and seen[0] is c:
        return seen[1]
    applies = isin(c["document_id"], x.documents) & (c["status"] == "anchored") & (c["start"] >= 0) & (c["end"] > c["start"])
    if seen is not None:
        seen[:] = [c, applies]
    return applies


#: While :func:`column_failures` runs: the columns :func:`_anchored_in_text` was last asked of, and its answer.
_SEEN: ContextVar[list[Any] | None] = ContextVar("_SEEN", default=None)


def _text_len(doc_id: str, x: RuleContext) -> int:
    assert x.documents is not None
    doc = x.documents.get(doc_id)
    return len(doc.text) if doc is not None else 0


def _quote_ok(doc_id: str, start: int, end: int, quote: str, applies: bool, x: RuleContext) -> bool:
    if not applies:
        return True
    assert x.documents is not None
    text = x.documents[doc_id].text
    return end > len(text) or text[start:end] == quote


def _quotes_ok(doc_ids: Any, starts: Any, ends: Any, quotes: Any, applies: Any, x: RuleContext) -> Any:
    """:func:`_quote_ok` for one record, or for columns at once (byte slices gathered and compared with numpy)."""
    if not _vector(doc_ids):
        return _quote_ok(doc_ids, starts, ends, quotes, applies, x)
    try:
        return _quote_columns(doc_ids, starts, ends, quotes, applies, x)
    except (TypeError, ValueError, UnicodeError, ImportError):  # values the column form does not take: one by one
        return each(lambda d, a, b, q, ap: _quote_ok(d, a, b, q, ap, x), doc_ids, starts, ends, quotes, applies)


def _quote_columns(doc_ids: Any, starts: Any, ends: Any, quotes: Any, applies: Any, x: RuleContext) -> Any:
    """Each row's ``text[start:end] == quote`` as UTF-8 bytes (equal bytes, equal text), compared by Arrow (:func:`slices_equal`)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from toolkit.records.textbytes import slices_equal

    assert x.documents is not None
    ok = np.ones(len(doc_ids), dtype=bool)
    check = np.asarray(applies, dtype=bool)
    codes, uniques = _factorize(doc_ids)
    texts, cuts, base = [], [], 0  # the distinct documents' text bytes, and each code point's byte offset
    for d in uniques:
        raw = np.frombuffer((x.documents[d].text if d in x.documents else "").encode("utf-8", "surrogatepass"), np.uint8)
        cuts.append(np.append(np.flatnonzero((raw & 0xC0) != 0x80), len(raw)) + base)
        texts.append(raw)
        base += len(raw)
    start, end = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    rows = np.flatnonzero(check)
    if len(rows) < len(check):
        start, end = start[rows], end[rows]
    # each row's document: its number of code points, and where its offsets begin in ``flat`` (with a
    # single document, as in most logs, both are one number and no row needs looking up)
    lengths = np.array([len(c) - 1 for c in cuts], dtype=np.int64)
    firsts = np.cumsum([0] + [len(c) for c in cuts])[:-1]
    doc = None if len(cuts) == 1 else codes[rows]
    n_cp, first = (lengths[0], firsts[0]) if doc is None else (lengths[doc], firsts[doc])
    inside = end <= n_cp  # past the end: the "end" rule's failure, not this one's
    if not inside.all():
        rows, start, end = rows[inside], start[inside], end[inside]
        first = first if doc is None else first[inside]
    flat = np.concatenate(cuts) if cuts else np.zeros(0, np.int64)
    lo = flat[first + start]
    width = flat[first + end] - lo
    text = np.concatenate([*texts, np.zeros(16, np.uint8)])
    column = pa.array(getattr(quotes, "array", quotes), from_pandas=True)
    ok[rows] = slices_equal(text, lo, width, column, rows)
    return pd.Series(ok, index=doc_ids.index) if hasattr(doc_ids, "index") else ok


def _quote_message(r: Mapping[str, Any], x: RuleContext) -> str:
    assert x.documents is not None
    a, b = r["start"], r["end"]
    found = x.documents[r["document_id"]].text[a:b]
    return f"text[{a}:{b}] is {found[:60]!r}, not the recorded quote {r['quote'][:60]!r}; re-anchor or fix the offsets"


#: The value rules of a mention whose fields have their types (checked first, from :data:`FIELD_TYPES`).
RULES: tuple[Rule, ...] = (
    Rule(
        "status",
        lambda c, x: isin(c["status"], STATUSES),
        lambda r, x: f"{r['status']!r} unknown; use one of {', '.join(STATUSES)}",
    ),
    Rule(
        "origin",
        lambda c, x: isin(c["origin"], ORIGINS),
        lambda r, x: f"{r['origin']!r} unknown; use one of {', '.join(ORIGINS)}",
    ),
    Rule("start", lambda c, x: c["start"] >= 0, lambda r, x: f"{r['start']} is negative"),
    Rule("end", lambda c, x: c["end"] > c["start"], lambda r, x: f"end {r['end']} must be greater than start {r['start']}"),
    *(_code_rule(name) for name in ("issue", "stance", "actor", "target", "intensity")),  # validate_record's order
    Rule(
        "target",
        lambda c, x: (c["actor"] != c["target"]) | each(lambda a: _not_self(a, x.codebook), c["actor"]),
        lambda r, x: f"actor and target are both {r['actor']!r}; only a pair actor (kind: pair) may address itself",
        "codebook",
    ),
    Rule(
        "summit_id",
        lambda c, x: isin(c["summit_id"], x.summits or {}),
        lambda r, x: f"{r['summit_id']!r} is not in summits.yaml",
        "summits",
    ),
    Rule(
        "document_id",
        lambda c, x: isin(c["document_id"], x.documents or {}),
        lambda r, x: f"{r['document_id']!r} is not a known document",
        "documents",
    ),
    Rule(
        "end",
        lambda c, x: _implies(_anchored_in_text(c, x), c["end"] <= each(lambda d: _text_len(d, x), c["document_id"])),
        lambda r, x: f"{r['end']} is past the end of {r['document_id']} ({_text_len(r['document_id'], x)} characters)",
        "documents",
    ),
    Rule(
        "quote",
        lambda c, x: _quotes_ok(c["document_id"], c["start"], c["end"], c["quote"], _anchored_in_text(c, x), x),
        _quote_message,
        "documents",
    ),
)


def _rules_for(ctx: RuleContext, text_rules: bool | None) -> tuple[Rule, ...]:
    """The rules that apply: those whose context part is given, and (``text_rules``) with or without documents."""
    key = (ctx.codebook is None, ctx.summits is None, ctx.documents is None, text_rules)
    rules = _APPLYING.get(key)
    if rules is None:
        rules = _APPLYING[key] = tuple(
            r
            for r in RULES
            if (r.needs is None or getattr(ctx, r.needs) is not None)
            and (text_rules is None or (r.needs == "documents") == text_rules)
        )
    return rules


_APPLYING: dict[tuple[bool, bool, bool, bool | None], tuple[Rule, ...]] = {}


def row_failures(rec: Mapping[str, Any], ctx: RuleContext, *, text_rules: bool | None = None) -> list[tuple[str, str]]:
    """``(field, message)`` for each rule one well-typed record fails.

    ``text_rules`` False leaves out the rules needing documents, True keeps only them (None: all that apply).
    """
    return [(rule.field, rule.message(rec, ctx)) for rule in _rules_for(ctx, text_rules) if not rule.ok(rec, ctx)]


def column_failures(
    frame: Any, ctx: RuleContext, *, text_rules: bool | None = None, codes: Mapping[str, tuple[Any, Any]] | None = None
) -> list[tuple[str, Any]]:
    """``(field, failing)`` for each rule some row of ``frame`` (a DataFrame, one row a record) fails.

    ``failing`` is a boolean array over the rows; rules every row passes are left out. ``codes``
    may give columns of ``frame`` already numbered (``pandas.factorize``'s codes and distinct values,
    as :func:`toolkit.records.textbytes.dictionary_codes` makes them): the rules then use those.
    """
    given = {id(frame[k].array): (frame[k].array, *pair) for k, pair in (codes or {}).items()}
    token, seen = _GIVEN.set(given), _SEEN.set([])
    try:
        out = []
        for rule in _rules_for(ctx, text_rules):
            bad = ~(rule.ok(frame, ctx).to_numpy(dtype=bool))
            if bad.any():
                out.append((rule.field, bad))
        return out
    finally:
        _SEEN.reset(seen)
        _GIVEN.reset(token)


#: Fields of an event record (``"kind": "event"``; rules in :mod:`toolkit.records.events`).
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
