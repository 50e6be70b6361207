"""A class on one server: assignments, the withheld answer key, hub identities, grades.

Modules: :mod:`.identity` (the JupyterHub user and the write guard),
:mod:`.course` (the class folder, assignments, groups, open/close/release),
:mod:`.student` (what a student's notebook uses: their articles, their folder,
"Check my work" that respects the release), :mod:`.grading` (rubric, confusion
tables, the LMS CSV) and :mod:`.projection` (the class view with pseudonyms).
Only :mod:`.identity` is imported here, so the store can use it cheaply.
"""

from __future__ import annotations

from .identity import IdentityError, check_writer, hub_annotator, hub_user, is_instructor

__all__ = ["IdentityError", "check_writer", "hub_annotator", "hub_user", "is_instructor"]
