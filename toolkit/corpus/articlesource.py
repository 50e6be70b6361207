"""Where an article's text comes from, for ``add-article`` and ``add-articles``.

A text file, a saved HTML page or a page fetched from a URL: each is read with
a size limit, never through a symbolic link or from anything but a regular
file, and an HTML page is reduced to its main text and metadata
(:mod:`toolkit.corpus.webpage`). Near-duplicates of stored texts are refused here
with their similarity.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from toolkit._io import read_yaml
from toolkit.corpus.webpage import MAX_PAGE_BYTES, WebPage, fetch_page, is_html, near_duplicates, read_page
from toolkit.errors import DataError, Problem

__all__ = [
    "NormalisedText",
    "normalise_text",
    "ArticleSource",
    "read_article_source",
    "read_user_file",
    "default_id",
    "refuse_near_duplicates",
]


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
class ArticleSource:
    """An article's text as read (bytes of a text file, or a page's extracted text), and the page if it was one."""

    where: str
    text: str | bytes
    page: WebPage | None


def read_user_file(path: Path, *, limit: int | None = None, where: str | None = None) -> bytes:
    """The bytes of a user's file: a regular file (no symbolic link followed), at most ``limit`` bytes.

    Raises
    ------
    DataError
        Naming the file: not found, a link, a folder or a device, or too large.
    """
    where = where or str(path)
    limit = MAX_PAGE_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DataError.at(where, None, "file", "file not found") from None
    except OSError as exc:
        if os.path.islink(path):
            raise DataError.at(where, None, "file", "is a symbolic link; give the file itself") from None
        raise DataError.at(where, None, "file", f"cannot be read ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise DataError.at(
                where, None, "file", "is not a regular file (a folder, a device or a pipe); give a text or HTML file"
            )
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise DataError.at(where, None, "file", f"is larger than {limit:,} bytes; an article is far smaller")
    return data


def read_article_source(file: str | os.PathLike | None, *, url: str | None = None, fetch: bool = False) -> ArticleSource:
    """Read an article from a text file, a saved HTML page, or (``fetch=True``) the page at ``url``."""
    if fetch:
        if not url:
            raise ValueError("fetch=True needs url")
        page = read_page(fetch_page(url), url=url, source=url)
        return ArticleSource(url, page.text, page)
    if file is None:
        raise ValueError("give a file, or a url with fetch=True")
    src = Path(os.fspath(file))
    raw = read_user_file(src)
    if is_html(raw, src.name):
        page = read_page(raw, url=url, source=str(src))
        return ArticleSource(str(src), page.text, page)
    return ArticleSource(str(src), raw, None)


def default_id(published: str | None, title: str) -> str:
    """A document id made from the date and the first words of the title: ``2021-06-16-leaders-meet-in-geneva``."""
    ascii_title = unicodedata.normalize("NFKD", title.split("\n", 1)[0]).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_title)[:8]
    slug = "-".join(([published] if published else []) + words)[:80].strip("-")
    return slug or "article"


def stored_texts(docs_dir: Path) -> list[tuple[str, str]]:
    """(id, text) of every readable document in ``docs_dir`` (unreadable ones are validate's business)."""
    stored: list[tuple[str, str]] = []
    for meta_path in sorted(docs_dir.glob("*.yaml")):
        try:
            meta = read_yaml(meta_path)
        except DataError:
            continue
        if not isinstance(meta, dict) or not isinstance(meta.get("text_file"), str):
            continue
        text_path = docs_dir / os.path.basename(meta["text_file"])
        try:
            stored.append((str(meta.get("id")), text_path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return stored


def refuse_near_duplicates(text: str, docs_dir: Path, where: str) -> None:
    """Raise when a stored document's text is nearly ``text`` (called under the documents' lock)."""
    hits = near_duplicates(text, stored_texts(docs_dir))
    if hits:
        listed = ", ".join(f"{doc_id!r} (similarity {score:.2f})" for doc_id, score in hits[:5])
        raise DataError(
            [
                Problem(
                    where,
                    None,
                    "text",
                    f"nearly the same text is stored already: {listed}; "
                    "not added (a re-published wire story?). Add it anyway with --allow-duplicate",
                )
            ]
        )
