"""(a) balance per summit and (b) the issue x summit heatmap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.charts.common import alt, describe, records, summit_axis_labels, summit_order
from toolkit.charts.palette import BALANCE_RANGE
from toolkit.measures.balance import THIN_WIDTH

__all__ = ["EVIDENCE_LEGEND", "LEAN_LABELS", "balance_chart", "heatmap_chart", "evidence_label", "lean_label"]

#: Legend entries for the evidence behind a bar, cell or point.
EVIDENCE_LEGEND: tuple[str, str] = ("enough", f"thin (95% interval wider than {THIN_WIDTH:g})")
#: Legend entries for the direction of a balance.
LEAN_LABELS: tuple[str, str, str] = ("leans to grievance", "even (balance 0)", "leans to goodwill")


def evidence_label(thin: pd.Series) -> pd.Series:
    return thin.map({True: EVIDENCE_LEGEND[1], False: EVIDENCE_LEGEND[0]})


def lean_label(balance: pd.Series) -> pd.Series:
    return pd.Series(np.select([balance < 0, balance > 0], [LEAN_LABELS[0], LEAN_LABELS[2]], LEAN_LABELS[1]), index=balance.index)


def _domain(table: pd.DataFrame) -> list[float]:
    if describe(table)["scale"].startswith("relative"):
        return [-1.0, 1.0]
    vals = table[["balance", "ci_low", "ci_high"]].to_numpy(dtype=float)
    m = float(np.nanmax(np.abs(vals))) if np.isfinite(vals).any() else 1.0
    m = float(np.ceil(m * 1.05 * 2) / 2)
    return [-m, m]


def balance_chart(summit_table: pd.DataFrame, *, title: str | None = None):
    """(a) Balance per summit: diverging bars, interval whiskers, n, a mark for zero, thin bars drawn as such.

    Returns
    -------
    altair.LayerChart
        Summits top to bottom in date order; bar colour = lean (stance
        palette; an even balance is a light bar with a dark outline and a
        diamond on zero); thin summits are faded and outlined dashed, and the
        legend says so; "n = ..." at the right of each row; the axis names
        the scale, the subtitle the interval, count and weight. Summits with
        no evidence show "no evidence".
    """
    a = alt()
    d = describe(summit_table)
    t = summit_table.copy()
    t["summit"] = summit_axis_labels(t) + np.where(t["n"] > 0, " · n = " + t["n"].astype(str), " · n = 0 (no evidence)")
    t["lean"] = lean_label(t["balance"])
    t["evidence"] = evidence_label(t["thin"])
    dom = _domain(summit_table)
    data = records(t[["summit", "summit_order", "n", "balance", "ci_low", "ci_high", "lean", "evidence"]])
    order = t.sort_values("summit_order", kind="stable")["summit"].tolist()
    y = a.Y("summit:N", sort=order, title=None, axis=a.Axis(labelLimit=320))
    x_scale = a.Scale(domain=dom)
    tooltip = [
        a.Tooltip("summit:N", title="Summit"),
        a.Tooltip("n:Q", title=d["count"].capitalize()),
        a.Tooltip("balance:Q", title="Balance", format=".2f"),
        a.Tooltip("ci_low:Q", title="Interval low", format=".2f"),
        a.Tooltip("ci_high:Q", title="Interval high", format=".2f"),
        a.Tooltip("evidence:N", title="Evidence"),
    ]
    base = a.Chart(data)
    lean = a.Color("lean:N", title="Direction", scale=a.Scale(domain=list(LEAN_LABELS), range=list(BALANCE_RANGE)))
    bars = (
        base.transform_filter("isValid(datum.balance)")
        .mark_bar(stroke="#333333", strokeWidth=1)
        .encode(
            y=y,
            x=a.X("balance:Q", scale=x_scale, title=d["scale"]),
            x2=a.datum(0),
            color=lean,
            strokeDash=a.condition(f"datum.evidence === '{EVIDENCE_LEGEND[1]}'", a.value([4, 3]), a.value([1, 0])),
            opacity=a.Opacity("evidence:N", title="Evidence", scale=a.Scale(domain=list(EVIDENCE_LEGEND), range=[0.95, 0.4])),
            tooltip=tooltip,
        )
    )
    whiskers = (
        base.transform_filter("isValid(datum.ci_low)")
        .mark_rule(color="#222222", strokeWidth=1.5)
        .encode(y=y, x=a.X("ci_low:Q", scale=x_scale), x2="ci_high:Q", tooltip=tooltip)
    )
    zero = a.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#222222", strokeWidth=1.5).encode(x=a.X("x:Q", scale=x_scale))
    even = (
        base.transform_filter("datum.balance === 0")
        .mark_point(shape="diamond", size=140, filled=True, color="#222222")
        .encode(y=y, x=a.X("balance:Q", scale=x_scale))
    )
    sub = [
        f"Bars: balance on the {d['scale']} scale; whiskers: {d['interval']}; counting {d['count']}, weight {d['weight']}.",
        f"Faded, dashed bars: thin evidence (interval wider than {THIN_WIDTH:g}); a diamond marks a balance of 0.",
    ]
    return a.layer(bars, whiskers, zero, even).properties(
        width=420,
        height=a.Step(34),
        title=a.Title(title or "Balance of goodwill and grievance per summit", subtitle=sub, anchor="start"),
    )


def heatmap_chart(issue_table: pd.DataFrame, *, title: str | None = None):
    """(b) Issue x summit: colour = balance, n written in each cell, thin cells faded with a dashed outline.

    Returns
    -------
    altair.LayerChart
        x = summits in date order, y = issues (alphabetical by label). A
        cell with evidence is filled by its balance (an even balance is the
        light middle colour, outlined); thin cells are faded with a dashed
        outline (legend "Evidence"); each cell shows its n; blank =
        no evidence.
    """
    a = alt()
    d = describe(issue_table)
    t = issue_table[issue_table["balance"].notna()].copy()  # agenda-only cells have no balance
    t["summit"] = summit_axis_labels(t)
    t["evidence"] = evidence_label(t["thin"])
    t["n_text"] = t["n"].astype(str)
    data = records(t[["summit", "issue_label", "n", "balance", "ci_low", "ci_high", "salience", "evidence", "n_text"]])
    order = summit_order(issue_table.assign(summit=summit_axis_labels(issue_table)))
    issues = sorted(issue_table["issue_label"].dropna().unique().tolist())
    x = a.X(
        "summit:N",
        sort=order,
        scale=a.Scale(domain=order),
        title="Summit (date order)",
        axis=a.Axis(labelAngle=-30, labelLimit=200),
    )
    y = a.Y("issue_label:N", sort=issues, title="Issue", axis=a.Axis(labelLimit=260))
    tooltip = [
        a.Tooltip("summit:N", title="Summit"),
        a.Tooltip("issue_label:N", title="Issue"),
        a.Tooltip("n:Q", title=d["count"].capitalize()),
        a.Tooltip("balance:Q", title="Balance", format=".2f"),
        a.Tooltip("ci_low:Q", title="Interval low", format=".2f"),
        a.Tooltip("ci_high:Q", title="Interval high", format=".2f"),
        a.Tooltip("salience:Q", title="Salience (share of summit)", format=".0%"),
    ]
    dom = _domain(issue_table)
    base = a.Chart(data)
    cells = base.mark_rect(stroke="#333333", strokeWidth=0.8).encode(
        x=x,
        y=y,
        tooltip=tooltip,
        color=a.Color(
            "balance:Q",
            title=f"Balance ({d['scale'].split(' (')[0]})",
            scale=a.Scale(domain=[dom[0], 0, dom[1]], range=list(BALANCE_RANGE)),
        ),
        opacity=a.Opacity("evidence:N", title="Evidence", scale=a.Scale(domain=list(EVIDENCE_LEGEND), range=[1.0, 0.35])),
        strokeDash=a.condition(f"datum.evidence === '{EVIDENCE_LEGEND[1]}'", a.value([3, 2]), a.value([1, 0])),
    )
    text = base.mark_text(fontSize=11).encode(
        x=x,
        y=y,
        text="n_text:N",
        color=a.condition(
            "datum.evidence === '" + EVIDENCE_LEGEND[0] + "' && abs(datum.balance) > " + repr(0.6 * dom[1]),
            a.value("#FFFFFF"),
            a.value("#111111"),
        ),
    )
    sub = [
        f"Colour: balance on the {d['scale']} scale (vermillion = grievance, blue = goodwill, pale = even);",
        f"number: {d['count']} in the cell; faded with dashed outline: thin (95% interval wider than "
        f"{THIN_WIDTH:g}); blank: no evidence. Weight {d['weight']}.",
    ]
    return a.layer(cells, text).properties(
        width=a.Step(92),
        height=a.Step(24),
        title=a.Title(title or "Balance by issue and summit", subtitle=sub, anchor="start"),
    )
