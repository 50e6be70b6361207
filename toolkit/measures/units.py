"""Counting units: collapse ledger rows (mentions) into events, and label resampling clusters.

Codebook 2.0 links mentions (spans, briefs) to events through an optional
``event_id`` column. Rows sharing ``event_id``, actor and target (and the
summit and issue, so an inconsistently coded event counts in each cell it was
coded in) are one **event**; rows without ``event_id`` are each their own
event. The unit is the **act**: the two directed rows of a joint act (``joint``
True, from one pair-actor record) are one unit under ``count="events"``; the
per-direction count is ``count="directed"``. Every column used here is optional except ``summit_id``, ``issue`` and
``stance``: a ledger without ``event_id`` counts each row once whatever
``count`` says.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import pandas as pd

__all__ = ["Count", "COUNTS", "Resample", "RESAMPLES", "event_keys", "count_units", "clusters"]

Count = Literal["events", "directed", "mentions"]
COUNTS: tuple[str, ...] = get_args(Count)
Resample = Literal["auto", "events", "documents", "annotators", "rows"]
RESAMPLES: tuple[str, ...] = get_args(Resample)
_STANCE_RANK = {"grievance": 0, "goodwill": 1, "agenda": 2}


def event_keys(rows: pd.DataFrame, *, joint_once: bool = True) -> np.ndarray:
    """An integer event key per row: shared by rows of one event, unique for rows without ``event_id``.

    ``joint_once`` (the default) keys by the **act**: rows naming one ``event_id`` are one act
    whatever their direction or target (the two directions of a joint act, one demand addressed to
    two targets), and the two directed rows of a joint record without ``event_id`` are one act.
    Without it, rows are one event only when they also share actor and target.
    """
    n = len(rows)
    if n == 0:
        return np.arange(n, dtype=np.int64)
    if "event_id" in rows.columns:
        eid = rows["event_id"]
        named = eid.notna().to_numpy() & eid.astype(str).ne("").to_numpy()
    else:
        named = np.zeros(n, dtype=bool)
    joint = np.zeros(n, dtype=bool)
    if joint_once and "joint" in rows.columns:
        joint = rows["joint"].fillna(False).astype(bool).to_numpy()
    has = named | joint
    if not has.any():
        return np.arange(n, dtype=np.int64)
    where = [c for c in ("summit_id", "issue") if c in rows.columns]
    if joint_once:
        parts = rows.loc[has, [c for c in ("evidence", "set", "id") if c in rows.columns]].astype(str)
        # "evidence/set/id", joined column-wise (a row-wise join cost 4 ms a call)
        origin = parts.iloc[:, 0].str.cat(parts.iloc[:, 1:], sep="/") if parts.shape[1] else pd.Series("", index=parts.index)
        act = rows.loc[has, "event_id"].astype(str) if "event_id" in rows.columns else origin
        keyed = rows.loc[has, where].astype(str).assign(_act=act.where(named[has], "row:" + origin))
        cols = ["_act", *where]
    else:
        cols = [c for c in ("event_id", "actor", "target") if c in rows.columns] + where
        keyed = rows.loc[has, cols].astype(str)
    codes = keyed.groupby(cols, sort=False).ngroup().to_numpy(dtype=np.int64)
    out = np.empty(n, dtype=np.int64)
    out[has] = codes
    out[~has] = codes.max(initial=-1) + 1 + np.arange(int((~has).sum()), dtype=np.int64)
    return out


def count_units(rows: pd.DataFrame, count: Count = "events") -> pd.DataFrame:
    """The units to count: one row per act (``count="events"``), per event and direction (``"directed"``) or the rows as given (``"mentions"``).

    Returns
    -------
    pandas.DataFrame
        The rows (or one representative row per event), plus ``_event`` (the
        event key) and ``_mentions`` (mentions behind the unit). An event's
        stance is its mentions' most frequent stance (ties: grievance, then
        goodwill, then agenda, so a disputed act is never counted as the
        friendlier reading); its intensity and score are those of its
        strongest mention of that stance.
    """
    if count not in COUNTS:
        raise ValueError(f"count={count!r} is not one of {', '.join(COUNTS)}")
    keys = event_keys(rows, joint_once=count == "events")
    if count == "mentions" or int(keys.max(initial=-1)) + 1 == len(keys):  # keys are 0..k-1: k == n means unique
        return rows.assign(_event=keys, _mentions=1)
    # each event's row is chosen on a frame of the few columns the choice reads; the chosen rows are then
    # taken whole, once (taking all of a ledger's 50 columns at every step cost two thirds of the time)
    pick = pd.DataFrame({"_event": keys, "stance": rows["stance"].to_numpy(), "_pos": np.arange(len(rows))}, index=rows.index)
    pick["_votes"] = pick.groupby(["_event", "stance"], sort=False)["_pos"].transform("size")
    pick["_rank"] = pick["stance"].map(_STANCE_RANK).fillna(3)
    pick["_strength"] = rows["intensity"].astype("float64").fillna(0).to_numpy() if "intensity" in rows else 0.0
    first = pick.sort_values(["_event", "_votes", "_rank", "_strength"], ascending=[True, False, True, False], kind="stable")
    first = first.drop_duplicates("_event", keep="first").sort_index(kind="stable")
    # a joint act's two directed rows are one mention each time it is reported, not two
    reports = pd.DataFrame({"_event": keys, "id": rows["id"].to_numpy()}).drop_duplicates() if "id" in rows else pick[["_event"]]
    mentions = reports.groupby("_event").size()
    chosen = first["_pos"].to_numpy()
    return rows.iloc[chosen].assign(_event=keys[chosen], _mentions=first["_event"].map(mentions).to_numpy())


def clusters(units: pd.DataFrame, resample: Resample) -> tuple[str, np.ndarray]:
    """The bootstrap cluster of each unit, and the scheme actually used.

    ``events``: mentions of one event move together (each event is a cluster);
    ``documents``: the spans of one article move together, and so do the briefs citing one source
    (``source_url``; a brief without one moves alone);
    ``annotators``: the spans of one annotator move together (briefs: by event);
    ``rows``: every row alone (the pre-2.0 behaviour, mentions independent);
    ``auto``: annotators when the spans come from more than one annotator, else events.
    """
    if resample not in RESAMPLES:
        raise ValueError(f"resample={resample!r} is not one of {', '.join(RESAMPLES)}")
    n = len(units)
    is_span = units["evidence"].eq("span").to_numpy(dtype=bool, na_value=False) if "evidence" in units else np.ones(n, dtype=bool)
    if resample == "auto":
        many = "annotator" in units and units.loc[is_span, "annotator"].nunique() > 1
        resample = "annotators" if many else "events"
    event = units["_event"].to_numpy(dtype=np.int64) if "_event" in units else event_keys(units)
    if resample == "rows":
        return resample, np.arange(n, dtype=np.int64)
    if resample == "events":
        return resample, event
    column = "document_id" if resample == "documents" else "annotator"
    if column not in units:
        return resample, event
    values = units[column].where(pd.Series(is_span, index=units.index))
    if resample == "documents" and "source_url" in units:  # briefs citing one source move together
        url = units["source_url"].where(~pd.Series(is_span, index=units.index))
        values = values.where(values.notna(), "url:" + url.astype(str)).where(values.notna() | url.notna())
    codes, _ = pd.factorize(values)
    codes = codes.astype(np.int64)
    base = codes.max(initial=-1) + 1
    return resample, np.where(codes >= 0, codes, base + event)
