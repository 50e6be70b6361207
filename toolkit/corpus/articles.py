"""Add an article (text + metadata) or a summit to a data folder.

An article's text is normalised once, on the way in, and then never edited in
place: line endings become LF, the text becomes Unicode NFC, and a UTF-8
byte-order mark is dropped. Every change is reported, because it can move
offsets that another tool computed on the original file. The sha256 of the
stored bytes is recorded in the metadata.

Writes take a lock on the folder being changed and go through
:func:`toolkit._io.atomic_write_text`, so a crash leaves the old state or the
new one, never half of either.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from filelock import FileLock, Timeout

from toolkit._io import atomic_write_text, content_hash, read_yaml, shown_text
from toolkit.errors import DataError, Problem, StoreError
from toolkit.ids import check_id, id_problem, parse_iso_date

__all__ = ["AddedArticle", "NormalisedText", "normalise_text", "add_article", "add_summit"]

LOCK_TIMEOUT = 30.0


@dataclass(frozen=True)
class NormalisedText:
    """Text after normalisation, and what normalisation changed.

    Attributes
    ----------
    text : str
        LF line endings, Unicode NFC, no byte-order mark.
    changes : tuple of str
        One plain-language line per kind of change; empty when the input was
        already normalised.
    """

    text: str
    changes: tuple[str, ...] = ()


def normalise_text(raw: str | bytes, *, source: str = "<text>") -> NormalisedText:
    """Normalise article text to LF line endings and Unicode NFC.

    Parameters
    ----------
    raw : str or bytes
        The text; bytes must be UTF-8 (a leading byte-order mark is dropped).
    source : str
        Name used in error messages.

    Returns
    -------
    NormalisedText

    Raises
    ------
    DataError
        If the bytes are not UTF-8 or the text is empty.
    """
    changes: list[str] = []
    if isinstance(raw, bytes):
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
            changes.append("removed a UTF-8 byte-order mark")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataError.at(
                source, line, None, f"not valid UTF-8 at byte {exc.start}; save the file as UTF-8 and try again"
            ) from None
    else:
        text = raw
        if text.startswith("\ufeff"):
            text = text[1:]
            changes.append("removed a byte-order mark")
    crlf = text.count("\r\n")
    if crlf:
        text = text.replace("\r\n", "\n")
        changes.append(f"converted {crlf} CRLF line ending{'s' * (crlf != 1)} to LF")
    cr = text.count("\r")
    if cr:
        text = text.replace("\r", "\n")
        changes.append(f"converted {cr} CR line ending{'s' * (cr != 1)} to LF")
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        # Count the characters that composition touched, by comparing per line.
        touched = sum(1 for a, b in zip(text.split("\n"), nfc.split("\n")) if a != b)
        changes.append(
            f"normalised Unicode to NFC ({len(text) - len(nfc)} code point"
            f"{'s' * (len(text) - len(nfc) != 1)} fewer, on {touched} line{'s' * (touched != 1)})"
        )
        text = nfc
    if not text.strip():
        raise DataError.at(source, None, None, "the article text is empty")
    return NormalisedText(text, tuple(changes))


@dataclass(frozen=True)
class AddedArticle:
    """What :func:`add_article` did.

    Attributes
    ----------
    document : Document
        The stored document, loaded back and checked.
    meta_path, text_path : Path
        The files written.
    changes : tuple of str
        What normalisation changed (empty when nothing did).
    """

    document: object
    meta_path: Path
    text_path: Path
    changes: tuple[str, ...] = field(default_factory=tuple)


def _lock(path: Path) -> FileLock:
    return FileLock(str(path), timeout=LOCK_TIMEOUT)


class _Quoted(str):
    """A string the YAML dumper writes in double quotes (dates stay strings, as in the rest of summits.yaml)."""


class _SummitDumper(yaml.SafeDumper):
    """SafeDumper that writes :class:`_Quoted` strings double-quoted."""


_SummitDumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))


def _check_date(value: object, where: str, fieldname: str, problems: list[Problem]) -> str | None:
    """``value`` as ``YYYY-MM-DD`` if it is exactly a real calendar date in that form; else a problem."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and (day := parse_iso_date(value)) is not None:
        return day.isoformat()
    problems.append(Problem(where, None, fieldname, f"{shown_text(repr(value), 80)} is not an ISO date; write it as YYYY-MM-DD"))
    return None


def add_article(
    file: str | Path,
    *,
    id: str,
    summit_id: str,
    title: str | None = None,
    source: str = "",
    url: str | None = None,
    published: str | None = None,
    language: str = "en",
    data: str | Path | None = None,
) -> AddedArticle:
    """Add an article to ``data/documents`` as ``<id>.txt`` + ``<id>.yaml``.

    Parameters
    ----------
    file : str or Path
        A UTF-8 text file with the article.
    id : str
        The document id: a lower-case slug (letters, digits, ``-``).
    summit_id : str
        The summit the article is about by default; must be in ``summits.yaml``
        (add a new one first with :func:`add_summit`).
    title : str, optional
        Defaults to the first non-empty line of the text.
    source, url : str, optional
        Where the article comes from.
    published : str, optional
        ISO date (``YYYY-MM-DD``).
    language : str
        Language code of the text.
    data : str or Path, optional
        The data folder (default: see :func:`toolkit.paths.data_dir`).

    Returns
    -------
    AddedArticle

    Raises
    ------
    DataError
        Unknown summit, an id or text already present, a bad date or id, an
        unreadable file. Nothing is written in that case.
    """
    from toolkit.corpus.documents import load_document
    from toolkit.corpus.folder import as_folder
    from toolkit.paths import data_dir

    root = data_dir(data)
    src = Path(file)
    where = str(src)
    if not src.is_file():
        raise DataError.at(src, None, None, "file not found; give the path of a UTF-8 text file")
    norm = normalise_text(src.read_bytes(), source=where)
    problems: list[Problem] = []
    if msg := id_problem("document", id):
        problems.append(Problem(where, None, "id", msg))
    summits = as_folder(root).summits
    if summit_id not in summits:
        problems.append(
            Problem(
                where,
                None,
                "summit_id",
                f"{summit_id!r} is not in summits.yaml; known: {', '.join(summits)}. "
                "Add the summit first (summit-ledger add-summit)",
            )
        )
    published = _check_date(published, where, "published", problems)
    if url is not None and url != "" and not str(url).startswith(("http://", "https://")):
        problems.append(Problem(where, None, "url", f"{url!r} is not an http(s) URL"))
    if title is None or not str(title).strip():
        first = next((ln.strip() for ln in norm.text.split("\n") if ln.strip()), "")
        title = first[:200]
    if problems:
        raise DataError(problems)

    docs_dir = root / "documents"
    docs_dir.mkdir(parents=True, exist_ok=True)
    meta_path = docs_dir / f"{id}.yaml"
    text_path = docs_dir / f"{id}.txt"
    digest = content_hash(norm.text, 64)  # the sha256 of the UTF-8 text, as load_document checks it
    try:
        with _lock(docs_dir / ".add-article.lock"):
            if meta_path.exists() or text_path.exists():
                raise DataError.at(meta_path, None, "id", f"a document with id {id!r} already exists; choose another id")
            for other in sorted(docs_dir.glob("*.yaml")):
                try:
                    meta = read_yaml(other)
                except DataError:
                    continue
                if isinstance(meta, dict) and str(meta.get("id")) == id:
                    raise DataError.at(
                        other, getattr(meta, "line", None), "id", f"document id {id!r} is already used here; choose another id"
                    )
                if isinstance(meta, dict) and str(meta.get("sha256")) == digest:
                    raise DataError.at(
                        other,
                        getattr(meta, "line", None),
                        "sha256",
                        f"this text is already stored as document {meta.get('id')!r}; not added twice",
                    )
            meta = {
                "id": id,
                "title": str(title),
                "text_file": text_path.name,
                "source": source or "",
                "url": url or None,
                "published": published,
                "summit_id": summit_id,
                "language": language,
                "sha256": digest,
            }
            if norm.changes:
                meta["normalised"] = list(norm.changes)
            atomic_write_text(text_path, norm.text)
            atomic_write_text(meta_path, yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100))
            try:
                doc = load_document(meta_path, summits)
            except DataError:
                meta_path.unlink(missing_ok=True)
                text_path.unlink(missing_ok=True)
                raise
    except Timeout:
        raise StoreError(f"{docs_dir}: another process is adding an article; try again") from None
    return AddedArticle(doc, meta_path, text_path, norm.changes)


def add_summit(
    *,
    id: str,
    date: str,
    place: str,
    format: Literal["in_person", "video", "phone", "talks"],
    parties: list[str] | tuple[str, ...],
    label: str,
    sources: list[str] | tuple[str, ...],
    leaders: list[str] | tuple[str, ...] = (),
    summary: str = "",
    data: str | Path | None = None,
) -> object:
    """Append a summit to ``summits.yaml`` (comments and order of the file are kept).

    Parameters
    ----------
    id : str
        ``YYYY-MM-DD-slug``, starting with ``date``.
    date : str
        ISO date of the meeting or call.
    place, label : str
    format : {"in_person", "video", "phone", "talks"}
    parties : list of str
        At least two codebook actors.
    sources : list of str
        At least one http(s) URL for the facts.
    leaders : list of str, optional
    summary : str, optional
        One or two sentences in your own words.
    data : str or Path, optional
        The data folder.

    Returns
    -------
    Summit
        The new summit, as loaded back from the file.

    Raises
    ------
    DataError
        If the id exists already or any field is invalid (the file is then
        left unchanged); messages name the field.
    """
    from toolkit.codebook.load import load_codebook
    from toolkit.corpus.summits import load_summits
    from toolkit.paths import data_dir

    root = data_dir(data)
    path = root / "summits.yaml"
    where = str(path)
    problems: list[Problem] = []
    check = _check_date(date, where, "date", problems)
    if problems:
        raise DataError(problems)
    check_id("summit", id, file=path, field="id")
    for name, value in (("place", place), ("label", label), ("summary", summary), ("format", format)):
        if not isinstance(value, str):
            raise DataError.at(path, None, name, f"expected text, got {type(value).__name__}")
    for name, values in (("parties", parties), ("sources", sources), ("leaders", leaders)):
        if isinstance(values, str) or not all(isinstance(v, str) for v in values):
            raise DataError.at(path, None, name, "expected a list of text values")
    codebook = load_codebook(root / "codebook.yaml")
    rec = {
        "id": id,
        "date": _Quoted(check),
        "place": place,
        "format": format,
        "parties": list(parties),
        "leaders": list(leaders),
        "label": label,
        "summary": summary,
        "sources": list(sources),
    }
    if not rec["leaders"]:
        del rec["leaders"]
    if not summary:
        del rec["summary"]
    # Serialised, never pasted: the dumper quotes and escapes every value (the date stays a quoted string).
    block = yaml.dump([rec], Dumper=_SummitDumper, sort_keys=False, allow_unicode=True, width=100, default_style=None)
    try:
        with _lock(root / ".summits.yaml.lock"):
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            known = load_summits(path, codebook) if old.strip() else {}
            if id in known:
                raise DataError.at(path, None, "id", f"summit {id!r} already exists; choose another id")
            new = old.rstrip("\n") + ("\n\n" if old.strip() else "") + block
            # Validate the whole new file before it replaces the old one.
            probe = root / ".summits.yaml.check"
            try:
                atomic_write_text(probe, new)
                try:
                    summits = load_summits(probe, codebook)
                except DataError as exc:
                    raise DataError([Problem(str(path), p.line, p.field, p.message) for p in exc.problems]) from None
            finally:
                probe.unlink(missing_ok=True)
            atomic_write_text(path, new)
    except Timeout:
        raise StoreError(f"{path}: another process is changing the summits; try again") from None
    return summits[id]
