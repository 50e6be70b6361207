"""The balance query, written once with Ibis: it runs on DuckDB (files, the Parquet cache) and on BigQuery.

Scope by default: the United States - Russia dyad in both directions (ISO
codes ``USA`` and ``RUS`` as source and target, either way round). Each event
(distinct ``event_id``) is counted once. An event is linked to the summit
whose window (``summits.yaml``: days before and after) holds its day; where
two windows overlap, to the summit nearer in days (the earlier one on a tie),
so no event counts for two summits. The result has one row per summit and
source article (the clusters of the cluster intervals) with the counts of
goodwill, grievance and neutral events, and Goldstein sums;
:func:`toolkit.eventdata.balance.machine_balance` turns it into the balance
table.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["DYAD", "summit_days", "summit_of", "scoped_events", "cluster_counts"]

#: The default dyad (ISO 3166 alpha-3), counted in both directions.
DYAD: tuple[str, str] = ("USA", "RUS")


def summit_days(summits: Mapping[str, Any]) -> list[tuple[_dt.date, _dt.date, str]]:
    """Disjoint day ranges ``(first, last, summit_id)`` covering every summit's window.

    A day in two windows goes to the nearer summit (the earlier on a tie).
    ``summits`` maps id to an object with ``date``, ``window_before`` and
    ``window_after`` (:class:`toolkit.summits.Summit`).
    """
    owner: dict[_dt.date, tuple[int, _dt.date, str]] = {}
    for sid, s in summits.items():
        for k in range(-int(s.window_before), int(s.window_after) + 1):
            day = s.date + _dt.timedelta(days=k)
            key = (abs(k), s.date, sid)
            if day not in owner or key < owner[day]:
                owner[day] = key
    runs: list[tuple[_dt.date, _dt.date, str]] = []
    for day in sorted(owner):
        sid = owner[day][2]
        if runs and runs[-1][2] == sid and runs[-1][1] + _dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day, sid)
        else:
            runs.append((day, day, sid))
    return runs


def summit_of(date: Any, runs: Sequence[tuple[_dt.date, _dt.date, str]]) -> Any:
    """Ibis expression: the summit id whose (disjoint) day range holds ``date``, else NULL."""
    import ibis

    if not runs:
        return ibis.null("string")
    return ibis.cases(*[(date.between(ibis.date(a), ibis.date(b)), sid) for a, b, sid in runs], else_=ibis.null("string"))


def scoped_events(events: Any, summits: Mapping[str, Any], *, dyad: Iterable[str] = DYAD) -> Any:
    """Directed events of the dyad (both directions) inside a summit window, with ``summit_id``; one row per event."""
    import ibis

    a, b = tuple(dyad)
    runs = summit_days(summits)
    if not runs:
        raise ValueError("no summits to link events to")
    first, last = runs[0][0], runs[-1][1]
    src, tgt = events.source_country, events.target_country
    in_dyad = ((src == a) & (tgt == b)) | ((src == b) & (tgt == a))
    near = events.filter(in_dyad, events.date.between(ibis.date(first), ibis.date(last)))
    linked = near.mutate(summit_id=summit_of(near.date, runs)).filter(lambda t: t.summit_id.notnull())
    # one row per event: a repeated event id keeps its smallest day, actors, quad class, article and Goldstein value
    return linked.group_by(["summit_id", "event_id"]).agg(
        date=linked.date.min(),
        source_country=linked.source_country.min(),
        target_country=linked.target_country.min(),
        quad_class=linked.quad_class.min(),
        plover_contexts=linked.plover_contexts.min(),
        goldstein=linked.goldstein.min(),
        source_article=linked.source_article.min(),
        rows=linked.count(),
    )


def cluster_counts(events: Any, summits: Mapping[str, Any], *, dyad: Iterable[str] = DYAD) -> Any:
    """Per summit and source article: events, goodwill, grievance and neutral counts, signed Goldstein sums.

    An event without a source article is its own cluster.
    """
    import ibis

    per_event = scoped_events(events, summits, dyad=dyad)
    q = per_event.quad_class
    good = q.isin([1, 2]).fill_null(False)
    bad = q.isin([3, 4]).fill_null(False)
    cluster = ibis.coalesce(per_event.source_article, ibis.literal("event:") + per_event.event_id)
    keyed = per_event.mutate(cluster=cluster)
    return keyed.group_by(["summit_id", "cluster"]).agg(
        n=keyed.count(),
        rows=keyed.rows.sum(),
        goodwill=good.cast("int64").sum(),
        grievance=bad.cast("int64").sum(),
        neutral=q.isnull().cast("int64").sum(),
        goodwill_score=ibis.ifelse(good, keyed.goldstein.abs(), 0).sum(),
        grievance_score=ibis.ifelse(bad, keyed.goldstein.abs(), 0).sum(),
        scored=keyed.goldstein.notnull().cast("int64").sum(),
    )
