"""The reliability report on a SYNTHETIC class, on the shipped sets, and the set.yaml declarations.

The class is synthetic: six "students" made by this test at run time from the
reference coding of the seed article, each with seeded random changes (a
dropped passage, another stance or issue, a shifted intensity, moved
boundaries, an extra passage). Nothing here is written to data/.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from toolkit.agreement import (
    EVENT_LINKING,
    available_variables,
    category_alpha,
    coincidence_table,
    match_across_coders,
    reliability_report,
    unitizing_category,
    variable_codes,
    variable_reliability,
)
from toolkit.classroom import load_reference
from toolkit.errors import DataError
from toolkit.records import check_declaration, declarations_frame, describe_coder, find_declarations, load_declaration


def synthetic_class(reference, issues, n_students=6, seed=11):
    """SYNTHETIC students derived from the reference (documented in the module docstring)."""
    rng = random.Random(seed)
    out = []
    for s in range(n_students):
        name = f"synthetic-{s + 1}"
        for r in reference:
            if rng.random() < 0.08:
                continue  # missed passage
            rec = dict(r, annotator=name, id=f"{s}{r['id'][1:]}")
            if rng.random() < 0.12:
                rec["stance"] = "goodwill" if rec["stance"] == "grievance" else "grievance"
            if rng.random() < 0.12:
                rec["issue"] = rng.choice([i for i in issues if i != rec["issue"]])
            if rng.random() < 0.2:
                rec["intensity"] = min(3, max(1, rec["intensity"] + rng.choice([-1, 1])))
            if rng.random() < 0.1:
                rec["summit_id"] = "2021-06-16-geneva"
            if rng.random() < 0.3:
                rec["start"] = max(0, rec["start"] + rng.randint(-3, 3))
            out.append(rec)
        if s == 0:
            out.append(dict(reference[0], annotator=name, id="x0", start=0, end=20))  # an extra passage
    return out


@pytest.fixture(scope="module")
def klass(data_root, codebook):
    ref = load_reference("reference", data=data_root)
    return [dict(r) for r in ref] + synthetic_class(ref, list(codebook.issues))


@pytest.fixture(scope="module")
def report(klass, documents, codebook):
    return reliability_report(klass, documents, list(codebook.issues), n_boot=2000, seed=3)


def test_synthetic_class_per_variable_table_intervals_and_decisions(report):
    table = report.variables.set_index("variable")
    core = ["stance", "issue", "actor", "target", "direction", "intensity", "summit"]
    assert [v for v in table.index if v in core] == core  # codebook-2.0 variables follow when the data has them
    assert table.loc["intensity", "level"] == "ordinal" and table.loc["stance", "level"] == "nominal"
    for var in ("stance", "issue", "intensity", "summit"):
        row = table.loc[var]
        assert row.status == "ok", var
        assert row.low <= row.alpha <= row.high <= 1.0
        assert 0.0 <= row["p_min_0.8"] <= row["p_min_0.667"] <= 1.0
        assert re.fullmatch(r"reliable at α ≥ 0\.8 with probability [01]\.\d\d", row.decision)
    # actor and target were never changed; only a mismatched pairing on a shared clause can make them differ
    assert table.loc["actor", "alpha"] > 0.9
    # some stances and issues were changed: α is clearly above chance but below 1
    assert 0.4 < table.loc["stance", "alpha"] < 1.0 and 0.4 < table.loc["issue", "alpha"] < 1.0
    text = report.to_text(categories=True)
    assert "synthetic-1: how made: not declared" in text
    assert "Per-category α, issue:" in text and "Coincidence table, stance:" in text


def test_unmatched_spans_and_all_vs_coded_units(report):
    unmatched = report.matched.unmatched_frame()
    assert ((unmatched.start == 0) & (unmatched.annotator == "synthetic-1")).any()  # the extra passage
    assert report.n_units_coded < report.n_units_all
    assert report.stance_coded.alpha < report.stance_all.alpha  # empty units inflate the all-unit α
    assert report.stance_all.status == "ok" and report.stance_all.low <= report.stance_all.alpha
    assert set(report.unitizing.stance) == {"grievance", "goodwill", "all"}
    by_issue = report.unitizing_issue
    assert by_issue.issue.iloc[-1] == "all" and len(by_issue) > 3 and (by_issue.units > 0).all()
    assert (by_issue.alpha < 1.0).any()  # the students moved boundaries and changed issues


def test_unitizing_by_issue_separates_where_from_which_stance(data_root, documents, codebook):
    """A SYNTHETIC second coder: the reference with the sanctions passage's stance flipped and Syria's start moved."""
    ref = [dict(r) for r in load_reference("reference", data=data_root)]
    other = []
    for r in ref:
        rec = dict(r, annotator="synthetic-b", id="b" + r["id"][1:])
        if rec["issue"] == "sanctions":
            rec["stance"] = "goodwill"  # same passage, other stance
        if rec["issue"] == "syria":
            rec["start"] += 3  # same stance, other boundary
        other.append(rec)
    issues = list(codebook.issues)
    rep = reliability_report(ref + other, documents, issues, n_boot=200, seed=1)
    by_issue = rep.unitizing_issue.set_index("issue")
    marked = {r["issue"] for r in ref}
    # one row per issue marked on the document, in codebook order, then the pooled row
    assert list(by_issue.index) == [i for i in issues if i in marked] + ["all"]
    assert by_issue.loc["sanctions", "alpha"] == 1.0 and by_issue.loc["sanctions", "d_o"] == 0.0
    assert by_issue.loc["syria", "alpha"] < 0.9
    assert all(by_issue.loc[i, "alpha"] == 1.0 for i in marked - {"syria"})
    # the Syria row is uα of exactly the two coders' Syria passages on this document
    doc_id = ref[0]["document_id"]
    spans = {c: [(r["start"], r["end"]) for r in recs if r["issue"] == "syria"] for c, recs in (("a", ref), ("b", other))}
    direct = unitizing_category(spans, len(documents[doc_id].text))
    assert by_issue.loc["syria", "alpha"] == pytest.approx(direct.alpha) and by_issue.loc["syria", "d_e"] == pytest.approx(
        direct.d_e
    )
    rows = by_issue.drop(index="all")
    assert by_issue.loc["all", "alpha"] == pytest.approx(1 - rows.d_o.sum() / rows.d_e.sum())
    assert by_issue.loc["all", "units"] == rows.units.sum()
    # by stance, the flipped passage is a grievance one coder did not mark and a goodwill the other did not
    by_stance = rep.unitizing.set_index("stance")
    assert by_stance.loc["goodwill", "alpha"] < 0.9 and by_stance.loc["all", "alpha"] < by_issue.loc["all", "alpha"]
    # agenda passages count by issue (every stance), not by stance
    assert by_issue.loc["nato-expansion", "units"] == 2 * sum(r["issue"] == "nato-expansion" for r in ref)
    text = rep.to_text()
    assert "Unitizing by issue (uα per document and issue, passages of every stance):" in text
    assert re.search(rf"{doc_id} syria\s+uα = {by_issue.loc['syria', 'alpha']:.3f}", text)
    assert re.search(rf"{doc_id} sanctions\s+uα = 1\.000", text)


def test_per_category_alpha_and_coincidence_table(klass):
    # two categories (the reference's agenda items left out), so that "one against the other" is the variable
    matched = match_across_coders([r for r in klass if r["stance"] != "agenda"])
    table = coincidence_table(matched, "stance")
    codes, domain, _ = variable_codes(matched, "stance")
    assert list(table.index) == domain == ["goodwill", "grievance"]
    assert np.allclose(table.to_numpy(), table.to_numpy().T)
    pairable = codes[:, (codes >= 0).sum(axis=0) >= 2]
    assert table.to_numpy().sum() == pytest.approx((pairable >= 0).sum())
    cats = category_alpha(matched, "stance")
    # with two categories, "this one against the other" is the variable itself
    assert cats.alpha.tolist() == pytest.approx([variable_reliability(matched, ["stance"], n_boot=200).alpha[0]] * 2)


def test_matching_is_one_span_per_coder_and_order_free(klass):
    m1 = match_across_coders(klass)
    m2 = match_across_coders(list(reversed(klass)))
    assert all(len({r["annotator"] for r in u.values()}) == len(u) for u in m1.units)
    key = lambda m: sorted(tuple(sorted((c, r["id"]) for c, r in u.items())) for u in m.units)  # noqa: E731
    assert key(m1) == key(m2)
    with pytest.raises(ValueError):
        match_across_coders(klass, min_overlap=0)


def test_optional_codebook_2_fields_and_event_linking_are_measured_when_present():
    base = {
        "document_id": "d",
        "status": "anchored",
        "issue": "cyber",
        "stance": "grievance",
        "actor": "US",
        "target": "Russia",
        "intensity": 1,
        "summit_id": "s",
    }
    recs = []
    for coder, (mod, ev) in {
        "a": ("actual", ["e1", "e1", "e2"]),
        "b": ("actual", ["e1", "e2", "e2"]),
        "c": ("conditional", ["e1", "e1", "e2"]),
    }.items():
        for k, start in enumerate((0, 20, 40)):
            recs.append(
                dict(
                    base,
                    annotator=coder,
                    id=f"{coder}{k}",
                    start=start,
                    end=start + 10,
                    modality=mod if k else "actual",
                    event_id=ev[k],
                )
            )
    matched = match_across_coders(recs)
    names = available_variables(matched)
    assert "modality" in names and EVENT_LINKING in names and "attribution" not in names
    codes, domain, _ = variable_codes(matched, EVENT_LINKING)
    assert codes.shape == (3, 3) and domain == ["different events", "same event"]
    assert codes[1].tolist() == [0, 0, 1]  # coder b links the second and third mention, not the first two
    # a coder whose records have no event_id field at all (coded before event linking) is left out, not "different"
    for r in recs:
        if r["annotator"] == "c":
            del r["event_id"]
    codes, _, _ = variable_codes(match_across_coders(recs), EVENT_LINKING)
    assert (codes[2] == -1).all() and (codes[:2] >= 0).all()


def test_shipped_sets_report(data_root, documents, codebook):
    ann = data_root / "annotations"
    recs = load_reference("reference", data=data_root)
    for name in ("coder-a", "coder-b"):
        recs += load_reference(str(ann / "independent" / f"{name}.jsonl"), data=data_root)
    decl = find_declarations([ann / "reference", ann / "independent"])
    rep = reliability_report(recs, documents, list(codebook.issues), declarations=decl, n_boot=1000)
    assert rep.n_units_all == 24 * len(codebook.issues) and rep.n_units_coded == 19  # 24 sentences
    # the reference's 2.1.0 re-coding (Peskov's agenda items) disagrees with the two 1.0 codings on one unit
    assert rep.stance_all.status == rep.stance_coded.status == "ok"
    assert [r["quote"] for r in rep.matched.unmatched] == ["President Putin’s initiative on ensuring security"]
    assert all(describe_coder(decl[c]).startswith("model:") for c in rep.coders)
    frame = declarations_frame(decl, rep.coders + ["student-x"])
    assert frame.loc["coder-a", "kind"] == "model" and frame.loc["student-x", "kind"] == "not declared"


def test_shipped_declarations_say_no_person_coded(data_root):
    # the reference was re-coded under codebook 2.0.0 and 2.1.0; the independent sets were only migrated mechanically
    for name, version, date in (("reference", "2.1.0", "2026-12-06"), ("independent", "1.0.0", "2026-11-28")):
        decl = load_declaration(data_root / "annotations" / name)
        assert decl is not None
        assert {c.kind for c in decl.coders.values()} == {"model"}
        assert {c.codebook_version for c in decl.coders.values()} == {version}
        assert {c.date for c in decl.coders.values()} == {date}


def test_bad_declarations_name_file_line_and_field(tmp_path):
    (tmp_path / "a.jsonl").write_text("")
    (tmp_path / "set.yaml").write_text(
        "coders:\n  a:\n    kind: robot\n    who: x\n    training: y\n"
        "    codebook_version: 1.0\n    saw_reference: maybe\n    date: 28.11.2026\n"
    )
    decl, problems = check_declaration(tmp_path, ["a"])
    fields = {p.field for p in problems}
    assert decl is None and {"kind", "codebook_version", "saw_reference", "date"} <= fields
    assert all(p.file.endswith("set.yaml") and p.line == 3 for p in problems)
    with pytest.raises(DataError):
        load_declaration(tmp_path)
    (tmp_path / "set.yaml").write_text(
        "coders:\n  a:\n    kind: person\n    who: x\n    training: y\n"
        "    codebook_version: '1'\n    saw_reference: false\n    date: 2026-13-01\n"
    )
    assert [p.field for p in check_declaration(tmp_path)[1]] == ["date"]
    (tmp_path / "set.yaml").write_text(
        "coders:\n  b:\n    kind: person\n    who: x\n    training: y\n"
        "    codebook_version: '1.0'\n    saw_reference: false\n    date: 2026-01-02\n"
    )
    decl, problems = check_declaration(tmp_path, ["a"])
    assert decl is None and "no declaration for annotator(s) a" in problems[0].message


def test_validate_warns_on_a_set_without_declaration_and_fails_on_a_bad_one(data_copy, capsys):
    from toolkit.commands.main import main

    (data_copy / "annotations" / "independent" / "set.yaml").unlink()
    assert main(["validate", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^WRN .*independent/set.yaml: missing: set 'independent' does not declare how it was made", out, re.M)
    (data_copy / "annotations" / "reference" / "set.yaml").write_text("coders: []\n")
    assert main(["validate", str(data_copy)]) == 1
    assert "reference/set.yaml" in capsys.readouterr().out


def test_a_near_constant_variable_is_not_estimable_rather_than_given_a_probability():
    from toolkit.agreement.bootstrap import MIN_MINORITY, bootstrap_alpha

    # three coders, 21 units, all one value but a single deviating value: α = 0 means nothing here
    codes = np.zeros((3, 21), dtype=np.int64)
    codes[2, 5] = 1
    r = bootstrap_alpha(codes, 2, "nominal", n_boot=200)
    assert r.status == "not-estimable" and np.isnan(r.low) and np.isnan(r.probability_at_least(0.8))
    assert r.decision().startswith("not estimable: only 1 of 63 pairable values")
    assert "probability" not in r.decision()
    # enough variation: an interval and a probability again
    varied = np.tile(np.array([0, 1] * 10 + [0]), (3, 1))
    varied[2, :MIN_MINORITY] = 1 - varied[2, :MIN_MINORITY]
    assert bootstrap_alpha(varied, 2, "nominal", n_boot=200).status == "ok"
