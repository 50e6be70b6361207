"""``summit-ledger add-article FILE --id ID --summit SUMMIT_ID``: add an article's text and metadata."""

from __future__ import annotations

import argparse

from toolkit.corpus.articles import add_article
from toolkit.corpus.documents import Document

HELP = "add an article (UTF-8 text file) to data/documents: normalised to LF and NFC, sha256 recorded"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the article as a UTF-8 text file")
    parser.add_argument("--id", required=True, help="document id: a lower-case slug, e.g. 2021-12-08-kremlin-readout")
    parser.add_argument("--summit", required=True, dest="summit_id", help="id of the summit it is about (see summits.yaml)")
    parser.add_argument("--title", help="title (default: the first line of the text)")
    parser.add_argument("--source", default="", help="outlet or other provenance")
    parser.add_argument("--url", help="where the article was published (http or https)")
    parser.add_argument("--published", help="publication date, YYYY-MM-DD")
    parser.add_argument("--language", default="en", help="language code (default: en)")
    parser.add_argument("--data", help="the project folder (default: found by discovery)")


def run(args: argparse.Namespace) -> int:
    added = add_article(
        args.file,
        id=args.id,
        summit_id=args.summit_id,
        title=args.title,
        source=args.source,
        url=args.url,
        published=args.published,
        language=args.language,
        data=args.data,
    )
    doc = added.document
    if not isinstance(doc, Document):  # add_article loads the stored document back
        raise TypeError(f"add_article returned {type(doc).__name__}, not a Document")
    print(f"added {doc.id}: {len(doc.text)} characters, sha256 {doc.sha256[:12]}…, summit {doc.summit_id}")
    print(f"  {added.text_path}")
    print(f"  {added.meta_path}")
    for change in added.changes:
        print(f"  normalised: {change}")
    if not added.changes:
        print("  the text was already LF and NFC; stored unchanged")
    return 0
