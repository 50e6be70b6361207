"""The append-only annotation store: append, upsert, delete, undo, history,
compaction, torn lines and concurrent appends."""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import pytest

from toolkit.errors import DataError, StoreError, ValidationError
from toolkit.records import make_annotation
from toolkit.store import Store


def _rec(doc, start, end, annotator="alice", **codes):
    base = dict(issue="cyber", stance="grievance", actor="US", target="Russia", intensity=1)
    base.update(codes)
    return make_annotation(doc, start, end, annotator=annotator, created="2026-01-01T00:00:00Z", **base)


@pytest.fixture
def store(tmp_path, codebook, documents, summits):
    return Store(tmp_path / "set", codebook=codebook, documents=documents, summits=summits)


def lines(store, name="alice"):
    return [json.loads(ln) for ln in store.log_path(name).read_text(encoding="utf-8").splitlines()]


def test_upsert_appends_one_line_per_operation(store, seed):
    op = store.upsert(_rec(seed, 242, 256))
    assert op["op"] == "upsert" and len(op["op_id"]) == 16
    assert [ln["id"] for ln in lines(store)] == [op["id"]]
    assert store.read("alice").annotations[op["id"]]["quote"] == "cyber security"


def test_edit_keeps_id_and_last_operation_wins(store, seed):
    rec = _rec(seed, 242, 256)
    store.upsert(rec)
    store.upsert({**rec, "intensity": 2, "note": "stronger"})
    state = store.read("alice")
    assert len(state.annotations) == 1 and state.ops == 2
    assert state.annotations[rec["id"]]["intensity"] == 2
    assert len(lines(store)) == 2


def test_delete_removes_live_record_but_keeps_history(store, seed):
    rec = _rec(seed, 242, 256)
    store.upsert(rec)
    store.delete(rec["id"], "alice")
    assert store.read("alice").annotations == {}
    assert [op["op"] for op in store.history(rec["id"], "alice")] == ["upsert", "delete"]
    with pytest.raises(StoreError, match="no live annotation"):
        store.delete(rec["id"], "alice")


def test_undo_reverses_operations_in_order(store, seed):
    a = _rec(seed, 242, 256)
    b = _rec(seed, 324, 329, issue="syria")
    store.upsert(a)
    store.upsert(b)
    store.upsert({**a, "intensity": 3})
    store.delete(b["id"], "alice")
    # undo the delete -> b is back
    u1 = store.undo("alice")
    assert u1["undoes"] and b["id"] in store.read("alice").annotations
    # undo the edit -> a back to intensity 1
    store.undo("alice")
    assert store.read("alice").annotations[a["id"]]["intensity"] == 1
    # undo b's creation, then a's
    store.undo("alice")
    store.undo("alice")
    assert store.read("alice").annotations == {}
    assert store.undo("alice") is None
    # the log kept everything: 4 operations + 4 undos
    assert len(lines(store)) == 8


def test_invalid_record_writes_nothing(store, seed):
    bad = _rec(seed, 242, 256, issue="weather")
    with pytest.raises(ValidationError, match="issue"):
        store.upsert(bad)
    assert not store.log_path("alice").exists()


def test_quote_mismatch_is_refused(store, seed):
    rec = _rec(seed, 242, 256)
    rec["quote"] = "cyber insecurity"
    with pytest.raises(ValidationError, match="quote"):
        store.upsert(rec)


def test_bad_annotator_name_cannot_escape_the_folder(store, seed):
    with pytest.raises(StoreError, match="annotator name"):
        store.log_path("../evil")


def test_bad_line_is_reported_and_the_rest_loads(store, seed):
    store.upsert(_rec(seed, 242, 256))
    with open(store.log_path("alice"), "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    store.upsert(_rec(seed, 324, 329, issue="syria"))
    state = store.read("alice")
    assert len(state.annotations) == 2
    assert len(state.problems) == 1 and state.problems[0].line == 2
    assert "not valid JSON" in state.problems[0].message


def test_torn_last_line_is_reported_then_set_aside(store, seed):
    store.upsert(_rec(seed, 242, 256))
    path = store.log_path("alice")
    with open(path, "ab") as fh:
        fh.write(b'{"op": "upsert", "id": "half')
    state = store.read("alice")
    assert state.torn is not None and state.torn.line == 2
    assert len(state.annotations) == 1 and not state.problems
    store.upsert(_rec(seed, 324, 329, issue="syria"))
    side = Path(str(path) + ".torn").read_bytes()
    assert side == b'{"op": "upsert", "id": "half\n'
    state = store.read("alice")
    assert state.torn is None and len(state.annotations) == 2 and not state.problems


def test_compaction_keeps_live_state_and_a_backup(store, seed):
    a = _rec(seed, 242, 256)
    store.upsert(a)
    store.upsert({**a, "intensity": 2})
    b = _rec(seed, 324, 329, issue="syria")
    store.upsert(b)
    store.delete(b["id"], "alice")
    before = store.read("alice").annotations
    backup = store.compact("alice")
    assert len(backup.read_text(encoding="utf-8").splitlines()) == 4
    assert len(lines(store)) == 1
    assert store.read("alice").annotations == before


def test_compaction_refuses_a_log_with_bad_lines(store, seed):
    store.upsert(_rec(seed, 242, 256))
    with open(store.log_path("alice"), "a", encoding="utf-8") as fh:
        fh.write("garbage\n")
    with pytest.raises(DataError, match="line 2"):
        store.compact("alice")


def test_store_error_when_path_is_a_file(tmp_path, seed, codebook):
    blocker = tmp_path / "notadir"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="nothing was written"):
        Store(blocker, codebook=codebook).upsert(_rec(seed, 242, 256))


def _appender(root: str, annotator: str, n: int, offset: int) -> None:
    from tests.conftest import DATA, SEED_ID
    from toolkit.corpus import load_documents

    doc = load_documents(DATA / "documents")[SEED_ID]
    store = Store(root)
    for i in range(n):
        rec = make_annotation(
            doc,
            242,
            256,
            issue="cyber",
            stance="grievance",
            actor="US",
            target="Russia",
            intensity=1,
            annotator=annotator,
            created="2026-01-01T00:00:00Z",
            id=f"{offset + i:012x}",
        )
        store.upsert(rec)


def test_two_processes_appending_at_once(tmp_path):
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_appender, args=(str(tmp_path), "alice", 200, k * 1000)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    raw = (tmp_path / "alice.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(raw) == 400
    parsed = [json.loads(ln) for ln in raw]  # every line whole: no interleaved bytes
    assert len({p["id"] for p in parsed}) == 400
    assert len(Store(tmp_path).read("alice").annotations) == 400


def test_identical_operations_get_distinct_ids_and_undo_one_at_a_time(store, seed):
    rec = _rec(seed, 242, 256)
    first = store.upsert(rec)
    second = store.upsert(rec)  # same content, very likely the same second
    assert first["op_id"] != second["op_id"]
    store.undo("alice")
    assert rec["id"] in store.read("alice").annotations  # only the repeat was undone
    store.undo("alice")
    assert store.read("alice").annotations == {}
