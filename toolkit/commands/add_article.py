"""``summit-ledger add-article FILE|--url URL --summit SUMMIT_ID``: add an article's text and metadata."""

from __future__ import annotations

import argparse

from toolkit.corpus.articles import add_article
from toolkit.corpus.documents import Document

HELP = (
    "add an article to the project's documents/: a UTF-8 text file, a saved HTML page (main text and metadata "
    "extracted) or --url to fetch a page; text normalised to LF and NFC, sha256 recorded"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="the article: a UTF-8 text file or a saved HTML page (omit with --url)")
    parser.add_argument(
        "--url",
        help="where the article was published (http or https); without FILE, the page is fetched from it",
    )
    parser.add_argument(
        "--id", help="document id: a lower-case slug, e.g. 2021-12-08-kremlin-readout (default: from the date and title)"
    )
    parser.add_argument("--summit", required=True, dest="summit_id", help="id of the summit it is about (see summits.yaml)")
    parser.add_argument("--title", help="title (default: the page's title, else the first line of the text)")
    parser.add_argument("--outlet", "--source", dest="outlet", help="outlet or other provenance (default: the page's site name)")
    parser.add_argument("--country", help="the outlet's country, e.g. US, RU")
    parser.add_argument("--source-kind", help="kind of source, e.g. press, wire, official-us, official-ru")
    parser.add_argument("--published", help="publication date, YYYY-MM-DD (default: the page's date)")
    parser.add_argument("--language", help="language code (default: the page's language, else en)")
    parser.add_argument(
        "--allow-duplicate",
        action="store_true",
        help="add the text even when a stored article is nearly the same (a re-published wire story)",
    )
    parser.add_argument("--data", help="the project folder (default: found by discovery)")


def run(args: argparse.Namespace) -> int:
    if args.file is None and not args.url:
        raise SystemExit("summit-ledger add-article: error: give FILE (a text file or a saved HTML page) or --url URL")
    added = add_article(
        args.file,
        id=args.id,
        summit_id=args.summit_id,
        title=args.title,
        outlet=args.outlet,
        country=args.country,
        source_kind=args.source_kind,
        url=args.url,
        fetch=args.file is None,
        published=args.published,
        language=args.language,
        allow_duplicate=args.allow_duplicate,
        data=args.data,
    )
    doc = added.document
    if not isinstance(doc, Document):  # add_article loads the stored document back
        raise TypeError(f"add_article returned {type(doc).__name__}, not a Document")
    print(f"added {doc.id}: {len(doc.text)} characters, sha256 {doc.sha256[:12]}…, summit {doc.summit_id}")
    print(f"  title: {doc.title}")
    print(f"  {added.text_path}")
    print(f"  {added.meta_path}")
    for change in added.changes:
        print(f"  normalised: {change}")
    if not added.changes:
        print("  the text was already LF and NFC; stored unchanged")
    print(f"  next: annotate it in notebooks/01_annotate.ipynb (document {doc.id})")
    return 0
