"""Jupyter widgets: views over the toolkit's plain-Python core (no logic of their own)."""

from toolkit.widgets.adjudicator import Adjudicator, AdjudicatorView
from toolkit.widgets.annotator import Annotator
from toolkit.widgets.explorer import Explorer

__all__ = ["Adjudicator", "AdjudicatorView", "Annotator", "Explorer"]
