"""Re-anchoring: find every annotation of a document again after its text changed.

Each annotation is placed by :func:`toolkit.corpus.passages.anchor` (position, exact
quote, approximate match, or orphaned for review; the scoring is described
there). :func:`reanchor_document` applies it to every annotation set: it appends an
upsert for each annotation whose selectors or status changed (the old
positions stay in the log's history), and only then records the text's new
sha256 in the document's metadata, atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from toolkit._io import atomic_write_text, read_yaml
from toolkit.corpus.passages import MARGIN, MIN_SCORE, SIDE_MIN, WEIGHTS, Anchoring, Method, anchor, anchor_records
from toolkit.errors import DataError, Problem, StoreError, ValidationError
from toolkit.ids import check_id
from toolkit.records.annotation import selectors, validate_record

__all__ = [
    "MIN_SCORE",
    "MARGIN",
    "SIDE_MIN",
    "WEIGHTS",
    "Method",
    "Anchoring",
    "ReanchorReport",
    "anchor",
    "anchor_records",
    "reanchor_document",
]


@dataclass
class ReanchorReport:
    """What :func:`reanchor_document` found and did.

    Attributes
    ----------
    document_id : str
    old_sha256, new_sha256 : str
        Recorded hash before, and hash of the text now.
    results : list of (str, str, Anchoring)
        ``(set, annotator, anchoring)`` for every annotation of the document.
    written : int
        Upserts appended (annotations whose selectors or status changed).
    problems : list of Problem
        Bad store lines met (they are not re-anchored; fix them).
    dry_run : bool
    """

    document_id: str
    old_sha256: str
    new_sha256: str
    results: list[tuple[str, str, Anchoring]] = field(default_factory=list)
    written: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def orphaned(self) -> list[tuple[str, str, Anchoring]]:
        """The annotations left for review."""
        return [r for r in self.results if r[2].status == "orphaned"]

    def counts(self) -> dict[str, int]:
        """Number of annotations per method, in a fixed order."""
        out = {m: 0 for m in ("position", "quote", "fuzzy", "orphaned")}
        for _, _, a in self.results:
            out[a.method] += 1
        return out

    def frame(self):
        """The results as a DataFrame.

        Returns
        -------
        pandas.DataFrame
            Columns ``set, annotator, id, status, method, score, runner_up,
            old_start, old_end, start, end, old_quote, quote, reason``; one
            row per annotation.
        """
        import pandas as pd

        cols = [
            "set",
            "annotator",
            "id",
            "status",
            "method",
            "score",
            "runner_up",
            "old_start",
            "old_end",
            "start",
            "end",
            "old_quote",
            "quote",
            "reason",
        ]
        rows = [{"set": s, "annotator": who, **{k: getattr(a, k) for k in cols[2:]}} for s, who, a in self.results]
        return pd.DataFrame(rows, columns=cols)

    def summary(self) -> str:
        """One line: whether the text changed, counts per method, and how many updates were written."""
        c = self.counts()
        changed = (
            "text unchanged"
            if self.old_sha256 == self.new_sha256
            else f"text changed (sha256 {self.old_sha256[:12]}… -> {self.new_sha256[:12]}…)"
        )
        verb = "would write" if self.dry_run else "wrote"
        return (
            f"{self.document_id}: {changed}; {len(self.results)} annotations: {c['position']} in place, "
            f"{c['quote']} moved, {c['fuzzy']} approximate, {c['orphaned']} orphaned; {verb} {self.written} "
            f"update{'s' * (self.written != 1)}"
        )


_SHA_LINE = re.compile(r"^sha256:.*$", re.MULTILINE)


def _reanchor_log(
    state, doc, set_name: str, name: str, report: ReanchorReport, *, min_score: float, margin: float, dry_run: bool
) -> list[dict]:
    """The upserts that move one log's annotations of ``doc`` onto its current text (called under the lock)."""
    report.problems.extend(state.problems)
    changes = []
    for rec in state.annotations.values():
        if rec["document_id"] != doc.id:
            continue
        a = anchor(rec, doc.text, min_score=min_score, margin=margin)
        report.results.append((set_name, name, a))
        new = dict(rec)
        if a.status == "anchored":
            new.update(selectors(doc.text, a.start, a.end), status="anchored")
        else:
            new["status"] = "orphaned"
        if any(new.get(k) != rec.get(k) for k in ("start", "end", "quote", "prefix", "suffix", "status")):
            probs = validate_record(new, file=f"annotations/{set_name}/{name}.jsonl", documents={doc.id: doc})
            if probs:
                raise ValidationError(probs)
            changes.append(new)
    if dry_run:
        report.written += len(changes)
        return []
    return changes


def reanchor_document(
    document_id: str,
    *,
    data: str | Path | None = None,
    min_score: float = MIN_SCORE,
    margin: float = MARGIN,
    dry_run: bool = False,
) -> ReanchorReport:
    """Re-anchor every annotation of a document to its current text.

    Parameters
    ----------
    document_id : str
    data : str or Path, optional
        The data folder.
    min_score, margin : float
        See :func:`anchor`.
    dry_run : bool
        Compute and report, write nothing.

    Returns
    -------
    ReanchorReport

    Raises
    ------
    DataError
        Unknown document or unreadable metadata.
    StoreError
        A lock cannot be taken or a log cannot be written. Annotations
        written before the failure are correct for the new text; run the
        command again to finish (the hash is recorded only at the end).
    """
    from filelock import FileLock, Timeout

    from toolkit.corpus.documents import load_document
    from toolkit.corpus.folder import as_folder
    from toolkit.paths import data_dir
    from toolkit.store.core import Store

    root = data_dir(data)
    check_id("document", document_id, file=root / "documents", field="document_id")
    meta_path = root / "documents" / f"{document_id}.yaml"
    if not meta_path.exists():
        raise DataError.at(meta_path, None, "id", f"no document {document_id!r} (no {meta_path.name})")
    project = as_folder(root)  # the document itself is read below without the hash check: its text changed
    codebook, summits = project.codebook, project.summits
    try:
        with FileLock(str(meta_path) + ".lock", timeout=30):
            meta = read_yaml(meta_path)
            doc = load_document(meta_path, summits, check_hash=False)
            report = ReanchorReport(document_id, str(meta.get("sha256")), doc.sha256, dry_run=dry_run)
            ann_root = root / "annotations"
            set_dirs = sorted(p for p in ann_root.iterdir() if p.is_dir()) if ann_root.is_dir() else []
            for set_dir in set_dirs:
                store = Store(set_dir, codebook=codebook, summits=summits)
                for name in store.annotators():
                    # Read, decide and write under the log's lock, so an edit saved meanwhile is never reverted.
                    decide = partial(
                        _reanchor_log,
                        doc=doc,
                        set_name=set_dir.name,
                        name=name,
                        report=report,
                        min_score=min_score,
                        margin=margin,
                        dry_run=dry_run,
                    )
                    changes = store.transact(name, decide)
                    report.written += len(changes) if not dry_run else 0
            if not dry_run and report.old_sha256 != report.new_sha256:
                old = meta_path.read_text(encoding="utf-8")
                if not _SHA_LINE.search(old):
                    raise DataError.at(meta_path, None, "sha256", "no 'sha256:' line to update")
                atomic_write_text(meta_path, _SHA_LINE.sub(f"sha256: {doc.sha256}", old, count=1))
    except Timeout:
        raise StoreError(f"{meta_path}: another process is re-anchoring this document; try again") from None
    return report
