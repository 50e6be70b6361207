"""Export annotation sets to other tools' formats.

The span formats (doccano, Label Studio, W3C, CSV) are written from the live
records of the chosen sets. Orphaned annotations (waiting for review after a
text change) are left out of the foreign formats, whose spans must select
real text, and kept in the CSV with their ``status``. The ledger exports
(Parquet and the flat ledger CSV) are written from a ledger DataFrame by
:func:`export_ledger`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from toolkit.errors import DataError, Problem
from toolkit.ids import check_id
from toolkit.store.open import store_at

if TYPE_CHECKING:
    from toolkit.corpus.folder import ProjectFolder

__all__ = [
    "ExportFormat",
    "EXPORT_FORMATS",
    "SPAN_FORMATS",
    "LEDGER_FORMATS",
    "ExportReport",
    "export_annotations",
    "export_ledger",
    "collect_records",
]

ExportFormat = Literal["doccano", "labelstudio", "w3c", "csv", "parquet", "ledger-csv"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)
SPAN_FORMATS: tuple[str, ...] = ("doccano", "labelstudio", "w3c", "csv")
LEDGER_FORMATS: tuple[str, ...] = ("parquet", "ledger-csv")


@dataclass
class ExportReport:
    """What an export wrote.

    Attributes
    ----------
    path : str
    format : str
    count : int
        Spans (or ledger rows) written.
    left_out : int
        Orphaned annotations not written (foreign formats only).
    problems : list of Problem
        Bad lines met in the stores (they are not exported; fix them).
    """

    path: str
    format: str
    count: int
    left_out: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command line."""
        s = f"wrote {self.count} {'rows' if self.format in LEDGER_FORMATS else 'annotations'} to {self.path} ({self.format})"
        if self.left_out:
            s += f"; {self.left_out} orphaned annotation{'s' * (self.left_out != 1)} left out (re-anchor or review them)"
        if self.problems:
            s += f"; {len(self.problems)} bad store line{'s' * (len(self.problems) != 1)} not exported"
        return s


def collect_records(
    project: ProjectFolder, sets: list[str] | None, *, document_ids: list[str] | None = None
) -> tuple[list[dict], list[Problem]]:
    """Live records of the chosen sets (each with a ``set`` key), and the stores' problems."""
    ann_root = project.root / "annotations"
    names = sorted(p.name for p in ann_root.iterdir() if p.is_dir()) if sets is None and ann_root.is_dir() else list(sets or [])
    records: list[dict] = []
    problems: list[Problem] = []
    for name in names:
        if sets is not None:  # a name the user gave: check it before it becomes a path
            check_id("set", name, file=ann_root, field="set")
        if not (ann_root / name).is_dir():
            raise DataError.at(ann_root / name, None, "set", f"no annotation set {name!r}")
        store = store_at(project, ann_root / name)
        problems.extend(store.problems())
        for rec in store.annotations():
            if document_ids is None or rec["document_id"] in document_ids:
                records.append({**rec, "set": name})
    return records, problems


def export_annotations(
    fmt: ExportFormat,
    out: str | Path,
    *,
    data: str | Path | None = None,
    sets: list[str] | None = None,
    document_ids: list[str] | None = None,
    variant: Literal["label", "entities"] = "label",
    raw: bool = False,
    email_domain: str | None = None,
    strict: bool = False,
) -> ExportReport:
    """Write the annotations of ``sets`` to ``out`` in a span format.

    Parameters
    ----------
    fmt : {"doccano", "labelstudio", "w3c", "csv"}
    out : str or Path
    data : str or Path, optional
        The data folder.
    sets : list of str, optional
        Annotation sets to export (default: all).
    document_ids : list of str, optional
        Only these documents.
    variant : {"label", "entities"}
        doccano only: the span shape.
    raw : bool
        CSV only: write text cells unchanged (no formula neutralising).
    email_domain : str, optional
        Label Studio only: write ``completed_by`` as ``<annotator>@<email_domain>``
        (by default it is left out, which a stock Label Studio accepts).
    strict : bool
        Raise DataError (writing nothing) when any store line or log file is left out.

    Returns
    -------
    ExportReport
    """
    from toolkit.corpus.folder import as_folder
    from toolkit.formats import csv as csv_
    from toolkit.formats import doccano, labelstudio, w3c

    if fmt not in SPAN_FORMATS:
        raise DataError.at(
            out,
            None,
            "format",
            f"{fmt!r} is not a span format; use one of {', '.join(SPAN_FORMATS)} (ledger formats go through export_ledger)",
        )
    project = as_folder(data)
    documents = project.documents
    records, problems = collect_records(project, sets, document_ids=document_ids)
    if strict and problems:
        raise DataError(problems)
    left_out = 0
    if fmt != "csv":
        anchored = [r for r in records if r["status"] == "anchored"]
        left_out = len(records) - len(anchored)
        records = anchored
    if fmt == "doccano":
        n = doccano.write(records, documents, out, variant=variant)
    elif fmt == "labelstudio":
        n = labelstudio.write(records, documents, out, email_domain=email_domain)
    elif fmt == "w3c":
        n = w3c.write(records, documents, out)
    else:
        n = csv_.write(records, out, raw=raw)
    return ExportReport(str(out), fmt, n, left_out, problems)


def export_ledger(fmt: Literal["parquet", "ledger-csv"], ledger, out: str | Path, *, raw: bool = False) -> ExportReport:
    """Write a ledger DataFrame (see :func:`toolkit.ledger.load_ledger`) as Parquet or flat CSV.

    ``raw`` (ledger CSV only) writes text cells without formula neutralising.
    """
    from toolkit.formats import csv as csv_
    from toolkit.formats import parquet

    if fmt == "parquet":
        n = parquet.write(ledger, out)
    elif fmt == "ledger-csv":
        n = csv_.write_ledger(ledger, out, raw=raw)
    else:
        raise DataError.at(out, None, "format", f"{fmt!r} is not a ledger format; use parquet or ledger-csv")
    return ExportReport(str(out), fmt, n)
