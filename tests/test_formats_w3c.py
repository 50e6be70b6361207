"""W3C Web Annotation import and export (toolkit.formats.w3c). Fixtures are synthetic test data."""

from __future__ import annotations

import copy
import json

import pytest
from _interop import CORE_FIELDS, FIXTURES, SYNTH_ID, add_synthetic, live, rich_data, round_trip, same

from toolkit.errors import DataError
from toolkit.formats import export_annotations, import_file

PAGE = json.loads((FIXTURES / "w3c.json").read_text(encoding="utf-8"))


@pytest.fixture
def synth(data_copy):
    add_synthetic(data_copy)
    return data_copy


def test_fixture_import_with_document_option(synth):
    rep = import_file("w3c", FIXTURES / "w3c.json", set_name="in", data=synth, document=SYNTH_ID)
    recs = live(synth, "in")
    assert len(recs) == 4
    assert sorted({r["annotator"] for r in recs.values()}) == ["Jose", "zoe"]
    noted = [r for r in recs.values() if r["note"]]
    assert len(noted) == 1 and noted[0]["note"] == "Synthetic note with “curly quotes” and an emoji 🙂."
    # the quote-only target: 'cyber accusations' occurs three times; the prefix picks the third
    text = (synth / "documents" / f"{SYNTH_ID}.txt").read_text(encoding="utf-8")
    q = [r for r in recs.values() if r["quote"] == "cyber accusations"]
    assert len(q) == 1 and q[0]["start"] == text.rindex("cyber accusations")
    assert len(rep.repaired) == 1 and "no offsets given" in rep.repaired[0]


def test_unknown_source_needs_the_document_option(synth):
    with pytest.raises(DataError) as exc:
        import_file("w3c", FIXTURES / "w3c.json", set_name="in", data=synth)
    first = str(exc.value.problems[0])
    assert "items[0].document_id" in first and "--document" in first


def _variant(tmp_path, mutate):
    page = copy.deepcopy(PAGE)
    mutate(page["items"][0])
    p = tmp_path / "w.json"
    p.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "mutate, expect",
    [
        (lambda a: a.pop("target"), "field 'items[0].target': missing"),
        (lambda a: a["target"].update(selector=[{"type": "CssSelector", "value": "p"}]), "needs a TextPositionSelector"),
        (lambda a: a["target"]["selector"][1].update(exact="Zoë Ångström whispers"), "items[0].start': text[140:191]"),
        (
            lambda a: (
                a["target"]["selector"][0].update(start=-5),
                a["target"]["selector"][1].update(exact="cyber accusations", prefix="", suffix=""),
            ),
            "items[0].start': offsets [-5:191] are out of range for a text of 395 characters, and the quote occurs 3 times",
        ),
        (lambda a: a.update(body=[{"type": "TextualBody", "purpose": "tagging", "value": "angry"}]), "unknown label 'angry'"),
        (lambda a: a["body"].pop(0), "items[0].stance': missing: no column or label gives the stance"),
    ],
)
def test_malformed_annotations_name_file_and_path(synth, tmp_path, mutate, expect):
    p = _variant(tmp_path, mutate)
    with pytest.raises(DataError) as exc:
        import_file("w3c", p, set_name="in", data=synth, document=SYNTH_ID)
    msgs = [str(x) for x in exc.value.problems]
    assert any(expect in m and str(p) in m for m in msgs), msgs
    assert live(synth, "in") == {}


def test_round_trip(data_copy, tmp_path):
    rich_data(data_copy)
    orig, got, rep = round_trip(data_copy, "w3c", tmp_path / "out.json")
    assert (
        same(
            orig,
            got,
            fields=(*CORE_FIELDS, "prefix", "suffix", "created"),
        )
        == []
    )
    assert not rep.repaired


def test_export_shape(data_copy, tmp_path):
    out = tmp_path / "w.json"
    export_annotations("w3c", out, data=data_copy, sets=["reference"])
    coll = json.loads(out.read_text(encoding="utf-8"))
    assert coll["type"] == "AnnotationCollection" and coll["total"] == 22
    item = coll["first"]["items"][0]
    assert item["id"].startswith("urn:summit-ledger:annotation:")
    kinds = [s["type"] for s in item["target"]["selector"]]
    assert kinds == ["TextPositionSelector", "TextQuoteSelector"]
    tags = [b["value"] for b in item["body"] if b["purpose"] == "tagging"]
    assert [t.split(":")[0] for t in tags] == ["stance", "issue", "actor", "target", "intensity"]
