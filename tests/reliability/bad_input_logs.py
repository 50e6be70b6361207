"""Bad-input cases: annotation logs (bad JSON, wrong types, unknown codes, offsets, encodings, torn tails)."""

from __future__ import annotations

import json

from bad_input import DROP, SEED, Corpus, op, student_log, validate

CASES = Corpus()
case = CASES.case


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
