"""How sure is α? Bootstrap intervals and the chance that α falls below a minimum.

Krippendorff's α is a sample statistic; Hayes and Krippendorff (2007) give a
bootstrap for its distribution, which :func:`bootstrap_alpha` follows:

1. From the reliability data take every pair of values that two coders gave
   the same unit (the pairable values; a unit with ``m_u`` values gives
   ``m_u (m_u - 1) / 2`` pairs), their metric differences δ², the number
   ``n`` of pairable values and the expected disagreement ``D_e`` of the data.
2. For one replicate, draw with replacement, for each unit, as many pairs as
   it holds from *all* pairs, and add up ``2 δ² / (n · D_e · (m_u - 1))``;
   the replicate's α is 1 minus that sum. (With the original pairs instead of
   draws the same sum gives back α exactly.) Replicates below -1 are dropped.
3. The interval is the percentile interval of the replicates; ``q(α_min)`` is
   the share of replicates below ``α_min`` — the probability of failing to
   reach it. The report turns ``1 - q`` into its decision sentence.

``D_e`` stays that of the observed data, as in the published algorithm. When
the coders never disagree (``D_o = 0``) every replicate is 1; that is no
evidence about uncertainty, so :class:`AlphaInterval` then has no interval
(NaN bounds), ``status = "no-disagreement"`` and a sentence saying so. When
α itself is undefined (one value only) the status is ``"undefined"``. When a
variable barely varies (fewer than :data:`MIN_MINORITY` pairable values differ
from its most common value) α rests on a handful of values and swings from 0 to
1 on one coding; the status is then ``"not-estimable"``, with no interval or
probability and the reason. The threshold is this toolkit's rule, after
Krippendorff's advice that a reliability sample must hold enough values of its
rarest category for α to mean anything.

This bootstrap is known to be narrow for small samples (Hughes 2022 proposes a
jackknife); the interval is what the content-analysis literature reports,
not a guarantee.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from toolkit.agreement.coefficients import ALPHA_RELIABLE, ALPHA_TENTATIVE, AgreementError, Level, alpha_from_codes

__all__ = ["AlphaInterval", "bootstrap_alpha", "pair_differences", "MINIMA", "MIN_MINORITY"]

#: The minima whose failure probabilities are always reported.
MINIMA: tuple[float, ...] = (ALPHA_TENTATIVE, ALPHA_RELIABLE)

Status = Literal["ok", "no-disagreement", "not-estimable", "undefined"]
#: Fewest pairable values outside a variable's most common value for α to be estimated.
MIN_MINORITY = 5


@dataclass(frozen=True)
class AlphaInterval:
    """α with its bootstrap interval and failure probabilities.

    Attributes
    ----------
    alpha : float
        The point estimate (NaN when undefined).
    low, high : float
        Percentile interval at ``level``; NaN when ``status`` is not ``"ok"``.
    level : float
        E.g. 0.95.
    q : dict of float to float
        ``q[m]`` = share of replicates with α < m (NaN when not ``"ok"``).
    status : {"ok", "no-disagreement", "undefined"}
    n_boot : int
        Replicates kept.
    n_pairable : int
        Pairable values (``n`` in Krippendorff's notation).
    note : str
        Why there is no interval, when there is none.
    """

    alpha: float
    low: float
    high: float
    level: float
    q: dict[float, float]
    status: Status
    n_boot: int
    n_pairable: int
    note: str = ""
    replicates: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)

    def probability_at_least(self, minimum: float) -> float:
        """P(α ≥ minimum) under the bootstrap distribution (1 - q); NaN without one."""
        if self.status != "ok":
            return float("nan")
        if minimum in self.q:
            return 1.0 - self.q[minimum]
        return float((self.replicates >= minimum).mean())

    def decision(self, minimum: float = ALPHA_RELIABLE) -> str:
        """One sentence a reader can act on, e.g. "reliable at α ≥ 0.8 with probability 0.87"."""
        if self.status == "undefined":
            return f"α undefined: {self.note}"
        if self.status == "not-estimable":
            return f"not estimable: {self.note}"
        if self.status == "no-disagreement":
            return (
                f"no disagreement observed among {self.n_pairable} pairable values (α = 1); the bootstrap cannot "
                "estimate uncertainty from data without disagreement, so no interval or probability is given"
            )
        p = self.probability_at_least(minimum)
        return f"reliable at α ≥ {minimum:g} with probability {p:.2f}"

    def interval_text(self) -> str:
        """``"0.74 [0.57, 0.85]"``, or the point value and why there is no interval."""
        if self.status == "undefined":
            return "undefined"
        if self.status == "not-estimable":
            return f"{self.alpha:.3f} (not estimable: too little variation; no interval)"
        if self.status == "no-disagreement":
            return f"{self.alpha:.3f} (no disagreement observed; no interval)"
        return f"{self.alpha:.3f} [{self.low:.3f}, {self.high:.3f}]"


def _delta2(level: Level, n_values: int, counts: np.ndarray) -> np.ndarray:
    """Metric differences δ²[c, k] between codes c and k (Krippendorff 2011)."""
    idx = np.arange(n_values, dtype=float)
    if level == "nominal":
        return (idx[:, None] != idx[None, :]).astype(float)
    if level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(counts)])
        lo = np.minimum.outer(np.arange(n_values), np.arange(n_values))
        hi = np.maximum.outer(np.arange(n_values), np.arange(n_values))
        between = cum[hi + 1] - cum[lo]
        return (between - (counts[:, None] + counts[None, :]) / 2.0) ** 2
    if level == "interval":
        return (idx[:, None] - idx[None, :]) ** 2
    raise ValueError(f"level {level!r} not supported by the bootstrap; use nominal, ordinal or interval")


def pair_differences(codes: np.ndarray, n_values: int, level: Level) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Every pairable pair of values, its δ², the unit's weight, ``n`` and ``D_e``.

    Parameters
    ----------
    codes : ndarray of int, shape (coders, units)
        -1 = missing (see :func:`toolkit.agreement.alpha_from_codes`).

    Returns
    -------
    delta2 : ndarray, shape (pairs,)
        δ² of each unordered pair of values within a unit.
    unit_of_pair : ndarray of int, shape (pairs,)
        Index (among units with two or more values) of the pair's unit.
    n : int
        Pairable values.
    d_e : float
        Expected disagreement.
    """
    codes = np.asarray(codes, dtype=np.int64)
    present = codes >= 0
    m_u = present.sum(axis=0)
    keep = m_u >= 2
    sub = codes[:, keep]
    counts = np.array([(sub == k).sum() for k in range(n_values)], dtype=float)
    n = int(counts.sum())
    d2 = _delta2(level, n_values, counts)
    d_e = float((counts[:, None] * counts[None, :] * d2).sum() / (n * (n - 1))) if n > 1 else float("nan")
    pairs_c, pairs_k, unit_idx = [], [], []
    for j in range(sub.shape[1]):
        vals = sub[:, j][sub[:, j] >= 0]
        for a in range(len(vals)):
            for b in range(a + 1, len(vals)):
                pairs_c.append(vals[a])
                pairs_k.append(vals[b])
                unit_idx.append(j)
    delta2 = d2[np.array(pairs_c, dtype=np.int64), np.array(pairs_k, dtype=np.int64)] if pairs_c else np.empty(0)
    return delta2, np.array(unit_idx, dtype=np.int64), n, d_e


def bootstrap_alpha(
    codes: np.ndarray,
    n_values: int,
    level: Level = "nominal",
    *,
    n_boot: int = 20_000,
    confidence: float = 0.95,
    minima: Iterable[float] = MINIMA,
    seed: int | None = 0,
    source: str = "reliability data",
) -> AlphaInterval:
    """α with a bootstrap interval (Hayes and Krippendorff 2007; rules in the module docstring).

    Parameters
    ----------
    codes : ndarray of int, shape (coders, units)
        Integer codes into an ordered domain of ``n_values`` values, -1 = missing.
    n_values : int
    level : {"nominal", "ordinal", "interval"}
    n_boot : int
        Replicates (Hayes's macro uses at least 1,000; the default 20,000 makes
        the Monte-Carlo error of q about ±0.006 at most).
    confidence : float
        Two-sided level of the percentile interval, in (0, 1).
    minima : iterable of float
        The α_min whose q is computed; always includes 0.667 and 0.8.
    seed : int or None
        For a reproducible report; None draws fresh randomness.

    Returns
    -------
    AlphaInterval
        Never raises on degenerate data: ``status`` says what happened.

    Raises
    ------
    ValueError
        Bad ``n_boot``, ``confidence`` or ``level``.
    """
    if not isinstance(n_boot, int) or n_boot < 100:
        raise ValueError(f"n_boot must be an int of at least 100, got {n_boot!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if level not in ("nominal", "ordinal", "interval"):
        raise ValueError(f"level {level!r} not supported by the bootstrap; use nominal, ordinal or interval")
    mins = sorted({float(m) for m in minima} | set(MINIMA))
    nan_q = {m: float("nan") for m in mins}
    codes = np.asarray(codes, dtype=np.int64)
    try:
        alpha = alpha_from_codes(codes, n_values, level, source)
    except AgreementError as exc:
        return AlphaInterval(
            float("nan"),
            float("nan"),
            float("nan"),
            confidence,
            nan_q,
            "undefined",
            0,
            int(((codes >= 0).sum(axis=0) >= 2).sum()),
            exc.summary,
        )
    delta2, unit_of_pair, n, d_e = pair_differences(codes, n_values, level)
    if not (delta2 > 0).any():
        return AlphaInterval(
            alpha,
            float("nan"),
            float("nan"),
            confidence,
            nan_q,
            "no-disagreement",
            0,
            n,
            "no pair of coders disagreed on any unit",
        )
    pairable = codes[:, (codes >= 0).sum(axis=0) >= 2]
    values = np.bincount(pairable[pairable >= 0], minlength=n_values)
    minority = int(values.sum() - values.max())
    if minority < MIN_MINORITY:
        note = (
            f"only {minority} of {int(values.sum())} pairable values differ from the most common one; α cannot "
            f"be estimated from so little variation (it needs at least {MIN_MINORITY})"
        )
        return AlphaInterval(alpha, float("nan"), float("nan"), confidence, nan_q, "not-estimable", 0, n, note)
    m_u = (pairable >= 0).sum(axis=0)
    weight = (2.0 / (n * d_e * (m_u - 1)))[unit_of_pair]  # the weight of each draw slot (slots = pairs, by unit)
    rng = np.random.default_rng(seed)
    n_pairs = delta2.size
    out = np.empty(n_boot)
    chunk = max(1, min(n_boot, 4_000_000 // max(n_pairs, 1)))
    for start in range(0, n_boot, chunk):
        k = min(chunk, n_boot - start)
        draws = rng.integers(0, n_pairs, size=(k, n_pairs))
        out[start : start + k] = 1.0 - (delta2[draws] * weight[None, :]).sum(axis=1)
    out = out[out >= -1.0]
    tail = (1.0 - confidence) / 2.0
    low, high = (float(v) for v in np.quantile(out, [tail, 1.0 - tail]))
    q = {m: float((out < m).mean()) for m in mins}
    return AlphaInterval(alpha, low, high, confidence, q, "ok", int(out.size), n, replicates=out)
