"""An event's date against its summit: the days a date of some precision may mean, and its phase.

A date is given to the day, the month or the year. Its phase relative to a summit is
``before``, ``at`` or ``after`` the summit day, derived where the date decides it and
stated by the coder where it does not (a month that contains the summit day).
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["PRECISIONS", "PHASES", "date_interval", "derive_phase"]

PRECISIONS: tuple[str, ...] = ("day", "month", "year")
PHASES: tuple[str, ...] = ("before", "at", "after")
_DATE = {"day": re.compile(r"^\d{4}-\d{2}-\d{2}$"), "month": re.compile(r"^\d{4}-\d{2}$"), "year": re.compile(r"^\d{4}$")}


def date_interval(value: str, precision: str) -> tuple[_dt.date, _dt.date]:
    """First and last day that a date of the given precision may mean.

    Raises
    ------
    ValueError
        If ``value`` does not have the form of ``precision`` (YYYY-MM-DD, YYYY-MM, YYYY).
    """
    if precision not in _DATE:
        raise ValueError(f"precision {precision!r} unknown; use one of {', '.join(PRECISIONS)}")
    if not isinstance(value, str) or not _DATE[precision].match(value):
        raise ValueError(
            f"{value!r} is not a {precision} date ({ {'day': 'YYYY-MM-DD', 'month': 'YYYY-MM', 'year': 'YYYY'}[precision] })"
        )
    if precision == "day":
        d = _dt.date.fromisoformat(value)
        return d, d
    if precision == "month":
        y, m = map(int, value.split("-"))
        first = _dt.date(y, m, 1)
        nxt = _dt.date(y + (m == 12), m % 12 + 1, 1)
        return first, nxt - _dt.timedelta(days=1)
    y = int(value)
    return _dt.date(y, 1, 1), _dt.date(y, 12, 31)


def derive_phase(event_date: str, precision: str, summit, stated: str | None = None) -> tuple[str | None, str | None]:
    """The phase of an event relative to its summit, and a problem message (or None).

    Rules: an event whose whole date interval lies before the summit day is
    ``before``; after it, ``after``; a day-precise date on the summit day is
    ``at``. When the interval contains the summit day without being that day,
    the phase must be ``stated`` and the interval must allow it. The interval
    must overlap the summit's window (``window_before`` days before to
    ``window_after`` days after).
    """
    first, last = date_interval(event_date, precision)
    day = summit.date
    lo = day - _dt.timedelta(days=getattr(summit, "window_before", 0))
    hi = day + _dt.timedelta(days=getattr(summit, "window_after", 0))
    if last < lo or first > hi:
        return None, (
            f"dated {event_date} ({precision}), outside the window of {summit.id} "
            f"({lo.isoformat()} to {hi.isoformat()}); link it to another summit or widen the window"
        )
    derived = "before" if last < day else "after" if first > day else "at" if first == last == day else None
    if stated is None:
        if derived is None:
            return None, (
                f"a {precision} date of {event_date} spans the summit day {day.isoformat()}; "
                "state the phase (before, at or after)"
            )
        return derived, None
    if stated not in PHASES:
        return None, f"phase {stated!r} unknown; use one of {', '.join(PHASES)}"
    allowed = {"before": first < day, "after": last > day, "at": first <= day <= last}[stated]
    if (derived is not None and stated != derived) or not allowed:
        return None, f"phase {stated!r} contradicts the date {event_date} ({precision}) and the summit day {day.isoformat()}"
    return stated, None
