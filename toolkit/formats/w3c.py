"""W3C Web Annotation JSON (the data model Hypothesis and others use).

Import accepts one Annotation, a list of them, an ``AnnotationPage``
(``items``) or an ``AnnotationCollection`` whose ``first`` page is embedded.
For each annotation:

* ``target.selector`` (one or a list): ``TextPositionSelector`` gives
  ``start``/``end`` (code points, as the model requires), ``TextQuoteSelector``
  gives ``exact``/``prefix``/``suffix``. With only a quote selector, the span
  is found by exact search (prefix and suffix pick among repeats).
* ``target.source`` ``urn:summit-ledger:document:<id>`` names the document;
  any other source needs ``--document``.
* ``body`` items with ``purpose: tagging`` (or no purpose) are labels;
  ``commenting``/``describing`` bodies become the note.
* ``creator`` (a string, or an object with ``name``/``nickname``) gives the
  annotator; ``acct:user@host`` becomes ``user``.

Export writes an ``AnnotationCollection`` whose codes are tagging bodies
(``stance:grievance``, ``issue:cyber``, ``actor:US``, ``target:Russia``,
``intensity:1``, and ``summit:<id>`` when it differs from the document's);
the note is a commenting body and the annotation ``id`` is
``urn:summit-ledger:annotation:<id>``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text, content_hash
from toolkit.errors import Problem
from toolkit.formats.common import ANNOTATION_URN, DOCUMENT_URN, Candidate, clean_annotator, read_json, read_v2, v2_fields
from toolkit.formats.labelmap import native_tags

__all__ = ["read", "write"]

_NOTE_PURPOSES = {"commenting", "describing", "replying", "editing"}


def _items(obj) -> tuple[list, str] | None:
    if isinstance(obj, list):
        return obj, ""
    if not isinstance(obj, dict):
        return None
    kind = obj.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "AnnotationCollection" in kinds:
        first = obj.get("first")
        if isinstance(first, dict) and isinstance(first.get("items"), list):
            return first["items"], "first.items"
        return None
    if "AnnotationPage" in kinds and isinstance(obj.get("items"), list):
        return obj["items"], "items"
    if "Annotation" in kinds:
        return [obj], ""
    if isinstance(obj.get("rows"), list):  # the Hypothesis search API wraps annotations in "rows"
        return obj["rows"], "rows"
    return None


def read(path: str | Path) -> tuple[list[Candidate], list[Problem], list[str]]:
    """Read W3C Web Annotation JSON."""
    path = Path(path)
    where = str(path)
    problems: list[Problem] = []
    notices: list[str] = []
    out: list[Candidate] = []
    obj, bad = read_json(path)
    if bad:
        return [], bad, []
    found = _items(obj)
    if found is None:
        return (
            [],
            [
                Problem(
                    where,
                    None,
                    None,
                    "expected an Annotation, a list of them, an AnnotationPage or an "
                    "AnnotationCollection with its first page embedded",
                )
            ],
            [],
        )
    items, base = found
    for i, ann in enumerate(items):
        aw = f"{base}[{i}]" if base else f"[{i}]"
        if not isinstance(ann, dict):
            problems.append(Problem(where, None, aw, "each annotation must be an object"))
            continue
        target = ann.get("target")
        if isinstance(target, list):
            if len(target) != 1:
                problems.append(Problem(where, None, f"{aw}.target", f"{len(target)} targets; expected one"))
                continue
            target = target[0]
        if not isinstance(target, dict):
            problems.append(Problem(where, None, f"{aw}.target", "missing; expected an object with 'selector'"))
            continue
        sels = target.get("selector")
        sels = [sels] if isinstance(sels, dict) else sels
        if not isinstance(sels, list):
            problems.append(Problem(where, None, f"{aw}.target.selector", "missing"))
            continue
        pos = next((s for s in sels if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)
        quo = next((s for s in sels if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)
        if pos is None and quo is None:
            problems.append(
                Problem(where, None, f"{aw}.target.selector", "needs a TextPositionSelector and/or a TextQuoteSelector")
            )
            continue
        if pos is not None and ("start" not in pos or "end" not in pos):
            problems.append(Problem(where, None, f"{aw}.target.selector", "TextPositionSelector without start/end"))
            continue
        if quo is not None and not isinstance(quo.get("exact"), str):
            problems.append(Problem(where, None, f"{aw}.target.selector", "TextQuoteSelector without 'exact'"))
            continue
        source = target.get("source")
        document = None
        if isinstance(source, str) and source.startswith(DOCUMENT_URN):
            document = source[len(DOCUMENT_URN) :]
        body = ann.get("body", [])
        body = [body] if isinstance(body, (dict, str)) else body
        if not isinstance(body, list):
            problems.append(Problem(where, None, f"{aw}.body", "must be an object or a list"))
            continue
        labels: list[str] = []
        notes: list[str] = []
        bad_body = False
        for b, item in enumerate(body):
            if isinstance(item, str):
                labels.append(item)
                continue
            if not isinstance(item, dict) or not isinstance(item.get("value"), str):
                problems.append(Problem(where, None, f"{aw}.body[{b}]", "expected a TextualBody with a 'value'"))
                bad_body = True
                continue
            (notes if item.get("purpose") in _NOTE_PURPOSES else labels).append(item["value"])
        if bad_body:  # the span's codes are unknown: report the body alone, not its missing codes too
            continue
        creator = ann.get("creator")
        if isinstance(creator, dict):
            creator = creator.get("nickname") or creator.get("name") or creator.get("id")
        if creator is not None and not isinstance(creator, str):
            problems.append(
                Problem(where, None, f"{aw}.creator", f"expected a name, an IRI or a Person object, got {type(creator).__name__}")
            )
            continue
        ann_id = ann.get("id")
        if isinstance(ann_id, str) and ann_id.startswith(ANNOTATION_URN):
            ann_id = ann_id[len(ANNOTATION_URN) :]
        out.append(
            Candidate(
                file=where,
                line=None,
                where=aw,
                start=pos.get("start") if pos else None,
                end=pos.get("end") if pos else None,
                quote=quo.get("exact") if quo else None,
                prefix=quo.get("prefix") if quo else None,
                suffix=quo.get("suffix") if quo else None,
                document=document,
                labels=labels,
                annotator=clean_annotator(creator),
                annotator_source=None if creator is None else str(creator),
                id=ann_id if isinstance(ann_id, str) else None,
                note="\n".join(notes),
                created=ann.get("created") if isinstance(ann.get("created"), str) else None,
                extra=read_v2(ann.get("summit_ledger")),
            )
        )
    return out, problems, notices


def write(records: list[dict], documents: Mapping[str, Any], path: str | Path) -> int:
    """Write records as a W3C ``AnnotationCollection``; returns the number written."""
    recs = sorted(records, key=lambda r: (r["document_id"], r["start"], r["end"], r["id"]))
    items = []
    for r in recs:
        doc = documents[r["document_id"]]
        body = [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in native_tags(r, doc.summit_id)]
        if r.get("note"):
            body.append({"type": "TextualBody", "purpose": "commenting", "value": r["note"], "format": "text/plain"})
        item = {
            "id": f"{ANNOTATION_URN}{r['id']}",
            "type": "Annotation",
            "motivation": "tagging",
            "creator": {"type": "Person", "name": r["annotator"]},
            "body": body,
            "target": {
                "source": f"{DOCUMENT_URN}{r['document_id']}",
                "selector": [
                    {"type": "TextPositionSelector", "start": r["start"], "end": r["end"]},
                    {
                        "type": "TextQuoteSelector",
                        "exact": r["quote"],
                        "prefix": r.get("prefix", ""),
                        "suffix": r.get("suffix", ""),
                    },
                ],
            },
        }
        if r.get("created"):
            item["created"] = r["created"]
        if v2_fields(r):
            item["summit_ledger"] = v2_fields(r)  # extension property: the codebook-2.0 fields
        items.append(item)
    coll = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:summit-ledger:export:{content_hash([i['id'] for i in items], 16)}",
        "type": "AnnotationCollection",
        "label": "Summit Ledger annotations",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
    atomic_write_text(path, json.dumps(coll, ensure_ascii=False, indent=2) + "\n")
    return len(items)
