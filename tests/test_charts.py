"""Charts: assertions on ``chart.to_dict()`` (encodings, sort order, data) and on spec size."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from toolkit import charts
from toolkit.balance import balance_table, shift_table
from toolkit.ledger import load_ledger

ORDER = ["Helsinki 2018 (in person)", "Geneva 2021 (in person)", "Video call Dec 2021 (video call)",
         "Phone call Dec 2021 (phone call)", "Geneva talks Jan 2022 (delegation talks)"]


@pytest.fixture(scope="module")
def tables(data_root, summits):
    ledger = load_ledger(data_root, sets=["reference"])
    summit_table = balance_table(ledger, summits=summits, n_boot=200)
    issue_table = balance_table(ledger, by="issue", summits=summits, n_boot=200)
    return ledger, summit_table, issue_table


def dataset(spec: dict, layer: int | None = None) -> list[dict]:
    """The rows of the (single) named dataset a chart or layer uses."""
    name = (spec["layer"][layer] if layer is not None else spec)["data"]["name"] \
        if layer is not None and "data" in spec["layer"][layer] else spec["data"]["name"]
    return spec["datasets"][name]


def test_balance_chart(tables):
    _, summit_table, _ = tables
    spec = charts.balance_chart(summit_table).to_dict()
    assert spec["title"]["text"] == "Balance of goodwill and grievance per summit"
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["y"]["sort"] == ORDER                      # date order, with the format
    assert bars["encoding"]["x"]["field"] == "balance"
    assert bars["encoding"]["x"]["scale"]["domain"] == [-1, 1]
    assert bars["encoding"]["x"]["title"].startswith("Balance")
    colour = bars["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"])) == {
        "grievance": "#D55E00", "even": "#BBBBBB", "goodwill": "#0072B2"}
    whiskers = spec["layer"][1]
    assert whiskers["mark"]["type"] == "rule"
    assert (whiskers["encoding"]["x"]["field"], whiskers["encoding"]["x2"]["field"]) == ("ci_low", "ci_high")
    rows = {r["summit"]: r for r in spec["datasets"][spec["layer"][0].get("data", spec.get("data"))["name"]]}
    expected = summit_table.assign(summit=charts.summit_axis_labels(summit_table)).set_index("summit")
    for label, r in rows.items():
        assert r["balance"] == pytest.approx(expected.loc[label, "balance"], abs=5e-5)
        assert r["ci_low"] == pytest.approx(expected.loc[label, "ci_low"], abs=5e-5)
        assert r["lean"] == ("goodwill" if r["balance"] > 0 else "grievance" if r["balance"] < 0 else "even")


def test_balance_chart_marks_empty_and_thin(tables):
    _, summit_table, _ = tables
    t = summit_table.copy()
    t.loc[0, ["n", "goodwill", "grievance", "balance", "ci_low", "ci_high"]] = [0, 0.0, 0.0, np.nan, np.nan, np.nan]
    t.loc[0, "thin"] = True
    t.loc[1, ["n", "thin"]] = [2, True]
    spec = charts.balance_chart(t).to_dict()
    rows = spec["datasets"][spec["data"]["name"]] if "data" in spec else dataset(spec, 0)
    assert rows[0]["balance"] is None and rows[0]["flag"] == "no evidence" and rows[0]["lean"] == "none"
    assert rows[1]["flag"] == "thin"
    assert spec["layer"][0]["encoding"]["opacity"]["condition"]["test"] == "datum.thin"


def test_heatmap(tables):
    _, _, issue_table = tables
    spec = charts.heatmap_chart(issue_table).to_dict()
    frame, cells, thin = spec["layer"]
    assert cells["mark"]["type"] == "square"
    assert cells["encoding"]["x"]["sort"] == ORDER
    labels = cells["encoding"]["y"]["sort"]
    assert labels == sorted(labels) and "Forces and the threat of war around Ukraine" in labels
    assert cells["encoding"]["color"]["field"] == "balance"
    assert cells["encoding"]["color"]["scale"]["range"][0] == "#D55E00"
    assert cells["encoding"]["color"]["scale"]["range"][-1] == "#0072B2"
    assert cells["encoding"]["size"]["field"] == "salience"
    assert thin["transform"] == [{"filter": "datum.thin"}] and thin["mark"]["strokeDash"] == [3, 2]
    rows = spec["datasets"][spec["data"]["name"]]
    nonempty = issue_table[issue_table["n"] > 0]
    assert len(rows) == len(nonempty)                            # empty cells are not drawn
    assert sum(r["thin"] for r in rows) == int(nonempty["thin"].sum())
    got = {(r["summit"], r["issue_label"]): r["salience"] for r in rows}
    nonempty = nonempty.assign(summit=charts.summit_axis_labels(nonempty))
    for r in nonempty.itertuples():
        assert got[(r.summit, r.issue_label)] == pytest.approx(r.salience, abs=5e-5)


def test_shift_chart(tables):
    _, _, issue_table = tables
    groups = charts.issue_groups(issue_table)
    spec = charts.shift_chart(issue_table, groups=groups).to_dict()
    assert spec["mark"]["type"] == "line" and spec["mark"]["point"] is True
    enc = spec["encoding"]
    assert enc["x"]["sort"] == ORDER and enc["x"]["scale"]["domain"] == ORDER
    assert enc["y"]["scale"]["domain"] == [-1, 1]
    assert enc["detail"]["field"] == "issue_label"
    # a legend-bound selection that fades the other issues
    [param] = spec["params"]
    assert param["select"]["fields"] == ["issue_group"] and param["bind"] == "legend"
    assert enc["opacity"]["condition"]["param"] == param["name"]
    rows = spec["datasets"][spec["data"]["name"]]
    coded = issue_table[issue_table.groupby("issue")["n"].transform("sum") > 0]
    assert len(rows) == len(coded)                  # one per summit x coded issue, nulls kept to break lines
    # the segments drawn (non-null at consecutive summits) are exactly the shift table
    at = {(r["issue_label"], r["summit_order"]): r["balance"] for r in rows}
    drawn = sorted((lab, o) for (lab, o), v in at.items() if v is not None and at.get((lab, o + 1)) is not None)
    sh = shift_table(issue_table)
    assert drawn == sorted(zip(sh["issue_label"], sh["from_order"]))
    for r in sh.itertuples():
        assert at[(r.issue_label, r.to_order)] == pytest.approx(r.to_balance, abs=5e-5)


def test_agenda_chart_and_issue_groups(tables):
    _, _, issue_table = tables
    groups = charts.issue_groups(issue_table)
    named = [g for g in dict.fromkeys(groups.values()) if g != "Other issues"]
    assert len(named) == charts.MAX_ISSUE_COLORS
    assert "Other issues" in groups.values()
    spec = charts.agenda_chart(issue_table, groups=groups).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["stack"] == "normalize" and enc["y"]["sort"] == ORDER
    assert enc["color"]["scale"]["domain"] == named + ["Other issues"]
    assert enc["color"]["scale"]["range"] == list(charts.OKABE_ITO) + [charts.OTHER_COLOR]
    assert spec["params"][0]["bind"] == "legend"
    rows = spec["datasets"][spec["data"]["name"]]
    for label in ORDER:
        shares = [r["share"] for r in rows if r["summit"] == label]
        assert sum(shares) == pytest.approx(1.0, abs=1e-3)                # salience adds up per summit


def test_issue_groups_keeps_all_when_few():
    t = pd.DataFrame({"issue": ["a", "b"], "issue_label": ["A", "B"], "total": [1.0, 3.0]})
    assert charts.issue_groups(t) == {"b": "B", "a": "A"}


def synthetic_ledger(n_rows: int, n_summits: int = 12, n_issues: int = 9, seed: int = 0) -> pd.DataFrame:
    """A synthetic ledger (not real data): every summit x issue gets rows of both stances."""
    rng = np.random.default_rng(seed)
    s = np.arange(n_rows) % n_summits
    i = (np.arange(n_rows) // n_summits) % n_issues
    stance = np.where(rng.random(n_rows) < 0.4, "goodwill", "grievance")
    intensity = rng.integers(1, 4, n_rows)
    sid = np.array([f"2020-01-{d + 1:02d}-s{d}" for d in range(n_summits)], dtype=object)
    iid = np.array([f"issue-{k}" for k in range(n_issues)], dtype=object)
    return pd.DataFrame({
        "evidence": "span", "summit_id": sid[s], "summit_label": np.array([f"S{d}" for d in range(n_summits)])[s],
        "summit_date": pd.to_datetime(np.array([f"2020-01-{d + 1:02d}" for d in range(n_summits)]))[s],
        "summit_format": "video", "issue": iid[i], "issue_label": iid[i], "stance": stance,
        "actor": "US", "target": "Russia", "intensity": intensity,
        "score": np.where(stance == "goodwill", 3.5, -2.0) * intensity, "annotator": "synthetic", "set": "synthetic",
        "status": "anchored",
    })


def _strip_values(obj):
    """The spec with data values blanked: its structure only."""
    if isinstance(obj, dict):
        return {k: _strip_values(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_strip_values(v) for v in obj]
    return None if isinstance(obj, (int, float)) and not isinstance(obj, bool) else obj


@pytest.mark.slow
def test_spec_size_does_not_grow_with_rows():
    sizes, specs = {}, {}
    for n in (1_000, 1_000_000):
        led = synthetic_ledger(n)
        st = balance_table(led, n_boot=20)
        it = balance_table(led, by="issue", n_boot=20)
        built = charts.all_charts(st, it)
        specs[n] = {k: c.to_dict() for k, c in built.items()}
        sizes[n] = {k: len(json.dumps(s)) for k, s in specs[n].items()}
    for name in sizes[1_000]:
        small, big = sizes[1_000][name], sizes[1_000_000][name]
        assert big < 100_000, (name, big)
        # the same rows in every dataset; only the numbers' digits may differ
        assert [len(v) for v in specs[1_000][name]["datasets"].values()] == \
               [len(v) for v in specs[1_000_000][name]["datasets"].values()]
        # only the digits of the row counts (n = 9 vs 9260) may differ
        assert abs(big - small) / small < 0.05, (name, small, big)
        structure = [_strip_values(v) for v in specs[1_000][name]["datasets"].values()]
        assert structure == [_strip_values(v) for v in specs[1_000_000][name]["datasets"].values()]


# --- (e) the article ---------------------------------------------------------

def test_article_html_escapes_and_colours():
    text = 'A <script>alert("x")</script> & "quoted" text.'
    spans = [{"start": 2, "end": 10, "stance": "grievance", "label": '<img src=x onerror="boom">'},
             {"start": 13, "end": 25, "stance": "goodwill", "label": "ok"}]
    out = charts.article_html(text, spans, title="<b>T</b>")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<img" not in out and "&lt;img src=x onerror=&quot;boom&quot;&gt;" in out
    assert "<b>T</b>" not in out and "&lt;b&gt;T&lt;/b&gt;" in out
    assert "rgba(213,94,0,0.35)" in out and "rgba(0,114,178,0.35)" in out       # vermillion, blue
    assert 'data-start="2" data-end="10"' in out
    assert out.count("<mark") == 2


def test_article_html_overlaps_and_generic_shading():
    text = "one two three four"
    spans = pd.DataFrame({"start": [0, 4], "end": [7, 13], "color": ["#000000", "#CC79A7"], "opacity": [0.2, 0.8],
                          "label": ["low", "high"]})
    out = charts.article_html(text, spans, legend=False)
    # "one " / "two" (both) / " three": three marks, the overlap takes the more opaque colour
    assert out.count("<mark") == 3
    assert '<mark class="sl-span" data-start="4" data-end="7" style="background:rgba(204,121,167,0.80);' \
           'border-radius:2px;text-decoration:underline" title="low | high">two</mark>' in out
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
    assert "\u201csubstantial economic countermeasures\u201d" in out    # text kept, quotes intact
