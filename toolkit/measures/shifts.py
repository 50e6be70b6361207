"""Shifts in balance between summits, with an interval and the probability that the direction is right.

Each end of a shift is a cell of a balance table (:func:`toolkit.measures.balance.balance_table`),
summarised by its effective counts G*, R* (columns ``g_eff``, ``r_eff``). Its
Jeffreys posterior for the goodwill share is Beta(G* + 0.5, R* + 0.5); the
two ends are independent (different summits), so the shift's posterior is
simulated by drawing both shares and mapping them to the table's scale
(2p - 1, logit p, or for ``goldstein`` the mix of the cell's mean goodwill and
grievance scores). ``p_direction`` is the share of draws whose shift has the
sign of the observed shift (NaN when the observed shift is 0). A shift is
``enough`` evidence only when neither end is ``thin``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import numpy as np
import pandas as pd

__all__ = ["SHIFT_COLUMNS", "shift_table", "posterior_draws"]

#: Columns of :func:`shift_table` (``issue`` and ``issue_label`` only for issue-level tables).
SHIFT_COLUMNS: tuple[str, ...] = (
    "issue",
    "issue_label",
    "from_summit_id",
    "from_label",
    "from_order",
    "to_summit_id",
    "to_label",
    "to_order",
    "from_n",
    "to_n",
    "from_balance",
    "to_balance",
    "shift",
    "shift_low",
    "shift_high",
    "p_direction",
    "enough",
    "scale",
)


def posterior_draws(row: pd.Series, scale: str, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of one cell's balance from its Jeffreys posterior, on ``scale``."""
    p = rng.beta(float(row["g_eff"]) + 0.5, float(row["r_eff"]) + 0.5, size=n_draws)
    if scale == "relative":
        return 2 * p - 1
    if scale == "logit":
        return np.log(p) - np.log1p(-p)
    return float(row["mean_grievance_score"]) + (float(row["mean_goodwill_score"]) - float(row["mean_grievance_score"])) * p


def _pairs(order: list[str], pairs: Iterable[tuple[str, str]] | None) -> list[tuple[str, str]]:
    if pairs is None:
        return list(zip(order[:-1], order[1:]))
    out = []
    for a, b in pairs:
        for s in (a, b):
            if s not in order:
                raise ValueError(f"summit {s!r} is not in the table; use one of {', '.join(order)}")
        out.append((a, b))
    return out


def shift_table(
    table: pd.DataFrame,
    *,
    pairs: Iterable[tuple[str, str]] | None = None,
    level: float = 0.95,
    n_draws: int = 20000,
    seed: int = 0,
) -> pd.DataFrame:
    """Shift between consecutive summits (or chosen pairs), per issue when the table is per issue.

    Parameters
    ----------
    table : pandas.DataFrame
        ``balance_table(..., by="summit")`` or ``by="issue"``.
    pairs : iterable of (from_summit_id, to_summit_id), optional
        Any two summits to compare; default: each summit and the next in date order.
    level : float
        Interval coverage.
    n_draws : int
        Posterior draws per end (seeded: same seed, same table).
    seed : int

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SHIFT_COLUMNS` (without ``issue``/``issue_label`` for a
        summit table): one row per pair (and issue) with evidence at both ends;
        ``shift`` = to - from; ``shift_low``/``shift_high``: equal-tailed
        posterior interval; ``p_direction``: posterior probability that the
        shift has the observed sign; ``enough``: neither end is thin.
    """
    if not 0 < level < 1:
        raise ValueError(f"level {level!r} must lie between 0 and 1")
    if n_draws < 100:
        raise ValueError(f"n_draws={n_draws!r} is too few; use at least 100")
    by_issue = "issue" in table.columns
    order = table.drop_duplicates("summit_id").sort_values("summit_order", kind="stable")["summit_id"].tolist()
    chosen = _pairs(order, pairs)
    scale = str(table["scale"].iloc[0]) if len(table) else "relative"
    rng = np.random.default_rng(seed)
    keys = ["issue", "summit_id"] if by_issue else ["summit_id"]
    cells = table.set_index(keys)
    groups = sorted(table["issue"].dropna().unique().tolist()) if by_issue else [None]
    a = (1 - level) / 2
    rows = []
    for issue in groups:
        for s_from, s_to in chosen:
            key_from: Any = (issue, s_from) if by_issue else s_from
            key_to: Any = (issue, s_to) if by_issue else s_to
            # one summit (x issue) is one row: .loc gives that row as a Series
            f, t = cast(pd.Series, cells.loc[key_from]), cast(pd.Series, cells.loc[key_to])
            if not (np.isfinite(f["balance"]) and np.isfinite(t["balance"])):
                continue
            diff = posterior_draws(t, scale, n_draws, rng) - posterior_draws(f, scale, n_draws, rng)
            shift = float(t["balance"] - f["balance"])
            lo, hi = np.quantile(diff, [a, 1 - a])
            p_dir = float(np.mean(np.sign(diff) == np.sign(shift))) if shift != 0 else np.nan
            rows.append(
                {
                    "issue": issue,
                    "issue_label": f.get("issue_label") if by_issue else None,
                    "from_summit_id": s_from,
                    "from_label": f["summit_label"],
                    "from_order": int(f["summit_order"]),
                    "to_summit_id": s_to,
                    "to_label": t["summit_label"],
                    "to_order": int(t["summit_order"]),
                    "from_n": int(f["n"]),
                    "to_n": int(t["n"]),
                    "from_balance": float(f["balance"]),
                    "to_balance": float(t["balance"]),
                    "shift": shift,
                    "shift_low": float(min(lo, shift)),
                    "shift_high": float(max(hi, shift)),
                    "p_direction": p_dir,
                    "enough": bool(not f["thin"] and not t["thin"]),
                    "scale": scale,
                }
            )
    cols = list(SHIFT_COLUMNS if by_issue else SHIFT_COLUMNS[2:])
    return pd.DataFrame(rows, columns=list(SHIFT_COLUMNS))[cols].reset_index(drop=True)
