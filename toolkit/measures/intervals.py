"""Balance scales, intervals and power: the arithmetic under :mod:`toolkit.measures.balance`.

Pure numpy/scipy; nothing here knows about ledgers or summits.

Scales (``research/methods.md``)
--------------------------------
- ``relative``: (G - R) / (G + R) in [-1, 1]; easy to read, saturates at +-1
  on one-sided cells.
- ``logit``: the empirical logit log((G + 0.5) / (R + 0.5)) of Lowe, Benoit,
  Mikhaylov and Laver (2011, *Legislative Studies Quarterly* 36(1)); it does
  not saturate, and 0 still means an even mix.
- ``goldstein``: the mean published Goldstein value of the counted units' event
  types (GDELT's per-code CAMEO table; the ledger's ``goldstein`` column), i.e.
  how intense rather than how lopsided.
- ``score``: the mean signed intensity score of the counted units (the
  codebook's own weight per stance and intensity, negative for grievances; not
  a Goldstein value).

Intervals
---------
- :func:`jeffreys_interval`: quantiles of Beta(G + 0.5, R + 0.5) for the share
  of goodwill p, mapped to the scale (2p - 1, or logit p). Never zero width.
- :func:`cluster_bootstrap`: resample independent clusters (events, documents
  or annotators) within strata (summits), by multinomial draws over clusters of
  identical content, so the cost does not grow with the number of rows.

Power
-----
:func:`events_needed`: independent events per summit for a two-sided test of
two proportions (the usual normal-approximation formula).
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

__all__ = [
    "Scale",
    "SCALES",
    "SCALE_LABELS",
    "relative_balance",
    "empirical_logit",
    "jeffreys_interval",
    "share_to_scale",
    "cluster_bootstrap",
    "percentiles",
    "events_needed",
    "detectable_shift",
]

Scale = Literal["relative", "logit", "goldstein", "score"]
SCALES: tuple[str, ...] = get_args(Scale)
#: How each scale is named on tables and chart axes.
SCALE_LABELS: dict[str, str] = {
    "relative": "relative balance (G − R)/(G + R)",
    "logit": "empirical logit log((G + 0.5)/(R + 0.5))",
    "goldstein": "mean published Goldstein value",
    "score": "mean intensity score (codebook weights)",
}


def relative_balance(g, r) -> np.ndarray:
    """(G - R) / (G + R); NaN where G + R == 0 (no evidence is not an even balance)."""
    g = np.asarray(g, dtype=float)
    r = np.asarray(r, dtype=float)
    total = g + r
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (g - r) / total, np.nan)


def empirical_logit(g, r) -> np.ndarray:
    """log((G + 0.5) / (R + 0.5)) (Lowe et al. 2011); NaN where G + R == 0."""
    g = np.asarray(g, dtype=float)
    r = np.asarray(r, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(g + r > 0, np.log((g + 0.5) / (r + 0.5)), np.nan)


def share_to_scale(p, scale: str) -> np.ndarray:
    """Map a goodwill share p in [0, 1] to the ``relative`` (2p - 1) or ``logit`` (log p/(1-p)) scale."""
    p = np.asarray(p, dtype=float)
    if scale == "relative":
        return 2.0 * p - 1.0
    if scale == "logit":
        with np.errstate(divide="ignore"):
            return np.log(p) - np.log1p(-p)
    raise ValueError(f"scale {scale!r} has no share form; use 'relative' or 'logit'")


def jeffreys_interval(g, r, level: float = 0.95, scale: str = "relative") -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed Jeffreys interval for the goodwill share, on a balance scale.

    Parameters
    ----------
    g, r : array-like of float
        Goodwill and grievance counts (or effective counts) per cell.
    level : float
        Coverage, e.g. 0.95.
    scale : {"relative", "logit"}
        Where to report it: 2p - 1 or logit p.

    Returns
    -------
    (low, high) : arrays
        The (1 - level)/2 and (1 + level)/2 quantiles of Beta(G + 0.5, R + 0.5),
        mapped to the scale; NaN where G + R == 0. For G = 3, R = 0 at 95% the
        share interval is [0.4644, 0.9998], so the relative interval is
        [-0.071, 0.9997]: one-sided, but not zero width.
    """
    # the beta quantile straight from scipy.special (what scipy.stats' beta.ppf calls, bit for bit): importing
    # scipy.stats costs about 1.4 s of CPU in every process that draws an interval
    from scipy.special import betaincinv

    if not 0 < level < 1:
        raise ValueError(f"level {level!r} must lie between 0 and 1")
    g = np.asarray(g, dtype=float)
    r = np.asarray(r, dtype=float)
    empty = (g + r) <= 0
    a = (1 - level) / 2
    lo = betaincinv(g + 0.5, r + 0.5, a)
    hi = betaincinv(g + 0.5, r + 0.5, 1 - a)
    lo, hi = share_to_scale(lo, scale), share_to_scale(hi, scale)
    return np.where(empty, np.nan, lo), np.where(empty, np.nan, hi)


def cluster_bootstrap(
    stratum: np.ndarray,
    cluster: np.ndarray,
    cell: np.ndarray,
    values: np.ndarray,
    n_cells: int,
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Resampled per-cell sums, drawing clusters with replacement within each stratum.

    Parameters
    ----------
    stratum, cluster, cell : int arrays, one entry per row
        The stratum (e.g. summit) and cluster (event, document or annotator)
        of each row, and the output cell it adds to. A cluster belongs to one
        stratum.
    values : float array, shape (n_rows, k)
        What each row adds (e.g. goodwill weight, grievance weight).
    n_cells, n_boot : int
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (n_boot, n_cells, k)
        Each stratum keeps its number of clusters; clusters of identical
        content (same cells, same values) are pooled and drawn as one
        multinomial, so a million one-row events cost no more than a few
        hundred distinct ones.
    """
    import pandas as pd

    k = values.shape[1]
    out = np.zeros((n_boot, n_cells, k))
    if len(cell) == 0:
        return out
    if pd.Index(cluster).is_unique:  # one row per cluster (events, rows): no grouping needed
        _draw_single(np.asarray(stratum), np.asarray(cell), np.asarray(values, dtype=np.float64), out, rng)
        return out
    vcols = [f"v{j}" for j in range(k)]
    frame = pd.DataFrame({"s": stratum, "c": cluster, "cell": cell, **{v: values[:, j] for j, v in enumerate(vcols)}})
    # what each cluster adds to each cell
    per = frame.groupby(["s", "c", "cell"], sort=True)[vcols].sum().reset_index()
    if per.groupby(["s", "c"], sort=False).size().eq(1).all():
        _draw_single(per["s"].to_numpy(), per["cell"].to_numpy(), per[vcols].to_numpy(dtype=np.float64), out, rng)
    else:
        _draw_dense(per, vcols, out, n_boot, rng)
    return out


def _cluster_types(stratum: np.ndarray, cell: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (stratum, cell, values) of the clusters, sorted in that order, and how many clusters share each."""
    import pandas as pd

    from toolkit.measures.grid import first_positions

    key = np.zeros(len(cell), dtype=np.int64)
    size = 1
    for column in (stratum, cell, *values.T):
        codes, uniques = pd.factorize(column)
        if size * len(uniques) >= 2**62:  # keep the combined key within int64
            key, kept = pd.factorize(key)
            size = len(kept)
        key = key * len(uniques) + codes
        size *= len(uniques)
    codes, uniques = pd.factorize(key)
    first = first_positions(codes, len(uniques))
    table = np.column_stack([stratum[first], cell[first], values[first]]).astype(np.float64)
    order = np.lexsort(table.T[::-1])
    return table[order], np.bincount(codes, minlength=len(uniques))[order]


def _draw_single(stratum: np.ndarray, cell: np.ndarray, values: np.ndarray, out: np.ndarray, rng: np.random.Generator) -> None:
    """Every cluster adds to one cell: draw the strata's cluster types as one broadcast multinomial."""
    from scipy import sparse

    n_boot, n_cells, k = out.shape
    types, count = _cluster_types(stratum, cell, values)
    s_code = np.unique(types[:, 0], return_inverse=True)[1].reshape(-1)
    n_s = int(s_code.max()) + 1
    starts = np.searchsorted(s_code, np.arange(n_s))
    pos = np.arange(len(types)) - starts[s_code]
    t_max = int(pos.max()) + 1
    counts = np.zeros((n_s, t_max))
    counts[s_code, pos] = count
    totals = counts.sum(axis=1)
    probs = counts / totals[:, None]
    # slot (stratum, type) -> (cell, value column): what one drawn cluster of that type adds
    slot = np.repeat(s_code * t_max + pos, k)
    target = (types[:, 1].astype(np.int64)[:, None] * k + np.arange(k)).reshape(-1)
    adds = sparse.csr_matrix((types[:, 2:].reshape(-1), (target, slot)), shape=(n_cells * k, n_s * t_max))
    for b0 in range(0, n_boot, 100):
        b1 = min(n_boot, b0 + 100)
        picks = rng.multinomial(totals.astype(np.int64), probs, size=(b1 - b0, n_s)).astype(np.float64)
        out[b0:b1] += (adds @ picks.reshape(b1 - b0, -1).T).T.reshape(b1 - b0, n_cells, k)


def _draw_dense(per, vcols, out, n_boot, rng) -> None:
    """Clusters spanning several cells (documents, annotators): dense cluster x cell content per stratum."""
    import pandas as pd

    k = len(vcols)
    for _, grp in per.groupby("s", sort=True):
        cl_code, _ = pd.factorize(grp["c"])
        here, cell_code = np.unique(grp["cell"].to_numpy(dtype=np.int64), return_inverse=True)
        dense = np.zeros((int(cl_code.max()) + 1, len(here) * k))
        for j, v in enumerate(vcols):
            dense[cl_code, cell_code * k + j] = grp[v].to_numpy()
        uniq, cnt = np.unique(dense, axis=0, return_counts=True)
        n_cl = int(cnt.sum())
        for b0 in range(0, n_boot, 200):
            b1 = min(n_boot, b0 + 200)
            picks = rng.multinomial(n_cl, cnt / n_cl, size=b1 - b0).astype(np.float64)
            out[b0:b1][:, here, :] += (picks @ uniq).reshape(b1 - b0, len(here), k)


def percentiles(draws: np.ndarray, q: list[float]) -> np.ndarray:
    """Quantiles ``q`` of each column of ``draws`` (shape (n_draws, n)), ignoring NaN draws; shape (len(q), n).

    Columns without NaN take the one vectorised :func:`numpy.quantile`; only
    the others need :func:`numpy.nanquantile`, which works column by column.
    """
    out = np.empty((len(q), draws.shape[1]))
    gaps = np.isnan(draws).any(axis=0)
    if not gaps.all():
        out[:, ~gaps] = np.quantile(draws[:, ~gaps], q, axis=0)
    if gaps.any():
        out[:, gaps] = np.nanquantile(draws[:, gaps], q, axis=0)
    return out


def _z(q: float) -> float:
    from scipy.special import ndtri  # the normal quantile (scipy.stats' norm.ppf), without importing scipy.stats

    return float(ndtri(q))


def events_needed(balance_1: float, balance_2: float, *, power: float = 0.8, alpha: float = 0.05) -> int:
    """Independent events per summit needed to tell two relative balances apart.

    Uses n = (z_{1-alpha/2} + z_{power})^2 [p1(1-p1) + p2(1-p2)] / (p1 - p2)^2
    with p = (balance + 1)/2, rounded up. For balances -0.14 and -0.48
    (p = 0.43 and 0.26) at 80% power and alpha 0.05 this gives 119: "about 120".

    Raises
    ------
    ValueError
        If a balance lies outside [-1, 1], the two are equal, or power/alpha
        lie outside (0, 1).
    """
    for name, b in (("balance_1", balance_1), ("balance_2", balance_2)):
        if not -1 <= b <= 1:
            raise ValueError(f"{name} = {b!r} must lie in [-1, 1]")
    if balance_1 == balance_2:
        raise ValueError("the two balances are equal: no number of events can tell them apart")
    for name, v in (("power", power), ("alpha", alpha)):
        if not 0 < v < 1:
            raise ValueError(f"{name} = {v!r} must lie between 0 and 1")
    p1, p2 = (balance_1 + 1) / 2, (balance_2 + 1) / 2
    z = _z(1 - alpha / 2) + _z(power)
    n = z * z * (p1 * (1 - p1) + p2 * (1 - p2)) / (p1 - p2) ** 2
    return int(np.ceil(n - 1e-9))


def detectable_shift(n: int, balance_1: float, *, power: float = 0.8, alpha: float = 0.05, direction: int = -1) -> float:
    """The smallest shift from ``balance_1`` that ``n`` events per summit detect at the given power.

    Solves :func:`events_needed` for the second balance by bisection;
    ``direction`` -1 looks for a move toward grievance, +1 toward goodwill.
    Returns NaN when even the far end of the scale needs more than ``n``.
    """
    if n < 1:
        raise ValueError(f"n = {n!r} must be at least 1")
    end = -1.0 if direction < 0 else 1.0
    if end == balance_1 or events_needed(balance_1, end, power=power, alpha=alpha) > n:
        return float("nan")
    near, far = balance_1, end
    for _ in range(60):
        mid = (near + far) / 2
        if mid != balance_1 and events_needed(balance_1, mid, power=power, alpha=alpha) <= n:
            far = mid
        else:
            near = mid
    return far - balance_1
