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
    fast_frame = ledger_mod._fast_live_columns(store_for(data), "big")
    assert fast_frame is not None, "the clean log should take the fast path"
    assert ledger_mod._fast_live_columns(store_for(data), "small") is None  # too small: careful path
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
    assert ledger_mod._fast_live_columns(store_for(data), "big") is None
    pd.testing.assert_frame_equal(ledger_mod.load_ledger(data, sets=["reference", "synthetic"]), careful(data, monkeypatch))


def test_line_longer_than_a_parse_block_matches(data, monkeypatch):
    """The log is parsed in 2 MB blocks; a longer line (a 4.5 MB note) is read whole, still by the fast path."""
    log = data / "annotations" / "synthetic" / "big.jsonl"
    _edit_line(log, 1234, _set("note", "synthetic note " * 300_000))
    assert ledger_mod._fast_live_columns(store_for(data), "big") is not None
    fast = ledger_mod.load_ledger(data, sets=["reference", "synthetic"])
    assert (fast["note"].str.len() == 4_500_000).sum() == 1
    pd.testing.assert_frame_equal(fast, careful(data, monkeypatch))


def test_torn_tail_declines_the_fast_path(data, monkeypatch):
    log = data / "annotations" / "synthetic" / "big.jsonl"
    with open(log, "ab") as fh:
        fh.write(b'{"op": "upsert", "id": "torn')
    assert ledger_mod._fast_live_columns(store_for(data), "big") is None
    pd.testing.assert_frame_equal(ledger_mod.load_ledger(data, sets=["reference", "synthetic"]), careful(data, monkeypatch))


def test_big_log_alone_built_in_arrow_matches_the_careful_path(data, monkeypatch):
    """Only the big log, no briefs: the ledger is built in Arrow columns (toolkit.ledger.arrow) and equals the careful one."""
    from toolkit.ledger import arrow

    built = []
    real = arrow.arrow_ledger
    monkeypatch.setattr(arrow, "arrow_ledger", lambda *a, **k: built.append(real(*a, **k)) or built[-1])
    (data / "annotations" / "synthetic" / "small.jsonl").unlink()
    fast = ledger_mod.load_ledger(data, sets=["synthetic"], include_briefs=False)
    assert len(built) == 1 and built[0] is not None, "the Arrow path should build this ledger"
    assert len(fast) > N * 0.9
    with monkeypatch.context() as m:
        m.setattr(ledger_mod, "FAST_PATH_MIN_BYTES", 1 << 62)
        slow = ledger_mod.load_ledger(data, sets=["synthetic"], include_briefs=False)
    pd.testing.assert_frame_equal(fast, slow)

    # The text columns without a value share one column of missing text: a change to one is not seen in another.
    empty = [c for c in fast.columns if fast[c].dtype == slow["issue_label"].dtype and fast[c].isna().all()]
    assert len(empty) >= 2, empty
    fast.loc[0, empty[0]] = "written"
    fast[empty[1]] = fast[empty[1]].fillna("filled")
    assert fast.loc[0, empty[0]] == "written" and fast[empty[0]].iloc[1:].isna().all()
    assert (fast[empty[1]] == "filled").all()
    assert all(fast[c].isna().all() for c in empty[2:]), "a write to one column showed in another"
    pd.testing.assert_frame_equal(fast.drop(columns=empty[:2]), slow.drop(columns=empty[:2]))


def _arrow_matches_careful(data: Path, monkeypatch, lines: list[bytes]) -> pd.DataFrame:
    """Write ``lines`` as the only synthetic log and check the Arrow-built ledger against the careful one."""
    from toolkit.ledger import arrow

    (data / "annotations" / "synthetic" / "small.jsonl").unlink(missing_ok=True)
    (data / "annotations" / "synthetic" / "big.jsonl").write_bytes(b"".join(lines))
    built = []
    real = arrow.arrow_ledger
    with monkeypatch.context() as m:
        m.setattr(arrow, "arrow_ledger", lambda *a, **k: built.append(real(*a, **k)) or built[-1])
        fast = ledger_mod.load_ledger(data, sets=["synthetic"], include_briefs=False)
    assert len(built) == 1 and built[0] is not None, "the Arrow path should build this ledger"
    with monkeypatch.context() as m:
        m.setattr(ledger_mod, "FAST_PATH_MIN_BYTES", 1 << 62)
        slow = ledger_mod.load_ledger(data, sets=["synthetic"], include_briefs=False)
    pd.testing.assert_frame_equal(fast, slow)
    return fast


def test_ids_that_begin_alike_are_ordered_by_their_whole_text(data, monkeypatch):
    """Every id starts with the same 10 characters, and some share a start: the row order compares ids in full."""
    ops = [json.loads(line) for line in synthetic_ops(N, "big", seed=7)]
    for i, op in enumerate(ops):
        op["id"] = f"{'synthetic-' if i % 3 else 'synthetic-é'}{op['id']}"
        if i % 5 == 0:
            op["start"], op["end"] = 100, 120  # many rows on one key: ties broken by the id
            op["quote"] = None
    from toolkit.corpus import load_documents, load_summits

    cb = load_codebook(data / "codebook.yaml")
    text = load_documents(data / "documents", load_summits(data / "summits.yaml", cb))[ops[0]["document_id"]].text
    for op in ops:
        if op["quote"] is None:
            op["quote"] = text[100:120]
            op["prefix"], op["suffix"] = text[68:100], text[120:152]
    fast = _arrow_matches_careful(data, monkeypatch, [(json.dumps(op, ensure_ascii=False) + "\n").encode() for op in ops])
    tied = fast.loc[fast["start"] == 100, "id"].tolist()
    assert len(tied) >= N // 5 and tied == sorted(tied)  # Python compares code points, as UTF-8 bytes do


def test_log_already_in_ledger_order_is_not_reordered(data, monkeypatch):
    """A log written in the ledger's order (start, then id) keeps its order, and the frame is the careful path's."""
    from toolkit.ledger import arrow

    ops = sorted((json.loads(line) for line in synthetic_ops(N, "big", seed=7)), key=lambda op: (op["start"], op["id"]))
    orders = []
    real = arrow._row_order
    monkeypatch.setattr(arrow, "_row_order", lambda *a: orders.append(real(*a)) or orders[-1])
    _arrow_matches_careful(data, monkeypatch, [(json.dumps(op, ensure_ascii=False) + "\n").encode() for op in ops])
    assert orders == [None]
    ops[3], ops[4] = ops[4], ops[3]  # one pair out of order: sorted again
    orders.clear()
    _arrow_matches_careful(data, monkeypatch, [(json.dumps(op, ensure_ascii=False) + "\n").encode() for op in ops])
    assert orders and orders[0] is not None


def test_several_summits_documents_and_offsets_past_16_bits_match_the_careful_path(data, monkeypatch):
    """Three summits and two documents in one log, one document longer than 65,536 characters.

    The Arrow path sorts by start and by (summit, document) with 16-bit radix passes when the
    numbers fit, and with a general stable sort when they do not: both must give the careful order.
    The long document is SYNTHETIC (the seed article's text repeated), written only into this
    test's scratch folder.
    """
    import hashlib

    from toolkit.records import selectors
    from toolkit.store import op_id_for, op_line

    seed = (data / "documents" / "2021-12-07-biden-putin-video-summit.txt").read_text(encoding="utf-8")
    long_text = seed * (70_000 // len(seed) + 1)
    assert len(long_text) > 1 << 16
    (data / "documents" / "synthetic-long.txt").write_text(long_text, encoding="utf-8")
    meta = {
        "id": "synthetic-long",
        "title": "SYNTHETIC test document: the seed article's text repeated",
        "text_file": "synthetic-long.txt",
        "source": "synthetic, made by this test",
        "summit_id": "2021-06-16-geneva",
        "language": "en",
        "sha256": hashlib.sha256(long_text.encode("utf-8")).hexdigest(),
    }
    (data / "documents" / "synthetic-long.yaml").write_text(json.dumps(meta), encoding="utf-8")  # JSON is YAML
    summits = ("2021-12-07-video", "2021-06-16-geneva", "2018-07-16-helsinki")
    lines, pos = [], 0
    for i, line in enumerate(synthetic_ops(N, "big", seed=11)):
        op = json.loads(line)
        op["summit_id"] = summits[i % 3]
        if i % 2:  # the same span, copied into the long document; most copies start past 65,536
            start = op["start"] + len(seed) * (25 if i % 4 == 1 else 3)
            op.update(document_id="synthetic-long", **selectors(long_text, start, start + op["end"] - op["start"]))
        op["op_id"] = op_id_for(op, pos)
        lines.append(op_line(op))
        pos += len(lines[-1])
    fast = _arrow_matches_careful(data, monkeypatch, lines)
    assert set(fast["summit_id"]) == set(summits)
    assert set(fast["document_id"]) == {"synthetic-long", "2021-12-07-biden-putin-video-summit"}
    assert fast["start"].max() >= 1 << 16


@pytest.mark.parametrize("text_type", ["string", "large_string"])
def test_id_order_sorts_by_the_whole_text_and_finds_a_repeat(text_type):
    """id_order: the order of the ids' UTF-8 bytes, position breaking ties, whatever the ids share in their first 8 bytes."""
    import pyarrow as pa

    from toolkit.records.textbytes import id_order

    values = ["abcdefghi", "b", "", "abcdefgh", "abcdefghz", "a\x00", "é", "abcdefghi", "zz", "\U0001f30d", "a", "abcdefgg"]
    for arr in (pa.array(values, getattr(pa, text_type)()), pa.chunked_array([pa.array(values[:5]), pa.array(values[5:])])):
        order, distinct = id_order(arr)
        assert list(order) == sorted(range(len(values)), key=lambda i: (values[i].encode(), i))
        assert not distinct  # "abcdefghi" twice, behind a key shared with "abcdefgh" and "abcdefghz"
    order, distinct = id_order(pa.array(values[1:7], getattr(pa, text_type)()))
    assert distinct and list(order) == sorted(range(6), key=lambda i: values[1 + i].encode())


@pytest.mark.parametrize("text_type", ["string", "large_string"])
def test_id_keys_order_ids_as_their_bytes_and_id_order_finds_a_repeat(text_type):
    import pyarrow as pa

    from toolkit.records.textbytes import id_keys, id_order

    values = ["", "a", "a\x00", "ab", "abcdefgh", "abcdefghi", "abcdefgg", "é", "zz", "\U0001f30d", "abcdefghz", "b"]
    arr = pa.array(values, getattr(pa, text_type)())
    keys = id_keys(arr)
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if keys[i] < keys[j]:
                assert a.encode() < b.encode(), (a, b)
            elif keys[i] == keys[j]:
                assert a.encode()[:8].ljust(8, b"\0") == b.encode()[:8].ljust(8, b"\0"), (a, b)
    assert list(id_keys(arr.slice(3, 5))) == list(keys[3:8])
    assert id_order(arr)[1]
    assert not id_order(pa.array([*values, "abcdefghi"], arr.type))[1]  # a repeat behind a shared 8-byte key
    assert not id_order(pa.chunked_array([arr, pa.array(["zz"], arr.type)]))[1]


def test_stable_argsort_u64_is_numpys_stable_argsort():
    """The radix passes give numpy's stable order: random keys, repeats, digits the same in every key, none, one."""
    import numpy as np

    from toolkit.records.textbytes import stable_argsort_u64

    rng = np.random.default_rng(7)
    full = rng.integers(0, np.iinfo(np.uint64).max, 5000, dtype=np.uint64, endpoint=True)
    cases = [
        full,
        full[rng.integers(0, 50, 5000)],  # many repeats: their positions must stay in order
        full & np.uint64(0xFFFF_FFFF_0000_0000),  # short ids: low digits all zero
        (full & np.uint64(0x0000_FFFF_0000_FFFF)) | np.uint64(0x6100_0000_6100_0000),  # two digits fixed, two free
        full >> np.uint64(40),  # small numbers: no pass for the digits above them
        np.full(10, 42, dtype=np.uint64),
        np.zeros(0, dtype=np.uint64),
        np.array([7], dtype=np.uint64),
    ]
    for keys in cases:
        assert np.array_equal(stable_argsort_u64(keys), np.argsort(keys, kind="stable"))
