"""Balance tables: how far each summit (or summit x issue) leans to goodwill or grievance.

Pure functions over the ledger (:func:`toolkit.ledger.build_ledger`); nothing
here draws or imports altair. Definitions (docs/balance.md):

- rows are first turned into **units** (:func:`toolkit.measures.units.count_units`):
  events by default (mentions of one act count once), or mentions;
- ``goodwill`` G and ``grievance`` R = sums of the unit weights, with weight
  ``count`` (1 a unit), ``intensity`` (1-3), ``score`` (absolute intensity
  score, the codebook's weight) or ``goldstein`` (absolute published Goldstein
  value of the event type); ``agenda`` units count only toward ``salience``;
- ``balance`` on the chosen ``scale`` (:mod:`toolkit.measures.intervals`): ``relative``
  (G - R)/(G + R), ``logit`` log((G + 0.5)/(R + 0.5)), ``goldstein`` (mean
  Goldstein value) or ``score`` (mean intensity score); **NaN for an empty cell** (no evidence is not an even balance);
- ``ci_low``/``ci_high``: the Jeffreys interval (default; never zero width) or
  a cluster bootstrap (``interval="bootstrap"``, see :mod:`toolkit.measures.units` for
  the clusters);
- ``thin``: the 95% Jeffreys interval on the relative scale is wider than
  :data:`THIN_WIDTH` (half the scale): the cell cannot tell a clear lean from
  its opposite. One-sided cells of 3 units or fewer and even cells of 12 or
  fewer are thin;
- ``salience`` of an issue at a summit = its weight (agenda included) over the
  summit's; ``shift`` = balance minus the balance at the previous summit
  (:mod:`toolkit.measures.shifts` adds intervals).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from toolkit.ledger.selection import SCOPES, WEIGHTS, Scope, Weight, as_set, filter_ledger, in_scope, row_weights, summarize
from toolkit.measures.grid import (
    GOODWILL,
    GRIEVANCE,
    OTHER,
    REQUIRED_COLUMNS,
    check_ledger,
    check_options,
    distinct,
    issue_axis,
    stance_codes,
    summit_axis,
)
from toolkit.measures.intervals import (
    SCALES,
    Scale,
    cluster_bootstrap,
    empirical_logit,
    jeffreys_interval,
    percentiles,
    relative_balance,
)
from toolkit.measures.units import COUNTS, RESAMPLES, Count, Resample, clusters, count_units

__all__ = [
    "Weight",
    "WEIGHTS",
    "Interval",
    "INTERVALS",
    "THIN_WIDTH",
    "SUMMIT_COLUMNS",
    "ISSUE_COLUMNS",
    "filter_ledger",
    "row_weights",
    "balance_table",
    "shift_table",
    "summarize",
    "Resample",
    "Count",
    "Scope",
]

Interval = Literal["jeffreys", "bootstrap"]
INTERVALS: tuple[str, ...] = get_args(Interval)
Level = Literal["summit", "issue"]
#: A cell whose 95% Jeffreys interval (relative scale, width at most 2) is wider than this is ``thin``.
THIN_WIDTH = 1.0

_SUMMIT_KEYS = ["summit_order", "summit_id", "summit_label", "summit_date", "summit_format"]
_COUNTS = ["n", "n_mentions", "n_goodwill", "n_grievance", "n_agenda", "goodwill", "grievance", "net", "total"]
_VALUES = ["balance", "ci_low", "ci_high"]
_TAIL = [
    "g_eff",
    "r_eff",
    "mean_goodwill_score",
    "mean_grievance_score",
    "thin",
    "prev_summit_id",
    "shift",
    "scale",
    "interval",
    "count",
    "weight",
    "scope",
    "clusters",
]
#: Columns of ``balance_table(..., by="summit")``.
SUMMIT_COLUMNS: tuple[str, ...] = tuple(_SUMMIT_KEYS + _COUNTS + _VALUES + _TAIL)
#: Columns of ``balance_table(..., by="issue")``.
ISSUE_COLUMNS: tuple[str, ...] = tuple(_SUMMIT_KEYS + ["issue", "issue_label"] + _COUNTS + _VALUES + ["salience"] + _TAIL)


def _finite(values: np.ndarray, fill: float) -> np.ndarray:
    """``values`` with NaN replaced by ``fill`` (and infinities clipped, as :func:`numpy.nan_to_num`); no copy if all finite."""
    return values if np.isfinite(values).all() else np.nan_to_num(values, nan=fill)


def _on_scale(scale: str, g: np.ndarray, r: np.ndarray, s: np.ndarray, wt: np.ndarray) -> np.ndarray:
    if scale == "relative":
        return relative_balance(g, r)
    if scale == "logit":
        return empirical_logit(g, r)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wt > 0, s / np.where(wt > 0, wt, 1.0), np.nan)


def balance_table(
    ledger: pd.DataFrame,
    *,
    by: Level = "summit",
    weight: Weight = "count",
    scale: Scale = "relative",
    interval: Interval = "jeffreys",
    count: Count = "events",
    actor: str | Iterable[str] | None = None,
    target: str | Iterable[str] | None = None,
    issue: str | Iterable[str] | None = None,
    evidence: Literal["span", "brief"] | Iterable[str] | None = None,
    annotators: str | Iterable[str] | None = None,
    sets: str | Iterable[str] | None = None,
    summits=None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    resample: Resample = "auto",
    scope: Scope = "dyad",
) -> pd.DataFrame:
    """Goodwill, grievance, balance on a stated scale, its interval and shift, per summit or summit x issue.

    Parameters
    ----------
    ledger : pandas.DataFrame
        A ledger (:data:`toolkit.ledger.LEDGER_COLUMNS`; ``event_id``,
        ``document_id``, ``annotator`` and ``evidence`` are used when present).
    by : {"summit", "issue"}
        One row per summit, or one per summit x issue.
    weight : {"count", "intensity", "score", "goldstein"}
        See :func:`row_weights`.
    scale : {"relative", "logit", "goldstein", "score"}
        The balance scale (:data:`toolkit.measures.intervals.SCALE_LABELS`).
    interval : {"jeffreys", "bootstrap"}
        ``jeffreys`` (default): Beta(G* + 0.5, R* + 0.5) quantiles, where G*
        and R* are effective counts (Kish's n for unequal weights; span units
        divided by the number of span annotators, so several coders of one
        text are not counted as several times the evidence). ``bootstrap``:
        cluster bootstrap (see ``resample``).
    count : {"events", "directed", "mentions"}
        What one unit is (:func:`toolkit.measures.units.count_units`): an act (a joint act once), an
        event per direction, or a mention.
    scope : {"dyad", "all"}
        ``dyad`` (default): only rows inside the codebook's pair (the ledger's ``dyad`` column,
        e.g. US<->Russia); ``all``: every target (narrow it with ``target=``). The ``scope``
        column names the dyad, or "all targets".
    actor, target, issue, evidence, annotators, sets
        Filters, see :func:`filter_ledger`. Every summit (and issue) of the
        unfiltered ledger stays listed, an emptied cell as ``n == 0``.
    summits : dict of str to Summit or DataFrame, optional
        The summits to list; by default those in ``ledger``.
    n_boot : int, default 1000
        Bootstrap resamples (``interval="bootstrap"`` only; 0 gives NaN intervals).
    level : float, default 0.95
    seed : int, default 0
    resample : {"auto", "events", "documents", "annotators", "rows"}
        Bootstrap clusters (:func:`toolkit.measures.units.clusters`), drawn within
        each summit (annotators: across summits).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMIT_COLUMNS` or :data:`ISSUE_COLUMNS`, summits in
        date order (issues alphabetical). ``n``: units (events or mentions);
        ``n_mentions``: rows behind them; ``goodwill``/``grievance``: G, R;
        ``net`` = G - R; ``total`` = G + R; ``balance``, ``ci_low``,
        ``ci_high`` on ``scale``; ``g_eff``/``r_eff``: effective counts behind
        the Jeffreys interval; ``mean_goodwill_score``/``mean_grievance_score``:
        weighted mean signed scores (the ledger's overall mean where a cell
        has none); ``thin``: see :data:`THIN_WIDTH`; ``scale``, ``interval``,
        ``count``, ``weight``: what was computed.
    """
    check_options(
        {
            "by": (by, ("summit", "issue")),
            "weight": (weight, WEIGHTS),
            "scale": (scale, SCALES),
            "interval": (interval, INTERVALS),
            "count": (count, COUNTS),
            "resample": (resample, RESAMPLES),
            "scope": (scope, SCOPES),
        },
        n_boot=n_boot,
        level=level,
        seed=seed,
    )
    needs = REQUIRED_COLUMNS + (("summit_label", "summit_date", "summit_format") if summits is None else ())
    needs += (("issue_label",) if by == "issue" else ()) + ((weight,) if weight != "count" else ())
    needs += ("goldstein",) if scale == "goldstein" else ()
    check_ledger(ledger, needs)
    # every key column is read once, over the whole ledger; units are rows of it, found by position
    frame, summit_of = summit_axis(ledger, summits)
    stance_of = stance_codes(ledger["stance"])
    all_w = _finite(row_weights(ledger, weight), 1.0)
    score_column = "goldstein" if scale == "goldstein" else "score"  # the signed weight the mean-score scales average
    all_s = ledger[score_column].astype("float64").to_numpy() if score_column in ledger else np.zeros(len(ledger))
    scoped, scope_label = in_scope(ledger, scope)
    rows = filter_ledger(
        ledger.assign(_ledger_row=np.arange(len(ledger)))[scoped],
        actor=actor,
        target=target,
        issue=issue,
        evidence=evidence,
        annotators=annotators,
        sets=sets,
    )
    units = count_units(rows, count)
    rows_of_units = units["_ledger_row"].to_numpy()
    pos: np.ndarray | slice = rows_of_units
    if len(units) == len(ledger) and np.array_equal(rows_of_units, np.arange(len(ledger))):
        pos = slice(None)  # every row is a unit, in order: views instead of copies
    n_summits = len(frame)
    s_code = summit_of[pos]
    if by == "issue":
        issues, labels, issue_of = issue_axis(ledger, as_set(issue))
        n_issues = len(issues)
        i_code = issue_of[pos]
        keep = (s_code >= 0) & (i_code >= 0)
        cell = s_code * n_issues + i_code
    else:
        issues, n_issues = [], 1
        keep = s_code >= 0
        cell = s_code
    n_cells = n_summits * n_issues
    w, k, score = all_w[pos], stance_of[pos], _finite(all_s[pos], 0.0)
    many_annotators = "annotator" in units and len(distinct(units["annotator"])) > 1
    is_span = (
        units["evidence"].eq("span").to_numpy(dtype=bool, na_value=False)
        if "evidence" in units and (many_annotators or interval == "bootstrap")
        else np.ones(len(units), dtype=bool)  # (only the annotator share and the bootstrap look at it)
    )
    if not keep.all():
        units = units[keep]
        cell, s_code, w, k, score, is_span = (a[keep] for a in (cell, s_code, w, k, score, is_span))
    sided = k != OTHER
    by_stance = cell * 3 + k  # one bincount gives the goodwill, grievance and other sums of every cell

    def split(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(by_stance, weights=weights, minlength=3 * n_cells).reshape(n_cells, 3).T

    def sided_total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=weights if sided.all() else np.where(sided, weights, 0.0), minlength=n_cells)

    n_g, n_r, n_a = split()
    n = n_g + n_r + n_a
    mentions = units["_mentions"].to_numpy()
    n_mentions = n if (mentions == 1).all() else np.bincount(cell, weights=mentions, minlength=n_cells)
    G, R, A = split(w)
    ws = w * score
    S = sided_total(ws)
    bal = _on_scale(scale, G, R, S, G + R)

    # effective counts for the Jeffreys interval; m divides span units among the span annotators
    n_ann = 1
    if many_annotators and is_span.any():
        n_ann = max(1, (units["annotator"] if is_span.all() else units.loc[is_span, "annotator"]).nunique())
    m = np.where(is_span, 1.0 / n_ann, 1.0) if n_ann > 1 else None
    mw_rows = w if m is None else m * w
    mw = sided_total(mw_rows)
    mw2 = sided_total(mw_rows * w)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(mw2 > 0, mw * mw / mw2, 0.0)
        share = np.where(mw > 0, (G if m is None else split(mw_rows)[GOODWILL]) / mw, 0.0)
    g_eff, r_eff = share * n_eff, (1 - share) * n_eff
    # mean signed score per stance: the cell's, else the whole ledger's
    overall = np.full(3, np.nan)  # needed only where a cell has no goodwill (or no grievance)
    with np.errstate(invalid="ignore", divide="ignore"):
        for code, total in ((GOODWILL, G), (GRIEVANCE, R)):
            if (total > 0).all():
                continue
            mask = (stance_of == code) & np.isfinite(all_s)
            if mask.any():
                overall[code] = float((all_w[mask] * all_s[mask]).sum() / all_w[mask].sum())
        by_score = split(ws)
        ms_g = np.where(G > 0, by_score[GOODWILL] / G, overall[GOODWILL])
        ms_r = np.where(R > 0, by_score[GRIEVANCE] / R, overall[GRIEVANCE])

    if interval == "jeffreys":
        if scale in ("goldstein", "score"):
            lo_p, hi_p = jeffreys_interval(g_eff, r_eff, level, "relative")
            lo = ms_r + (ms_g - ms_r) * (lo_p + 1) / 2
            hi = ms_r + (ms_g - ms_r) * (hi_p + 1) / 2
        else:
            lo, hi = jeffreys_interval(g_eff, r_eff, level, scale)
    else:
        values = np.column_stack(
            [
                np.where(k == GOODWILL, w, 0.0),
                np.where(k == GRIEVANCE, w, 0.0),
                np.where(sided, w * score, 0.0),
                np.where(sided, w, 0.0),
            ]
        )
        lo, hi = _bootstrap_interval(units, resample, is_span, s_code, cell, values, n_cells, n, scale, n_boot, level, seed)
    same = interval == "jeffreys" and scale == "relative" and level == 0.95
    rel_lo, rel_hi = (lo, hi) if same else jeffreys_interval(g_eff, r_eff, 0.95, "relative")
    finite = np.isfinite(bal)
    lo = np.where(finite & np.isfinite(lo), np.minimum(lo, bal), lo)  # the point estimate always lies inside
    hi = np.where(finite & np.isfinite(hi), np.maximum(hi, bal), hi)
    thin = ~((rel_hi - rel_lo) <= THIN_WIDTH)

    base = frame.loc[np.repeat(np.arange(n_summits), n_issues)].reset_index(drop=True) if by == "issue" else frame
    data: dict[str, Any] = {c: base[c] for c in frame.columns}
    if by == "issue":
        data["issue"] = pd.Series(np.tile(np.array(issues, dtype=object), n_summits))
        data["issue_label"] = data["issue"].map(labels)
    for name, values in {"n": n, "n_mentions": n_mentions, "n_goodwill": n_g, "n_grievance": n_r, "n_agenda": n_a}.items():
        data[name] = np.asarray(values).astype("int64")
    data.update(goodwill=G, grievance=R, net=G - R, total=G + R, balance=bal, ci_low=lo, ci_high=hi)
    if by == "issue":
        summit_total = np.repeat(np.bincount(s_code, weights=w, minlength=n_summits), n_issues)
        with np.errstate(invalid="ignore", divide="ignore"):
            data["salience"] = np.where(summit_total > 0, (G + R + A) / summit_total, np.nan)
    data.update(g_eff=g_eff, r_eff=r_eff, mean_goodwill_score=ms_g, mean_grievance_score=ms_r, thin=thin)
    prev_ids = np.array([None] + frame["summit_id"].tolist()[:-1], dtype=object)
    grid = bal.reshape(n_summits, n_issues)
    prev = np.vstack([np.full((1, n_issues), np.nan), grid[:-1]]) if n_summits else grid
    data["prev_summit_id"] = np.repeat(prev_ids, n_issues) if n_summits else []
    data["shift"] = (grid - prev).reshape(-1)
    unit_name = {"events": "acts", "directed": "directed events", "mentions": "mentions"}[count]
    used = clusters(units, resample)[0] if interval == "bootstrap" and len(units) else "events"
    data.update(scale=scale, interval=interval, count=count, weight=weight, scope=scope_label)
    data["clusters"] = unit_name if used == "events" else used
    out = pd.DataFrame(data, columns=list(ISSUE_COLUMNS if by == "issue" else SUMMIT_COLUMNS))
    used_sets = sorted(str(v) for v in distinct(units["set"])) if "set" in units else []
    out.attrs.update(
        evidence=evidence if isinstance(evidence, str) or evidence is None else ",".join(evidence),
        evidence_present=tuple(sorted(str(v) for v in distinct(units["evidence"]))) if "evidence" in units else ("span",),
        source="ledger sets: " + (" + ".join(used_sets) or "none"),
    )
    return out


def _bootstrap_interval(
    units: pd.DataFrame,
    resample: Resample,
    is_span: np.ndarray,
    s_code: np.ndarray,
    cell: np.ndarray,
    values: np.ndarray,
    n_cells: int,
    n: np.ndarray,
    scale: str,
    n_boot: int,
    level: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each cell's balance under the cluster bootstrap (NaN where it cannot say)."""
    lo = np.full(n_cells, np.nan)
    hi = np.full(n_cells, np.nan)
    if n_boot == 0 or len(units) == 0:
        return lo, hi
    used, cl = clusters(units, resample)
    strata = np.where(is_span, -1, s_code) if used == "annotators" else s_code
    draws = cluster_bootstrap(strata, cl, cell, values, n_cells, n_boot, np.random.default_rng(seed))
    boots = _on_scale(scale, draws[..., 0], draws[..., 1], draws[..., 2], draws[..., 3])
    has = np.isfinite(boots).any(axis=0) & (n > 0)
    if has.any():
        a = (1 - level) / 2
        lo[has], hi[has] = percentiles(boots[:, has], [a, 1 - a])
    return lo, hi


def shift_table(table: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Shifts with intervals; see :func:`toolkit.measures.shifts.shift_table` (kept here for existing imports)."""
    from toolkit.measures.shifts import shift_table as _shift_table

    return _shift_table(table, **kwargs)
