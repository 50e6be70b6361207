"""Safety of what the toolkit writes and reads: figures CSVs cannot run as spreadsheet formulas, `migrate`
names every line it could not read, and a settings file nested too deeply is named in its error."""

from __future__ import annotations

import csv

import pytest

from toolkit.commands import main
from toolkit.formats.csv import FORMULA_STARTS

PAYLOAD = '=HYPERLINK("https://example.org/x","click")'


@pytest.mark.slow
def test_labels_written_to_every_figures_csv_cannot_run_as_formulas(data_copy, tmp_path, capsys):
    summits = data_copy / "summits.yaml"
    summits.write_text(summits.read_text(encoding="utf-8").replace("label: Geneva 2021", f"label: '{PAYLOAD}'"), encoding="utf-8")
    codebook = data_copy / "codebook.yaml"
    text = codebook.read_text(encoding="utf-8")
    label = "    label: Forces and the threat of war around Ukraine\n"
    assert label in text
    codebook.write_text(text.replace(label, "    label: '@SUM(1+1)*cmd'\n", 1), encoding="utf-8")
    out = tmp_path / "fig"
    assert main(["figures", "--project", str(data_copy), "--out", str(out), "--n-boot", "50"]) == 0, capsys.readouterr().err
    written = sorted(out.glob("*.csv"))
    assert len(written) == 7
    seen_payload = False
    for path in written:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(FORMULA_STARTS) or _is_number(cell), (path.name, cell)
                    seen_payload |= cell == "'" + PAYLOAD
    assert seen_payload  # the label is kept, with a leading apostrophe
    assert "'@SUM(1+1)*cmd" in (out / "balance_per_summit_issue.csv").read_text(encoding="utf-8")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_migrate_names_the_invalid_and_too_deep_lines_it_did_not_migrate(data_copy, capsys):
    log = data_copy / "annotations" / "reference" / "reference.jsonl"
    n = len(log.read_text(encoding="utf-8").splitlines())
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
        fh.write("[" * 100_000 + "]" * 100_000 + "\n")
    rc = main(["migrate", "--project", str(data_copy), "--dry-run"])
    err = capsys.readouterr().err
    assert rc == 1
    assert f"{log}, line {n + 1}" in err and f"{log}, line {n + 2}" in err
    assert "2 lines or files could not be read and were not migrated" in err


def test_a_too_deeply_nested_settings_file_is_named(data_copy, capsys):
    config = data_copy / "summit-ledger.toml"
    with open(config, "a", encoding="utf-8") as fh:
        fh.write("deep = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert main(["figures", "--project", str(data_copy), "--out", str(data_copy.parent / "f")]) == 1
    err = capsys.readouterr().err
    assert str(config) in err and "nested too deeply" in err
    assert main(["validate", "--project", str(data_copy)]) == 1
    assert str(config) in capsys.readouterr().out
