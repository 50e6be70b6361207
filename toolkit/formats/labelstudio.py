"""Label Studio JSON export: a list of tasks with annotations.

::

    [{"id": 1, "data": {"text": "..."},
      "annotations": [{"id": 1001, "completed_by": 10, "was_cancelled": false,
        "result": [{"id": "beFiQTT1cU", "from_name": "label", "to_name": "text", "type": "labels",
          "origin": "manual",
          "value": {"start": 343, "end": 354, "text": "February 22", "labels": ["Date"]}}]}],
      "predictions": [...]}]

* ``completed_by`` is an int (the user id; the annotator becomes
  ``ls-user-<id>``) or an object whose ``email`` gives the annotator name.
* Results of other types (choices, relations, text areas), cancelled
  annotations and model predictions are not coded; each is reported.
* ``value.text`` is the quote; it is checked against the stored text, which
  catches Label Studio's UTF-16 offsets on emoji.
* A region note (``meta.text``) becomes the annotation's note.
* A result whose ``origin`` is ``prediction`` (a model's suggestion the
  annotator submitted unchanged) is imported as the annotator's, with a notice.

The ``JSON_MIN`` export (one flat object per annotation: the task's data
fields, ``annotator`` as a user id, and each control's regions under its
``from_name``) is read too. Label Studio's CSV export is not: it packs the
regions as JSON inside a CSV cell, and the importer says so and asks for JSON.

Export writes one task per document (``data.document_id`` names it) and one
annotation per annotator, labels as native tags, each result's ``id`` being
the annotation id. ``completed_by`` is left out by default, because a stock
Label Studio refuses an import that names a user it does not know ("Unknown
annotator's email") and files an annotation without it under the importing
user; the annotator's name travels in ``summit_ledger.annotator`` instead.
With ``email_domain`` it is written as ``<annotator>@<domain>``, for a Label
Studio whose users have those addresses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text
from toolkit.errors import Problem
from toolkit.formats.common import Candidate, clean_annotator, read_json, read_v2, v2_fields
from toolkit.formats.labelmap import native_tags

__all__ = ["read", "write"]

_CSV_HEADER = ("annotation_id", "annotator", "created_at", "lead_time", "updated_at")


def _annotator(completed_by) -> str | None:
    if isinstance(completed_by, dict):
        return (
            clean_annotator(completed_by.get("email"))
            or clean_annotator(completed_by.get("username"))
            or (f"ls-user-{completed_by['id']}" if isinstance(completed_by.get("id"), int) else None)
        )
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return f"ls-user-{completed_by}"
    return None


def _annotator_source(completed_by) -> str | None:
    """The identity Label Studio records for an annotator, as text (e-mail, else user name, else id)."""
    if isinstance(completed_by, dict):
        for key in ("email", "username", "id"):
            if completed_by.get(key) not in (None, ""):
                return str(completed_by[key])
        return None
    return None if completed_by is None else str(completed_by)


def read(path: str | Path) -> tuple[list[Candidate], list[Problem], list[str]]:
    """Read a Label Studio JSON export (a task list, or one task)."""
    path = Path(path)
    where = str(path)
    problems: list[Problem] = []
    notices: list[str] = []
    out: list[Candidate] = []
    tasks, bad = read_json(path)
    if bad:
        if _looks_like_csv(path):
            return (
                [],
                [
                    Problem(
                        where,
                        1,
                        None,
                        "this is Label Studio's CSV export, which is not read: it keeps the "
                        "regions as JSON inside a cell and drops their ids; export the "
                        "project as JSON (or JSON_MIN) in Label Studio and import that",
                    )
                ],
                [],
            )
        return [], bad, []
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        return [], [Problem(where, None, None, "expected a list of tasks")], []
    if tasks and all(_is_min(t) for t in tasks):
        return _read_min(tasks, where)
    for t, task in enumerate(tasks):
        tw = f"[{t}]"
        if not isinstance(task, dict):
            problems.append(Problem(where, None, tw, "each task must be an object"))
            continue
        data = task.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            problems.append(Problem(where, None, f"{tw}.data.text", "missing; each task needs data.text"))
            continue
        text = data["text"]
        document = data.get("document_id") if isinstance(data.get("document_id"), str) else None
        if task.get("predictions"):
            notices.append(f"{where}, {tw}: {len(task['predictions'])} prediction(s) ignored (only annotations are imported)")
        anns = task.get("annotations", [])
        if not isinstance(anns, list):
            problems.append(Problem(where, None, f"{tw}.annotations", "must be a list"))
            continue
        for a, ann in enumerate(anns):
            aw = f"{tw}.annotations[{a}]"
            if not isinstance(ann, dict):
                problems.append(Problem(where, None, aw, "must be an object"))
                continue
            if ann.get("was_cancelled"):
                notices.append(f"{where}, {aw}: cancelled annotation skipped")
                continue
            who = ann.get("completed_by")
            if who is not None and (isinstance(who, bool) or not isinstance(who, (dict, int))):
                problems.append(
                    Problem(where, None, f"{aw}.completed_by", f"expected a user object or a user id, got {type(who).__name__}")
                )
                continue
            annotator = _annotator(who)
            source = _annotator_source(who)
            own = ann.get("summit_ledger")
            if isinstance(own, dict) and isinstance(own.get("annotator"), str):
                annotator = clean_annotator(own["annotator"]) or annotator
                source = own["annotator"]
            results = ann.get("result", [])
            if not isinstance(results, list):
                problems.append(Problem(where, None, f"{aw}.result", "must be a list"))
                continue
            for r, res in enumerate(results):
                rw = f"{aw}.result[{r}]"
                if not isinstance(res, dict):
                    problems.append(Problem(where, None, rw, "must be an object"))
                    continue
                if res.get("type") != "labels":
                    notices.append(f"{where}, {rw}: result of type {res.get('type')!r} skipped (only span labels are coded)")
                    continue
                value = res.get("value")
                if not isinstance(value, dict):
                    problems.append(Problem(where, None, f"{rw}.value", "missing"))
                    continue
                missing = [k for k in ("start", "end", "labels") if k not in value]
                if missing:
                    problems.append(Problem(where, None, f"{rw}.value", f"missing {', '.join(missing)}"))
                    continue
                labels = value["labels"]
                if not isinstance(labels, list):
                    problems.append(Problem(where, None, f"{rw}.value.labels", "must be a list of label names"))
                    continue
                quote = value.get("text")
                if not isinstance(quote, str):
                    s, e = value["start"], value["end"]
                    quote = text[s:e] if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text) else None
                if res.get("origin") == "prediction":
                    notices.append(
                        f"{where}, {rw}: a model prediction the annotator accepted unchanged "
                        "(origin 'prediction'); imported as the annotator's"
                    )
                raw_meta = res.get("meta")
                meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
                note_parts = meta.get("text") or []
                note = "\n".join(map(str, note_parts)) if isinstance(note_parts, list) else str(note_parts)
                out.append(
                    Candidate(
                        file=where,
                        line=None,
                        where=rw,
                        start=value["start"],
                        end=value["end"],
                        quote=quote,
                        text=text,
                        document=document,
                        labels=list(labels),
                        annotator=annotator,
                        annotator_source=source,
                        id=res.get("id") if isinstance(res.get("id"), str) else None,
                        note=note,
                        created=ann.get("created_at") if isinstance(ann.get("created_at"), str) else None,
                        extra=read_v2(meta.get("summit_ledger")),
                    )
                )
    return out, problems, notices


def _looks_like_csv(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(300).decode("utf-8", "replace").lstrip("\ufeff")
    first = head.split("\n", 1)[0]
    return path.suffix.lower() == ".csv" or sum(f'"{k}"' in first or f"{k}," in first for k in _CSV_HEADER) >= 2


def _is_min(task: object) -> bool:
    """A JSON_MIN item: flat data fields plus ``annotation_id``, with no ``data``/``annotations``."""
    return isinstance(task, dict) and "annotation_id" in task and "data" not in task and "annotations" not in task


def _read_min(items: list, where: str) -> tuple[list[Candidate], list[Problem], list[str]]:
    out: list[Candidate] = []
    problems: list[Problem] = []
    notices: list[str] = []
    for t, item in enumerate(items):
        tw = f"[{t}]"
        text = item.get("text")
        if not isinstance(text, str):
            problems.append(
                Problem(where, None, f"{tw}.text", "missing; JSON_MIN items carry the task's text under the data key 'text'")
            )
            continue
        document = item.get("document_id") if isinstance(item.get("document_id"), str) else None
        annotator = _annotator(item.get("annotator"))
        for key, regions in item.items():
            if not (isinstance(regions, list) and regions and all(isinstance(r, dict) for r in regions)):
                continue
            if not all("labels" in r for r in regions):
                notices.append(f"{where}, {tw}.{key}: regions without span labels skipped")
                continue
            for r, value in enumerate(regions):
                rw = f"{tw}.{key}[{r}]"
                missing = [k for k in ("start", "end") if k not in value]
                if missing:
                    problems.append(Problem(where, None, rw, f"missing {', '.join(missing)}"))
                    continue
                if not isinstance(value["labels"], list):
                    problems.append(Problem(where, None, f"{rw}.labels", "must be a list of label names"))
                    continue
                quote = value.get("text") if isinstance(value.get("text"), str) else None
                out.append(
                    Candidate(
                        file=where,
                        line=None,
                        where=rw,
                        start=value["start"],
                        end=value["end"],
                        quote=quote,
                        text=text,
                        document=document,
                        labels=list(value["labels"]),
                        annotator=annotator,
                        id=None,
                        note="",
                        created=item.get("created_at") if isinstance(item.get("created_at"), str) else None,
                    )
                )
    return out, problems, notices


def write(records: list[dict], documents: Mapping[str, Any], path: str | Path, *, email_domain: str | None = None) -> int:
    """Write records as a Label Studio task list; returns the number of spans.

    Parameters
    ----------
    records : list of dict
    documents : dict of str to Document
    path : str or Path
    email_domain : str, optional
        Write ``completed_by`` as ``<annotator>@<email_domain>`` (Label Studio
        must have users with those addresses). By default it is left out.
    """
    by_doc: dict[str, dict[str, list[dict]]] = {}
    for rec in records:
        by_doc.setdefault(rec["document_id"], {}).setdefault(rec["annotator"], []).append(rec)
    tasks = []
    count = 0
    ann_id = 0
    for t, doc_id in enumerate(sorted(by_doc), start=1):
        doc = documents[doc_id]
        anns = []
        for annotator in sorted(by_doc[doc_id]):
            recs = sorted(by_doc[doc_id][annotator], key=lambda r: (r["start"], r["end"], r["id"]))
            ann_id += 1
            results = []
            for r in recs:
                res = {
                    "id": r["id"],
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "origin": "manual",
                    "value": {"start": r["start"], "end": r["end"], "text": r["quote"], "labels": native_tags(r, doc.summit_id)},
                }
                if r.get("note"):
                    res["meta"] = {"text": [r["note"]]}
                if v2_fields(r):
                    res.setdefault("meta", {})["summit_ledger"] = v2_fields(r)
                results.append(res)
            count += len(results)
            ann = {
                "id": ann_id,
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": min((r.get("created") or "") for r in recs) or None,
                "result": results,
                "summit_ledger": {"annotator": annotator},
            }
            if email_domain:
                ann["completed_by"] = {"email": f"{annotator}@{email_domain}", "first_name": annotator, "last_name": ""}
            anns.append(ann)
        tasks.append(
            {
                "id": t,
                "data": {"text": doc.text, "document_id": doc_id, "title": doc.title},
                "annotations": anns,
                "predictions": [],
            }
        )
    atomic_write_text(path, json.dumps(tasks, ensure_ascii=False, indent=2) + "\n")
    return count
