"""The command line, ``summit-ledger``: thin front ends over the project (each module has ``add_arguments`` and ``run``)."""

from __future__ import annotations

from .main import main

__all__ = ["main"]
