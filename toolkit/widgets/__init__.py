"""Jupyter widgets: views over the toolkit's plain-Python core (no logic of their own)."""
from .explorer import Explorer  # noqa: E402,F401  (issue 4: balance explorer)
