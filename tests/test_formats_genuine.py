"""Import files written by stock doccano 1.8.4 and Label Studio 1.23.2 (synthetic text; see the fixtures' README)."""

from __future__ import annotations

import pytest
from _interop import FIXTURES, SYNTH_ID, add_synthetic, live

from toolkit.errors import DataError
from toolkit.formats import export_annotations, import_file
from toolkit.formats.labelmap import LABEL_LIMIT

GENUINE = FIXTURES / "genuine"
MAP = FIXTURES / "labels.yaml"


@pytest.fixture
def synth(data_copy):
    add_synthetic(data_copy)
    return data_copy


def quotes(data, set_name):
    return sorted((r["annotator"], r["quote"]) for r in live(data, set_name).values())


def test_doccano_individual_zip_gives_one_annotator_per_member(synth):
    rep = import_file("doccano", GENUINE / "doccano_individual.zip", set_name="dz", data=synth, label_map=MAP, document=SYNTH_ID)
    assert quotes(synth, "dz") == [
        ("alice", "Zoë Ångström says “we reject the cyber accusations”"),
        ("alice", "asks for talks"),
        ("bob", "offers a hotline"),
    ]
    assert len(rep.written) == 3 and not rep.skipped


def test_doccano_collaborative_zip_needs_an_annotator(synth):
    with pytest.raises(DataError) as exc:
        import_file("doccano", GENUINE / "doccano_collaborative.zip", set_name="dc", data=synth, label_map=MAP, document=SYNTH_ID)
    assert any(p.field.endswith("annotator") and p.file.endswith("!all.jsonl") for p in exc.value.problems)
    rep = import_file(
        "doccano",
        GENUINE / "doccano_collaborative.zip",
        set_name="dc",
        data=synth,
        label_map=MAP,
        document=SYNTH_ID,
        annotator="class",
    )
    assert len(rep.written) == 3 and any("collaborative" in n for n in rep.notices)


def test_doccano_relation_zip_reads_entities_and_reports_relations(synth):
    rep = import_file("doccano", GENUINE / "doccano_relation.zip", set_name="dr", data=synth, label_map=MAP, document=SYNTH_ID)
    assert len(rep.written) == 3 and any("relation(s) ignored" in n for n in rep.notices)


def test_defaults_are_counted(synth):
    rep = import_file("doccano", GENUINE / "doccano_individual.zip", set_name="dz", data=synth, label_map=MAP, document=SYNTH_ID)
    # GOODWILL_TALKS_US_RU sets no intensity, so bob's one span takes the map's default
    assert rep.from_defaults == {"intensity": 1}
    assert "defaults: intensity in 1" in rep.summary()


@pytest.mark.parametrize("name", ["labelstudio_export.json", "labelstudio_snapshot.json", "labelstudio_export_min.json"])
def test_labelstudio_exports(synth, name):
    rep = import_file("labelstudio", GENUINE / name, set_name="ls", data=synth, label_map=MAP)
    got = quotes(synth, "ls")
    assert got == [
        ("ls-user-2", "Zoë Ångström says “we reject the cyber accusations”"),
        ("ls-user-2", "asks for talks"),
        ("ls-user-3", "Zoë Ångström says “we reject the cyber accusations”"),
        ("ls-user-3", "offers a hotline"),
    ]
    # the browser's UTF-16 offsets after the emoji are converted, and said so
    assert len(rep.repaired) == 1 and "UTF-16" in rep.repaired[0]


def test_labelstudio_csv_is_refused_with_what_to_do(synth):
    before = sorted(p.name for p in (synth / "annotations").iterdir())
    with pytest.raises(DataError) as exc:
        import_file("labelstudio", GENUINE / "labelstudio_export.csv", set_name="ls", data=synth, label_map=MAP)
    msg = " ".join(p.message for p in exc.value.problems)
    assert "CSV export" in msg and "JSON_MIN" in msg
    assert sorted(p.name for p in (synth / "annotations").iterdir()) == before


def test_zip_given_as_another_format_is_named_as_a_zip(synth):
    with pytest.raises(DataError) as exc:
        import_file("w3c", GENUINE / "doccano_individual.zip", set_name="x", data=synth)
    assert "zip archive" in exc.value.problems[0].message and "UTF-8" not in exc.value.problems[0].message


def test_skip_invalid_is_not_suggested_when_nothing_is_valid(synth):
    with pytest.raises(DataError) as exc:  # no label map: every label is unknown
        import_file("doccano", GENUINE / "doccano_individual.zip", set_name="dz", data=synth, document=SYNTH_ID)
    last = exc.value.problems[-1].message
    assert "nothing was imported" in last and "--skip-invalid" not in last


def test_doccano_export_labels_fit_doccano(data_copy, tmp_path):
    import json
    import zipfile

    from toolkit.codebook import load_codebook
    from toolkit.corpus import load_summits

    out = tmp_path / "d.jsonl"
    export_annotations("doccano", out, data=data_copy)
    labels = [lab for line in out.read_text(encoding="utf-8").splitlines() for _, _, lab in json.loads(line)["label"]]
    assert labels and max(map(len, labels)) <= LABEL_LIMIT
    # the longest label any record could get under the shipped codebook and summits fits as well
    cb = load_codebook(data_copy / "codebook.yaml")
    summits = load_summits(data_copy / "summits.yaml", cb)
    ids = lambda xs: max(len(str(x)) for x in xs)  # noqa: E731
    worst = ids(cb.stances) + ids(cb.issues) + 2 * ids(cb.actors) + ids(summits) + len("//>/9@")
    assert worst <= LABEL_LIMIT, worst
    assert zipfile  # imported for the zip tests' symmetry
