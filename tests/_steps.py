"""The wall-clock time of each named step of a journey test, printed as it ends and kept for the run's summary."""

from __future__ import annotations

import contextlib
import time

from _once import note_for_summary


class Steps:
    """``with steps("name"): ...`` times one step; every step so far goes to the run's terminal summary."""

    def __init__(self, tmp_path_factory, journey: str) -> None:
        self.times: dict[str, float] = {}
        self._factory, self._journey = tmp_path_factory, journey

    @contextlib.contextmanager
    def __call__(self, name: str):
        t = time.monotonic()
        try:
            yield
        finally:
            self.times[name] = time.monotonic() - t
            print(f"journey: {name} {self.times[name]:.1f} s", flush=True)
            note_for_summary(self._factory, self._journey, self.report())

    def report(self) -> str:
        return "\n".join(f"  {name:<58} {s:6.1f} s" for name, s in self.times.items())
