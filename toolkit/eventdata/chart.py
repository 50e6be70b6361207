"""The comparison chart: human and machine balance per summit, side by side, with intervals (pure: table in, chart out)."""

from __future__ import annotations

import pandas as pd

from toolkit.charts.common import alt, records

__all__ = ["comparison_chart"]


def comparison_chart(table: pd.DataFrame, *, synthetic: bool, title: str = "Balance per summit: human and machine coding"):
    """One row per summit, a point and 95% interval for each coding (:func:`toolkit.eventdata.compare.side_by_side`).

    ``synthetic=True`` (machine events from a generated sample) puts
    "synthetic sample" in the title, so the chart is never mistaken for a finding.
    """
    a = alt()
    t = table.copy()
    t["summit"] = t["summit_label"] + " · n = " + t["n"].astype(int).astype(str)
    t["row"] = t["summit_label"]
    heading = f"{title} (synthetic sample)" if synthetic else title
    order = t.drop_duplicates("summit_id").sort_values("summit_order")["summit_label"].tolist()
    base = a.Chart(records(t[["row", "summit_order", "coding", "n", "balance", "ci_low", "ci_high"]]))
    y = a.Y("row:N", sort=order, title=None, axis=a.Axis(labelLimit=260))
    offset = a.YOffset("coding:N")
    color = a.Color("coding:N", title="Coding", scale=a.Scale(range=["#1b6ca8", "#d17a00"]))
    x = a.X("balance:Q", title="Balance (G − R) / (G + R)", scale=a.Scale(domain=[-1, 1]))
    rule = base.mark_rule(strokeWidth=2).encode(
        x=a.X("ci_low:Q", scale=a.Scale(domain=[-1, 1])), x2="ci_high:Q", y=y, yOffset=offset, color=color
    )
    tooltip = [
        a.Tooltip("row:N", title="Summit"),
        a.Tooltip("coding:N", title="Coding"),
        a.Tooltip("n:Q", title="Events"),
        a.Tooltip("balance:Q", title="Balance", format=".2f"),
        a.Tooltip("ci_low:Q", title="Interval low", format=".2f"),
        a.Tooltip("ci_high:Q", title="Interval high", format=".2f"),
    ]
    point = base.mark_point(filled=True, size=70).encode(x=x, y=y, yOffset=offset, color=color, tooltip=tooltip)
    zero = a.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 3], color="#555").encode(x="x:Q")
    return (zero + rule + point).properties(
        title=a.TitleParams(heading, subtitle=["Points: balance; lines: 95% Jeffreys interval. Events counted once each."]),
        width=460,
        height=a.Step(34),
    )
