"""What ``make`` would run for a target of the repository's Makefile, variables expanded (``make -n``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def commands(target: str, *variables: str) -> list[str]:
    """The command lines ``make -n target [VAR=value ...]`` prints: nothing runs, every ``$(...)`` is expanded.

    Prerequisites that are out of date print their own commands first; callers pick the line they check.
    """
    out = subprocess.run(["make", "-n", target, *variables], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"make -n {target}: {out.stderr[-2000:]}"
    return out.stdout.splitlines()
