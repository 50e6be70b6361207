"""The classroom workflow: collect a class's files, give each student feedback, show the class view.

An instructor gives a class the same article. Each student codes it (in
JupyterLab, a Voila page or on a JupyterHub) and hands in one annotator file,
``<name>.jsonl``. The instructor calls:

>>> files = collect_class("hand-in/")                              # doctest: +SKIP
>>> feedback_table(files, load_reference("reference"))            # doctest: +SKIP
>>> view = class_view(files, reference=load_reference("reference"))  # doctest: +SKIP
>>> view.report.alpha, view.report.pairwise                        # doctest: +SKIP
>>> hotspots_html(document, view.report.sentences)                 # doctest: +SKIP

The work is split in four modules: :mod:`.collection` (reading files,
tolerating bad ones), :mod:`.student_feedback` (one student against the
reference), :mod:`.scoring` (the class table and class view) and
:mod:`.presentation` (text, escaped HTML, hot spots). Assignments, the
withheld answer key and grades are in :mod:`toolkit.classroom`.
"""

from __future__ import annotations

from .collection import (
    PROGRESS_MIN_FILES,
    ClassFiles,
    FileStatus,
    StudentFile,
    collect_class,
    is_reference,
    load_reference,
    record_signature,
)
from .presentation import HOTSPOT_COLOR, hotspot_spans, hotspots_html
from .scoring import (
    ClassView,
    Feedback,
    balance_comparison,
    check_my_work,
    class_ledger,
    class_view,
    describe,
    feedback,
    feedback_table,
)

__all__ = [
    "FileStatus",
    "StudentFile",
    "ClassFiles",
    "collect_class",
    "load_reference",
    "Feedback",
    "feedback",
    "check_my_work",
    "feedback_table",
    "ClassView",
    "class_view",
    "hotspot_spans",
    "hotspots_html",
    "class_ledger",
    "balance_comparison",
    "HOTSPOT_COLOR",
    "PROGRESS_MIN_FILES",
    "is_reference",
    "record_signature",
    "describe",
]
