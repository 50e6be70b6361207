"""Adversarial suite, area *JSON Lines*: hostile lines in an annotation log.

Each case writes a log with one good line and one hostile line (huge
integers, deep nesting, duplicate keys, NaN, wrong types, ...), runs
``validate`` and expects one error naming the log, line 2 and the field, with
nothing written (issue 10, defects 10 and 11). A second group runs every
command that reads logs over a log with a 5000-digit integer: none may show a
traceback, each names the line. Synthetic inputs only.
"""

from __future__ import annotations

import json

import pytest
from adversarial import SEED, copy_data, op, reference_op, refused, run, snapshot, write_log

BIG = "9" * 5000


def raw_line(**fields_as_json_text) -> str:
    """The reference line for student-1 with some fields replaced by raw JSON text (not re-encoded)."""
    base = {**reference_op(), "annotator": "student-1"}
    parts = []
    for k, v in base.items():
        parts.append(f"{json.dumps(k)}: {fields_as_json_text.pop(k) if k in fields_as_json_text else json.dumps(v)}")
    parts += [f"{json.dumps(k)}: {v}" for k, v in fields_as_json_text.items()]
    return "{" + ", ".join(parts) + "}"


def dup(key: str, value_json: str) -> str:
    """The reference line with ``key`` given a second time."""
    line = json.dumps({**reference_op(), "annotator": "student-1"})
    return line[:-1] + f", {json.dumps(key)}: {value_json}}}"


# case id -> (line text, field, message pattern)
LINES = {
    "huge-int-start": (raw_line(start=BIG), None, r"5000 digits is too large"),
    "huge-int-end": (raw_line(end=BIG), None, r"too large"),
    "huge-int-intensity": (raw_line(intensity=BIG), None, r"too large"),
    "huge-negative-int": (raw_line(start="-" + BIG), None, r"too large"),
    "huge-int-unknown-field": (raw_line(extra=BIG), None, r"too large"),
    "int-past-text": (raw_line(end="1" + "0" * 30), "end", r"past the end"),
    "deep-nesting-note": (raw_line(note="[" * 100_000 + "]" * 100_000), None, r"nested too deeply"),
    "deep-nesting-object": (raw_line(note='{"a":' * 50_000 + "1" + "}" * 50_000), None, r"nested too deeply"),
    "duplicate-id": (dup("id", '"aaaaaaaaaaaa"'), None, r"key 'id' is given twice"),
    "duplicate-start": (dup("start", "0"), None, r"key 'start' is given twice"),
    "duplicate-issue": (dup("issue", '"cyber"'), None, r"key 'issue' is given twice"),
    "duplicate-op": (dup("op", '"delete"'), None, r"key 'op' is given twice"),
    "duplicate-annotator": (dup("annotator", '"student-2"'), None, r"given twice"),
    "nan-start": (raw_line(start="NaN"), "start", r"expected int"),
    "infinity-intensity": (raw_line(intensity="Infinity"), "intensity", r"expected int"),
    "minus-infinity-end": (raw_line(end="-Infinity"), "end", r"expected int"),
    "float-start": (raw_line(start="188.5"), "start", r"expected int, got float"),
    "exponent-start": (raw_line(start="1.88e2"), "start", r"expected int, got float"),
    "string-start": (raw_line(start='"188"'), "start", r"expected int, got str"),
    "null-start": (raw_line(start="null"), "start", r"."),
    "bool-intensity": (raw_line(intensity="true"), "intensity", r"expected int, got bool"),
    "list-issue": (raw_line(issue='["cyber"]'), "issue", r"expected str"),
    "dict-note": (raw_line(note='{"a": 1}'), "note", r"expected str"),
    "list-annotator": (raw_line(annotator='["student-1"]'), "annotator", r"."),
    "number-id": (raw_line(id="12"), "id", r"."),
    "list-summit": (raw_line(summit_id='["2021-12-07-video"]'), "summit_id", r"."),
    "list-document": (raw_line(document_id='["x"]'), "document_id", r"."),
    "dict-quote": (raw_line(quote='{"q": 1}'), "quote", r"."),
    "empty-object": ("{}", "op", r"is not an operation"),
    "array": ('[{"op": "upsert"}]', None, r"expected a JSON object"),
    "string": ('"upsert"', None, r"expected a JSON object"),
    "number": ("5", None, r"expected a JSON object"),
    "null": ("null", None, r"expected a JSON object"),
    "two-objects": ("{} {}", None, r"not valid JSON"),
    "trailing-comma": (json.dumps(op())[:-1] + ", }", None, r"not valid JSON"),
    "single-quotes": ("{'op': 'upsert'}", None, r"not valid JSON"),
    "raw-control-char": (raw_line(note='"a\tb"'), None, r"not valid JSON"),
    "unknown-op-list": (raw_line(op='["upsert"]'), "op", r"is not an operation"),
    "start-negative-zero": (raw_line(start="-0", end="0"), "end", r"greater than start"),
}


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path / "data")


@pytest.mark.parametrize("case", sorted(LINES))
def test_hostile_log_line(case, data, capsys):
    text, field, match = LINES[case]
    log = write_log(data, text)
    refused(["validate", data], capsys, data, file=log, line=2, field=field, match=match)


def test_duplicate_key_is_not_silently_last_wins(data, capsys):
    """Defect 11: ``{"issue": "cyber", ..., "issue": "sanctions"}`` kept the last value without a word."""
    log = write_log(data, dup("issue", '"relations-dialogue"'), good_first=False)
    res = refused(["validate", data], capsys, data, file=log, line=1, field=None, match="given twice")
    assert "relations-dialogue" not in res.out.split("given twice")[0][-40:]


def test_crlf_line_is_read_not_dropped(data, capsys):
    """A log saved with CRLF endings is still valid JSON per line: nothing is dropped."""
    log = write_log(data, json.dumps(op(id="crlfcrlfcrlf", start=126, end=188)) + "\r")
    res = run(["validate", data], capsys)
    assert res.rc == 0 and f"ok  {log}: 2 annotations" in res.out


# The ledger exports (parquet, ledger-csv) read logs through load_ledger, whose skipped-line report is
# issue 10 defect 5 (see "Store under faults" in docs/reliability.md); they are left out here.
# --- every reader of logs, over a log with a 5000-digit integer ---------------------------
READERS = {
    "validate": lambda d, w: ["validate", d],
    "export-csv": lambda d, w: ["export", "csv", "--out", w / "o.csv", "--set", "class", "--data", d],
    "export-doccano": lambda d, w: ["export", "doccano", "--out", w / "o.jsonl", "--set", "class", "--data", d],
    "export-labelstudio": lambda d, w: ["export", "labelstudio", "--out", w / "o.json", "--set", "class", "--data", d],
    "export-w3c": lambda d, w: ["export", "w3c", "--out", w / "o.json", "--set", "class", "--data", d],
    "agreement": lambda d, w: ["agreement", d / "annotations" / "class", "--data", d, "--no-progress"],
    "reanchor": lambda d, w: ["reanchor", SEED, "--dry-run", "--data", d],
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("bad", ["huge-int-start", "deep-nesting-note", "duplicate-issue"])
def test_every_reader_names_the_hostile_line(reader, bad, data, tmp_path, capsys):
    work = tmp_path / "work"
    work.mkdir()
    log = write_log(data, LINES[bad][0])
    before = snapshot(data)
    res = run(READERS[reader](data, work), capsys)
    assert "Traceback" not in res.out + res.err
    assert res.rc in (0, 1)
    assert f"{log}, line 2" in res.out + res.err, res.out + res.err  # the line is named, never dropped silently
    assert snapshot(data) == before
