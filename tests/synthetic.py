"""Synthetic annotation data for tests and benchmarks, generated at run time (never committed).

Every record made here says it is synthetic in its ``note``. Two shapes:

* :func:`synthetic_record` - a record whose content is a function of
  ``(annotator, i)``, on a made-up document id (for store-only tests that
  pass no documents to the store).
* :func:`synthetic_ops` / :func:`write_log` - valid upsert lines coding random
  spans of the real seed article, in the store's own line format (for tests
  and benchmarks that load the ledger against the real codebook).

Used by ``tests/reliability/`` and ``bench/run.py`` (which puts ``tests/`` on
``sys.path``).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED_DOC = "2021-12-07-biden-putin-video-summit"
ISSUES = ("ukraine-security", "nato-expansion", "sanctions", "cyber", "relations-dialogue", "strategic-stability")
ACTORS = ("US", "Russia", "Ukraine", "NATO", "EU")

__all__ = ["SEED_DOC", "synthetic_ops", "synthetic_record", "tree_digest", "write_csv", "write_log"]


def synthetic_record(annotator: str, i: int) -> dict:
    """The i-th synthetic record of ``annotator``; its content is a function of (annotator, i)."""
    return {
        "id": f"{annotator}-{i:06d}",
        "document_id": "synthetic-doc",
        "start": i,
        "end": i + 5 + i % 7,
        "quote": f"synthetic quote {i}",
        "prefix": "",
        "suffix": "",
        "issue": ("cyber", "ukraine-security", "sanctions")[i % 3],
        "stance": ("grievance", "goodwill")[i % 2],
        "actor": "US",
        "target": "Russia",
        "intensity": 1 + i % 3,
        "summit_id": "2021-12-07-video",
        "annotator": annotator,
        "created": "2026-01-01T00:00:00Z",
        "note": f"synthetic record {i} \u2014 \u00e9\u00e0 \U0001f30d",
        "status": "anchored",
        "origin": "manual",
    }


def seed_records(n: int, annotator: str, seed: int = 0) -> Iterator[dict]:
    """``n`` valid synthetic codings of random spans of the real seed article."""
    from toolkit.corpus import load_document
    from toolkit.records import annotation_id, selectors

    doc = load_document(REPO / "data" / "documents" / f"{SEED_DOC}.yaml")
    text = doc.text
    rng = random.Random(seed)
    for i in range(n):
        start = rng.randrange(0, len(text) - 80)
        end = start + rng.randrange(5, 80)
        issue, actor = rng.choice(ISSUES), rng.choice(ACTORS)
        target = rng.choice([a for a in ACTORS if a != actor])
        stance = rng.choice(("grievance", "goodwill"))
        yield {
            "id": annotation_id(doc.id, annotator, start, end, issue, stance, actor, target) + f"{i:x}",
            "document_id": doc.id,
            **selectors(text, start, end),
            "issue": issue,
            "stance": stance,
            "actor": actor,
            "target": target,
            "intensity": rng.randint(1, 3),
            "summit_id": doc.summit_id,
            "annotator": annotator,
            "created": "2026-01-01T00:00:00Z",
            "note": f"synthetic benchmark record {i}",
            "status": "anchored",
            "origin": "manual",
        }


def synthetic_ops(n: int, annotator: str, seed: int = 0) -> Iterator[bytes]:
    """Yield ``n`` valid upsert lines (bytes) in the store's own format (see :func:`seed_records`)."""
    from toolkit.store import op_id_for, op_line

    pos = 0
    for rec in seed_records(n, annotator, seed):
        op = {"op": "upsert", "at": "2026-01-01T00:00:00Z", **rec}
        op["op_id"] = op_id_for(op, pos)
        line = op_line(op)
        pos += len(line)
        yield line


def write_log(path: Path, n: int, annotator: str, seed: int = 0) -> int:
    """Write a log of ``n`` synthetic upserts to ``path``; returns its size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        buf = []
        for line in synthetic_ops(n, annotator, seed):
            buf.append(line)
            if len(buf) >= 10_000:
                fh.write(b"".join(buf))
                buf.clear()
        fh.write(b"".join(buf))
    return path.stat().st_size


def write_csv(path: Path, n: int, annotator: str, seed: int = 0) -> None:
    """A CSV in the toolkit's import shape holding ``n`` synthetic codings of the seed article."""
    import hashlib

    from toolkit.records import FIELDS

    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(FIELDS))
        w.writeheader()
        for i, rec in enumerate(seed_records(n, annotator, seed)):
            rec["id"] = hashlib.sha256(f"{annotator}|{seed}|{i}".encode()).hexdigest()[:12]  # unique, import-shaped
            w.writerow(rec)


def tree_digest(root: Path, *, ignore: tuple[str, ...] = (".lock",)) -> dict[str, str]:
    """sha256 of every file under ``root`` (by relative path), leaving out names ending in ``ignore``."""
    import hashlib

    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.name.endswith(ignore):
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
