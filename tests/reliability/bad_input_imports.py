"""Bad-input cases: files to import (doccano, Label Studio, W3C, CSV, Parquet) and articles to add.

Each import case exports the real reference set in the format (the exporter is
the one users have), breaks one thing in the file, and imports it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_input import SEED, Corpus

CASES = Corpus()
case = CASES.case


def needs_formats():
    pytest.importorskip("toolkit.formats")


def exported(d: Path, w: Path, fmt: str) -> Path:
    needs_formats()
    from toolkit.formats import export_annotations

    out = w / {"doccano": "in.jsonl", "labelstudio": "in.json", "w3c": "in-w3c.json", "csv": "in.csv"}[fmt]
    export_annotations(fmt, out, data=d, sets=["reference"])
    return out


def import_argv(fmt: str, path: Path, d: Path, *extra: str) -> list[str]:
    return ["import", fmt, str(path), "--set", "imported", "--data", str(d), *extra]


def edit_json(path: Path, fn) -> None:
    obj = json.loads(path.read_text(encoding="utf-8"))
    fn(obj)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2), encoding="utf-8")


def edit_doccano_line(path: Path, n: int, fn) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    obj = json.loads(lines[n - 1])
    fn(obj)
    lines[n - 1] = json.dumps(obj, ensure_ascii=False)
    path.write_text("\n".join(lines), encoding="utf-8")


def ls_value(obj) -> dict:
    return obj[0]["annotations"][0]["result"][0]["value"]


def w3c_selectors(obj) -> list[dict]:
    return obj["first"]["items"][0]["target"]["selector"]


@case("import-doccano-bad-json", r"not valid JSON")
def _(d, w):
    p = exported(d, w, "doccano")
    p.write_bytes(p.read_bytes()[:200])
    return import_argv("doccano", p, d), p, 1, None


@case("import-doccano-empty-file", r"empty")
def _(d, w):
    p = exported(d, w, "doccano")
    p.write_bytes(b"")
    return import_argv("doccano", p, d), p, None, None


@case("import-doccano-offsets-out-of-range", r"out of range|past the end|beyond")
def _(d, w):
    p = exported(d, w, "doccano")
    edit_doccano_line(p, 1, lambda o: o["label"][0].__setitem__(1, 10_000_000))
    return import_argv("doccano", p, d), p, 1, "label[0]"


@case("import-doccano-offsets-reversed", r"offsets \W?188\W126\W? are out of range")
def _(d, w):
    p = exported(d, w, "doccano")
    edit_doccano_line(p, 1, lambda o: o["label"].__setitem__(0, [o["label"][0][1], o["label"][0][0], *o["label"][0][2:]]))
    return import_argv("doccano", p, d), p, 1, "label[0]"


@case("import-doccano-unknown-label", r"trade-war")
def _(d, w):
    p = exported(d, w, "doccano")
    p.write_text(p.read_text(encoding="utf-8").replace("/relations-dialogue/", "/trade-war/", 1), encoding="utf-8")
    return import_argv("doccano", p, d), p, 1, "label[0].issue"


@case("import-labelstudio-quote-mismatch", r"not the quote 'a quote that is not in the article'")
def _(d, w):
    p = exported(d, w, "labelstudio")
    edit_json(p, lambda o: ls_value(o).__setitem__("text", "a quote that is not in the article"))
    return import_argv("labelstudio", p, d), p, None, "[0].annotations[0].result[0].start"


@case("import-labelstudio-missing-start", r"missing start")
def _(d, w):
    p = exported(d, w, "labelstudio")
    edit_json(p, lambda o: ls_value(o).pop("start"))
    return import_argv("labelstudio", p, d), p, None, "[0].annotations[0].result[0].value"


@case("import-labelstudio-wrong-type", r"list")
def _(d, w):
    p = exported(d, w, "labelstudio")
    edit_json(p, lambda o: ls_value(o).__setitem__("labels", "issue:cyber"))
    return import_argv("labelstudio", p, d), p, None, "[0].annotations[0].result[0].value.labels"


@case("import-w3c-quote-mismatch", r"not the quote 'a quote that is not in the article'")
def _(d, w):
    p = exported(d, w, "w3c")
    edit_json(p, lambda o: w3c_selectors(o)[1].__setitem__("exact", "a quote that is not in the article"))
    return import_argv("w3c", p, d), p, None, "first.items[0].start"


@case("import-w3c-bad-json", r"not valid JSON")
def _(d, w):
    p = exported(d, w, "w3c")
    p.write_bytes(p.read_bytes()[:300])
    return import_argv("w3c", p, d), p, 12, None


@case("import-csv-missing-column", r"issue")
def _(d, w):
    p = exported(d, w, "csv")
    import csv as csvmod
    import io

    rows = list(csvmod.DictReader(io.StringIO(p.read_text(encoding="utf-8"), newline="")))
    cols = [c for c in rows[0] if c != "issue"]
    buf = io.StringIO()
    wr = csvmod.DictWriter(buf, cols, extrasaction="ignore", lineterminator="\n")
    wr.writeheader()
    wr.writerows(rows)
    p.write_text(buf.getvalue(), encoding="utf-8")
    return import_argv("csv", p, d), p, 1, "issue"


@case("import-csv-wrong-type", r"'high'")
def _(d, w):
    p = exported(d, w, "csv")
    text_ = p.read_text(encoding="utf-8")
    p.write_text(text_.replace(",US-Russia,US-Russia,2,", ",US-Russia,US-Russia,high,", 1), encoding="utf-8")
    return import_argv("csv", p, d), p, 2, "intensity"


@case("import-csv-latin1", r"UTF-8")
def _(d, w):
    p = exported(d, w, "csv")
    raw = p.read_bytes()
    nl = raw.index(b"\n")
    p.write_bytes(raw[: nl + 1] + b"caf\xe9" + raw[nl + 1 :])
    return import_argv("csv", p, d), p, 2, None


@case("import-parquet-corrupt", r"not a readable Parquet file")
def _(d, w):
    needs_formats()
    p = w / "in.parquet"
    p.write_bytes(b"PAR1" + b"\x00garbage" * 100)
    return import_argv("parquet", p, d), p, None, None


@case("import-set-traversal", r"set")
def _(d, w):
    p = exported(d, w, "doccano")
    return ["import", "doccano", str(p), "--set", "../x", "--data", str(d)], p, None, "set"


@case("import-annotator-traversal", r"annotator name '\.\./x' is not allowed")
def _(d, w):
    p = exported(d, w, "doccano")
    return import_argv("doccano", p, d, "--annotator", "../x"), p, 1, "annotator"


# --- articles (add-article) -----------------------------------------------
def article_argv(path: Path, d: Path, *extra: str, id: str = "2021-12-08-test-article") -> list[str]:
    pytest.importorskip("toolkit.corpus.articles")
    return ["add-article", str(path), "--id", id, "--summit", "2021-12-07-video", "--data", str(d), *extra]


def article_file(w: Path, raw: bytes) -> Path:
    p = w / "article.txt"
    p.write_bytes(raw)
    return p


SYNTHETIC_ARTICLE = "Synthetic test article.\nIt reports nothing real; it exists to test the loader.\n"


@case("article-latin1", r"UTF-8")
def _(d, w):
    p = article_file(w, SYNTHETIC_ARTICLE.encode() + "caf\u00e9\n".encode("latin-1"))
    return article_argv(p, d), p, 3, None


@case("article-empty", r"empty")
def _(d, w):
    p = article_file(w, b"")
    return article_argv(p, d), p, None, None


@case("article-id-traversal", r"slug")
def _(d, w):
    p = article_file(w, SYNTHETIC_ARTICLE.encode())
    return article_argv(p, d, id="../x"), p, None, "id"


@case("article-unknown-summit", r"summit")
def _(d, w):
    p = article_file(w, SYNTHETIC_ARTICLE.encode())
    argv = article_argv(p, d)
    argv[argv.index("--summit") + 1] = "2021-12-08-nowhere"
    return argv, p, None, "summit_id"


@case("article-url-not-http", r"not an http\(s\) URL")
def _(d, w):
    p = article_file(w, SYNTHETIC_ARTICLE.encode())
    return article_argv(p, d, "--url", "javascript:alert(1)"), p, None, "url"


@case("article-bad-date", r"not an ISO date")
def _(d, w):
    p = article_file(w, SYNTHETIC_ARTICLE.encode())
    return article_argv(p, d, "--published", "yesterday"), p, None, "published"


@case("article-duplicate-id", r"already exists")
def _(d, w):
    p = article_file(w, SYNTHETIC_ARTICLE.encode())
    return article_argv(p, d, id=SEED), d / "documents" / f"{SEED}.yaml", None, "id"
