"""Human coding beside machine coding: balance side by side, agreement on signs and shifts, and event matches.

- :func:`side_by_side`: one row per summit and source (human, machine) with
  ``n``, ``balance`` and its interval (Jeffreys for both; the machine's
  cluster interval as well).
- :func:`agreement` : per summit, whether the two balances have the same sign,
  and per step from one summit to the next, whether they move the same way.
- :func:`match_table`: a human-coded goodwill or grievance event and a machine
  event **match** when they share the day, the directed dyad and the quad
  class. The human event's quad class is that of the CAMEO code its event
  type carries in the codebook (``event_types``), by the same split as the
  machine data (GDELT's by default); a human event whose type has no CAMEO
  code cannot match. Without a codebook, the side is compared instead
  (cooperation = quad classes 1-2 = goodwill, conflict = 3-4 = grievance).
  Per summit: how many of the human events the machine also has, and how many
  of the machine events a person also coded. Human events dated only to the
  month or year cannot share a day; they are counted in ``human_undated``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["HUMAN_ACTORS", "side_by_side", "agreement", "match_table"]

#: The codebook's actor names -> ISO 3166 alpha-3, as machine-coded datasets name the dyad.
HUMAN_ACTORS: dict[str, str] = {"US": "USA", "Russia": "RUS"}


def side_by_side(human: pd.DataFrame, machine: pd.DataFrame, *, machine_label: str = "machine") -> pd.DataFrame:
    """Long table of the two balance tables: ``summit_order, summit_id, summit_label, coding, n, balance, ci_low, ci_high``.

    ``human`` is :func:`toolkit.balance.balance_table` by summit, ``machine``
    :func:`toolkit.eventdata.balance.machine_balance`; summits of either appear.
    """
    cols = ["summit_id", "summit_label", "summit_date", "n", "balance", "ci_low", "ci_high"]
    h = human[cols].assign(coding="human coding")
    m = machine[cols].assign(coding=machine_label)
    out = pd.concat([h, m], ignore_index=True)
    dates = out.groupby("summit_id")["summit_date"].min().sort_values(kind="stable")
    order = {sid: i for i, sid in enumerate(dates.index)}
    out["summit_order"] = out["summit_id"].map(order).astype(int)
    return out.sort_values(["summit_order", "coding"], kind="stable").reset_index(drop=True)[
        ["summit_order", "summit_id", "summit_label", "coding", "n", "balance", "ci_low", "ci_high"]
    ]


def _sign(x: pd.Series) -> pd.Series:
    return pd.Series(np.sign(x.to_numpy(dtype=float)), index=x.index)


def agreement(human: pd.DataFrame, machine: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per summit: both signs and whether they agree; per shift: both directions and whether they agree.

    Returns the per-summit table (columns ``summit_id, human, machine,
    same_sign, human_shift, machine_shift, same_direction``; NaN where a
    balance is missing) and a summary dict with the shares of agreement over
    the summits (and shifts) where both have a value.
    """
    h = human.set_index("summit_id")["balance"]
    m = machine.set_index("summit_id")["balance"]
    ids = [s for s in human["summit_id"] if s in set(machine["summit_id"])]
    t = pd.DataFrame({"summit_id": ids, "human": h.reindex(ids).to_numpy(), "machine": m.reindex(ids).to_numpy()})
    both = t["human"].notna() & t["machine"].notna()
    t["same_sign"] = np.where(both, _sign(t["human"]) == _sign(t["machine"]), np.nan)
    t["human_shift"] = t["human"].diff()
    t["machine_shift"] = t["machine"].diff()
    shifts = t["human_shift"].notna() & t["machine_shift"].notna()
    t["same_direction"] = np.where(shifts, _sign(t["human_shift"]) == _sign(t["machine_shift"]), np.nan)
    summary = {
        "summits_compared": int(both.sum()),
        "sign_agreement": float(t.loc[both, "same_sign"].mean()) if both.any() else float("nan"),
        "shifts_compared": int(shifts.sum()),
        "direction_agreement": float(t.loc[shifts, "same_direction"].mean()) if shifts.any() else float("nan"),
    }
    return t, summary


def _human_quad(ledger: pd.DataFrame, codebook: Any, split: str) -> pd.Series:
    from toolkit.codebook.published import quad_class

    quads = {}
    for type_id, et in codebook.event_types.items():
        code = getattr(et, "cameo", None)
        if code:
            try:
                quads[type_id] = quad_class(str(code), split=split)
            except Exception:  # noqa: BLE001 - a code the table lacks: no quad class, no match
                continue
    return ledger["event_type"].map(quads)


def _human_events(ledger: pd.DataFrame, actors: Mapping[str, str], codebook: Any, split: str) -> pd.DataFrame:
    rows = ledger[ledger["stance"].isin(["goodwill", "grievance"])].copy()
    rows["source_country"] = rows["actor"].map(actors)
    rows["target_country"] = rows["target"].map(actors)
    rows = rows.dropna(subset=["source_country", "target_country"])
    text = rows["event_date"].astype("string")
    # only events dated to the day can share a day; month- or year-precision dates are counted apart
    rows["day"] = pd.to_datetime(text.where(text.str.len() == 10), format="%Y-%m-%d", errors="coerce")
    if codebook is not None:
        quad = _human_quad(rows, codebook, split)
        rows["match_class"] = ("q" + quad.astype("Int64").astype("string")).astype(object)
    else:
        rows["match_class"] = rows["stance"]
    key = rows["event_id"].where(rows["event_id"].notna(), rows["id"])
    rows["unit"] = key.astype(str)
    return rows.drop_duplicates("unit")[["summit_id", "unit", "day", "source_country", "target_country", "match_class"]]


def match_table(
    ledger: pd.DataFrame,
    machine_events: pd.DataFrame,
    *,
    codebook: Any = None,
    split: str = "gdelt",
    actors: Mapping[str, str] = HUMAN_ACTORS,
) -> pd.DataFrame:
    """Per summit: human events, how many the machine found; machine events, how many a person coded.

    ``machine_events``: one row per machine event with ``summit_id, event_id,
    date, source_country, target_country, quad_class`` (e.g. from
    :func:`toolkit.eventdata.query.scoped_events` joined back to the events).
    """
    human = _human_events(ledger, actors, codebook, split)
    undated = human[human["day"].isna()].groupby("summit_id").size()
    human = human.dropna(subset=["day"])
    mach = machine_events.dropna(subset=["quad_class"]).copy()
    mach["day"] = pd.to_datetime(mach["date"]).dt.normalize()
    q = mach["quad_class"].astype(int)
    mach["match_class"] = ("q" + q.astype(str)) if codebook is not None else np.where(q <= 2, "goodwill", "grievance")
    keys = ["day", "source_country", "target_country", "match_class"]
    mkeys = mach[keys].drop_duplicates().assign(_m=True)
    hkeys = human.dropna(subset=["match_class"])[keys].drop_duplicates().assign(_h=True)
    human = human.merge(mkeys, on=keys, how="left")
    mach = mach.merge(hkeys, on=keys, how="left")
    ids = sorted(set(human["summit_id"]) | set(mach["summit_id"]) | set(undated.index))
    out = pd.DataFrame({"summit_id": ids})
    out["human_events"] = out["summit_id"].map(human.groupby("summit_id").size()).fillna(0).astype(int)
    out["human_undated"] = out["summit_id"].map(undated).fillna(0).astype(int)
    out["found_by_machine"] = (
        out["summit_id"].map(human.groupby("summit_id")["_m"].apply(lambda s: int(s.notna().sum()))).fillna(0).astype(int)
    )
    out["machine_events"] = out["summit_id"].map(mach.groupby("summit_id").size()).fillna(0).astype(int)
    out["coded_by_person"] = (
        out["summit_id"].map(mach.groupby("summit_id")["_h"].apply(lambda s: int(s.notna().sum()))).fillna(0).astype(int)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_found"] = out["found_by_machine"] / out["human_events"].replace(0, np.nan)
        out["share_coded"] = out["coded_by_person"] / out["machine_events"].replace(0, np.nan)
    return out
