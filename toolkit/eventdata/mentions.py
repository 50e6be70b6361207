"""GDELT 2.0's mentions table: every article that mentions an event (``YYYYMMDDHHMMSS.mentions.CSV``).

Tab-separated, no header, the 16 columns of the GDELT Event Codebook V2.0
(:data:`toolkit.eventdata.layouts.GDELT_MENTION_COLUMNS`), typed as the
codebook gives them. Lines that cannot be read are reported per file, as for
the event files (:func:`toolkit.eventdata.readers.file_reports`). Joined to the
events on ``event_id``, the mentions give every article behind an event
(``MentionIdentifier``, a URL for web sources), beyond the one ``SOURCEURL``
of the event row.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from typing import Any

from toolkit.eventdata.layouts import GDELT_MENTION_COLUMNS, detect_layout
from toolkit.eventdata.readers import checked_files, connect

__all__ = ["MENTION_TYPES", "read_mentions"]

_INT = {"GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "SentenceID", "Actor1CharOffset"}
_INT |= {"Actor2CharOffset", "ActionCharOffset", "InRawText", "Confidence", "MentionDocLen"}
#: DuckDB column types of the mentions table.
MENTION_TYPES: dict[str, str] = {
    c: "BIGINT" if c in _INT else "DOUBLE" if c == "MentionDocTone" else "VARCHAR" for c in GDELT_MENTION_COLUMNS
}


def read_mentions(paths: Iterable[str | os.PathLike[str]], *, con: Any = None) -> tuple[Any, Any, str]:
    """Mentions files as an Ibis table ``event_id, mention_time, mention_type, source_name, article, sentence,
    confidence, doc_tone``, with its connection and rejects tag (for :func:`~toolkit.eventdata.readers.file_reports`)."""
    from toolkit.errors import DataError

    files = checked_files(paths)
    for f in files:
        if detect_layout(f) != "gdelt-mentions":
            raise DataError.at(f, 1, None, "not a GDELT 2.0 mentions file (16 tab-separated fields, no header)")
    con = con or connect()
    tag = uuid.uuid4().hex[:12]
    raw = con.read_csv(
        [str(f) for f in files],
        table_name=f"raw_mentions_{tag}",
        columns=MENTION_TYPES,
        delim="\t",
        quote="",
        escape="",
        header=False,
        auto_detect=False,
        ignore_errors=True,
        store_rejects=True,
        rejects_table=f"rejects_{tag}",
        rejects_scan=f"scans_{tag}",
    )
    table = raw.select(
        event_id=raw.GLOBALEVENTID.cast("string"),
        mention_time=raw.MentionTimeDate,
        mention_type=raw.MentionType,
        source_name=raw.MentionSourceName,
        article=raw.MentionIdentifier,
        sentence=raw.SentenceID,
        confidence=raw.Confidence,
        doc_tone=raw.MentionDocTone,
    )
    return table, con, tag
