"""The store under real faults: SIGKILL, concurrent processes, a full disk, a read-only folder.

Every record here is synthetic, generated at run time. Each case checks the
outcome (exit code or exception), that there is one clear message naming the
file (and line and field where there is one), and the digest of the folder
before and after: unchanged on refusal, only the intended change on success.
"""

from __future__ import annotations

import hashlib
import json
import random
import signal
import sys
import time
from pathlib import Path

import pytest

from toolkit.errors import StoreError, ValidationError
from toolkit.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import child, remount, synthetic_record, tmpfs, tree_digest, write_ops


def live_ids(root: Path, name: str) -> dict:
    st = Store(root).read(name)
    assert st.problems == [] and st.torn is None, st.problems[:3]
    return st.annotations


# ------------------------------------------------------------------ compaction
def test_partial_backup_is_not_trusted(tmp_path):
    root = tmp_path / "set"
    write_ops(root / "a.jsonl", "a", 300, edits=50, deletes=40)
    original = (root / "a.jsonl").read_bytes()
    before = live_ids(root, "a")
    digest = hashlib.sha256(original).hexdigest()[:12]
    planted = root / f"a.jsonl.{digest}.bak"
    planted.write_bytes(original[: len(original) // 3])  # what a killed compaction used to leave
    backup = Store(root).compact("a")
    assert backup == planted
    assert backup.read_bytes() == original, "the partial backup was trusted: history lost"
    assert live_ids(root, "a") == before
    assert len((root / "a.jsonl").read_bytes().splitlines()) == 260


def test_compaction_on_a_full_disk_leaves_everything_as_it_was(tmp_path):
    with tmpfs(tmp_path / "mnt", "160k") as mnt:
        root = mnt / "set"
        write_ops(root / "a.jsonl", "a", 200, edits=40, deletes=20)  # ~115 KB: no room for a backup
        before = tree_digest(mnt)
        with pytest.raises(StoreError) as exc:
            Store(root).compact("a")
        msg = str(exc.value)
        assert "No space left on device" in msg and ".bak" in msg and "unchanged" in msg
        assert tree_digest(mnt) == before, "a partial backup or temp file was left behind"
        # With room again, a later compaction keeps the full history.
        remount(mnt, "size=2m")
        original = (root / "a.jsonl").read_bytes()
        backup = Store(root).compact("a")
        assert backup.read_bytes() == original


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_sigkill_during_compaction_keeps_history(tmp_path, seed):
    """Kill a compaction of a 20,000-operation log (about 10 MB) at a random moment, then compact again."""
    root = tmp_path / "set"
    write_ops(root / "big.jsonl", "big", 15_000, edits=3_000, deletes=2_000)
    original = (root / "big.jsonl").read_bytes()
    before = live_ids(root, "big")
    # How long one compaction takes here (on a copy), so the kill lands inside it.
    calib = tmp_path / "calib"
    calib.mkdir()
    (calib / "big.jsonl").write_bytes(original)
    t = time.perf_counter()
    Store(calib).compact("big")
    took = time.perf_counter() - t
    p = child("compact", str(root), "big")
    assert p.stdout.readline().strip() == "ready"
    time.sleep(random.Random(seed).uniform(0.2, 1.2) * took)
    p.send_signal(signal.SIGKILL)
    p.wait()
    Store(root).compact("big")  # again, whether or not the killed one had finished
    backup = root / f"big.jsonl.{hashlib.sha256(original).hexdigest()[:12]}.bak"
    assert backup.read_bytes() == original, "history lost: no backup holds the old log"
    assert live_ids(root, "big") == before
    assert not list(root.glob(".*.tmp")), "temp files of the killed compaction were left"


# ------------------------------------------------------------------ one lock
@pytest.mark.slow
def test_two_processes_undoing_at_once_leave_no_invalid_line(tmp_path):
    root = tmp_path / "set"
    write_ops(root / "u.jsonl", "u", 200)
    procs = [child("undo", str(root), "u", "100") for _ in range(2)]
    undone = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        undone += out.split()
    assert len(undone) == 200 and len(set(undone)) == 200, "an operation was undone twice"
    st = Store(root).read("u")
    assert st.problems == [] and st.torn is None
    assert st.annotations == {} and st.undo_stack == []
    assert Store(root).compact("u").exists()


def test_two_processes_deleting_the_same_records(tmp_path):
    root = tmp_path / "set"
    write_ops(root / "d.jsonl", "d", 60)
    procs = [child("delete", str(root), "d", "0", "60") for _ in range(2)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        outs += out.splitlines()
    ok = [line.split()[1] for line in outs if line.startswith("ok ")]
    assert sorted(ok) == sorted(synthetic_record("d", i)["id"] for i in range(60)), "a record deleted twice or never"
    st = Store(root).read("d")
    assert st.problems == [] and st.annotations == {}


@pytest.mark.slow
def test_an_edit_saved_during_a_long_transaction_is_not_reverted(tmp_path):
    """A stand-in for re-anchoring: the transaction holds the lock; the edit waits and lands after it."""
    root = tmp_path / "set"
    write_ops(root / "r.jsonl", "r", 50)
    p = child("hold", str(root), "r", "1.5")
    assert p.stdout.readline().strip() == "holding"
    edited = {**synthetic_record("r", 7), "note": "synthetic edit acknowledged during the transaction"}
    Store(root).upsert(edited)  # blocks until the transaction has written
    _, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert live_ids(root, "r")[edited["id"]]["note"] == edited["note"]
    assert live_ids(root, "r")[synthetic_record("r", 8)["id"]]["note"].endswith("(held)")


# ------------------------------------------------------------------ batches
def test_batch_with_a_lone_surrogate_writes_nothing(tmp_path):
    root = tmp_path / "set"
    write_ops(root / "b.jsonl", "b", 5)
    before = tree_digest(root)
    recs = [synthetic_record("b", i) for i in range(10, 20)]
    recs[6] = {**recs[6], "note": "synthetic \ud800 note"}
    with pytest.raises(ValidationError) as exc:
        Store(root).append_many(recs)
    assert len(exc.value.problems) == 1
    assert exc.value.problems[0].field == "note" and "surrogate" in exc.value.problems[0].message
    assert tree_digest(root) == before


def test_batch_over_several_logs_is_all_or_nothing_on_a_full_disk(tmp_path):
    with tmpfs(tmp_path / "mnt", "96k") as mnt:
        root = mnt / "set"
        write_ops(root / "x.jsonl", "x", 40)
        write_ops(root / "y.jsonl", "y", 40)
        before = tree_digest(mnt)
        recs = [synthetic_record(n, i) for i in range(100, 160) for n in ("x", "y")]
        with pytest.raises(StoreError) as exc:
            Store(root).append_many(recs)
        assert "No space left on device" in str(exc.value) and "nothing was written" in str(exc.value)
        assert tree_digest(mnt) == before
        remount(mnt, "size=1m")
        Store(root).append_many(recs)
        assert len(live_ids(root, "x")) == 100 and len(live_ids(root, "y")) == 100


def test_interrupted_multi_log_batch_is_rolled_forward(tmp_path):
    """A journal left by a batch killed after its commit point is finished by the next reader."""
    from toolkit.store import JOURNAL

    root = tmp_path / "set"
    write_ops(root / "x.jsonl", "x", 3)
    write_ops(root / "y.jsonl", "y", 3)
    staged_x = root / ".x.jsonl.k1_ab.batch"
    write_ops(staged_x, "x", 8)
    staged_y = root / ".y.jsonl.k2_cd.batch"
    write_ops(staged_y, "y", 9)
    (root / "x.jsonl").write_bytes(staged_x.read_bytes())  # x was renamed, y not yet
    staged_x.unlink()
    (root / JOURNAL).write_text(json.dumps({"renames": [[staged_x.name, "x.jsonl"], [staged_y.name, "y.jsonl"]]}))
    assert len(Store(root).read("y").annotations) == 9
    assert not (root / JOURNAL).exists() and not staged_y.exists()


def test_a_journal_naming_other_files_is_refused(tmp_path):
    from toolkit.store import JOURNAL

    root = tmp_path / "set"
    write_ops(root / "x.jsonl", "x", 3)
    (root / JOURNAL).write_text(json.dumps({"renames": [["../../etc/passwd", "x.jsonl"]]}))
    before = tree_digest(root)
    with pytest.raises(StoreError) as exc:
        Store(root).read("x")
    assert JOURNAL in str(exc.value)
    assert tree_digest(root) == before


# ------------------------------------------------------------------ permissions
def test_read_only_folder_gives_one_clear_error(tmp_path):
    with tmpfs(tmp_path / "mnt", "1m") as mnt:
        root = mnt / "set"
        write_ops(root / "a.jsonl", "a", 5)
        remount(mnt, "ro")
        before = tree_digest(mnt)
        for action in (
            lambda s: s.upsert(synthetic_record("a", 9)),
            lambda s: s.undo("a"),
            lambda s: s.compact("a"),
            lambda s: s.append_many([synthetic_record("a", 10)]),
        ):
            with pytest.raises(StoreError) as exc:
                action(Store(root))
            assert "Read-only file system" in str(exc.value) and str(root) in str(exc.value)
        assert tree_digest(mnt) == before
        assert len(Store(root).read("a").annotations) == 5  # reading still works


@pytest.mark.slow
def test_an_edit_saved_while_reanchor_runs_is_kept(tmp_path):
    """Defect 2a: `summit-ledger reanchor` over 4,000 synthetic annotations; an edit saved meanwhile survives."""
    import subprocess

    from faults import ENV, REPO, scratch_data
    from synthetic import SEED_DOC, write_log

    data = scratch_data(tmp_path / "data")
    log = data / "annotations" / "synth" / "synth.jsonl"
    write_log(log, 4_000, "synth", seed=3)
    txt = data / "documents" / f"{SEED_DOC}.txt"
    txt.write_text("Synthetic sentence added for this test. " + txt.read_text(encoding="utf-8"), encoding="utf-8")
    store = Store(data / "annotations" / "synth")
    target = list(store.read("synth").annotations.values())[-1]  # re-anchored last
    p = subprocess.Popen(
        [sys.executable, "-m", "toolkit.commands.main", "reanchor", SEED_DOC, "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=ENV,
    )
    lock = Path(str(log) + ".lock")
    deadline = time.monotonic() + 120
    while not lock.exists() and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # re-anchoring has read the log and is deciding
    edited = {**target, "note": "synthetic edit acknowledged while re-anchoring ran"}
    Store(data / "annotations" / "synth").upsert(edited)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err
    live = Store(data / "annotations" / "synth").read("synth").annotations
    assert live[target["id"]]["note"] == edited["note"], "the acknowledged edit was reverted"
