"""Balance tables: how far each summit (or summit x issue) leans to goodwill or grievance.

Pure functions over the ledger (:func:`toolkit.ledger.build_ledger`); nothing
here draws or imports altair. Definitions (docs/balance.md):

- rows are first turned into **units** (:func:`toolkit.units.count_units`):
  events by default (mentions of one act count once), or mentions;
- ``goodwill`` G and ``grievance`` R = sums of the unit weights, with weight
  ``count`` (1 a unit), ``intensity`` (1-3) or ``score`` (absolute value of the
  codebook's Goldstein-style score); ``agenda`` units never count toward G or
  R, only toward ``salience``;
- ``balance`` on the chosen ``scale`` (:mod:`toolkit.intervals`): ``relative``
  (G - R)/(G + R), ``logit`` log((G + 0.5)/(R + 0.5)) or ``goldstein`` (mean
  signed score); **NaN for an empty cell** (no evidence is not an even balance);
- ``ci_low``/``ci_high``: the Jeffreys interval (default; never zero width) or
  a cluster bootstrap (``interval="bootstrap"``, see :mod:`toolkit.units` for
  the clusters);
- ``thin``: the 95% Jeffreys interval on the relative scale is wider than
  :data:`THIN_WIDTH` (half the scale): the cell cannot tell a clear lean from
  its opposite. One-sided cells of 3 units or fewer and even cells of 12 or
  fewer are thin;
- ``salience`` of an issue at a summit = its weight (agenda included) over the
  summit's; ``shift`` = balance minus the balance at the previous summit
  (:mod:`toolkit.shifts` adds intervals).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

import numpy as np
import pandas as pd

from .errors import Problem, ValidationError
from .intervals import SCALES, Scale, cluster_bootstrap, empirical_logit, jeffreys_interval, relative_balance
from .units import COUNTS, RESAMPLES, Count, Resample, clusters, count_units

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
]

Weight = Literal["count", "intensity", "score"]
WEIGHTS: tuple[str, ...] = get_args(Weight)
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
]
#: Columns of ``balance_table(..., by="summit")``.
SUMMIT_COLUMNS: tuple[str, ...] = tuple(_SUMMIT_KEYS + _COUNTS + _VALUES + _TAIL)
#: Columns of ``balance_table(..., by="issue")``.
ISSUE_COLUMNS: tuple[str, ...] = tuple(_SUMMIT_KEYS + ["issue", "issue_label"] + _COUNTS + _VALUES + ["salience"] + _TAIL)


def _bad(field: str, message: str) -> ValidationError:
    return ValidationError(Problem("<balance_table>", None, field, message))


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value)


def filter_ledger(
    ledger: pd.DataFrame,
    *,
    actor: str | Iterable[str] | None = None,
    target: str | Iterable[str] | None = None,
    issue: str | Iterable[str] | None = None,
    evidence: Literal["span", "brief"] | Iterable[str] | None = None,
    annotators: str | Iterable[str] | None = None,
    sets: str | Iterable[str] | None = None,
    anchored_only: bool = True,
    **document: str | Iterable[str] | None,
) -> pd.DataFrame:
    """Keep the ledger rows that match every given filter.

    Parameters
    ----------
    ledger : pandas.DataFrame
        Columns :data:`toolkit.ledger.LEDGER_COLUMNS`.
    actor, target, issue : str or iterable of str, optional
        Codes to keep (one, or several); None keeps all.
    evidence : {"span", "brief"} or iterable, optional
        Which evidence to keep; None keeps both.
    annotators : str or iterable of str, optional
        Span annotators to keep. Briefs (annotator ``briefs``) are kept unless
        ``evidence`` drops them.
    sets : str or iterable of str, optional
        Annotation sets to keep; briefs are kept unless ``evidence`` drops them.
    anchored_only : bool, default True
        Drop orphaned annotations (their text no longer matches).
    outlet, country, language, source_kind : str or iterable of str, optional
        Keyword-only document filters (:data:`toolkit.ledger.DOCUMENT_COLUMNS`):
        span rows whose article matches; briefs are kept unless ``evidence``
        drops them.

    Returns
    -------
    pandas.DataFrame
        The matching rows, same columns, original order.
    """
    unknown = set(document) - {"outlet", "country", "language", "source_kind"}
    if unknown:
        raise TypeError(f"filter_ledger() got unexpected keyword argument(s) {', '.join(sorted(unknown))}")
    document = {k: v for k, v in document.items() if v is not None}
    mask = np.ones(len(ledger), dtype=bool)
    if (
        actor is None
        and target is None
        and issue is None
        and evidence is None
        and annotators is None
        and sets is None
        and not document
        and not (anchored_only and "status" in ledger)
    ):
        return ledger
    for col, want in (("actor", actor), ("target", target), ("issue", issue), ("evidence", evidence)):
        chosen = _as_set(want)
        if chosen is not None:
            mask &= ledger[col].isin(chosen).to_numpy()
    is_brief = ledger["evidence"].eq("brief").to_numpy(dtype=bool, na_value=False)
    for col, want in (("annotator", annotators), ("set", sets), *document.items()):
        chosen = _as_set(want)
        if chosen is not None:
            mask &= is_brief | ledger[col].isin(chosen).to_numpy()
    if anchored_only and "status" in ledger:
        mask &= ~ledger["status"].eq("orphaned").to_numpy(dtype=bool, na_value=False)
    return ledger if mask.all() else ledger[mask]


def row_weights(ledger: pd.DataFrame, weight: Weight = "count") -> np.ndarray:
    """The weight of each ledger row.

    Parameters
    ----------
    ledger : pandas.DataFrame
        Needs ``intensity`` for ``weight="intensity"`` and ``score`` for
        ``weight="score"``.
    weight : {"count", "intensity", "score"}
        ``count``: 1 a row; ``intensity``: the 1-3 level; ``score``: the
        absolute Goldstein-style score.

    Returns
    -------
    numpy.ndarray of float, shape (len(ledger),)
    """
    if weight == "count":
        return np.ones(len(ledger))
    if weight == "intensity":
        return ledger["intensity"].astype("float64").to_numpy()
    if weight == "score":
        return np.abs(ledger["score"].astype("float64").to_numpy())
    raise ValidationError(
        Problem("<balance_table>", None, "weight", f"{weight!r} is not a weight; use one of {', '.join(WEIGHTS)}")
    )


def _codes(values: pd.Series, categories) -> np.ndarray:
    """Integer position of each value in ``categories`` (-1 when absent), without per-row Python work."""
    codes, uniques = pd.factorize(values)
    lookup = pd.Index(list(categories)).get_indexer(pd.Index(uniques))
    lookup = np.append(lookup, -1).astype(np.int64)  # code -1 (missing) -> -1
    return lookup[codes]


def _summit_frame(ledger: pd.DataFrame, summits) -> pd.DataFrame:
    """Summits to report on, in date order, with order/label/date/format."""
    if summits is not None:
        if isinstance(summits, dict):
            rows = [
                {"summit_id": s.id, "summit_label": s.label, "summit_date": pd.Timestamp(s.date), "summit_format": s.format}
                for s in summits.values()
            ]
        else:
            sf = pd.DataFrame(summits)
            rows = [
                {
                    "summit_id": r["summit_id"],
                    "summit_label": r["label"],
                    "summit_date": pd.Timestamp(r["date"]),
                    "summit_format": r["format"],
                }
                for _, r in sf.iterrows()
            ]
        frame = pd.DataFrame(rows, columns=["summit_id", "summit_label", "summit_date", "summit_format"])
    else:
        frame = ledger[["summit_id", "summit_label", "summit_date", "summit_format"]].drop_duplicates("summit_id")
        frame = frame[frame["summit_id"].notna()]
    frame = frame.sort_values(["summit_date", "summit_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "summit_order", np.arange(len(frame), dtype="int64"))
    frame["summit_date"] = pd.to_datetime(frame["summit_date"])
    return frame


def _validate(by, weight, scale, interval, count, resample, level) -> None:
    if by not in ("summit", "issue"):
        raise _bad("by", f"{by!r} unknown; use 'summit' or 'issue'")
    for field, value, allowed in (
        ("scale", scale, SCALES),
        ("interval", interval, INTERVALS),
        ("count", count, COUNTS),
        ("resample", resample, RESAMPLES),
    ):
        if value not in allowed:
            raise _bad(field, f"{value!r} unknown; use one of {', '.join(allowed)}")
    if not 0 < level < 1:
        raise _bad("level", f"{level!r} must lie between 0 and 1")


def _stance_mean(
    score_w: np.ndarray, w: np.ndarray, mask: np.ndarray, cell: np.ndarray, n_cells: int, fallback: float
) -> np.ndarray:
    num = np.bincount(cell, weights=np.where(mask, score_w, 0.0), minlength=n_cells)
    den = np.bincount(cell, weights=np.where(mask, w, 0.0), minlength=n_cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, fallback)


def _on_scale(scale: str, g, r, s, wt) -> np.ndarray:
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
) -> pd.DataFrame:
    """Goodwill, grievance, balance on a stated scale, its interval and shift, per summit or summit x issue.

    Parameters
    ----------
    ledger : pandas.DataFrame
        A ledger (:data:`toolkit.ledger.LEDGER_COLUMNS`; ``event_id``,
        ``document_id``, ``annotator`` and ``evidence`` are used when present).
    by : {"summit", "issue"}
        One row per summit, or one per summit x issue.
    weight : {"count", "intensity", "score"}
        See :func:`row_weights`.
    scale : {"relative", "logit", "goldstein"}
        The balance scale (:data:`toolkit.intervals.SCALE_LABELS`).
    interval : {"jeffreys", "bootstrap"}
        ``jeffreys`` (default): Beta(G* + 0.5, R* + 0.5) quantiles, where G*
        and R* are effective counts (Kish's n for unequal weights; span units
        divided by the number of span annotators, so several coders of one
        text are not counted as several times the evidence). ``bootstrap``:
        cluster bootstrap (see ``resample``).
    count : {"events", "mentions"}
        What one unit is (:func:`toolkit.units.count_units`).
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
        Bootstrap clusters (:func:`toolkit.units.clusters`), drawn within
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
    _validate(by, weight, scale, interval, count, resample, level)
    row_weights(ledger.iloc[:0], weight)  # validates the name early
    frame = _summit_frame(ledger, summits)
    rows = filter_ledger(ledger, actor=actor, target=target, issue=issue, evidence=evidence, annotators=annotators, sets=sets)
    units = count_units(rows, count)
    n_summits = len(frame)
    s_code = _codes(units["summit_id"], frame["summit_id"])
    if by == "issue":
        wanted = _as_set(issue)
        issues = sorted(i for i in ledger["issue"].dropna().unique().tolist() if wanted is None or i in wanted)
        labels = ledger.dropna(subset=["issue"]).drop_duplicates("issue").set_index("issue")["issue_label"]
        i_code = _codes(units["issue"], issues)
        n_issues = len(issues)
        keep = (s_code >= 0) & (i_code >= 0)
        cell = s_code * n_issues + i_code
    else:
        issues, n_issues = [], 1
        keep = s_code >= 0
        cell = s_code
    n_cells = n_summits * n_issues
    if not keep.all():
        units, cell, s_code = units[keep], cell[keep], s_code[keep]

    w = np.nan_to_num(row_weights(units, weight), nan=1.0)
    stance = units["stance"]
    good = stance.eq("goodwill").to_numpy(dtype=bool, na_value=False)
    bad = stance.eq("grievance").to_numpy(dtype=bool, na_value=False)
    agenda = ~(good | bad)
    sided = good | bad
    score = np.nan_to_num(units["score"].astype("float64").to_numpy(), nan=0.0) if "score" in units else np.zeros(len(units))
    is_span = (
        units["evidence"].eq("span").to_numpy(dtype=bool, na_value=False)
        if "evidence" in units
        else np.ones(len(units), dtype=bool)
    )

    def total_of(mask, weights=None):
        return np.bincount(cell, weights=np.where(mask, w if weights is None else weights, 0.0), minlength=n_cells)

    n = np.bincount(cell, minlength=n_cells)
    n_mentions = np.bincount(cell, weights=units["_mentions"].to_numpy(dtype=float), minlength=n_cells)
    n_g, n_r, n_a = (np.bincount(cell[m], minlength=n_cells) for m in (good, bad, agenda))
    G, R, A = total_of(good), total_of(bad), total_of(agenda)
    S = total_of(sided, w * score)
    bal = _on_scale(scale, G, R, S, G + R)

    # effective counts for the Jeffreys interval
    n_ann = max(1, units.loc[is_span, "annotator"].nunique()) if "annotator" in units else 1
    m = np.where(is_span, 1.0 / n_ann, 1.0)
    mw = total_of(sided, m * w)
    mw2 = total_of(sided, m * w * w)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(mw2 > 0, mw * mw / mw2, 0.0)
        share = np.where(mw > 0, total_of(good, m * w) / mw, 0.0)
    g_eff, r_eff = share * n_eff, (1 - share) * n_eff
    all_w = np.nan_to_num(row_weights(ledger, weight), nan=1.0)
    all_s = ledger["score"].astype("float64").to_numpy() if "score" in ledger else np.zeros(len(ledger))

    def overall(name):
        mask = ledger["stance"].eq(name).to_numpy(dtype=bool, na_value=False) & np.isfinite(all_s)
        return float((all_w[mask] * all_s[mask]).sum() / all_w[mask].sum()) if mask.any() else np.nan

    ms_g = _stance_mean(w * score, w, good, cell, n_cells, overall("goodwill"))
    ms_r = _stance_mean(w * score, w, bad, cell, n_cells, overall("grievance"))

    if interval == "jeffreys":
        if scale == "goldstein":
            lo_p, hi_p = jeffreys_interval(g_eff, r_eff, level, "relative")
            lo = ms_r + (ms_g - ms_r) * (lo_p + 1) / 2
            hi = ms_r + (ms_g - ms_r) * (hi_p + 1) / 2
        else:
            lo, hi = jeffreys_interval(g_eff, r_eff, level, scale)
    else:
        lo = np.full(n_cells, np.nan)
        hi = np.full(n_cells, np.nan)
        if n_boot > 0 and len(units):
            used, cl = clusters(units, resample)
            strata = np.where(is_span, -1, s_code) if used == "annotators" else s_code
            values = np.column_stack(
                [np.where(good, w, 0.0), np.where(bad, w, 0.0), np.where(sided, w * score, 0.0), np.where(sided, w, 0.0)]
            )
            draws = cluster_bootstrap(strata, cl, cell, values, n_cells, n_boot, np.random.default_rng(seed))
            boots = _on_scale(scale, draws[..., 0], draws[..., 1], draws[..., 2], draws[..., 3])
            has = np.isfinite(boots).any(axis=0) & (n > 0)
            if has.any():
                a = (1 - level) / 2
                q = np.nanquantile(boots[:, has], [a, 1 - a], axis=0)
                lo[has], hi[has] = q[0], q[1]
    finite = np.isfinite(bal)
    lo = np.where(finite & np.isfinite(lo), np.minimum(lo, bal), lo)  # the point estimate always lies inside
    hi = np.where(finite & np.isfinite(hi), np.maximum(hi, bal), hi)
    rel_lo, rel_hi = jeffreys_interval(g_eff, r_eff, 0.95, "relative")
    thin = ~((rel_hi - rel_lo) <= THIN_WIDTH)

    if by == "issue":
        out = frame.loc[np.repeat(np.arange(n_summits), n_issues)].reset_index(drop=True)
        out["issue"] = np.tile(np.array(issues, dtype=object), n_summits)
        out["issue_label"] = out["issue"].map(labels)
    else:
        out = frame.copy()
    cols = {"n": n, "n_mentions": n_mentions, "n_goodwill": n_g, "n_grievance": n_r, "n_agenda": n_a}
    for name, values in cols.items():
        out[name] = np.asarray(values).astype("int64")
    out["goodwill"], out["grievance"], out["net"], out["total"] = G, R, G - R, G + R
    out["balance"], out["ci_low"], out["ci_high"] = bal, lo, hi
    if by == "issue":
        summit_total = np.bincount(s_code, weights=w, minlength=n_summits)
        st = np.repeat(summit_total, n_issues)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["salience"] = np.where(st > 0, (G + R + A) / st, np.nan)
    out["g_eff"], out["r_eff"] = g_eff, r_eff
    out["mean_goodwill_score"], out["mean_grievance_score"] = ms_g, ms_r
    out["thin"] = thin
    prev_ids = np.array([None] + frame["summit_id"].tolist()[:-1], dtype=object)
    grid = bal.reshape(n_summits, n_issues)
    prev = np.vstack([np.full((1, n_issues), np.nan), grid[:-1]]) if n_summits else grid
    out["prev_summit_id"] = np.repeat(prev_ids, n_issues) if n_summits else []
    out["shift"] = (grid - prev).reshape(-1)
    out["scale"], out["interval"], out["count"], out["weight"] = scale, interval, count, weight
    out = out[list(ISSUE_COLUMNS if by == "issue" else SUMMIT_COLUMNS)]
    used_sets = sorted(str(v) for v in units["set"].dropna().unique()) if "set" in units else []
    out.attrs.update(
        evidence=evidence if isinstance(evidence, str) or evidence is None else ",".join(evidence),
        source="ledger sets: " + (" + ".join(used_sets) or "none"),
    )
    return out


def shift_table(table: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Shifts with intervals; see :func:`toolkit.shifts.shift_table` (kept here for existing imports)."""
    from .shifts import shift_table as _shift_table

    return _shift_table(table, **kwargs)


def summarize(annotations: Iterable[dict]) -> pd.DataFrame:
    """Count annotation records by issue and stance (no weights, no summits: a first look at one set).

    Returns
    -------
    pandas.DataFrame
        Columns ``issue, grievance, goodwill[, agenda], total``; one row per
        issue with at least one record, most frequent first (ties by issue
        id). ``agenda`` appears when any record has that stance.
    """
    df = pd.DataFrame(list(annotations), columns=["issue", "stance"])
    stances = ["grievance", "goodwill"] + (["agenda"] if (df["stance"] == "agenda").any() else [])
    cols = ["issue", *stances, "total"]
    if df.empty:
        return pd.DataFrame(columns=cols).astype({c: "int64" for c in cols[1:]})
    table = pd.crosstab(df["issue"], df["stance"]).reindex(columns=stances, fill_value=0)
    table["total"] = table.sum(axis=1)
    table = table.reset_index().rename_axis(columns=None)
    table = table.sort_values(["total", "issue"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return table[cols]
