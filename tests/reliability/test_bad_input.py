"""The bad-input corpus: every broken file gives one clear error and changes nothing.

Each case starts from a scratch copy of the project's real ``data/`` folder,
breaks one thing (a line of an annotation log, an entry of the codebook, a
summit, a document, a brief, an article to add, a file to import) and runs the
``summit-ledger`` command a user would run. Every case must:

* exit with code 1;
* print exactly one problem, naming the file, the line (where the file has
  lines) and the field (where one field is at fault), with a message that says
  what is wrong;
* print no traceback;
* write nothing: every file under the data folder and the scratch folder is
  byte-for-byte as before (no new files either).

The only other lines allowed are the validator's consequence notes ("codes not
checked: the codebook or summits failed to load") on annotation logs when the
codebook or summits themselves are the broken file; they are counted and
checked separately, never taken as the error.

The CLI runs in-process for speed; ``test_real_entry_point`` runs a few cases
through the installed ``summit-ledger`` script to show the two agree.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit.cli import main

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SEED = "2021-12-07-biden-putin-video-summit"
CONSEQUENCE = "codes not checked: the codebook or summits failed to load"
#: The importer's closing verdict after listing problems (not a problem of its own).
VERDICT = re.compile(r": nothing was imported \(\d+ problems?\); fix the records named above")
PROBLEM = re.compile(r"^(?P<file>.+?)(?:, line (?P<line>\d+))?(?:, field '(?P<field>[^']*)')?: (?P<msg>.+)$", re.S)


# ----------------------------------------------------------------- helpers
def nlines(path: Path) -> int:
    return path.read_bytes().count(b"\n")


def append(path: Path, text: str) -> int:
    """Append ``text`` (which starts a new line); return the 1-based line it starts on."""
    raw = path.read_bytes() if path.exists() else b""
    assert not raw or raw.endswith(b"\n")
    path.write_bytes(raw + text.encode("utf-8"))
    return raw.count(b"\n") + 1


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the single occurrence of ``old``; return the line it was on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}; the case needs updating"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line


def reference_op() -> dict:
    """The first operation of the real reference log, as a template for log lines."""
    with open(DATA / "annotations" / "reference" / "reference.jsonl", encoding="utf-8") as fh:
        return json.loads(fh.readline())


def student_log(data: Path, *bad_lines: dict | str | bytes, name: str = "student-1") -> Path:
    """A log in set ``class`` with one good line, then ``bad_lines``."""
    good = {**reference_op(), "annotator": name}
    log = data / "annotations" / "class" / f"{name}.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    out = json.dumps(good).encode() + b"\n"
    for bad in bad_lines:
        if isinstance(bad, dict):
            bad = json.dumps(bad)
        if isinstance(bad, str):
            bad = bad.encode("utf-8")
        out += bad + b"\n"
    log.write_bytes(out)
    return log


def op(**changes) -> dict:
    rec = {**reference_op(), "annotator": "student-1", **changes}
    return {k: v for k, v in rec.items() if v is not DROP}


DROP = object()


def snapshot(*roots: Path) -> dict[str, str]:
    """sha256 of every file under ``roots``.

    Empty ``*.lock`` files are left out: the file lock leaves them in place by
    design (waiters must share one inode), ``.gitignore`` lists them, and they
    hold no data.
    """
    out = {}
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file() and not (p.suffix == ".lock" and p.stat().st_size == 0):
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


# -------------------------------------------------------------------- cases
@dataclass(frozen=True)
class Case:
    """One broken input.

    ``setup(data, work)`` breaks something and returns ``(argv, file, line,
    field)``: the CLI arguments, and where the one error must point.
    ``match`` is a regular expression the message must match.
    """

    id: str
    setup: Callable[[Path, Path], tuple[list[str], Path, int | None, str | None]]
    match: str
    known_gap: str | None = None  # a reported shortfall: the case is xfail(strict) until it is fixed


CASES: list[Case] = []


def case(id: str, match: str, known_gap: str | None = None):
    def deco(fn):
        CASES.append(Case(id, fn, match, known_gap))
        return fn

    return deco


def validate(data: Path) -> list[str]:
    return ["validate", str(data)]


# --- annotation logs ------------------------------------------------------
@case("log-bad-json", r"not valid JSON")
def _(d, w):
    log = student_log(d, '{"op": "upsert", "id": "x", ')
    return validate(d), log, 2, None


@case("log-not-an-object", r"expected a JSON object")
def _(d, w):
    return validate(d), student_log(d, "[1, 2, 3]"), 2, None


@case("log-unknown-op", r"'insert' is not an operation")
def _(d, w):
    return validate(d), student_log(d, op(op="insert")), 2, "op"


@case("log-missing-id", r"missing")
def _(d, w):
    return validate(d), student_log(d, op(id=DROP)), 2, "id"


@case("log-missing-field", r"missing")
def _(d, w):
    return validate(d), student_log(d, op(issue=DROP)), 2, "issue"


@case("log-wrong-type-intensity", r"expected int, got str")
def _(d, w):
    return validate(d), student_log(d, op(intensity="2")), 2, "intensity"


@case("log-wrong-type-start-bool", r"expected int, got bool")
def _(d, w):
    return validate(d), student_log(d, op(start=True)), 2, "start"


@case("log-unknown-issue", r"'trade-war' is not a issue in codebook")
def _(d, w):
    return validate(d), student_log(d, op(issue="trade-war")), 2, "issue"


@case("log-unknown-actor", r"'Atlantis' is not a actor")
def _(d, w):
    return validate(d), student_log(d, op(actor="Atlantis")), 2, "actor"


@case("log-unknown-stance", r"'neutral' is not a stance")
def _(d, w):
    return validate(d), student_log(d, op(stance="neutral")), 2, "stance"


@case("log-intensity-out-of-scale", r"4 is not a intensity")
def _(d, w):
    return validate(d), student_log(d, op(intensity=4)), 2, "intensity"


@case("log-offsets-reversed", r"end 126 must be greater than start 188")
def _(d, w):
    return validate(d), student_log(d, op(start=188, end=126)), 2, "end"


@case("log-offset-negative", r"-5 is negative")
def _(d, w):
    return validate(d), student_log(d, op(start=-5)), 2, "start"


@case("log-offset-past-end", r"past the end of " + SEED)
def _(d, w):
    return validate(d), student_log(d, op(start=10, end=10_000_000)), 2, "end"


@case("log-quote-mismatch", r"not the recorded quote")
def _(d, w):
    return validate(d), student_log(d, op(quote="the US and Russia both DENIED the virtual summit on Tuesday")), 2, "quote"


@case("log-unknown-summit", r"not in summits.yaml")
def _(d, w):
    return validate(d), student_log(d, op(summit_id="2021-12-08-nowhere")), 2, "summit_id"


@case("log-unknown-document", r"not a known document")
def _(d, w):
    return validate(d), student_log(d, op(document_id="no-such-article")), 2, "document_id"


@case("log-unknown-status", r"'lost' unknown")
def _(d, w):
    return validate(d), student_log(d, op(status="lost")), 2, "status"


@case("log-annotator-of-another-log", r"'student-2' in the log of 'student-1'")
def _(d, w):
    return validate(d), student_log(d, op(annotator="student-2", id="another")), 2, "annotator"


@case("log-path-traversal-annotator", r"annotator name '\.\./x' is not allowed")
def _(d, w):
    return validate(d), student_log(d, op(annotator="../x", id="another")), 2, "annotator"


@case("log-delete-of-unknown-id", r"not live here")
def _(d, w):
    return (
        validate(d),
        student_log(d, {"op": "delete", "op_id": "0", "at": "2026-01-01T00:00:00Z", "id": "nosuchid", "annotator": "student-1"}),
        2,
        "id",
    )


@case("log-latin1-bytes", r"not valid UTF-8")
def _(d, w):
    line = json.dumps(op(note="caf\u00e9"), ensure_ascii=False).encode("latin-1")
    return validate(d), student_log(d, line), 2, None


@case("log-bom", r"not valid JSON \(Unexpected UTF-8 BOM")
def _(d, w):
    log = d / "annotations" / "class" / "student-1.jsonl"
    log.parent.mkdir(parents=True)
    log.write_bytes(b"\xef\xbb\xbf" + json.dumps(op()).encode() + b"\n")
    return validate(d), log, 1, None


@case("log-50mb-line", r"not valid JSON")
def _(d, w):
    blob = '{"op": "upsert", "note": "' + "A" * (50 * 1024 * 1024)  # unterminated: a pasted blob
    return validate(d), student_log(d, blob), 2, None


@case("log-torn-tail", r"incomplete last line")
def _(d, w):
    log = student_log(d)
    with open(log, "ab") as fh:
        fh.write(json.dumps(op(id="torn")).encode()[:50])
    return validate(d), log, 2, None


@case("log-bad-file-name", r"annotator name 'bad name' is not allowed")
def _(d, w):
    log = d / "annotations" / "class" / "bad name.jsonl"
    log.parent.mkdir(parents=True)
    log.write_bytes(json.dumps(op()).encode() + b"\n")
    return validate(d), log, None, None


# --- codebook ------------------------------------------------------------
def cb(d: Path) -> Path:
    return d / "codebook.yaml"


@case("codebook-yaml-syntax", r"YAML syntax error")
def _(d, w):
    line = append(cb(d), "  - id: broken\n    label: [unclosed\n")
    return validate(d), cb(d), line + 2, None


@case("codebook-empty", r"file is empty")
def _(d, w):
    cb(d).write_bytes(b"")
    return validate(d), cb(d), None, None


@case("codebook-bom", r"byte-order mark")
def _(d, w):
    cb(d).write_bytes(b"\xef\xbb\xbf" + cb(d).read_bytes())
    return validate(d), cb(d), 1, None


@case("codebook-latin1", r"not valid UTF-8")
def _(d, w):
    line = append(cb(d), "")  # line number of the appended text
    cb(d).write_bytes(cb(d).read_bytes() + "  - id: caf\u00e9\n".encode("latin-1"))
    return validate(d), cb(d), line, None


@case("codebook-not-a-mapping", r"must be a mapping")
def _(d, w):
    cb(d).write_text("- just\n- a list\n", encoding="utf-8")
    return validate(d), cb(d), None, None


@case("codebook-issue-missing-label", r"missing")
def _(d, w):
    line = append(cb(d), "  - id: new-issue\n    definition: A test issue.\n")
    return validate(d), cb(d), line, "label"


@case("codebook-duplicate-issue-id", r"'cyber' listed twice")
def _(d, w):
    line = append(cb(d), "  - id: cyber\n    label: Cyber again\n    definition: A duplicate.\n")
    return validate(d), cb(d), line, "id"


@case("codebook-unknown-plover-context", r"'weather' is not a PLOVER context")
def _(d, w):
    line = append(cb(d), "  - id: new-issue\n    label: New\n    definition: A test issue.\n    plover_context: weather\n")
    return validate(d), cb(d), line, "plover_context"


@case("codebook-keywords-wrong-type", r"must be a list of non-empty strings")
def _(d, w):
    line = append(cb(d), "  - id: new-issue\n    label: New\n    definition: A test issue.\n    keywords: sanctions\n")
    return validate(d), cb(d), line, "keywords"


@case("codebook-positive-grievance-score", r"must be negative")
def _(d, w):
    replace_once(cb(d), "score: {grievance: -2.0, goodwill: 3.5}", "score: {grievance: 2.0, goodwill: 3.5}")
    lines = cb(d).read_text(encoding="utf-8").split("\n")
    line = lines.index("  - level: 1") + 1  # problems point at the start of the entry
    return validate(d), cb(d), line, "score.grievance"


@case("codebook-python-tag", r"YAML syntax error")
def _(d, w):
    line = append(cb(d), "  - !!python/object/apply:os.system ['echo pwned']\n")
    return validate(d), cb(d), line, None


# --- summits -------------------------------------------------------------
def sm(d: Path) -> Path:
    return d / "summits.yaml"


SUMMIT = (
    '- id: 2022-03-01-test\n  date: "2022-03-01"\n  place: Test\n  format: video\n  parties: [US, Russia]\n'
    "  label: Test 2022\n  sources: [https://example.org/test]\n"
)


@case("summits-bad-date", r"'2022-13-45' is not an ISO date")
def _(d, w):
    line = append(sm(d), SUMMIT.replace("id: 2022-03-01-test", "id: 2022-13-45-test").replace('"2022-03-01"', '"2022-13-45"'))
    return validate(d), sm(d), line, "date"


@case("summits-id-date-mismatch", r"does not start with its date")
def _(d, w):
    line = append(sm(d), SUMMIT.replace('"2022-03-01"', '"2022-03-02"'))
    return validate(d), sm(d), line, "id"


@case("summits-unknown-format", r"'hologram' unknown")
def _(d, w):
    line = append(sm(d), SUMMIT.replace("format: video", "format: hologram"))
    return validate(d), sm(d), line, "format"


@case("summits-unknown-party", r"'Atlantis' is not an actor")
def _(d, w):
    line = append(sm(d), SUMMIT.replace("[US, Russia]", "[US, Atlantis]"))
    return validate(d), sm(d), line, "parties"


@case("summits-duplicate-id", r"listed twice")
def _(d, w):
    append(sm(d), SUMMIT)
    line = append(sm(d), SUMMIT)
    return validate(d), sm(d), line, "id"


@case("summits-missing-place", r"missing")
def _(d, w):
    line = append(sm(d), SUMMIT.replace("  place: Test\n", ""))
    return validate(d), sm(d), line, "place"


@case("summits-source-not-url", r"not an http\(s\) URL")
def _(d, w):
    line = append(sm(d), SUMMIT.replace("https://example.org/test", "javascript:alert(1)"))
    return validate(d), sm(d), line, "sources"


@case("summits-empty", r"file is empty")
def _(d, w):
    sm(d).write_bytes(b"\n")
    return validate(d), sm(d), None, None


# --- documents -----------------------------------------------------------
def meta(d: Path) -> Path:
    return d / "documents" / f"{SEED}.yaml"


def text(d: Path) -> Path:
    return d / "documents" / f"{SEED}.txt"


@case("document-text-edited", r"no longer matches its recorded sha256")
def _(d, w):
    text(d).write_bytes(text(d).read_bytes().replace(b"Geneva", b"Genf", 1))
    return validate(d), meta(d), 1, "sha256"


@case("document-text-crlf", r"carriage return found")
def _(d, w):
    raw = text(d).read_bytes()
    text(d).write_bytes(raw.replace(b"\n", b"\r\n"))
    replace_once(meta(d), hashlib.sha256(raw).hexdigest(), hashlib.sha256(text(d).read_bytes()).hexdigest())
    return validate(d), text(d), 1, None


@case("document-text-latin1", r"not valid UTF-8")
def _(d, w):
    raw = text(d).read_bytes()
    first_nl = raw.index(b"\n")
    text(d).write_bytes(raw[: first_nl + 1] + "caf\u00e9 ".encode("latin-1") + raw[first_nl + 1 :])
    return validate(d), text(d), 2, None


@case("document-text-bom", r"byte-order mark")
def _(d, w):
    text(d).write_bytes(b"\xef\xbb\xbf" + text(d).read_bytes())
    return validate(d), text(d), 1, None


@case("document-text-file-traversal", r"must be a plain file name")
def _(d, w):
    replace_once(meta(d), f"text_file: {SEED}.txt", "text_file: ../../etc/passwd")
    return validate(d), meta(d), 1, "text_file"


@case("document-id-traversal", r"must be a lower-case slug")
def _(d, w):
    replace_once(meta(d), f"id: {SEED}", "id: ../x")
    return validate(d), meta(d), 1, "id"


@case("document-unknown-summit", r"not in summits.yaml")
def _(d, w):
    replace_once(meta(d), "summit_id: 2021-12-07-video", "summit_id: 2021-12-08-nowhere")
    return validate(d), meta(d), 1, "summit_id"


@case("document-bad-published-date", r"not an ISO date")
def _(d, w):
    replace_once(meta(d), 'published: "2021-12-07"', 'published: "7 December 2021"')
    return validate(d), meta(d), 1, "published"


@case("document-missing-title", r"missing")
def _(d, w):
    text_ = meta(d).read_text(encoding="utf-8")
    meta(d).write_text("\n".join(ln for ln in text_.split("\n") if not ln.startswith("title:")), encoding="utf-8")
    return validate(d), meta(d), 1, "title"


@case("document-duplicate-id", r"used twice")
def _(d, w):
    shutil.copy(meta(d), d / "documents" / "zz-copy.yaml")
    return validate(d), d / "documents" / "zz-copy.yaml", None, "id"


# --- briefs --------------------------------------------------------------
def br(d: Path) -> Path:
    return d / "briefs.yaml"


BRIEF = (
    "- summit_id: 2021-06-16-geneva\n  issue: cyber\n  stance: grievance\n  actor: US\n  target: Russia\n"
    "  intensity: 1\n  description: A synthetic test brief.\n  source_url: https://example.org/brief\n"
)


def needs_briefs():
    if not (DATA / "briefs.yaml").exists():
        pytest.skip("no data/briefs.yaml yet")


@case("brief-unknown-issue", r"'trade-war' is not a issue")
def _(d, w):
    needs_briefs()
    line = append(br(d), BRIEF.replace("issue: cyber", "issue: trade-war"))
    return validate(d), br(d), line, "issue"


@case("brief-missing-description", r"missing")
def _(d, w):
    needs_briefs()
    line = append(br(d), BRIEF.replace("  description: A synthetic test brief.\n", ""))
    return validate(d), br(d), line, "description"


@case("brief-intensity-wrong-type", r"expected 1, 2 or 3")
def _(d, w):
    needs_briefs()
    line = append(br(d), BRIEF.replace("intensity: 1", "intensity: high"))
    return validate(d), br(d), line, "intensity"


@case("brief-source-not-url", r"not an http\(s\) URL")
def _(d, w):
    needs_briefs()
    line = append(br(d), BRIEF.replace("https://example.org/brief", "file:///etc/passwd"))
    return validate(d), br(d), line, "source_url"


@case("brief-wrong-id", r"is not this brief's content hash")
def _(d, w):
    needs_briefs()
    line = append(br(d), BRIEF + "  id: b000000000000\n")
    return validate(d), br(d), line, "id"


@case("brief-unknown-field", r"unknown field")
def _(d, w):
    needs_briefs()
    line = append(br(d), BRIEF + "  <script>: alert(1)\n")
    return validate(d), br(d), line, "<script>"


# --- import formats -------------------------------------------------------
# Each case exports the real reference set in the format (the exporter is
# the one users have), breaks one thing in the file, and imports it.
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
    pytest.importorskip("toolkit.articles")
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


# ------------------------------------------------------------------ runner
@pytest.fixture
def dirs(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak"))
    work = tmp_path / "work"
    work.mkdir()
    return data, work


def parse_problems(out: str, err: str) -> tuple[list[str], list[str]]:
    """Problem lines the CLI printed (validate indents them; other commands say 'error: ')."""
    lines = [ln[4:] for ln in out.splitlines() if ln.startswith("    ")]
    lines += [ln[len("error: ") :] for ln in err.splitlines() if ln.startswith("error: ")]
    consequences = [ln for ln in lines if ln.endswith(CONSEQUENCE) or VERDICT.search(ln)]
    return [ln for ln in lines if ln not in consequences], consequences


def run_case(c: Case, dirs, capsys):
    data, work = dirs
    argv, file, line, field = c.setup(data, work)
    capsys.readouterr()
    before = snapshot(data, work)
    rc = main(argv)
    out, err = capsys.readouterr()
    return argv, file, line, field, before, rc, out, err


def test_corpus_is_big_enough():
    assert len([c for c in CASES if not c.known_gap]) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "c",
    [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.known_gap)] if c.known_gap else []) for c in CASES],
)
def test_bad_input_gives_one_clear_error(c, dirs, capsys):
    data, work = dirs
    argv, file, line, field, before, rc, out, err = run_case(c, dirs, capsys)
    assert "Traceback" not in out + err
    assert rc == 1, f"exit code {rc}\n{out}\n{err}"
    problems, consequences = parse_problems(out, err)
    assert len(problems) == 1, "expected one problem, got:\n" + "\n".join(problems)
    for note in consequences:  # codebook/summits knock-on notes, or the importer's one verdict line
        assert VERDICT.search(note) or file.name in ("codebook.yaml", "summits.yaml"), note
    assert sum(bool(VERDICT.search(n)) for n in consequences) <= 1
    m = PROBLEM.match(problems[0])
    assert m, problems[0]
    assert m["file"] == str(file), f"names {m['file']}, expected {file}"
    assert (int(m["line"]) if m["line"] else None) == line, problems[0]
    assert m["field"] == field, problems[0]
    assert re.search(c.match, m["msg"]), f"message {m['msg']!r} does not match {c.match!r}"
    assert len(problems[0]) < 1000, "the message echoes too much of the input"
    assert snapshot(data, work) == before, "the command wrote or changed files"


@pytest.mark.parametrize("case_id", ["log-quote-mismatch", "codebook-bom", "document-text-crlf"])
def test_real_entry_point(case_id, dirs):
    """The installed ``summit-ledger`` script behaves as the in-process call."""
    c = next(c for c in CASES if c.id == case_id)
    data, work = dirs
    argv, file, line, field = c.setup(data, work)
    before = snapshot(data, work)
    exe = Path(sys.executable).with_name("summit-ledger")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "toolkit.cli"]
    proc = subprocess.run(
        cmd + argv, capture_output=True, text=True, cwd=work, timeout=120, env={**os.environ, "PYTHONWARNINGS": "ignore"}
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    problems, _ = parse_problems(proc.stdout, proc.stderr)
    assert len(problems) == 1 and problems[0].startswith(str(file))
    assert snapshot(data, work) == before
