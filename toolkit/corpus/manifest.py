"""``summit-ledger add-articles MANIFEST.csv``: add a corpus at once, all or nothing.

A manifest is a UTF-8 CSV with one row per article and the columns
:data:`MANIFEST_COLUMNS` (``sampling_note`` may be left out). Every row is
read, normalised (LF, NFC, as :func:`toolkit.corpus.articles.normalise_text`),
hashed and checked first; any problem, each named by row and column, stops
the whole manifest and nothing is written. Then every file is written into a
staging folder inside ``documents/`` and renamed into place (texts first,
metadata last, because a text without its metadata is invisible), under the
same lock as ``add-article``; an error while renaming takes back what was
renamed, so the corpus is never left half-added.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from filelock import FileLock, Timeout

from toolkit._io import content_hash, read_yaml
from toolkit.corpus.articles import normalise_text
from toolkit.errors import DataError, Problem, StoreError

if TYPE_CHECKING:
    from toolkit.corpus.folder import ProjectFolder

__all__ = ["MANIFEST_COLUMNS", "OPTIONAL_COLUMNS", "SOURCE_KINDS", "AddedArticles", "add_articles"]

#: Columns every manifest has, in this order or any other.
MANIFEST_COLUMNS: tuple[str, ...] = (
    "file",
    "id",
    "summit_id",
    "title",
    "outlet",
    "country",
    "language",
    "published",
    "url",
    "source_kind",
)
#: Columns a manifest may add.
OPTIONAL_COLUMNS: tuple[str, ...] = ("sampling_note",)
#: Usual source kinds (others are allowed if they are lower-case slugs).
SOURCE_KINDS: tuple[str, ...] = (
    "official-us",
    "official-ru",
    "official-other",
    "press",
    "wire",
    "broadcast",
    "think-tank",
    "other",
)
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,120}")
_KIND = re.compile(r"[a-z][a-z0-9-]{0,39}")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_PLAIN = re.compile(r"[^\x00-\x1f\x7f]{1,200}")
LOCK_TIMEOUT = 30.0


@dataclass
class AddedArticles:
    """What :func:`add_articles` did: the ids added and what normalisation changed per id."""

    manifest: str
    ids: list[str] = field(default_factory=list)
    changes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would add" if self.dry_run else "added"
        return f"{self.manifest}: {verb} {len(self.ids)} article{'s' * (len(self.ids) != 1)}"


@dataclass
class _Row:
    line: int
    meta: dict
    text: str
    changes: tuple[str, ...]


def _check_row(rec: dict, where: str, line: int, row: int, base: Path, summits: dict, problems: list[Problem]) -> _Row | None:
    def bad(column: str, message: str) -> None:
        problems.append(Problem(where, line, column, f"row {row}: {message}"))

    before = len(problems)
    values = {k: (rec.get(k) or "").strip() for k in (*MANIFEST_COLUMNS, *OPTIONAL_COLUMNS)}
    for column in ("file", "id", "summit_id", "outlet", "country", "language", "source_kind"):
        if not values[column]:
            bad(column, "empty; every article needs it")
    if values["id"] and not _ID.fullmatch(values["id"]):
        bad("id", f"{values['id']!r} must be a lower-case slug (letters, digits, '-')")
    if values["summit_id"] and values["summit_id"] not in summits:
        bad("summit_id", f"{values['summit_id']!r} is not in summits.yaml; add it first (summit-ledger add-summit)")
    if values["language"] and not _LANG.fullmatch(values["language"]):
        bad("language", f"{values['language']!r} is not a language code such as en, ru or pt-BR")
    if values["source_kind"] and not _KIND.fullmatch(values["source_kind"]):
        bad("source_kind", f"{values['source_kind']!r} must be a lower-case slug, e.g. {', '.join(SOURCE_KINDS[:4])}")
    for column in ("outlet", "country", "title"):
        if values[column] and not _PLAIN.fullmatch(values[column]):
            bad(column, "must be one line of at most 200 characters")
    if values["published"]:
        try:
            values["published"] = _dt.date.fromisoformat(values["published"]).isoformat()
        except ValueError:
            bad("published", f"{values['published']!r} is not an ISO date; write it as YYYY-MM-DD")
    if values["url"] and not values["url"].startswith(("http://", "https://")):
        bad("url", f"{values['url']!r} is not an http(s) URL")
    text = ""
    changes: tuple[str, ...] = ()
    if values["file"]:
        src = Path(values["file"]).expanduser()
        src = src if src.is_absolute() else base / src
        if not src.is_file():
            bad("file", f"{src} not found")
        else:
            try:
                norm = normalise_text(src.read_bytes(), source=str(src))
                text, changes = norm.text, norm.changes
            except DataError as exc:
                bad("file", "; ".join(str(p) for p in exc.problems))
    if len(problems) > before:
        return None
    title = values["title"] or next((ln.strip() for ln in text.split("\n") if ln.strip()), "")[:200]
    meta = {
        "id": values["id"],
        "title": title,
        "text_file": f"{values['id']}.txt",
        "source": values["outlet"],
        "url": values["url"] or None,
        "published": values["published"] or None,
        "summit_id": values["summit_id"],
        "language": values["language"],
        "outlet": values["outlet"],
        "country": values["country"],
        "source_kind": values["source_kind"],
    }
    if values["sampling_note"]:
        meta["sampling_note"] = values["sampling_note"]
    if changes:
        meta["normalised"] = list(changes)
    return _Row(line, meta, text, changes)


def _read_manifest(path: Path, summits: dict, disable: bool | None) -> list[_Row]:
    from tqdm.auto import tqdm

    where = str(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError.at(path, None, None, "manifest not found") from None
    except UnicodeDecodeError as exc:
        raise DataError.at(path, None, None, f"not UTF-8 at byte {exc.start}; save the manifest as UTF-8") from None
    reader = csv.DictReader(raw.splitlines(keepends=True), strict=True)
    header = reader.fieldnames or []
    problems = [
        Problem(where, 1, c, "missing column; a manifest needs " + ", ".join(MANIFEST_COLUMNS))
        for c in MANIFEST_COLUMNS
        if c not in header
    ]
    problems += [
        Problem(where, 1, c, "unknown column (allowed: " + ", ".join(MANIFEST_COLUMNS + OPTIONAL_COLUMNS) + ")")
        for c in header
        if c not in MANIFEST_COLUMNS + OPTIONAL_COLUMNS
    ]
    if problems:
        raise DataError(problems)
    rows: list[_Row] = []
    seen_id: dict[str, int] = {}
    seen_hash: dict[str, int] = {}
    try:
        records = [(reader.line_num, rec) for rec in reader]
    except csv.Error as exc:
        raise DataError.at(path, reader.line_num, None, f"not valid CSV: {exc}") from None
    if not records:
        raise DataError.at(path, None, None, "the manifest lists no articles")
    for row_no, (line, rec) in enumerate(tqdm(records, desc="checking articles", unit="article", disable=disable), 1):
        if None in rec or any(v is None for v in rec.values()):
            problems.append(
                Problem(where, line, None, f"row {row_no}: has {len(header)} columns in the header but a different number here")
            )
            continue
        row = _check_row(rec, where, line, row_no, path.parent, summits, problems)
        if row is None:
            continue
        digest = content_hash(row.text, 64)
        row.meta["sha256"] = digest
        if (first := seen_id.get(row.meta["id"])) is not None:
            problems.append(Problem(where, line, "id", f"row {row_no}: id {row.meta['id']!r} also on row {first}"))
        elif (first := seen_hash.get(digest)) is not None:
            problems.append(
                Problem(
                    where, line, "file", f"row {row_no}: the same text as row {first} (sha256 {digest[:12]}…); not added twice"
                )
            )
        seen_id.setdefault(row.meta["id"], row_no)
        seen_hash.setdefault(digest, row_no)
        rows.append(row)
    if problems:
        raise DataError(problems)
    return rows


def _against_corpus(rows: list[_Row], docs_dir: Path, where: str) -> None:
    """Refuse ids or texts the corpus has already (called under the lock)."""
    known_ids: dict[str, str] = {}
    known_hash: dict[str, str] = {}
    for meta_path in sorted(docs_dir.glob("*.yaml")):
        meta = read_yaml(meta_path)
        if isinstance(meta, dict):
            known_ids[str(meta.get("id"))] = meta_path.name
            known_hash[str(meta.get("sha256"))] = str(meta.get("id"))
        known_ids.setdefault(meta_path.stem, meta_path.name)
    for txt in docs_dir.glob("*.txt"):
        known_ids.setdefault(txt.stem, txt.name)
    problems = []
    for n, row in enumerate(rows, 1):
        if row.meta["id"] in known_ids:
            problems.append(
                Problem(
                    where, row.line, "id", f"row {n}: document {row.meta['id']!r} exists already ({known_ids[row.meta['id']]})"
                )
            )
        elif row.meta["sha256"] in known_hash:
            problems.append(
                Problem(
                    where,
                    row.line,
                    "file",
                    f"row {n}: this text is already stored as document {known_hash[row.meta['sha256']]!r}; not added twice",
                )
            )
    if problems:
        raise DataError(problems)


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def add_articles(
    manifest: str | os.PathLike,
    *,
    project: ProjectFolder | str | os.PathLike | None = None,
    progress: bool | None = None,
    dry_run: bool = False,
) -> AddedArticles:
    """Add every article listed in a manifest CSV to the project's ``documents/``, or none.

    Parameters
    ----------
    manifest : str or path-like
        The CSV; ``file`` paths are relative to its folder.
    project : ProjectFolder, str or path-like, optional
        Default: the discovered project.
    progress : bool, optional
        Show progress bars (default: when the output is a terminal).
    dry_run : bool
        Check everything, write nothing.

    Raises
    ------
    DataError
        One problem per bad row and column (file, line, field), or an id or
        text the corpus already has. Nothing is written.
    """
    from tqdm.auto import tqdm

    from toolkit.corpus.documents import load_documents
    from toolkit.corpus.folder import as_folder

    proj = as_folder(project)
    path = Path(os.fspath(manifest))
    disable = None if progress is None else not progress
    rows = _read_manifest(path, proj.summits, disable)
    report = AddedArticles(
        str(path), [r.meta["id"] for r in rows], {r.meta["id"]: r.changes for r in rows if r.changes}, dry_run=dry_run
    )
    docs_dir = proj.root / "documents"
    docs_dir.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(docs_dir / ".add-article.lock"), timeout=LOCK_TIMEOUT):
            _against_corpus(rows, docs_dir, str(path))
            if dry_run:
                return report
            _commit(rows, docs_dir, proj, tqdm, disable, load_documents)
    except Timeout:
        raise StoreError(f"{docs_dir}: another process is adding articles; try again") from None
    return report


def _commit(rows, docs_dir: Path, proj, tqdm, disable, load_documents) -> None:
    stage = docs_dir / f".add-articles-{os.getpid()}"
    stage.mkdir()
    placed: list[Path] = []
    try:
        for row in tqdm(rows, desc="staging", unit="article", disable=disable):
            _fsync_write(stage / f"{row.meta['id']}.txt", row.text.encode("utf-8"))
            meta = yaml.safe_dump(row.meta, sort_keys=False, allow_unicode=True, width=100)
            _fsync_write(stage / f"{row.meta['id']}.yaml", meta.encode("utf-8"))
        for suffix in (".txt", ".yaml"):  # texts first: a text without metadata is not part of the corpus
            for row in rows:
                target = docs_dir / f"{row.meta['id']}{suffix}"
                os.rename(stage / target.name, target)
                placed.append(target)
        fd = os.open(docs_dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        load_documents(docs_dir, proj.summits)  # the corpus as a whole must still load
    except BaseException:
        for p in reversed(placed):
            p.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
