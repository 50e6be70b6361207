"""The bad-input corpus: every broken file gives one clear error and changes nothing.

Each case starts from a scratch copy of the project's real ``data/`` folder,
breaks one thing (a line of an annotation log, an entry of the codebook, a
summit, a document, a brief, an article to add, a file to import) and runs the
``summit-ledger`` command a user would run. Every case must:

* exit with code 1;
* print exactly one problem, naming the file, the line (where the file has
  lines) and the field (where one field is at fault), with a message that says
  what is wrong;
* print no traceback;
* write nothing: every file under the data folder and the scratch folder is
  byte-for-byte as before (no new files either).

The only other lines allowed are the validator's consequence notes ("codes not
checked: the codebook or summits failed to load") on annotation logs when the
codebook or summits themselves are the broken file; they are counted and
checked separately, never taken as the error.

The cases are grouped by theme in ``bad_input_logs.py``, ``bad_input_project.py``
and ``bad_input_imports.py`` (harness: ``bad_input.py``).

The CLI runs in-process for speed; ``test_real_entry_point`` runs a few cases
through the installed ``summit-ledger`` script to show the two agree.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from adversarial import PROBLEM, VERDICT, dirs  # noqa: E402,F401  (dirs: the scratch-folder fixture)
from bad_input import all_cases, parse_problems, run_case, snapshot  # noqa: E402

CASES = all_cases()


def test_corpus_is_big_enough():
    assert len([c for c in CASES if not c.known_gap]) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "c",
    [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.known_gap)] if c.known_gap else []) for c in CASES],
)
def test_bad_input_gives_one_clear_error(c, dirs, capsys):
    data, work = dirs
    argv, file, line, field, before, rc, out, err = run_case(c, dirs, capsys)
    assert "Traceback" not in out + err
    assert rc == 1, f"exit code {rc}\n{out}\n{err}"
    problems, consequences = parse_problems(out, err)
    assert len(problems) == 1, "expected one problem, got:\n" + "\n".join(problems)
    for note in consequences:  # codebook/summits knock-on notes, or the importer's one verdict line
        assert VERDICT.search(note) or file.name in ("codebook.yaml", "summits.yaml"), note
    assert sum(bool(VERDICT.search(n)) for n in consequences) <= 1
    m = PROBLEM.match(problems[0])
    assert m, problems[0]
    assert m["file"] == str(file), f"names {m['file']}, expected {file}"
    assert (int(m["line"]) if m["line"] else None) == line, problems[0]
    assert m["field"] == field, problems[0]
    assert re.search(c.match, m["msg"]), f"message {m['msg']!r} does not match {c.match!r}"
    assert len(problems[0]) < 1000, "the message echoes too much of the input"
    assert snapshot(data, work) == before, "the command wrote or changed files"


@pytest.mark.parametrize("case_id", ["log-quote-mismatch", "codebook-bom", "document-text-crlf"])
def test_real_entry_point(case_id, dirs):
    """The installed ``summit-ledger`` script behaves as the in-process call."""
    c = next(c for c in CASES if c.id == case_id)
    data, work = dirs
    argv, file, line, field = c.setup(data, work)
    before = snapshot(data, work)
    exe = Path(sys.executable).with_name("summit-ledger")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "toolkit.commands.main"]
    proc = subprocess.run(
        cmd + argv, capture_output=True, text=True, cwd=work, timeout=120, env={**os.environ, "PYTHONWARNINGS": "ignore"}
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    problems, _ = parse_problems(proc.stdout, proc.stderr)
    assert len(problems) == 1 and problems[0].startswith(str(file))
    assert snapshot(data, work) == before
