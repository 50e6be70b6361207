"""A class: assignments, the withheld key, collecting students' files, feedback, the class view and grades.

Modules: :mod:`.course` (the class folder, assignments, groups, open/close/release),
:mod:`.student` (what a student's notebook uses: their articles, their folder, "Check my work"
that respects the release), :mod:`.collection` (reading hand-ins, tolerating bad ones),
:mod:`.student_feedback` (one student against the reference), :mod:`.scoring` (the class table and
view), :mod:`.presentation` (text, escaped HTML, hot spots), :mod:`.grading` (rubric,
confusion tables, the LMS CSV), :mod:`.projection` (the class view with pseudonyms),
:mod:`.instructor` and :mod:`.export`. The writer guard lives in :mod:`toolkit.records.identity`.

The names below are loaded from their module when first used, so that a class command that
makes no table (create, assign, practice, open, close, release, status) starts without pandas
and the agreement measures.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Each public name and the module that defines it.
_EXPORTS = {
    **dict.fromkeys(("IdentityError", "check_writer", "hub_annotator", "hub_user", "is_instructor"), "toolkit.records.identity"),
    **dict.fromkeys(
        (
            "PROGRESS_MIN_FILES",
            "ClassFiles",
            "FileStatus",
            "StudentFile",
            "collect_class",
            "is_reference",
            "load_reference",
            "record_signature",
        ),
        "toolkit.classroom.collection",
    ),
    **dict.fromkeys(("HOTSPOT_COLOR", "hotspot_spans", "hotspots_html"), "toolkit.classroom.presentation"),
    **dict.fromkeys(
        ("ClassView", "balance_comparison", "class_ledger", "class_view", "feedback_table"), "toolkit.classroom.scoring"
    ),
    **dict.fromkeys(("Feedback", "check_my_work", "describe", "feedback"), "toolkit.classroom.student_feedback"),
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (PEP 562) and kept here afterwards."""
    home = _EXPORTS.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
