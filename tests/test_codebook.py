"""Codebook loading and validation."""

from __future__ import annotations

import pytest
import yaml

from toolkit.codebook import STANCES, load_codebook
from toolkit.errors import CodebookError


def test_shipped_codebook_is_complete(codebook):
    assert set(codebook.stances) == set(STANCES)
    assert sorted(codebook.intensity) == [1, 2, 3]
    assert len(codebook.issues) >= 13
    for issue in codebook.issues.values():
        if issue.id.endswith("-other"):  # catch-alls: a definition, no keywords (they would suggest anything)
            assert issue.definition and not issue.keywords, issue.id
            continue
        assert issue.definition and issue.examples and len(issue.keywords) >= 3, issue.id
    for needed in ("US", "Russia", "Ukraine", "NATO", "EU", "Germany", "China"):
        assert needed in codebook.actors


def test_scores_have_the_right_sign(codebook):
    for level in (1, 2, 3):
        assert codebook.score("grievance", level) < 0 < codebook.score("goodwill", level)


def _write(tmp_path, data) -> str:
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(p)


def _raw(data_root):
    return yaml.safe_load((data_root / "codebook.yaml").read_text(encoding="utf-8"))


def test_duplicate_issue_names_line_and_field(tmp_path, data_root):
    raw = _raw(data_root)
    raw["issues"].append(dict(raw["issues"][0]))
    with pytest.raises(CodebookError) as err:
        load_codebook(_write(tmp_path, raw))
    p = err.value.problems[0]
    assert p.field == "id" and "listed twice" in p.message and p.line and p.line > 1


def test_missing_definition_is_named(tmp_path, data_root):
    raw = _raw(data_root)
    del raw["issues"][2]["definition"]
    with pytest.raises(CodebookError, match="definition"):
        load_codebook(_write(tmp_path, raw))


def test_grievance_score_must_be_negative(tmp_path, data_root):
    raw = _raw(data_root)
    raw["intensity"][0]["score"]["grievance"] = 2
    with pytest.raises(CodebookError, match="score.grievance"):
        load_codebook(_write(tmp_path, raw))


def test_yaml_syntax_error_names_line(tmp_path):
    p = tmp_path / "codebook.yaml"
    p.write_text("version: 1\nissues: [a, b\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"codebook.yaml, line \d+: YAML syntax error"):
        load_codebook(p)


def test_check_code_lists_the_choices(codebook):
    msg = codebook.check_code("stance", "hostility")
    assert "grievance" in msg and "goodwill" in msg
    assert codebook.check_code("intensity", True) is not None
    assert codebook.check_code("intensity", 2) is None
