"""Bad-input cases: the project's own files (codebook, summits, documents, briefs)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from bad_input import DATA, SEED, Corpus, append, replace_once, validate

CASES = Corpus()
case = CASES.case


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


@case("codebook-unknown-plover-context", r"'weather' is not a general context of PLOVER 2.0")
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
