"""Balance tables: how far each summit (or summit x issue) leans to goodwill or grievance.

Pure functions over the ledger (:func:`toolkit.ledger.build_ledger`); nothing
here draws or imports altair. Definitions (``../shared/DESIGN.md``, "Balance"):

- ``goodwill`` G = sum of weights over goodwill rows, ``grievance`` R = sum over
  grievance rows, with weight ``count`` (1 a row), ``intensity`` (1-3) or
  ``score`` (absolute value of the codebook's Goldstein-style score);
- ``net`` = G - R and ``balance`` = (G - R) / (G + R), in [-1, 1], **NaN for an
  empty cell** (no evidence is not the same as an even balance);
- ``salience`` of an issue at a summit = (G + R) of the issue / (G + R) of the
  summit;
- ``shift`` = balance at a summit minus balance at the previous summit in date
  order (NaN when either is NaN);
- ``ci_low``/``ci_high``: percentile bootstrap interval of the balance. When the
  selected spans come from more than one annotator, annotators are resampled
  (their rows move together); otherwise rows are resampled within each cell.
  Briefs are always resampled as rows within their cell. The bootstrap works on
  each cell's counts per (stance, weight) category, drawn as multinomials, so
  1000 resamples of a million rows cost no more than of a thousand.
- ``thin``: fewer than 3 rows in the cell.
"""
from __future__ import annotations

from typing import Iterable, Literal, get_args

import numpy as np
import pandas as pd

from .errors import ValidationError, Problem

__all__ = [
    "Weight", "WEIGHTS", "Resample", "THIN_BELOW", "SUMMIT_COLUMNS", "ISSUE_COLUMNS", "SHIFT_COLUMNS",
    "filter_ledger", "row_weights", "balance_table", "shift_table", "summarize",
]

Weight = Literal["count", "intensity", "score"]
WEIGHTS: tuple[str, ...] = get_args(Weight)
Resample = Literal["auto", "annotators", "rows"]
Level = Literal["summit", "issue"]
#: A cell with fewer rows than this is flagged ``thin``.
THIN_BELOW = 3

_SUMMIT_KEYS = ["summit_order", "summit_id", "summit_label", "summit_date", "summit_format"]
_MEASURES = ["n", "n_goodwill", "n_grievance", "goodwill", "grievance", "net", "total", "balance",
             "ci_low", "ci_high", "thin", "prev_summit_id", "shift"]
#: Columns of ``balance_table(..., by="summit")``.
SUMMIT_COLUMNS: tuple[str, ...] = tuple(_SUMMIT_KEYS + _MEASURES + ["weight"])
#: Columns of ``balance_table(..., by="issue")``.
ISSUE_COLUMNS: tuple[str, ...] = tuple(_SUMMIT_KEYS + ["issue", "issue_label"] + _MEASURES[:10]
                                       + ["salience"] + _MEASURES[10:] + ["weight"])
#: Columns of :func:`shift_table`.
SHIFT_COLUMNS: tuple[str, ...] = ("issue", "issue_label", "from_summit_id", "from_label", "from_order",
                                  "to_summit_id", "to_label", "to_order", "from_balance", "to_balance", "shift")


def _as_set(value: "str | Iterable[str] | None") -> "set[str] | None":
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value)


def filter_ledger(ledger: pd.DataFrame, *, actor: "str | Iterable[str] | None" = None,
                  target: "str | Iterable[str] | None" = None, issue: "str | Iterable[str] | None" = None,
                  evidence: "Literal['span', 'brief'] | Iterable[str] | None" = None,
                  annotators: "str | Iterable[str] | None" = None, sets: "str | Iterable[str] | None" = None,
                  anchored_only: bool = True, **document: "str | Iterable[str] | None") -> pd.DataFrame:
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
    if actor is None and target is None and issue is None and evidence is None and annotators is None \
            and sets is None and not document and not (anchored_only and "status" in ledger):
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
    raise ValidationError(Problem("<balance_table>", None, "weight",
                                  f"{weight!r} is not a weight; use one of {', '.join(WEIGHTS)}"))


def _codes(values: pd.Series, categories) -> np.ndarray:
    """Integer position of each value in ``categories`` (-1 when absent), without per-row Python work."""
    codes, uniques = pd.factorize(values)
    lookup = pd.Index(list(categories)).get_indexer(pd.Index(uniques))
    lookup = np.append(lookup, -1).astype(np.int64)   # code -1 (missing) -> -1
    return lookup[codes]


def _summit_frame(ledger: pd.DataFrame, summits) -> pd.DataFrame:
    """Summits to report on, in date order, with order/label/date/format."""
    if summits is not None:
        if isinstance(summits, dict):
            rows = [{"summit_id": s.id, "summit_label": s.label, "summit_date": pd.Timestamp(s.date),
                     "summit_format": s.format} for s in summits.values()]
        else:
            sf = pd.DataFrame(summits)
            rows = [{"summit_id": r["summit_id"], "summit_label": r["label"], "summit_date": pd.Timestamp(r["date"]),
                     "summit_format": r["format"]} for _, r in sf.iterrows()]
        frame = pd.DataFrame(rows, columns=["summit_id", "summit_label", "summit_date", "summit_format"])
    else:
        frame = (ledger[["summit_id", "summit_label", "summit_date", "summit_format"]]
                 .drop_duplicates("summit_id"))
        frame = frame[frame["summit_id"].notna()]
    frame = frame.sort_values(["summit_date", "summit_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "summit_order", np.arange(len(frame), dtype="int64"))
    frame["summit_date"] = pd.to_datetime(frame["summit_date"])
    return frame


def _bootstrap_sums(cell, sign, w, cluster, n_cells, n_boot, rng, chunk=100):
    """Like :func:`_bootstrap` but return (G, R) resampled sums, each (n_boot, n_cells)."""
    g_out = np.zeros((n_boot, n_cells))
    r_out = np.zeros((n_boot, n_cells))
    if len(cell) == 0:
        return g_out, r_out
    if cluster is None:
        signed = sign * w
        cats, cat_code = np.unique(signed, return_inverse=True)
        k = len(cats)
        counts = np.bincount(cell * k + cat_code, minlength=n_cells * k).reshape(n_cells, k)
        n = counts.sum(axis=1)
        p = np.divide(counts, np.maximum(n, 1)[:, None])
        p[n == 0] = 0.0
        p[n == 0, 0] = 1.0
        gw = np.where(cats > 0, cats, 0.0)
        gr = np.where(cats < 0, -cats, 0.0)
        for b0 in range(0, n_boot, chunk):
            b1 = min(n_boot, b0 + chunk)
            draws = rng.multinomial(n, p, size=(b1 - b0, n_cells)).astype(np.float64)
            g_out[b0:b1] = draws @ gw
            r_out[b0:b1] = draws @ gr
        return g_out, r_out
    n_clusters = int(cluster.max()) + 1
    idx = cluster * n_cells + cell
    g_ac = np.bincount(idx, weights=np.where(sign > 0, w, 0.0), minlength=n_clusters * n_cells)
    r_ac = np.bincount(idx, weights=np.where(sign < 0, w, 0.0), minlength=n_clusters * n_cells)
    picks = rng.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters), size=n_boot).astype(np.float64)
    g_out[:] = picks @ g_ac.reshape(n_clusters, n_cells)
    r_out[:] = picks @ r_ac.reshape(n_clusters, n_cells)
    return g_out, r_out


def balance_table(ledger: pd.DataFrame, *, by: Level = "summit", weight: Weight = "count",
                  actor: "str | Iterable[str] | None" = None, target: "str | Iterable[str] | None" = None,
                  issue: "str | Iterable[str] | None" = None,
                  evidence: "Literal['span', 'brief'] | Iterable[str] | None" = None,
                  annotators: "str | Iterable[str] | None" = None, sets: "str | Iterable[str] | None" = None,
                  summits=None, n_boot: int = 1000, level: float = 0.95, seed: int = 0,
                  resample: Resample = "auto") -> pd.DataFrame:
    """Goodwill, grievance, net, balance, its bootstrap interval and shift, per summit or summit x issue.

    Parameters
    ----------
    ledger : pandas.DataFrame
        A ledger (:data:`toolkit.ledger.LEDGER_COLUMNS`).
    by : {"summit", "issue"}
        One row per summit, or one per summit x issue.
    weight : {"count", "intensity", "score"}
        See :func:`row_weights`.
    actor, target, issue, evidence, annotators, sets
        Filters, see :func:`filter_ledger`. The table still lists every summit
        (and, with ``by="issue"``, every issue that passes the ``issue``
        filter) of the unfiltered ledger, so an emptied cell shows as
        ``n == 0`` with a NaN balance rather than disappearing.
    summits : dict of str to Summit or DataFrame, optional
        The summits to list (e.g. all of ``summits.yaml``, including those with
        no rows); by default the summits present in ``ledger``.
    n_boot : int, default 1000
        Bootstrap resamples; 0 skips the intervals (``ci_low``/``ci_high`` NaN).
    level : float, default 0.95
        Interval coverage.
    seed : int, default 0
        Seed of the ``numpy.random.Generator``: same seed, same intervals.
    resample : {"auto", "annotators", "rows"}
        ``auto`` resamples annotators when the selected spans come from more
        than one annotator, else rows.

    Returns
    -------
    pandas.DataFrame
        ``by="summit"``: columns :data:`SUMMIT_COLUMNS`, one row per summit in
        date order. ``by="issue"``: columns :data:`ISSUE_COLUMNS`, one row per
        summit x issue, summits in date order, issues alphabetical.

        ``n``, ``n_goodwill``, ``n_grievance``: rows; ``goodwill``,
        ``grievance``: weighted sums G, R; ``net`` = G - R; ``total`` = G + R;
        ``balance`` = (G - R)/(G + R), NaN when empty; ``ci_low``, ``ci_high``:
        bootstrap interval; ``salience`` (issue level) = issue total / summit
        total; ``thin``: fewer than 3 rows; ``prev_summit_id`` and ``shift`` =
        balance minus the balance at the previous summit (date order);
        ``weight``: the weight used.
    """
    if by not in ("summit", "issue"):
        raise ValidationError(Problem("<balance_table>", None, "by", f"{by!r} unknown; use 'summit' or 'issue'"))
    if resample not in get_args(Resample):
        raise ValidationError(Problem("<balance_table>", None, "resample",
                                      f"{resample!r} unknown; use one of {', '.join(get_args(Resample))}"))
    if not 0 < level < 1:
        raise ValidationError(Problem("<balance_table>", None, "level", f"{level!r} must lie between 0 and 1"))
    row_weights(ledger.iloc[:0], weight)  # validates the name early
    frame = _summit_frame(ledger, summits)
    rows = filter_ledger(ledger, actor=actor, target=target, issue=issue, evidence=evidence,
                         annotators=annotators, sets=sets)
    n_summits = len(frame)
    s_code = _codes(rows["summit_id"], frame["summit_id"])
    if by == "issue":
        wanted = _as_set(issue)
        all_issues = ledger["issue"].dropna().unique().tolist()
        issues = sorted(i for i in all_issues if wanted is None or i in wanted)
        labels = (ledger.dropna(subset=["issue"]).drop_duplicates("issue").set_index("issue")["issue_label"])
        i_code = _codes(rows["issue"], issues)
        n_issues = len(issues)
        keep = (s_code >= 0) & (i_code >= 0)
        cell = s_code * n_issues + i_code
        n_cells = n_summits * n_issues
    else:
        issues, n_issues = [], 1
        keep = s_code >= 0
        cell = s_code
        n_cells = n_summits
    if not keep.all():  # rows about summits (or issues) outside the table
        rows, cell, s_code = rows[keep], cell[keep], s_code[keep]

    w = row_weights(rows, weight)
    sign = np.where(rows["stance"].eq("goodwill").to_numpy(dtype=bool, na_value=False), 1.0,
                    np.where(rows["stance"].eq("grievance").to_numpy(dtype=bool, na_value=False), -1.0, 0.0))
    good = sign > 0
    bad = sign < 0
    n = np.bincount(cell, minlength=n_cells)
    n_g = np.bincount(cell[good], minlength=n_cells)
    n_r = np.bincount(cell[bad], minlength=n_cells)
    G = np.bincount(cell, weights=np.where(good, w, 0.0), minlength=n_cells)
    R = np.bincount(cell, weights=np.where(bad, w, 0.0), minlength=n_cells)
    total = G + R
    with np.errstate(invalid="ignore", divide="ignore"):
        bal = np.where(total > 0, (G - R) / total, np.nan)

    ci_low = np.full(n_cells, np.nan)
    ci_high = np.full(n_cells, np.nan)
    if n_boot > 0 and len(rows):
        rng = np.random.default_rng(seed)
        is_span = rows["evidence"].eq("span").to_numpy(dtype=bool, na_value=False)
        span_annotators = rows.loc[is_span, "annotator"].nunique()
        by_annotator = resample == "annotators" or (resample == "auto" and span_annotators > 1)
        g_b = np.zeros((n_boot, n_cells))
        r_b = np.zeros((n_boot, n_cells))
        if by_annotator:
            codes = pd.factorize(rows.loc[is_span, "annotator"], sort=True)[0].astype(np.int64)
            parts = [(is_span, codes), (~is_span, None)]
        else:
            parts = [(np.ones(len(rows), dtype=bool), None)]
        for part, cluster in parts:
            if part.any():
                g_p, r_p = _bootstrap_sums(cell[part], sign[part], w[part], cluster, n_cells, n_boot, rng)
                g_b += g_p
                r_b += r_p
        with np.errstate(invalid="ignore", divide="ignore"):
            boots = (g_b - r_b) / (g_b + r_b)
        alpha = (1 - level) / 2
        has = np.isfinite(boots).any(axis=0) & (n > 0)
        if has.any():
            q = np.nanquantile(boots[:, has], [alpha, 1 - alpha], axis=0)
            ci_low[has], ci_high[has] = q[0], q[1]

    if by == "issue":
        out = frame.loc[np.repeat(np.arange(n_summits), n_issues)].reset_index(drop=True)
        out["issue"] = np.tile(np.array(issues, dtype=object), n_summits)
        out["issue_label"] = out["issue"].map(labels)
    else:
        out = frame.copy()
    out["n"] = n.astype("int64")
    out["n_goodwill"] = n_g.astype("int64")
    out["n_grievance"] = n_r.astype("int64")
    out["goodwill"] = G
    out["grievance"] = R
    out["net"] = G - R
    out["total"] = total
    out["balance"] = bal
    out["ci_low"] = ci_low
    out["ci_high"] = ci_high
    if by == "issue":
        summit_total = np.bincount(s_code, weights=np.where(good | bad, w, 0.0), minlength=n_summits)
        st = np.repeat(summit_total, n_issues)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["salience"] = np.where(st > 0, total / st, np.nan)
    out["thin"] = out["n"] < THIN_BELOW
    # shift: the previous summit in date order (per issue at the issue level)
    prev_ids = np.array([None] + frame["summit_id"].tolist()[:-1], dtype=object)
    bal_grid = bal.reshape(n_summits, n_issues)
    prev_grid = np.vstack([np.full((1, n_issues), np.nan), bal_grid[:-1]]) if n_summits else bal_grid
    out["prev_summit_id"] = np.repeat(prev_ids, n_issues) if n_summits else []
    out["shift"] = (bal_grid - prev_grid).reshape(-1)
    out["weight"] = weight
    cols = ISSUE_COLUMNS if by == "issue" else SUMMIT_COLUMNS
    return out[list(cols)]


def shift_table(issue_table: pd.DataFrame) -> pd.DataFrame:
    """Balance changes between consecutive summits, per issue (for a slope chart).

    Parameters
    ----------
    issue_table : pandas.DataFrame
        ``balance_table(ledger, by="issue")``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SHIFT_COLUMNS`: one row per issue and pair of
        consecutive summits (date order) where the issue has a balance at both;
        ``shift`` = ``to_balance - from_balance``. Sorted by issue, then date.
    """
    t = issue_table.sort_values(["issue", "summit_order"], kind="stable")
    prev = t.groupby("issue", sort=False).shift(1)
    out = pd.DataFrame({
        "issue": t["issue"], "issue_label": t["issue_label"],
        "from_summit_id": prev["summit_id"], "from_label": prev["summit_label"], "from_order": prev["summit_order"],
        "to_summit_id": t["summit_id"], "to_label": t["summit_label"], "to_order": t["summit_order"],
        "from_balance": prev["balance"], "to_balance": t["balance"],
    })
    out = out[out["from_summit_id"].notna() & out["from_balance"].notna() & out["to_balance"].notna()]
    out = out.assign(shift=out["to_balance"] - out["from_balance"], from_order=out["from_order"].astype("int64"))
    return out[list(SHIFT_COLUMNS)].reset_index(drop=True)


def summarize(annotations: "Iterable[dict]") -> pd.DataFrame:
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
