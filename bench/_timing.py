"""Timing helper shared by the benchmark scripts."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time in seconds of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


@dataclass(frozen=True)
class Paired:
    """Per-call times of two functions run in turns: wall seconds and the kernel's CPU seconds (page faults, ...)."""

    base_wall: list[float]
    ours_wall: list[float]
    base_kernel: list[float]
    ours_kernel: list[float]

    def medians(self) -> tuple[float, float]:
        """Median wall times of ``base`` and ``ours``."""
        return statistics.median(self.base_wall), statistics.median(self.ours_wall)

    def kernel_note(self) -> str:
        """The kernel's share, for a table's note: the system CPU time of each side (median, and the largest)."""
        return (
            f"kernel CPU per call: ours {statistics.median(self.ours_kernel):.2f} s (up to {max(self.ours_kernel):.2f}), "
            f"baseline {statistics.median(self.base_kernel):.2f} s (up to {max(self.base_kernel):.2f})"
        )


def paired_runs(base: Callable[[], object], ours: Callable[[], object], repeat: int) -> Paired:
    """``base`` and ``ours`` run in turns (base, ours, base, ours, ...), ``repeat`` times each.

    Taking turns lets both sides see the same machine: a load that comes and goes during the run
    slows both, instead of only the side timed while it lasted. Each call's system CPU time (this
    process's, all threads) is kept beside its wall time: on a virtual machine, page faults can
    cost several times more from one minute to the next, and show there.
    """
    walls: tuple[list[float], list[float]] = ([], [])
    kernel: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for side, fn in enumerate((base, ours)):
            s = resource.getrusage(resource.RUSAGE_SELF).ru_stime
            t = time.perf_counter()
            fn()
            walls[side].append(time.perf_counter() - t)
            kernel[side].append(resource.getrusage(resource.RUSAGE_SELF).ru_stime - s)
    return Paired(walls[0], walls[1], kernel[0], kernel[1])
