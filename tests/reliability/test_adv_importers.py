"""Adversarial suite, area *importers*: hostile doccano, Label Studio, W3C, CSV and Parquet files.

Each case exports the real reference set with the toolkit's own exporter,
breaks one thing (a wrong JSON type, a huge integer, deep nesting, a
duplicate key, a digit that is not ASCII, a column of lists, ...) and imports
it: one error naming the file, line or record path and field, nothing written
(issue 10, defects 6, 10, 11). The last group covers annotator names built
from foreign identities (defect 6). Synthetic inputs only.
"""

from __future__ import annotations

import csv as csvmod
import io
import json
from pathlib import Path

import pytest
from adversarial import ANY, copy_data, dirs, exported, refused, run, snapshot  # noqa: F401 (dirs is a fixture)


def argv(fmt: str, path: Path, data: Path, *extra) -> list:
    return ["import", fmt, path, "--set", "imported", "--data", data, *extra]


# --- doccano: edit line 1 -----------------------------------------------------------------
def doccano_edit(fn, variant="label"):
    def setup(d, w):
        p = exported(d, w, "doccano", variant=variant)
        lines = p.read_text(encoding="utf-8").split("\n")
        obj = json.loads(lines[0])
        res = fn(obj)
        lines[0] = res if isinstance(res, str) else json.dumps(obj, ensure_ascii=False)
        p.write_text("\n".join(lines), encoding="utf-8")
        return p

    return setup


DOCCANO = {
    "relations-a-number": (doccano_edit(lambda o: o.__setitem__("relations", 5), "entities"), 1, "relations", r"must be a list"),
    "relations-a-string": (
        doccano_edit(lambda o: o.__setitem__("relations", "x"), "entities"),
        1,
        "relations",
        r"must be a list",
    ),
    "entities-a-number": (doccano_edit(lambda o: o.__setitem__("entities", 5), "entities"), 1, "entities", r"must be a list"),
    "entity-a-string": (
        doccano_edit(lambda o: o["entities"].__setitem__(0, "x"), "entities"),
        1,
        "entities[0]",
        r"must be an object",
    ),
    "entity-missing-label": (
        doccano_edit(lambda o: o["entities"][0].__delitem__("label"), "entities"),
        1,
        "entities[0]",
        r"missing label",
    ),
    "entity-start-a-list": (
        doccano_edit(lambda o: o["entities"][0].__setitem__("start_offset", [1]), "entities"),
        1,
        "entities[0]",
        r"out of range|integer",
    ),
    "label-a-number": (doccano_edit(lambda o: o.__setitem__("label", 5)), 1, "label", r"must be a list"),
    "label-item-short": (doccano_edit(lambda o: o["label"].__setitem__(0, [1, 2])), 1, "label[0]", r"expected \[start, end"),
    "label-offsets-strings": (
        doccano_edit(lambda o: o["label"].__setitem__(0, ["a", "b", o["label"][0][2]])),
        1,
        "label[0]",
        r"out of range",
    ),
    "label-offsets-floats": (
        doccano_edit(lambda o: o["label"].__setitem__(0, [1.5, 9.5, o["label"][0][2]])),
        1,
        "label[0]",
        r"out of range",
    ),
    "label-value-a-list": (doccano_edit(lambda o: o["label"][0].__setitem__(2, ["x"])), 1, ANY, r"label"),
    "label-value-a-number": (doccano_edit(lambda o: o["label"][0].__setitem__(2, 7)), 1, ANY, r"label"),
    "text-a-number": (doccano_edit(lambda o: o.__setitem__("text", 5)), 1, "text", r"missing"),
    "annotator-a-list": (doccano_edit(lambda o: o.__setitem__("annotator", ["../x"])), 1, "annotator", r"name or user id"),
    "huge-offset": (
        doccano_edit(lambda o: json.dumps(o).replace(f"[{o['label'][0][0]}, ", "[" + "9" * 5000 + ", ", 1)),
        1,
        None,
        r"too large",
    ),
    "duplicate-key": (doccano_edit(lambda o: json.dumps(o)[:-1] + ', "text": "other"}'), 1, None, r"given twice"),
    "deep-nesting": (
        doccano_edit(lambda o: json.dumps(o)[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        1,
        None,
        r"nested too deeply",
    ),
    "not-an-object": (doccano_edit(lambda o: "[1, 2]"), 1, None, r"one JSON object per line"),
}


# --- Label Studio: edit the task list -------------------------------------------------------
def json_edit(fmt, fn, raw=False):
    """A case set-up: export ``fmt`` (one JSON document), let ``fn`` edit it (or, with ``raw``, return new text)."""

    def setup(d, w):
        p = exported(d, w, fmt)
        obj = json.loads(p.read_text(encoding="utf-8"))
        res = fn(obj)
        p.write_text(res if raw else json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        return p

    return setup


def ls_edit(fn, raw=False):
    return json_edit("labelstudio", fn, raw)


def ls_value(o):
    return o[0]["annotations"][0]["result"][0]["value"]


R0 = "[0].annotations[0].result[0]"
LABELSTUDIO = {
    "top-level-a-number": (ls_edit(lambda o: "5", raw=True), None, None, r"expected a list of tasks"),
    "task-a-string": (ls_edit(lambda o: o.__setitem__(0, "x")), None, "[0]", r"must be an object"),
    "data-a-list": (ls_edit(lambda o: o[0].__setitem__("data", [1])), None, "[0].data.text", r"missing"),
    "text-a-number": (ls_edit(lambda o: o[0]["data"].__setitem__("text", 5)), None, "[0].data.text", r"missing"),
    "annotations-a-number": (ls_edit(lambda o: o[0].__setitem__("annotations", 5)), None, "[0].annotations", r"must be a list"),
    "result-a-string": (
        ls_edit(lambda o: o[0]["annotations"][0].__setitem__("result", "x")),
        None,
        "[0].annotations[0].result",
        r"must be a list",
    ),
    "value-a-number": (
        ls_edit(lambda o: o[0]["annotations"][0]["result"][0].__setitem__("value", 5)),
        None,
        R0 + ".value",
        r"missing",
    ),
    "start-a-string": (ls_edit(lambda o: ls_value(o).__setitem__("start", "x")), None, R0 + ".start", r"integer"),
    "start-a-list": (ls_edit(lambda o: ls_value(o).__setitem__("start", [1])), None, R0 + ".start", r"integer"),
    "start-a-float": (ls_edit(lambda o: ls_value(o).__setitem__("start", 1.5)), None, R0 + ".start", r"integer"),
    "start-bool": (ls_edit(lambda o: ls_value(o).__setitem__("start", True)), None, R0 + ".start", r"integer"),
    "labels-a-number": (ls_edit(lambda o: ls_value(o).__setitem__("labels", 5)), None, R0 + ".value.labels", r"list"),
    "label-a-dict": (ls_edit(lambda o: ls_value(o).__setitem__("labels", [{"a": 1}])), None, ANY, r"label"),
    "completed-by-a-list": (
        ls_edit(lambda o: o[0]["annotations"][0].__setitem__("completed_by", ["x"])),
        None,
        "[0].annotations[0].completed_by",
        r"user object or a user id",
    ),
    "huge-start": (
        ls_edit(lambda o: json.dumps(o).replace('"start": ', '"start": ' + "9" * 5000 + ', "x": ', 1), raw=True),
        ANY,
        None,
        r"too large",
    ),
    "duplicate-key": (ls_edit(lambda o: json.dumps(o)[:-2] + ', "data": {}}]', raw=True), ANY, None, r"given twice"),
    "deep-nesting": (ls_edit(lambda o: "[" * 100_000 + "]" * 100_000, raw=True), ANY, None, r"nested too deeply"),
}


# --- W3C ----------------------------------------------------------------------------------
def w3c_edit(fn, raw=False):
    return json_edit("w3c", fn, raw)


def item0(o):
    return o["first"]["items"][0]


def selector(o, kind):
    return next(s for s in item0(o)["target"]["selector"] if s["type"] == kind)


I0 = "first.items[0]"
W3C = {
    "prefix-a-number": (
        w3c_edit(lambda o: selector(o, "TextQuoteSelector").__setitem__("prefix", 5)),
        None,
        I0 + ".prefix",
        r"expected text",
    ),
    "suffix-a-list": (
        w3c_edit(lambda o: selector(o, "TextQuoteSelector").__setitem__("suffix", ["x"])),
        None,
        I0 + ".suffix",
        r"expected text",
    ),
    "exact-a-number": (
        w3c_edit(lambda o: selector(o, "TextQuoteSelector").__setitem__("exact", 5)),
        None,
        I0 + ".target.selector",
        r"without 'exact'",
    ),
    "start-a-string": (
        w3c_edit(lambda o: selector(o, "TextPositionSelector").__setitem__("start", "12")),
        None,
        I0 + ".start",
        r"integer",
    ),
    "selector-a-number": (
        w3c_edit(lambda o: item0(o)["target"].__setitem__("selector", 5)),
        None,
        I0 + ".target.selector",
        r"missing",
    ),
    "target-a-number": (w3c_edit(lambda o: item0(o).__setitem__("target", 5)), None, I0 + ".target", r"missing"),
    "targets-two": (
        w3c_edit(lambda o: item0(o).__setitem__("target", [item0(o)["target"]] * 2)),
        None,
        I0 + ".target",
        r"2 targets",
    ),
    "body-a-number": (w3c_edit(lambda o: item0(o).__setitem__("body", 5)), None, I0 + ".body", r"object or a list"),
    "body-item-a-number": (w3c_edit(lambda o: item0(o).__setitem__("body", [5])), None, I0 + ".body[0]", r"TextualBody"),
    "creator-a-list": (w3c_edit(lambda o: item0(o).__setitem__("creator", ["x"])), None, I0 + ".creator", r"Person object"),
    "items-a-number": (w3c_edit(lambda o: o["first"].__setitem__("items", 5)), None, None, r"expected an Annotation"),
    "huge-start": (
        w3c_edit(lambda o: json.dumps(o).replace('"start": ', '"start": ' + "9" * 5000 + ', "x": ', 1), raw=True),
        ANY,
        None,
        r"too large",
    ),
    "duplicate-key": (
        w3c_edit(lambda o: json.dumps(o)[:-1] + ', "type": "AnnotationPage"}', raw=True),
        ANY,
        None,
        r"given twice",
    ),
}


# --- CSV: edit a cell of the first data row ------------------------------------------------
def csv_cell(column: str, value: str):
    def setup(d, w):
        p = exported(d, w, "csv")
        rows = list(csvmod.reader(io.StringIO(p.read_text(encoding="utf-8"), newline="")))
        rows[1][rows[0].index(column)] = value
        buf = io.StringIO()
        csvmod.writer(buf, lineterminator="\n").writerows(rows)
        p.write_text(buf.getvalue(), encoding="utf-8")
        return p

    return setup


def csv_text(fn):
    def setup(d, w):
        p = exported(d, w, "csv")
        p.write_text(fn(p.read_text(encoding="utf-8")), encoding="utf-8")
        return p

    return setup


CSV = {
    "start-superscript-two": (csv_cell("start", "\u00b2"), 2, "start", r"integer"),
    "start-double-minus": (csv_cell("start", "--5"), 2, "start", r"integer"),
    "start-arabic-digit": (csv_cell("start", "\u0663"), 2, "start", r"integer"),
    "start-fullwidth-digit": (csv_cell("start", "\uff15"), 2, "start", r"integer"),
    "start-exponent": (csv_cell("start", "1e3"), 2, "start", r"integer"),
    "start-hex": (csv_cell("start", "0x10"), 2, "start", r"integer"),
    "start-plus": (csv_cell("start", "+5"), 2, "start", r"integer"),
    "start-fraction": (csv_cell("start", "5.5"), 2, "start", r"integer"),
    "start-huge": (csv_cell("start", "9" * 5000), 2, "start", r"integer"),
    "start-nan": (csv_cell("start", "nan"), 2, "start", r"integer"),
    "end-underscore": (csv_cell("end", "1_000"), 2, "end", r"integer"),
    "intensity-superscript": (csv_cell("intensity", "\u00b2"), 2, "intensity", r"\u00b2|not a intensity|expected int"),
    "intensity-huge": (csv_cell("intensity", "9" * 5000), 2, "intensity", r"."),
    "duplicate-column": (csv_text(lambda t: t.replace("issue,", "issue,issue,", 1)), 1, "issue", r"appears 2 times"),
    "field-too-large": (csv_cell("note", "x" * 200_000), 2, None, r"not readable as CSV"),
    "unterminated-quote": (csv_text(lambda t: t + '"' + "x" * 10 + "\n"), ANY, ANY, r"."),
}


def _cases():
    for fmt, table in (("doccano", DOCCANO), ("labelstudio", LABELSTUDIO), ("w3c", W3C), ("csv", CSV)):
        for key, (setup, line, field, match) in table.items():
            yield pytest.param(fmt, setup, line, field, match, id=f"{fmt}-{key}")


@pytest.mark.parametrize("fmt,setup,line,field,match", list(_cases()))
def test_hostile_import_file(fmt, setup, line, field, match, dirs, capsys):
    data, work = dirs
    path = setup(data, work)
    refused(argv(fmt, path, data), capsys, data, work, file=path, line=line, field=field, match=match)
    assert not (data / "annotations" / "imported").exists()


# --- Parquet ---------------------------------------------------------------------------------
def _parquet(work: Path, data: Path, change) -> Path:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from toolkit.ledger import load_ledger

    df = load_ledger(data, sets=["reference"], include_briefs=False)
    df = change(df.copy(), pd)
    p = work / "in.parquet"
    df.to_parquet(p, index=False)
    return p


PARQUET = {
    "start-column-of-lists": (lambda df, pd: df.assign(start=[[int(s)] for s in df["start"]]), "start", r"integer"),
    "start-column-of-strings": (lambda df, pd: df.assign(start=["x"] * len(df)), "start", r"integer"),
    "start-column-of-floats": (lambda df, pd: df.assign(start=df["start"] + 0.5), "start", r"integer"),
    "quote-column-of-ints": (lambda df, pd: df.assign(quote=list(range(len(df)))), "quote", r"expected text"),
    "note-column-of-structs": (lambda df, pd: df.assign(note=[{"a": 1}] * len(df)), "note", r"expected text"),
    "issue-column-of-lists": (lambda df, pd: df.assign(issue=[["cyber"]] * len(df)), "issue", r"."),
}


@pytest.mark.parametrize("case", sorted(PARQUET))
def test_hostile_parquet(case, dirs, capsys):
    data, work = dirs
    change, field, match = PARQUET[case]
    p = _parquet(work, data, change)
    res = run(argv("parquet", p, data), capsys)
    assert "Traceback" not in res.err and res.rc == 1
    assert res.problems and all(str(p) in line for line in res.problems)
    assert f"row 1, field '{field}'" in res.problems[0] or f"line 1, field '{field}'" in res.problems[0], res.problems[0]
    assert not (data / "annotations" / "imported").exists()


# --- the file itself ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["doccano", "labelstudio", "w3c", "csv", "parquet"])
def test_import_file_is_a_folder(fmt, dirs, capsys):
    data, work = dirs
    refused(argv(fmt, work, data), capsys, data, work, file=work, match=r"not found|folder")


@pytest.mark.parametrize("fmt", ["doccano", "labelstudio", "w3c", "csv", "parquet"])
def test_import_file_missing(fmt, dirs, capsys):
    data, work = dirs
    refused(argv(fmt, work / "nope", data), capsys, data, work, file=work / "nope", match=r"not found")


def test_unknown_document_option(dirs, capsys):
    data, work = dirs
    p = exported(data, work, "csv")
    refused(
        argv("csv", p, data, "--document", "../x"), capsys, data, work, file=p, field="document", match=r"not a stored document"
    )


# --- annotators from foreign identities (defect 6) -------------------------------------------
def _two_people(data: Path, work: Path, fmt: str, ident_a, ident_b) -> Path:
    """The reference spans exported once, each task/record duplicated for a second person."""
    if fmt == "labelstudio":
        p = exported(data, work, "labelstudio")
        tasks = json.loads(p.read_text(encoding="utf-8"))
        ann = tasks[0]["annotations"][0]
        ann.pop("summit_ledger", None)  # as Label Studio itself writes it: the person is completed_by alone
        ann["completed_by"] = {"id": 1, "email": ident_a}
        other = json.loads(json.dumps(ann))
        other["completed_by"] = {"id": 2, "email": ident_b}
        other["id"] = (ann.get("id") or 0) + 1000
        for r in other["result"]:
            r["id"] = r["id"] + "b"
        tasks[0]["annotations"].append(other)
        p.write_text(json.dumps(tasks), encoding="utf-8")
        return p
    if fmt == "w3c":
        p = exported(data, work, "w3c")
        obj = json.loads(p.read_text(encoding="utf-8"))
        items = obj["first"]["items"]
        half = len(items) // 2
        for i, it in enumerate(items):
            it["creator"] = {"type": "Person", "nickname": ident_a if i < half else ident_b}
            it.pop("id", None)
        p.write_text(json.dumps(obj), encoding="utf-8")
        return p
    if fmt == "doccano":
        p = exported(data, work, "doccano")
        lines = [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
        lines[0]["annotator"] = ident_a
        second = json.loads(json.dumps(lines[0]))
        second["annotator"] = ident_b
        second.pop("summit_ledger", None)
        p.write_text("\n".join(json.dumps(x) for x in lines + [second]) + "\n", encoding="utf-8")
        return p
    p = exported(data, work, "csv")
    rows = list(csvmod.DictReader(io.StringIO(p.read_text(encoding="utf-8"), newline="")))
    for i, r in enumerate(rows):
        r["annotator"] = ident_a if i % 2 == 0 else ident_b
        r["id"] = ""
    buf = io.StringIO()
    w = csvmod.DictWriter(buf, list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p


CLASHES = {
    "labelstudio-same-local-part": ("labelstudio", "alice@uni-a.edu", "alice@uni-b.edu"),
    "labelstudio-accent": ("labelstudio", "jose@uni-a.edu", "jos\u00e9@uni-a.edu"),
    "w3c-acct": ("w3c", "acct:alice@uni-a.edu", "acct:alice@uni-b.edu"),
    "w3c-punctuation": ("w3c", "alice smith", "alice-smith"),
    "doccano-emails": ("doccano", "bob@a.org", "bob@b.org"),
    "csv-emails": ("csv", "carol@a.org", "carol@b.org"),
    "csv-case-and-space": ("csv", "Dana K", "Dana-K"),
}


@pytest.mark.parametrize("case", sorted(CLASHES))
def test_two_people_one_name_is_refused(case, dirs, capsys):
    """Defect 6: alice@uni-a.edu and alice@uni-b.edu both became 'alice' and half the spans were dropped."""
    data, work = dirs
    fmt, a, b = CLASHES[case]
    p = _two_people(data, work, fmt, a, b)
    refused(
        argv(fmt, p, data),
        capsys,
        data,
        work,
        file=p,
        field=ANY,
        line=ANY,
        match=r"2 different annotators in the file would all become .*--annotator-map",
    )
    assert not (data / "annotations" / "imported").exists()


@pytest.mark.parametrize("case", ["labelstudio-same-local-part", "csv-emails", "w3c-acct"])
def test_annotator_map_keeps_people_apart(case, dirs, capsys):
    from toolkit.store import Store

    data, work = dirs
    fmt, a, b = CLASHES[case]
    p = _two_people(data, work, fmt, a, b)
    res = run(argv(fmt, p, data, "--annotator-map", f"{a}=person-a", "--annotator-map", f"{b}=person-b"), capsys)
    assert res.rc == 0, res.err
    store = Store(data / "annotations" / "imported")
    assert store.annotators() == ["person-a", "person-b"]


def test_annotator_map_from_a_yaml_file(dirs, capsys):
    from toolkit.store import Store

    data, work = dirs
    p = _two_people(data, work, "csv", "carol@a.org", "carol@b.org")
    amap = work / "people.yaml"
    amap.write_text('"carol@a.org": carol-a\n"carol@b.org": carol-b\n', encoding="utf-8")
    res = run(argv("csv", p, data, "--annotator-map", amap), capsys)
    assert res.rc == 0, res.err
    assert Store(data / "annotations" / "imported").annotators() == ["carol-a", "carol-b"]


@pytest.mark.parametrize("bad", ["no-equals-sign", "x=../evil", "x=", "=name", "x=a b"])
def test_bad_annotator_map_item(bad, dirs, capsys):
    data, work = dirs
    p = exported(data, work, "csv")
    refused(argv("csv", p, data, "--annotator-map", bad), capsys, data, work, field=ANY, match=r"SOURCE=NAME|not allowed")


def test_one_person_needs_no_map(dirs, capsys):
    data, work = dirs
    p = _two_people(data, work, "csv", "erin@a.org", "erin@a.org")
    before = snapshot(data)
    res = run(argv("csv", p, data), capsys)
    assert res.rc == 0, res.err
    assert snapshot(data) != before
