"""Where the project's data lives.

The data folder is found, in order, from an explicit argument, the
``SUMMIT_LEDGER_DATA`` environment variable, or the repository's ``data/``
beside the ``toolkit`` package (an editable install or a checkout).
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError

__all__ = ["data_dir", "REPO_ROOT"]

REPO_ROOT = Path(__file__).resolve().parents[1]


def data_dir(path: "str | Path | None" = None) -> Path:
    """Return the data folder to use.

    Parameters
    ----------
    path : str or Path, optional
        An explicit folder; wins over everything else.

    Raises
    ------
    DataError
        If no folder holding ``codebook.yaml`` can be found.
    """
    if path is not None:
        p = Path(path)
    elif os.environ.get("SUMMIT_LEDGER_DATA"):
        p = Path(os.environ["SUMMIT_LEDGER_DATA"])
    else:
        p = REPO_ROOT / "data"
    if not (p / "codebook.yaml").exists():
        raise DataError.at(
            p, None, None,
            "no codebook.yaml here; pass the project's data folder (data_dir=...) or set SUMMIT_LEDGER_DATA",
        )
    return p
