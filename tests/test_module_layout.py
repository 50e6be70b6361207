"""The package stays in small modules that do one job, and a split keeps the old import paths."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import toolkit

PACKAGE = Path(toolkit.__file__).parent
#: Issue 12: no module over about 400 lines.
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_over_the_line_limit():
    long = {str(p.relative_to(PACKAGE)): n for p in _modules() if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_private_name_is_imported_from_another_module():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("toolkit")):
                found += [
                    f"{path.relative_to(PACKAGE)}:{node.lineno} {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    assert not found, found


# (the module that was split, the module that now defines part of its names)
SPLITS = [
    ("toolkit.codebook", "toolkit.codebook_model"),
    ("toolkit.agreement.units", "toolkit.agreement.unittable"),
    ("toolkit.teaching.scoring", "toolkit.teaching.student_feedback"),
]


@pytest.mark.parametrize(("old", "new"), SPLITS)
def test_a_split_module_still_gives_every_name_it_gave(old, new):
    before, part = importlib.import_module(old), importlib.import_module(new)
    assert set(part.__all__) <= set(before.__all__) | {"CONTEXT"}, "a moved name is missing from the old module's __all__"
    for name in part.__all__:
        assert getattr(before, name) is getattr(part, name), name
    for name in before.__all__:
        assert getattr(before, name) is not None, name


def test_the_old_names_resolve_where_callers_import_them():
    from toolkit.agreement import STANCE_VALUES, UnitTable, build_units, pairwise_matrix
    from toolkit.agreement.units import STANCE_VALUES as units_values
    from toolkit.agreement.units import UnitTable as units_table
    from toolkit.agreement.units import build_units as units_build
    from toolkit.codebook import PLOVER_TYPES, Codebook, load_codebook
    from toolkit.teaching import Feedback, class_view, feedback
    from toolkit.teaching.scoring import CONTEXT
    from toolkit.teaching.scoring import Feedback as scoring_feedback

    assert (units_values, units_table, units_build) == (STANCE_VALUES, UnitTable, build_units)
    assert pairwise_matrix.__module__ == "toolkit.agreement.units"
    assert build_units.__module__ == "toolkit.agreement.unittable"
    assert load_codebook.__module__ == "toolkit.codebook" and Codebook.__module__ == "toolkit.codebook_model"
    assert "ASSAULT" in PLOVER_TYPES
    assert scoring_feedback is Feedback and feedback.__module__ == "toolkit.teaching.student_feedback"
    assert class_view.__module__ == "toolkit.teaching.scoring" and CONTEXT == 60
