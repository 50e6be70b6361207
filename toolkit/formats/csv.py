"""CSV: one annotation a row, and the flat CSV of the ledger.

Import reads a header row and then one span per row. Columns:

* ``start``, ``end`` (code points, end-exclusive) and ``quote`` — required
  (``quote`` is what the offsets are checked against);
* ``document_id`` — unless ``--document`` is given;
* codes either as columns ``issue, stance, actor, target, intensity,
  summit_id`` or as a ``labels`` column (labels separated by ``;``, each
  resolved through the label map or read as native tags);
* optional ``annotator``, ``id``, ``note``, ``created``, ``prefix``, ``suffix``,
  ``status``.

The ledger CSV (and the ledger Parquet file) have the same columns plus
``evidence``; rows whose ``evidence`` is ``brief`` are not spans and are
skipped with a notice, so a ledger export can be imported back.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula (OWASP "CSV
injection"). Both CSV exports therefore write such text cells with a leading
apostrophe (``'=HYPERLINK(...)``), which spreadsheets show as text; a text
cell that already starts with an apostrophe followed by one of those
characters (or another apostrophe) gets one more, so the change can be undone
exactly. :func:`read` undoes it, so re-importing an export restores the
original text. ``raw=True`` (``export --raw``) writes cells unchanged.
"""

from __future__ import annotations

import csv as _csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text
from toolkit.errors import DataError, Problem
from toolkit.formats.common import V2_FIELDS, Candidate, clean_annotator, read_utf8, read_v2
from toolkit.records.record import CODE_FIELDS, CODES, FIELDS

__all__ = [
    "read",
    "write",
    "write_ledger",
    "rows_to_candidates",
    "header_problems",
    "EXPORT_COLUMNS",
    "FORMULA_STARTS",
    "neutralise_cell",
    "restore_cell",
]

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe if a spreadsheet would run it as a formula.

    Only text is changed (numbers such as ``-2.0`` are not formulas). An
    apostrophe already followed by a formula character or another apostrophe
    gets one more apostrophe, so :func:`restore_cell` is an exact inverse.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or (value[0] == "'" and value[1:2] in (*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """Undo :func:`neutralise_cell` on a cell read back from a CSV."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in (*FORMULA_STARTS, "'"):
        return value[1:]
    return value


#: Columns of the annotation CSV export, in order.
EXPORT_COLUMNS: tuple[str, ...] = (*FIELDS, "set", *V2_FIELDS)  # codebook 2.0 last (secondary_issues joined by ";")


def _blank(v: Any) -> bool:
    if type(v) is str:  # nearly every cell: decided before anything slower
        return v == "" or v.isspace()
    if v is None:
        return True
    if isinstance(v, float) and v != v:  # NaN
        return True
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(v, str) and v.strip() == ""


def _blank_cell(v: Any) -> bool:
    """Blank for a cell that may hold a list (Parquet list columns)."""
    if type(v) is str:
        return v == "" or v.isspace()
    if isinstance(v, (list, tuple)) or hasattr(v, "tolist") and not isinstance(v, (int, float)):
        return len(v) == 0 if hasattr(v, "__len__") else False
    return _blank(v)


def _int(v: Any) -> Any:
    """An int from a cell ("12", 12, 12.0); the raw value when it is not one (checked later)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if hasattr(v, "item") and getattr(v, "ndim", None) == 0:  # numpy scalars, never arrays (a list cell stays a list)
        return _int(v.item())
    if isinstance(v, str) and _INT_CELL.fullmatch(v.strip()):
        return int(v.strip())
    return v


def _cell(v: Any) -> Any:
    """A text cell as read (numpy scalars made Python values); a list or mapping is kept, and refused later."""
    if hasattr(v, "item") and getattr(v, "ndim", None) == 0:
        return v.item()
    return v


#: An integer cell: ASCII digits only ('²', '٣' or '５' are digits to str.isdigit, not to us), optional minus.
_INT_CELL = re.compile(r"-?[0-9]{1,18}", re.ASCII)


def rows_to_candidates(
    rows: Iterable[tuple[int, dict]], file: str, *, record_word: str = "line"
) -> tuple[list[Candidate], list[Problem], list[str]]:
    """Turn table rows into candidates.

    Parameters
    ----------
    rows : iterable of (int, dict)
        Row number (a file line for CSV, a 1-based row for Parquet) and the row.
    file : str
        File name used in problems.
    """
    out: list[Candidate] = []
    problems: list[Problem] = []
    notices: list[str] = []
    joint_seen: set = set()
    for n, row in rows:
        if not _blank(row.get("evidence")) and row.get("evidence") != "span":
            notices.append(f"{file}, {record_word} {n}: a {row.get('evidence')} row, not a span; skipped")
            continue
        if str(row.get("joint")).strip().lower() in ("true", "1") and not _blank(row.get("joint_actor")):
            # a ledger row from expanding a joint (pair-actor) record: the record is the pair, once
            key = (row.get("set"), row.get("id"))
            if key in joint_seen:
                continue
            joint_seen.add(key)
            row = {**row, "actor": row["joint_actor"], "target": row["joint_actor"]}
        missing = [k for k in ("start", "end", "quote") if _blank(row.get(k))]
        if missing:
            problems.append(Problem(file, n, missing[0], f"missing; every row needs {', '.join(missing)}"))
            continue
        codes: dict[str, Any] = {}
        for col in CODE_FIELDS:
            if not _blank(row.get(col)):
                codes[col] = _int(row[col]) if col == "intensity" else str(row[col])
        labels: list[str] = []
        if not _blank(row.get("labels")):
            labels = [s.strip() for s in str(row["labels"]).split(";") if s.strip()]
        status = str(row.get("status")) if not _blank(row.get("status")) else "anchored"
        out.append(
            Candidate(
                file=file,
                line=n,
                where=None,
                start=_int(row["start"]),
                end=_int(row["end"]),
                quote=_cell(row["quote"]),
                prefix=None if _blank(row.get("prefix")) else _cell(row["prefix"]),
                suffix=None if _blank(row.get("suffix")) else _cell(row["suffix"]),
                document=None if _blank(row.get("document_id")) else _cell(row["document_id"]),
                labels=labels,
                codes=codes,
                annotator=None if _blank(row.get("annotator")) else clean_annotator(row["annotator"]),
                annotator_source=None if _blank(row.get("annotator")) else str(row["annotator"]),
                id=None if _blank(row.get("id")) else _cell(row["id"]),
                note="" if _blank(row.get("note")) else _cell(row["note"]),
                created=None if _blank(row.get("created")) else _cell(row["created"]),
                status=status,
                extra=read_v2({k: v for k, v in row.items() if not _blank_cell(v)}),
            )
        )
    return out, problems, notices


def header_problems(columns: list[str], file: str, line: int | None, defaults: Iterable[str] = ()) -> list[Problem]:
    """Problems of a table's columns, found once for the header rather than once per row.

    ``start``, ``end`` and ``quote`` are required; each code (stance, issue,
    actor, target, intensity) needs a column unless there is a ``labels``
    column or the label map gives it a default.
    """
    missing = [c for c in ("start", "end", "quote") if c not in columns]
    if missing:
        return [Problem(file, line, missing[0], f"header lacks column(s) {', '.join(missing)}")]
    if "labels" in columns:
        return []
    defaults = set(defaults)
    return [
        Problem(
            file,
            line,
            c,
            f"no '{c}' column, no 'labels' column and no label-map default for it; "
            f"add a '{c}' column (or a 'labels' column with --map)",
        )
        for c in CODES
        if c not in columns and c not in defaults
    ]


def read(path: str | Path, *, defaults: Iterable[str] = ()) -> tuple[list[Candidate], list[Problem], list[str]]:
    """Read an annotation CSV (or a ledger CSV); see the module docstring.

    ``defaults`` names the code fields the label map fills in (they need no column).
    """
    path = Path(path)
    where = str(path)
    text = read_utf8(path)
    reader = _csv.DictReader(io.StringIO(text, newline=""))
    try:
        _ = reader.fieldnames  # reading the header is what may fail
    except _csv.Error as exc:
        raise DataError.at(where, 1, None, f"not readable as CSV ({exc})") from None
    if not reader.fieldnames:
        return [], [Problem(where, 1, None, "empty file; expected a header row")], []
    header = [h.strip() for h in reader.fieldnames]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        return (
            [],
            [
                Problem(
                    where,
                    1,
                    twice[0],
                    f"column {twice[0]!r} appears {header.count(twice[0])} times in the "
                    "header; keep one (the last would silently replace the others)",
                )
            ],
            [],
        )
    reader.fieldnames = header
    bad = header_problems(header, where, 1, defaults)
    if bad:
        return [], bad, []

    def rows():
        prev = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except _csv.Error as exc:
                raise DataError.at(where, prev + 1, None, f"not readable as CSV ({exc})") from None
            first = prev + 1
            prev = reader.line_num
            if None in row:
                yield first, {"__extra__": row[None], **{k: restore_cell(v) for k, v in row.items() if k is not None}}
            else:
                yield first, {k: restore_cell(v) for k, v in row.items()}

    return rows_to_candidates(rows(), where)


def write(records: list[dict], path: str | Path, *, raw: bool = False) -> int:
    """Write annotation records as CSV with :data:`EXPORT_COLUMNS`; returns the row count.

    Text cells are neutralised against formula injection unless ``raw``.
    """
    cell = (lambda v: v) if raw else neutralise_cell
    buf = io.StringIO(newline="")
    # CRLF rows (RFC 4180): the writer quotes a cell holding any line-terminator character, so a note
    # with a lone "\r" is quoted too instead of splitting the row (with "\n" rows it was not).
    w = _csv.DictWriter(buf, fieldnames=list(EXPORT_COLUMNS), extrasaction="ignore", lineterminator="\r\n")
    w.writeheader()
    recs = sorted(records, key=lambda r: (r.get("set") or "", r["document_id"], r["start"], r["end"], r["id"]))
    for r in recs:
        row = {k: r.get(k, "") for k in EXPORT_COLUMNS}
        row["secondary_issues"] = ";".join(r.get("secondary_issues") or [])
        w.writerow({k: cell(v) for k, v in row.items()})
    atomic_write_text(path, buf.getvalue())
    return len(recs)


def write_ledger(ledger, path: str | Path, *, raw: bool = False) -> int:
    """Write a ledger DataFrame (:data:`toolkit.ledger.LEDGER_COLUMNS`) as a flat CSV; returns the row count.

    Dates are written as ISO dates, missing values as empty cells; text cells
    are neutralised against formula injection unless ``raw``.
    """
    df = ledger.copy()
    if "secondary_issues" in df.columns:  # a list per row: one cell, ";"-separated
        df["secondary_issues"] = [";".join(v) if isinstance(v, (list, tuple)) else v for v in df["secondary_issues"]]
    if not raw:
        for col in df.columns:
            if df[col].dtype == object or str(df[col].dtype) in ("string", "str"):
                df[col] = df[col].map(neutralise_cell)
    if "summit_date" in df.columns:
        df["summit_date"] = df["summit_date"].dt.strftime("%Y-%m-%d")
    atomic_write_text(path, df.to_csv(index=False, lineterminator="\r\n"))  # CRLF: see write()
    return len(df)
