"""Documents (article text + metadata) and their sentence segments.

Offsets everywhere are Unicode code points (Python ``str`` indices), 0-based,
end-exclusive, on the stored text, which is never edited in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from toolkit._io import read_text_strict, read_yaml, sha256_file
from toolkit.errors import DataError, Problem
from toolkit.ids import ID_PATTERNS, parse_iso_date

__all__ = ["Document", "Segment", "load_document", "load_documents", "segment", "segments_frame", "sentence_of"]

_SLUG = ID_PATTERNS["document"]


@dataclass(frozen=True)
class Document:
    """An article: its stored text and metadata.

    ``sha256`` is the hash recorded in the metadata; :func:`load_document`
    refuses a text whose bytes no longer match it.
    """

    id: str
    title: str
    text: str
    summit_id: str
    source: str = ""
    url: str | None = None
    published: str | None = None
    published_inferred: bool = False
    language: str = "en"
    sha256: str = ""
    path: str = "<memory>"
    #: Corpus fields (``add-articles`` manifests): outlet name, country, kind of source
    #: (``official-us``, ``official-ru``, ``press``, ...) and how the text was sampled.
    outlet: str = ""
    country: str = ""
    source_kind: str = ""
    sampling_note: str = ""

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Segment:
    """One sentence (or headline) of a document, with code-point offsets."""

    document_id: str
    index: int
    start: int
    end: int
    text: str


def _meta_problem(path, line, field, msg):
    return Problem(str(path), line, field, msg)


def load_document(meta_path: str | Path, summits: dict | None = None, check_hash: bool = True) -> Document:
    """Load one document from its metadata YAML (``data/documents/<id>.yaml``).

    Parameters
    ----------
    meta_path : str or Path
        The metadata file; its ``text_file`` is read from the same folder.
    summits : dict, optional
        Known summits; if given, ``summit_id`` must be one of them.
    check_hash : bool
        Refuse a text whose sha256 differs from the recorded one.

    Raises
    ------
    DataError
        Naming the metadata file and field, or the text file.
    """
    meta_path = Path(meta_path)
    meta = read_yaml(meta_path)
    if not isinstance(meta, dict):
        raise DataError.at(meta_path, None, None, "document metadata must be a mapping")
    problems: list[Problem] = []
    line = getattr(meta, "line", None)
    for key in ("id", "title", "text_file", "summit_id", "language", "sha256"):
        if not meta.get(key):
            problems.append(_meta_problem(meta_path, line, key, f"missing; document metadata needs '{key}'"))
    for key in ("id", "title", "text_file", "summit_id", "language", "sha256", "source"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            problems.append(_meta_problem(meta_path, line, key, f"expected text, got {type(meta[key]).__name__}"))
    url = meta.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
        problems.append(_meta_problem(meta_path, line, "url", f"{url!r} is not an http(s) URL"))
    if problems:
        raise DataError(problems)
    doc_id = str(meta["id"])
    if not _SLUG.fullmatch(doc_id):
        problems.append(_meta_problem(meta_path, line, "id", f"{doc_id!r} must be a lower-case slug (letters, digits, '-')"))
    text_file = str(meta["text_file"])
    if "/" in text_file or "\\" in text_file or text_file.startswith("."):
        problems.append(_meta_problem(meta_path, line, "text_file", "must be a plain file name in the same folder"))
        raise DataError(problems)
    text_path = meta_path.parent / text_file
    if not text_path.exists():
        problems.append(_meta_problem(meta_path, line, "text_file", f"{text_path} does not exist"))
        raise DataError(problems)
    text = read_text_strict(text_path)
    if "\r" in text:
        problems.append(
            Problem(
                str(text_path),
                text[: text.index("\r")].count("\n") + 1,
                None,
                "carriage return found; store article text with LF line endings (add-article normalises this)",
            )
        )
    digest = sha256_file(text_path)
    if check_hash and digest != str(meta["sha256"]):
        problems.append(
            _meta_problem(
                meta_path,
                line,
                "sha256",
                f"the text in {text_path.name} no longer matches its recorded sha256 (now {digest[:12]}…); "
                "texts are never edited in place — re-anchor the annotations (summit-ledger reanchor) and record the new hash",
            )
        )
    published = meta.get("published")
    if published is not None:
        day = parse_iso_date(published)
        if day is not None:
            published = day.isoformat()
        else:
            problems.append(_meta_problem(meta_path, line, "published", f"{published!r} is not an ISO date (YYYY-MM-DD)"))
    if summits is not None and meta["summit_id"] not in summits:
        problems.append(_meta_problem(meta_path, line, "summit_id", f"{meta['summit_id']!r} is not in summits.yaml"))
    if problems:
        raise DataError(problems)
    return Document(
        id=doc_id,
        title=str(meta["title"]),
        text=text,
        summit_id=str(meta["summit_id"]),
        source=str(meta.get("source") or ""),
        url=meta.get("url"),
        published=None if published is None else str(published),
        published_inferred=bool(meta.get("published_inferred", False)),
        language=str(meta["language"]),
        sha256=digest,
        path=str(meta_path),
        **{k: str(meta.get(k) or "") for k in ("outlet", "country", "source_kind", "sampling_note")},
    )


def load_documents(folder: str | Path | None = None, summits: dict | None = None) -> dict[str, Document]:
    """Load every ``*.yaml`` document in ``folder`` (default ``data/documents``)."""
    if folder is None:
        from toolkit.paths import data_dir

        folder = data_dir() / "documents"
    folder = Path(folder)
    docs: dict[str, Document] = {}
    problems: list[Problem] = []
    for meta in sorted(folder.glob("*.yaml")):
        try:
            doc = load_document(meta, summits)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if doc.id in docs:
            problems.append(Problem(str(meta), None, "id", f"document id {doc.id!r} already used by {docs[doc.id].path}"))
        docs[doc.id] = doc
    if problems:
        raise DataError(problems)
    return docs


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd  # type: ignore[import-untyped]  # pysbd ships no type information

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


@lru_cache(maxsize=64)
def _segment_text(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        if para.strip():
            for piece in _segmenter().segment(para):
                a, b = pos + piece.start, pos + piece.end
                # pysbd's spans may carry surrounding white space: trim it.
                while a < b and text[a].isspace():
                    a += 1
                while b > a and text[b - 1].isspace():
                    b -= 1
                if a < b:
                    spans.append((a, b))
        pos += len(para) + 1
    return tuple(spans)


def segment(document: Document) -> list[Segment]:
    """Split a document into sentences (headlines count as one).

    Paragraphs (lines) are split with ``pysbd``, which handles quotation marks
    and abbreviations; offsets are trimmed of white space and refer to the
    stored text, so ``document.text[s.start:s.end] == s.text`` always holds.
    """
    return [Segment(document.id, i, a, b, document.text[a:b]) for i, (a, b) in enumerate(_segment_text(document.text))]


def segments_frame(document: Document) -> pd.DataFrame:
    """Segments as a table with columns ``document_id, index, start, end, text``."""
    import pandas as pd

    segs = segment(document)
    return pd.DataFrame([s.__dict__ for s in segs], columns=["document_id", "index", "start", "end", "text"])


def sentence_of(segments: list[Segment], offset: int) -> int | None:
    """Index of the segment containing ``offset`` (or the nearest one before it)."""
    best = None
    for s in segments:
        if s.start <= offset:
            best = s.index
        if s.start <= offset < s.end:
            return s.index
    return best
