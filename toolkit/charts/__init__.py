"""Charts of the balance tables: table in, ``alt.Chart`` out.

Every chart takes a pre-aggregated table from :mod:`toolkit.balance`, so its
Vega-Lite spec grows with summits x issues, never with the number of
annotations. Colours come from :mod:`toolkit.palette` only. Every chart says
which balance scale, interval, count and weight it shows, writes n on every
bar, cell and point, marks a zero balance visibly, and draws thin evidence
(95% interval wider than :data:`toolkit.balance.THIN_WIDTH`) as such, with a
legend entry. Charts carry no interaction hints in their text, so static
exports read correctly; :func:`toolkit.charts.common.with_caption` adds the
source/evidence/n caption that ``summit-ledger figures`` puts under each file.

- :func:`balance_chart` - (a) balance per summit with intervals;
- :func:`heatmap_chart` - (b) issue x summit;
- :func:`shift_chart` - (c) each issue's balance across summits, joined only where the evidence allows;
- :func:`agenda_chart` - (d) agenda share per summit;
- :func:`robustness_chart` - the balance per summit under each counting specification;
- :func:`article_html` - (e) an article with highlighted spans (escaped HTML).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..palette import ISSUE_COLORS, MAX_ISSUE_COLORS, OTHER_COLOR, STANCE_COLORS
from .article import article_html, ledger_spans
from .common import FORMAT_LABELS, caption_lines, issue_groups, summit_axis_labels, with_caption
from .issues import agenda_chart, shift_chart
from .robustness import robustness_chart
from .summits import balance_chart, heatmap_chart

__all__ = [
    "STANCE_COLORS",
    "ISSUE_COLORS",
    "OTHER_COLOR",
    "FORMAT_LABELS",
    "MAX_ISSUE_COLORS",
    "summit_axis_labels",
    "issue_groups",
    "balance_chart",
    "heatmap_chart",
    "shift_chart",
    "agenda_chart",
    "robustness_chart",
    "article_html",
    "ledger_spans",
    "all_charts",
    "caption_lines",
    "with_caption",
]


def all_charts(
    summit_table: pd.DataFrame,
    issue_table: pd.DataFrame,
    *,
    robustness: pd.DataFrame | None = None,
    groups: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The balance charts, keyed by the file stem ``summit-ledger figures`` uses.

    Returns
    -------
    dict of str to altair chart
        ``balance_per_summit``, ``issue_heatmap``, ``issue_shift``,
        ``agenda_share``, and ``robustness`` when a robustness table is given.
        ``groups`` fixes the issue colours (default: :func:`issue_groups` of ``issue_table``).
    """
    groups = issue_groups(issue_table) if groups is None else groups
    out = {
        "balance_per_summit": balance_chart(summit_table),
        "issue_heatmap": heatmap_chart(issue_table),
        "issue_shift": shift_chart(issue_table, groups=groups),
        "agenda_share": agenda_chart(issue_table, groups=groups),
    }
    if robustness is not None:
        out["robustness"] = robustness_chart(robustness)
    return out
