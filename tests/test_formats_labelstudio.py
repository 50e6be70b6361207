"""Label Studio JSON import and export (toolkit.formats.labelstudio). Fixtures are synthetic test data."""

from __future__ import annotations

import copy
import json

import pytest
from _interop import CORE_FIELDS, FIXTURES, SYNTH_ID, add_synthetic, live, rich_data, round_trip, same

from toolkit.errors import DataError
from toolkit.formats import export_annotations, import_file

MAP = FIXTURES / "labels.yaml"
TASKS = json.loads((FIXTURES / "labelstudio.json").read_text(encoding="utf-8"))


@pytest.fixture
def synth(data_copy):
    add_synthetic(data_copy)
    return data_copy


def test_fixture_import(synth):
    rep = import_file("labelstudio", FIXTURES / "labelstudio.json", set_name="in", data=synth, label_map=MAP)
    recs = live(synth, "in")
    assert len(recs) == 5
    # completed_by as an int and as an object
    assert sorted({r["annotator"] for r in recs.values()}) == ["ines-ortega", "ls-user-10"]
    # the span Label Studio counted in UTF-16 code units (after the emoji) is repaired, and said so
    assert len(rep.repaired) == 1 and "UTF-16" in rep.repaired[0] and "result[2]" in rep.repaired[0]
    talks = [r for r in recs.values() if r["quote"] == "asks for talks"]
    text = (synth / "documents" / f"{SYNTH_ID}.txt").read_text(encoding="utf-8")
    assert len(talks) == 1 and text[talks[0]["start"] : talks[0]["end"]] == "asks for talks"
    notices = " ".join(rep.notices)
    assert "prediction(s) ignored" in notices and "'choices' skipped" in notices and "cancelled" in notices
    assert {r["created"] for r in recs.values() if r["annotator"] == "ines-ortega"} == {"2026-11-21T09:30:00.000000Z"}


def _variant(tmp_path, mutate):
    tasks = copy.deepcopy(TASKS)
    mutate(tasks)
    p = tmp_path / "ls.json"
    p.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return p


def _set(path, value):
    def mutate(tasks):
        obj = tasks
        for k in path[:-1]:
            obj = obj[k]
        if value is KeyError:
            del obj[path[-1]]
        else:
            obj[path[-1]] = value

    return mutate


R0 = [0, "annotations", 0, "result", 0]


@pytest.mark.parametrize(
    "mutate, expect",
    [
        (_set(R0 + ["value", "labels"], KeyError), "field '[0].annotations[0].result[0].value': missing labels"),
        (
            _set(R0 + ["value"], {"start": 140, "end": 10_000, "text": "cyber accusations", "labels": ["Grievance"]}),
            "field '[0].annotations[0].result[0].start': offsets [140:10000] are out of range",
        ),
        (_set(R0 + ["value", "text"], "Zoë Ångström shouts"), "field '[0].annotations[0].result[0].start': text[140:191]"),
        (_set(R0 + ["value", "labels"], ["Grievance", "Weather"]), "unknown label 'Weather'"),
        (_set([0, "data"], {}), "field '[0].data.text': missing"),
        (_set([0, "annotations", 0, "completed_by"], None), "field '[0].annotations[0].result[0].annotator'"),
    ],
)
def test_malformed_records_name_file_and_path(synth, tmp_path, mutate, expect):
    p = _variant(tmp_path, mutate)
    with pytest.raises(DataError) as exc:
        import_file("labelstudio", p, set_name="in", data=synth, label_map=MAP)
    msgs = [str(x) for x in exc.value.problems]
    assert any(expect in m and str(p) in m for m in msgs), msgs
    assert live(synth, "in") == {}  # atomic: nothing imported


def test_out_of_range_offsets_with_a_unique_quote_are_repaired_and_reported(synth, tmp_path):
    p = _variant(tmp_path, _set(R0 + ["value", "end"], 10_000))
    rep = import_file("labelstudio", p, set_name="in", data=synth, label_map=MAP)
    assert len(rep.written) == 5
    assert any("out of range" in r and "occurs once" in r for r in rep.repaired)


def test_skip_invalid_imports_the_rest_and_reports(synth, tmp_path):
    p = _variant(tmp_path, _set(R0 + ["value", "text"], "not in the text at all"))
    rep = import_file("labelstudio", p, set_name="in", data=synth, label_map=MAP, skip_invalid=True)
    assert len(rep.written) == 4 and len(live(synth, "in")) == 4
    assert len(rep.skipped) == 1 and "result[0]" in str(rep.skipped[0])


def test_round_trip(data_copy, tmp_path):
    rich_data(data_copy)
    orig, got, rep = round_trip(data_copy, "labelstudio", tmp_path / "out.json")
    assert (
        same(
            orig,
            got,
            fields=CORE_FIELDS,
        )
        == []
    )
    assert not rep.repaired


def test_export_shape(data_copy, tmp_path):
    out = tmp_path / "ls.json"
    export_annotations("labelstudio", out, data=data_copy, sets=["reference"])
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 1 and tasks[0]["data"]["document_id"] == "2021-12-07-biden-putin-video-summit"
    ann = tasks[0]["annotations"][0]
    # no completed_by by default: a stock Label Studio refuses users it does not know
    assert "completed_by" not in ann and ann["summit_ledger"] == {"annotator": "reference"}
    res = ann["result"][0]
    assert res["type"] == "labels" and res["from_name"] == "label" and res["to_name"] == "text"
    text = tasks[0]["data"]["text"]
    assert all(text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"] for r in ann["result"])


def test_export_email_domain_when_asked(data_copy, tmp_path):
    out = tmp_path / "ls.json"
    export_annotations("labelstudio", out, data=data_copy, sets=["reference"], email_domain="uni.example")
    ann = json.loads(out.read_text(encoding="utf-8"))[0]["annotations"][0]
    assert ann["completed_by"]["email"] == "reference@uni.example"
