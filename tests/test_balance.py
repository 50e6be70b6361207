"""Balance tables on small hand-computed ledgers (synthetic rows built in the test)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import ValidationError
from toolkit.measures import ISSUE_COLUMNS, SHIFT_COLUMNS, SUMMIT_COLUMNS, balance_table, filter_ledger, shift_table

# Summit ids whose alphabetical order differs from their date order, on purpose.
SUMMITS = {
    "b-second": ("2020-05-01", "Second", "video"),
    "c-first": ("2019-01-01", "First", "in_person"),
    "a-third": ("2021-09-09", "Third", "phone"),
}
SCORE = {
    ("goodwill", 1): 3.5,
    ("goodwill", 2): 4.0,
    ("goodwill", 3): 6.0,
    ("grievance", 1): -2.0,
    ("grievance", 2): -6.0,
    ("grievance", 3): -7.0,
}


def row(summit, issue, stance, intensity=1, actor="US", target="Russia", evidence="span", annotator="ann", set_="s1"):
    date, label, fmt = SUMMITS[summit]
    return {
        "evidence": evidence,
        "summit_id": summit,
        "summit_date": pd.Timestamp(date),
        "summit_label": label,
        "summit_format": fmt,
        "issue": issue,
        "issue_label": issue.upper(),
        "stance": stance,
        "actor": actor,
        "target": target,
        "intensity": intensity,
        "score": SCORE[(stance, intensity)],
        "annotator": "briefs" if evidence == "brief" else annotator,
        "set": "briefs" if evidence == "brief" else set_,
        "status": "anchored",
    }


def ledger(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["intensity"] = df["intensity"].astype("Int64")
    return df


@pytest.fixture
def small():
    """First: 2 goodwill (int 1, 1) + 1 grievance (int 3) on 'x'; 1 grievance on 'y' (a brief).
    Second: nothing but a goodwill on 'x' from Ukraine.  Third: 2 grievances on 'x'."""
    return ledger(
        [
            row("c-first", "x", "goodwill", 1),
            row("c-first", "x", "goodwill", 1, actor="Russia", target="US"),
            row("c-first", "x", "grievance", 3),
            row("c-first", "y", "grievance", 2, evidence="brief"),
            row("b-second", "x", "goodwill", 2, actor="Ukraine"),
            row("a-third", "x", "grievance", 1),
            row("a-third", "x", "grievance", 2, actor="Russia", target="US"),
        ]
    )


def by_label(table):
    return table.set_index("summit_label")


def test_summit_table_by_hand(small):
    t = balance_table(small, n_boot=0)
    assert tuple(t.columns) == SUMMIT_COLUMNS
    assert t["summit_label"].tolist() == ["First", "Second", "Third"]  # date order, not id order
    first = by_label(t).loc["First"]
    assert (first.n, first.n_goodwill, first.n_grievance) == (4, 2, 2)
    assert (first.goodwill, first.grievance, first.net, first.total) == (2, 2, 0, 4)
    assert first.balance == 0.0 and first.thin  # 2 vs 2: the Jeffreys interval is wider than 1
    assert by_label(t).loc["Second", "balance"] == 1.0
    assert by_label(t).loc["Third", "balance"] == -1.0


@pytest.mark.parametrize(
    "weight, expected",
    [
        ("count", {"First": 0.0, "Second": 1.0, "Third": -1.0}),
        # First: G = 1 + 1, R = 3 + 2 -> (2 - 5) / 7
        ("intensity", {"First": -3 / 7, "Second": 1.0, "Third": -1.0}),
        # First: G = 3.5 + 3.5, R = 7 + 6 -> (7 - 13) / 20
        ("score", {"First": -6 / 20, "Second": 1.0, "Third": -1.0}),
    ],
)
def test_weights(small, weight, expected):
    t = by_label(balance_table(small, weight=weight, n_boot=0))
    for label, value in expected.items():
        assert t.loc[label, "balance"] == pytest.approx(value)
    assert (t["weight"] == weight).all()


def test_unknown_weight_and_level_are_call_errors_not_data_errors(small):
    with pytest.raises(ValueError, match="weight='loudness' is not one of count, intensity, score") as err:
        balance_table(small, weight="loudness")
    assert not isinstance(err.value, ValidationError)
    with pytest.raises(ValueError, match="by='actor' is not one of summit, issue"):
        balance_table(small, by="actor")


def test_empty_cells_are_nan_never_zero(small):
    t = balance_table(small, by="issue", n_boot=100)
    assert tuple(t.columns) == ISSUE_COLUMNS
    assert len(t) == 3 * 2  # every summit x every issue
    empty = t[(t.summit_label == "Second") & (t.issue == "y")].iloc[0]
    assert empty.n == 0 and math.isnan(empty.balance) and math.isnan(empty.ci_low) and empty.thin
    assert empty.salience == 0.0  # the summit has rows, none on y
    t = balance_table(small, by="issue", actor="Ukraine", n_boot=0)
    assert t[t.summit_label == "First"]["salience"].isna().all()  # an empty summit has no shares
    # a filter that empties a whole summit leaves it listed with a NaN balance
    s = by_label(balance_table(small, actor="Russia", n_boot=0))
    assert s.loc["Second", "n"] == 0 and math.isnan(s.loc["Second", "balance"])
    assert s.loc["First", "balance"] == 1.0 and s.loc["Third", "balance"] == -1.0


def test_one_sided_cells_and_salience(small):
    # the percentile bootstrap collapses on a one-sided cell; the Jeffreys interval (default) does not
    boot = balance_table(small, by="issue", weight="intensity", interval="bootstrap", n_boot=200)
    cell = boot[(boot.summit_label == "Third") & (boot.issue == "x")].iloc[0]
    assert cell.balance == -1.0 and cell.ci_low == -1.0 and cell.ci_high == -1.0
    t = balance_table(small, by="issue", weight="intensity")
    cell = t[(t.summit_label == "Third") & (t.issue == "x")].iloc[0]
    assert cell.balance == -1.0 and cell.ci_low == -1.0 and cell.ci_high > -0.5 and cell.thin
    first = t[t.summit_label == "First"].set_index("issue")
    # First, by intensity: x has 1 + 1 + 3 = 5, y has 2, of 7 in all
    assert first.loc["x", "salience"] == pytest.approx(5 / 7)
    assert first.loc["y", "salience"] == pytest.approx(2 / 7)
    assert first["salience"].sum() == pytest.approx(1.0)


def test_shift_follows_summit_dates(small):
    t = balance_table(small, n_boot=0)
    assert pd.isna(t.loc[0, "prev_summit_id"])
    assert t["prev_summit_id"].tolist()[1:] == ["c-first", "b-second"]
    assert math.isnan(t.loc[0, "shift"])
    assert t.loc[1, "shift"] == pytest.approx(1.0 - 0.0)
    assert t.loc[2, "shift"] == pytest.approx(-1.0 - 1.0)
    issue = balance_table(small, by="issue", n_boot=0)
    y = issue[issue.issue == "y"]
    assert y["shift"].isna().all()  # y is only coded at the first summit
    sh = shift_table(issue)
    assert tuple(sh.columns) == SHIFT_COLUMNS
    assert (sh.shift_low <= sh["shift"]).all() and (sh["shift"] <= sh.shift_high).all()
    # issue x: First 2 goodwill + 1 grievance -> 1/3; Second +1; Third -1
    assert sh[["issue", "from_label", "to_label"]].values.tolist() == [["x", "First", "Second"], ["x", "Second", "Third"]]
    assert sh["shift"].tolist() == pytest.approx([1 - 1 / 3, -2.0])


def test_summits_argument_lists_summits_without_rows(small, summits):
    t = balance_table(
        small.assign(summit_id="2021-06-16-geneva", summit_date=pd.Timestamp("2021-06-16")), summits=summits, n_boot=0
    )
    assert t["summit_id"].tolist() == list(summits)  # all five, in date order
    assert t.set_index("summit_id").loc["2021-06-16-geneva", "n"] == len(small)
    assert (t["n"] == 0).sum() == len(summits) - 1


def test_filters(small):
    assert len(filter_ledger(small, actor="Russia")) == 2
    assert len(filter_ledger(small, target=["US"])) == 2
    assert len(filter_ledger(small, issue="y")) == 1
    assert len(filter_ledger(small, evidence="brief")) == 1
    both = small.assign(annotator=["a", "b", "a", "briefs", "b", "a", "b"])
    # the annotator filter keeps briefs unless evidence drops them
    assert len(filter_ledger(both, annotators=["a"])) == 4
    assert len(filter_ledger(both, annotators=["a"], evidence="span")) == 3
    orphan = small.copy()
    orphan.loc[0, "status"] = "orphaned"
    assert len(filter_ledger(orphan)) == len(small) - 1
    t = by_label(balance_table(small, evidence="span", n_boot=0))
    assert t.loc["First", "n"] == 3 and t.loc["First", "balance"] == pytest.approx(1 / 3)


def test_thin_flag(small):
    t = balance_table(small, by="issue", n_boot=0).set_index(["summit_label", "issue"])
    # 2 goodwill + 1 grievance: Jeffreys interval on (G - R)/(G + R) is wider than 1 -> thin
    assert t.loc[("First", "x"), "n"] == 3 and t.loc[("First", "x"), "thin"]
    many = ledger([row("c-first", "x", "grievance") for _ in range(4)])
    assert not balance_table(many).loc[0, "thin"]  # 4 of 4 one-sided: width 0.89 <= 1
    assert balance_table(many.iloc[:3]).loc[0, "thin"]  # 3 of 3: width 1.07 > 1


def test_bootstrap_is_seeded(small):
    a = balance_table(small, by="issue", n_boot=300, seed=7, interval="bootstrap")
    b = balance_table(small, by="issue", n_boot=300, seed=7, interval="bootstrap")
    pd.testing.assert_frame_equal(a, b)
    mixed = small[small.summit_id == "c-first"]
    lows = {balance_table(mixed, seed=s, n_boot=50, interval="bootstrap").loc[0, "ci_low"] for s in range(8)}
    assert len(lows) > 1  # the seed does change the draws


def test_bootstrap_resamples_annotators_when_several():
    # annotator a codes only goodwill, b only grievance: resampling annotators gives
    # samples {a, a} (+1), {b, b} (-1) and {a, b} (0), so the interval spans [-1, 1].
    rows = [row("c-first", "x", "goodwill", annotator="a") for _ in range(10)]
    rows += [row("c-first", "x", "grievance", annotator="b") for _ in range(10)]
    df = ledger(rows)
    auto = balance_table(df, n_boot=1000, seed=1, interval="bootstrap").iloc[0]
    assert auto.balance == 0.0
    assert (auto.ci_low, auto.ci_high) == (-1.0, 1.0)
    # resampling the 20 rows instead gives a much narrower interval around 0
    rows_ci = balance_table(df, n_boot=1000, seed=1, resample="rows", interval="bootstrap").iloc[0]
    assert -1.0 < rows_ci.ci_low < 0.0 < rows_ci.ci_high < 1.0
    # one annotator: rows are resampled (same as resample="rows")
    single = balance_table(df.assign(annotator="a"), n_boot=1000, seed=1, interval="bootstrap").iloc[0]
    assert (single.ci_low, single.ci_high) == (rows_ci.ci_low, rows_ci.ci_high)


def test_bootstrap_width_shrinks_with_more_rows():
    few = ledger([row("c-first", "x", s) for s in ["goodwill", "grievance", "grievance"]])
    many = ledger([row("c-first", "x", s) for s in ["goodwill", "grievance", "grievance"] * 40])
    w_few = balance_table(few, interval="bootstrap").iloc[0]
    w_many = balance_table(many, interval="bootstrap").iloc[0]
    assert w_few.balance == pytest.approx(w_many.balance)
    assert (w_many.ci_high - w_many.ci_low) < (w_few.ci_high - w_few.ci_low) / 3


cell_rows = st.lists(
    st.tuples(
        st.sampled_from(["c-first", "b-second", "a-third"]),
        st.sampled_from(["x", "y"]),
        st.sampled_from(["goodwill", "grievance"]),
        st.integers(1, 3),
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(["span", "brief"]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=30, deadline=None)
@given(
    cell_rows, st.sampled_from(["count", "intensity", "score"]), st.integers(0, 2**16), st.sampled_from(["jeffreys", "bootstrap"])
)
def test_interval_contains_point_estimate(items, weight, seed, interval):
    df = ledger([row(s, i, stance, k, annotator=a, evidence=e) for s, i, stance, k, a, e in items])
    for by in ("summit", "issue"):
        t = balance_table(df, by=by, weight=weight, n_boot=200, seed=seed, interval=interval)
        has = t["n"] > 0
        assert t.loc[~has, "balance"].isna().all()
        assert t.loc[has, "balance"].between(-1, 1).all()
        assert (t.loc[has, "ci_low"] <= t.loc[has, "balance"] + 1e-12).all()
        assert (t.loc[has, "balance"] <= t.loc[has, "ci_high"] + 1e-12).all()
        # the totals agree with a plain groupby
        keys = ["summit_id"] + (["issue"] if by == "issue" else [])
        w = {"count": 1.0, "intensity": df["intensity"].astype(float), "score": df["score"].abs()}[weight]
        ref = df.assign(w=w).groupby(keys + ["stance"])["w"].sum().unstack(fill_value=0.0)
        got = t[has].set_index(keys)
        ref = ref.reindex(columns=["goodwill", "grievance"], fill_value=0.0).reindex(got.index).fillna(0.0)
        assert np.allclose(got["goodwill"], ref["goodwill"])
        assert np.allclose(got["grievance"], ref["grievance"])


def test_real_ledger(data_root, summits):
    from toolkit.ledger import load_ledger

    led = load_ledger(data_root, sets=["reference"])
    t = balance_table(led, summits=summits, scope="all", count="directed")
    assert t["summit_id"].tolist() == list(summits)
    assert int(t["n_mentions"].sum()) == len(led)
    keyed = led[led.event_id.notna()]
    events = len(keyed.drop_duplicates(["event_id", "actor", "target", "summit_id", "issue"])) + int(led.event_id.isna().sum())
    assert int(t["n"].sum()) == events  # directed events, counted by hand
    # acts (the default unit): an event_id once, a joint record without one once, by hand
    acts = balance_table(led, summits=summits, scope="all")
    unnamed = led[led.event_id.isna()].drop_duplicates(["evidence", "set", "id", "summit_id", "issue"])
    assert int(acts["n"].sum()) == len(keyed.drop_duplicates(["event_id", "summit_id", "issue"])) + len(unnamed)
    in_dyad = balance_table(led, summits=summits)
    assert (in_dyad["scope"] == "US<->Russia dyad").all() and (in_dyad["n"] <= acts["n"]).all()
    mentions = balance_table(led, summits=summits, count="mentions", scope="all")
    assert int(mentions["n"].sum()) == len(led)
    video = mentions.set_index("summit_id").loc["2021-12-07-video"]
    spans = led[led.summit_id == "2021-12-07-video"]
    g = (spans.stance == "goodwill").sum()
    r = (spans.stance == "grievance").sum()
    assert video.balance == pytest.approx((g - r) / (g + r))
    assert video.ci_low <= video.balance <= video.ci_high
