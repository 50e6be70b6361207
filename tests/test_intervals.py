"""Scales, intervals and power against hand-computed and published values (synthetic rows built in the tests)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from toolkit.measures import (
    balance_table,
    cluster_bootstrap,
    detectable_shift,
    empirical_logit,
    events_needed,
    jeffreys_interval,
    relative_balance,
)


def _beta_3p5_0p5_cdf(x: float) -> float:
    """CDF of Beta(3.5, 0.5) by hand: with t = sin^2(u), the integrand becomes 2 sin^6(u), and B(3.5, 0.5) = 5 pi / 16."""
    u = math.asin(math.sqrt(x))
    integral = 5 * u / 16 - 15 * math.sin(2 * u) / 64 + 3 * math.sin(4 * u) / 64 - math.sin(6 * u) / 192
    return 2 * integral / (5 * math.pi / 16)


def _solve(cdf, target: float) -> float:
    lo, hi = 0.0, 1.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < target else (lo, mid)
    return (lo + hi) / 2


def test_jeffreys_one_sided_n3_is_not_zero_width():
    # 3 goodwill, 0 grievance: Beta(3.5, 0.5); quantiles solved from the closed-form CDF above
    p_lo, p_hi = _solve(_beta_3p5_0p5_cdf, 0.025), _solve(_beta_3p5_0p5_cdf, 0.975)
    lo, hi = jeffreys_interval(3, 0)
    assert float(lo) == pytest.approx(2 * p_lo - 1, abs=1e-9)
    assert float(hi) == pytest.approx(2 * p_hi - 1, abs=1e-9)
    assert 2 * p_lo - 1 == pytest.approx(-0.0712, abs=1e-4)  # the share interval is [0.4644, 0.9998]
    assert float(hi - lo) > 1.0  # wide, never zero width
    # the mirror image for 3 grievances
    lo_r, hi_r = jeffreys_interval(0, 3)
    assert (float(lo_r), float(hi_r)) == pytest.approx((-float(hi), -float(lo)))


def test_jeffreys_closed_form_beta_3_1():
    # effective counts G* = 2.5, R* = 0.5 give Beta(3, 1), whose CDF is x^3: quantiles u^(1/3)
    lo, hi = jeffreys_interval(2.5, 0.5, level=0.95)
    assert float(lo) == pytest.approx(2 * 0.025 ** (1 / 3) - 1)
    assert float(hi) == pytest.approx(2 * 0.975 ** (1 / 3) - 1)
    lo_l, hi_l = jeffreys_interval(2.5, 0.5, scale="logit")
    q = 0.025 ** (1 / 3)
    assert float(lo_l) == pytest.approx(math.log(q / (1 - q)))
    assert np.isnan(jeffreys_interval(0, 0)[0])  # no evidence: no interval


def test_scales_by_hand():
    assert relative_balance(3, 1) == pytest.approx(0.5)
    assert empirical_logit(3, 1) == pytest.approx(math.log(3.5 / 1.5))  # Lowe et al. 2011
    assert empirical_logit(0, 3) == pytest.approx(math.log(0.5 / 3.5))
    assert np.isnan(relative_balance(0, 0)) and np.isnan(empirical_logit(0, 0))
    # the logit does not saturate: 3 and 30 one-sided events differ
    assert empirical_logit(0, 30) < empirical_logit(0, 3) < 0


def test_power_reproduces_methods_example():
    # methods.md: balances -0.14 and -0.48 (p = 0.43 and 0.26) need about 120 events per summit at 80% power
    n = events_needed(-0.14, -0.48)
    z = 1.959963984540054 + 0.8416212335729143
    by_hand = z * z * (0.43 * 0.57 + 0.26 * 0.74) / (0.43 - 0.26) ** 2
    assert by_hand == pytest.approx(118.8, abs=0.1)
    assert n == math.ceil(by_hand) == 119
    assert events_needed(-0.14, -0.48, power=0.9) > n
    with pytest.raises(ValueError):
        events_needed(0.2, 0.2)
    with pytest.raises(ValueError):
        events_needed(0.2, 1.5)
    # detectable_shift inverts events_needed
    shift = detectable_shift(119, -0.14)
    assert -0.14 + shift == pytest.approx(-0.48, abs=0.01)
    assert math.isnan(detectable_shift(2, 0.0))


def test_cluster_bootstrap_moves_clusters_together():
    # one stratum, two documents: d1 holds 3 goodwill, d2 1 grievance. Resampling documents gives
    # {d1,d1} (+1, p 1/4), {d2,d2} (-1, p 1/4), {d1,d2} ((3-1)/4 = 0.5, p 1/2): never any other value.
    cell = np.zeros(4, dtype=np.int64)
    stratum = np.zeros(4, dtype=np.int64)
    cluster = np.array([0, 0, 0, 1])
    values = np.array([[1.0, 0], [1, 0], [1, 0], [0, 1]])
    draws = cluster_bootstrap(stratum, cluster, cell, values, 1, 4000, np.random.default_rng(0))
    bal = relative_balance(draws[:, 0, 0], draws[:, 0, 1])
    assert set(np.round(bal, 6)) == {1.0, -1.0, 0.5}
    assert np.mean(bal == 0.5) == pytest.approx(0.5, abs=0.03)
    assert np.mean(bal == 1.0) == pytest.approx(0.25, abs=0.03)


def _rows(stances, **extra):
    base = {
        "evidence": "span",
        "summit_id": "s",
        "summit_date": pd.Timestamp("2021-01-01"),
        "summit_label": "S",
        "summit_format": "video",
        "issue": "x",
        "issue_label": "X",
        "actor": "US",
        "target": "Russia",
        "intensity": 1,
        "score": 0.0,
        "annotator": "a",
        "set": "t",
        "status": "anchored",
    }
    out = []
    for i, s in enumerate(stances):
        r = {**base, "stance": s, "score": 3.5 if s == "goodwill" else -2.0, "document_id": f"d{i % 2}"}
        r.update({k: v[i] for k, v in extra.items()})
        out.append(r)
    df = pd.DataFrame(out)
    df["intensity"] = df["intensity"].astype("Int64")
    return df


def test_bootstrap_percentile_collapses_where_jeffreys_does_not():
    df = _rows(["grievance"] * 3)
    boot = balance_table(df, interval="bootstrap").iloc[0]
    jef = balance_table(df).iloc[0]
    assert boot.ci_low == boot.ci_high == -1.0  # the complaint, reproduced
    assert jef.ci_low == -1.0 and jef.ci_high == pytest.approx(0.0712, abs=1e-4)


def test_score_scale_and_interval():
    df = _rows(["goodwill", "grievance", "grievance", "grievance"])
    t = balance_table(df, scale="score").iloc[0]
    assert t.balance == pytest.approx((3.5 - 2 * 3) / 4)  # mean signed intensity score
    assert t.ci_low < t.balance < t.ci_high
    assert -2.0 <= t.ci_low and t.ci_high <= 3.5  # a mix of the two stances' mean scores
    assert t.scale == "score"


def test_goldstein_scale_averages_the_published_values_not_the_intensity_score():
    df = _rows(["goodwill", "grievance", "grievance", "grievance"], goldstein=[8.0, -4.4, -4.4, -8.0])
    t = balance_table(df, scale="goldstein").iloc[0]
    assert t.balance == pytest.approx((8.0 - 4.4 - 4.4 - 8.0) / 4)
    assert t.scale == "goldstein"
    w = balance_table(df, weight="goldstein").iloc[0]
    assert (w.goodwill, w.grievance) == pytest.approx((8.0, 16.8))
    with pytest.raises(ValueError, match="lacks column\\(s\\) goldstein"):
        balance_table(df.drop(columns=["goldstein"]), scale="goldstein")


def test_cluster_bootstrap_one_row_per_cluster_matches_the_grouped_path():
    """Clusters given as one row each, or split over two rows of half the value, draw the same resamples."""
    from toolkit.measures import cluster_bootstrap

    rng = np.random.default_rng(4)
    n = 300
    stratum = rng.integers(0, 3, n)
    cell = stratum * 2 + rng.integers(0, 2, n)
    values = np.column_stack([rng.integers(0, 3, n), rng.integers(0, 3, n)]).astype(float)
    one = cluster_bootstrap(stratum, np.arange(n), cell, values, 6, 50, np.random.default_rng(9))
    twice = np.concatenate([np.arange(n), np.arange(n)])
    split = cluster_bootstrap(
        np.tile(stratum, 2), twice, np.tile(cell, 2), np.vstack([values / 2, values / 2]), 6, 50, np.random.default_rng(9)
    )
    assert np.array_equal(one, split)
    # every resample keeps each stratum's number of clusters
    counts = cluster_bootstrap(stratum, np.arange(n), cell, np.ones((n, 1)), 6, 50, np.random.default_rng(9))
    per_stratum = counts[:, :, 0].reshape(50, 3, 2).sum(axis=2)
    assert (per_stratum == np.bincount(stratum, minlength=3)).all()
