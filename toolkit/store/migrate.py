"""Upgrade annotation logs coded under codebook 1.x to the loaded codebook (2.x), by appending.

Nothing in a log is rewritten: every upgraded record is a new ``upsert``
line with ``codebook_version`` set to the codebook's version and
``migrated_from`` to the version it was coded under. What maps mechanically
is mapped (an issue id that 2.0 still has keeps its id; codes are checked by
the store as for any upsert). What cannot be decided mechanically is listed
for a person, and the record is not touched when it cannot be valid:

* an issue that the codebook no longer has (e.g. ``china-factor``);
* attribution and modality, which 1.x did not code;
* a pair-actor record, which 2.0 expands into both directions: check that each
  side holds the stance;
* two live mentions with the same document, actor, target, stance and issue,
  which may report one act: link them with one ``event_id``.

Running it again appends nothing (records already at the codebook's major
version are skipped) and lists the open decisions again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook
    from toolkit.store.core import Store

__all__ = ["Decision", "MigrationReport", "migrate_store", "migrate_project", "needs_migration"]


@dataclass(frozen=True)
class Decision:
    """Something a person must decide about one record."""

    file: str
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: record {self.record_id}, {self.field}: {self.message}"


@dataclass
class MigrationReport:
    """What a migration appended and what it leaves to a person."""

    appended: list[dict] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    up_to_date: int = 0


def _major(version: str | None) -> int:
    head = str(version or "1.0.0").split(".")[0]
    return int(head) if head.isdigit() else 0


def needs_migration(rec: dict, codebook: Codebook) -> bool:
    """True when ``rec`` was coded under an older major version than ``codebook``'s."""
    return _major(rec.get("codebook_version")) < _major(codebook.version)


def migrate_store(store: Store, codebook: Codebook, *, reader: Store | None = None, dry_run: bool = False) -> MigrationReport:
    """Migrate every log of one annotation set.

    ``store`` (a :class:`toolkit.store.Store` with the new codebook) validates
    and appends; ``reader`` (default: a store over the same folder without a
    codebook) replays the logs, so that records whose codes the new codebook
    dropped are still seen and listed.
    """
    from toolkit.store.core import Store

    reader = reader if reader is not None else Store(store.root)
    report = MigrationReport()
    target = codebook.version
    for annotator in store.annotators():
        path = str(store.log_path(annotator))
        state = reader.read(annotator)
        live = state.annotations
        seen: dict[tuple, str] = {}
        for rid, rec in live.items():
            key = (rec.get("document_id"), rec["actor"], rec["target"], rec["stance"], rec["issue"])
            if key in seen and not rec.get("event_id"):
                report.decisions.append(
                    Decision(
                        path,
                        rid,
                        "event_id",
                        f"same document, actor, target, stance and "
                        f"issue as {seen[key]}: if both report one act, give them one event_id",
                    )
                )
            seen.setdefault(key, rid)
            if not needs_migration(rec, codebook):
                report.up_to_date += 1
                if rec.get("migrated_from"):
                    _open_questions(report, path, rid, rec, codebook)
                continue
            if rec["issue"] not in codebook.issues:
                report.decisions.append(
                    Decision(
                        path,
                        rid,
                        "issue",
                        f"{rec['issue']!r} is not in codebook {target}; "
                        "choose an issue and re-code the record (it was not migrated)",
                    )
                )
                continue
            new = {**rec, "codebook_version": target, "migrated_from": str(rec.get("codebook_version") or "1.0.0")}
            _open_questions(report, path, rid, new, codebook)
            if not dry_run:
                report.appended.append(store.upsert(new))
            else:
                report.appended.append({"op": "upsert", **new})
    return report


def _open_questions(report: MigrationReport, path: str, rid: str, rec: dict, codebook) -> None:
    for name in ("attribution", "modality"):
        if not rec.get(name):
            report.decisions.append(Decision(path, rid, name, f"not coded under {rec.get('migrated_from')}; code it"))
    actor = codebook.actors.get(rec["actor"])
    if actor is not None and actor.kind == "pair" and rec["stance"] == "grievance":
        report.decisions.append(
            Decision(
                path,
                rid,
                "actor",
                f"pair actor {actor.id}: counted once per direction "
                "under 2.0; if only one side holds the grievance, re-code it as directed",
            )
        )


def migrate_project(root: str | Path, sets: list[str] | None = None, *, dry_run: bool = False) -> MigrationReport:
    """Migrate the named annotation sets (default: all) of the project at ``root``."""
    from toolkit.corpus.folder import as_folder
    from toolkit.store.open import store_at

    project = as_folder(root)
    root = project.root
    codebook = project.codebook
    ann = root / "annotations"
    names = sorted(p.name for p in ann.iterdir() if p.is_dir()) if sets is None else list(sets)
    for name in names:
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", name):
            raise ValueError(f"set name {name!r} is not allowed: use letters, digits, '-' or '_'")
        if not (ann / name).is_dir():
            from toolkit.errors import DataError

            raise DataError.at(ann / name, None, "set", f"no annotation set {name!r} in {ann}")
    total = MigrationReport()
    for name in names:
        store = store_at(project, ann / name)
        rep = migrate_store(store, codebook, dry_run=dry_run)
        total.appended += rep.appended
        total.decisions += rep.decisions
        total.up_to_date += rep.up_to_date
    return total
