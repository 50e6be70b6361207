"""Summit briefs: the real file loads and every bad record is reported with file, line and field."""

from __future__ import annotations

import textwrap

import pytest

from toolkit.corpus import BRIEF_FIELDS, brief_id, load_briefs
from toolkit.errors import DataError, ValidationError
from toolkit.ledger import load_ledger
from toolkit.store.validate import validate_data

GOOD = """\
- summit_id: 2021-06-16-geneva
  issue: cyber
  stance: grievance
  actor: US
  target: Russia
  intensity: 2
  description: A test brief.
  source_url: https://example.org/a
"""


def write(tmp_path, text: str):
    path = tmp_path / "briefs.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_real_briefs_load(data_root, codebook, summits):
    briefs = load_briefs(data_root / "briefs.yaml", codebook, summits)
    assert len(briefs) == 29  # 23 facts with a stance, 6 agenda items
    assert all(tuple(b) == BRIEF_FIELDS for b in briefs)
    assert len({b["id"] for b in briefs}) == len(briefs)
    # every summit of the table has at least one brief
    assert {b["summit_id"] for b in briefs} == set(summits)
    # facts given to "both sides" use the pair actor, which addresses itself
    pair = [b for b in briefs if b["actor"] == "US-Russia"]
    assert pair and all(b["target"] == "US-Russia" for b in pair)
    # the one-sided claim and the denied accusation are flagged as contested
    contested = [b for b in briefs if b["note"] and b["note"].startswith("Contested")]
    assert {b["summit_id"] for b in contested} == {"2018-07-16-helsinki", "2021-12-30-phone"}
    assert all(b["contested"] for b in contested)
    assert all(b["source_url"].startswith(("http://", "https://")) for b in briefs)


def test_ids_are_content_hashes(data_root, codebook, summits):
    first = load_briefs(data_root / "briefs.yaml", codebook, summits)
    again = load_briefs(data_root / "briefs.yaml", codebook, summits)
    assert [b["id"] for b in first] == [b["id"] for b in again]
    b = dict(first[0])
    assert brief_id(b) == b["id"]
    b["note"] = "a different note"
    assert brief_id(b) == first[0]["id"]  # the note is not hashed
    b["intensity"] = 3
    assert brief_id(b) != first[0]["id"]  # a code is


def test_good_file_and_given_id(tmp_path, codebook, summits):
    [rec] = load_briefs(write(tmp_path, GOOD), codebook, summits)
    assert rec["note"] is None and rec["intensity"] == 2
    with_id = GOOD + f"  id: {rec['id']}\n"
    assert load_briefs(write(tmp_path, with_id), codebook, summits)[0]["id"] == rec["id"]


@pytest.mark.parametrize(
    "change, field, words",
    [
        (("issue: cyber", "issue: cyberwar"), "issue", "not a issue in codebook"),
        (("stance: grievance", "stance: complaint"), "stance", "not a stance"),
        (("intensity: 2", "intensity: 4"), "intensity", "not a intensity"),
        (("intensity: 2", "intensity: two"), "intensity", "expected 1, 2 or 3"),
        (("summit_id: 2021-06-16-geneva", "summit_id: 2021-06-17-nowhere"), "summit_id", "not in summits.yaml"),
        (("source_url: https://example.org/a", "source_url: example.org/a"), "source_url", "http(s)"),
        (("target: Russia", "target: US"), "target", "only a pair actor"),
        (("actor: US", "actor: US-Russia"), "target", "set target to 'US-Russia'"),
        (("  description: A test brief.\n", ""), "description", "missing"),
        (("  intensity: 2\n", "  intensity: 2\n  colour: red\n"), "colour", "unknown field"),
    ],
)
def test_bad_record_names_file_line_field(tmp_path, codebook, summits, change, field, words):
    text = (
        "- summit_id: 2021-06-16-geneva\n  issue: cyber\n  stance: grievance\n  actor: US\n  target: Russia\n"
        "  intensity: 2\n  description: A test brief.\n  source_url: https://example.org/a\n"
    )
    bad = GOOD + "\n" + text.replace(*change)
    path = write(tmp_path, bad)
    with pytest.raises(ValidationError) as err:
        load_briefs(path, codebook, summits)
    [problem] = err.value.problems
    assert problem.file == str(path)
    assert problem.line == 10  # the second record starts on line 10
    assert problem.field == field
    assert words in problem.message


def test_wrong_id_duplicate_and_shape(tmp_path, codebook, summits):
    with pytest.raises(ValidationError, match="content hash"):
        load_briefs(write(tmp_path, GOOD + "  id: b000000000000\n"), codebook, summits)
    with pytest.raises(ValidationError, match="same brief as the one on line 1"):
        load_briefs(write(tmp_path, GOOD + "\n" + GOOD), codebook, summits)
    with pytest.raises(DataError, match="must be a YAML list"):
        load_briefs(write(tmp_path, "summit_id: x\n"), codebook, summits)
    with pytest.raises(ValidationError, match="one line"):
        load_briefs(write(tmp_path, GOOD.replace("A test brief.", "|\n    two\n    lines")), codebook, summits)


def test_validate_and_ledger_use_briefs(data_copy):
    reports = {r.file.rsplit("/", 1)[-1]: r for r in validate_data(data_copy)}
    assert reports["briefs.yaml"].ok and reports["briefs.yaml"].summary == "29 briefs"
    ledger = load_ledger(data_copy, sets=["reference"])
    briefs = ledger[ledger["evidence"] == "brief"]
    # 11 briefs have the pair actor; the ledger gives each one row per direction
    assert len(briefs) == 29 + 11 and briefs["id"].nunique() == 29
    assert briefs["description"].notna().all() and briefs["source_url"].notna().all()
    # a broken brief is reported by validate with its line, not raised
    text = (data_copy / "briefs.yaml").read_text(encoding="utf-8").replace("issue: sanctions", "issue: sanctionz")
    (data_copy / "briefs.yaml").write_text(text, encoding="utf-8")
    reports = {r.file.rsplit("/", 1)[-1]: r for r in validate_data(data_copy)}
    [problem] = reports["briefs.yaml"].problems
    assert problem.field == "issue" and problem.line is not None
