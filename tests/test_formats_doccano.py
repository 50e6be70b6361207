"""doccano JSONL import and export (toolkit.formats.doccano). Fixtures are synthetic test data."""

from __future__ import annotations

import json

import pytest
from _interop import CORE_FIELDS, FIXTURES, SYNTH_ID, add_synthetic, live, rich_data, round_trip, same

from toolkit.errors import DataError
from toolkit.formats import export_annotations, import_file

MAP = FIXTURES / "labels.yaml"


@pytest.fixture
def synth(data_copy):
    add_synthetic(data_copy)
    return data_copy


def test_label_variant_fixture(synth):
    rep = import_file("doccano", FIXTURES / "doccano_label.jsonl", set_name="in", data=synth, label_map=MAP)
    recs = live(synth, "in")
    assert len(recs) == 5 and len(rep.written) == 5
    text = (synth / "documents" / f"{SYNTH_ID}.txt").read_text(encoding="utf-8")
    for r in recs.values():
        assert text[r["start"] : r["end"]] == r["quote"]
        assert r["origin"] == "imported" and r["annotator"] == "doccano_label"  # doccano's <user>.jsonl convention
    quotes = sorted((r["start"], r["end"]) for r in recs.values())
    assert any(a < d and c < b for (a, b), (c, d) in zip(quotes, quotes[1:]))  # overlapping spans kept
    assert {r["intensity"] for r in recs.values() if r["actor"] == "US"} == {1}  # from the map's defaults
    assert any("marked ignore" in n for n in rep.notices)  # the 'Date' span


def test_entities_variant_fixture(synth):
    rep = import_file("doccano", FIXTURES / "doccano_entities.jsonl", set_name="in", data=synth, label_map=MAP)
    recs = live(synth, "in")
    assert len(recs) == 3 and {r["annotator"] for r in recs.values()} == {"maria"}
    assert any("relation" in n for n in rep.notices)
    assert any("Zoë Ångström" in r["quote"] for r in recs.values())


def test_unknown_label_without_map_imports_nothing(synth):
    with pytest.raises(DataError) as exc:
        import_file("doccano", FIXTURES / "doccano_label.jsonl", set_name="in", data=synth)
    msgs = [str(p) for p in exc.value.problems]
    assert any("doccano_label.jsonl, line 1, field 'label[0].labels': unknown label 'GRIEVANCE_CYBER_RU_US'" in m for m in msgs)
    assert "nothing was imported" in msgs[-1]
    assert live(synth, "in") == {}


def _write(tmp_path, obj, name="u.jsonl"):
    p = tmp_path / name
    lines = obj if isinstance(obj, list) else [obj]
    p.write_text(
        "".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines), encoding="utf-8"
    )
    return p


@pytest.mark.parametrize(
    "line, expect",
    [
        ({"label": [[0, 9, "stance:grievance"]]}, "line 1, field 'text': missing"),
        ({"text": "x"}, "line 1, field 'label': missing"),
        ({"text": "SYNTHETIC TEST", "label": [[0, 99, "x"]]}, "line 1, field 'label[0]': offsets [0:99] are out of range"),
        ({"text": "SYNTHETIC", "label": [[0, 9]]}, "line 1, field 'label[0]': expected [start, end"),
        ({"text": "x", "entities": [{"label": "A", "start_offset": 0}]}, "field 'entities[0]': missing end_offset"),
        ("{not json", "line 1: not valid JSON"),
    ],
)
def test_malformed_lines_name_file_line_and_field(synth, tmp_path, line, expect):
    p = _write(tmp_path, line)
    with pytest.raises(DataError) as exc:
        import_file("doccano", p, set_name="in", data=synth, document=SYNTH_ID)
    assert any(expect in str(x) and str(p) in str(x) for x in exc.value.problems), [str(x) for x in exc.value.problems]


def test_quote_mismatch_against_stored_text_is_not_coded(synth, tmp_path):
    # The line's own text differs from the stored article where the span is: the quote is not in the article.
    text = (synth / "documents" / f"{SYNTH_ID}.txt").read_text(encoding="utf-8").replace("hotline", "HOTLINE")
    i = text.index("HOTLINE")
    p = _write(
        tmp_path,
        [
            {
                "text": text,
                "document_id": SYNTH_ID,
                "label": [[i, i + 7, "stance:goodwill|issue:relations-dialogue|actor:US|target:Russia|intensity:2"]],
            }
        ],
    )
    with pytest.raises(DataError) as exc:
        import_file("doccano", p, set_name="in", data=synth)
    msg = str(exc.value.problems[0])
    assert "line 1, field 'label[0].start'" in msg and "does not occur in the stored text" in msg


def test_round_trip_label_variant(data_copy, tmp_path):
    rich_data(data_copy)
    orig, got, rep = round_trip(data_copy, "doccano", tmp_path / "out.jsonl")
    assert len(orig) == 22 + 4 + 5
    assert (
        same(
            orig,
            got,
            fields=CORE_FIELDS,
        )
        == []
    )
    assert not rep.repaired and not rep.skipped


def test_round_trip_entities_variant_and_idempotent_reimport(data_copy, tmp_path):
    rich_data(data_copy)
    out = tmp_path / "out.jsonl"
    export_annotations("doccano", out, data=data_copy, sets=["fixture"], variant="entities")
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert "entities" in first and "label" not in first and first["relations"] == []
    import_file("doccano", out, set_name="rt", data=data_copy)
    assert same(live(data_copy, "fixture"), live(data_copy, "rt")) == []
    again = import_file("doccano", out, set_name="rt", data=data_copy)
    assert again.written == [] and again.unchanged == 9


def test_export_is_deterministic(data_copy, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    export_annotations("doccano", a, data=data_copy, sets=["reference"])
    export_annotations("doccano", b, data=data_copy, sets=["reference"])
    assert a.read_bytes() == b.read_bytes()
