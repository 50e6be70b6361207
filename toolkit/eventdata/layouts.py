"""The published file layouts of POLECAT, ICEWS and GDELT 2.0, column by column, and layout detection.

Sources (the column names below are the datasets' own, in their order):

- GDELT 2.0 event export (``YYYYMMDDHHMMSS.export.CSV``): tab-separated, no
  header, 61 columns; *GDELT Event Codebook V2.0*
  (http://data.gdeltproject.org/documentation/GDELT-Event_Codebook-V2.0.pdf).
  The same names are the columns of BigQuery's ``gdelt-bq.gdeltv2.events``.
- GDELT 2.0 mentions table (``YYYYMMDDHHMMSS.mentions.CSV``): tab-separated,
  no header, 16 columns; same codebook.
- ICEWS coded event data (``events.YYYY.*.tab``, Harvard Dataverse
  doi:10.7910/DVN/28075): tab-separated with a header line of 20 columns.
- POLECAT weekly files (Harvard Dataverse doi:10.7910/DVN/AJGVIT):
  tab-separated with a header line of 40 columns; PLOVER event types, modes
  and contexts (several contexts in one cell, separated by ``;``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

__all__ = [
    "Dataset",
    "DATASETS",
    "GDELT_EVENT_COLUMNS",
    "GDELT_EVENT_TYPES",
    "GDELT_MENTION_COLUMNS",
    "ICEWS_COLUMNS",
    "POLECAT_COLUMNS",
    "detect_layout",
]

Dataset = Literal["gdelt", "icews", "polecat"]
DATASETS: tuple[str, ...] = get_args(Dataset)


def _actor(prefix: str) -> list[str]:
    return [
        f"{prefix}Code",
        f"{prefix}Name",
        f"{prefix}CountryCode",
        f"{prefix}KnownGroupCode",
        f"{prefix}EthnicCode",
        f"{prefix}Religion1Code",
        f"{prefix}Religion2Code",
        f"{prefix}Type1Code",
        f"{prefix}Type2Code",
        f"{prefix}Type3Code",
    ]


def _geo(prefix: str) -> list[str]:
    return [
        f"{prefix}_Type",
        f"{prefix}_FullName",
        f"{prefix}_CountryCode",
        f"{prefix}_ADM1Code",
        f"{prefix}_ADM2Code",
        f"{prefix}_Lat",
        f"{prefix}_Long",
        f"{prefix}_FeatureID",
    ]


#: GDELT 2.0 event export, 61 columns in file order.
GDELT_EVENT_COLUMNS: tuple[str, ...] = tuple(
    ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    + _actor("Actor1")
    + _actor("Actor2")
    + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale"]
    + ["NumMentions", "NumSources", "NumArticles", "AvgTone"]
    + _geo("Actor1Geo")
    + _geo("Actor2Geo")
    + _geo("ActionGeo")
    + ["DATEADDED", "SOURCEURL"]
)
assert len(GDELT_EVENT_COLUMNS) == 61

_INTEGER = {"GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions", "NumSources"}
_INTEGER |= {"NumArticles", "Actor1Geo_Type", "Actor2Geo_Type", "ActionGeo_Type", "DATEADDED"}
_FLOAT = {"FractionDate", "GoldsteinScale", "AvgTone"} | {c for c in GDELT_EVENT_COLUMNS if c.endswith(("_Lat", "_Long"))}
#: Column types as BigQuery's ``gdelt-bq.gdeltv2.events`` declares them (codes stay strings: "040" keeps its zero).
GDELT_EVENT_TYPES: dict[str, str] = {
    c: ("int64" if c in _INTEGER else "float64" if c in _FLOAT else "string") for c in GDELT_EVENT_COLUMNS
}

#: GDELT 2.0 mentions table, 16 columns in file order.
GDELT_MENTION_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "EventTimeDate",
    "MentionTimeDate",
    "MentionType",
    "MentionSourceName",
    "MentionIdentifier",
    "SentenceID",
    "Actor1CharOffset",
    "Actor2CharOffset",
    "ActionCharOffset",
    "InRawText",
    "Confidence",
    "MentionDocLen",
    "MentionDocTone",
    "MentionDocTranslationInfo",
    "Extras",
)

#: ICEWS coded event data, header line (20 columns).
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)

#: POLECAT weekly file, header line (40 columns).
POLECAT_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Event Type",
    "Event Mode",
    "Intensity",
    "Quad Code",
    "Contexts",
    "Actor Name",
    "Actor Country",
    "Actor COW",
    "Primary Actor Sector",
    "Actor Sectors",
    "Actor Title",
    "Actor Name Raw",
    "Wikipedia Actor ID",
    "Recipient Name",
    "Recipient Country",
    "Recipient COW",
    "Primary Recipient Sector",
    "Recipient Sectors",
    "Recipient Title",
    "Recipient Name Raw",
    "Wikipedia Recipient ID",
    "Placename",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
    "GeoNames ID",
    "Raw Placename",
    "Feature Type",
    "Source",
    "Publication Date",
    "Story People",
    "Story Organizations",
    "Story Locations",
    "Language",
    "Version",
)

#: The most bytes read to recognise a layout (one line).
_FIRST_LINE_LIMIT = 1 << 16


def first_line(path: Path) -> str:
    """The first line of ``path`` (bounded, BOM and line end removed)."""
    with open(path, "rb") as fh:
        raw = fh.readline(_FIRST_LINE_LIMIT)
    return raw.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")


def detect_layout(path: Path) -> Literal["gdelt", "gdelt-mentions", "icews", "polecat"] | None:
    """Which published layout ``path`` is in, from its first line; None when none fits.

    ICEWS and POLECAT files start with their header line; GDELT files have no
    header, so they are recognised by their field count (61 events, 16
    mentions) and a numeric first field.
    """
    fields = first_line(path).split("\t")
    if tuple(fields) == ICEWS_COLUMNS:
        return "icews"
    if tuple(fields) == POLECAT_COLUMNS:
        return "polecat"
    if fields and fields[0].isdigit():
        if len(fields) == len(GDELT_EVENT_COLUMNS):
            return "gdelt"
        if len(fields) == len(GDELT_MENTION_COLUMNS):
            return "gdelt-mentions"
    return None
