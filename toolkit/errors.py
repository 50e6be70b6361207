"""Exception types and the problem record every validator reports.

Every error a user can meet names *where* (file, line, field) and *what to do*.
Validators collect :class:`Problem` records instead of stopping at the first
one, so one bad line never hides the rest of the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Problem",
    "SummitLedgerError",
    "DataError",
    "ValidationError",
    "StoreError",
    "CodebookError",
    "skipped_report",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in a data file.

    Attributes
    ----------
    file : str
        Path of the file, as given to the loader.
    line : int or None
        1-based line number (JSON Lines) or record number (YAML lists); None
        when the problem concerns the whole file.
    field : str or None
        The field at fault, e.g. ``"issue"`` or ``"start"``.
    message : str
        What is wrong and how to fix it.
    """

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = _bounded(self.file, 300)
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{_bounded(str(self.field), 100)}'"
        return f"{where}: {_bounded(self.message, MESSAGE_LIMIT)}"


#: Longest message shown for one problem; a value pasted into a data file is never echoed without bound.
MESSAGE_LIMIT = 500
_LONG_RUN = re.compile(r"\S{100,}")


def _bounded(text: str, limit: int) -> str:
    """``text`` with runs of 100+ non-space characters shortened, then cut to ``limit`` (keeping its end)."""
    if len(text) <= limit:
        return text
    text = _LONG_RUN.sub(lambda m: f"{m[0][:40]}…[{len(m[0])} characters]…{m[0][-12:]}", text)
    if len(text) <= limit:
        return text
    tail = limit // 4
    return text[: limit - tail - 1] + "…" + text[-tail:]


class SummitLedgerError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class DataError(SummitLedgerError):
    """A data file is wrong; the message names file, line and field.

    Parameters
    ----------
    problems : list of Problem or Problem or str
        What was found. A plain string is wrapped as a file-less problem.
    """

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("<input>", None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        head = str(self.problems[0]) if self.problems else "invalid data"
        more = len(self.problems) - 1
        super().__init__(head + (f" (and {more} more problem{'s' * (more > 1)})" if more > 0 else ""))

    @classmethod
    def at(cls, file: str | Path, line: int | None, field: str | None, message: str) -> DataError:
        """Build an error for one place."""
        return cls(Problem(str(file), line, field, message))


class ValidationError(DataError):
    """A record breaks a rule of the codebook or of the data model."""


class CodebookError(DataError):
    """The codebook itself is malformed."""


class StoreError(SummitLedgerError):
    """The annotation store cannot be read or written (lock, permission, disk)."""


def skipped_report(problems: list[Problem], *, what: str = "records", limit: int = 5) -> list[str]:
    """Lines telling how many problems left ``what`` out, with the first ``limit`` of them.

    Readers that skip bad input return their problems; front ends print these
    lines (and, with ``--strict``, fail instead).
    """
    if not problems:
        return []
    n = len(problems)
    lines = [f"warning: {n} problem{'s' * (n != 1)} left {what} out (pass --strict to make this an error):"]
    lines += [f"    {p}" for p in problems[:limit]]
    if n > limit:
        lines.append(f"    ... and {n - limit} more")
    return lines
