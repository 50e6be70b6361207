"""Events versus mentions, agenda rows, and the robustness table (synthetic rows built in the tests)."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.measures import SPECS, balance_table, count_units, power_table, robustness_table, robustness_wide, shift_table


def _ledger(rows):
    base = {
        "evidence": "span",
        "summit_date": pd.Timestamp("2021-01-01"),
        "summit_format": "video",
        "issue": "x",
        "issue_label": "X",
        "actor": "US",
        "target": "Russia",
        "intensity": 1,
        "annotator": "a",
        "set": "t",
        "status": "anchored",
        "document_id": "d",
    }
    dates = {"s1": "2021-01-01", "s2": "2021-06-01"}
    out = []
    for r in rows:
        full = {**base, **r}
        full["summit_label"] = full["summit_id"].upper()
        full["summit_date"] = pd.Timestamp(dates[full["summit_id"]])
        full["score"] = 3.5 if full["stance"] == "goodwill" else (-2.0 if full["stance"] == "grievance" else None)
        out.append(full)
    df = pd.DataFrame(out)
    df["intensity"] = df["intensity"].astype("Int64")
    return df


@pytest.fixture
def mentions():
    """s1: one goodwill act reported three times (event e1), two single grievances, one agenda mention;
    s2: three grievances of one act (e2) reported by a brief and two spans, and one goodwill."""
    return _ledger(
        [
            {"summit_id": "s1", "stance": "goodwill", "event_id": "e1"},
            {"summit_id": "s1", "stance": "goodwill", "event_id": "e1"},
            {"summit_id": "s1", "stance": "goodwill", "event_id": "e1", "intensity": 2},
            {"summit_id": "s1", "stance": "grievance", "event_id": None},
            {"summit_id": "s1", "stance": "grievance", "event_id": None},
            {"summit_id": "s1", "stance": "agenda", "event_id": None, "issue": "y", "issue_label": "Y"},
            {"summit_id": "s2", "stance": "grievance", "event_id": "e2", "evidence": "brief", "annotator": "briefs"},
            {"summit_id": "s2", "stance": "grievance", "event_id": "e2"},
            {"summit_id": "s2", "stance": "grievance", "event_id": "e2"},
            {"summit_id": "s2", "stance": "goodwill", "event_id": None},
        ]
    )


def test_events_count_once_mentions_count_each(mentions):
    ev = balance_table(mentions).set_index("summit_id")
    me = balance_table(mentions, count="mentions").set_index("summit_id")
    # s1 events: 1 goodwill, 2 grievances (agenda never in the balance) -> -1/3; mentions: 3 vs 2 -> +1/5
    assert ev.loc["s1", "balance"] == pytest.approx(-1 / 3)
    assert me.loc["s1", "balance"] == pytest.approx(1 / 5)
    assert (ev.loc["s1", "n"], ev.loc["s1", "n_mentions"], ev.loc["s1", "n_agenda"]) == (4, 6, 1)
    assert ev.loc["s2", "balance"] == 0.0 and me.loc["s2", "balance"] == pytest.approx(-0.5)
    units = count_units(mentions[mentions.summit_id == "s1"], "events")
    assert units.loc[units._event == units._event.iloc[0], "intensity"].iloc[0] == 2  # strongest mention


def test_agenda_counts_in_salience_only(mentions):
    t = balance_table(mentions, by="issue").set_index(["summit_id", "issue"])
    assert t.loc[("s1", "y"), "n_agenda"] == 1 and pd.isna(t.loc[("s1", "y"), "balance"])
    assert t.loc[("s1", "y"), "salience"] == pytest.approx(1 / 4)


def test_without_event_id_each_row_is_an_event(mentions):
    plain = mentions.drop(columns="event_id")
    directed = balance_table(plain, count="directed")
    assert directed.drop(columns="clusters").equals(
        balance_table(plain, count="mentions").assign(count="directed").drop(columns="clusters")
    )


def test_shift_between_any_two_summits(mentions):
    t = balance_table(mentions)
    sh = shift_table(t, pairs=[("s1", "s2")])
    row = sh.iloc[0]
    assert row["shift"] == pytest.approx(0.0 - (-1 / 3))
    assert row.shift_low < 0 < row.shift_high and 0.5 <= row.p_direction <= 1
    assert not row.enough
    with pytest.raises(ValueError, match="not in the table"):
        shift_table(t, pairs=[("s1", "nowhere")])


def test_shift_direction_probability_by_integration():
    # s1: 0 of 3 goodwill, s2: 3 of 3. P(p2 > p1) for p1 ~ Beta(0.5, 3.5), p2 ~ Beta(3.5, 0.5), by quadrature
    from scipy import integrate
    from scipy.stats import beta

    exact = integrate.quad(lambda x: beta.pdf(x, 3.5, 0.5) * beta.cdf(x, 0.5, 3.5), 0, 1)[0]
    df = _ledger([{"summit_id": "s1", "stance": "grievance"}] * 3 + [{"summit_id": "s2", "stance": "goodwill"}] * 3)
    sh = shift_table(balance_table(df), n_draws=200_000, seed=3)
    assert sh.iloc[0]["p_direction"] == pytest.approx(exact, abs=0.003)


def test_robustness_reports_missing_columns(mentions):
    long = robustness_table(mentions)
    specs = [s.name for s in SPECS]
    assert long["spec"].drop_duplicates().tolist() == specs  # nothing silently dropped
    status = long.drop_duplicates("spec").set_index("spec")
    assert status.loc["mentions", "available"]  # event_id is present here
    for name, col in (("joint_once", "joint"), ("no_ascribed", "attribution"), ("no_conditional", "modality")):
        assert not status.loc[name, "available"] and col in status.loc[name, "reason"]
    wide = robustness_wide(long)
    assert wide.loc["S1", "joint_once"].startswith("unavailable")
    assert wide.loc["S1", "default"].startswith("-0.33")
    both = robustness_table(
        mentions.assign(attribution=["quote", "ascribed", "quote", "alleged", "quote", None, "quote", "quote", "quote", "quote"])
    )
    s1 = both[(both.spec == "no_ascribed") & (both.summit_id == "s1")].iloc[0]
    assert s1.available and s1.balance == pytest.approx(0.0)  # e1 (its quote rows) vs 1 grievance


def test_power_table(mentions):
    t = balance_table(mentions)
    p = power_table(t)
    assert p.loc[0, "have"] == 2 and p.loc[0, "needed_per_summit"] > 10
    with pytest.raises(ValueError, match="relative"):
        power_table(balance_table(mentions, scale="logit"))
