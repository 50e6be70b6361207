"""Concurrent appends: 4 processes x 2,500 appends, one shared log and private logs at once.

Four writer processes start together. Each interleaves, one upsert at a time,
2,500 appends to the shared log ``shared.jsonl`` with 2,500 appends to its own
log ``solo-<k>.jsonl``. Afterwards the shared log must hold exactly 10,000
valid records, each private log exactly 2,500, and every line must be one
whole operation whose content is exactly what its writer produced: no
interleaved or lost bytes, and each writer's own order kept.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from toolkit.records import FIELDS
from toolkit.store import Store

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from synthetic import synthetic_record  # noqa: E402

REPO = HERE.parents[1]
CHILD = HERE / "writer_child.py"
PROCS, EACH = 4, 2_500


@pytest.fixture
def log_dir(tmp_path):
    """A RAM-disk folder when one is writable (see test_crash.py for why), else tmp_path."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        path = Path(tempfile.mkdtemp(prefix="summit-ledger-conc-", dir=shm))
        yield path
        shutil.rmtree(path, ignore_errors=True)
    else:
        yield tmp_path


def check_lines(log: Path, expected_count: int) -> list[dict]:
    """Every line of ``log`` is one complete JSON operation; return them."""
    raw = log.read_bytes()
    assert raw.endswith(b"\n"), f"{log.name} does not end with a newline"
    lines = raw.split(b"\n")[:-1]
    assert len(lines) == expected_count, f"{log.name}: {len(lines)} lines, expected {expected_count}"
    ops = []
    for n, line in enumerate(lines, 1):
        op = json.loads(line)  # raises on interleaved bytes
        assert isinstance(op, dict) and op["op"] == "upsert", f"{log.name}:{n}"
        assert line.count(b'"op_id"') == 1, f"{log.name}:{n} holds more than one operation"
        ops.append(op)
    return ops


@pytest.mark.slow
def test_four_writers_shared_and_private_logs(log_dir, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    procs = []
    gate = tmp_path / "gate"
    gate.mkdir()
    for k in range(PROCS):
        spec = f"shared:{k * EACH}:{EACH},solo-{k}:0:{EACH}"
        procs.append(
            subprocess.Popen(
                [sys.executable, str(CHILD), str(log_dir), spec, "--barrier", f"{gate}:{PROCS}"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                cwd=REPO,
                env=env,
            )
        )
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode("utf-8", "replace")

    store = Store(log_dir)
    assert store.annotators() == ["shared"] + [f"solo-{k}" for k in range(PROCS)]

    shared_ops = check_lines(store.log_path("shared"), PROCS * EACH)
    state = store.read("shared")
    assert state.problems == [] and state.torn is None
    assert len(state.annotations) == PROCS * EACH == state.ops
    for aid, rec in state.annotations.items():
        i = int(aid.rsplit("-", 1)[1])
        assert rec == {k: v for k, v in synthetic_record("shared", i).items() if k in FIELDS}
    # Each writer's records appear in the order it wrote them.
    positions = [int(op["id"].rsplit("-", 1)[1]) for op in shared_ops]
    for k in range(PROCS):
        mine = [i for i in positions if k * EACH <= i < (k + 1) * EACH]
        assert mine == list(range(k * EACH, (k + 1) * EACH)), f"writer {k}'s order was not kept"
    # The writers really overlapped (otherwise this test proves little): all of them had started
    # before any finished. They wait for each other before writing, so this does not depend on
    # how the scheduler interleaves them.
    spans = [tuple(map(float, p.read_text().split())) for p in gate.glob("interval-*")]
    assert len(spans) == PROCS
    assert max(a for a, _ in spans) < min(b for _, b in spans), f"writers ran one after another: {spans}"

    for k in range(PROCS):
        name = f"solo-{k}"
        check_lines(store.log_path(name), EACH)
        st = store.read(name)
        assert st.problems == [] and st.torn is None
        assert list(st.annotations) == [f"{name}-{i:06d}" for i in range(EACH)]
