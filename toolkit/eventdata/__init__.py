"""Machine-coded event data (POLECAT, ICEWS, GDELT 2.0) read with DuckDB, queried with Ibis, set beside human coding."""

from __future__ import annotations

from .balance import BALANCE_COLUMNS, balance_from_clusters, machine_balance
from .cache import add_files, cached_events, cached_files
from .chart import comparison_chart
from .compare import agreement, match_table, side_by_side
from .issues import context_domains, domain_balance
from .layouts import (
    DATASETS,
    GDELT_EVENT_COLUMNS,
    GDELT_MENTION_COLUMNS,
    ICEWS_COLUMNS,
    POLECAT_COLUMNS,
    detect_layout,
)
from .query import DYAD, cluster_counts, scoped_events, summit_days
from .readers import DIRECTED_COLUMNS, FileReport, ReadReport, directed, file_reports, read_events
from .sample import write_gdelt_sample

__all__ = [
    "BALANCE_COLUMNS",
    "DATASETS",
    "DIRECTED_COLUMNS",
    "DYAD",
    "FileReport",
    "GDELT_EVENT_COLUMNS",
    "GDELT_MENTION_COLUMNS",
    "ICEWS_COLUMNS",
    "POLECAT_COLUMNS",
    "ReadReport",
    "add_files",
    "agreement",
    "balance_from_clusters",
    "cached_events",
    "cached_files",
    "cluster_counts",
    "comparison_chart",
    "context_domains",
    "detect_layout",
    "directed",
    "domain_balance",
    "file_reports",
    "machine_balance",
    "match_table",
    "read_events",
    "scoped_events",
    "side_by_side",
    "summit_days",
    "write_gdelt_sample",
]
