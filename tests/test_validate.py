"""`summit-ledger validate`: clean data passes; each corrupted line is named and the rest still loads."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from toolkit.commands.main import main
from toolkit.store import Store
from toolkit.store.validate import validate_data

REF = "annotations/reference/reference.jsonl"


def test_shipped_data_is_valid(data_root):
    reports = validate_data(data_root)
    assert all(r.ok for r in reports), [str(p) for r in reports for p in r.problems]
    files = {r.file.split("data/")[-1] for r in reports}
    assert {"codebook.yaml", "summits.yaml", REF} <= files


def test_cli_exit_zero_on_clean_data(data_root, capsys):
    assert main(["validate", str(data_root)]) == 0
    out = capsys.readouterr().out
    assert "0 problems" in out and "reference.jsonl" in out


def _corrupt(path, line_no, fn):
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = fn(lines[line_no - 1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _set(line: str, **changes) -> str:
    rec = json.loads(line)
    rec.update(changes)
    return json.dumps(rec, ensure_ascii=False)


@pytest.mark.parametrize(
    "fn, field, words",
    [
        (lambda ln: ln[:40], None, "not valid JSON"),
        (lambda ln: _set(ln, issue="weather"), "issue", "not a issue"),
        (lambda ln: _set(ln, end=99999), "end", "past the end"),
        (lambda ln: _set(ln, quote="not what the text says"), "quote", "not the recorded quote"),
    ],
    ids=["bad-json", "unknown-issue", "offset-past-end", "quote-mismatch"],
)
def test_one_corrupt_line_is_named_and_the_rest_loads(data_copy, capsys, fn, field, words):
    log = data_copy / REF
    lines = log.read_text(encoding="utf-8").splitlines()
    # corrupt the live (last) upsert of one mention: the line that replay actually uses (a mention whose event
    # agrees with all its upserts, so that only the corrupt line is at fault)
    target = "ad3a11e3a1e2"
    line_no = max(i for i, x in enumerate(lines, 1) if json.loads(x).get("id") == target)
    _corrupt(log, line_no, fn)
    assert main(["validate", str(data_copy)]) == 1
    captured = capsys.readouterr()
    problem_lines = [ln for ln in captured.out.splitlines() if ln.startswith("    ")]
    assert len(problem_lines) == 1, captured.out
    msg = problem_lines[0]
    assert f"reference.jsonl, line {line_no}" in msg and words in msg
    if field:
        assert f"field '{field}'" in msg
    from toolkit.codebook import load_codebook
    from toolkit.corpus import load_documents, load_summits

    cb = load_codebook(data_copy / "codebook.yaml")
    sm = load_summits(data_copy / "summits.yaml", cb)
    docs = load_documents(data_copy / "documents", sm)
    state = Store(data_copy / "annotations" / "reference", codebook=cb, documents=docs, summits=sm).read("reference")
    # a bad line is skipped (the record falls back to its earlier upsert); a live record that no longer
    # matches the text is reported and left out of the live state
    live_before = len({json.loads(x)["id"] for x in lines if json.loads(x).get("kind") != "event"})
    assert len(state.annotations) == live_before - (field in ("end", "quote"))


def test_cli_runs_as_a_console_script_without_traceback(data_copy):
    (data_copy / "summits.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit.commands.main", "validate", str(data_copy)], capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "summits.yaml, line" in proc.stdout


def test_missing_folder_is_reported(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and "no such folder" in err and "summit-ledger init" in err
