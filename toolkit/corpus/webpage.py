"""Articles from the web: the main text and metadata of an HTML page, and near-duplicate texts.

Researchers collect news articles and official readouts as web pages. A page is
read with trafilatura, a maintained main-text extractor, which drops menus,
footers and comments and finds the title, date and outlet; the language comes
from the page's ``lang`` attribute. The raw page's sha256 is kept with the
article, so anyone can check later that a stored text came from that page.

A page is fetched from a URL only over http(s), with a timeout and a size
limit, and never through a ``file:`` or other scheme.

Near-duplicates (one wire story re-published by several outlets) are found by
comparing a new text with every stored one (rapidfuzz's normalised
Indel similarity, 0 to 1).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from toolkit.errors import DataError

__all__ = [
    "MAX_PAGE_BYTES",
    "FETCH_TIMEOUT",
    "DUPLICATE_SIMILARITY",
    "WebPage",
    "is_html",
    "read_page",
    "fetch_page",
    "near_duplicates",
]

#: Largest page read from a file or a URL (bytes); news pages are far smaller.
MAX_PAGE_BYTES = 20 * 1024 * 1024
#: Seconds to wait for a web server.
FETCH_TIMEOUT = 30.0
#: Texts at least this similar (0 to 1) to a stored one are near-duplicates.
DUPLICATE_SIMILARITY = 0.9

_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class WebPage:
    """What was read from one HTML page.

    Attributes
    ----------
    text : str
        The main text, one paragraph a line.
    title, published, outlet, language : str or None
        Metadata found in the page (``published`` as ``YYYY-MM-DD``); None when the page says nothing.
    url : str or None
        Where the page came from (the page's canonical URL when it gives one and none was given).
    page_sha256 : str
        sha256 of the raw page bytes, as read.
    """

    text: str
    title: str | None
    published: str | None
    outlet: str | None
    language: str | None
    url: str | None
    page_sha256: str


def is_html(data: bytes, name: str = "") -> bool:
    """True when ``data`` (a file's first bytes) or its file name look like an HTML page."""
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower()


def _page_language(raw: bytes) -> str | None:
    import lxml.html

    try:
        root = lxml.html.fromstring(raw)
    except (ValueError, lxml.etree.ParserError):
        return None
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        metas = root.xpath('//meta[translate(@http-equiv,"CONTENT-LANGUAGE","content-language")="content-language"]/@content')
        lang = metas[0] if metas else None
    if not lang:
        return None
    lang = str(lang).strip().split(",")[0].strip()
    if not _LANG.fullmatch(lang):
        return None
    base, _, rest = lang.partition("-")
    return base.lower() + (f"-{rest}" if rest else "")


def read_page(raw: bytes, *, url: str | None = None, source: str = "<page>") -> WebPage:
    """Extract the main text and metadata of an HTML page.

    Parameters
    ----------
    raw : bytes
        The page as it was saved or served.
    url : str, optional
        Where it was published (helps the extractor and is stored).
    source : str
        Name used in error messages (the file or URL).

    Raises
    ------
    DataError
        The page is too large, or no main text could be found in it.
    """
    import trafilatura

    if len(raw) > MAX_PAGE_BYTES:
        raise DataError.at(source, None, None, f"the page is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB; not read")
    digest = hashlib.sha256(raw).hexdigest()
    doc = trafilatura.bare_extraction(raw, url=url, with_metadata=True, include_comments=False, include_tables=False)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not str(text).strip():
        raise DataError.at(
            source,
            None,
            None,
            "no article text found in this page; save the article's own page (not an index or a log-in page), "
            "or copy its text into a .txt file and add that",
        )

    def meta(name: str) -> str | None:
        value = getattr(doc, name, None)
        return str(value).strip() or None if value else None

    page_url = url or meta("url")
    if page_url is not None and not page_url.startswith(("http://", "https://")):
        page_url = None
    published = meta("date")
    if published is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        published = None
    return WebPage(
        text=str(text),
        title=meta("title"),
        published=published,
        outlet=meta("sitename"),
        language=_page_language(raw),
        url=page_url,
        page_sha256=digest,
    )


def fetch_page(url: str, *, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_PAGE_BYTES) -> bytes:
    """The raw bytes served at an http(s) ``url`` (redirects followed, at most ``max_bytes``).

    Raises
    ------
    DataError
        Not an http(s) URL, the server answered with an error or could not be
        reached, or the page is too large; the message names the URL.
    """
    import urllib.error
    import urllib.request

    if not isinstance(url, str) or not re.match(r"https?://[^\s/]+", url):
        raise DataError.at(url, None, "url", "not an http(s) URL; give the page's address, e.g. https://example.org/article")
    request = urllib.request.Request(url, headers={"User-Agent": "summit-ledger (research annotation)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - the scheme is checked above
            data = resp.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise DataError.at(url, None, "url", f"the server answered {exc.code} {exc.reason}; nothing was added") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DataError.at(url, None, "url", f"could not fetch the page ({reason}); nothing was added") from None
    if len(data) > max_bytes:
        raise DataError.at(url, None, "url", f"the page is larger than {max_bytes // (1024 * 1024)} MB; not read")
    return data


def near_duplicates(
    text: str, stored: Mapping[str, str] | Iterable[tuple[str, str]], *, threshold: float = DUPLICATE_SIMILARITY
) -> list[tuple[str, float]]:
    """Stored texts at least ``threshold`` similar to ``text``, most similar first.

    Parameters
    ----------
    text : str
        The new article's text.
    stored : mapping or iterable of (id, text)
        The texts already in the corpus.
    threshold : float
        0 to 1; 1 means identical.

    Returns
    -------
    list of (id, similarity)
    """
    from rapidfuzz import fuzz, utils

    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
    items = stored.items() if isinstance(stored, Mapping) else stored
    probe = utils.default_process(text)
    hits = []
    for doc_id, other in items:
        score = fuzz.ratio(probe, utils.default_process(other), score_cutoff=threshold * 100) / 100
        if score >= threshold:
            hits.append((doc_id, round(score, 3)))
    return sorted(hits, key=lambda h: (-h[1], h[0]))
