"""Adjudication: the session core (headless), the widget view, the CLI, validate and export/import round trips.

The coders are the shipped reference and independent sets (real data, read
only); everything written goes to a scratch copy of the data folder.
"""

from __future__ import annotations

import io

import pytest

from toolkit.classroom import load_reference
from toolkit.commands.main import main
from toolkit.records import validate_record
from toolkit.session import AdjudicationSession, sources_from_note
from toolkit.store import Store


@pytest.fixture(scope="module")
def coders(data_root):
    ind = data_root / "annotations" / "independent"
    return (
        load_reference("reference", data=data_root)
        + load_reference(str(ind / "coder-a.jsonl"), data=data_root)
        + load_reference(str(ind / "coder-b.jsonl"), data=data_root)
    )


@pytest.fixture
def session(coders, documents):
    return AdjudicationSession(coders, documents, adjudicator="judge")


def test_items_show_each_disagreement_on_the_article(session, documents):
    assert session.coders == ["coder-a", "coder-b", "reference"]
    assert [sum(i.status == s for i in session.items) for s in ("agreed", "disagreement", "unmatched")] == [6, 15, 1]
    lone = next(i for i in session.items if i.status == "unmatched")
    before, passage, after = session.context(lone.index, 20)
    assert passage == "President Putin’s initiative on ensuring security"
    assert documents[lone.document_id].text[lone.start - 20 : lone.end + 20] == before + passage + after
    assert [v.coders for v in lone.versions] == [("reference",), ("coder-a", "coder-b")]
    assert lone.versions[1].record is None and lone.versions[1].label().startswith("no passage")


def test_choose_edit_reject_and_cited_records(session, codebook, documents, summits):
    assert session.accept_agreed() == 6
    lone = next(i for i in session.items if i.status == "unmatched")
    session.choose(lone.index, 0)
    first = session.disagreements[0]
    session.edit(first.index, base=1, intensity=2)
    second = session.disagreements[1]
    session.reject(second.index)
    assert session.decision(second.index) is None
    recs = session.adjudicated_records()
    assert len(recs) == 8
    for rec in recs:
        assert validate_record(rec, codebook=codebook, documents=documents, summits=summits) == []
        assert rec["annotator"] == "judge" and rec["sources"]
        assert sources_from_note(rec["note"]) == rec["sources"]
    edited = next(r for r in recs if "edited" in r["note"])
    assert edited["intensity"] == 2 and {s["annotator"] for s in edited["sources"]} == {"coder-a", "coder-b", "reference"}
    chosen = next(r for r in recs if r["quote"] == "President Putin’s initiative on ensuring security")
    assert chosen["sources"] == [{"annotator": "reference", "id": lone.sources["reference"]["id"]}]
    session.undo(second.index)
    assert session.decision(second.index) == "undecided"


def test_misuse_is_a_value_error(session, coders, documents):
    with pytest.raises(ValueError):
        session.choose(999, 0)
    with pytest.raises(ValueError):
        session.choose(0, 99)
    with pytest.raises(ValueError):
        session.edit(0, colour="red")
    with pytest.raises(ValueError):
        session.edit(0, start=10_000, end=10_010)
    with pytest.raises(ValueError):
        AdjudicationSession(coders, documents, adjudicator="../x")
    with pytest.raises(ValueError):
        AdjudicationSession([r for r in coders if r["annotator"] == "reference"], documents, adjudicator="judge")


def test_sources_field_is_checked(coders, codebook):
    rec = dict(coders[0], sources=[{"annotator": "a", "id": "not hex!"}])
    assert [p.field for p in validate_record(rec, codebook=codebook)] == ["sources"]
    assert validate_record(dict(coders[0], sources=[]))[0].field == "sources"
    assert validate_record(dict(coders[0], sources=[{"annotator": "a", "id": "0a"}])) == []


def test_written_set_is_appended_validates_and_round_trips(session, data_copy, tmp_path):
    from toolkit.formats import export_annotations, import_file
    from toolkit.store.validate import validate_data

    session.accept_agreed()
    session.prefer("reference")
    store = Store(data_copy / "annotations" / "adjudicated")
    assert session.write(store) == 22  # preferring the reference gives back its 22 passages
    log = store.log_path("judge")
    before = log.read_bytes()
    session.write(store)  # writing again appends, never rewrites
    assert log.read_bytes().startswith(before) and len(log.read_bytes()) > len(before)
    live = {r["id"]: r for r in store.annotations("judge")}
    assert all(r["sources"] for r in live.values())
    reports = [r for r in validate_data(data_copy) if "adjudicated" in r.file]
    assert all(r.ok for r in reports if r.file.endswith(".jsonl"))
    assert any(r.warnings for r in reports if r.file.endswith("set.yaml"))  # no declaration yet: a warning
    for fmt, name in (("w3c", "out.json"), ("csv", "out.csv")):
        out = tmp_path / name
        export_annotations(fmt, out, data=data_copy, sets=["adjudicated"])
        import_file(fmt, out, set_name=f"rt-{fmt}", data=data_copy)
        back = {r["id"]: r for r in Store(data_copy / "annotations" / f"rt-{fmt}").annotations()}
        assert set(back) == set(live)
        for i, r in live.items():
            for f in ("start", "end", "quote", "issue", "stance", "actor", "target", "intensity", "summit_id", "note"):
                assert back[i][f] == r[f], (fmt, f)
            assert sources_from_note(back[i]["note"]) == r["sources"]


def test_cli_lists_decides_and_writes(data_copy, capsys, monkeypatch):
    rc = main(
        [
            "adjudicate",
            "reference",
            "independent",
            "--adjudicator",
            "judge",
            "--project",
            str(data_copy),
            "--list",
            "--context",
            "10",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "6 agreed, 15 disagreements, 1 unmatched" in out
    assert "[[President Putin’s initiative on ensuring security]]" in out
    assert not (data_copy / "annotations" / "adjudicated").exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n0\nr\ns\nq\n"))
    rc = main(
        ["adjudicate", "reference", "independent", "--adjudicator", "judge", "--project", str(data_copy), "--kind", "person"]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "type 0-1, r, s or q" in out
    assert "8 decided" in out and "7 record(s) appended" in out
    assert main(["validate", str(data_copy)]) == 0
    assert "adjudicated/set.yaml: declares 1 coder(s): person" in capsys.readouterr().out


def test_cli_prefer_and_errors(data_copy, capsys):
    rc = main(
        ["adjudicate", "reference", "independent", "--adjudicator", "judge", "--project", str(data_copy), "--prefer", "coder-a"]
    )
    assert rc == 0 and "21 record(s) appended" in capsys.readouterr().out
    assert (
        main(
            [
                "adjudicate",
                "reference",
                "independent",
                "--adjudicator",
                "judge",
                "--project",
                str(data_copy),
                "--prefer",
                "nobody",
            ]
        )
        == 1
    )
    assert main(["adjudicate", "reference", "--adjudicator", "judge", "--project", str(data_copy)]) == 1
    assert "two or more coders" in capsys.readouterr().err


def test_widget_view_drives_the_session(session):
    pytest.importorskip("ipywidgets")
    from toolkit.widgets.adjudicator import AdjudicatorView

    view = AdjudicatorView(session, store=None)
    assert "6 agreed" in view.status.value
    first = view.current
    assert "<mark>" in view.passage.value and "&lt;" not in session.context(first.index)[1]
    view.versions.value = 1
    view.choose_button.click()
    assert session.decision(first.index) != "undecided"
    assert view.current.index != first.index  # moved on to the next undecided item
    view.reject_button.click()
    assert session.decision(session.disagreements[1].index) is None
    view.issue.value = "sanctions"
    view.edit_button.click()
    assert "edited" in session.decision(view.items[view.position - 1].index)["note"]


def test_adjudicator_of_a_project_writes_into_its_set(session, data_copy):
    pytest.importorskip("ipywidgets")
    from toolkit.project import Project
    from toolkit.widgets import Adjudicator

    project = Project(data_copy)
    view = Adjudicator(project, session, "adjudicated")
    assert view.store.root == data_copy / "annotations" / "adjudicated"
    assert list(view.issue.options) == list(project.codebook.issues)  # codes offered from the project's codebook
    with pytest.raises(ValueError):
        Adjudicator(project, session, "../outside")  # the set name is checked before any path is built
    with pytest.raises(TypeError):
        Adjudicator(data_copy, session)


def test_a_field_only_one_coder_could_code_is_not_a_disagreement(coders, documents):
    """A set re-coded under codebook 2.0 (attribution) against sets coded before: same passage, same codes -> agreed."""
    recoded = [dict(r, attribution="quote") if r["annotator"] == "reference" else r for r in coders]
    session = AdjudicationSession(recoded, documents, adjudicator="judge")
    assert sum(i.status == "agreed" for i in session.items) == 6
    session.accept_agreed()
    assert all(r["attribution"] == "quote" for r in session.adjudicated_records())  # the fuller record is kept
    split = [dict(r, attribution="alleged" if r["annotator"] == "coder-a" else "quote") for r in coders]
    assert sum(i.status == "agreed" for i in AdjudicationSession(split, documents, adjudicator="judge").items) == 0
