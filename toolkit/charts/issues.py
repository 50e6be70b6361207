"""(c) How each issue's balance shifts, with intervals, and (d) what each summit was about."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd

from toolkit.charts.common import alt, describe, issue_groups, records, summit_axis_labels, summit_order
from toolkit.charts.palette import OTHER_LABEL, THIN_COLOR, group_scale
from toolkit.charts.summits import EVIDENCE_LEGEND
from toolkit.measures.balance import THIN_WIDTH
from toolkit.measures.shifts import shift_table

__all__ = ["shift_chart", "agenda_chart", "PANEL_TITLE_CHARS"]

#: The longest line of a shift-chart panel title, in characters (a 190-pixel panel holds about 34 bold ones).
PANEL_TITLE_CHARS = 30
_LINE_BREAK = "|"
#: Pixels right of the agenda chart's bars kept for its "n = ..." labels, before the legend.
N_LABEL_ROOM = 56


def panel_title(label: str, width: int = PANEL_TITLE_CHARS) -> str:
    """An issue label broken at spaces into lines of at most ``width`` characters, joined by ``|`` (drawn as lines)."""
    return _LINE_BREAK.join(textwrap.wrap(label.replace(_LINE_BREAK, "/"), width, break_long_words=False)) or label


def shift_chart(
    issue_table: pd.DataFrame, *, groups: Mapping[str, str] | None = None, title: str | None = None, columns: int = 4
):
    """(c) One small panel per coded issue: balance at each summit with its interval and n.

    A line joins two consecutive summits only when **neither** end is thin,
    i.e. both 95% intervals are at most :data:`toolkit.measures.balance.THIN_WIDTH`
    wide; thin points are drawn grey (legend "thin ...") with their interval,
    so an issue without enough evidence at both ends shows no line at all.

    Parameters
    ----------
    issue_table : pandas.DataFrame
        ``balance_table(ledger, by="issue")``.
    groups : mapping of issue to group name, optional
        Issue colours (:func:`toolkit.charts.issue_groups`); pass the same
        mapping to every chart of one ledger.
    columns : int
        Panels per row.
    """
    a = alt()
    d = describe(issue_table)
    groups = dict(groups) if groups is not None else issue_groups(issue_table)
    coded = issue_table.groupby("issue")["n"].transform("sum") > 0
    t = issue_table[coded & issue_table["balance"].notna()].copy()  # agenda-only cells have no balance
    t["summit"] = summit_axis_labels(t)
    t["issue_group"] = t["issue"].map(groups).fillna(OTHER_LABEL)
    t["colour"] = np.where(t["thin"], EVIDENCE_LEGEND[1], t["issue_group"])
    t["n_text"] = "n=" + t["n"].astype(str)
    t["kind"] = "point"
    labels = (
        summit_axis_labels(issue_table.drop_duplicates("summit_id"))
        .set_axis(issue_table.drop_duplicates("summit_id")["summit_id"])
        .to_dict()
    )
    sh = shift_table(issue_table, n_draws=200) if len(t) else pd.DataFrame(columns=["enough"])
    sh = sh[sh["enough"].astype(bool)].copy() if len(sh) else sh
    seg = pd.DataFrame(
        {
            "issue_label": sh.get("issue_label", pd.Series(dtype=object)),
            "summit": sh.get("from_summit_id", pd.Series(dtype=object)).map(labels),
            "summit_to": sh.get("to_summit_id", pd.Series(dtype=object)).map(labels),
            "balance": sh.get("from_balance", pd.Series(dtype=float)),
            "balance_to": sh.get("to_balance", pd.Series(dtype=float)),
            "kind": "segment",
        }
    )
    seg["colour"] = seg["issue_label"].map(
        {lab: groups.get(i, OTHER_LABEL) for i, lab in zip(issue_table["issue"], issue_table["issue_label"])}
    )
    cols = ["issue_label", "summit", "n", "balance", "ci_low", "ci_high", "colour", "n_text", "kind"]
    both = pd.concat([t[cols], seg], ignore_index=True)
    both["panel"] = both["issue_label"].astype(str).map(panel_title)
    for col in ("n", "balance", "ci_low", "ci_high", "balance_to"):
        both[col] = pd.to_numeric(both[col], errors="coerce").astype("float64")  # NaN -> null in the spec
    for col in ("summit_to", "n_text"):
        both[col] = both[col].astype(object).where(both[col].notna(), None)
    data = records(both)
    order = summit_order(issue_table.assign(summit=summit_axis_labels(issue_table)))
    names, colors = group_scale(groups)
    colour = a.Color(
        "colour:N",
        title="Issue",
        scale=a.Scale(domain=names + [EVIDENCE_LEGEND[1]], range=colors + [THIN_COLOR]),
        legend=a.Legend(labelLimit=320),
    )
    # summit labels are drawn whole (no ellipsis), at an angle under each bottom panel
    x = a.X("summit:N", sort=order, scale=a.Scale(domain=order), title=None, axis=a.Axis(labelAngle=-40, labelLimit=0))
    y = a.Y(
        "balance:Q",
        scale=a.Scale(domain=[-1.05, 1.05]) if d["scale"].startswith("relative") else a.Scale(),
        title=d["scale"].split(" (")[0],
    )
    tooltip = [
        a.Tooltip("issue_label:N", title="Issue"),
        a.Tooltip("summit:N", title="Summit"),
        a.Tooltip("n:Q", title=d["count"].capitalize()),
        a.Tooltip("balance:Q", format=".2f"),
        a.Tooltip("ci_low:Q", title="Interval low", format=".2f"),
        a.Tooltip("ci_high:Q", title="Interval high", format=".2f"),
    ]
    base = a.Chart(data)
    points = base.transform_filter("datum.kind === 'point'")
    zero = base.mark_rule(color="#666666", strokeDash=[2, 2]).encode(y=a.datum(0))
    lines = (
        base.transform_filter("datum.kind === 'segment'")
        .mark_rule(strokeWidth=2.5)
        .encode(x=x, x2="summit_to:N", y=y, y2="balance_to:Q", color=colour)
    )
    whisk = points.mark_rule(strokeWidth=2, opacity=0.8).encode(x=x, y="ci_low:Q", y2="ci_high:Q", color=colour)
    dots = points.mark_point(filled=True, size=70, stroke="#333333", strokeWidth=0.7, opacity=1).encode(
        x=x, y=y, color=colour, tooltip=tooltip
    )
    n_text = points.mark_text(align="left", dx=6, dy=-6, fontSize=9, color="#222222").encode(x=x, y=y, text="n_text:N")
    layered = a.layer(zero, lines, whisk, dots, n_text).properties(width=190, height=150)
    sub = [
        f"Each panel: one issue's {d['scale']} at each summit it was coded, with its {d['interval']} and n ({d['count']}).",
        f"A line joins consecutive summits only when both intervals are at most {THIN_WIDTH:g} wide; grey points "
        "are thin evidence and are never joined.",
    ]
    label_of = dict(zip(issue_table["issue"], issue_table["issue_label"]))
    panels = [label_of.get(i, i) for i in groups]
    # a panel title longer than its panel is wrapped onto lines of at most PANEL_TITLE_CHARS characters, never cut
    header = a.Header(labelFontWeight="bold", labelLimit=0, labelExpr=f"split(datum.value, '{_LINE_BREAK}')")
    return layered.facet(
        facet=a.Facet("panel:N", title=None, sort=[panel_title(str(p)) for p in panels], header=header),
        columns=columns,
    ).properties(title=a.Title(title or "How each issue's balance moves between summits", subtitle=sub, anchor="start"))


def agenda_chart(issue_table: pd.DataFrame, *, groups: Mapping[str, str] | None = None, title: str | None = None):
    """(d) Agenda share: each summit's coded weight split by issue (agenda mentions included), n at the end of each bar."""
    a = alt()
    d = describe(issue_table)
    groups = dict(groups) if groups is not None else issue_groups(issue_table)
    t = issue_table[issue_table["salience"].fillna(0) > 0].copy()
    t["issue_group"] = t["issue"].map(groups).fillna(OTHER_LABEL)
    t["summit"] = summit_axis_labels(t)
    agg = (
        t.groupby(["summit_order", "summit", "issue_group"], sort=True)
        .agg(share=("salience", "sum"), n=("n", "sum"))
        .reset_index()
    )
    names, colors = group_scale(groups)
    rank = {name: i for i, name in enumerate(names)}
    agg["stack_order"] = agg["issue_group"].map(rank).fillna(len(rank)).astype("int64")
    totals = t.groupby("summit", sort=False)["n"].sum()
    ends = pd.DataFrame({"summit": totals.index, "n_text": "n = " + totals.astype(str).to_numpy(), "x": 1.0})
    order = summit_order(issue_table.assign(summit=summit_axis_labels(issue_table)))
    y = a.Y("summit:N", sort=order, title=None, axis=a.Axis(labelLimit=260))
    bars = (
        a.Chart(records(agg))
        .mark_bar(stroke="#FFFFFF", strokeWidth=0.5)
        .encode(
            y=y,
            x=a.X(
                "share:Q",
                stack="normalize",
                title="Share of the summit's coded weight",
                axis=a.Axis(format="%"),
                scale=a.Scale(domain=[0, 1]),
            ),
            color=a.Color(
                "issue_group:N",
                title="Issue",
                scale=a.Scale(domain=names, range=colors),
                # the "n = ..." labels stand right of the bars: the legend keeps clear of them
                legend=a.Legend(labelLimit=320, offset=N_LABEL_ROOM),
            ),
            order=a.Order("stack_order:Q"),
            tooltip=[
                a.Tooltip("summit:N", title="Summit"),
                a.Tooltip("issue_group:N", title="Issue"),
                a.Tooltip("share:Q", title="Share", format=".0%"),
                a.Tooltip("n:Q", title=d["count"].capitalize()),
            ],
        )
    )
    n_text = (
        a.Chart(ends)
        .mark_text(align="left", dx=6, fontSize=11)
        .encode(y=y, x=a.X("x:Q", scale=a.Scale(domain=[0, 1])), text="n_text:N")
    )
    return a.layer(bars, n_text).properties(
        width=420,
        height=a.Step(30),
        title=a.Title(
            title or "Agenda share: what each summit was about",
            subtitle=[
                f"Weight: {d['weight']}; grievance, goodwill and agenda mentions together; issues "
                f"beyond the eight heaviest are grouped as '{OTHER_LABEL}'. n: {d['count']} per summit."
            ],
            anchor="start",
        ),
    )
