"""The import pipeline shared by every format (toolkit.formats.importer): atomicity and bookkeeping.

Fixtures are synthetic test data.
"""

from __future__ import annotations

import pytest
from _interop import FIXTURES, SYNTH_ID, add_synthetic, live

from toolkit.errors import DataError
from toolkit.formats import LabelMap, import_file
from toolkit.store.validate import validate_data

S1 = "Zoë Ångström says “we reject the cyber accusations”"
ROW = f"{SYNTH_ID},140,191,{S1},cyber,grievance,Russia,US,1,zoe,\n"
HEADER = "document_id,start,end,quote,issue,stance,actor,target,intensity,annotator,note\n"


@pytest.fixture
def synth(data_copy):
    add_synthetic(data_copy)
    return data_copy


def _csv(tmp_path, *rows):
    p = tmp_path / "in.csv"
    p.write_text(HEADER + "".join(rows), encoding="utf-8")
    return p


def test_one_bad_record_means_nothing_is_written(synth, tmp_path):
    bad = ROW.replace(",cyber,", ",weather,")
    p = _csv(tmp_path, ROW, bad)
    with pytest.raises(DataError) as exc:
        import_file("csv", p, set_name="in", data=synth)
    assert len(exc.value.problems) == 2 and "nothing was imported (1 problem)" in str(exc.value.problems[-1])
    assert not (synth / "annotations" / "in").exists()


def test_skip_invalid_writes_the_valid_ones_and_lists_each_skipped(synth, tmp_path):
    p = _csv(tmp_path, ROW, ROW.replace(",cyber,", ",weather,"), ROW.replace(S1, "a synthetic quote that is not in the text"))
    rep = import_file("csv", p, set_name="in", data=synth, skip_invalid=True)
    assert len(rep.written) == 1 and len(live(synth, "in")) == 1
    assert [s.line for s in rep.skipped] == [3, 4]
    assert all(r.ok for r in validate_data(synth))


def test_reimport_is_unchanged_and_dry_run_writes_nothing(synth, tmp_path):
    p = _csv(tmp_path, ROW)
    dry = import_file("csv", p, set_name="in", data=synth, dry_run=True)
    assert len(dry.written) == 1 and "would import 1 annotation" in dry.summary()
    assert not (synth / "annotations" / "in").exists()
    import_file("csv", p, set_name="in", data=synth)
    log = synth / "annotations" / "in" / "zoe.jsonl"
    size = log.stat().st_size
    again = import_file("csv", p, set_name="in", data=synth)
    assert again.written == [] and again.unchanged == 1 and log.stat().st_size == size
    changed = import_file("csv", _csv(tmp_path, ROW.replace(",zoe,", ",zoe,a new synthetic note")), set_name="in", data=synth)
    assert len(changed.written) == 1 and live(synth, "in")[changed.written[0]["id"]]["note"] == "a new synthetic note"


def test_duplicate_rows_import_once_but_conflicting_ids_are_refused(synth, tmp_path):
    rep = import_file("csv", _csv(tmp_path, ROW, ROW), set_name="in", data=synth)
    assert len(rep.written) == 1 and any("duplicate" in n for n in rep.notices)
    rid = rep.written[0]["id"]
    header = HEADER.rstrip("\n") + ",id\n"
    p = tmp_path / "ids.csv"
    p.write_text(
        header + ROW.rstrip("\n") + f",{rid}\n" + ROW.replace(",1,zoe", ",2,zoe").rstrip("\n") + f",{rid}\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=f"line 3, field 'id': id {rid} is given to two different records"):
        import_file("csv", p, set_name="in2", data=synth)


def test_overrides_and_refusals(synth, tmp_path):
    p = _csv(tmp_path, ROW)
    rep = import_file("csv", p, set_name="in", data=synth, annotator="teacher")
    assert rep.written[0]["annotator"] == "teacher" and rep.written[0]["origin"] == "imported"
    with pytest.raises(DataError, match="set name '../x' is not allowed"):
        import_file("csv", p, set_name="../x", data=synth)
    with pytest.raises(DataError, match="'nope' is not a stored document"):
        import_file("csv", p, set_name="in", data=synth, document="nope")
    with pytest.raises(DataError, match="unknown format 'brat'"):
        import_file("brat", p, set_name="in", data=synth)
    with pytest.raises(DataError, match="file not found"):
        import_file("csv", tmp_path / "missing.csv", set_name="in", data=synth)


def test_defaults_fill_missing_codes(synth, tmp_path):
    p = tmp_path / "in.csv"
    p.write_text(f"document_id,start,end,quote,labels,annotator\n{SYNTH_ID},140,191,{S1},Grievance,zoe\n", encoding="utf-8")
    lmap = LabelMap({"Grievance": {"stance": "grievance"}}, {"issue": "cyber", "actor": "Russia", "target": "US", "intensity": 1})
    rep = import_file("csv", p, set_name="in", data=synth, label_map=lmap)
    assert (rep.written[0]["issue"], rep.written[0]["summit_id"]) == ("cyber", "2021-12-07-video")


def test_imported_records_pass_the_validator(synth):
    for fmt, name in [("doccano", "doccano_label.jsonl"), ("labelstudio", "labelstudio.json"), ("csv", "annotations.csv")]:
        import_file(fmt, FIXTURES / name, set_name="fx", data=synth, label_map=FIXTURES / "labels.yaml")
    import_file("w3c", FIXTURES / "w3c.json", set_name="fx", data=synth, document=SYNTH_ID)
    reports = validate_data(synth)
    assert all(r.ok for r in reports), [str(p) for r in reports for p in r.problems]


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio", "w3c", "csv"])
def test_empty_file_is_one_clear_error(synth, tmp_path, fmt):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"\n")
    with pytest.raises(DataError) as exc:
        import_file(fmt, p, set_name="in", data=synth)
    assert [str(x) for x in exc.value.problems] == [f"{p}: the file is empty; there is nothing to import"]


def test_not_utf8_names_the_line_of_the_bad_byte(synth, tmp_path):
    p = tmp_path / "latin1.csv"
    p.write_bytes((HEADER + ROW).encode("utf-8") + "José\n".encode("latin-1"))
    with pytest.raises(DataError) as exc:
        import_file("csv", p, set_name="in", data=synth)
    (problem,) = exc.value.problems
    assert problem.line == 3 and "not valid UTF-8 (byte 0xe9)" in problem.message


def test_missing_code_column_is_reported_once_for_the_header(synth, tmp_path):
    p = tmp_path / "in.csv"
    p.write_text(HEADER.replace("issue,", "") + ROW.replace("cyber,", "") * 3, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        import_file("csv", p, set_name="in", data=synth)
    problem, verdict = exc.value.problems
    assert "nothing was imported (1 problem)" in verdict.message
    assert (problem.line, problem.field) == (1, "issue") and "no 'issue' column" in problem.message
    # a label-map default for the issue makes the column unnecessary
    rep = import_file("csv", p, set_name="in", data=synth, label_map=LabelMap({}, {"issue": "cyber"}))
    assert len(rep.written) == 1 and rep.written[0]["issue"] == "cyber"


def test_bad_annotator_option_is_reported_once(synth, tmp_path):
    p = _csv(tmp_path, ROW, ROW.replace(",1,zoe", ",2,zoe"))
    with pytest.raises(DataError) as exc:
        import_file("csv", p, set_name="in", data=synth, annotator="../x")
    (problem,) = exc.value.problems
    assert problem.field == "annotator" and "'../x' is not allowed" in problem.message and "--annotator" in problem.message
