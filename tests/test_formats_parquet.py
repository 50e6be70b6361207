"""Parquet export of the ledger, and its import back (toolkit.formats.parquet)."""

from __future__ import annotations

import pandas as pd
import pytest
from _interop import CORE_FIELDS, rich_data, round_trip, same

from toolkit.errors import DataError
from toolkit.formats import export_ledger, import_file
from toolkit.ledger import LEDGER_COLUMNS, load_ledger


def test_parquet_keeps_ledger_columns_and_types(data_copy, tmp_path):
    rich_data(data_copy)
    led = load_ledger(data_copy, sets=["reference", "fixture"])
    out = tmp_path / "ledger.parquet"
    rep = export_ledger("parquet", led, out)
    back = pd.read_parquet(out)
    assert rep.count == len(led) == len(back)
    assert tuple(back.columns) == LEDGER_COLUMNS
    assert str(back["intensity"].dtype) == "Int64" and str(back["summit_date"].dtype).startswith("datetime64")
    pd.testing.assert_frame_equal(back, led.reset_index(drop=True), check_dtype=False)


def test_round_trip(data_copy, tmp_path):
    rich_data(data_copy)
    orig, got, rep = round_trip(data_copy, "parquet", tmp_path / "ledger.parquet")
    assert len(got) == len(orig) == 31
    assert (
        same(
            orig,
            got,
            fields=(*CORE_FIELDS, "created"),
        )
        == []
    )


def test_not_parquet_is_reported(data_copy, tmp_path):
    p = tmp_path / "x.parquet"
    p.write_text("not parquet", encoding="utf-8")
    with pytest.raises(DataError, match="not a readable Parquet file"):
        import_file("parquet", p, set_name="in", data=data_copy)
