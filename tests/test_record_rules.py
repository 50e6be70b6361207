"""The row-wise and the column-wise validation paths agree, case by case, on the bad-input suite.

Both paths evaluate the one rule table, :data:`toolkit.records.record.RULES`: ``Store.read`` (through
``validate_record``) one record at a time, the ledger's fast path (``toolkit.ledger.column_problems``)
on a whole log in columns. For every case of the bad-input suite that breaks an annotation log
(the cases are imported from ``tests/reliability``, not copied), the log is checked both ways:

* when the column path checks the log, it finds exactly the (line, field) pairs the row path reports;
* when it declines (bad JSON, a wrong type, a delete, a torn tail...), the row path reports a problem,
  and a case about a rule in the table is never declined;
* on the unbroken log both find nothing and keep the same live records.
"""

from __future__ import annotations

import importlib
import re
import shutil
import sys
from pathlib import Path

import pytest

from toolkit.codebook import load_codebook
from toolkit.corpus import load_documents, load_summits
from toolkit.records import Annotation, RuleContext, column_failures, row_failures
from toolkit.store import Store, column_problems, read_log_table

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "reliability"))
bad_input = importlib.import_module("bad_input")  # the bad-input suite's harness: its cases and helpers

#: Messages of cases about a line's form rather than its values: the column path hands those logs to the row path.
STRUCTURAL = (
    r"not valid JSON|not valid UTF-8|expected a JSON object|is not an operation|^missing$|expected int|not live here|incomplete"
)


def log_cases() -> list:
    out = []
    for c in bad_input.all_cases():
        if c.id.startswith("log-") and not c.known_gap:
            out.append(pytest.param(c, id=c.id))
    return out


def both_paths(data: Path, log: Path) -> tuple[set[tuple[int | None, str | None]], set[tuple[int, str]] | None, Store]:
    codebook = load_codebook(data / "codebook.yaml")
    summits = load_summits(data / "summits.yaml", codebook)
    documents = load_documents(data / "documents", summits)
    store = Store(log.parent, codebook=codebook, documents=documents, summits=summits)
    state = store.read(log.stem)
    row = {(p.line, p.field) for p in state.problems}
    if state.torn is not None:
        row.add((state.torn.problem().line, state.torn.problem().field))
    table = read_log_table(log)
    checked = None if table is None else column_problems(table, log.stem, RuleContext(codebook, summits, documents))
    return row, (None if checked is None else set(checked[1])), store


@pytest.fixture
def dirs(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak"))
    work = tmp_path / "work"
    work.mkdir()
    return data, work


def test_there_are_log_cases():
    assert len(log_cases()) >= 20


@pytest.mark.parametrize("c", log_cases())
def test_row_and_column_paths_agree(c, dirs):
    data, work = dirs
    _, file, line, field = c.setup(data, work)
    if file.suffix != ".jsonl" or line is None:
        pytest.skip("the case breaks the log's name, not a line: no path reads it")
    row, column, _ = both_paths(data, file)
    assert (line, field) in row, f"row path: {row}"
    if column is None:
        # Declining is right only for what the table does not cover: the line's form (JSON, UTF-8, operation,
        # a missing field or a wrong type, which the parse schema refuses), and what only replay knows (a delete).
        assert re.search(STRUCTURAL, c.match), f"column path declined a case of the rule table: {c.id} {row}"
    else:
        assert column == row


def test_clean_log_both_paths_find_nothing_and_agree_on_records(dirs):
    data, _ = dirs
    log = bad_input.student_log(data)  # the suite's template: one good line, as every log case starts
    row, column, store = both_paths(data, log)
    assert row == set() and column == set()
    table = read_log_table(log)
    assert table is not None
    checked = column_problems(table, log.stem, RuleContext(store.codebook, store.summits, store.documents))
    assert checked is not None
    live = checked[0].drop(columns="op").to_dict("records")
    assert len(live) == 1
    assert live == [{k: v for k, v in rec.items() if k in live[0]} for rec in store.read(log.stem).annotations.values()]


def _good_record(dirs):
    """The rule context of the shipped data and one of its reference records that passes every rule."""
    data, _ = dirs
    log = data / "annotations" / "reference" / "reference.jsonl"
    _, _, store = both_paths(data, log)
    good = next(iter(store.read(log.stem).annotations.values()))
    ctx = RuleContext(store.codebook, store.summits, store.documents)
    return ctx, Annotation(**{k: good.get(k, "") for k in Annotation.__dataclass_fields__}).to_dict()


def test_each_rule_is_one_expression_for_both_shapes(dirs):
    """A record failing one rule fails it the same way alone (row) and in a frame of good records (column)."""
    pd = pytest.importorskip("pandas")
    ctx, base = _good_record(dirs)
    broken = [
        {**base, "status": "lost"},
        {**base, "start": -1},
        {**base, "intensity": 9},
        {**base, "actor": "US", "target": "US"},
        {**base, "summit_id": "nowhere"},
        {**base, "document_id": "nothing"},
        {**base, "end": 10**7},
        {**base, "quote": base["quote"] + "x"},
    ]
    frame = pd.DataFrame([base, *broken])
    by_column = {(int(i), f) for f, rows in column_failures(frame, ctx) for i in rows.nonzero()[0]}
    by_row = {(i, f) for i, rec in enumerate([base, *broken]) for f, _ in row_failures(rec, ctx)}
    assert by_row == by_column
    assert {i for i, _ in by_row} == set(range(1, len(broken) + 1))


def test_bytes_compared_a_word_at_a_time_agree_with_slices():
    """The quote rule's column form compares byte runs 8 at a time; any run length, any offset."""
    import random

    import numpy as np

    from toolkit.records.textbytes import bytes_differ

    rng = random.Random(1)
    for _ in range(200):
        a = bytes(rng.randrange(3) for _ in range(rng.randrange(1, 60)))
        b = bytes(rng.randrange(3) for _ in range(rng.randrange(1, 60)))
        runs = []
        for _ in range(20):
            w = rng.randrange(1, min(len(a), len(b)) + 1)
            runs.append((rng.randrange(0, len(a) - w + 1), rng.randrange(0, len(b) - w + 1), w))
        at_a, at_b, widths = (np.array(c) for c in zip(*runs))
        pad = bytes(int(widths.max()) + 8)
        got = bytes_differ(np.frombuffer(a + pad, np.uint8), at_a, np.frombuffer(b + pad, np.uint8), at_b, widths)
        assert got.tolist() == [a[i : i + w] != b[j : j + w] for i, j, w in runs]


@pytest.mark.parametrize("views", [True, False], ids=["binary-views", "no-views"])
def test_text_slices_compared_by_arrow_agree_with_slices(views, monkeypatch):
    """The quote rule's column form: slices of a text (short ones inline, long ones by offset) against a text column.

    Without Arrow's view types (pyarrow before 16) the bytes are compared 8 at a time instead.
    """
    import random

    import numpy as np
    import pyarrow as pa

    from toolkit.records import textbytes
    from toolkit.records.textbytes import slices_equal

    if views:  # the view path must not fall back
        monkeypatch.setattr(textbytes, "bytes_differ", lambda *a: pytest.fail("fell back to bytes_differ"))
    else:
        monkeypatch.delattr(pa, "binary_view")

    rng = random.Random(2)
    text = "".join(rng.choice("ab\u00e9") for _ in range(300)).encode()
    data = np.frombuffer(text + bytes(16), np.uint8)
    at = np.array([rng.randrange(0, 250) for _ in range(400)])
    width = np.array([rng.randrange(1, 40) for _ in range(400)])
    values = [text[i : i + w] for i, w in zip(at, width)]
    for k in range(0, 400, 3):  # every third row differs: one byte changed or dropped, or missing
        v = values[k]
        values[k] = None if k % 9 == 0 else (v[:-1] if k % 2 else bytes([v[0] ^ 1]) + v[1:])
    column = pa.chunked_array([pa.array(values[:150], pa.binary()), pa.array(values[150:], pa.binary())])
    want = [v is not None and text[i : i + w] == v for i, w, v in zip(at, width, values)]
    assert slices_equal(data, at, width, column, np.arange(400)).tolist() == want
    rows = np.array(sorted(rng.sample(range(400), 100)))
    assert slices_equal(data, at[rows], width[rows], column, rows).tolist() == [want[r] for r in rows]


def test_rules_use_the_codes_given_for_a_column(dirs):
    """Columns numbered beforehand (``codes``) give the same failures; the rules use those codes, not their own."""
    pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    from toolkit.records.textbytes import dictionary_codes

    ctx, base = _good_record(dirs)
    rows = [
        base,
        {**base, "issue": "trade-war"},
        {**base, "actor": "US", "target": "US"},
        {**base, "document_id": "nothing"},
        {**base, "status": "lost"},
    ]
    frame = pa.Table.from_pylist(rows).to_pandas()
    keys = ("issue", "actor", "target", "document_id")
    codes = {k: dictionary_codes(pa.array(frame[k].array)) for k in keys}
    expected = [(f, list(r)) for f, r in column_failures(frame, ctx)]
    assert [(f, list(r)) for f, r in column_failures(frame, ctx, codes=codes)] == expected
    assert {f for f, _ in expected} >= {"issue", "target", "document_id", "status"}
    # codes that say every row holds the first row's (valid) values: the issue and document failures vanish (the
    # code lookups and the set lookups read the codes), while the status rule (no codes given) still fails its row
    first = {k: (codes[k][0] * 0, codes[k][1]) for k in keys}
    found = {f for f, _ in column_failures(frame, ctx, codes=first)}
    assert "issue" not in found and "document_id" not in found and "status" in found
    assert [(f, list(r)) for f, r in column_failures(frame, ctx)] == expected  # given for that call only


def test_dictionary_codes_are_factorize_codes():
    """Arrow's dictionary encoding numbers values as ``pandas.factorize`` does: first appearance, -1 for missing."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    from toolkit.records.textbytes import dictionary_codes

    values = ["b", "a", None, "b", "é", "a", ""]
    column = pa.chunked_array([pa.array(values[:3]), pa.array(values[3:])])
    codes, uniques = dictionary_codes(column)
    want_codes, want_uniques = pd.factorize(pd.Series(values, dtype=object))
    assert codes.tolist() == want_codes.tolist()
    assert list(uniques) == list(want_uniques)
