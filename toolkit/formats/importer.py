"""Import another tool's annotations into an annotation set, atomically.

Every span read from the file is resolved to a document, checked against the
stored text (:func:`toolkit.formats.common.check_span`), coded through the
label map, built with :func:`toolkit.records.annotation.make_annotation` (origin
``imported``) and validated against the codebook, documents and summits.
Only when **every** record passes is anything written, as one batch through
:meth:`toolkit.store.Store.append_many` (all or nothing, also under a crash,
Ctrl-C or a full disk); with ``skip_invalid`` the valid records are written
and each skipped one is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from toolkit.errors import DataError, Problem, ValidationError
from toolkit.formats.annotators import apply_annotator_map, parse_annotator_map
from toolkit.formats.common import ANNOTATION_ID, Candidate, candidate_type_problems, check_span, normalise_fragment
from toolkit.formats.labelmap import LabelMap, load_label_map
from toolkit.ids import check_id
from toolkit.records.annotation import FIELDS, check_annotator, make_annotation, now_iso
from toolkit.records.record import CODES

if TYPE_CHECKING:  # pragma: no cover - types only
    from toolkit.store.core import Store

__all__ = ["ImportFormat", "IMPORT_FORMATS", "ImportReport", "import_file", "read_candidates"]

ImportFormat = Literal["doccano", "labelstudio", "w3c", "csv", "parquet"]
IMPORT_FORMATS: tuple[str, ...] = get_args(ImportFormat)
_COMPARE = tuple(k for k in FIELDS if k not in ("created", "origin"))


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do).

    Attributes
    ----------
    file, format, set_name : str
    written : list of dict
        Records written (new, or changed from what the set held).
    unchanged : int
        Records already in the set exactly as imported (not written again).
    skipped : list of Problem
        Problems of records left out (only with ``skip_invalid``).
    repaired : list of str
        Spans whose offsets were repaired by an exact match, and how.
    notices : list of str
        Things not imported on purpose (predictions, relations, brief rows...).
    dry_run : bool
    from_defaults : dict of str to int
        Per code field, how many imported records took its value from the
        label map's ``defaults:`` rather than from the file.
    """

    file: str
    format: str
    set_name: str
    written: list[dict] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    dry_run: bool = False
    from_defaults: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: counts of written, unchanged, repaired and skipped records."""
        verb = "would import" if self.dry_run else "imported"
        line = (
            f"{self.file}: {verb} {len(self.written)} annotation{'s' * (len(self.written) != 1)} into set "
            f"'{self.set_name}' ({self.unchanged} unchanged, {len(self.repaired)} offsets repaired, "
            f"{len(self.skipped)} problem{'s' * (len(self.skipped) != 1)} skipped)"
        )
        if self.from_defaults:
            used = ", ".join(f"{k} in {n}" for k, n in sorted(self.from_defaults.items()))
            line += f"; values taken from the label map's defaults: {used}"
        return line


def read_candidates(
    fmt: ImportFormat, path: str | Path, *, defaults: tuple[str, ...] = ()
) -> tuple[list[Candidate], list[Problem], list[str]]:
    """Parse ``path`` in format ``fmt`` into candidates (no checks against the data yet).

    ``defaults`` names code fields the label map fills in (tables need no column for them).
    """
    from toolkit.formats import csv as csv_
    from toolkit.formats import doccano, labelstudio, parquet, w3c

    readers = {
        "doccano": doccano.read,
        "labelstudio": labelstudio.read,
        "w3c": w3c.read,
        "csv": csv_.read,
        "parquet": parquet.read,
    }
    if fmt not in readers:
        raise DataError.at(path, None, None, f"unknown format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}")
    if not Path(path).is_file():
        raise DataError.at(path, None, None, "file not found")
    if fmt == "csv":
        return csv_.read(path, defaults=defaults)
    if fmt == "parquet":
        return parquet.read(path, defaults=defaults)
    return readers[fmt](path)


def _match_document(text: str, documents: Mapping[str, Any]) -> str | None:
    norm = normalise_fragment(text)
    hits = [d.id for d in documents.values() if d.text == norm]
    return hits[0] if len(hits) == 1 else None


def _build(
    c: Candidate,
    *,
    store: Store,
    lmap: LabelMap,
    document: str | None,
    annotator: str | None,
    repaired: list[str],
    notices: list[str],
    from_defaults: dict[str, int] | None = None,
) -> tuple[dict | None, list[Problem]]:
    probs: list[Problem] = []
    documents: Mapping[str, Any] = store.documents or {}

    def P(name: str | None, msg: str) -> None:
        probs.append(Problem(c.file, c.line, c.at(name), msg))

    where = f"{c.file}" + (f", line {c.line}" if c.line is not None else "") + (f", {c.where}" if c.where else "")
    if typed := candidate_type_problems(c):
        return None, typed
    doc_id = document or c.document
    if doc_id is None and c.text is not None:
        doc_id = _match_document(c.text, documents)
    if doc_id is None:
        P(
            "document_id",
            "no document named and the text matches no stored document; pass --document ID "
            "(add the article first with summit-ledger add-article)",
        )
        return None, probs
    doc = documents.get(doc_id)
    if doc is None:
        P("document_id", f"{doc_id!r} is not a stored document; known: {', '.join(sorted(documents))}")
        return None, probs
    codes, ignored, label_probs = lmap.resolve(c.labels, file=c.file, line=c.line, where=c.where)
    if ignored:
        notices.append(f"{where}: every label is marked ignore in the label map; span skipped")
        return None, []
    probs.extend(label_probs)
    merged: dict[str, Any] = dict(lmap.defaults)
    merged.update(c.codes)
    for k, v in codes.items():
        if k in c.codes and c.codes[k] != v:
            P(k, f"column says {c.codes[k]!r} but the labels say {v!r}; keep one")
        merged[k] = v
    merged.setdefault("summit_id", doc.summit_id)
    for k in CODES:
        if k not in merged and not label_probs:  # with unknown labels, the missing fields are only noise
            P(k, f"missing: no column or label gives the {k}; add a label for it, or set it under 'defaults:' in the label map")
    if isinstance(merged.get("intensity"), str) and merged["intensity"] in ("1", "2", "3"):
        merged["intensity"] = int(merged["intensity"])
    who = annotator or c.annotator
    if not who:
        P("annotator", "the file names no annotator; pass --annotator NAME")
    quote = normalise_fragment(c.quote)
    if c.status == "orphaned":
        start, end = c.start, c.end
        if not (isinstance(start, int) and isinstance(end, int)):
            P("start", "an orphaned row still needs its old integer offsets")
    else:
        chk = check_span(doc.text, c.start, c.end, quote, normalise_fragment(c.prefix), normalise_fragment(c.suffix))
        if not chk.ok:
            P("start", chk.message)
        elif chk.repair != "exact":
            repaired.append(f"{where}: {chk.message}")
        start, end = chk.start, chk.end
    if probs:
        return None, probs
    assert who  # a missing annotator is a problem above
    if from_defaults is not None:
        for k in lmap.defaults:
            if k not in c.codes and k not in codes:
                from_defaults[k] = from_defaults.get(k, 0) + 1
    rec_id = c.id if isinstance(c.id, str) and ANNOTATION_ID.match(c.id) else None
    created = c.created if isinstance(c.created, str) and c.created else now_iso()
    rec = make_annotation(
        doc,
        start,
        end,
        issue=merged["issue"],
        stance=merged["stance"],
        actor=merged["actor"],
        target=merged["target"],
        intensity=merged["intensity"],
        annotator=who,
        summit_id=merged["summit_id"],
        note=c.note or "",
        origin="imported",
        created=created,
        id=rec_id,
    )
    rec.update(c.extra)  # codebook-2.0 fields, validated with the rest below
    if c.status == "orphaned":
        rec.update(
            quote=quote or "",
            prefix=normalise_fragment(c.prefix) or "",
            suffix=normalise_fragment(c.suffix) or "",
            status="orphaned",
        )
    elif c.status != "anchored":
        rec["status"] = c.status  # validate_record names the bad value
    try:
        store.upsert_op(rec)  # the store's own check: its project's codebook, documents and summits
    except ValidationError as exc:
        return None, [Problem(c.file, c.line, c.at(p.field), p.message) for p in exc.problems]
    return rec, []


def import_file(
    fmt: ImportFormat,
    path: str | Path,
    *,
    set_name: str,
    data: str | Path | None = None,
    document: str | None = None,
    label_map: str | Path | LabelMap | None = None,
    annotator: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    annotator_map: list[str] | dict | None = None,
) -> ImportReport:
    """Import a file of annotations made in another tool.

    Parameters
    ----------
    fmt : {"doccano", "labelstudio", "w3c", "csv", "parquet"}
    path : str or Path
        The file to import.
    set_name : str
        Annotation set to import into (``data/annotations/<set_name>/``).
    data : str or Path, optional
        The data folder.
    document : str, optional
        The document every span belongs to, when the file does not say.
    label_map : str, Path or LabelMap, optional
        How foreign labels map to codes; native tags need none.
    annotator : str, optional
        Overrides the annotator the file names.
    annotator_map : list of str or dict, optional
        ``SOURCE=NAME`` items (or YAML files of them, or a dict): the
        annotator name for each identity the file records (e-mail, user id).
        Without it, two identities that give the same name are refused.
    skip_invalid : bool
        Write the valid records and report the rest, instead of writing nothing.
    dry_run : bool
        Check everything, write nothing.

    Returns
    -------
    ImportReport

    Raises
    ------
    DataError
        When any record is invalid and ``skip_invalid`` is False; every
        problem names the file, the line or record path, and the field.
        Nothing has been written then.
    """
    from toolkit.corpus.folder import as_folder

    project = as_folder(data)
    root = project.root
    where = str(path)
    check_id("set", set_name, file=where, field="set")
    codebook, summits, documents = project.codebook, project.summits, project.documents
    from toolkit.store.open import store_at

    store = store_at(project, root / "annotations" / set_name)  # the set name was checked above
    if document is not None and document not in documents:
        raise DataError.at(
            where, None, "document", f"{document!r} is not a stored document; known: {', '.join(sorted(documents))}"
        )
    if isinstance(label_map, LabelMap):
        lmap = label_map
    elif label_map is not None:
        lmap = load_label_map(label_map, codebook, summits)
    else:
        lmap = LabelMap()
    amap = parse_annotator_map(annotator_map)
    candidates, problems, notices = read_candidates(fmt, path, defaults=tuple(lmap.defaults))
    if annotator is None and (clashes := apply_annotator_map(candidates, amap, where)):
        raise DataError(clashes)
    if annotator is not None and (msg := check_annotator(annotator)):
        first = candidates[0].line if candidates else None
        raise DataError([Problem(where, first, "annotator", f"{msg} (given with --annotator)")])
    report = ImportReport(where, fmt, set_name, notices=list(notices), dry_run=dry_run)
    records: dict[str, dict] = {}
    for c in candidates:
        rec, probs = _build(
            c,
            store=store,
            lmap=lmap,
            document=document,
            annotator=annotator,
            repaired=report.repaired,
            notices=report.notices,
            from_defaults=report.from_defaults,
        )
        if probs:
            problems.extend(probs)
            continue
        if rec is None:
            continue
        prev = records.get(rec["id"])
        if prev is not None:
            if all(prev.get(k) == rec.get(k) for k in _COMPARE):
                report.notices.append(
                    f"{c.file}{'' if c.line is None else f', line {c.line}'}"
                    f"{'' if not c.where else ', ' + c.where}: duplicate of annotation {rec['id']}; "
                    "imported once"
                )
                continue
            problems.append(
                Problem(c.file, c.line, c.at("id"), f"id {rec['id']} is given to two different records; ids must be unique")
            )
            continue
        records[rec["id"]] = rec
    if problems and not skip_invalid:
        n = f"{len(problems)} problem{'s' * (len(problems) != 1)}"
        if records:
            advice = (
                f"fix the records named above, or pass --skip-invalid to import the {len(records)} valid "
                f"one{'s' * (len(records) != 1)} and skip these"
            )
        else:
            advice = "fix the records named above (none of the file's records is valid)"
        raise DataError(problems + [Problem(where, None, None, f"nothing was imported ({n}); {advice}")])
    report.skipped = problems
    existing = {r["id"]: r for r in store.annotations()}
    for rec in records.values():
        old = existing.get(rec["id"])
        if old is not None and all(old.get(k) == rec.get(k) for k in _COMPARE):
            report.unchanged += 1
            continue
        report.written.append(rec)
    if not dry_run and report.written:
        # One all-or-nothing batch under the logs' locks: a crash, Ctrl-C or a full disk leaves
        # either every record or none (toolkit.store.batch). "Unchanged" is decided again under
        # the locks, so an edit saved since the check above is compared, not overwritten blindly.
        def same(rec: dict, live: dict | None) -> bool:
            return live is not None and all(live.get(k) == rec.get(k) for k in _COMPARE)

        ops = store.append_many(report.written, skip=same)
        if len(ops) != len(report.written):
            kept = {op["id"] for op in ops}
            report.unchanged += sum(r["id"] not in kept for r in report.written)
            report.written = [r for r in report.written if r["id"] in kept]
    return report
