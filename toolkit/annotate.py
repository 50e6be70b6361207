"""Deprecated alias of :mod:`toolkit.session` (the annotator's session module was renamed).

Kept only so notebooks written before the rename still import; use
``toolkit.session`` (and ``toolkit.balance.summarize``, ``toolkit.runs``) instead.
"""

from __future__ import annotations

import warnings

from .balance import summarize
from .draft import CODE_FIELDS, Draft, Progress
from .runs import codepoint_to_utf16, utf16_to_codepoint
from .session import ALL_LAYERS, AnnotationSession

__all__ = [
    "AnnotationSession",
    "Draft",
    "Progress",
    "CODE_FIELDS",
    "ALL_LAYERS",
    "utf16_to_codepoint",
    "codepoint_to_utf16",
    "summarize",
]

warnings.warn("toolkit.annotate is renamed toolkit.session; summarize is in toolkit.balance", DeprecationWarning, stacklevel=2)
