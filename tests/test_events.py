"""Codebook 2.0 and the event layer, on the shipped data and on synthetic records built here.

Synthetic records (labelled so) are made at run time in tmp folders; they report no real event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil

import pytest

from toolkit.corpus import Summit
from toolkit.ledger import counting_comparison, event_table, load_ledger
from toolkit.records import PHASES, derive_phase, make_event, validate_event
from toolkit.store import Store, migrate_project

#: The codebook-1.0 logs as shipped (bytes, newline count, SHA-256); migration may only append to them.
V1_PREFIXES = {
    "reference/reference.jsonl": (15907, 22, "4a7997a3b7c5fd9a7c2072506ca6076367238c0b56f4894a27b57fcad1e838cb"),
    "independent/coder-a.jsonl": (16418, 21, "3890a92f060e94bc034c3ccfcd5d6d48456befdd4113edfa3c5c17e619a4bdd3"),
    "independent/coder-b.jsonl": (16980, 21, "73781281e9d98a4426713e0a21f0e3ee6105afdcf7f04016ddb1098703585aeb"),
}


@pytest.fixture(scope="module")
def ledger(data_root):
    return load_ledger(data_root, sets=None)


# ----------------------------------------------------------------- codebook 2.0
def test_codebook_2_is_valid_and_hierarchical(codebook):
    assert codebook.version == "2.1.0" and codebook.changelog[0]["version"] == "2.1.0"
    assert set(codebook.stances) == {"grievance", "goodwill", "agenda"}
    for domain in codebook.domains:
        assert f"{domain}-other" in codebook.issues
    for iss in codebook.issues.values():
        assert iss.domain in codebook.domains, iss.id
    for needed in ("detained-nationals", "chemical-weapons-poisonings", "crimea-donbas-minsk", "belarus", "afghanistan"):
        assert needed in codebook.issues
    assert "china-factor" not in codebook.issues
    assert set(codebook.attribution) == {"quote", "reported-speech", "reported-deed", "ascribed", "alleged"}
    assert set(codebook.modality) == {"actual", "conditional", "intended", "hypothetical", "negated", "historical"}
    assert {"legislature", "defence-ministry", "foreign-ministry", "head-of-state"} <= set(codebook.actor_details)


def test_crosswalk_codes_and_weights(codebook):
    et = codebook.event_types
    assert et["intend-meet"].cameo == "036" and et["agree-meet"].cameo == "036"
    assert et["ease-sanctions"].cameo.startswith("08") and et["ease-sanctions"].plover_type == "RETREAT"
    assert et["disapprove"].cameo.startswith("11") and et["threaten"].cameo.startswith("13")
    assert et["force-posture"].cameo.startswith("15") and et["force-posture"].plover_type == "MOBILIZE"
    assert et["impose-sanctions"].cameo == "163" and et["expel"].cameo == "166"
    # the weights themselves are checked against the kept published tables in test_crosswalk.py
    # every (stance, intensity) of a record without an event gets a type of the same stance
    for stance in ("grievance", "goodwill"):
        for level in (1, 2, 3):
            assert et[codebook.default_event_type(stance, level)].stance == stance


def test_issue_level_cameo_and_bad_contexts_are_refused(tmp_path, data_root):
    text = (data_root / "codebook.yaml").read_text(encoding="utf-8")
    bad = text.replace("    plover_context: cyber\n", '    plover_context: energy\n    cameo: "17"\n', 1)
    (tmp_path / "codebook.yaml").write_text(bad, encoding="utf-8")
    from toolkit.codebook import load_codebook
    from toolkit.errors import CodebookError

    with pytest.raises(CodebookError) as info:
        load_codebook(tmp_path / "codebook.yaml")
    fields = {p.field for p in info.value.problems}
    assert {"plover_context", "cameo"} <= fields


# ----------------------------------------------------------- the shipped ledger
def test_no_event_counted_twice(ledger):
    events = event_table(ledger)
    assert not events.duplicated(["event_key", "actor", "target"]).any()
    ref = event_table(ledger[ledger["set"] == "reference"])
    lament = ref[ref["description"].isna() & ref["quote"].str.contains("lamentable", na=False)]
    assert len(lament) == 1 and lament["n_mentions"].iloc[0] == 2  # Peskov: one remark, two passages
    geneva = event_table(ledger[(ledger["evidence"] == "brief") & (ledger["summit_id"] == "2021-06-16-geneva")])
    cyber = geneva[geneva["issue"] == "cyber"]
    assert len(cyber) == 1 and cyber["n_mentions"].iloc[0] == 2  # the 16 sectors and "ransomware raised"


def test_every_joint_act_is_expanded_symmetrically(ledger, codebook):
    joint = ledger[ledger["joint"]]
    mutual = joint[joint["joint_actor"] == "US-Russia-mutual"]
    joint = joint[joint["joint_actor"] != "US-Russia-mutual"]
    assert len(joint) and (joint["joint_actor"] == "US-Russia").all()
    assert not ledger["actor"].map(lambda a: codebook.actors[a].kind == "pair").any()
    # "both sides" stances whose holder the text does not give stay one row, never a grievance of each side
    assert len(mutual) == 6 and (mutual["actor"] == "US-Russia-mutual").all() and (mutual["target"] == mutual["actor"]).all()
    assert not mutual.duplicated(["set", "evidence", "id"]).any() and (mutual["dyad"] == "US-Russia").all()
    for _, grp in joint.groupby(["set", "evidence", "id"]):
        assert len(grp) == 2
        assert set(zip(grp["actor"], grp["target"])) == {("US", "Russia"), ("Russia", "US")}
        for col in ("stance", "issue", "intensity", "summit_id", "phase"):
            assert grp[col].nunique(dropna=False) == 1, col


def test_every_event_of_the_reference_and_briefs_is_dated_with_a_phase(ledger):
    rows = ledger[ledger["set"].isin(["reference", "briefs"])]
    assert rows["event_date"].notna().all() and rows["phase"].isin(PHASES).all()
    assert rows["attribution"].notna().all() and rows["modality"].notna().all()
    assert rows["codebook_version"].isin(["2.0.0", "2.1.0"]).all()
    ns2 = rows[rows["issue"] == "energy-nord-stream"]
    assert ns2["summit_id"].tolist() == ["2021-06-16-geneva"] and ns2["phase"].tolist() == ["before"]
    assert ns2["event_date"].tolist() == ["2021-05-19"]


def test_briefs_follow_the_fact_list(data_root, codebook, summits):
    from toolkit.corpus import load_briefs

    briefs = load_briefs(data_root / "briefs.yaml", codebook, summits)
    assert not any("written" in b["description"] for b in briefs)
    assert all(b["source_type"] in ("press-report", "re-publication") for b in briefs)
    assert not any("readout" in b["description"].lower() for b in briefs)
    agenda = {(b["summit_id"], b["issue"]) for b in briefs if b["stance"] == "agenda"}
    assert agenda == {
        ("2018-07-16-helsinki", "syria"),
        ("2018-07-16-helsinki", "crimea-donbas-minsk"),
        ("2018-07-16-helsinki", "trade"),
        ("2021-12-07-video", "strategic-stability"),
        ("2021-12-07-video", "cyber"),
        ("2021-12-07-video", "iran"),
    }
    contested = {b["issue"] for b in briefs if b["contested"]}
    assert {"law-enforcement", "nato-expansion"} <= contested
    russian_account = [b for b in briefs if b["summit_id"] == "2021-12-30-phone" and b["issue"] == "nato-expansion"]
    assert russian_account[0]["attribution"] == "alleged"


def test_seven_december_balance_is_on_events(ledger):
    ledger = ledger[ledger["set"].isin(["reference", "briefs"])]
    t = counting_comparison(ledger, "2021-12-07-video", evidence="span").set_index("variant")
    # directed events (pairs expanded): the six "both sides" grievances are mutual acts (not expanded) and two of
    # Peskov's agenda items are agenda, not grievances (codebook 2.1.0 re-coding)
    default = t.loc["events (default)"]
    assert (default.n_goodwill, default.n_grievance, default.n_agenda) == (7, 13, 2) and default.balance == pytest.approx(-0.3)
    old = t.loc["mentions, pair as one unit"]
    assert (old.n_goodwill, old.n_grievance) == (5, 14)  # 1.x counting (the Nord Stream waiver now in June)
    assert t.loc["events, without ascribed", "n"] == 12
    briefs = counting_comparison(ledger, "2021-12-07-video", evidence="brief").set_index("variant")
    assert (briefs.loc["events (default)", "n_goodwill"], briefs.loc["events (default)", "n_grievance"]) == (2, 4)
    assert briefs.loc["events (default)", "n_agenda"] == 6


def test_shipped_logs_were_migrated_by_appending_only(data_root, codebook):
    for rel, (size, lines, digest) in V1_PREFIXES.items():
        data = (data_root / "annotations" / rel).read_bytes()
        assert len(data) > size and data[:size].count(b"\n") == lines
        assert hashlib.sha256(data[:size]).hexdigest() == digest, rel
        for line in data[size:].splitlines():
            op = json.loads(line)
            assert op["op"] == "upsert" and op["codebook_version"] in ("2.0.0", "2.1.0")
    for set_dir in (data_root / "annotations").iterdir():
        if set_dir.is_dir():
            store = Store(set_dir, codebook=codebook)
            for name in store.annotators():
                state = store.read(name)
                assert not state.problems
                assert all(r.get("codebook_version") in ("2.0.0", "2.1.0") for r in state.annotations.values())


def test_migrate_again_changes_nothing(data_copy):
    before = {p: p.read_bytes() for p in (data_copy / "annotations").rglob("*.jsonl")}
    rep = migrate_project(data_copy)
    assert rep.appended == [] and rep.up_to_date == 64
    assert {p: p.read_bytes() for p in before} == before


# --------------------------------------------------- migration of a synthetic 1.x log
def _synthetic_v1(data_copy, seed):
    """A synthetic 1.x log: three records on the seed text, one with an issue 2.0 dropped (labelled synthetic)."""
    from toolkit.records import make_annotation

    recs = []
    for start, end, issue in ((0, 7, "cyber"), (0, 7, "cyber"), (8, 17, "china-factor")):
        rec = make_annotation(
            seed,
            start,
            end + len(recs),
            issue=issue,
            stance="grievance",
            actor="US",
            target="Russia",
            intensity=1,
            annotator="synthetic",
            note="synthetic test record",
        )
        recs.append(rec)
    folder = data_copy / "annotations" / "synthetic-v1"
    folder.mkdir()
    lines = [json.dumps({"op": "upsert", "op_id": f"{i:016x}", "at": "2026-01-01T00:00:00Z", **r}) for i, r in enumerate(recs)]
    (folder / "synthetic.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "synthetic.jsonl", recs


def test_migrate_appends_maps_and_lists_decisions(data_copy, seed):
    log, recs = _synthetic_v1(data_copy, seed)
    old = log.read_bytes()
    rep = migrate_project(data_copy, ["synthetic-v1"])
    assert log.read_bytes().startswith(old)
    assert len(rep.appended) == 2  # the china-factor record needs a person
    fields = [(d.record_id, d.field) for d in rep.decisions]
    assert (recs[2]["id"], "issue") in fields
    assert (recs[1]["id"], "event_id") in fields  # same document, actor, target, stance, issue as recs[0]
    assert (recs[0]["id"], "attribution") in fields and (recs[0]["id"], "modality") in fields
    state = Store(log.parent).read("synthetic")
    assert state.annotations[recs[0]["id"]]["migrated_from"] == "1.0.0"
    again = migrate_project(data_copy, ["synthetic-v1"])
    tail = log.read_bytes()[len(old) :]
    assert again.appended == [] and [json.loads(line) for line in tail.splitlines()] == rep.appended


def test_migrate_refuses_bad_set_names(data_copy):
    with pytest.raises(ValueError):
        migrate_project(data_copy, ["../x"])


# ------------------------------------------------------------------ event records
def _summit(before=30, after=14):
    return Summit(
        "2021-12-07-video", dt.date(2021, 12, 7), "x", "video", ("US", "Russia"), "x", window_before=before, window_after=after
    )


@pytest.mark.parametrize(
    "date, prec, stated, phase, problem",
    [
        ("2021-12-06", "day", None, "before", None),
        ("2021-12-07", "day", None, "at", None),
        ("2021-12-09", "day", None, "after", None),
        ("2021-12", "month", None, None, "state the phase"),
        ("2021-12", "month", "before", "before", None),
        ("2021-12-06", "day", "after", None, "contradicts"),
        ("2021-05-19", "day", None, None, "outside the window"),
        ("2021", "year", "at", "at", None),
    ],
)
def test_phase_rules(date, prec, stated, phase, problem):
    got, msg = derive_phase(date, prec, _summit(), stated)
    assert got == phase
    assert (msg is None) if problem is None else (problem in msg)


def test_event_records_live_in_the_log_beside_mentions(data_copy, codebook, summits, documents, seed):
    store = Store(data_copy / "annotations" / "s", codebook=codebook, documents=documents, summits=summits)
    ev = make_event(
        annotator="synthetic",
        actor="US",
        target="Russia",
        stance="grievance",
        issue="cyber",
        intensity=1,
        event_type="disapprove",
        event_date="2021-12-06",
        date_precision="day",
        summit_id="2021-12-07-video",
        description="synthetic test event",
    )
    store.upsert(ev)
    from toolkit.records import make_annotation

    for start in (0, 9):
        m = make_annotation(
            seed,
            start,
            start + 7,
            issue="cyber",
            stance="grievance",
            actor="US",
            target="Russia",
            intensity=1,
            annotator="synthetic",
            note="synthetic test record",
        )
        store.upsert({**m, "event_id": ev["id"], "attribution": "quote", "modality": "actual"})
    state = store.read("synthetic")
    assert list(state.events) == [ev["id"]] and len(state.annotations) == 2 and not state.problems
    led = load_ledger(data_copy, sets=["s"], include_briefs=False)
    assert led["phase"].tolist() == ["before", "before"] and led["event_type"].tolist() == ["disapprove"] * 2
    assert len(event_table(led)) == 1 and len(event_table(led, "mentions")) == 2
    assert len(event_table(led, exclude_attribution="quote")) == 0
    store.compact("synthetic")
    assert list(store.read("synthetic").events) == [ev["id"]]
    store.delete(ev["id"], "synthetic")
    assert not store.read("synthetic").events


def test_bad_event_is_refused_with_its_field(codebook, summits):
    ev = make_event(
        annotator="synthetic",
        actor="US",
        target="Russia",
        stance="goodwill",
        issue="cyber",
        intensity=1,
        event_type="disapprove",
        event_date="2021-13",
        date_precision="month",
        summit_id="2021-12-07-video",
    )
    assert [p.field for p in validate_event(ev, codebook=codebook, summits=summits)] == ["event_date"]
    ev["event_date"], ev["date_precision"] = "2021-12-06", "day"
    [p] = validate_event(ev, codebook=codebook, summits=summits)
    assert p.field == "event_type" and "grievance type" in p.message
    assert [p.field for p in validate_event({**ev, "colour": "red"})] == ["colour"]


def test_v2_fields_round_trip_through_every_format(data_copy, tmp_path):
    from _interop import live

    from toolkit.formats import export_annotations, export_ledger, import_file

    ref = live(data_copy, "reference")
    keys = ("event_id", "attribution", "modality", "codebook_version", "secondary_issues", "speaker")
    for fmt in ("doccano", "labelstudio", "w3c", "csv", "parquet"):
        out = tmp_path / f"x.{fmt}"
        if fmt == "parquet":
            export_ledger("parquet", load_ledger(data_copy, sets=["reference"], include_briefs=False), out)
        else:
            export_annotations(fmt, out, data=data_copy, sets=["reference"])
        set_name = f"rt-{fmt}"
        import_file(fmt, out, set_name=set_name, data=data_copy)
        got = live(data_copy, set_name)
        assert set(got) == set(ref), fmt
        for rid, rec in ref.items():
            for k in keys:
                assert got[rid].get(k) == rec.get(k) or (k == "secondary_issues" and not got[rid].get(k) and not rec.get(k)), (
                    fmt,
                    rid,
                    k,
                )
        shutil.rmtree(data_copy / "annotations" / set_name)


def test_migrate_command_and_broken_links_are_reported(data_copy, capsys):
    from toolkit.commands.main import main

    assert main(["migrate", "--project", str(data_copy), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would append 0 operations" in out and "decide:" in out
    log = data_copy / "annotations" / "reference" / "reference.jsonl"
    last = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    last["event_id"] = "ev-0000000000"  # a link to no event, appended as a new operation
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({**last, "op_id": "f" * 16}, ensure_ascii=False) + "\n")
    assert main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "field 'event_id'" in out and "no event of this project" in out


def test_an_exported_set_imported_again_links_to_the_project_events(data_copy):
    """Event records are not carried by the foreign formats; the copy's links still find the project's events."""
    from toolkit.commands.main import main
    from toolkit.ledger import load_ledger

    out = data_copy.parent / "ref.csv"
    assert main(["export", "csv", "--out", str(out), "--set", "reference", "--data", str(data_copy)]) == 0
    assert main(["import", "csv", str(out), "--set", "round-trip", "--data", str(data_copy)]) == 0
    assert main(["validate", str(data_copy)]) == 0
    led = load_ledger(data_copy, sets=["reference", "round-trip"], include_briefs=False)
    ref, copy = (led[led["set"] == s].sort_values(["id", "actor", "target"]) for s in ("reference", "round-trip"))
    assert len(copy) == len(ref) and list(copy["phase"]) == list(ref["phase"]) and copy["phase"].notna().all()
