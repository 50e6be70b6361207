"""Rows in the published layouts of GDELT 2.0, ICEWS and POLECAT, for the event-data tests (made up, synthetic)."""

from __future__ import annotations

from pathlib import Path

from toolkit.eventdata.layouts import GDELT_EVENT_COLUMNS, ICEWS_COLUMNS, POLECAT_COLUMNS


def gdelt_row(event_id: int, day: str, a1: str, a2: str, code: str, quad: str, url: str) -> str:
    """One GDELT 2.0 export line (61 fields) with the given event id, day, actor countries, code and quad class."""
    row = dict.fromkeys(GDELT_EVENT_COLUMNS, "")
    row.update(
        GLOBALEVENTID=str(event_id),
        SQLDATE=day,
        MonthYear=day[:6],
        Year=day[:4],
        FractionDate="2021.4603",
        Actor1Code=a1 + "GOV" if a1 else "",
        Actor1CountryCode=a1,
        Actor1Type1Code="GOV" if a1 else "",
        Actor2Code=a2 + "GOV" if a2 else "",
        Actor2CountryCode=a2,
        Actor2Type1Code="GOV" if a2 else "",
        IsRootEvent="1",
        EventCode=code,
        EventBaseCode=code[:3],
        EventRootCode=code[:2],
        QuadClass=quad,
        GoldsteinScale="1.0",
        NumMentions="2",
        NumSources="1",
        NumArticles="2",
        AvgTone="-1.5",
        DATEADDED=day + "151500",
        SOURCEURL=url,
    )
    return "\t".join(row[c] for c in GDELT_EVENT_COLUMNS)


def icews_file(tmp_path: Path) -> Path:
    rows = [
        ["926685", "2021-06-16", "Joe Biden", "Executive,Government", "United States", "Express intent to meet or negotiate",
         "036", "4.0", "Vladimir Putin", "Elite,Executive,Government", "Russian Federation", "28214676", "1", "Reuters",
         "Geneva", "", "Geneva", "Switzerland", "46.2", "6.14"],
        ["926686", "2021-06-17", "Sergey Lavrov", "Government", "Russian Federation", "Accuse", "112", "-2.0",
         "", "", "", "28214677", "2", "TASS", "", "", "", "Russian Federation", "55.75", "37.61"],  # no target
        ["926687", "2021-06-17", "Russia", "", "Russian Federation", "Criticize or denounce", "11", "-2.0", "Joe Biden",
         "Executive", "United States", "28214678", "1", "TASS", "", "", "", "", "", ""],  # root-only code
        ["926686", "2021-06-17", "Sergey Lavrov", "Government", "Russian Federation", "Accuse", "112", "-2.0",
         "", "", "", "28214677", "2", "TASS", "", "", "", "Russian Federation", "55.75", "37.61"],  # duplicate id
    ]  # fmt: skip
    text = "\t".join(ICEWS_COLUMNS) + "\n" + "\n".join("\t".join(r) for r in rows) + "\n926690\t2021-06-18\tJoe Bid"
    path = tmp_path / "events.2021.sample.tab"
    path.write_text(text, encoding="utf-8")
    return path


def polecat_file(tmp_path: Path, header: list[str] | None = None) -> Path:
    cols = list(POLECAT_COLUMNS)

    def row(**values: str) -> str:
        out = dict.fromkeys(cols, "")
        out.update({k.replace("_", " "): v for k, v in values.items()})
        return "\t".join(out[c] for c in cols)

    rows = [
        row(**{"Event ID": "20210616-abc", "Event Date": "2021-06-16", "Event Type": "CONSULT", "Event Mode": "visit",
               "Quad Code": "VERBAL COOPERATION", "Contexts": "military; diplomatic", "Actor Country": "USA",
               "Primary Actor Sector": "GOV", "Recipient Country": "RUS", "Primary Recipient Sector": "GOV",
               "Intensity": "1", "Version": "1.0"}),
        row(**{"Event ID": "20210617-def", "Event Date": "2021-06-17", "Event Type": "ACCUSE", "Event Mode": "",
               "Quad Code": "VERBAL CONFLICT", "Contexts": "cyber", "Actor Country": "RUS", "Recipient Country": "USA",
               "Version": "1.0"}),
        row(**{"Event ID": "20210617-ghi", "Event Date": "2021-06-17", "Event Type": "OTHER", "Quad Code": "",
               "Actor Country": "", "Recipient Country": "USA", "Version": "1.0"}),  # missing actor, neutral
    ]  # fmt: skip
    head = header or cols
    path = tmp_path / "ngec_coded_all_2021_wk24.txt"
    path.write_text("\t".join(head) + "\n" + "\n".join(rows) + "\n" + rows[0][:40], encoding="utf-8")
    return path
