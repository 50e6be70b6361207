"""A notebook that needs data a young project lacks: say what is missing and what to do, then skip the other cells.

The first code cell of each shipped notebook calls :meth:`toolkit.project.Project.require`. In a
project that has what the notebook needs, nothing is shown and nothing changes. Otherwise the cell
prints what is missing and what to do next, and every later cell of the kernel, instead of failing
with a traceback, prints one line saying it was skipped. Running the first cell again (after adding
what was missing, or after a kernel restart) takes the guard away.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["skip_later_cells", "stop_skipping"]

_GUARDS: list[Callable[[list[str]], list[str]]] = []


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the toolkit depends on jupyterlab, hence IPython
        return None
    return get_ipython()


def stop_skipping() -> None:
    """Let later cells run again (undo :func:`skip_later_cells`)."""
    shell = _shell()
    while _GUARDS:
        guard = _GUARDS.pop()
        if shell is not None and guard in shell.input_transformers_cleanup:
            shell.input_transformers_cleanup.remove(guard)


def skip_later_cells(reason: str) -> None:
    """Make every later cell print ``skipped: <reason>`` instead of running (only inside IPython)."""
    shell = _shell()
    stop_skipping()
    if shell is None:
        return
    line = f"print({('skipped: ' + reason)!r})\n"

    def guard(lines: list[str]) -> list[str]:
        text = "".join(lines)
        if ".require(" in text:  # the guard cell itself runs, so it can take the guard away
            return lines
        return [line]

    _GUARDS.append(guard)
    shell.input_transformers_cleanup.append(guard)
