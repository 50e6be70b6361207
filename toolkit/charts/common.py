"""What every balance chart shares: axis labels, issue colours, captions, and table-to-records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from toolkit.charts.palette import issue_groups as _palette_groups
from toolkit.measures.intervals import SCALE_LABELS

__all__ = [
    "FORMAT_LABELS",
    "alt",
    "summit_axis_labels",
    "summit_order",
    "issue_groups",
    "records",
    "describe",
    "caption_lines",
    "with_caption",
]

#: How a summit format is written on axes.
FORMAT_LABELS: dict[str, str] = {
    "in_person": "in person",
    "video": "video call",
    "phone": "phone call",
    "talks": "delegation talks",
}
_INTERVALS = {"jeffreys": "Jeffreys", "bootstrap": "cluster-bootstrap"}
_EVIDENCE = {None: "article spans + briefs", "span": "article spans only", "brief": "briefs only"}
#: Each kind of evidence as a caption names it when no filter was chosen.
_PRESENT = {"span": "article spans", "brief": "briefs"}


_RENDERER_SET = False


def alt():
    """altair, imported on first use; the first call also enables the ``summit_ledger`` renderer.

    (:func:`toolkit.charts.display.enable_renderer`: a chart left as a cell's value is
    then stored with its spec and a static SVG, unless the user already chose
    another renderer.)
    """
    global _RENDERER_SET
    import altair

    if not _RENDERER_SET:
        from toolkit.charts.display import enable_renderer

        enable_renderer()
        _RENDERER_SET = True
    return altair


def summit_axis_labels(table: pd.DataFrame) -> pd.Series:
    """``"Geneva 2021 (in person)"``-style labels: the summit's label and its format."""
    fmt = table["summit_format"].map(lambda f: FORMAT_LABELS.get(f, str(f)))
    return table["summit_label"].astype(str) + " (" + fmt + ")"


def summit_order(table: pd.DataFrame) -> list[str]:
    """Axis labels of the table's summits, in date order."""
    t = table.drop_duplicates("summit_id").sort_values("summit_order", kind="stable")
    return summit_axis_labels(t).tolist()


def issue_groups(issue_table: pd.DataFrame, max_colors: int | None = None) -> dict[str, str]:
    """Issue id to its label or "Other issues", heaviest first (see :func:`toolkit.charts.palette.issue_groups`)."""
    tot = issue_table.groupby("issue", sort=True)["total"].sum()
    if "n_agenda" in issue_table:  # agenda mentions count toward what a summit was about
        tot = tot + issue_table.groupby("issue", sort=True)["n_agenda"].sum()
    labels = {str(k): str(v) for k, v in issue_table.drop_duplicates("issue").set_index("issue")["issue_label"].items()}
    totals = {str(k): float(v) for k, v in tot.items()}
    kwargs = {} if max_colors is None else {"max_colors": max_colors}
    return _palette_groups(totals, labels, **kwargs)


def records(df: pd.DataFrame) -> pd.DataFrame:
    """Copy with datetimes as ISO dates and floats rounded to 4 decimals; every missing value becomes null.

    A text column with gaps is handed to Altair as a categorical: Altair's clean-up of a plain text column
    lets pandas 3 turn its gaps back into NaN, which is not JSON and stops the chart from rendering.
    """
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(4)
        elif (pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object) and out[col].isna().any():
            present = out[col].dropna()
            if present.map(lambda v: isinstance(v, str)).all():
                out[col] = out[col].astype("category")
    return out


def _first(table: pd.DataFrame, column: str, default: str) -> str:
    return str(table[column].iloc[0]) if column in table and len(table) else default


_UNITS = {"events": "acts", "directed": "directed events", "mentions": "mentions"}
_WEIGHTS = {
    "count": "count (1 a unit)",
    "intensity": "intensity level (1-3)",
    "score": "intensity score (codebook weights)",
    "goldstein": "published Goldstein value",
}


def describe(table: pd.DataFrame) -> dict[str, str]:
    """What a balance table measures, in words: scale, interval, counting unit, clusters, scope, weight."""
    count = _first(table, "count", "events")
    weight = _first(table, "weight", "count")
    return {
        "scale": SCALE_LABELS.get(_first(table, "scale", "relative"), "balance"),
        "interval": _INTERVALS.get(_first(table, "interval", "jeffreys"), "bootstrap") + " 95% interval",
        "count": _UNITS.get(count, count),
        "clusters": _first(table, "clusters", _UNITS.get(count, count)),
        "scope": _first(table, "scope", "all targets"),
        "weight": _WEIGHTS.get(weight, weight),
    }


def caption_lines(table: pd.DataFrame, source: str | None = None) -> list[str]:
    """Caption for a static figure: data source, evidence kind, n, and what is measured."""
    d = describe(table)
    attrs: Mapping[Any, Any] = table.attrs
    src = source or attrs.get("source") or "Summit Ledger ledger"
    chosen, present = attrs.get("evidence"), attrs.get("evidence_present")
    if chosen is None and present:  # no filter: name the kinds of evidence the table holds, not both by default
        evidence = " + ".join(_PRESENT[k] for k in ("span", "brief") if k in present) or _EVIDENCE[None]
    else:
        evidence = _EVIDENCE.get(chosen, str(chosen))
    units = int(table["n"].sum()) if "n" in table else 0
    mentions = int(table["n_mentions"].sum()) if "n_mentions" in table else units
    return [
        f"Source: {src}. Evidence: {evidence}. n = {units} {d['count']} ({mentions} mentions); scope: {d['scope']}.",
        f"Scale: {d['scale']}; {d['interval']}, independent units: {d['clusters']}; weight: {d['weight']}.",
    ]


def with_caption(chart, lines: list[str]):
    """The chart with a caption under it (a one-panel concat titled at the bottom)."""
    a = alt()
    return a.vconcat(chart).properties(
        title=a.Title(lines, orient="bottom", anchor="start", fontSize=10, fontWeight="normal", color="#333333", offset=12)
    )
