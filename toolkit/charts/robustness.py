"""The robustness chart: each summit's balance under every counting specification, side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.charts.palette import BALANCE_RANGE
from toolkit.charts.summits import EVIDENCE_LEGEND, evidence_label
from toolkit.measures.balance import THIN_WIDTH

__all__ = ["robustness_chart"]


def robustness_chart(long: pd.DataFrame, *, title: str | None = None, columns: int = 3):
    """Dots with interval whiskers: rows = specifications, one panel per summit; unavailable ones listed in the subtitle.

    Parameters
    ----------
    long : pandas.DataFrame
        :func:`toolkit.measures.robustness.robustness_table`.
    columns : int
        Summit panels per row (three keep the chart about 900 pixels wide, the width of a notebook).
    """
    from toolkit.charts.common import alt, records

    a = alt()
    ok = long[long["available"] & long["n"].fillna(0).gt(0)].copy()
    ok["evidence"] = evidence_label(ok["thin"].astype(bool))
    ok["n_text"] = "n=" + ok["n"].astype(str)
    ok["lean"] = np.select([ok["balance"] < 0, ok["balance"] > 0], ["grievance", "goodwill"], "even")
    data = records(
        ok[
            ["spec", "label", "summit_label", "summit_order", "n", "balance", "ci_low", "ci_high", "evidence", "n_text", "lean"]
        ].assign(n=lambda d: d["n"].astype("int64"))
    )
    specs = list(dict.fromkeys(long["label"]))
    summits = ok.sort_values("summit_order")["summit_label"].drop_duplicates().tolist()
    missing = long[~long["available"]].drop_duplicates("spec")
    y = a.Y("label:N", sort=specs, title=None, axis=a.Axis(labelLimit=260))
    x = a.X("balance:Q", scale=a.Scale(domain=[-1, 1]), title="relative balance (G − R)/(G + R)")
    base = a.Chart(data)
    whisk = base.mark_rule(strokeWidth=1.5).encode(
        y=y, x=a.X("ci_low:Q", scale=a.Scale(domain=[-1, 1])), x2="ci_high:Q", color=a.value("#444444")
    )
    dots = base.mark_point(filled=True, size=60, stroke="#222222", strokeWidth=0.7).encode(
        y=y,
        x=x,
        color=a.Color(
            "lean:N", title="Direction", scale=a.Scale(domain=["grievance", "even", "goodwill"], range=list(BALANCE_RANGE))
        ),
        shape=a.Shape("evidence:N", title="Evidence", scale=a.Scale(domain=list(EVIDENCE_LEGEND), range=["circle", "diamond"])),
        tooltip=[
            "label:N",
            "summit_label:N",
            "n:Q",
            a.Tooltip("balance:Q", format=".2f"),
            a.Tooltip("ci_low:Q", format=".2f"),
            a.Tooltip("ci_high:Q", format=".2f"),
        ],
    )
    zero = base.mark_rule(color="#222222").encode(x=a.datum(0))
    n_text = base.mark_text(align="left", dx=6, dy=-7, fontSize=9).encode(y=y, x=x, text="n_text:N")
    sub = [
        "Dots: balance; whiskers: 95% interval; diamonds: thin evidence (interval wider than "
        f"{THIN_WIDTH:g}). Summits without evidence under a specification are left empty.",
        "Default: each act once (weight 1), US<->Russia dyad, all phases, spans and briefs, Jeffreys over acts.",
    ]
    if len(missing):
        sub.append("Unavailable (the ledger lacks the column): " + "; ".join(missing["label"]) + ".")
    return (
        a.layer(zero, whisk, dots, n_text)
        .properties(width=180, height=a.Step(18))
        .facet(
            facet=a.Facet("summit_label:N", sort=summits, title=None, header=a.Header(labelFontWeight="bold")),
            columns=columns,
        )
        .resolve_axis(x="independent")  # every panel has its own balance axis, also when the row below is short
        .properties(title=a.Title(title or "Balance per summit under each counting specification", subtitle=sub, anchor="start"))
    )
