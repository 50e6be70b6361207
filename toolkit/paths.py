"""Where the project lives: discovery, the way git finds ``.git``.

A *project* is a folder holding ``summit-ledger.toml`` (plus ``codebook.yaml``,
``summits.yaml``, ``documents/`` and ``annotations/``). It is found, in order:

1. an explicit folder (``--project DIR``; ``--data DIR`` is the old spelling);
2. the ``SUMMIT_LEDGER_PROJECT`` environment variable (``SUMMIT_LEDGER_DATA``
   is the old spelling);
3. the nearest folder, from the current directory upward, holding
   ``summit-ledger.toml``;
4. only when the current directory lies inside this package's own source
   checkout: the checkout's ``data/``.

Otherwise :class:`ProjectNotFound` says how to create one. Nothing ever
falls back to a folder the user did not point at, so no command writes
outside the project it resolved.
"""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.errors import DataError

__all__ = ["data_dir", "find_project", "in_checkout", "ProjectNotFound", "REPO_ROOT", "CONFIG_NAME", "ENV_PROJECT", "ENV_DATA"]

#: The folder above the ``toolkit`` package: a source checkout, or site-packages when installed.
REPO_ROOT = Path(__file__).resolve().parents[1]
#: The file that marks a project folder.
CONFIG_NAME = "summit-ledger.toml"
ENV_PROJECT = "SUMMIT_LEDGER_PROJECT"
ENV_DATA = "SUMMIT_LEDGER_DATA"

HOW_TO_CREATE = (
    f"create one with `summit-ledger init DIR` (add --demo for the seed article), then work inside DIR; "
    f"or pass --project DIR, or set {ENV_PROJECT}"
)


class ProjectNotFound(DataError):
    """No project folder could be found (or the one named is not a project)."""


def in_checkout() -> bool:
    """True when the ``toolkit`` package runs from its own source checkout (not an installed wheel)."""
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "data" / CONFIG_NAME).is_file()


def _is_project(p: Path) -> bool:
    return (p / CONFIG_NAME).is_file() or (p / "codebook.yaml").is_file()


def _checked(p: Path, origin: str) -> Path:
    if not p.is_dir():
        what = "a file, not a folder" if p.exists() else "no such folder"
        raise ProjectNotFound.at(
            p,
            None,
            None,
            f"{origin}: {what} (a project folder holds {CONFIG_NAME}, "
            f"codebook.yaml, summits.yaml, documents/ and annotations/); "
            f"{HOW_TO_CREATE}",
        )
    if not _is_project(p):
        raise ProjectNotFound.at(
            p, None, None, f"{origin}: not a Summit Ledger project (no {CONFIG_NAME} or codebook.yaml here); {HOW_TO_CREATE}"
        )
    return p


def find_project(explicit: str | os.PathLike | None = None, cwd: str | os.PathLike | None = None) -> Path:
    """Resolve the project folder (see the module docstring for the order).

    Parameters
    ----------
    explicit : str or path-like, optional
        A folder named by the user; wins over everything else.
    cwd : str or path-like, optional
        Where the upward search starts (default: the current directory).

    Raises
    ------
    ProjectNotFound
        The named folder is not a project, or none was found; the message says
        how to create one.
    """
    if explicit is not None and str(os.fspath(explicit)) != "":
        return _checked(Path(os.fspath(explicit)).expanduser(), "the folder given")
    for var in (ENV_PROJECT, ENV_DATA):
        if os.environ.get(var):
            return _checked(Path(os.environ[var]).expanduser(), f"${var}")
    start = Path(cwd if cwd is not None else os.getcwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    if in_checkout() and start.is_relative_to(REPO_ROOT):
        return REPO_ROOT / "data"
    raise ProjectNotFound.at(
        start, None, None, f"not inside a Summit Ledger project (no {CONFIG_NAME} here or in any folder above); {HOW_TO_CREATE}"
    )


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """Return the project folder to use (kept for code written before :class:`toolkit.project.Project`).

    Parameters
    ----------
    path : str or path-like, optional
        An explicit folder (or a :class:`~toolkit.project.Project`); wins over
        discovery.

    Raises
    ------
    ProjectNotFound
        See :func:`find_project`.
    """
    return find_project(path)
