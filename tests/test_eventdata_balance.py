"""The machine balance per summit: one Ibis expression on DuckDB, the same compiled to BigQuery SQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import numpy as np
import pytest
from _eventdata import gdelt_row

from toolkit.corpus import Summit
from toolkit.eventdata.balance import BALANCE_COLUMNS, machine_balance
from toolkit.eventdata.bigquery import balance_expression, bigquery_sql
from toolkit.eventdata.query import summit_days
from toolkit.eventdata.readers import directed, read_raw
from toolkit.measures import jeffreys_interval

EXPECTED_SQL = Path(__file__).parent / "fixtures" / "eventdata" / "gdelt_balance_bigquery.sql"


def summits() -> dict[str, Summit]:
    def s(sid: str, date: str, before: int, after: int, label: str) -> Summit:
        return Summit(
            sid, dt.date.fromisoformat(date), "x", "phone", ("US", "Russia"), label, window_before=before, window_after=after
        )

    return {
        "2021-06-16-geneva": s("2021-06-16-geneva", "2021-06-16", 10, 10, "Geneva"),
        "2021-12-07-video": s("2021-12-07-video", "2021-12-07", 30, 14, "Video"),
        "2021-12-30-phone": s("2021-12-30-phone", "2021-12-30", 14, 7, "Phone"),
    }


def test_overlapping_windows_give_each_day_to_the_nearer_summit() -> None:
    runs = summit_days(summits())
    video = next(r for r in runs if r[2] == "2021-12-07-video")
    phone = next(r for r in runs if r[2] == "2021-12-30-phone")
    # video window ends Dec 21, phone window starts Dec 16: Dec 16-18 are nearer the video call
    assert video[1] == dt.date(2021, 12, 18) and phone[0] == dt.date(2021, 12, 19)
    assert all(a[1] < b[0] for a, b in zip(runs, runs[1:]))


def test_balance_query_compiles_to_the_checked_in_bigquery_sql() -> None:
    sql = bigquery_sql(summits())
    assert "`gdelt-bq.gdeltv2.events`" in sql
    assert sql.strip() == EXPECTED_SQL.read_text(encoding="utf-8").strip()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    rows = [
        gdelt_row(1, "20210616", "USA", "RUS", "036", "1", "https://a.invalid/1"),  # goodwill
        gdelt_row(2, "20210616", "RUS", "USA", "112", "3", "https://a.invalid/1"),  # grievance, same article
        gdelt_row(2, "20210616", "RUS", "USA", "112", "3", "https://a.invalid/1"),  # same event again: once
        gdelt_row(3, "20210617", "USA", "", "042", "1", "https://a.invalid/2"),  # no target: out of the dyad
        gdelt_row(4, "20210617", "RUS", "USA", "---", "1", "https://a.invalid/3"),  # neutral: salience only
        gdelt_row(5, "20210618", "USA", "RUS", "04", "1", "https://a.invalid/4"),  # goodwill (root-only)
        gdelt_row(6, "20210618", "CHN", "RUS", "173", "4", "https://a.invalid/5"),  # another dyad
        gdelt_row(7, "20210720", "USA", "RUS", "173", "4", "https://a.invalid/6"),  # outside every window
        gdelt_row(8, "20211217", "USA", "RUS", "173", "4", "https://a.invalid/7"),  # overlap: the video call
        gdelt_row(9, "20211220", "RUS", "USA", "057", "1", "https://a.invalid/8"),  # the phone call
        gdelt_row(10, "20211221", "RUS", "USA", "", "1", ""),  # no code, no article: neutral, own cluster
    ]
    path = tmp_path / "20211231000000.export.CSV"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_same_expression_runs_on_duckdb_and_counts_each_event_once(export: Path) -> None:
    con = ibis.duckdb.connect()
    raw, _ = read_raw(con, "gdelt", [export])
    clusters = balance_expression(raw, summits()).execute()
    assert set(clusters.columns) >= {"summit_id", "cluster", "n", "goodwill", "grievance", "neutral"}
    table = machine_balance(directed(raw, "gdelt"), summits(), n_boot=200)
    assert list(table.columns) == list(BALANCE_COLUMNS)
    t = table.set_index("summit_id")
    geneva = t.loc["2021-06-16-geneva"]
    assert (geneva.n, geneva.rows, geneva.goodwill, geneva.grievance, geneva.neutral) == (4, 5, 2, 1, 1)
    assert geneva.n_clusters == 3  # articles 1, 3 and 4
    assert geneva.balance == pytest.approx(1 / 3)
    lo, hi = jeffreys_interval([2], [1])
    assert (geneva.ci_low, geneva.ci_high) == (pytest.approx(lo[0]), pytest.approx(hi[0]))
    assert geneva.cl_low <= geneva.balance <= geneva.cl_high
    video, phone = t.loc["2021-12-07-video"], t.loc["2021-12-30-phone"]
    assert (video.n, video.goodwill, video.grievance, video.balance) == (1, 0, 1, -1.0)
    assert (phone.n, phone.goodwill, phone.neutral, phone.n_clusters) == (2, 1, 1, 2)
    assert phone["shift"] == pytest.approx(2.0)


def test_a_summit_without_events_is_listed_with_no_balance(tmp_path: Path) -> None:
    path = tmp_path / "20150301000000.export.CSV"
    path.write_text(gdelt_row(1, "20150301", "USA", "RUS", "036", "1", "u") + "\n", encoding="utf-8")
    con = ibis.duckdb.connect()
    raw, _ = read_raw(con, "gdelt", [path])
    table = machine_balance(directed(raw, "gdelt"), summits())
    assert (table["n"] == 0).all() and np.isnan(table["balance"]).all() and np.isnan(table["ci_low"]).all()
