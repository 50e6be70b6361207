"""The interval code answers as scipy.stats would, without importing scipy.stats (1.4 s in every process)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from toolkit.measures.intervals import events_needed, jeffreys_interval, share_to_scale


def test_jeffreys_and_the_normal_quantile_equal_scipy_stats_bit_for_bit():
    from scipy.stats import beta, norm

    rng = np.random.default_rng(7)
    g = np.concatenate([np.arange(0, 40, 0.5), rng.uniform(0, 400, 500)])
    r = np.concatenate([np.arange(40, 0, -0.5), rng.uniform(0, 400, 500)])
    lo, hi = jeffreys_interval(g, r, level=0.9, scale="relative")
    assert np.array_equal(lo, share_to_scale(beta.ppf((1 - 0.9) / 2, g + 0.5, r + 0.5), "relative"))
    assert np.array_equal(hi, share_to_scale(beta.ppf(1 - (1 - 0.9) / 2, g + 0.5, r + 0.5), "relative"))
    z = norm.ppf(0.975) + norm.ppf(0.8)
    for b1, b2 in ((-0.14, -0.48), (0.1, 0.3), (-0.9, 0.9)):
        p1, p2 = (b1 + 1) / 2, (b2 + 1) / 2
        n = z * z * (p1 * (1 - p1) + p2 * (1 - p2)) / (p1 - p2) ** 2
        assert events_needed(b1, b2) == int(np.ceil(n - 1e-9))
    assert events_needed(-0.14, -0.48) == 119  # the worked example in its docstring


def test_a_balance_table_does_not_import_scipy_stats():
    code = (
        "import sys\n"
        "from toolkit.measures.intervals import jeffreys_interval, events_needed\n"
        "jeffreys_interval([3], [0]); events_needed(-0.14, -0.48)\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
