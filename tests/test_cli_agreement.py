"""Tests for ``summit-ledger agreement``: output, a corrupt file in the folder, degenerate input.

The second annotator here is SYNTHETIC (the reference with a few changes, made by
the test in a temporary folder).
"""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from toolkit.cli import main
from toolkit.store import Store
from toolkit.teaching import load_reference


@pytest.fixture
def pair_folder(tmp_path, data_root, codebook, documents, summits):
    """A folder with the reference, a synthetic second coder missing two spans, and one corrupt file."""
    ref = load_reference("reference", data=data_root)
    folder = tmp_path / "group"
    store = Store(folder, codebook=codebook, documents=documents, summits=summits)
    store.write_all(ref)
    synthetic = [dict(r, annotator="synthetic-b", id="b" + r["id"][1:]) for r in ref
                 if r["issue"] not in ("sanctions", "syria")]
    store.write_all(synthetic)
    (folder / "corrupt.jsonl").write_text('{"op": "upsert", "id": \n')
    return folder


def test_prints_alpha_matrix_and_top_sentences_and_names_the_bad_file(pair_folder, capsys):
    rc = main(["agreement", str(pair_folder), "--reference", str(pair_folder / "reference.jsonl"), "--top", "3"])
    out, err = capsys.readouterr()
    assert rc == 0
    assert "corrupt.jsonl" in err and "unreadable" in err and "line 1" in err
    assert "2 annotators: reference, synthetic-b" in out
    alpha = float(re.search(r"alpha \(stance, nominal\): ([0-9.]+)", out).group(1))
    assert 0.5 < alpha < 1.0
    assert "Pairwise Cohen's kappa" in out and "synthetic-b" in out
    top = re.findall(r"^\s+\d\. sentence (\d+) \(score", out, re.M)
    assert top[0] == "4"         # the list sentence holding both removed issues (Syria, ...)
    assert len(top) == 2         # only two sentences are disputed: sanctions and the list
    assert "syria: 1 × none, 1 × grievance" in out   # ties listed in the order none, grievance, goodwill, both
    assert re.search(r"synthetic-b\s+20\s+20\s+2\s+0\s+1\.0\s+0\.909", out)


def test_set_names_resolve_under_data_annotations(capsys):
    rc = main(["agreement", "reference"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "agreement needs at least two annotators" in err and "reference" in err


def test_missing_folder_is_reported_not_a_crash(tmp_path, capsys):
    rc = main(["agreement", str(tmp_path / "nowhere")])
    _, err = capsys.readouterr()
    assert rc == 1 and "nowhere" in err and "no such file or folder" in err


def test_console_script_runs(pair_folder):
    proc = subprocess.run([sys.executable, "-m", "toolkit.cli", "agreement", str(pair_folder), "--no-progress"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Krippendorff's alpha" in proc.stdout and "corrupt.jsonl" in proc.stderr


def test_shipped_sets_give_the_values_documented_in_the_annotations_readme(data_root, capsys):
    """data/annotations/README.md quotes these numbers; if the sets change, update the README too."""
    ann = data_root / "annotations"
    rc = main(["agreement", str(ann / "reference"), str(ann / "independent"), "--reference", "reference"])
    out, _ = capsys.readouterr()
    assert rc == 0
    assert "3 annotators: coder-a, coder-b, reference" in out
    assert "600 sentence x issue units" in out  # 24 sentences x 25 issues (codebook 2.0)
    assert "alpha (stance, nominal): 1.00" in out
    assert "alpha (intensity, ordinal, where coded): 0.91" in out
    assert re.search(r"1\. sentence 13 \(score 0\.67\)", out)
    assert re.search(r"coder-a\s+21\s+21\s+1\s+0\s+1\.0\s+0\.955\s+0\.977\s+0\.372", out)
    assert re.search(r"coder-b\s+21\s+21\s+1\s+0\s+1\.0\s+0\.955\s+0\.977\s+0\.512", out)
