"""The ledger joins spans (and briefs) with summit dates and codebook labels."""

from __future__ import annotations

import math

import pandas as pd

from toolkit.ledger import LEDGER_COLUMNS, build_ledger, load_ledger
from toolkit.store import Store


def test_reference_ledger_columns_and_joins(data_root, codebook):
    df = load_ledger(data_root, sets=["reference"], include_briefs=False)
    assert tuple(df.columns) == LEDGER_COLUMNS
    raw = Store(data_root / "annotations" / "reference").read("reference").annotations
    pairs = sum(codebook.actors[r["actor"]].kind == "pair" for r in raw.values())
    assert len(df) == len(raw) + pairs and set(df["id"]) == set(raw)  # a joint record gives one row per direction
    mutual = sum(codebook.actors[r["actor"]].kind == "mutual" for r in raw.values())
    assert df["joint"].sum() == 2 * pairs + mutual  # a "both sides" (mutual) record stays one row
    assert (df["evidence"] == "span").all() and (df["set"] == "reference").all()
    assert df["summit_date"].dtype.kind == "M"
    row = df.iloc[0]
    assert row["issue_label"] == codebook.issues[row["issue"]].label
    assert row["score"] == codebook.score(row["stance"], int(row["intensity"]))


def test_secondary_issues_are_tuples_and_rows_without_hold_the_empty_one(data_root, tmp_path):
    """Each row's secondary issues as a tuple (read-only); a row without any holds Python's one empty tuple, not an object of its own."""
    from toolkit.formats.csv import write_ledger

    df = load_ledger(data_root, sets=["reference"], include_briefs=False)
    raw = Store(data_root / "annotations" / "reference").read("reference").annotations
    sec = df["secondary_issues"]
    assert all(isinstance(v, tuple) for v in sec)
    given = {rid: tuple(r["secondary_issues"]) for rid, r in raw.items() if r.get("secondary_issues")}
    assert given, "the reference set codes some secondary issues"
    for rid, value in zip(df["id"], sec):
        assert value == given.get(rid, ())
    assert len({id(v) for v in sec if not v}) == 1
    write_ledger(df, tmp_path / "ledger.csv")
    cells = pd.read_csv(tmp_path / "ledger.csv", keep_default_na=False)["secondary_issues"]
    assert sorted(c for c in cells if c) == sorted(";".join(v) for v in sec if v)


def test_briefs_share_the_schema(codebook, summits, seed):
    brief = {
        "id": "b1",
        "summit_id": "2021-06-16-geneva",
        "issue": "diplomatic-presence",
        "stance": "goodwill",
        "actor": "US-Russia",
        "target": "US-Russia",
        "intensity": 2,
        "description": "ambassadors to return",
        "source_url": "https://example.org/x",
    }
    span = {
        "id": "s1",
        "document_id": seed.id,
        "start": 0,
        "end": 7,
        "quote": "Russian",
        "issue": "cyber",
        "stance": "grievance",
        "actor": "US",
        "target": "Russia",
        "intensity": 1,
        "summit_id": "2021-12-07-video",
        "annotator": "a",
        "status": "anchored",
        "origin": "manual",
    }
    expanded = build_ledger([span], codebook, summits, briefs=[brief], set_name="x")
    assert expanded["evidence"].tolist() == ["brief", "brief", "span"]
    assert set(zip(expanded["actor"], expanded["target"])) == {("US", "Russia"), ("Russia", "US")}
    assert expanded["joint"].tolist() == [True, True, False]
    df = build_ledger([span], codebook, summits, briefs=[brief], set_name="x", expand_pairs=False)
    assert df["evidence"].tolist() == ["brief", "span"]  # Geneva (June) sorts before the video summit
    assert df["summit_order"].tolist() == [1, 2]
    assert pd.isna(df.loc[0, "start"]) and df.loc[0, "annotator"] == "briefs"
    assert df.loc[1, "set"] == "x"
    assert not math.isnan(df.loc[0, "score"]) and df.loc[0, "score"] > 0


def test_row_order_sorts_only_the_keys_and_matches_a_stable_pandas_sort():
    import numpy as np

    from toolkit.ledger import SORT_KEYS, no_text, sort_order, text_kind

    rng = np.random.default_rng(7)
    n = 500
    ids = ["é", "z", "Ω", "a", "Z", "😀", "ab", "a"]  # non-ASCII and repeated ids (ties keep their order)
    frame = pd.DataFrame(
        {
            "summit_order": pd.array([None if i % 11 == 0 else int(rng.integers(0, 4)) for i in range(n)], dtype="Int64"),
            "evidence": rng.choice(["span", "brief"], n),
            "document_id": pd.Series([None if i % 5 == 0 else f"doc-{rng.integers(0, 3)}" for i in range(n)], dtype=object),
            "start": pd.array([None if i % 7 == 0 else int(rng.integers(0, 5)) for i in range(n)], dtype="Int64"),
            "id": [ids[int(k)] for k in rng.integers(0, len(ids), n)],
            "row": range(n),
        }
    )
    expected = frame.sort_values(list(SORT_KEYS), na_position="last", kind="stable")["row"].tolist()
    positions = sort_order(frame)
    assert positions is not None and frame["row"].to_numpy()[positions].tolist() == expected
    assert sort_order(frame.iloc[expected].reset_index(drop=True)) is None  # already in order: nothing to reorder
    empty = no_text(3, pd.Series(["x"]).dtype)
    assert empty.isna().all() and empty.dtype == pd.Series(["x"]).dtype
    assert text_kind(pd.Series([None, None])) == "empty" and text_kind(pd.Series([None, "a"])) == "text"
    assert text_kind(pd.Series([float("nan"), "a"], dtype=object)) == "other"


def test_document_columns_are_text_even_when_no_document_fills_them(data_root):
    """The seed article records no outlet, country or source kind: those columns are text with no value, not floats."""
    df = load_ledger(data_root, sets=["reference"], include_briefs=False)
    text = pd.Series(["x"]).dtype
    for col in ("outlet", "country", "source_kind"):
        assert df[col].dtype == text and df[col].isna().all(), col
    assert df["language"].dtype == text and (df["language"] == "en").all()
