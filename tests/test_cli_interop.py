"""The interop commands of ``summit-ledger``: add-article, add-summit, import, export, reanchor.

They run in-process through toolkit.commands.main.main on scratch copies of data/; texts are synthetic.
"""

from __future__ import annotations

import json
import subprocess
import sys

from _interop import FIXTURES, SYNTH_ID, live

from toolkit.commands.main import main

SEED_ID = "2021-12-07-biden-putin-video-summit"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_summit_then_add_article_then_import_and_export(capsys, data_copy, tmp_path):
    d = str(data_copy)
    code, out, err = run(
        capsys,
        "add-summit",
        "--id",
        "2099-01-02-synthetic-call",
        "--date",
        "2099-01-02",
        "--place",
        "Synthetic place",
        "--format",
        "phone",
        "--parties",
        "US",
        "Russia",
        "--label",
        "Synthetic call",
        "--source",
        "https://example.org/synthetic",
        "--data",
        d,
    )
    assert code == 0, err
    assert "added summit 2099-01-02-synthetic-call" in out
    src = tmp_path / "a.txt"
    src.write_bytes((FIXTURES / "synthetic.txt").read_bytes().replace(b"\n", b"\r\n"))
    code, out, err = run(
        capsys,
        "add-article",
        str(src),
        "--id",
        SYNTH_ID,
        "--summit",
        "2099-01-02-synthetic-call",
        "--title",
        "Synthetic",
        "--published",
        "2099-01-02",
        "--data",
        d,
    )
    assert code == 0, err
    assert f"added {SYNTH_ID}" in out and "normalised: converted 4 CRLF line endings to LF" in out
    code, out, err = run(
        capsys,
        "import",
        "labelstudio",
        str(FIXTURES / "labelstudio.json"),
        "--set",
        "ls",
        "--map",
        str(FIXTURES / "labels.yaml"),
        "--data",
        d,
    )
    assert code == 0, err
    assert "repaired:" in out and "UTF-16" in out and "imported 5 annotations into set 'ls'" in out
    assert {r["summit_id"] for r in live(data_copy, "ls").values()} == {"2099-01-02-synthetic-call"}
    for fmt, name in [
        ("w3c", "o.json"),
        ("doccano", "o.jsonl"),
        ("csv", "o.csv"),
        ("parquet", "o.parquet"),
        ("ledger-csv", "l.csv"),
        ("labelstudio", "ls.json"),
    ]:
        code, out, err = run(capsys, "export", fmt, "--out", str(tmp_path / name), "--set", "ls", "--data", d)
        assert code == 0, err
        assert f"to {tmp_path / name} ({fmt})" in out
    assert json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))["total"] == 5
    code, out, err = run(capsys, "import", "w3c", str(tmp_path / "o.json"), "--set", "back", "--data", d)
    assert code == 0 and "imported 5 annotations" in out
    code, out, err = run(capsys, "validate", d)
    assert code == 0, out


def test_import_errors_exit_1_and_name_the_record(capsys, data_copy):
    code, out, err = run(
        capsys,
        "import",
        "doccano",
        str(FIXTURES / "doccano_label.jsonl"),
        "--set",
        "x",
        "--data",
        str(data_copy),
        "--document",
        SEED_ID,
    )
    assert code == 1
    assert "doccano_label.jsonl, line 1, field 'label[0].start'" in err
    assert "nothing was imported" in err and "Traceback" not in err
    assert not (data_copy / "annotations" / "x").exists()


def test_add_article_refusal_exit_1(capsys, data_copy):
    code, out, err = run(
        capsys,
        "add-article",
        str(FIXTURES / "synthetic.txt"),
        "--id",
        "x",
        "--summit",
        "2099-09-09-nowhere",
        "--data",
        str(data_copy),
    )
    assert code == 1 and "'2099-09-09-nowhere' is not in summits.yaml" in err


def test_reanchor_lists_orphans(capsys, data_copy):
    txt = data_copy / "documents" / f"{SEED_ID}.txt"
    text = txt.read_text(encoding="utf-8")
    gone = "Russia has asked NATO to stop expanding eastward"
    txt.write_text("SYNTHETIC PREAMBLE. " + text.replace(gone, ""), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(data_copy))
    assert code == 1 and "reanchor" in out
    code, out, err = run(capsys, "reanchor", SEED_ID, "--data", str(data_copy), "--dry-run")
    assert code == 0 and "would write" in out
    code, out, err = run(capsys, "reanchor", SEED_ID, "--data", str(data_copy))
    assert code == 0, err
    assert "ORPHANED reference/reference" in out and repr(gone) in out
    assert "moved    reference/reference" in out and "need review" in out
    code, out, err = run(capsys, "validate", str(data_copy))
    assert code == 0, out


def test_console_script_is_installed(data_copy, tmp_path):
    exe = [sys.executable, "-m", "toolkit.commands.main"]
    res = subprocess.run(
        exe + ["export", "csv", "--out", str(tmp_path / "r.csv"), "--set", "reference", "--data", str(data_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert "wrote 22 annotations" in res.stdout
