"""Charts: assertions on ``chart.to_dict()`` (encodings, sort order, data) and on spec size."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from toolkit import charts
from toolkit.ledger import load_ledger
from toolkit.measures import balance_table, shift_table

ORDER = [
    "Helsinki 2018 (in person)",
    "Geneva 2021 (in person)",
    "Video call Dec 2021 (video call)",
    "Phone call Dec 2021 (phone call)",
    "Geneva talks Jan 2022 (delegation talks)",
]


@pytest.fixture(scope="module")
def tables(data_root, summits):
    ledger = load_ledger(data_root, sets=["reference"])
    summit_table = balance_table(ledger, summits=summits, n_boot=200)
    issue_table = balance_table(ledger, by="issue", summits=summits, n_boot=200)
    return ledger, summit_table, issue_table


def rows_of(spec: dict) -> list[dict]:
    """The rows of a chart's main dataset (top level, or its first layer's)."""
    data = spec.get("data") or spec["layer"][0]["data"]
    return spec["datasets"][data["name"]]


def layer_marks(spec: dict) -> list[str]:
    return [(ln["mark"]["type"] if isinstance(ln["mark"], dict) else ln["mark"]) for ln in spec["layer"]]


def test_balance_chart(tables):
    _, summit_table, _ = tables
    spec = charts.balance_chart(summit_table).to_dict()
    assert spec["title"]["text"] == "Balance of goodwill and grievance per summit"
    assert "Jeffreys 95% interval" in " ".join(spec["title"]["subtitle"])  # the interval is named
    assert layer_marks(spec) == ["bar", "rule", "rule", "point"]
    bars, whiskers, zero, even = spec["layer"]
    assert bars["encoding"]["x"]["title"] == "relative balance (G − R)/(G + R)"  # the scale is named
    labels = [f"{o} · n = {n}" for o, n in zip(ORDER, summit_table["n"])]  # n on every bar
    assert bars["encoding"]["y"]["sort"] == labels
    colour = bars["encoding"]["color"]["scale"]
    assert colour["range"] == [charts.STANCE_COLORS["grievance"], "#F2F2F2", charts.STANCE_COLORS["goodwill"]]
    assert bars["encoding"]["opacity"]["title"] == "Evidence"  # thin bars are in the legend
    assert (whiskers["encoding"]["x"]["field"], whiskers["encoding"]["x2"]["field"]) == ("ci_low", "ci_high")
    assert even["transform"] == [{"filter": "datum.balance === 0"}]  # a visible mark for zero
    rows = {r["summit"].split(" · ")[0]: r for r in rows_of(spec)}
    for r in rows.values():
        want = "leans to goodwill" if r["balance"] > 0 else "leans to grievance" if r["balance"] < 0 else "even (balance 0)"
        assert r["lean"] == want
    expected = summit_table.assign(summit=charts.summit_axis_labels(summit_table)).set_index("summit")
    for label, r in rows.items():
        assert r["balance"] == pytest.approx(expected.loc[label, "balance"], abs=5e-5)
        assert r["evidence"].startswith("thin") == bool(expected.loc[label, "thin"])
    assert "click" not in json.dumps(spec).lower()  # no interaction hints


def test_balance_chart_other_scale_and_empty_summit(tables):
    ledger, summit_table, _ = tables
    t = summit_table.copy()
    t.loc[0, ["n", "goodwill", "grievance", "balance", "ci_low", "ci_high"]] = [0, 0.0, 0.0, np.nan, np.nan, np.nan]
    spec = charts.balance_chart(t).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"][0].endswith("n = 0 (no evidence)")
    logit = balance_table(ledger, scale="logit")
    spec = charts.balance_chart(logit).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["title"].startswith("empirical logit")
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"][1] > 1


def test_heatmap(tables):
    _, _, issue_table = tables
    spec = charts.heatmap_chart(issue_table).to_dict()
    assert layer_marks(spec) == ["rect", "text"]
    cells, text = spec["layer"]
    assert cells["encoding"]["x"]["sort"] == ORDER
    labels = cells["encoding"]["y"]["sort"]
    assert labels == sorted(labels) and "Forces and the threat of war around Ukraine" in labels
    assert cells["encoding"]["color"]["field"] == "balance"
    assert cells["encoding"]["opacity"]["title"] == "Evidence"
    assert text["encoding"]["text"]["field"] == "n_text"  # n in every cell
    rows = rows_of(spec)
    nonempty = issue_table[issue_table["balance"].notna()]
    assert len(rows) == len(nonempty)
    assert sum(r["evidence"].startswith("thin") for r in rows) == int(nonempty["thin"].sum())
    assert all(r["n_text"] == str(r["n"]) for r in rows)


def test_shift_chart(tables):
    _, _, issue_table = tables
    groups = charts.issue_groups(issue_table)
    spec = charts.shift_chart(issue_table, groups=groups).to_dict()
    inner = spec["spec"]
    assert layer_marks(inner) == ["rule", "rule", "rule", "point", "text"]
    zero, lines, whisk, dots, n_text = inner["layer"]
    assert lines["transform"] == [{"filter": "datum.kind === 'segment'"}]
    assert (whisk["encoding"]["y"]["field"], whisk["encoding"]["y2"]["field"]) == ("ci_low", "ci_high")
    rows = rows_of(spec)
    points = [r for r in rows if r["kind"] == "point"]
    assert len(points) == int(issue_table["balance"].notna().sum())
    assert all(r["n_text"] == f"n={int(r['n'])}" for r in points)
    # thin points are grey ("thin ..." in the legend) and no segment touches a thin point
    assert all(r["colour"].startswith("thin") for r in points if r["ci_high"] - r["ci_low"] > 1)
    segments = [r for r in rows if r["kind"] == "segment"]
    sh = shift_table(issue_table)
    assert len(segments) == int(sh["enough"].sum())
    thin = {(r["issue_label"], r["summit"]) for r in points if r["colour"].startswith("thin")}
    for r in segments:
        assert (r["issue_label"], r["summit"]) not in thin and (r["issue_label"], r["summit_to"]) not in thin
    colour = dots["encoding"]["color"]["scale"]
    assert colour["range"][: len(charts.ISSUE_COLORS)] == list(charts.ISSUE_COLORS)


def test_shift_chart_draws_lines_only_between_narrow_intervals():
    led = synthetic_ledger(3_000, n_summits=3, n_issues=2)
    led.loc[(led.summit_id == led.summit_id.iloc[0]) & (led.issue == "issue-0"), "stance"] = "goodwill"
    it = balance_table(led, by="issue")
    it.loc[(it.summit_order == 2) & (it.issue == "issue-1"), "thin"] = True  # one end made thin
    rows = rows_of(charts.shift_chart(it).to_dict())
    segs = {(r["issue_label"], r["summit"][:2]) for r in rows if r["kind"] == "segment"}
    assert segs == {("issue-0", "S0"), ("issue-0", "S1"), ("issue-1", "S0")}


def _no_constant(name: str):
    raise AssertionError(f"{name} in a chart spec: not JSON, the browser refuses the whole chart")


def test_every_spec_is_strict_json_when_lines_join_summits():
    # a shift chart with segments mixes rows that have a 'to' summit and rows that do not
    led = synthetic_ledger(3_000, n_summits=3, n_issues=2)
    built = charts.all_charts(balance_table(led), balance_table(led, by="issue"))
    assert any(r["kind"] == "segment" for r in rows_of(built["issue_shift"].to_dict()))
    for name, chart in built.items():
        spec = json.loads(chart.to_json(), parse_constant=_no_constant)
        rows = [r for v in spec["datasets"].values() for r in v]
        assert all(v is None or isinstance(v, (str, int, float, bool)) for r in rows for v in r.values()), name


def test_agenda_chart_and_issue_groups(tables):
    _, _, issue_table = tables
    groups = charts.issue_groups(issue_table)
    named = [g for g in dict.fromkeys(groups.values()) if g != "Other issues"]
    assert len(named) == charts.MAX_ISSUE_COLORS == 8
    assert "Other issues" in groups.values()
    spec = charts.agenda_chart(issue_table, groups=groups).to_dict()
    bars, n_text = spec["layer"]
    assert bars["encoding"]["x"]["stack"] == "normalize" and bars["encoding"]["y"]["sort"] == ORDER
    assert bars["encoding"]["color"]["scale"]["domain"] == named + ["Other issues"]
    assert bars["encoding"]["color"]["scale"]["range"] == list(charts.ISSUE_COLORS) + [charts.OTHER_COLOR]
    ends = spec["datasets"][n_text["data"]["name"]]
    assert {r["n_text"] for r in ends} == {f"n = {n}" for n in issue_table.groupby("summit_id")["n"].sum()}
    rows = spec["datasets"][bars["data"]["name"]]
    for label in ORDER:
        shares = [r["share"] for r in rows if r["summit"] == label]
        assert sum(shares) == pytest.approx(1.0, abs=1e-3)  # salience adds up per summit


def test_issue_groups_keeps_all_when_few():
    t = pd.DataFrame({"issue": ["a", "b"], "issue_label": ["A", "B"], "total": [1.0, 3.0]})
    assert charts.issue_groups(t) == {"b": "B", "a": "A"}


def test_caption_names_source_evidence_and_n(tables):
    _, summit_table, _ = tables
    lines = charts.caption_lines(summit_table)
    n, mentions = int(summit_table["n"].sum()), int(summit_table["n_mentions"].sum())
    assert (
        lines[0] == "Source: ledger sets: briefs + reference. Evidence: article spans + briefs. "
        f"n = {n} acts ({mentions} mentions); scope: US<->Russia dyad."
    )
    assert lines[1].endswith("independent units: acts; weight: count (1 a unit).")
    spec = charts.with_caption(charts.balance_chart(summit_table), lines).to_dict()
    assert spec["title"]["orient"] == "bottom" and spec["title"]["text"] == lines


def synthetic_ledger(n_rows: int, n_summits: int = 12, n_issues: int = 9, seed: int = 0) -> pd.DataFrame:
    """A synthetic ledger (not real data): every summit x issue gets rows of both stances."""
    rng = np.random.default_rng(seed)
    s = np.arange(n_rows) % n_summits
    i = (np.arange(n_rows) // n_summits) % n_issues
    stance = np.where(rng.random(n_rows) < 0.4, "goodwill", "grievance")
    intensity = rng.integers(1, 4, n_rows)
    sid = np.array([f"2020-01-{d + 1:02d}-s{d}" for d in range(n_summits)], dtype=object)
    iid = np.array([f"issue-{k}" for k in range(n_issues)], dtype=object)
    return pd.DataFrame(
        {
            "evidence": "span",
            "summit_id": sid[s],
            "summit_label": np.array([f"S{d}" for d in range(n_summits)])[s],
            "summit_date": pd.to_datetime(np.array([f"2020-01-{d + 1:02d}" for d in range(n_summits)]))[s],
            "summit_format": "video",
            "issue": iid[i],
            "issue_label": iid[i],
            "stance": stance,
            "actor": "US",
            "target": "Russia",
            "intensity": intensity,
            "score": np.where(stance == "goodwill", 3.5, -2.0) * intensity,
            "annotator": "synthetic",
            "set": "synthetic",
            "status": "anchored",
        }
    )


@pytest.mark.slow
def test_spec_size_does_not_grow_with_rows():
    sizes, specs = {}, {}
    for n in (1_000, 1_000_000):
        led = synthetic_ledger(n)
        st = balance_table(led)
        it = balance_table(led, by="issue")
        built = charts.all_charts(st, it)
        specs[n] = {k: c.to_dict() for k, c in built.items()}
        sizes[n] = {k: len(json.dumps(s)) for k, s in specs[n].items()}
    for name in sizes[1_000]:
        small, big = sizes[1_000][name], sizes[1_000_000][name]
        assert big < 100_000, (name, big)
        # at most two rows per summit x issue (a point and a segment), whatever the number of annotations
        for n in sizes:
            assert max(len(v) for v in specs[n][name]["datasets"].values()) <= 2 * 12 * 9
        assert big < 2 * small, (name, small, big)


# --- (e) the article ---------------------------------------------------------


def test_article_html_escapes_and_colours():
    text = 'A <script>alert("x")</script> & "quoted" text.'
    spans = [
        {"start": 2, "end": 10, "stance": "grievance", "label": '<img src=x onerror="boom">'},
        {"start": 13, "end": 25, "stance": "goodwill", "label": "ok"},
    ]
    out = charts.article_html(text, spans, title="<b>T</b>")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<img" not in out and "&lt;img src=x onerror=&quot;boom&quot;&gt;" in out
    assert "<b>T</b>" not in out and "&lt;b&gt;T&lt;/b&gt;" in out
    assert "rgba(213,94,0,0.35)" in out and "rgba(0,114,178,0.35)" in out  # vermillion, blue
    assert 'data-start="2" data-end="10"' in out
    assert out.count("<mark") == 2


def test_article_html_overlaps_and_generic_shading():
    text = "one two three four"
    spans = pd.DataFrame(
        {"start": [0, 4], "end": [7, 13], "color": ["#000000", "#CC79A7"], "opacity": [0.2, 0.8], "label": ["low", "high"]}
    )
    out = charts.article_html(text, spans, legend=False)
    # "one " / "two" (both) / " three": three marks, the overlap takes the more opaque colour
    assert out.count("<mark") == 3
    assert (
        '<mark class="sl-span" data-start="4" data-end="7" style="background:rgba(204,121,167,0.80);'
        'border-radius:2px;text-decoration:underline" title="low | high">two</mark>' in out
    )
    assert "sl-legend" not in out
    with pytest.raises(ValueError, match="outside the text"):
        charts.article_html(text, [{"start": 5, "end": 99}])
    with pytest.raises(ValueError, match="hex code"):
        charts.article_html(text, [{"start": 0, "end": 3, "color": "red"}])


def test_ledger_spans_on_the_seed(tables, seed):
    ledger, _, _ = tables
    spans = charts.ledger_spans(ledger, seed.id)
    # one highlight per span record: a joint record's two ledger rows are one passage
    assert len(spans) == len(ledger[ledger["evidence"] == "span"].drop_duplicates(["set", "id"]))
    assert list(spans.columns) == ["start", "end", "stance", "label"]
    assert spans["start"].is_monotonic_increasing
    out = charts.article_html(seed.text, spans)
    marked = set()
    for a, b in zip(*[[int(x) for x in re.findall(rf'data-{k}="(\d+)"', out)] for k in ("start", "end")]):
        marked |= set(range(a, b))
    assert marked == {c for r in spans.itertuples() for c in range(r.start, r.end)}
    assert "\u201csubstantial economic countermeasures\u201d" in out  # text kept, quotes intact


def test_caption_names_briefs_only_when_there_are_any(data_root, summits):
    ledger = load_ledger(data_root, sets=["reference"], include_briefs=False)
    lines = charts.caption_lines(balance_table(ledger, summits=summits, n_boot=200))
    assert "Evidence: article spans." in lines[0] and "brief" not in " ".join(lines)


def test_caption_names_what_the_table_holds(data_root, summits):
    ledger = load_ledger(data_root, sets=["reference"])
    both = charts.caption_lines(balance_table(ledger, summits=summits, n_boot=200))
    briefs = charts.caption_lines(balance_table(ledger[ledger["evidence"] == "brief"], summits=summits, n_boot=200))
    assert "Evidence: article spans + briefs." in both[0]
    assert "Evidence: briefs." in briefs[0] and "article" not in briefs[0]
