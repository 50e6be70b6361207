"""Charts of the balance tables: table in, ``alt.Chart`` out.

Every chart takes a pre-aggregated table from :mod:`toolkit.balance`, so the
size of its Vega-Lite spec depends on summits x issues, never on the number of
annotations (no ``MaxRowsError``, small notebooks). Colours come from the
Okabe-Ito palette, which stays distinguishable under the common forms of
colour blindness: grievance is vermillion, goodwill blue.

- :func:`balance_chart` - (a) balance per summit, diverging bars with
  bootstrap whiskers;
- :func:`heatmap_chart` - (b) issue x summit balance, square size = salience,
  thin cells outlined;
- :func:`shift_chart` - (c) slope chart of balance between consecutive
  summits, per issue;
- :func:`agenda_chart` - (d) agenda share per summit, stacked by issue;
- :func:`article_html` - (e) an article with highlighted spans (HTML,
  escaped), also usable for any per-span or per-sentence shading.

Clicking an issue in the legend of (c) or (d) fades the other issues.
altair is imported lazily; :func:`article_html` does not need it.
"""
from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "STANCE_COLORS", "OKABE_ITO", "OTHER_COLOR", "FORMAT_LABELS", "MAX_ISSUE_COLORS",
    "summit_axis_labels", "issue_groups", "balance_chart", "heatmap_chart", "shift_chart", "agenda_chart",
    "article_html", "ledger_spans", "all_charts",
]

#: Stance colours (Okabe-Ito): grievance vermillion, goodwill blue.
STANCE_COLORS: dict[str, str] = {"grievance": "#D55E00", "goodwill": "#0072B2"}
#: Okabe-Ito colours for issues (without black; vermillion and blue last, as they mean stances elsewhere).
OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7", "#0072B2", "#D55E00")
#: Colour of the "Other issues" group.
OTHER_COLOR = "#999999"
#: Issues beyond this many (by total weight) are grouped as "Other issues" in (c) and (d).
MAX_ISSUE_COLORS = len(OKABE_ITO)
#: How a summit format is written on axes.
FORMAT_LABELS: dict[str, str] = {"in_person": "in person", "video": "video call", "phone": "phone call",
                                 "talks": "delegation talks"}
_NEUTRAL = "#BBBBBB"
_BALANCE_SCALE = {"domain": [-1, 0, 1], "range": [STANCE_COLORS["grievance"], "#DDDDDD", STANCE_COLORS["goodwill"]]}
_OTHER = "Other issues"


def _alt():
    import altair as alt

    return alt


def summit_axis_labels(table: pd.DataFrame) -> pd.Series:
    """``"Geneva 2021 (in person)"``-style labels: the summit's label and its format.

    Parameters
    ----------
    table : pandas.DataFrame
        Needs ``summit_label`` and ``summit_format``.

    Returns
    -------
    pandas.Series of str, aligned with ``table``.
    """
    fmt = table["summit_format"].map(lambda f: FORMAT_LABELS.get(f, str(f)))
    return table["summit_label"].astype(str) + " (" + fmt + ")"


def _summit_order(table: pd.DataFrame) -> list[str]:
    t = table.drop_duplicates("summit_id").sort_values("summit_order", kind="stable")
    return summit_axis_labels(t).tolist()


def issue_groups(issue_table: pd.DataFrame, max_colors: int = MAX_ISSUE_COLORS) -> dict[str, str]:
    """Map each issue to itself or to "Other issues", keeping the heaviest issues.

    Parameters
    ----------
    issue_table : pandas.DataFrame
        ``balance_table(..., by="issue")``; uses ``issue``, ``issue_label``, ``total``.
    max_colors : int
        How many issues get their own colour.

    Returns
    -------
    dict of str to str
        Issue id to group name (the issue label, or ``"Other issues"``),
        heaviest first; ties broken by issue id.
    """
    tot = issue_table.groupby(["issue", "issue_label"], sort=True)["total"].sum().reset_index()
    tot = tot[tot["total"] > 0].sort_values(["total", "issue"], ascending=[False, True], kind="stable")
    keep = tot.head(max_colors) if len(tot) > max_colors + 1 else tot
    groups = {r.issue: r.issue_label for r in keep.itertuples()}
    for r in tot.itertuples():
        groups.setdefault(r.issue, _OTHER)
    return groups


def _group_scale(groups: dict[str, str]) -> tuple[list[str], list[str]]:
    names = list(dict.fromkeys(g for g in groups.values() if g != _OTHER))
    colors = list(OKABE_ITO[: len(names)])
    if _OTHER in groups.values():
        names.append(_OTHER)
        colors.append(OTHER_COLOR)
    return names, colors


def _records(df: pd.DataFrame) -> pd.DataFrame:
    """Copy with datetimes as ISO dates and floats rounded to 4 decimals (NaN stays null)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(4)   # 4 decimals: plenty for a chart, and a compact, stable spec
    return out


def balance_chart(summit_table: pd.DataFrame, *, title: str | None = None) -> "alt.LayerChart":
    """(a) Balance per summit: diverging horizontal bars with bootstrap whiskers.

    Parameters
    ----------
    summit_table : pandas.DataFrame
        ``balance_table(ledger, by="summit")``.
    title : str, optional

    Returns
    -------
    altair.LayerChart
        Summits top to bottom in date order (label and format); bar = balance
        in [-1, 1], blue when goodwill outweighs grievance, vermillion when the
        reverse; black whisker = 95% interval; thin summits (< 3 rows) faded
        and marked "thin"; summits with no evidence show "no evidence".
    """
    alt = _alt()
    t = summit_table.copy()
    t["summit"] = summit_axis_labels(t)
    t["lean"] = np.select([t["balance"] > 0, t["balance"] < 0, t["balance"] == 0],
                          ["goodwill", "grievance", "even"], "none")
    t["flag"] = np.where(t["n"] == 0, "no evidence", np.where(t["thin"], "thin", ""))
    weight = str(t["weight"].iloc[0]) if len(t) else "count"
    cols = ["summit", "summit_id", "summit_order", "summit_date", "n", "goodwill", "grievance", "balance",
            "ci_low", "ci_high", "thin", "lean", "flag"]
    data = _records(t[cols])
    order = _summit_order(t)
    y = alt.Y("summit:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x_scale = alt.Scale(domain=[-1, 1])
    tooltip = [alt.Tooltip("summit:N", title="Summit"), alt.Tooltip("summit_date:N", title="Date"),
               alt.Tooltip("n:Q", title="Rows"), alt.Tooltip("goodwill:Q", title="Goodwill (G)", format=".3g"),
               alt.Tooltip("grievance:Q", title="Grievance (R)", format=".3g"),
               alt.Tooltip("balance:Q", title="Balance (G-R)/(G+R)", format=".2f"),
               alt.Tooltip("ci_low:Q", title="95% CI low", format=".2f"),
               alt.Tooltip("ci_high:Q", title="95% CI high", format=".2f")]
    base = alt.Chart(data)
    bars = base.mark_bar(height={"band": 0.6}).encode(
        y=y,
        x=alt.X("balance:Q", scale=x_scale,
                title="Balance (G - R) / (G + R): -1 all grievance, +1 all goodwill"),
        color=alt.Color("lean:N", title="Leans toward",
                        scale=alt.Scale(domain=["grievance", "even", "goodwill"],
                                        range=[STANCE_COLORS["grievance"], _NEUTRAL, STANCE_COLORS["goodwill"]])),
        opacity=alt.condition("datum.thin", alt.value(0.45), alt.value(1.0)),
        tooltip=tooltip,
    )
    whiskers = base.mark_rule(color="black", strokeWidth=1.5).encode(
        y=y, x=alt.X("ci_low:Q", scale=x_scale), x2="ci_high:Q", tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333333").encode(x=alt.X("x:Q", scale=x_scale))
    flags = base.mark_text(align="left", dx=4, fontStyle="italic", color="#333333").encode(
        y=y, x=alt.value(0), text="flag:N")
    sub = [f"Weight: {weight}. Whiskers: bootstrap 95% interval. Faded bars: thin (fewer than 3 rows)."]
    return alt.layer(bars, whiskers, zero, flags).properties(
        width=420, height=alt.Step(34),
        title=alt.Title(title or "Balance of goodwill and grievance per summit", subtitle=sub, anchor="start"),
    )


def heatmap_chart(issue_table: pd.DataFrame, *, title: str | None = None) -> "alt.LayerChart":
    """(b) Issue x summit heatmap: colour = balance, square size = salience, thin cells outlined.

    Parameters
    ----------
    issue_table : pandas.DataFrame
        ``balance_table(ledger, by="issue")``.
    title : str, optional

    Returns
    -------
    altair.LayerChart
        x = summits in date order, y = issues (alphabetical by label); cells
        with no rows are left blank; a square sized by salience and coloured by
        balance marks the others, and thin cells (< 3 rows) carry a dashed
        outline.
    """
    alt = _alt()
    t = issue_table[issue_table["n"] > 0].copy()
    t["summit"] = summit_axis_labels(t)
    cols = ["summit", "issue_label", "n", "balance", "salience", "thin"]
    data = _records(t[cols])
    order = _summit_order(issue_table.assign(summit=summit_axis_labels(issue_table)))
    issues = sorted(issue_table["issue_label"].dropna().unique().tolist())
    x = alt.X("summit:N", sort=order, title="Summit (date order)", axis=alt.Axis(labelAngle=-30, labelLimit=200))
    y = alt.Y("issue_label:N", sort=issues, title="Issue", axis=alt.Axis(labelLimit=260))
    tooltip = [alt.Tooltip("summit:N", title="Summit"), alt.Tooltip("issue_label:N", title="Issue"),
               alt.Tooltip("n:Q", title="Rows"), alt.Tooltip("balance:Q", title="Balance", format=".2f"),
               alt.Tooltip("salience:Q", title="Salience (share of summit)", format=".0%")]
    base = alt.Chart(data)
    frame = base.mark_rect(fill="#F7F7F7", stroke="#FFFFFF").encode(x=x, y=y, tooltip=tooltip)
    cells = base.mark_square(stroke="#444444", strokeWidth=0.5).encode(
        x=x, y=y,
        color=alt.Color("balance:Q", title="Balance", scale=alt.Scale(**_BALANCE_SCALE)),
        size=alt.Size("salience:Q", title="Salience", scale=alt.Scale(domain=[0, 1], range=[40, 520]),
                      legend=alt.Legend(format="%")),
        tooltip=tooltip,
    )
    thin = base.transform_filter("datum.thin").mark_rect(
        fill=None, stroke="#333333", strokeDash=[3, 2], strokeWidth=1).encode(x=x, y=y)
    sub = ["Colour: balance (vermillion = grievance, blue = goodwill). Square size: salience, the issue's share",
           "of the summit's coded weight. Dashed outline: thin cell (fewer than 3 rows). Blank: no evidence."]
    return alt.layer(frame, cells, thin).properties(
        width=alt.Step(90), height=alt.Step(24),
        title=alt.Title(title or "Balance by issue and summit", subtitle=sub, anchor="start"),
    )


def shift_chart(issue_table: pd.DataFrame, *, groups: "Mapping[str, str] | None" = None,
                title: str | None = None) -> "alt.Chart":
    """(c) Slope chart: each issue's balance from summit to summit, joined where consecutive.

    Parameters
    ----------
    issue_table : pandas.DataFrame
        ``balance_table(ledger, by="issue")`` (every summit x issue, empty
        cells included: their null balance is what breaks a line).
    groups : mapping of issue to group name, optional
        From :func:`issue_groups` (default: computed from ``issue_table``).
    title : str, optional

    Returns
    -------
    altair.Chart
        x = summits in date order, y = balance, one line per issue. A line
        joins two consecutive summits only when the issue has evidence at both
        (Vega-Lite breaks paths at null values), so each segment is one row of
        :func:`toolkit.balance.shift_table`; an issue coded at a summit whose
        neighbours lack it shows as a lone point. Data: one row per summit x
        issue that has evidence somewhere. Click an issue in the legend to
        fade the others.
    """
    alt = _alt()
    groups = dict(groups) if groups is not None else issue_groups(issue_table)
    coded = issue_table.groupby("issue")["n"].transform("sum") > 0
    t = issue_table[coded].copy()
    t["issue_group"] = t["issue"].map(groups).fillna(_OTHER)
    t["summit"] = summit_axis_labels(t)
    data = _records(t[["summit", "summit_order", "issue_label", "issue_group", "n", "balance", "shift"]])
    order = _summit_order(issue_table.assign(summit=summit_axis_labels(issue_table)))
    names, colors = _group_scale(groups)
    sel = alt.selection_point(fields=["issue_group"], bind="legend")
    tooltip = [alt.Tooltip("issue_label:N", title="Issue"), alt.Tooltip("summit:N", title="Summit"),
               alt.Tooltip("n:Q", title="Rows"), alt.Tooltip("balance:Q", title="Balance", format=".2f"),
               alt.Tooltip("shift:Q", title="Shift from previous summit", format="+.2f")]
    chart = alt.Chart(data).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("summit:N", sort=order, scale=alt.Scale(domain=order), title="Summit (date order)",
                axis=alt.Axis(labelAngle=-30, labelLimit=200)),
        y=alt.Y("balance:Q", scale=alt.Scale(domain=[-1, 1]), title="Balance (G - R) / (G + R)"),
        color=alt.Color("issue_group:N", title="Issue (click to filter)", scale=alt.Scale(domain=names, range=colors),
                        legend=alt.Legend(labelLimit=320)),
        detail="issue_label:N",
        opacity=alt.condition(sel, alt.value(0.9), alt.value(0.08)),
        tooltip=tooltip,
    ).add_params(sel)
    return chart.properties(
        width=alt.Step(110), height=300,
        title=alt.Title(title or "How each issue's balance shifts from one summit to the next",
                        subtitle=["A line joins an issue's balance at two consecutive summits (date order) where it "
                                  "has evidence at both; a lone point has no neighbour."], anchor="start"),
    )


def agenda_chart(issue_table: pd.DataFrame, *, groups: "Mapping[str, str] | None" = None,
                 title: str | None = None) -> "alt.Chart":
    """(d) Agenda share: each summit's weight split by issue, as a 100% stacked bar.

    Parameters
    ----------
    issue_table : pandas.DataFrame
        ``balance_table(ledger, by="issue")``.
    groups : mapping of issue to group name, optional
        From :func:`issue_groups` (default: computed from ``issue_table``).
    title : str, optional

    Returns
    -------
    altair.Chart
        x = share of the summit's total weight (salience), y = summits in date
        order, colour = issue (the 7 heaviest, then "Other issues"). Click an
        issue in the legend to fade the others.
    """
    alt = _alt()
    groups = dict(groups) if groups is not None else issue_groups(issue_table)
    t = issue_table[issue_table["total"] > 0].copy()
    t["issue_group"] = t["issue"].map(groups).fillna(_OTHER)
    t["summit"] = summit_axis_labels(t)
    agg = (t.groupby(["summit_order", "summit", "issue_group"], sort=True)
           .agg(share=("salience", "sum"), n=("n", "sum")).reset_index())
    names, colors = _group_scale(groups)
    rank = {name: i for i, name in enumerate(names)}
    agg["stack_order"] = agg["issue_group"].map(rank).astype("int64")
    order = _summit_order(issue_table.assign(summit=summit_axis_labels(issue_table)))
    sel = alt.selection_point(fields=["issue_group"], bind="legend")
    weight = str(issue_table["weight"].iloc[0]) if len(issue_table) else "count"
    chart = alt.Chart(_records(agg)).mark_bar().encode(
        y=alt.Y("summit:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("share:Q", stack="normalize", title="Share of the summit's coded weight",
                axis=alt.Axis(format="%")),
        color=alt.Color("issue_group:N", title="Issue (click to filter)", scale=alt.Scale(domain=names, range=colors),
                        legend=alt.Legend(labelLimit=320)),
        order=alt.Order("stack_order:Q"),
        opacity=alt.condition(sel, alt.value(1.0), alt.value(0.2)),
        tooltip=[alt.Tooltip("summit:N", title="Summit"), alt.Tooltip("issue_group:N", title="Issue"),
                 alt.Tooltip("share:Q", title="Share", format=".0%"), alt.Tooltip("n:Q", title="Rows")],
    ).add_params(sel)
    return chart.properties(
        width=420, height=alt.Step(30),
        title=alt.Title(title or "Agenda share: what each summit was about",
                        subtitle=[f"Weight: {weight}. Grievances and goodwill together; issues beyond the "
                                  f"{MAX_ISSUE_COLORS} heaviest are grouped as 'Other issues'."], anchor="start"),
    )


def all_charts(summit_table: pd.DataFrame, issue_table: pd.DataFrame) -> dict[str, Any]:
    """The four balance charts, keyed by the file stem ``summit-ledger figures`` uses.

    Returns
    -------
    dict of str to altair chart
        ``balance_per_summit``, ``issue_heatmap``, ``issue_shift``, ``agenda_share``.
    """
    groups = issue_groups(issue_table)
    return {
        "balance_per_summit": balance_chart(summit_table),
        "issue_heatmap": heatmap_chart(issue_table),
        "issue_shift": shift_chart(issue_table, groups=groups),
        "agenda_share": agenda_chart(issue_table, groups=groups),
    }


# --- (e) the article with highlighted spans ---------------------------------

def ledger_spans(ledger: pd.DataFrame, document_id: str) -> pd.DataFrame:
    """The span rows of one document, ready for :func:`article_html`.

    Returns
    -------
    pandas.DataFrame
        Columns ``start, end, stance, label`` (label: "stance: issue (actor ->
        target, intensity)"), anchored spans only, sorted by ``start``.
    """
    s = ledger[(ledger["evidence"] == "span") & (ledger["document_id"] == document_id)
               & (ledger["status"].fillna("anchored") == "anchored")]
    if "joint_actor" in s.columns and s["joint_actor"].notna().any():
        # a joint record is one row per direction in the ledger, but one span in the text
        s = s.drop_duplicates(["set", "id"]).assign(actor=s["joint_actor"].fillna(s["actor"]),
                                                    target=s["joint_actor"].fillna(s["target"]))
    label = (s["stance"].astype(str) + ": " + s["issue_label"].fillna(s["issue"]).astype(str) + " ("
             + s["actor"].astype(str) + " \u2192 " + s["target"].astype(str) + ", intensity "
             + s["intensity"].astype(str) + ")")
    out = pd.DataFrame({"start": s["start"].astype("int64"), "end": s["end"].astype("int64"),
                        "stance": s["stance"], "label": label})
    return out.sort_values(["start", "end"], kind="stable").reset_index(drop=True)


def _span_list(spans: "pd.DataFrame | Iterable[Mapping[str, Any]]") -> list[dict]:
    items = spans.to_dict("records") if isinstance(spans, pd.DataFrame) else [dict(s) for s in spans]
    return items


def _hex_rgba(color: str, opacity: float) -> str:
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    if len(c) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in c):
        raise ValueError(f"colour {color!r} must be a #rrggbb hex code")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{max(0.0, min(1.0, float(opacity))):.2f})"


def article_html(text: str, spans: "pd.DataFrame | Iterable[Mapping[str, Any]]" = (), *,
                 title: str | None = None, opacity: float = 0.35, legend: bool = True) -> str:
    """(e) An article as HTML with highlighted spans, every piece of text escaped.

    Parameters
    ----------
    text : str
        The document text (offsets are code points into it).
    spans : DataFrame or iterable of mappings
        One per highlight, with ``start`` and ``end`` (0-based, end-exclusive)
        and either ``stance`` (coloured with :data:`STANCE_COLORS`) or
        ``color`` (``#rrggbb``); optional ``opacity`` (0-1) and ``label``
        (hover text). Per-sentence shading (e.g. disagreement hot spots) is
        the same thing: one span per sentence with its own colour and opacity.
        :func:`ledger_spans` builds these from a ledger.
    title : str, optional
        A heading above the text.
    opacity : float
        Default highlight opacity.
    legend : bool
        Add a stance legend when any span has a stance.

    Returns
    -------
    str
        A ``<div class="sl-article">`` fragment. Where spans overlap, the text
        takes the colour of the most opaque covering span (the later one on a
        tie), is underlined, and its hover text lists every covering label.

    Raises
    ------
    ValueError
        If a span lies outside the text or a colour is not a hex code.
    """
    items = _span_list(spans)
    n = len(text)
    marks = []
    for i, s in enumerate(items):
        start, end = int(s["start"]), int(s["end"])
        if not 0 <= start < end <= n:
            raise ValueError(f"span {i} ({start}, {end}) lies outside the text of {n} characters")
        color = s.get("color")
        if not color or (isinstance(color, float) and np.isnan(color)):
            color = STANCE_COLORS.get(str(s.get("stance")), _NEUTRAL)
        op = s.get("opacity")
        op = opacity if op is None or (isinstance(op, float) and np.isnan(op)) else float(op)
        label = s.get("label")
        label = "" if label is None or (isinstance(label, float) and np.isnan(label)) else str(label)
        marks.append((start, end, color, op, label, i))
    cuts = sorted({0, n, *[m[0] for m in marks], *[m[1] for m in marks]})
    parts = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        chunk = html.escape(text[a:b])
        cover = [m for m in marks if m[0] <= a and b <= m[1]]
        if not cover:
            parts.append(chunk)
            continue
        top = max(cover, key=lambda m: (m[3], m[5]))
        style = f"background:{_hex_rgba(top[2], top[3])};border-radius:2px"
        if len(cover) > 1:
            style += ";text-decoration:underline"
        tip = " | ".join(m[4] for m in cover if m[4])
        attr = f' title="{html.escape(tip, quote=True)}"' if tip else ""
        parts.append(f'<mark class="sl-span" data-start="{a}" data-end="{b}" style="{style}"{attr}>{chunk}</mark>')
    head = f"<h4>{html.escape(title)}</h4>" if title else ""
    leg = ""
    if legend and any(s.get("stance") in STANCE_COLORS for s in items):
        keys = "".join(
            f'<span style="background:{_hex_rgba(c, opacity)};padding:0 4px;margin-right:8px">{html.escape(k)}</span>'
            for k, c in STANCE_COLORS.items())
        leg = f'<div class="sl-legend" style="margin-bottom:6px">{keys}</div>'
    body = "".join(parts)
    return (f'<div class="sl-article" style="max-width:46em;line-height:1.6;font-family:Georgia,serif">'
            f'{head}{leg}<div class="sl-text" style="white-space:pre-wrap">{body}</div></div>')
