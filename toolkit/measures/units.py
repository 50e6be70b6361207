"""Counting units: collapse ledger rows (mentions) into events, and label resampling clusters.

Codebook 2.0 links mentions (spans, briefs) to events through an optional
``event_id`` column. Rows sharing ``event_id``, actor and target (and the
summit and issue, so an inconsistently coded event counts in each cell it was
coded in) are one **event**; rows without ``event_id`` are each their own
event. Every column used here is optional except ``summit_id``, ``issue`` and
``stance``: a ledger without ``event_id`` counts each row once whatever
``count`` says.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import pandas as pd

__all__ = ["Count", "COUNTS", "Resample", "RESAMPLES", "event_keys", "count_units", "clusters"]

Count = Literal["events", "mentions"]
COUNTS: tuple[str, ...] = get_args(Count)
Resample = Literal["auto", "events", "documents", "annotators", "rows"]
RESAMPLES: tuple[str, ...] = get_args(Resample)
_STANCE_RANK = {"grievance": 0, "goodwill": 1, "agenda": 2}


def event_keys(rows: pd.DataFrame) -> np.ndarray:
    """An integer event key per row: shared by rows of one event, unique for rows without ``event_id``."""
    n = len(rows)
    if "event_id" not in rows.columns or n == 0:
        return np.arange(n, dtype=np.int64)
    eid = rows["event_id"]
    has = eid.notna().to_numpy() & eid.astype(str).ne("").to_numpy()
    if not has.any():
        return np.arange(n, dtype=np.int64)
    cols = [c for c in ("event_id", "actor", "target", "summit_id", "issue") if c in rows.columns]
    keyed = rows.loc[has, cols].astype(str)
    codes = keyed.groupby(cols, sort=False).ngroup().to_numpy(dtype=np.int64)
    out = np.empty(n, dtype=np.int64)
    out[has] = codes
    out[~has] = codes.max(initial=-1) + 1 + np.arange(int((~has).sum()), dtype=np.int64)
    return out


def count_units(rows: pd.DataFrame, count: Count = "events") -> pd.DataFrame:
    """The units to count: one row per event (``count="events"``) or the rows as given (``"mentions"``).

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
    keys = event_keys(rows)
    out = rows.assign(_event=keys, _mentions=1)
    if count == "mentions" or int(keys.max(initial=-1)) + 1 == len(keys):  # keys are 0..k-1: k == n means unique
        return out
    tally = out.groupby(["_event", "stance"], sort=False).size().rename("_votes")
    out = out.join(tally, on=["_event", "stance"])
    out["_rank"] = out["stance"].map(_STANCE_RANK).fillna(3)
    strength = out["intensity"].astype("float64").fillna(0) if "intensity" in out else 0.0
    out["_strength"] = strength
    pick = out.sort_values(["_event", "_votes", "_rank", "_strength"], ascending=[True, False, True, False], kind="stable")
    first = pick.drop_duplicates("_event", keep="first")
    mentions = out.groupby("_event").size()
    first = first.assign(_mentions=first["_event"].map(mentions).to_numpy())
    return first.drop(columns=["_votes", "_rank", "_strength"]).sort_index(kind="stable")


def clusters(units: pd.DataFrame, resample: Resample) -> tuple[str, np.ndarray]:
    """The bootstrap cluster of each unit, and the scheme actually used.

    ``events``: mentions of one event move together (each event is a cluster);
    ``documents``: the spans of one article move together, each brief alone;
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
    codes, _ = pd.factorize(values)
    codes = codes.astype(np.int64)
    base = codes.max(initial=-1) + 1
    return resample, np.where(codes >= 0, codes, base + event)
