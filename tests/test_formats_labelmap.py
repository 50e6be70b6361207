"""Foreign labels -> codes (toolkit.formats.labelmap)."""

from __future__ import annotations

import pytest
from _interop import FIXTURES

from toolkit.errors import DataError
from toolkit.formats.labelmap import LabelMap, load_label_map, native_label, native_tags, parse_native

REC = {
    "stance": "grievance",
    "issue": "cyber",
    "actor": "US",
    "target": "Russia",
    "intensity": 1,
    "summit_id": "2021-06-16-geneva",
}


def test_native_tags_round_trip():
    assert native_tags(REC, "2021-06-16-geneva") == [
        "stance:grievance",
        "issue:cyber",
        "actor:US",
        "target:Russia",
        "intensity:1",
    ]
    label = native_label(REC, "2021-12-07-video")
    assert label.endswith("|summit:2021-06-16-geneva")
    assert parse_native(label) == REC
    assert parse_native("Grievance") is None and parse_native("colour:red") is None


def test_fixture_map_loads_against_codebook(codebook, summits):
    lmap = load_label_map(FIXTURES / "labels.yaml", codebook, summits)
    assert lmap.labels["Date"] is None
    assert lmap.labels["RU→US"] == {"actor": "Russia", "target": "US"}
    assert lmap.defaults == {"intensity": 1}
    codes, ignored, problems = lmap.resolve(["Grievance", "Cyber", "RU→US"], file="f", line=3, where=None)
    assert codes == {"stance": "grievance", "issue": "cyber", "actor": "Russia", "target": "US"}
    assert not ignored and not problems
    assert lmap.resolve(["Date"], file="f", line=1, where=None)[1] is True


def test_unknown_label_without_map_names_the_label():
    codes, ignored, problems = LabelMap().resolve(["PERSON"], file="x.jsonl", line=4, where="label[0]")
    assert len(problems) == 1
    msg = str(problems[0])
    assert msg.startswith("x.jsonl, line 4, field 'label[0].labels': unknown label 'PERSON'")
    assert "--map" in msg


def test_contradicting_labels_are_an_error():
    lmap = LabelMap({"A": {"stance": "grievance"}, "B": {"stance": "goodwill"}})
    _, _, problems = lmap.resolve(["A", "B"], file="f", line=1, where=None)
    assert problems and "disagree on stance" in problems[0].message


def test_bad_map_entries_name_line_and_field(tmp_path, codebook, summits):
    p = tmp_path / "map.yaml"
    p.write_text(
        "labels:\n  Ok: {stance: grievance}\n  Bad:\n    issue: weather\n  Odd: {colour: red}\n"
        "defaults: {summit: 1999-01-01-nowhere}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as exc:
        load_label_map(p, codebook, summits)
    text = [str(x) for x in exc.value.problems]
    assert any("line 4, field 'labels.Bad.issue'" in t and "'weather' is not a issue" in t for t in text)
    assert any("labels.Odd.colour" in t and "not a code field" in t for t in text)
    assert any("defaults.summit" in t and "not in summits.yaml" in t for t in text)
    p.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(DataError, match="'labels:' section"):
        load_label_map(p)
