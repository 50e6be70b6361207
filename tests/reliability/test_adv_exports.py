"""Adversarial suite, area *exports*: formula injection, and where an export may write.

A note that starts like a spreadsheet formula (``=HYPERLINK(...)``) must be
written so that a spreadsheet shows it as text, by ``export csv`` and
``export ledger-csv`` alike; ``--raw`` writes it unchanged; importing the
export back restores the original text exactly (issue 10, defect 8). An
``--out`` that names a folder is one clear error (defect 10). Synthetic notes
only, written at run time.
"""

from __future__ import annotations

import csv as csvmod
import io
import json

import pytest
from adversarial import copy_data, refused, run, snapshot

PAYLOADS = {
    "hyperlink": '=HYPERLINK("http://evil.example","x")',
    "cmd": "=cmd|' /C calc'!A0",
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage-return": "\r=1+1",
    "apostrophe-formula": "'=already escaped by someone",
    "two-apostrophes": "''",
    "bare-equals": "=",
    "dde": '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    "unicode-minus-looking": "\u2212not a formula",
}
#: First characters that a spreadsheet runs as a formula (OWASP).
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def data(tmp_path):
    d = copy_data(tmp_path / "data")
    # one synthetic class log whose notes are the payloads, each on a real reference span
    from adversarial import reference_records

    recs = reference_records()
    log = d / "annotations" / "class" / "student-1.jsonl"
    log.parent.mkdir(parents=True)
    lines = []
    for i, note in enumerate(PAYLOADS.values()):
        r = {**recs[i], "annotator": "student-1", "note": note, "id": f"{i:012x}"}
        lines.append(json.dumps({"op": "upsert", "op_id": f"{i:04d}", "at": "2026-01-01T00:00:00Z", **r}))
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


def cells(path):
    return list(csvmod.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


@pytest.mark.parametrize("fmt", ["csv", "ledger-csv"])
@pytest.mark.parametrize("key", sorted(PAYLOADS))
def test_formula_is_neutralised(fmt, key, data, tmp_path, capsys):
    out = tmp_path / "out.csv"
    res = run(["export", fmt, "--out", out, "--set", "class", "--data", data], capsys)
    assert res.rc == 0, res.err
    rows = {r["id"]: r for r in cells(out)}
    i = list(PAYLOADS).index(key)
    note = rows[f"{i:012x}"]["note"]
    from toolkit.formats.csv import restore_cell

    assert not note.startswith(DANGEROUS), f"{note!r} would run as a formula"
    assert restore_cell(note) == PAYLOADS[key]
    for row in rows.values():  # no other text cell starts a formula either
        for col, v in row.items():
            assert not (isinstance(v, str) and v.startswith(DANGEROUS) and not v.lstrip("-").replace(".", "").isdigit()), (col, v)


@pytest.mark.parametrize("fmt", ["csv", "ledger-csv"])
def test_raw_writes_cells_unchanged(fmt, data, tmp_path, capsys):
    out = tmp_path / "out.csv"
    res = run(["export", fmt, "--out", out, "--set", "class", "--raw", "--data", data], capsys)
    assert res.rc == 0, res.err
    notes = {r["id"]: r["note"] for r in cells(out)}
    for i, payload in enumerate(PAYLOADS.values()):
        assert notes[f"{i:012x}"] == payload


@pytest.mark.parametrize("fmt", ["csv", "ledger-csv"])
def test_reimport_restores_the_original_text(fmt, data, tmp_path, capsys):
    from toolkit.store import Store

    out = tmp_path / "out.csv"
    assert run(["export", fmt, "--out", out, "--set", "class", "--data", data], capsys).rc == 0
    res = run(["import", "csv", out, "--set", "back", "--data", data], capsys)
    assert res.rc == 0, res.out + res.err
    back = {r["id"]: r["note"] for r in Store(data / "annotations" / "back").annotations()}
    for i, payload in enumerate(PAYLOADS.values()):
        assert back[f"{i:012x}"] == payload


def test_numbers_are_not_text_cells(data, tmp_path, capsys):
    """Negative scores in the ledger CSV stay numbers (a number is not a formula)."""
    out = tmp_path / "ledger.csv"
    assert run(["export", "ledger-csv", "--out", out, "--set", "reference", "--data", data], capsys).rc == 0
    scores = [r["score"] for r in cells(out) if r.get("score")]
    assert scores and any(s.startswith("-") for s in scores)


@pytest.mark.parametrize(
    "value", ["=x", "+x", "-x", "@x", "\tx", "\rx", "'=x", "''x", "'x", "x", "", "''", "'", "=", "'\t", "don't", "-", "--5"]
)
def test_neutralise_restore_round_trip(value):
    from toolkit.formats.csv import neutralise_cell, restore_cell

    assert restore_cell(neutralise_cell(value)) == value
    assert not neutralise_cell(value).startswith(DANGEROUS)


@pytest.mark.parametrize(
    "fmt,name",
    [
        ("csv", "o.csv"),
        ("ledger-csv", "o.csv"),
        ("doccano", "o.jsonl"),
        ("labelstudio", "o.json"),
        ("w3c", "o.json"),
        ("parquet", "o.parquet"),
    ],
)
def test_out_is_a_folder(fmt, name, data, tmp_path, capsys):
    folder = tmp_path / "folder"
    folder.mkdir()
    refused(
        ["export", fmt, "--out", folder, "--set", "reference", "--data", data],
        capsys,
        data,
        folder,
        file=folder,
        match=r"is a folder",
    )


def test_out_under_a_file(data, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("synthetic\n")
    refused(
        ["export", "csv", "--out", blocker / "o.csv", "--set", "reference", "--data", data],
        capsys,
        data,
        tmp_path / "file",
        match=r"not a folder|exists",
    )


def test_figures_out_is_a_file(data, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("synthetic\n")
    refused(["figures", "--out", blocker, "--n-boot", "10", "--data", data], capsys, data, blocker, match=r"not a folder|exists")


def test_export_does_not_touch_the_data(data, tmp_path, capsys):
    before = snapshot(data)
    for fmt in ("csv", "ledger-csv", "doccano", "labelstudio", "w3c"):
        assert run(["export", fmt, "--out", tmp_path / f"o-{fmt}", "--data", data], capsys).rc == 0
    assert snapshot(data) == before
