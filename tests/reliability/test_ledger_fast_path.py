"""The ledger's fast path for big, clean logs gives exactly the careful path's ledger.

``toolkit.ledger.load_ledger`` parses a clean log of at least
``FAST_PATH_MIN_BYTES`` with pyarrow and checks it column by column; anything
unusual sends the log through ``Store.read`` instead. These tests build a
SYNTHETIC log (codings of the real seed article at seeded random offsets,
noted as synthetic; ``tests/synthetic.py``, shared with ``bench/``) of about
1.5 MB, once per session, and check that:

* the fast path is taken for the clean log, and its ledger equals, frame for
  frame, the one the careful path builds;
* every kind of irregularity (bad JSON, a delete, an undo, a torn tail, a
  wrong type, an explicit null, an unknown code, an unknown summit, a quote
  that no longer matches, another annotator's record) makes the fast path
  decline, and the ledger is again exactly the careful path's.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from toolkit.codebook import load_codebook
from toolkit.corpus import load_documents, load_summits
from toolkit.ledger import build as ledger_mod
from toolkit.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from synthetic import synthetic_ops, write_log  # noqa: E402  (shared with bench/)

REPO = Path(__file__).resolve().parents[2]
N = 2_500


@pytest.fixture(scope="session")
def synthetic_logs(tmp_path_factory) -> Path:
    """The synthetic logs, written once per session: ``big.jsonl`` (about 1.5 MB) and ``small.jsonl``."""
    root = tmp_path_factory.mktemp("fast-path-logs")
    lines = list(synthetic_ops(N, "big", seed=7))
    # Some ids upserted twice (an edit): the last one must win on both paths.
    edited = [ln.replace(b'"intensity": 1', b'"intensity": 3') for ln in lines[:50] if b'"intensity": 1' in ln]
    assert edited
    (root / "big.jsonl").write_bytes(b"".join(lines + edited))
    assert (root / "big.jsonl").stat().st_size >= ledger_mod.FAST_PATH_MIN_BYTES
    write_log(root / "small.jsonl", 20, "small", seed=3)
    return root


@pytest.fixture
def data(tmp_path, synthetic_logs):
    """A scratch copy of the real data folder with the synthetic logs as set ``synthetic`` (tests edit them)."""
    d = tmp_path / "data"
    shutil.copytree(REPO / "data", d, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak"))
    shutil.copytree(synthetic_logs, d / "annotations" / "synthetic")
    return d


def careful(data: Path, monkeypatch) -> pd.DataFrame:
    with monkeypatch.context() as m:
        m.setattr(ledger_mod, "FAST_PATH_MIN_BYTES", 1 << 62)
        return ledger_mod.load_ledger(data, sets=["reference", "synthetic"])


def store_for(data: Path) -> Store:
    cb = load_codebook(data / "codebook.yaml")
    sm = load_summits(data / "summits.yaml", cb)
    return Store(data / "annotations" / "synthetic", codebook=cb, documents=load_documents(data / "documents", sm), summits=sm)


def test_clean_log_takes_the_fast_path_and_matches(data, monkeypatch):
    fast_frame = ledger_mod._fast_live_frame(store_for(data), "big")
    assert fast_frame is not None, "the clean log should take the fast path"
    assert ledger_mod._fast_live_frame(store_for(data), "small") is None  # too small: careful path
    fast = ledger_mod.load_ledger(data, sets=["reference", "synthetic"])
    slow = careful(data, monkeypatch)
    assert len(slow) > N * 0.9
    pd.testing.assert_frame_equal(fast, slow)


def _edit_line(log: Path, n: int, fn) -> None:
    lines = log.read_text(encoding="utf-8").split("\n")
    lines[n] = fn(lines[n])
    log.write_text("\n".join(lines), encoding="utf-8")


def _set(field, value):
    def fn(line):
        op = json.loads(line)
        op[field] = value
        return json.dumps(op, ensure_ascii=False)

    return fn


IRREGULAR = {
    "bad-json": lambda line: line[:40],
    "delete": lambda line: json.dumps(
        {"op": "delete", "op_id": "x", "at": "2026-01-01T00:00:00Z", "id": json.loads(line)["id"], "annotator": "big"}
    ),
    "undo": _set("undoes", "0000000000000000"),
    "wrong-type": _set("intensity", "2"),
    "explicit-null": _set("note", None),
    "unknown-code": _set("issue", "trade-war"),
    "unknown-summit": _set("summit_id", "2021-12-08-nowhere"),
    "quote-mismatch": _set("quote", "not the text"),
    "other-annotator": _set("annotator", "someone-else"),
    "bool-offset": _set("start", True),
}


@pytest.mark.parametrize("kind", sorted(IRREGULAR))
def test_irregular_log_declines_the_fast_path_and_matches(data, monkeypatch, kind):
    log = data / "annotations" / "synthetic" / "big.jsonl"
    _edit_line(log, 1234, IRREGULAR[kind])
    assert ledger_mod._fast_live_frame(store_for(data), "big") is None
    pd.testing.assert_frame_equal(ledger_mod.load_ledger(data, sets=["reference", "synthetic"]), careful(data, monkeypatch))


def test_torn_tail_declines_the_fast_path(data, monkeypatch):
    log = data / "annotations" / "synthetic" / "big.jsonl"
    with open(log, "ab") as fh:
        fh.write(b'{"op": "upsert", "id": "torn')
    assert ledger_mod._fast_live_frame(store_for(data), "big") is None
    pd.testing.assert_frame_equal(ledger_mod.load_ledger(data, sets=["reference", "synthetic"]), careful(data, monkeypatch))
