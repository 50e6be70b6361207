"""Readers: POLECAT, ICEWS and GDELT 2.0 files -> one Ibis table of directed events (DuckDB, out of core).

Each dataset is read in its published layout (:mod:`toolkit.eventdata.layouts`)
by DuckDB's CSV reader, which never loads a whole file into memory. A line
that does not fit the layout (a torn last line, a wrong field count, a value
that is not of its column's type) is not read, and is **counted and reported
per file** with its line number and field (:class:`ReadReport`); nothing is
dropped silently. The mapping from each layout to the directed-events table
(:data:`DIRECTED_COLUMNS`) is an Ibis expression, so it runs unchanged on
DuckDB and on BigQuery's copy of GDELT.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import DataError, Problem
from toolkit.eventdata import layouts
from toolkit.eventdata.codes import ICEWS_COUNTRIES, QUAD_NAMES, QUAD_SPLITS, goldstein_map, plover_quads

__all__ = [
    "DIRECTED_COLUMNS",
    "FileReport",
    "ReadReport",
    "connect",
    "checked_files",
    "read_raw",
    "directed",
    "read_events",
]

#: Columns of the directed-events table, in order.
DIRECTED_COLUMNS: tuple[str, ...] = (
    "dataset",
    "version",
    "event_id",
    "date",
    "source_country",
    "source_sector",
    "target_country",
    "target_sector",
    "cameo",
    "plover_type",
    "plover_mode",
    "plover_contexts",
    "goldstein",
    "quad_class",
    "source_article",
)

_DEFAULT_VERSION = {"gdelt": "2.0", "icews": "dataverse-28075", "polecat": "dataverse-AJGVIT"}


@dataclass
class FileReport:
    """What was read from one file: lines that could not be read are counted, the first one shown."""

    file: str
    dataset: str
    unreadable: int = 0
    first_problem: Problem | None = None


@dataclass
class ReadReport:
    """Per-file counts of lines that could not be read, plus duplicate event ids."""

    files: list[FileReport] = field(default_factory=list)
    duplicates: int = 0
    #: rows kept whose date could not be read (they fall in no summit window)
    undated: int = 0

    @property
    def unreadable(self) -> int:
        return sum(f.unreadable for f in self.files)

    def lines(self) -> list[str]:
        """One line per file that had unreadable lines, then the duplicate count (empty when all was read)."""
        out = []
        for f in self.files:
            if f.unreadable:
                where = f" first: {f.first_problem}" if f.first_problem else ""
                out.append(f"{f.file}: {f.unreadable} line(s) not read;{where}")
        if self.undated:
            out.append(f"{self.undated} row(s) have no readable date; they are kept but fall in no summit window")
        if self.duplicates:
            out.append(f"{self.duplicates} row(s) repeat an event id already read; each event is counted once")
        return out


def connect(memory_limit: str | None = None) -> Any:
    """An in-process DuckDB connection through Ibis (needs the ``events`` extra)."""
    try:
        import ibis
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError('machine-coded event data needs the events extra: pip install "summit-ledger[events]"') from exc
    con = ibis.duckdb.connect()
    con.raw_sql("SET enable_progress_bar = false")
    if memory_limit:
        con.raw_sql(f"SET memory_limit = '{memory_limit}'")
    return con


def checked_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The paths as regular files; a symlink, a folder or a missing file is an error naming it."""
    out = []
    problems = []
    for p in paths:
        path = Path(p)
        try:
            st = path.lstat()
        except OSError as exc:
            problems.append(Problem(str(path), None, None, f"cannot read: {exc.strerror}"))
            continue
        if stat.S_ISLNK(st.st_mode):
            problems.append(Problem(str(path), None, None, "is a symbolic link; give the file itself"))
        elif not stat.S_ISREG(st.st_mode):
            problems.append(Problem(str(path), None, None, "is not a regular file"))
        else:
            out.append(path)
    if problems:
        raise DataError(problems)
    return out


def _csv_options(dataset: str) -> tuple[dict[str, str], dict[str, Any]]:
    if dataset == "gdelt":
        kinds = {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR"}
        cols = {c: kinds[t] for c, t in layouts.GDELT_EVENT_TYPES.items()}
        return cols, {"header": False}
    if dataset == "gdelt-mentions":
        return {c: "VARCHAR" for c in layouts.GDELT_MENTION_COLUMNS}, {"header": False}
    names = layouts.ICEWS_COLUMNS if dataset == "icews" else layouts.POLECAT_COLUMNS
    return {c: "VARCHAR" for c in names}, {"header": True}


def read_raw(con: Any, dataset: str, files: Sequence[Path]) -> tuple[Any, str]:
    """The files as one Ibis table in the dataset's published layout, and the name of its rejects table."""
    if dataset not in (*layouts.DATASETS, "gdelt-mentions"):
        raise ValueError(f"dataset {dataset!r} is not one of {', '.join(layouts.DATASETS)}")
    if not files:
        raise ValueError("no files to read")
    if dataset in ("icews", "polecat"):
        want = layouts.ICEWS_COLUMNS if dataset == "icews" else layouts.POLECAT_COLUMNS
        for f in files:
            got = tuple(layouts.first_line(f).split("\t"))
            if got != want:
                diff = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
                found = got[diff] if diff < len(got) else "(end of line)"
                expected = want[diff] if diff < len(want) else "(end of line)"
                raise DataError.at(f, 1, "header", f"column {diff + 1} is {found!r}, the {dataset} layout has {expected!r}")
    columns, extra = _csv_options(dataset)
    tag = uuid.uuid4().hex[:12]
    table = con.read_csv(
        [str(f) for f in files],
        table_name=f"raw_{dataset.replace('-', '_')}_{tag}",
        columns=columns,
        delim="\t",
        quote="",
        escape="",
        auto_detect=False,
        ignore_errors=True,
        store_rejects=True,
        rejects_table=f"rejects_{tag}",
        rejects_scan=f"scans_{tag}",
        max_line_size=4 << 20,
        **extra,
    )
    return table, tag


def _blank(v: Any) -> Any:
    """Empty or whitespace-only text as NULL."""
    import ibis

    s = v.strip()
    return ibis.ifelse(s == "", ibis.null("string"), s)


def _cameo(v: Any) -> Any:
    """Clean CAMEO code: ``---`` or empty -> NULL; else 2-4 digits as written (the table keys root codes too)."""
    import ibis

    s = v.strip()
    return ibis.ifelse(s.re_search(r"^[0-2][0-9]{1,3}$"), s, ibis.null("string"))


def _quad_of_cameo(code: Any, split: str) -> Any:
    """Quad class from the CAMEO root, by one of the published splits."""
    import ibis

    a, b, c = QUAD_SPLITS[split]
    root = code.substr(0, 2).try_cast("int8")
    return ibis.cases(
        (root.between(1, a), 1),
        (root.between(a + 1, b), 2),
        (root.between(b + 1, c), 3),
        (root.between(c + 1, 20), 4),
        else_=ibis.null("int8"),
    ).cast("int8")


def _goldstein(code: Any, given: Any) -> Any:
    """The per-code table's Goldstein value of ``code``; the dataset's own where the table lacks the code."""
    return code.substitute(goldstein_map(), else_=given.cast("float64"))


def directed(raw: Any, dataset: str, version: str | None = None) -> Any:
    """The directed-events table (:data:`DIRECTED_COLUMNS`) of a raw table in ``dataset``'s layout.

    Backend neutral: ``raw`` may be a DuckDB view of files or BigQuery's
    ``gdelt-bq.gdeltv2.events`` (same column names and types).
    """
    import ibis

    version = version or _DEFAULT_VERSION.get(dataset, "")
    lit = ibis.literal
    if dataset == "gdelt":
        d = raw.SQLDATE
        code = _cameo(raw.EventCode)
        given = raw.QuadClass.cast("int8")
        return raw.select(
            dataset=lit("gdelt"),
            version=lit(version),
            event_id=raw.GLOBALEVENTID.cast("string"),
            date=ibis.date(d // 10000, (d // 100) % 100, d % 100),
            # GDELT leaves a missing code empty: DuckDB reads it as NULL, as BigQuery stores it
            source_country=raw.Actor1CountryCode,
            source_sector=raw.Actor1Type1Code,
            target_country=raw.Actor2CountryCode,
            target_sector=raw.Actor2Type1Code,
            cameo=code,
            plover_type=ibis.null("string"),
            plover_mode=ibis.null("string"),
            plover_contexts=ibis.null("string"),
            goldstein=_goldstein(code, raw.GoldsteinScale),
            # no CAMEO code (``---``): neutral, whatever QuadClass says
            quad_class=ibis.ifelse(
                code.isnull(), ibis.null("int8"), ibis.ifelse(given.between(1, 4), given, _quad_of_cameo(code, "gdelt"))
            ),
            source_article=_blank(raw.SOURCEURL),
        )
    if dataset == "icews":
        code = _cameo(raw["CAMEO Code"])

        def country(col: str) -> Any:
            name = _blank(raw[col])
            return name.substitute(ICEWS_COUNTRIES, else_=name)

        return raw.select(
            dataset=lit("icews"),
            version=lit(version),
            event_id=_blank(raw["Event ID"]),
            date=raw["Event Date"].strip().try_cast("date"),
            source_country=country("Source Country"),
            source_sector=_blank(raw["Source Sectors"]),
            target_country=country("Target Country"),
            target_sector=_blank(raw["Target Sectors"]),
            cameo=code,
            plover_type=ibis.null("string"),
            plover_mode=ibis.null("string"),
            plover_contexts=ibis.null("string"),
            goldstein=_goldstein(code, raw["Intensity"].strip().try_cast("float64")),
            quad_class=_quad_of_cameo(code, "icews"),
            source_article=_blank(raw["Story ID"]),
        )
    if dataset == "polecat":
        quad_text = raw["Quad Code"].strip().lower().re_replace(r"[_\s]+", " ")
        names = {name.lower(): q for q, name in QUAD_NAMES.items()}
        by_type = _blank(raw["Event Type"]).upper().substitute(plover_quads(), else_=ibis.null("int8"))
        quad = ibis.coalesce(quad_text.substitute(names, else_=ibis.null("int8")), by_type).cast("int8")
        contexts = _blank(raw["Contexts"])
        return raw.select(
            dataset=lit("polecat"),
            version=ibis.coalesce(_blank(raw["Version"]), lit(version)),
            event_id=_blank(raw["Event ID"]),
            date=raw["Event Date"].strip().substr(0, 10).try_cast("date"),
            source_country=_blank(raw["Actor Country"]).upper(),
            source_sector=_blank(raw["Primary Actor Sector"]),
            target_country=_blank(raw["Recipient Country"]).upper(),
            target_sector=_blank(raw["Primary Recipient Sector"]),
            cameo=ibis.null("string"),
            plover_type=_blank(raw["Event Type"]).upper(),
            plover_mode=_blank(raw["Event Mode"]).lower(),
            plover_contexts=contexts.lower().re_replace(r"\s*[;,]\s*", ";"),
            goldstein=raw["Intensity"].strip().try_cast("float64"),
            quad_class=quad,
            source_article=ibis.null("string"),
        )
    raise ValueError(f"dataset {dataset!r} is not one of {', '.join(layouts.DATASETS)}")


def file_reports(con: Any, tag: str, dataset: str, files: Sequence[Path]) -> list[FileReport]:
    """Per-file counts of lines the CSV reader could not read (from DuckDB's rejects table)."""
    reports = {str(f): FileReport(str(f), dataset) for f in files}
    sql = f"""
        SELECT s.file_path, e.line, e.column_name, e.error_type, e.error_message
        FROM rejects_{tag} e JOIN scans_{tag} s USING (scan_id, file_id)
        WHERE e.scan_id = (SELECT max(scan_id) FROM scans_{tag})
        ORDER BY s.file_path, e.line, e.column_idx
    """
    try:
        rows = con.raw_sql(sql).fetchall()
    except Exception:  # noqa: BLE001 - no rejects table: nothing was rejected
        rows = []
    seen: set[tuple[str, int]] = set()
    for path, line, column, _kind, message in rows:
        rep = reports.setdefault(path, FileReport(path, dataset))
        if (path, line) in seen:
            continue
        seen.add((path, line))
        rep.unreadable += 1
        if rep.first_problem is None:
            text = " ".join(str(message).split())[:200]
            rep.first_problem = Problem(path, int(line), column, text)
    return list(reports.values())


def detect(files: Sequence[Path]) -> str:
    """The one layout all files share; an error naming the first file in none or in another."""
    found = None
    for f in files:
        kind = layouts.detect_layout(f)
        if kind is None:
            raise DataError.at(
                f, 1, None, "not a GDELT 2.0 export (61 tab-separated fields), ICEWS or POLECAT file; give --dataset"
            )
        if found is not None and kind != found:
            raise DataError.at(f, 1, None, f"is a {kind} file, the files before it are {found}")
        found = kind
    assert found is not None
    return found


def read_events(paths: Iterable[str | os.PathLike[str]], dataset: str | None = None, *, con: Any = None) -> tuple[Any, Any, str]:
    """Directed events of event-data files as an Ibis table, with its connection and rejects tag.

    Call :func:`file_reports` after the table has been executed to learn
    which lines were not read.
    """
    files = checked_files(paths)
    kind = dataset or detect(files)
    if kind == "gdelt-mentions":
        raise DataError.at(files[0], 1, None, "a GDELT mentions file; read it with toolkit.eventdata.mentions")
    con = con or connect()
    raw, tag = read_raw(con, kind, files)
    return directed(raw, kind), con, tag
