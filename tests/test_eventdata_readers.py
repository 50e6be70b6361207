"""Readers of machine-coded event data, on rows in each dataset's exact published layout."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _eventdata import gdelt_row, icews_file, polecat_file

from toolkit.errors import DataError
from toolkit.eventdata.layouts import (
    GDELT_EVENT_COLUMNS,
    GDELT_MENTION_COLUMNS,
    POLECAT_COLUMNS,
    detect_layout,
)
from toolkit.eventdata.readers import file_reports, read_events


@pytest.fixture
def gdelt_file(tmp_path: Path) -> Path:
    lines = [
        gdelt_row(1, "20210616", "USA", "RUS", "036", "1", "https://a.invalid/1"),
        gdelt_row(2, "20210616", "RUS", "USA", "112", "3", "https://a.invalid/1"),
        gdelt_row(3, "20210617", "USA", "", "042", "1", "https://a.invalid/2"),  # missing target actor
        gdelt_row(4, "20210617", "RUS", "USA", "---", "1", "https://a.invalid/3"),  # no CAMEO code
        gdelt_row(5, "20210618", "USA", "RUS", "04", "1", "https://a.invalid/4"),  # root-only code
        gdelt_row(2, "20210616", "RUS", "USA", "112", "3", "https://a.invalid/1"),  # duplicate event id
    ]
    torn = gdelt_row(6, "20210618", "USA", "RUS", "173", "4", "https://a.invalid/5")[:90]
    path = tmp_path / "20210618000000.export.CSV"
    path.write_text("\n".join(lines) + "\n" + torn, encoding="utf-8")
    return path


def test_gdelt_export_layout_is_61_columns_and_detected(gdelt_file: Path) -> None:
    assert len(GDELT_EVENT_COLUMNS) == 61
    assert GDELT_EVENT_COLUMNS[0] == "GLOBALEVENTID" and GDELT_EVENT_COLUMNS[-1] == "SOURCEURL"
    assert GDELT_EVENT_COLUMNS[26:31] == ("EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale")
    assert len(GDELT_MENTION_COLUMNS) == 16
    assert detect_layout(gdelt_file) == "gdelt"


def test_gdelt_reader_keeps_every_readable_row_and_reports_the_torn_line(gdelt_file: Path) -> None:
    table, con, tag = read_events([gdelt_file])
    df = table.execute().sort_values("event_id", kind="stable").reset_index(drop=True)
    assert len(df) == 6  # duplicates are kept here; the balance counts each event id once
    assert df["event_id"].tolist() == ["1", "2", "2", "3", "4", "5"]
    by_id = df.drop_duplicates("event_id").set_index("event_id")
    assert pd.isna(by_id.loc["3", "target_country"])
    assert pd.isna(by_id.loc["4", "cameo"])  # '---'
    assert pd.isna(by_id.loc["4", "quad_class"])  # neutral, whatever QuadClass said
    assert by_id.loc["5", "cameo"] == "04"  # root-only code, as the Goldstein table keys it
    assert by_id.loc["1", "source_country"] == "USA" and by_id.loc["1", "target_country"] == "RUS"
    assert by_id.loc["1", "date"].strftime("%Y-%m-%d") == "2021-06-16"
    assert by_id.loc["2", "quad_class"] == 3
    reports = file_reports(con, tag, "gdelt", [gdelt_file])
    assert len(reports) == 1 and reports[0].unreadable == 1
    problem = reports[0].first_problem
    assert problem is not None and problem.line == 7 and problem.file == str(gdelt_file)


def test_icews_reader_maps_countries_codes_and_reports_the_torn_line(tmp_path: Path) -> None:
    path = icews_file(tmp_path)
    assert detect_layout(path) == "icews"
    table, con, tag = read_events([path])
    df = table.execute()
    assert len(df) == 4
    first = df[df.event_id == "926685"].iloc[0]
    assert (first.source_country, first.target_country, first.cameo, first.quad_class) == ("USA", "RUS", "036", 1)
    assert first.goldstein == 4.0 and first.source_article == "28214676"
    no_target = df[df.event_id == "926686"].iloc[0]
    assert pd.isna(no_target.target_country) and no_target.quad_class == 3
    assert df[df.event_id == "926687"].iloc[0].cameo == "11"
    rep = file_reports(con, tag, "icews", [path])[0]
    assert rep.unreadable == 1 and rep.first_problem is not None and rep.first_problem.line == 6


def test_polecat_reader_keeps_several_contexts_and_plover_fields(tmp_path: Path) -> None:
    path = polecat_file(tmp_path)
    assert detect_layout(path) == "polecat"
    table, con, tag = read_events([path])
    df = table.execute().set_index("event_id")
    assert len(df) == 3
    first = df.loc["20210616-abc"]
    assert first.plover_type == "CONSULT" and first.plover_mode == "visit"
    assert first.plover_contexts == "military;diplomatic"
    assert first.quad_class == 1 and pd.isna(first.cameo) and first.version == "1.0"
    assert df.loc["20210617-def"].quad_class == 3
    other = df.loc["20210617-ghi"]
    assert pd.isna(other.source_country) and pd.isna(other.quad_class)  # neutral
    rep = file_reports(con, tag, "polecat", [path])[0]
    assert rep.unreadable == 1 and rep.first_problem.line == 5


def test_a_header_that_is_not_the_published_one_is_refused_with_file_line_and_column(tmp_path: Path) -> None:
    cols = list(POLECAT_COLUMNS)
    cols[6] = "Context"
    path = polecat_file(tmp_path, header=cols)
    with pytest.raises(DataError) as err:
        read_events([path], dataset="polecat")
    p = err.value.problems[0]
    assert (p.file, p.line, p.field) == (str(path), 1, "header")
    assert "'Context'" in p.message and "'Contexts'" in p.message


def test_unknown_layout_symlinks_and_folders_are_refused(tmp_path: Path, gdelt_file: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("hello\tworld\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a GDELT 2.0 export"):
        read_events([odd])
    link = tmp_path / "link.CSV"
    link.symlink_to(gdelt_file)
    with pytest.raises(DataError, match="symbolic link"):
        read_events([link])
    with pytest.raises(DataError, match="not a regular file"):
        read_events([tmp_path])


def test_goldstein_values_come_from_the_published_per_code_table(gdelt_file: Path, tmp_path: Path) -> None:
    from toolkit.codebook.published import goldstein

    df = read_events([gdelt_file])[0].execute().drop_duplicates("event_id").set_index("event_id")
    # every row of the file says GoldsteinScale 1.0; the table decides for codes it lists
    assert df.loc["1", "goldstein"] == goldstein("036") != 1.0
    assert df.loc["5", "goldstein"] == goldstein("04")
    assert df.loc["2", "goldstein"] == goldstein("112")
    assert pd.isna(df.loc["4", "cameo"]) and df.loc["4", "goldstein"] == 1.0  # no code: the dataset's own value
    icews = read_events([icews_file(tmp_path)])[0].execute().set_index("event_id")
    assert icews.loc["926685", "goldstein"] == goldstein("036")


def test_polecat_quad_falls_back_to_the_plover_manuals_category_for_the_type(tmp_path: Path) -> None:
    path = polecat_file(tmp_path)
    text = path.read_text(encoding="utf-8").replace("VERBAL CONFLICT", "")  # the ACCUSE row loses its Quad Code
    path.write_text(text, encoding="utf-8")
    df = read_events([path])[0].execute().set_index("event_id")
    assert df.loc["20210617-def", "quad_class"] == 3  # ACCUSE: verbal conflict in the PLOVER manual
    assert pd.isna(df.loc["20210617-ghi", "quad_class"])  # OTHER is no PLOVER type: neutral


def test_gdelt_mentions_are_read_in_their_16_column_layout(tmp_path: Path) -> None:
    from toolkit.eventdata.mentions import read_mentions

    rows = [
        ["1", "20210616151500", "20210616153000", "1", "example.invalid", "https://a.invalid/1", "3", "10", "40", "22",
         "1", "80", "2400", "-1.25", "", ""],
        ["1", "20210616151500", "20210617080000", "1", "other.invalid", "https://b.invalid/9", "1", "-1", "5", "12",
         "0", "50", "900", "0.5", "srclc:rus;eng:GT-rus 1.0", "<PAGE_TITLE>x</PAGE_TITLE>"],
    ]  # fmt: skip
    path = tmp_path / "20210617000000.mentions.CSV"
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n2\t2021061", encoding="utf-8")
    assert detect_layout(path) == "gdelt-mentions"
    table, con, tag = read_mentions([path])
    df = table.execute()
    assert df["article"].tolist() == ["https://a.invalid/1", "https://b.invalid/9"]
    assert df["confidence"].tolist() == [80, 50] and df["doc_tone"].tolist() == [-1.25, 0.5]
    rep = file_reports(con, tag, "gdelt-mentions", [path])[0]
    assert rep.unreadable == 1 and rep.first_problem.line == 3
    with pytest.raises(DataError, match="mentions file"):
        read_events([path])
