"""The store's incremental index and change token, record kinds, and readers that report what they skip.

Records are synthetic (``tests/synthetic.py``) unless they code the real seed article.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import pytest

from toolkit.errors import Problem, StoreError, ValidationError
from toolkit.records import validate_record
from toolkit.store import RecordKind, Store, register_kind
from toolkit.store import index as storeindex
from toolkit.store import log as storelog

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import seed_records, synthetic_record

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def fed(monkeypatch) -> list[int]:
    """Bytes each Replay.feed call received (to prove nothing is replayed twice)."""
    sizes: list[int] = []
    real = storeindex.Replay.feed

    def spy(self, data):
        sizes.append(len(data))
        return real(self, data)

    monkeypatch.setattr(storeindex.Replay, "feed", spy)
    return sizes


def test_token_changes_on_every_append_and_only_then(tmp_path):
    store = Store(tmp_path)
    seen = {store.token}
    store.upsert(synthetic_record("a", 1))
    seen.add(store.token)
    store.upsert(synthetic_record("a", 2))
    seen.add(store.token)
    store.delete(synthetic_record("a", 1)["id"], "a")
    seen.add(store.token)
    store.undo("a")
    seen.add(store.token)
    store.append_many([synthetic_record("a", 3), synthetic_record("b", 1)])
    seen.add(store.token)
    assert len(seen) == 6
    t = store.token
    store.read("a")
    store.live("a")
    assert store.token == t, "a read with nothing new changed the token"
    assert store.version("a") <= t and store.version("b") <= t


def test_own_writes_and_undo_never_replay_the_log(tmp_path, fed):
    store = Store(tmp_path)
    store.append_many([synthetic_record("a", i) for i in range(500)])
    store.read("a")
    fed.clear()
    for i in range(20):
        store.upsert(synthetic_record("a", 1000 + i))
        store.undo("a")
        store.delete(synthetic_record("a", i)["id"], "a")
    assert sum(fed) == 0, f"{sum(fed)} bytes re-read for the store's own writes"
    assert len(store.read("a").annotations) == 480


def test_other_writers_are_read_incrementally(tmp_path, fed):
    mine, theirs = Store(tmp_path), Store(tmp_path)
    theirs.append_many([synthetic_record("a", i) for i in range(300)])
    assert len(mine.live("a")) == 300
    fed.clear()
    t = mine.token
    theirs.upsert(synthetic_record("a", 999))
    assert mine.token == t  # not seen until the next look
    assert synthetic_record("a", 999)["id"] in mine.live("a")
    assert mine.token != t
    assert 0 < sum(fed) < 1000, "more than the one new line was read"


def test_index_follows_compaction_and_random_operations_by_others(tmp_path):
    rng = random.Random(5)
    stores = [Store(tmp_path), Store(tmp_path)]
    nxt = 0
    for _ in range(300):
        s = rng.choice(stores)
        r = rng.random()
        live = list(s.live("a"))
        if r < 0.5 or not live:
            s.upsert(synthetic_record("a", nxt))
            nxt += 1
        elif r < 0.7:
            s.delete(rng.choice(live), "a")
        elif r < 0.95:
            s.undo("a")
        else:
            s.compact("a")
        fresh = Store(tmp_path).read("a")
        for st in stores:
            got = st.read("a")
            assert got.annotations == fresh.annotations and got.undo_stack == fresh.undo_stack
            assert got.problems == [] and got.torn is None


def test_transact_checks_everything_before_writing(tmp_path):
    store = Store(tmp_path)
    store.upsert(synthetic_record("a", 1))
    size = store.log_path("a").stat().st_size
    with pytest.raises(StoreError):
        store.transact("a", lambda st: [synthetic_record("a", 2), {"op": "delete", "id": "nope"}])
    with pytest.raises(ValidationError):
        store.transact("a", lambda st: [synthetic_record("a", 3), {**synthetic_record("a", 4), "start": -1}])
    assert store.log_path("a").stat().st_size == size
    ops = store.transact("a", lambda st: [{"op": "delete", "id": k} for k in st.annotations])
    assert [o["op"] for o in ops] == ["delete"] and store.live("a") == {}


def test_record_kinds_dispatch_on_kind(tmp_path):
    """A registered kind is validated by its own rule; an unknown kind is a problem, not a crash."""

    def validate_memo(rec, *, file="<record>", line=None, codebook=None, documents=None, summits=None):
        if not isinstance(rec.get("summary"), str):
            return [Problem(file, line, "summary", "missing")]
        return []

    register_kind(RecordKind("memo", validate_memo))
    try:
        store = Store(tmp_path)
        memo = {"kind": "memo", "id": "m-1", "annotator": "a", "summary": "synthetic memo"}
        store.upsert(memo)
        store.upsert(synthetic_record("a", 1))
        assert store.read("a").annotations["m-1"] == memo
        with pytest.raises(ValidationError):
            store.upsert({"kind": "memo", "id": "m-2", "annotator": "a"})
        with pytest.raises(ValidationError):
            store.upsert({"kind": "rumour", "id": "r-1", "annotator": "a"})
    finally:
        storelog._KINDS.pop("memo", None)
    st = Store(tmp_path).read("a")
    assert [p.field for p in st.problems] == ["kind"] and "not a known record kind" in st.problems[0].message


def test_lone_surrogate_in_a_log_line_is_a_problem_not_a_crash(tmp_path):
    store = Store(tmp_path)
    store.upsert(synthetic_record("a", 1))
    with open(store.log_path("a"), "ab") as fh:
        fh.write(
            b'{"op": "upsert", "op_id": "x", "at": "2026-01-01T00:00:00Z", '
            + __import__("json").dumps({**synthetic_record("a", 2), "note": "\ud800"})[1:].encode()
            + b"\n"
        )
    st = Store(tmp_path).read("a")
    assert len(st.annotations) == 1
    # the strict JSON reader refuses the line (naming line and column) before the record check would name the field
    assert [p.line for p in st.problems] == [2] and "surrogate" in st.problems[0].message
    with pytest.raises(Exception) as exc:
        Store(tmp_path).compact("a")
    assert "surrogate" in str(exc.value)
    assert validate_record({**synthetic_record("a", 3), "quote": "x\udfffy"})[0].field == "quote"


def test_complete_last_line_without_newline_is_kept(tmp_path):
    store = Store(tmp_path)
    for i in range(3):
        store.upsert(synthetic_record("a", i))
    path = store.log_path("a")
    path.write_bytes(path.read_bytes()[:-1])  # the last record is whole, only its newline is missing
    st = Store(tmp_path).read("a")
    assert len(st.annotations) == 3 and st.torn is None and st.problems == []
    Store(tmp_path).upsert(synthetic_record("a", 3))
    assert not Path(str(path) + ".torn").exists()
    assert len(Store(tmp_path).read("a").annotations) == 4
    assert len(path.read_bytes().splitlines()) == 4


@pytest.fixture
def messy_data(tmp_path) -> Path:
    """The real data, with one bad code, a last line without newline, and a log under an unusable name."""
    d = tmp_path / "data"
    shutil.copytree(DATA, d, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak"))
    log = d / "annotations" / "reference" / "reference.jsonl"
    lines = log.read_bytes().splitlines()
    lines[3] = lines[3].replace(b'"stance": "', b'"stance": "bogus-', 1)
    log.write_bytes(b"\n".join(lines))  # no final newline
    shutil.copy(DATA / "annotations" / "independent" / "coder-a.jsonl", d / "annotations" / "reference" / "Coder A.jsonl")
    return d


def test_load_ledger_reports_what_it_leaves_out(messy_data):
    from toolkit.ledger import load_ledger

    clean = load_ledger(DATA, sets=["reference"], include_briefs=False)
    ledger = load_ledger(messy_data, sets=["reference"], include_briefs=False)
    problems = ledger.attrs["problems"]
    # line 4 is a 1.0 upsert that a later 2.0 upsert supersedes, so the live ledger is the same as the clean one
    assert len(ledger) == len(clean), "a valid record (the one without newline) was dropped"
    assert any(p.field == "stance" and p.line == 4 for p in problems)
    assert any(p.file.endswith("Coder A.jsonl") and p.field == "annotator" for p in problems)
    assert len(problems) == 2


@pytest.mark.parametrize("argv", [["export", "ledger-csv", "--set", "reference"], ["figures", "--sets", "reference"]])
def test_strict_turns_skipped_records_into_exit_1(messy_data, tmp_path, capsys, argv):
    from toolkit.commands.main import main

    out = tmp_path / ("out.csv" if argv[0] == "export" else "figs")
    assert main([*argv, "--out", str(out), "--data", str(messy_data), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "Coder A.jsonl" in err and "field 'stance'" in err and "Traceback" not in err
    assert not out.exists()
    if argv[0] == "export":
        assert main([*argv, "--out", str(out), "--data", str(messy_data)]) == 0
        err = capsys.readouterr().err
        assert "warning: 2 problems left annotations out" in err and out.exists()


def test_append_many_decides_what_to_skip_under_the_lock(tmp_path):
    store = Store(tmp_path)
    store.append_many([synthetic_record("a", i) for i in range(5)])
    other = Store(tmp_path)
    other.upsert({**synthetic_record("a", 2), "note": "synthetic edit by someone else"})
    recs = [synthetic_record("a", i) for i in range(7)]
    ops = store.append_many(recs, skip=lambda rec, live: live is not None and live["note"] == rec["note"])
    # 0, 1, 3, 4 are there unchanged; 2 was edited meanwhile (so it differs now); 5, 6 are new.
    assert sorted(op["id"] for op in ops) == [synthetic_record("a", i)["id"] for i in (2, 5, 6)]
    assert store.append_many(recs, skip=lambda rec, live: live is not None) == []


def test_change_token_moves_only_when_the_log_does(tmp_path):
    mine, theirs = Store(tmp_path), Store(tmp_path)
    t0 = mine.change_token("a")
    assert mine.change_token("a") == t0, "a look with nothing new moved the token"
    theirs.upsert(synthetic_record("a", 1))
    t1 = mine.change_token("a")
    assert t1 != t0
    mine.upsert(synthetic_record("b", 1))  # another log: this one's token stays
    assert mine.change_token("a") == t1
    mine.upsert(synthetic_record("a", 2))
    assert mine.change_token("a") not in (t0, t1)


def test_annotator_session_never_replays_rereads_or_stats_the_log(tmp_path, fed, monkeypatch, seed, codebook, summits):
    """Save, edit, delete and undo in a session fold their own operation: no replay, no read, no stat by the session."""
    from toolkit.session import AnnotationSession

    store = Store(tmp_path, codebook=codebook, summits=summits)
    store.append_many([synthetic_record("alice", i) for i in range(300)])
    session = AnnotationSession(seed, codebook, store, "alice", summits)
    before = len(session.annotations())
    reads, stats = [], []
    monkeypatch.setattr(Store, "read", lambda self, name: reads.append(name))  # any re-read would now fail loudly
    real_stat = Path.stat

    def stat(self, *args, **kwargs):
        if self.suffix == ".jsonl":
            stats.append(self)
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    fed.clear()
    session.select(126, 188)
    for k, v in {"stance": "goodwill", "actor": "US", "target": "Russia", "intensity": 2}.items():
        session.set_code(k, v)
    saved = session.save()
    session.edit(saved["id"])
    session.set_code("intensity", 3)
    session.save()
    session.delete(saved["id"])
    session.undo()
    session.undo()
    assert len(session.annotations()) == before + 1 and session.runs()
    assert (sum(fed), reads, stats) == (0, [], []), "the session replayed, re-read or stat'ed the log"
    monkeypatch.undo()
    assert {a["id"] for a in session.annotations()} == {
        a["id"] for a in Store(tmp_path).read("alice").annotations.values() if a["document_id"] == seed.id
    }


def test_a_write_by_another_process_just_before_the_sessions_own_is_not_missed(tmp_path, seed, codebook, summits):
    """Another writer appends between the session's look at the token and its own append: the session reads it."""
    from toolkit.records import make_annotation
    from toolkit.session import AnnotationSession

    store, theirs = Store(tmp_path, codebook=codebook, summits=summits), Store(tmp_path)
    session = AnnotationSession(seed, codebook, store, "alice", summits)
    assert session.annotations() == []
    foreign = make_annotation(
        seed, 242, 256, issue="syria", stance="grievance", actor="US", target="Russia", intensity=1, annotator="alice"
    )
    real = store.upsert

    def upsert_after_another_writer(rec, **kw):
        theirs.upsert(foreign)  # lands after the session's check, before its own line
        return real(rec, **kw)

    store.upsert = upsert_after_another_writer  # type: ignore[method-assign]
    session.select(126, 188)
    for k, v in {"stance": "goodwill", "actor": "US", "target": "Russia", "intensity": 2}.items():
        session.set_code(k, v)
    saved = session.save()
    store.upsert = real  # type: ignore[method-assign]
    assert {a["id"] for a in session.annotations()} == {saved["id"], foreign["id"]}
    assert foreign["id"] in session.ids_at(session.to_utf16(243))


def test_a_batch_is_validated_once_and_folds_to_what_a_fresh_read_finds(tmp_path, monkeypatch, documents, codebook, summits):
    store = Store(tmp_path, codebook=codebook, documents=documents, summits=summits)
    store.read("a")  # the log's index exists, so the batch is folded into it
    checks: list[int] = []
    real = storeindex.Replay.check
    monkeypatch.setattr(storeindex.Replay, "check", lambda self, op, n: checks.append(n) or real(self, op, n))
    ops = store.append_many(list(seed_records(20, "a")))
    assert len(ops) == 20 and checks == [], "the batch's records were validated again when folded"
    fresh = Store(tmp_path, codebook=codebook, documents=documents, summits=summits).read("a")
    mine = store.read("a")
    assert mine.annotations == fresh.annotations and len(mine.annotations) == 20
    assert mine.problems == fresh.problems == [] and mine.undo_stack == fresh.undo_stack
    # Operations checked against another codebook (even an equal one) are validated as they are folded.
    replay = storeindex.Replay("x", "a", codebook=codebook, documents=documents, summits=summits)
    assert replay.checked_against((codebook, documents, summits))
    assert not replay.checked_against((object(), documents, summits)) and not replay.checked_against(None)
    replay.fold(1, {"op": "upsert", **next(seed_records(1, "b"))}, checked=False)
    assert replay.problems and replay.problems[0].field == "annotator"
