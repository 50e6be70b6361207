"""Timing helper shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time in seconds of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def paired_times(base: Callable[[], object], ours: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall times of ``base`` and ``ours``, run in turns (base, ours, base, ours, ...).

    Taking turns lets both sides see the same machine: a load that comes and goes during the run
    slows both, instead of only the side timed while it lasted.
    """
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        for fn, into in ((base, a), (ours, b)):
            t = time.perf_counter()
            fn()
            into.append(time.perf_counter() - t)
    return statistics.median(a), statistics.median(b)
