"""Every event type of the shipped codebook against the kept published tables (toolkit/codebook/tables).

The expected values are read from the kept files themselves with the standard library (csv,
json), not through the toolkit's loader, so a loader that mapped codes wrongly would fail here.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
import yaml

from toolkit.codebook import load_codebook
from toolkit.errors import CodebookError

TABLES = Path(__file__).resolve().parents[1] / "toolkit" / "codebook" / "tables"


def _goldstein() -> dict[str, float]:
    with (TABLES / "CAMEO.goldsteinscale.txt").open(newline="") as f:
        return {row["CAMEOEVENTCODE"]: float(row["GOLDSTEINSCALE"]) for row in csv.DictReader(f, delimiter="\t")}


def _plover() -> dict:
    return json.loads((TABLES / "PLOVER-2.0.json").read_text(encoding="utf-8"))


GOLDSTEIN = _goldstein()
PLOVER = _plover()
TYPES = {t["type"]: t for t in PLOVER["event_types"]}
MODES = {(m["type"], m["mode"]): m for m in PLOVER["modes"]}
CONTEXTS = {c["context"] for c in PLOVER["contexts"]}
#: GDELT's QuadClass by CAMEO root (project research notes, "Coding references").
QUAD_OF_ROOT = {
    **dict.fromkeys(range(1, 6), 1),
    **dict.fromkeys(range(6, 10), 2),
    **dict.fromkeys(range(10, 15), 3),
    **dict.fromkeys(range(15, 21), 4),
}


@pytest.fixture(scope="module")
def codebook(data_root):
    return load_codebook(data_root / "codebook.yaml")


def test_every_event_type_against_the_kept_tables(codebook) -> None:
    assert len(codebook.event_types) == 21
    for t in codebook.event_types.values():
        assert t.goldstein == GOLDSTEIN[t.cameo], (t.id, t.cameo)
        assert t.plover_type in TYPES, t.id
        if t.plover_mode:
            assert (t.plover_type, t.plover_mode) in MODES, t.id
            want = MODES[(t.plover_type, t.plover_mode)]["score"]
        else:
            want = TYPES[t.plover_type]["score"]
        assert t.plover_score == want, t.id
        assert t.quad_class == QUAD_OF_ROOT[int(t.cameo[:2])], t.id
        sign = {"grievance": -1, "goodwill": 1}.get(t.stance)
        if sign is not None:
            assert t.goldstein * sign > 0 and t.plover_score * sign > 0, t.id


def test_the_values_the_issue_found_wrong_are_now_the_published_ones(codebook) -> None:
    et = codebook.event_types
    published = {"threaten": -4.4, "threaten-sanctions": -5.8, "threaten-relations": -5.8, "impose-sanctions": -8.0}
    published |= {"expel": -7.0, "endorse": 3.4, "sign-agreement": 8.0, "ease-sanctions": 7.0}
    assert {k: et[k].goldstein for k in published} == published
    assert (et["impose-sanctions"].plover_type, et["impose-sanctions"].plover_mode) == ("SANCTION", "discontinue")
    assert (et["ease-sanctions"].plover_type, et["ease-sanctions"].plover_mode) == ("RETREAT", "")
    assert (et["deny"].cameo, et["deny"].plover_type) == ("016", "REJECT")


def test_every_issue_context_is_a_general_context_of_the_manual(codebook) -> None:
    for issue in codebook.issues.values():
        assert issue.plover_context is None or issue.plover_context in CONTEXTS, issue.id
    assert codebook.issues["crimea-donbas-minsk"].plover_context == "territory"
    assert codebook.issues["belarus"].plover_context == "rights_freedoms"


def _codebook_with(tmp_path, data_root, edit) -> Path:
    raw = yaml.safe_load((data_root / "codebook.yaml").read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def _event_type(raw: dict, tid: str) -> dict:
    return next(t for t in raw["event_types"] if t["id"] == tid)


@pytest.mark.parametrize(
    ("tid", "change", "field", "words"),
    [
        (
            "impose-sanctions",
            {"plover_mode": "sever"},
            "event_types.impose-sanctions.plover_mode",
            "'sever' is not a mode of SANCTION",
        ),
        ("ease-sanctions", {"plover_mode": "ease"}, "event_types.ease-sanctions.plover_mode", "'ease' is not a mode of RETREAT"),
        ("demand", {"plover_type": "DEMAND"}, "event_types.demand.plover_type", "REQUEST"),
        ("threaten", {"goldstein": -6.0}, "event_types.threaten.goldstein", "CAMEO 130 -4.4"),
        ("expel", {"plover_score": -6.0}, "event_types.expel.plover_score", "SANCTION/expel -5.5"),
        ("endorse", {"cameo": "059"}, "event_types.endorse.cameo", "'059' is not a CAMEO code"),
    ],
)
def test_a_code_or_weight_off_the_tables_is_refused(tmp_path, data_root, tid, change, field, words) -> None:
    path = _codebook_with(tmp_path, data_root, lambda raw: _event_type(raw, tid).update(change))
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    problems = [p for p in info.value.problems if p.field == field]
    assert problems and words in problems[0].message, info.value.problems


@pytest.mark.parametrize("context", ["political", "resource", "culture", "government", "crime_murder"])
def test_contexts_outside_the_manual_are_refused(tmp_path, data_root, context) -> None:
    def edit(raw: dict) -> None:
        raw["issues"][0]["plover_context"] = context

    with pytest.raises(CodebookError, match=f"'{context}' is not a general context of PLOVER 2.0"):
        load_codebook(_codebook_with(tmp_path, data_root, edit))


def test_weights_left_out_are_filled_from_the_tables_and_correct_ones_accepted(tmp_path, data_root) -> None:
    def edit(raw: dict) -> None:
        _event_type(raw, "sign-agreement")["goldstein"] = 8.0
        _event_type(raw, "sign-agreement")["plover_score"] = 5.0

    cb = load_codebook(_codebook_with(tmp_path, data_root, edit))
    assert cb.event_types["sign-agreement"].goldstein == 8.0
    assert not math.isnan(cb.event_types["cooperate"].plover_score)


def test_quad_class_split_covers_every_counted_event(data_root) -> None:
    from toolkit.ledger import load_ledger
    from toolkit.ledger.eventcount import event_table, quad_class_split

    ledger = load_ledger(data_root)
    split = quad_class_split(ledger)
    events = event_table(ledger)
    assert split["n"].sum() == len(events)  # nothing dropped: rows without a type are quad class 0
    per_summit = split.groupby("summit_id")["n"].sum()
    assert per_summit.to_dict() == events.groupby("summit_id").size().to_dict()
    # conflict classes hold no goodwill and cooperation classes no grievance, except deny (CAMEO 016: root 01)
    assert split.loc[split["quad_class"].isin([3, 4]), "n_goodwill"].sum() == 0
    assert set(split["quad_label"]) <= {
        "verbal cooperation",
        "material cooperation",
        "verbal conflict",
        "material conflict",
        "no event type",
    }


def test_joint_once_keeps_acts_without_an_event_id_apart(data_root) -> None:
    """Briefs carry no event_id: each is its own act, not one shared empty key (the Geneva 2021 cell)."""
    from toolkit.ledger import load_ledger
    from toolkit.measures import robustness_table

    t = robustness_table(load_ledger(data_root))
    geneva = t[(t["spec"] == "joint_once") & (t["summit_id"] == "2021-06-16-geneva")].iloc[0]
    assert geneva["n"] == 7 and round(geneva["balance"], 2) == 0.14
