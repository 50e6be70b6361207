"""Records, documents and summits into one table of counting units (the ledger), and counting events."""

from __future__ import annotations

from .build import LEDGER_COLUMNS, Evidence, build_ledger, load_ledger
from .eventcount import COMPARISON_COLUMNS, Count, counting_comparison, event_table, expand_pairs
from .frame import DOCUMENT_COLUMNS, SORT_KEYS, TEXT_COLUMNS, lookup, no_text, sort_order, text_kind
from .selection import WEIGHTS, Weight, as_set, filter_ledger, row_weights

__all__ = [
    "COMPARISON_COLUMNS",
    "Count",
    "DOCUMENT_COLUMNS",
    "Evidence",
    "LEDGER_COLUMNS",
    "SORT_KEYS",
    "TEXT_COLUMNS",
    "WEIGHTS",
    "Weight",
    "as_set",
    "build_ledger",
    "counting_comparison",
    "event_table",
    "expand_pairs",
    "filter_ledger",
    "load_ledger",
    "lookup",
    "no_text",
    "row_weights",
    "sort_order",
    "text_kind",
]
