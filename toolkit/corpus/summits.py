"""The summits table: leader-level meetings, calls and delegation talks."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    import pandas as pd

from toolkit._io import read_yaml
from toolkit.errors import DataError, Problem
from toolkit.ids import ID_PATTERNS, parse_iso_date

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook

__all__ = ["Summit", "SummitFormat", "FORMATS", "load_summits", "summits_frame"]

SummitFormat = Literal["in_person", "video", "phone", "talks"]
FORMATS: tuple[str, ...] = get_args(SummitFormat)
_ID = ID_PATTERNS["summit"]
#: Window (days before, days after) when a summit gives none.
DEFAULT_WINDOW: tuple[int, int] = (30, 30)


@dataclass(frozen=True)
class Summit:
    """One summit: id ``YYYY-MM-DD-slug``, its date, place, format and parties."""

    id: str
    date: _dt.date
    place: str
    format: str
    parties: tuple[str, ...]
    label: str
    leaders: tuple[str, ...] = ()
    summary: str = ""
    sources: tuple[str, ...] = ()
    #: Days before and after the summit day within which an event may be linked to it
    #: (``window: {before: N, after: M}`` in summits.yaml); see :func:`toolkit.records.events.derive_phase`.
    window_before: int = DEFAULT_WINDOW[0]
    window_after: int = DEFAULT_WINDOW[1]


def load_summits(path: str | Path | None = None, codebook: Codebook | None = None) -> dict[str, Summit]:
    """Load and validate ``summits.yaml``.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``summits.yaml`` in the data folder.
    codebook : Codebook, optional
        If given, every party must be one of its actors.

    Returns
    -------
    dict of str to Summit
        In date order.

    Raises
    ------
    DataError
        Naming the record's line and the field for every problem.
    """
    if path is None:
        from toolkit.paths import data_dir

        path = data_dir() / "summits.yaml"
    path = Path(path)
    where = str(path)
    raw = read_yaml(path)
    if not isinstance(raw, list):
        raise DataError.at(path, None, None, "summits.yaml must be a list of summits")
    problems: list[Problem] = []
    out: dict[str, Summit] = {}
    for i, rec in enumerate(raw):
        line = getattr(rec, "line", None) or None
        if not isinstance(rec, dict):
            problems.append(Problem(where, line, f"[{i}]", "each summit must be a mapping"))
            continue
        bad = False
        for key in ("id", "date", "place", "format", "parties", "label"):
            if rec.get(key) in (None, "", []):
                problems.append(Problem(where, line, key, f"missing; every summit needs '{key}'"))
                bad = True
        if bad:
            continue
        for key in ("id", "place", "format", "label", "summary"):
            if key in rec and not isinstance(rec[key], str) and not (key == "summary" and rec[key] is None):
                problems.append(Problem(where, line, key, f"expected text, got {type(rec[key]).__name__}"))
                bad = True
        if bad:
            continue
        sid = str(rec["id"])
        if not _ID.fullmatch(sid):
            problems.append(
                Problem(where, line, "id", f"{sid!r} must look like 2021-06-16-geneva (date, then a lower-case slug)")
            )
        date = parse_iso_date(rec["date"])
        if date is None:
            problems.append(Problem(where, line, "date", f"{rec['date']!r} is not an ISO date (YYYY-MM-DD)"))
            continue
        if _ID.fullmatch(sid) and sid[:10] != date.isoformat():
            problems.append(Problem(where, line, "id", f"id {sid!r} does not start with its date {date.isoformat()}"))
        if rec["format"] not in FORMATS:
            problems.append(Problem(where, line, "format", f"{rec['format']!r} unknown; use one of {', '.join(FORMATS)}"))
        parties = rec["parties"]
        if not isinstance(parties, list) or len(parties) < 2:
            problems.append(Problem(where, line, "parties", "list at least two parties"))
            parties = []
        elif codebook is not None:
            for p in parties:
                if not isinstance(p, str) or p not in codebook.actors:
                    problems.append(Problem(where, line, "parties", f"{p!r} is not an actor in the codebook"))
        sources = rec.get("sources") or []
        if not isinstance(sources, list) or not sources:
            problems.append(Problem(where, line, "sources", "give at least one source URL"))
            sources = []
        for s in sources:
            if not isinstance(s, str) or not s.startswith(("http://", "https://")):
                problems.append(Problem(where, line, "sources", f"{s!r} is not an http(s) URL"))
        if sid in out:
            problems.append(Problem(where, line, "id", f"summit {sid!r} listed twice"))
        days = _window_days(rec.get("window") or {})
        if days is None:
            problems.append(Problem(where, line, "window", "give whole days: window: {before: 30, after: 30}"))
            days = DEFAULT_WINDOW
        before, after = days
        out[sid] = Summit(
            sid,
            date,
            str(rec["place"]),
            str(rec["format"]),
            tuple(map(str, parties)),
            str(rec["label"]),
            tuple(map(str, rec.get("leaders") or ())),
            str(rec.get("summary") or ""),
            tuple(map(str, sources)),
            before,
            after,
        )
    if problems:
        raise DataError(problems)
    return dict(sorted(out.items(), key=lambda kv: (kv[1].date, kv[0])))


def _window_days(window: object) -> tuple[int, int] | None:
    """A summit's ``window`` as (days before, days after), or None unless both are whole days in 0..3660."""
    if not isinstance(window, dict):
        return None
    before, after = window.get("before", DEFAULT_WINDOW[0]), window.get("after", DEFAULT_WINDOW[1])
    if not (_days(before) and _days(after)):
        return None
    return int(before), int(after)


def _days(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3660


def summits_frame(summits: dict[str, Summit]) -> pd.DataFrame:
    """Summits as a table.

    Returns
    -------
    pandas.DataFrame
        Columns ``summit_id, date, label, place, format, parties``; one row a
        summit, in date order, with ``order`` 0..n-1.
    """
    import pandas as pd

    rows = [
        {
            "summit_id": s.id,
            "date": pd.Timestamp(s.date),
            "label": s.label,
            "place": s.place,
            "format": s.format,
            "parties": " – ".join(s.parties),
        }
        for s in summits.values()
    ]
    df = pd.DataFrame(rows, columns=["summit_id", "date", "label", "place", "format", "parties"])
    df = df.sort_values(["date", "summit_id"]).reset_index(drop=True)
    df["order"] = range(len(df))
    return df
