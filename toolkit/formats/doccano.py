"""doccano sequence-labelling JSON Lines: one document a line.

Import understands both shapes doccano exports::

    {"id": 7, "text": "...", "label": [[0, 2, "ORG"], [11, 17, "MISC"]], "Comments": []}
    {"id": 7, "text": "...", "entities": [{"id": 1, "label": "ORG", "start_offset": 0, "end_offset": 2}],
     "relations": []}

Offsets are character offsets, end-exclusive; the quote of each span is taken
from the line's own ``text`` and then checked against the stored document.
Metadata keys sit at the top level (doccano flattens them); the importer reads
``document_id`` and ``annotator`` there when present, and otherwise the
annotator is the file name (doccano writes ``<username>.jsonl`` per member).

doccano's own download is a ``.zip``: one ``<username>.jsonl`` per member of
a project with individual annotation, or a single ``all.jsonl`` when
annotation is collaborative (the members' spans merged, so the annotator must
then be given with ``--annotator``). The zip is read directly.

Export writes the ``label`` shape (or ``entities`` with ``variant``), one line
per document and annotator, each span labelled with one compact label
(``grievance/cyber/US>Russia/1``, at most 100 characters as doccano requires), and a ``summit_ledger`` metadata list (aligned with the spans) keeping
each annotation's id, note and creation time, so a round trip is lossless.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from toolkit._io import atomic_write_text, loads_json
from toolkit.errors import DataError, Problem
from toolkit.formats.common import Candidate, clean_annotator, decode_utf8, read_utf8, read_v2, v2_fields
from toolkit.formats.labelmap import compact_label

#: Bounds on a doccano zip: members read, and bytes once unpacked (a zip bomb is refused).
ZIP_MEMBERS = 1000
ZIP_BYTES = 512 * 1024 * 1024

__all__ = ["read", "write"]


def read(path: str | Path) -> tuple[list[Candidate], list[Problem], list[str]]:
    """Read a doccano JSONL export.

    Returns
    -------
    candidates, problems, notices
        One candidate per span; problems name the file, line and field.
    """
    path = Path(path)
    if zipfile.is_zipfile(path):
        return _read_zip(path)
    return _read_text(read_utf8(path), str(path), path.stem)


def _read_zip(path: Path) -> tuple[list[Candidate], list[Problem], list[str]]:
    where = str(path)
    out: list[Candidate] = []
    problems: list[Problem] = []
    notices: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()]
            if len(members) > ZIP_MEMBERS or sum(i.file_size for i in members) > ZIP_BYTES:
                raise DataError.at(
                    path,
                    None,
                    None,
                    f"the zip holds more than {ZIP_MEMBERS} files or {ZIP_BYTES // 2**20} MiB unpacked; split it",
                )
            jsonl = sorted((i for i in members if i.filename.endswith(".jsonl")), key=lambda i: i.filename)
            if not jsonl:
                raise DataError.at(path, None, None, "the zip holds no .jsonl file; export from doccano as JSONL")
            for info in jsonl:
                name = Path(info.filename).name
                member = f"{where}!{info.filename}"
                stem = Path(name).stem
                if stem == "all":
                    notices.append(
                        f"{member}: a collaborative export (all members' spans merged); the annotator comes from --annotator"
                    )
                    stem = ""
                text = decode_utf8(zf.read(info), member)
                got, probs, notes = _read_text(text, member, stem)
                out += got
                problems += probs
                notices += notes
    except zipfile.BadZipFile as exc:
        raise DataError.at(path, None, None, f"not a readable zip file ({exc})") from None
    return out, problems, notices


def _read_text(text_all: str, where: str, file_annotator: str) -> tuple[list[Candidate], list[Problem], list[str]]:
    out: list[Candidate] = []
    problems: list[Problem] = []
    notices: list[str] = []
    for n, line in enumerate(text_all.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = loads_json(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(where, n, None, f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(where, n, None, "expected one JSON object per line"))
            continue
        text = obj.get("text")
        if not isinstance(text, str):
            problems.append(Problem(where, n, "text", "missing; each doccano line carries the document text"))
            continue
        bad_who = next(
            (
                k
                for k in ("annotator", "user")
                if obj.get(k) is not None and (isinstance(obj[k], bool) or not isinstance(obj[k], (str, int)))
            ),
            None,
        )
        if bad_who:
            problems.append(Problem(where, n, bad_who, f"expected a name or user id, got {type(obj[bad_who]).__name__}"))
            continue
        raw_who = next((obj[k] for k in ("annotator", "user") if clean_annotator(obj.get(k))), file_annotator)
        annotator = clean_annotator(raw_who)
        source = None if raw_who is None else str(raw_who)
        document = obj.get("document_id") if isinstance(obj.get("document_id"), str) else None
        raw_extra = obj.get("summit_ledger")
        extra: list[Any] = raw_extra if isinstance(raw_extra, list) else []
        spans: list[tuple[int, str, object, object, object]] = []  # index in the line's list, so metadata stays aligned
        if "entities" in obj:
            ents = obj["entities"]
            if not isinstance(ents, list):
                problems.append(Problem(where, n, "entities", "must be a list"))
                continue
            for i, ent in enumerate(ents):
                if not isinstance(ent, dict):
                    problems.append(Problem(where, n, f"entities[{i}]", "must be an object"))
                    continue
                missing = [k for k in ("start_offset", "end_offset", "label") if k not in ent]
                if missing:
                    problems.append(Problem(where, n, f"entities[{i}]", f"missing {', '.join(missing)}"))
                    continue
                spans.append((i, f"entities[{i}]", ent["start_offset"], ent["end_offset"], ent["label"]))
            relations = obj.get("relations")
            if relations is not None and not isinstance(relations, list):
                problems.append(Problem(where, n, "relations", f"must be a list, got {type(relations).__name__}"))
                continue
            if relations:
                notices.append(f"{where}, line {n}: {len(obj['relations'])} relation(s) ignored (relations are not coded)")
        elif "label" in obj:
            labels = obj["label"]
            if not isinstance(labels, list):
                problems.append(Problem(where, n, "label", "must be a list of [start, end, label]"))
                continue
            for i, item in enumerate(labels):
                if not isinstance(item, list) or len(item) != 3:
                    problems.append(Problem(where, n, f"label[{i}]", f'expected [start, end, "LABEL"], got {item!r}'[:200]))
                    continue
                spans.append((i, f"label[{i}]", item[0], item[1], item[2]))
        else:
            problems.append(Problem(where, n, "label", "missing; expected 'label' (span list) or 'entities'"))
            continue
        for i, at, start, end, label in spans:
            meta = extra[i] if i < len(extra) and isinstance(extra[i], dict) else {}
            quote = None
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
                quote = text[start:end]
            out.append(
                Candidate(
                    file=where,
                    line=n,
                    where=at,
                    start=start,
                    end=end,
                    quote=quote,
                    text=text,
                    document=document,
                    labels=[label],  # as read: a label that is not text is refused with the others
                    annotator=annotator,
                    annotator_source=source,
                    id=meta.get("id"),
                    note=str(meta.get("note") or ""),
                    created=meta.get("created"),
                    extra=read_v2(meta),
                )
            )
            if quote is None:
                problems.append(
                    Problem(
                        where,
                        n,
                        f"{at}",
                        f"offsets [{start!r}:{end!r}] are out of range for the line's text ({len(text)} characters)",
                    )
                )
                out.pop()
    return out, problems, notices


def write(
    records: list[dict], documents: Mapping[str, Any], path: str | Path, *, variant: Literal["label", "entities"] = "label"
) -> int:
    """Write records as doccano JSONL, one line per (document, annotator).

    Parameters
    ----------
    records : list of dict
        Anchored annotation records.
    documents : dict of str to Document
    path : str or Path
    variant : {"label", "entities"}

    Returns
    -------
    int
        Number of spans written.
    """
    groups: dict[tuple[str, str], list[dict]] = {}
    for rec in records:
        groups.setdefault((rec["document_id"], rec["annotator"]), []).append(rec)
    lines = []
    count = 0
    for n, ((doc_id, annotator), recs) in enumerate(sorted(groups.items()), start=1):
        doc = documents[doc_id]
        recs = sorted(recs, key=lambda r: (r["start"], r["end"], r["id"]))
        obj: dict = {"id": n, "text": doc.text}
        try:
            labels = [compact_label(r, doc.summit_id) for r in recs]
        except ValueError as exc:
            raise DataError.at(path, None, "label", str(exc)) from None
        if variant == "entities":
            obj["entities"] = [
                {"id": i + 1, "label": lab, "start_offset": r["start"], "end_offset": r["end"]}
                for i, (r, lab) in enumerate(zip(recs, labels))
            ]
            obj["relations"] = []
        else:
            obj["label"] = [[r["start"], r["end"], lab] for r, lab in zip(recs, labels)]
        obj["Comments"] = []
        obj["document_id"] = doc_id
        obj["annotator"] = annotator
        obj["summit_ledger"] = [
            {"id": r["id"], "note": r.get("note", ""), "created": r.get("created"), **v2_fields(r)} for r in recs
        ]
        lines.append(json.dumps(obj, ensure_ascii=False))
        count += len(recs)
    atomic_write_text(path, "".join(line + "\n" for line in lines))
    return count
