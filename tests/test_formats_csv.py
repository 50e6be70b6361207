"""CSV import and export, and the flat ledger CSV (toolkit.formats.csv). Fixtures are synthetic test data."""

from __future__ import annotations

import csv
import io

import pytest
from _interop import CORE_FIELDS, FIXTURES, add_synthetic, live, rich_data, round_trip, same

from toolkit.errors import DataError
from toolkit.formats import import_file
from toolkit.formats.csv import EXPORT_COLUMNS

HEADER = "document_id,start,end,quote,issue,stance,actor,target,intensity,annotator\n"


@pytest.fixture
def synth(data_copy):
    add_synthetic(data_copy)
    return data_copy


def test_fixture_import(synth):
    rep = import_file("csv", FIXTURES / "annotations.csv", set_name="in", data=synth)
    recs = live(synth, "in")
    assert len(recs) == 4 and not rep.repaired
    notes = {r["note"] for r in recs.values()}
    assert "Contains an emoji, and a note with a comma,\nand a line break." in notes
    assert any("🙂" in r["quote"] for r in recs.values())


def _csv(tmp_path, body, header=HEADER):
    p = tmp_path / "a.csv"
    p.write_text(header + body, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "body, expect",
    [
        ("synthetic-interop-test,140,,Zoë,cyber,grievance,Russia,US,1,zoe\n", "a.csv, line 2, field 'end': missing"),
        (
            "synthetic-interop-test,140,191,Zoë Ångström says “we reject the cyber accusations”,cyber,grievance,Russia,US,1,zoe\n"
            "synthetic-interop-test,0,5,cyber accusations,cyber,grievance,Russia,US,1,zoe\n",
            "a.csv, line 3, field 'start': text[0:5] is 'SYNTH', not the quote 'cyber accusations', and the quote occurs 3 times",
        ),
        (
            "synthetic-interop-test,140,191,Zoë Ångström says “we reject the cyber accusations”,weather,grievance,Russia,US,1,zoe\n",
            "a.csv, line 2, field 'issue': 'weather' is not a issue",
        ),
        (
            "synthetic-interop-test,140,191,Zoë Ångström says “we reject the cyber accusations”,cyber,grievance,Russia,US,9,zoe\n",
            "a.csv, line 2, field 'intensity'",
        ),
        (
            "no-such-doc,140,191,Zoë,cyber,grievance,Russia,US,1,zoe\n",
            "a.csv, line 2, field 'document_id': 'no-such-doc' is not a stored",
        ),
        (
            "synthetic-interop-test,140,191,Zoë Ångström says “we reject the cyber accusations”,cyber,grievance,Russia,US,1,\n",
            "a.csv, line 2, field 'annotator'",
        ),
    ],
)
def test_malformed_rows_name_file_line_and_field(synth, tmp_path, body, expect):
    p = _csv(tmp_path, body)
    with pytest.raises(DataError) as exc:
        import_file("csv", p, set_name="in", data=synth)
    msgs = [str(x) for x in exc.value.problems]
    assert any(m.startswith(str(p)) and expect.split("a.csv", 1)[1] in m for m in msgs), msgs
    assert live(synth, "in") == {}


def test_header_without_quote_column(synth, tmp_path):
    p = _csv(tmp_path, "x,1,2\n", header="document_id,start,end\n")
    with pytest.raises(DataError, match="line 1, field 'quote': header lacks column"):
        import_file("csv", p, set_name="in", data=synth)


def test_labels_column_goes_through_the_map(synth, tmp_path):
    p = _csv(
        tmp_path,
        "synthetic-interop-test,140,191,Zoë Ångström says “we reject the cyber accusations”,Grievance;Cyber;RU→US,zoe\n",
        header="document_id,start,end,quote,labels,annotator\n",
    )
    import_file("csv", p, set_name="in", data=synth, label_map=FIXTURES / "labels.yaml")
    (rec,) = live(synth, "in").values()
    assert (rec["stance"], rec["issue"], rec["actor"], rec["target"], rec["intensity"]) == (
        "grievance",
        "cyber",
        "Russia",
        "US",
        1,
    )


def test_round_trip_annotation_csv(data_copy, tmp_path):
    rich_data(data_copy)
    out = tmp_path / "out.csv"
    orig, got, rep = round_trip(data_copy, "csv", out)
    assert (
        same(
            orig,
            got,
            fields=(*CORE_FIELDS, "prefix", "suffix", "created", "status"),
        )
        == []
    )
    header = next(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(header) == EXPORT_COLUMNS


def test_round_trip_ledger_csv_skips_briefs(data_copy, tmp_path):
    rich_data(data_copy)
    orig, got, rep = round_trip(data_copy, "ledger-csv", tmp_path / "ledger.csv")
    assert (
        same(
            orig,
            got,
            fields=(*CORE_FIELDS, "created"),
        )
        == []
    )
    briefs = data_copy / "briefs.yaml"
    if briefs.exists():
        assert any("a brief row, not a span" in n for n in rep.notices)
