"""Jupyter widgets: views over the toolkit's plain-Python core (no logic of their own)."""

from .adjudicator import Adjudicator, AdjudicatorView
from .annotator import Annotator
from .explorer import Explorer
from .kernel_note import CheckMyWork

__all__ = ["Adjudicator", "AdjudicatorView", "Annotator", "CheckMyWork", "Explorer"]
