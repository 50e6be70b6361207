"""Published values for the reliability coefficients added with the reliability report.

- Bootstrap of α: Krippendorff's example data C (4 coders x 12 units, nominal,
  α = 0.743), whose bootstrap by Krippendorff's algorithm with 20,000
  replicates is published in the documentation of the R package ``icr``
  (Staudt): mean 0.721, 95% interval [0.572, 0.850], P(α > 0.9) = 0.003,
  P(α > 0.8) = 0.135, P(α > 0.7) = 0.644, P(α > 0.67) = 0.740,
  P(α > 0.5) = 0.997. Checked within Monte-Carlo tolerance.
- Hayes and Krippendorff (2007, p. 84): 5 observers x 40 units, ordinal
  α = 0.7598, nominal α = 0.4765.
- Unitizing α: Krippendorff (1995, p. 57), four pairs of coders on a
  continuum of 24 (categories A-D). Observed disagreements 0.03125, 2.26736,
  0.02777, 0.38715 exactly. The published α 0.553, -0.926, 0.679, 0.066 are
  values on a continuous line; the toolkit uses the discrete form of
  Krippendorff (2004), which reaches them only when every position is
  stretched (here 50,000-fold), within 0.02 because the published expected
  disagreements of B and C carry a slip. At the example's own length the
  discrete values are 0.515, -1.081, 0.603, -0.207, the same as DKPro
  Agreement's to 8 decimals: see tests/test_unitizing_dkpro.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_agreement import KRIPP_4x12 as KRIPP_C  # Krippendorff's example data C, shared with the α tests

from toolkit.agreement import AgreementError, bootstrap_alpha, krippendorff_alpha, unitizing_alpha, unitizing_category

n = None
# Hayes and Krippendorff (2007), units x observers (obs1..obs5).
HAYES_2007 = [
    [1, 1, 2, n, 2],
    [1, 1, 0, 1, n],
    [2, 3, 3, 3, n],
    [n, 0, 0, n, 0],
    [0, 0, 0, n, 0],
    [0, 0, 0, n, 0],
    [1, 0, 2, n, 1],
    [1, n, 2, 0, n],
    [2, 2, 2, n, 2],
    [2, 1, 1, 1, n],
    [n, 1, 0, 0, n],
    [0, 0, 0, 0, n],
    [1, 2, 2, 2, n],
    [3, 3, 2, 2, 3],
    [1, 1, 1, n, 1],
    [1, 1, 1, n, 1],
    [2, 1, 2, n, 2],
    [1, 2, 3, 3, n],
    [1, 1, 0, 1, n],
    [0, 0, 0, n, 0],
    [0, 0, 1, 1, n],
    [0, 0, n, 0, 0],
    [2, 3, 3, 3, n],
    [0, 0, 0, 0, n],
    [1, 2, n, 2, 2],
    [0, 1, 1, 1, n],
    [0, 0, 0, 1, 0],
    [1, 2, 1, 2, n],
    [1, 1, 2, 2, n],
    [1, 1, 2, n, 2],
    [1, 1, 0, n, 0],
    [2, 1, 2, 1, n],
    [2, 2, n, 2, 2],
    [3, 2, 2, 2, n],
    [2, 2, 2, n, 2],
    [2, 2, 3, n, 2],
    [2, 2, 2, n, 2],
    [2, 2, n, 1, 2],
    [2, 2, 2, 2, n],
    [1, 1, 1, n, 1],
]


def codes_of(rows, offset):
    arr = np.array([[-1 if v is None else v - offset for v in row] for row in rows], dtype=np.int64)
    return arr


def test_hayes_krippendorff_2007_point_values():
    data = np.array([[np.nan if v is None else v for v in row] for row in HAYES_2007], dtype=float).T
    assert krippendorff_alpha(data, "ordinal") == pytest.approx(0.7598, abs=5e-5)
    assert krippendorff_alpha(data, "nominal") == pytest.approx(0.4765, abs=5e-5)


def test_bootstrap_reproduces_the_published_interval_and_failure_probabilities():
    res = bootstrap_alpha(codes_of(KRIPP_C, 1), 5, "nominal", n_boot=20_000, seed=7, minima=(0.9, 0.7, 0.5))
    assert res.status == "ok" and res.alpha == pytest.approx(0.743, abs=5e-4)
    # 20,000 replicates: the standard error of a probability near 0.5 is 0.0035; allow about 4 of them
    assert float(res.replicates.mean()) == pytest.approx(0.721, abs=0.005)
    assert res.low == pytest.approx(0.572, abs=0.015)
    assert res.high == pytest.approx(0.850, abs=0.015)
    reps = res.replicates
    for minimum, published in [(0.9, 0.003), (0.8, 0.135), (0.7, 0.644), (0.67, 0.740), (0.5, 0.997)]:
        assert float((reps > minimum).mean()) == pytest.approx(published, abs=0.015), minimum
    assert res.probability_at_least(0.8) == pytest.approx(0.135, abs=0.015)
    assert res.decision() == f"reliable at α ≥ 0.8 with probability {1 - res.q[0.8]:.2f}"


def test_bootstrap_on_the_original_pairs_gives_alpha_back():
    """The replicate formula with the observed pairs instead of draws is α itself (ordinal, Hayes's data)."""
    from toolkit.agreement import pair_differences

    codes = codes_of(HAYES_2007, 0).T
    delta2, unit_of_pair, n_values, d_e = pair_differences(codes, 4, "ordinal")
    m_u = (codes[:, (codes >= 0).sum(axis=0) >= 2] >= 0).sum(axis=0)
    alpha = 1 - (delta2 * 2 / (n_values * d_e * (m_u[unit_of_pair] - 1))).sum()
    assert alpha == pytest.approx(0.7598, abs=5e-5)
    res = bootstrap_alpha(codes, 4, "ordinal", n_boot=2000, seed=1)
    assert res.low < 0.7598 < res.high and res.high <= 1.0


def test_no_observed_disagreement_gives_no_interval():
    codes = np.array([[0, 1, 1, 0], [0, 1, 1, 0]])
    res = bootstrap_alpha(codes, 2, "nominal", n_boot=1000)
    assert res.status == "no-disagreement" and res.alpha == 1.0
    assert np.isnan(res.low) and np.isnan(res.high) and np.isnan(res.probability_at_least(0.8))
    assert "no disagreement observed" in res.decision() and "no interval" in res.interval_text()


def test_undefined_alpha_is_reported_not_raised():
    res = bootstrap_alpha(np.array([[0, 0], [0, 0]]), 2, "nominal", n_boot=1000)
    assert res.status == "undefined" and np.isnan(res.alpha) and "undefined" in res.decision()


def test_bootstrap_argument_misuse_is_a_value_error():
    with pytest.raises(ValueError):
        bootstrap_alpha(np.zeros((2, 2), dtype=int), 2, "nominal", n_boot=10)
    with pytest.raises(ValueError):
        bootstrap_alpha(np.zeros((2, 2), dtype=int), 2, "ratio")


def krippendorff_1995(stretch: int) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """Krippendorff (1995, p. 57): (begin, length) of each coder's units per category, on a continuum of 24."""
    raw = {
        "A": ([(2, 8), (14, 6)], [(4, 4), (15, 2)]),
        "B": ([(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
        "C": ([(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]),
        "D": ([(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)], [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]),
    }
    return {
        k: {f"coder{i}": [(b * stretch, (b + ln) * stretch) for b, ln in units] for i, units in enumerate(pair)}
        for k, pair in raw.items()
    }


@pytest.mark.parametrize("category, d_o", [("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)])
def test_unitizing_observed_disagreement_krippendorff_1995(category, d_o):
    res = unitizing_category(krippendorff_1995(1)[category], 24, category=category)
    assert res.d_o == pytest.approx(d_o, abs=1e-5)


@pytest.mark.parametrize("category, alpha", [("A", 0.553), ("B", -0.926), ("C", 0.679), ("D", 0.066)])
def test_unitizing_alpha_krippendorff_1995(category, alpha):
    # the published values are the continuous limit; 50,000 positions per unit of the example come close to it
    stretch = 50_000
    res = unitizing_category(krippendorff_1995(stretch)[category], 24 * stretch, category=category)
    assert res.alpha == pytest.approx(alpha, abs=0.02)
    assert res.d_o == pytest.approx(krippendorff_1995_d_o[category], abs=1e-5)


krippendorff_1995_d_o = {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}


def test_unitizing_alpha_pools_categories_and_merges_overlaps():
    spans = [("a", 0, 10, "g"), ("a", 5, 12, "g"), ("b", 0, 12, "g"), ("a", 20, 25, "w"), ("b", 21, 25, "w")]
    rows = unitizing_alpha(spans, 40)
    assert [r.category for r in rows] == ["g", "w", None]
    assert rows[0].merged == 1 and rows[0].d_o == 0.0 and rows[0].alpha == 1.0
    assert rows[1].alpha < 1.0
    assert rows[2].alpha == pytest.approx(1 - (rows[0].d_o + rows[1].d_o) / (rows[0].d_e + rows[1].d_e))


def test_unitizing_degenerate_input():
    with pytest.raises(AgreementError) as info:
        unitizing_category({"a": [(0, 3)]}, 10)
    assert info.value.reason == "too-few-coders"
    with pytest.raises(AgreementError, match="outside the continuum"):
        unitizing_category({"a": [(0, 30)], "b": []}, 10)
    with pytest.raises(ValueError):
        unitizing_category({"a": [], "b": []}, 0)
    assert np.isnan(unitizing_category({"a": [], "b": []}, 10).alpha)
