"""Tests for toolkit.agreement: published values, an independent κ, units, span matching, degenerate input."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest

from toolkit.agreement import (
    BOTH,
    NONE,
    AgreementError,
    agreement_report,
    alpha_breakdown,
    build_units,
    cohen_kappa,
    cohen_kappa_table,
    fleiss_counts,
    fleiss_kappa,
    interpret_alpha,
    krippendorff_alpha,
    match_spans,
    pairwise_matrix,
    percent_agreement,
    sentence_disagreement,
    span_scores,
    span_scores_by_issue,
    unit_alpha,
    unit_disagreement,
)
from toolkit.corpus import Document, segment

n = None

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", worked example C (4 coders x 12 units),
# as transcribed in ../shared/research/interop.md.
KRIPP_4x12 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
    [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
]
# Wikipedia's 3 x 15 example (the krippendorff package's doctest data).
WIKI_3x15 = [
    [n, n, n, n, n, 3, 4, 1, 2, 1, 1, 3, 3, n, 3],
    [1, n, 2, 1, 3, 3, 4, 3, n, n, n, n, n, n, n],
    [n, n, 2, 1, 3, 4, 4, n, 2, 1, 1, 3, 3, n, 4],
]
# Fleiss (1971): 30 patients x 6 psychiatrists, diagnoses 1-5 (table as in statsmodels' test_inter_rater.py).
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4],
    [2, 2, 2, 5, 5, 5],
    [2, 3, 3, 3, 3, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3],
    [3, 3, 3, 3, 5, 5],
    [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4],
    [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4],
    [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3],
    [1, 4, 4, 4, 4, 4],
    [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5],
    [1, 1, 1, 1, 1, 2],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 4, 4, 4, 4, 4],
    [2, 2, 4, 5, 5, 5],
    [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4],
    [1, 1, 1, 1, 5, 5],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3],
    [5, 5, 5, 5, 5, 5],
]
# Wikipedia's Fleiss example: 10 subjects x 5 categories, 14 raters each.
FLEISS_WIKI = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


# ----------------------------------------------------------------------------- published values
@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("ratio", 0.797)])
def test_krippendorff_4x12(level, expected):
    assert round(krippendorff_alpha(KRIPP_4x12, level), 3) == expected


@pytest.mark.parametrize("level, expected", [("nominal", 0.691358), ("interval", 0.810845)])
def test_wikipedia_3x15(level, expected):
    assert round(krippendorff_alpha(WIKI_3x15, level), 6) == expected


def test_labels_with_ordered_domain_give_the_numeric_ordinal_value():
    names = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    labelled = [[names.get(v) for v in row] for row in KRIPP_4x12]
    domain = list(names.values())
    assert round(krippendorff_alpha(labelled, "ordinal", domain), 3) == 0.815
    assert round(krippendorff_alpha(labelled, "nominal"), 3) == 0.743


def test_package_default_level_is_interval_and_we_never_rely_on_it():
    # The package's default (interval) gives a different number on category codes: the trap the docs warn about.
    arr = np.array([[np.nan if v is None else v for v in row] for row in KRIPP_4x12], dtype=float)
    default = krippendorff.alpha(arr)
    assert not math.isclose(default, krippendorff_alpha(KRIPP_4x12, "nominal"), abs_tol=1e-3)
    with pytest.raises(TypeError):
        krippendorff_alpha(KRIPP_4x12)  # level is required


def test_fleiss_1971():
    counts, cats = fleiss_counts(FLEISS_1971)
    assert cats == [1, 2, 3, 4, 5]
    assert counts.sum(axis=0).tolist() == [26, 26, 30, 55, 43]
    assert round(fleiss_kappa(counts), 4) == 0.4302
    assert fleiss_kappa(counts) == pytest.approx(0.4302445, abs=1e-7)


def test_fleiss_wikipedia():
    assert round(fleiss_kappa(FLEISS_WIKI), 3) == 0.210


def test_cohen_table():
    assert round(cohen_kappa_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]]), 4) == 0.4842


def _kappa_by_hand(a, b):
    """A straightforward, independent Cohen's κ: build the confusion counts with a dict."""
    cats = sorted(set(a) | set(b))
    total = len(a)
    agree = sum(1 for x, y in zip(a, b) if x == y) / total
    chance = sum((a.count(c) / total) * (b.count(c) / total) for c in cats)
    return (agree - chance) / (1 - chance)


@pytest.mark.parametrize("seed", range(20))
def test_cohen_matches_an_independent_computation_on_random_data(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    size = int(rng.integers(10, 200))
    a = rng.integers(0, k, size).tolist()
    # correlated second coder: copy with probability 0.6, else random
    b = [x if rng.random() < 0.6 else int(rng.integers(0, k)) for x in a]
    if len(set(a) | set(b)) < 2:
        pytest.skip("degenerate draw")
    assert cohen_kappa(a, b) == pytest.approx(_kappa_by_hand(a, b), abs=1e-12)


def test_cohen_chance_term_is_not_the_product_of_two_proportions():
    # QualCoder's bug: Pe = Pyes * Pno. With 2x2 table [[20, 5], [10, 15]] the right Pe is 0.5.
    t = [[20, 5], [10, 15]]
    assert cohen_kappa_table(t) == pytest.approx((0.7 - 0.5) / 0.5)


def test_cohen_drops_missing_items():
    assert cohen_kappa(["a", "b", None, "a"], ["a", "b", "b", float("nan")]) == pytest.approx(1.0)
    assert math.isnan(percent_agreement(["a", None], [None, "a"]))
    assert percent_agreement(["a", "b", None], ["a", "c", "c"]) == pytest.approx(0.5)


def test_fleiss_and_alpha_agree_in_the_limit():
    # Fleiss' κ and nominal α differ only by a small-sample correction: close for 30 x 6.
    alpha = krippendorff_alpha(np.array(FLEISS_1971).T.tolist(), "nominal")
    assert alpha == pytest.approx(fleiss_kappa(fleiss_counts(FLEISS_1971)[0]), abs=0.01)


# ----------------------------------------------------------------------------- degenerate input
def test_one_coder_is_an_error():
    with pytest.raises(AgreementError, match="at least two"):
        krippendorff_alpha([[1, 2, 3]], "nominal")


def test_no_overlapping_units_is_an_error():
    with pytest.raises(AgreementError, match="no unit was coded by two coders"):
        krippendorff_alpha([[1, n, 2], [n, 3, n]], "nominal")


def test_one_category_is_an_error():
    with pytest.raises(AgreementError, match="one category"):
        krippendorff_alpha([["none", "none"], ["none", "none"]], "nominal")
    with pytest.raises(AgreementError, match="undefined"):
        cohen_kappa_table([[5, 0], [0, 0]])
    with pytest.raises(AgreementError, match="undefined"):
        fleiss_kappa([[3, 0], [3, 0]])


def test_fleiss_needs_a_fixed_panel():
    with pytest.raises(AgreementError, match="krippendorff_alpha"):
        fleiss_kappa([[2, 1], [1, 1]])


def test_labels_need_an_order_for_ordinal():
    with pytest.raises(AgreementError, match="value_domain"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], "ordinal")


def test_errors_are_toolkit_errors_naming_the_source():
    from toolkit.errors import DataError

    with pytest.raises(DataError) as info:
        cohen_kappa([1, 2], [1], source="alice vs bob")
    assert "alice vs bob" in str(info.value)


def test_interpretation_thresholds():
    assert interpret_alpha(0.81).startswith("reliable")
    assert interpret_alpha(0.7).startswith("tentative")
    assert interpret_alpha(0.5).startswith("unreliable")
    assert interpret_alpha(float("nan")) == "undefined"


# ----------------------------------------------------------------------------- units
TEXT = "Alpha accuses Beta. Beta offers talks to Alpha.\nGamma warns Delta. Delta is silent."


@pytest.fixture
def doc():
    return Document(id="toy", title="Toy", text=TEXT, summit_id="s")


def rec(doc, annotator, quote, issue="cyber", stance="grievance", intensity=1, *, occurrence=0, **kw):
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(quote, start + 1)
    return {
        "id": f"{annotator}-{start}-{issue}-{stance}",
        "document_id": doc.id,
        "start": start,
        "end": start + len(quote),
        "issue": issue,
        "stance": stance,
        "intensity": intensity,
        "annotator": annotator,
        "actor": kw.get("actor", "US"),
        "target": kw.get("target", "Russia"),
        "status": kw.get("status", "anchored"),
    }


def test_segments_of_the_toy_text(doc):
    assert [s.text for s in segment(doc)] == [
        "Alpha accuses Beta.",
        "Beta offers talks to Alpha.",
        "Gamma warns Delta.",
        "Delta is silent.",
    ]


def test_units_values_none_both_and_crossing_spans(doc):
    records = [
        rec(doc, "a", "accuses Beta"),
        rec(doc, "a", "Alpha accuses", stance="goodwill", intensity=3),  # same sentence & issue: "both"
        rec(doc, "b", "Beta. Beta offers", stance="goodwill"),  # crosses sentences 0 and 1
        rec(doc, "b", "Gamma warns", issue="sanctions", intensity=2),
        rec(doc, "c", "silent", status="orphaned"),  # left out
    ]
    units = build_units(records, {"toy": doc}, ["cyber", "sanctions"])
    assert units.annotators == ["a", "b"]  # c has only an orphaned record: not an annotator here
    assert units.skipped == 1
    st = units.stance
    assert st.shape == (8, 2)
    assert st.loc[("toy", 0, "cyber"), "a"] == BOTH
    assert st.loc[("toy", 0, "cyber"), "b"] == "goodwill"
    assert st.loc[("toy", 1, "cyber"), "b"] == "goodwill"
    assert st.loc[("toy", 1, "cyber"), "a"] == NONE
    assert st.loc[("toy", 2, "sanctions"), "b"] == "grievance"
    assert units.intensity.loc[("toy", 0, "cyber"), "a"] == 3  # highest intensity on the unit
    assert math.isnan(units.intensity.loc[("toy", 1, "cyber"), "a"])  # none -> no intensity
    assert units.segments.text.tolist()[1] == "Beta offers talks to Alpha."


def test_annotator_who_did_not_read_a_document_is_missing_not_none(doc):
    other = Document(id="other", title="Other", text="One sentence here.", summit_id="s")
    records = [
        rec(doc, "a", "accuses Beta"),
        rec(doc, "b", "accuses Beta"),
        {**rec(other, "a", "One sentence"), "document_id": "other"},
    ]
    units = build_units(records, {"toy": doc, "other": other}, ["cyber"])
    assert units.stance.loc[("other", 0, "cyber"), "a"] == "grievance"
    assert pd.isna(units.stance.loc[("other", 0, "cyber"), "b"])
    units2 = build_units(
        records, {"toy": doc, "other": other}, ["cyber"], coverage={"a": ["toy", "other"], "b": ["toy", "other"]}
    )
    assert units2.stance.loc[("other", 0, "cyber"), "b"] == NONE


def test_unit_alpha_equals_the_package_on_the_same_matrix(doc):
    records = [
        rec(doc, "a", "accuses Beta"),
        rec(doc, "b", "accuses Beta"),
        rec(doc, "a", "offers talks", stance="goodwill"),
        rec(doc, "c", "offers talks", stance="goodwill"),
        rec(doc, "c", "warns Delta", issue="sanctions", intensity=2),
        rec(doc, "b", "warns Delta", issue="sanctions", intensity=1),
    ]
    units = build_units(records, {"toy": doc}, ["cyber", "sanctions"])
    codes = units.codes().astype(float)
    codes[codes < 0] = np.nan
    direct = krippendorff.alpha(reliability_data=codes, level_of_measurement="nominal", value_domain=[0, 1, 2, 3])
    assert unit_alpha(units) == pytest.approx(direct)
    assert unit_alpha(units) == pytest.approx(krippendorff_alpha(units.stance, "nominal"))
    inten = units.intensity.to_numpy().T
    direct_i = krippendorff.alpha(reliability_data=inten, level_of_measurement="ordinal", value_domain=[1, 2, 3])
    assert unit_alpha(units, "intensity") == pytest.approx(direct_i)


def test_identical_coders_agree_perfectly_and_pairwise_is_symmetric(doc):
    base = [rec(doc, "x", "accuses Beta"), rec(doc, "x", "warns Delta", issue="sanctions")]
    records = [{**r, "annotator": name} for name in ("a", "b", "c") for r in base]
    records.append(rec(doc, "c", "offers talks", stance="goodwill"))
    units = build_units(records, {"toy": doc}, ["cyber", "sanctions"])
    pw = pairwise_matrix(units, "cohen")
    assert pw.loc["a", "b"] == pytest.approx(1.0)
    assert pw.loc["a", "c"] < 1.0
    assert (pw.to_numpy() == pw.to_numpy().T).all()
    assert pairwise_matrix(units, "percent").loc["a", "c"] == pytest.approx(7 / 8)
    with pytest.raises(ValueError):
        pairwise_matrix(units, "spearman")  # type: ignore[arg-type]


def test_breakdown_marks_unused_issues_undefined(doc):
    records = [rec(doc, "a", "accuses Beta"), rec(doc, "b", "accuses Beta"), rec(doc, "b", "warns Delta")]
    units = build_units(records, {"toy": doc}, ["cyber", "iran"])
    by = alpha_breakdown(units, "issue").set_index("issue")
    assert math.isnan(by.loc["iran", "alpha"]) and "one category" in by.loc["iran", "note"]
    assert by.loc["cyber", "coded"] == 2 and not math.isnan(by.loc["cyber", "alpha"])
    assert alpha_breakdown(units, "document_id").document_id.tolist() == ["toy"]


def test_unit_disagreement_formula():
    codes = np.array([[0, 1, 1, -1], [0, 1, 2, -1], [0, 2, 2, 1]])
    d = unit_disagreement(codes)
    assert d[0] == 0.0
    assert d[1] == pytest.approx(1 - 2 / 6)  # values 1,1,2: one agreeing ordered pair of 6... n1(n1-1)=2
    assert d[2] == pytest.approx(1 - 2 / 6)
    assert math.isnan(d[3])


def test_sentence_ranking_puts_the_disputed_sentence_first(doc):
    records = [
        rec(doc, "a", "warns Delta"),
        rec(doc, "b", "warns Delta", stance="goodwill"),
        rec(doc, "a", "accuses Beta"),
        rec(doc, "b", "accuses Beta"),
        rec(doc, "c", "accuses Beta"),
    ]
    units = build_units(records, {"toy": doc}, ["cyber"], coverage={k: ["toy"] for k in "abc"})
    ranked = sentence_disagreement(units)
    assert ranked.iloc[0].text == "Gamma warns Delta."
    assert ranked.iloc[0].detail == "cyber: 1 × none, 1 × grievance, 1 × goodwill"
    assert ranked.iloc[0].disagreement == pytest.approx(1.0)
    assert ranked.disagreement.tolist() == sorted(ranked.disagreement, reverse=True)


def test_intensity_only_disputes_rank_but_not_in_stance_score(doc):
    records = [
        rec(doc, "a", "warns Delta", intensity=2),
        rec(doc, "b", "warns Delta", intensity=1),
        rec(doc, "c", "warns Delta", intensity=1),
        rec(doc, "a", "accuses Beta"),
        rec(doc, "b", "accuses Beta"),
    ]
    units = build_units(records, {"toy": doc}, ["cyber"], coverage={k: ["toy"] for k in "abc"})
    ranked = sentence_disagreement(units)
    assert ranked.segment.tolist()[:2] == [0, 2]  # equal scores (2/3): ties go in sentence order
    top = ranked.set_index("segment").loc[2]
    assert top.text == "Gamma warns Delta." and top.stance_disagreement == 0.0
    assert top.disagreement == pytest.approx(1 - 2 / 6)
    assert top.detail == "cyber: 2 × grievance (intensity 1), 1 × grievance (intensity 2)"
    # sentence 0: a and b say grievance, c says none -> a stance dispute; intensities equal, so not shown
    first = ranked.set_index("segment").loc[0]
    assert first.detail == "cyber: 2 × grievance, 1 × none"
    stance_only = sentence_disagreement(units, with_intensity=False).set_index("segment")
    assert stance_only.loc[2, "disagreement"] == 0.0


def test_report_needs_two_annotators(doc):
    with pytest.raises(AgreementError, match="at least two annotators"):
        agreement_report([rec(doc, "a", "accuses Beta")], {"toy": doc}, ["cyber"])


def test_report_gives_fleiss_for_a_fixed_panel_only(doc):
    records = [
        rec(doc, "a", "accuses Beta"),
        rec(doc, "b", "accuses Beta"),
        rec(doc, "c", "warns Delta"),
        rec(doc, "a", "warns Delta"),
    ]
    report = agreement_report(records, {"toy": doc}, ["cyber", "sanctions"])
    counts = np.zeros((8, 4))
    codes = report.units.codes()
    for k in range(4):
        counts[:, k] = (codes == k).sum(axis=0)
    assert report.fleiss == pytest.approx(fleiss_kappa(counts))
    assert report.fleiss == pytest.approx(krippendorff_alpha(report.units.stance, "nominal"), abs=0.1)
    other = Document(id="other", title="Other", text="One sentence here.", summit_id="s")
    partial = agreement_report(
        records + [{**rec(other, "a", "One sentence"), "document_id": "other"}], {"toy": doc, "other": other}, ["cyber"]
    )
    assert math.isnan(partial.fleiss) and any("Fleiss" in n for n in partial.notes)


def test_report_keeps_going_when_alpha_is_undefined(doc):
    records = [rec(doc, "a", "accuses Beta"), rec(doc, "b", "accuses Beta")]
    report = agreement_report(records, {"toy": doc}, ["cyber"])
    assert report.alpha == pytest.approx(1.0)
    # both gave intensity 1 on the only coded unit: one category, so intensity α is undefined, with a note
    assert math.isnan(report.alpha_intensity)
    assert any(note.startswith("α (intensity) undefined") for note in report.notes)
    assert report.sentences.iloc[0].disagreement == 0.0


# ----------------------------------------------------------------------------- spans
def test_exact_and_overlap_matching(doc):
    ref = [
        rec(doc, "r", "Alpha accuses Beta"),
        rec(doc, "r", "offers talks", stance="goodwill"),
        rec(doc, "r", "Gamma warns Delta", issue="sanctions"),
    ]
    cand = [
        rec(doc, "s", "Alpha accuses Beta"),  # exact
        rec(doc, "s", "Beta offers talks", stance="goodwill"),  # overlap: covers all of the shorter span
        rec(doc, "s", "Delta", issue="sanctions"),  # overlaps 5 of 5 chars of itself: >= 50%
        rec(doc, "s", "silent", issue="sanctions"),
    ]  # extra
    exact = span_scores(cand, ref, "exact")
    assert (exact["tp"], exact["fp"], exact["fn"]) == (1, 3, 2)
    over = span_scores(cand, ref, "overlap")
    assert (over["tp"], over["fp"], over["fn"]) == (3, 1, 0)
    assert over["precision"] == pytest.approx(0.75) and over["recall"] == 1.0
    assert over["f1"] == pytest.approx(2 * 3 / (2 * 3 + 1))


def test_overlap_threshold_is_half_the_shorter_span(doc):
    ref = [rec(doc, "r", "Alpha accuses")]  # 13 chars: [0, 13)
    half = {**rec(doc, "s", "Alpha accuses"), "start": 7, "end": 20}  # shares 6 of 13 -> < 50%
    more = {**rec(doc, "s", "Alpha accuses"), "start": 6, "end": 20}  # shares 7 of 13 -> >= 50%
    assert span_scores([half], ref)["tp"] == 0
    assert span_scores([more], ref)["tp"] == 1
    assert span_scores([half], ref, min_overlap=0.4)["tp"] == 1


def test_matching_is_one_to_one_and_needs_same_issue_and_stance(doc):
    ref = [rec(doc, "r", "Alpha accuses Beta")]
    cand = [
        rec(doc, "s", "Alpha accuses Beta"),
        rec(doc, "s", "accuses Beta"),
        rec(doc, "s", "Alpha accuses Beta", stance="goodwill"),
        rec(doc, "s", "Alpha accuses Beta", issue="iran"),
    ]
    m = match_spans(cand, ref)
    assert m.tp == 1 and m.fp == 3 and m.fn == 0
    assert (m.matched[0][0]["start"], m.matched[0][0]["end"]) == (0, 18)  # the larger overlap wins


def test_duplicate_reference_spans_prefer_same_actor_and_target(doc):
    ref = [rec(doc, "r", "Alpha accuses Beta", actor="US"), rec(doc, "r", "Alpha accuses Beta", actor="Ukraine")]
    m = match_spans([rec(doc, "s", "Alpha accuses Beta", actor="Ukraine")], ref, "exact")
    assert m.matched[0][1]["actor"] == "Ukraine"
    assert m.missed[0]["actor"] == "US"


def test_scores_are_undefined_not_zero_when_empty(doc):
    s = span_scores([], [rec(doc, "r", "Alpha accuses Beta")])
    assert math.isnan(s["precision"]) and s["recall"] == 0.0 and s["f1"] == 0.0
    assert math.isnan(span_scores([], [])["f1"])


def test_per_issue_scores(doc):
    ref = [rec(doc, "r", "Alpha accuses Beta"), rec(doc, "r", "Gamma warns Delta", issue="sanctions")]
    cand = [rec(doc, "s", "Alpha accuses Beta")]
    table = span_scores_by_issue(match_spans(cand, ref), ["cyber", "sanctions", "iran"]).set_index("issue")
    assert table.loc["cyber", "f1"] == 1.0
    assert table.loc["sanctions", "recall"] == 0.0 and math.isnan(table.loc["sanctions", "precision"])
    assert table.loc["iran", ["tp", "fp", "fn"]].tolist() == [0, 0, 0]
    assert isinstance(table, pd.DataFrame)


# ----------------------------------------------------------------------------- the real seed article
def test_reference_against_itself_on_the_seed(seed, codebook, data_root):
    from toolkit.classroom import load_reference

    ref = load_reference("reference", data=data_root)
    copy = [{**r, "annotator": "copy"} for r in ref]
    units = build_units(ref + copy, {seed.id: seed}, list(codebook.issues))
    assert units.stance.shape == (len(segment(seed)) * len(codebook.issues), 2)
    assert unit_alpha(units) == pytest.approx(1.0)
    assert unit_alpha(units, "intensity") == pytest.approx(1.0)
    assert span_scores(copy, ref, "exact")["f1"] == 1.0


def test_units_from_a_ledger_equal_units_from_records(seed, codebook, data_root):
    from toolkit.classroom import load_reference
    from toolkit.ledger import load_ledger

    ledger = load_ledger(data_root, sets=["reference", "independent"])  # spans and briefs
    assert (ledger.evidence == "brief").any()
    from_ledger = build_units(ledger, {seed.id: seed}, list(codebook.issues))
    records = [
        r
        for s in ("reference", "independent/coder-a.jsonl", "independent/coder-b.jsonl")
        for r in load_reference(s, data=data_root)
    ]
    from_records = build_units(records, {seed.id: seed}, list(codebook.issues))
    assert from_ledger.annotators == ["coder-a", "coder-b", "reference"]
    assert (from_ledger.codes() == from_records.codes()).all()
    pd.testing.assert_frame_equal(from_ledger.intensity, from_records.intensity)  # numpy ints read as numbers
    assert from_ledger.intensity.notna().to_numpy().sum() > 0
