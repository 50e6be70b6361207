"""Charts of the balance tables: table in, ``alt.Chart`` out.

Every chart takes a pre-aggregated table from :mod:`toolkit.measures.balance`, so its
Vega-Lite spec grows with summits x issues, never with the number of
annotations. Colours come from :mod:`toolkit.charts.palette` only. Every chart says
which balance scale, interval, count and weight it shows, writes n on every
bar, cell and point, marks a zero balance visibly, and draws thin evidence
(95% interval wider than :data:`toolkit.measures.balance.THIN_WIDTH`) as such, with a
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

import importlib
from typing import Any

# name -> module of this package that defines it; loaded on first use, so that
# ``import toolkit`` (which installs the display hook from .display) stays free of altair and pandas.
_EXPORTS: dict[str, str] = {
    "STANCE_COLORS": "palette",
    "ISSUE_COLORS": "palette",
    "OTHER_COLOR": "palette",
    "MAX_ISSUE_COLORS": "palette",
    "FORMAT_LABELS": "common",
    "summit_axis_labels": "common",
    "issue_groups": "common",
    "caption_lines": "common",
    "with_caption": "common",
    "balance_chart": "summits",
    "heatmap_chart": "summits",
    "shift_chart": "issues",
    "agenda_chart": "issues",
    "robustness_chart": "robustness",
    "article_html": "article",
    "ledger_spans": "article",
    "all_charts": "figures",
    "show": "display",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
