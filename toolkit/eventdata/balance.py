"""Balance of machine-coded events per summit: the same measures as the human-coded tables.

``goodwill`` and ``grievance`` count events (distinct event ids) by quad class
(:mod:`toolkit.eventdata.codes`); neutral events count toward ``n`` (salience)
only. ``balance`` is (G - R) / (G + R), NaN where G + R = 0. Two intervals:
``ci_low``/``ci_high`` the Jeffreys interval (:func:`toolkit.intervals.jeffreys_interval`),
``cl_low``/``cl_high`` a cluster bootstrap whose clusters are source articles
(GDELT's SOURCEURL, ICEWS's Story ID; POLECAT names no article, so each of its
events is its own cluster), drawn within each summit
(:func:`toolkit.intervals.cluster_bootstrap`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from toolkit.eventdata.query import DYAD, cluster_counts
from toolkit.measures.intervals import cluster_bootstrap, jeffreys_interval, percentiles, relative_balance

__all__ = ["BALANCE_COLUMNS", "balance_from_clusters", "machine_balance"]

#: Columns of the machine balance table (one row per summit, in date order).
BALANCE_COLUMNS: tuple[str, ...] = (
    "summit_order",
    "summit_id",
    "summit_label",
    "summit_date",
    "n",
    "rows",
    "goodwill",
    "grievance",
    "neutral",
    "net",
    "balance",
    "ci_low",
    "ci_high",
    "cl_low",
    "cl_high",
    "n_clusters",
    "mean_goodwill_score",
    "mean_grievance_score",
    "shift",
)


def balance_from_clusters(
    clusters: pd.DataFrame,
    summits: Mapping[str, Any],
    *,
    level: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """The balance table (:data:`BALANCE_COLUMNS`) from per-summit, per-article counts (:func:`cluster_counts`).

    Every summit in ``summits`` is listed; one without events has ``n == 0``
    and NaN balance and intervals (no evidence is not an even balance).
    """
    if not 0 < level < 1:
        raise ValueError(f"level {level!r} must lie between 0 and 1")
    if n_boot < 0:
        raise ValueError(f"n_boot {n_boot!r} must be 0 or more")
    order = sorted(summits.values(), key=lambda s: (s.date, s.id))
    ids = [s.id for s in order]
    pos = {sid: i for i, sid in enumerate(ids)}
    cl = clusters[clusters["summit_id"].isin(pos)].copy()
    cell = cl["summit_id"].map(pos).to_numpy(dtype=np.int64)
    cols = ["n", "rows", "goodwill", "grievance", "neutral", "goodwill_score", "grievance_score", "scored"]
    sums = np.zeros((len(ids), len(cols)))
    np.add.at(sums, cell, cl[cols].fillna(0).to_numpy(dtype=float))
    n, rows, g, r, neu, gs, rs, scored = sums.T
    lo, hi = jeffreys_interval(g, r, level=level)
    if n_boot > 0 and len(cl):
        draws = cluster_bootstrap(
            cell, np.arange(len(cl)), cell, cl[["goodwill", "grievance"]].to_numpy(dtype=float), len(ids), n_boot,
            np.random.default_rng(seed),
        )  # fmt: skip
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = relative_balance(draws[:, :, 0], draws[:, :, 1])
        a = (1 - level) / 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a summit without G or R: all draws NaN
            cl_lo, cl_hi = percentiles(rel, [a, 1 - a])
    else:
        cl_lo = cl_hi = np.full(len(ids), np.nan)
    empty = (g + r) == 0
    n_clusters = np.bincount(cell, minlength=len(ids))
    with np.errstate(invalid="ignore", divide="ignore"):
        bal = np.where(empty, np.nan, relative_balance(g, r))
        # mean Goldstein value of the goodwill (grievance) events; NaN where no event carries one
        mean_g = np.where((g > 0) & (scored > 0), gs / np.where(g > 0, g, 1), np.nan)
        mean_r = np.where((r > 0) & (scored > 0), -rs / np.where(r > 0, r, 1), np.nan)
    out = pd.DataFrame(
        {
            "summit_order": range(len(ids)),
            "summit_id": ids,
            "summit_label": [s.label for s in order],
            "summit_date": [pd.Timestamp(s.date) for s in order],
            "n": n.astype(np.int64),
            "rows": rows.astype(np.int64),
            "goodwill": g.astype(np.int64),
            "grievance": r.astype(np.int64),
            "neutral": neu.astype(np.int64),
            "net": (g - r).astype(np.int64),
            "balance": bal,
            "ci_low": lo,
            "ci_high": hi,
            "cl_low": np.where(empty, np.nan, cl_lo),
            "cl_high": np.where(empty, np.nan, cl_hi),
            "n_clusters": n_clusters.astype(np.int64),
            "mean_goodwill_score": mean_g,
            "mean_grievance_score": mean_r,
        }
    )
    out["shift"] = out["balance"].diff()
    return out[list(BALANCE_COLUMNS)]


def machine_balance(
    events: Any,
    summits: Mapping[str, Any],
    *,
    dyad: Iterable[str] = DYAD,
    level: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Run the balance query on an Ibis table of directed events (any backend) and finish it in pandas."""
    clusters = cluster_counts(events, summits, dyad=dyad).execute()
    return balance_from_clusters(clusters, summits, level=level, n_boot=n_boot, seed=seed)
