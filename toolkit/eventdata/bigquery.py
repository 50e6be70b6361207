"""The balance query on BigQuery's public GDELT 2.0 events table, for questions that outgrow one machine.

The expression is the one DuckDB runs (:func:`toolkit.eventdata.query.cluster_counts`
over :func:`toolkit.eventdata.readers.directed`); only the table differs:
``gdelt-bq.gdeltv2.events``, whose columns carry the codebook's names and types.
Running it needs the ``bigquery`` extra and a Google Cloud project to bill
(``--billing-project``); :func:`bigquery_sql` shows the query without either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from toolkit.eventdata.layouts import GDELT_EVENT_TYPES
from toolkit.eventdata.query import DYAD, cluster_counts
from toolkit.eventdata.readers import directed

__all__ = ["GDELT_BIGQUERY_TABLE", "gdelt_table", "balance_expression", "bigquery_sql", "connect_bigquery"]

#: BigQuery's public copy of the GDELT 2.0 event table.
GDELT_BIGQUERY_TABLE = "gdelt-bq.gdeltv2.events"


def gdelt_table(name: str = GDELT_BIGQUERY_TABLE) -> Any:
    """An unbound Ibis table with the GDELT 2.0 event schema, named like BigQuery's table."""
    import ibis

    return ibis.table(GDELT_EVENT_TYPES, name=name)


def balance_expression(table: Any, summits: Mapping[str, Any], *, dyad: Iterable[str] = DYAD) -> Any:
    """Per-summit, per-article counts of ``table`` (raw GDELT 2.0 events on any backend)."""
    return cluster_counts(directed(table, "gdelt"), summits, dyad=dyad)


def bigquery_sql(summits: Mapping[str, Any], *, dyad: Iterable[str] = DYAD) -> str:
    """The BigQuery SQL of the balance query over ``gdelt-bq.gdeltv2.events`` (no network needed)."""
    import ibis

    return str(ibis.to_sql(balance_expression(gdelt_table(), summits, dyad=dyad), dialect="bigquery"))


def connect_bigquery(billing_project: str) -> Any:  # pragma: no cover - needs network and credentials
    """A BigQuery connection billed to ``billing_project`` (needs ``pip install "summit-ledger[bigquery]"``)."""
    import ibis

    if not billing_project:
        raise ValueError("BigQuery needs --billing-project, the Google Cloud project that pays for the query")
    return ibis.bigquery.connect(project_id=billing_project)


def bigquery_table(con: Any) -> Any:  # pragma: no cover - needs network and credentials
    """BigQuery's GDELT event table through ``con``."""
    project, dataset, table = GDELT_BIGQUERY_TABLE.split(".")
    return con.table(table, database=(project, dataset))
