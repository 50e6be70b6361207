"""Tests for ``summit-ledger agreement``: output, a corrupt file in the folder, degenerate input.

The second annotator here is SYNTHETIC (the reference with a few changes, made by
the test in a temporary folder).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from toolkit.classroom import load_reference
from toolkit.commands.main import main
from toolkit.store import Store


@pytest.fixture
def pair_folder(tmp_path, data_root, codebook, documents, summits):
    """A folder with the reference, a synthetic second coder missing two spans, and one corrupt file."""
    ref = load_reference("reference", data=data_root)
    folder = tmp_path / "group"
    store = Store(folder, codebook=codebook, documents=documents, summits=summits)
    store.write_all(ref)
    synthetic = [dict(r, annotator="synthetic-b", id="b" + r["id"][1:]) for r in ref if r["issue"] not in ("sanctions", "syria")]
    store.write_all(synthetic)
    (folder / "corrupt.jsonl").write_text('{"op": "upsert", "id": \n')
    return folder


def test_prints_alpha_matrix_and_top_sentences_and_names_the_bad_file(pair_folder, capsys):
    rc = main(["agreement", str(pair_folder), "--reference", str(pair_folder / "reference.jsonl"), "--top", "3"])
    out, err = capsys.readouterr()
    assert rc == 0
    assert "corrupt.jsonl" in err and "unreadable" in err and "line 1" in err
    assert "reference: how made: not declared" in out and "synthetic-b: how made: not declared" in out
    alpha, low, high = map(float, re.search(r"all units\s+\(\s*\d+\): ([0-9.]+) \[([0-9.]+), ([0-9.]+)\]", out).groups())
    assert 0.5 < alpha < 1.0 and low < alpha <= high
    assert re.search(r"coded units\s+\(\s*\d+\): [0-9.]+ \[", out)
    assert re.search(r"decision: reliable at α ≥ 0\.8 with probability [01]\.\d\d", out)
    assert "[reliable (α ≥ 0.8)]" not in out  # a decision, not a bare label
    assert "Most units are empty for every coder" in out
    assert "Pairwise Cohen's kappa" in out and "synthetic-b" in out
    top = re.findall(r"^\s+\d\. sentence (\d+) \(score", out, re.M)
    assert top[0] == "4"  # the list sentence holding both removed issues (Syria, ...)
    assert len(top) == 2  # only two sentences are disputed: sanctions and the list
    assert "syria: 1 × none, 1 × grievance" in out  # ties listed in the order none, grievance, goodwill, both
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
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit.commands.main", "agreement", str(pair_folder), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Stance on sentence x issue units" in proc.stdout and "corrupt.jsonl" in proc.stderr


def test_shipped_sets_give_the_values_documented_in_the_annotations_readme(data_root, codebook, capsys):
    """data/annotations/README.md quotes these numbers; if the sets change, update the README too."""
    ann = data_root / "annotations"
    rc = main(["agreement", str(ann / "reference"), str(ann / "independent"), "--reference", "reference"])
    out, _ = capsys.readouterr()
    assert rc == 0
    for name in ("coder-a", "coder-b", "reference"):
        assert re.search(rf"^  {name}: model: a language model", out, re.M)
    assert "Every coder is a model, not a person" in out
    n_units = 24 * len(codebook.issues)  # 24 sentences x the codebook's issues
    assert f"all units   ({n_units:>5}): 0.982 [0.954, 1.000]" in out
    assert "coded units (   19): 0.917 [0.791, 1.000]" in out
    assert "Intensity on sentence x issue units (ordinal α, where coded): 1.000 (no disagreement observed" in out
    assert "21 matched units; 1 span(s) unmatched" in out
    assert "reference: 2021-12-07-biden-putin-video-summit [1500:1549] nato-expansion/agenda" in out
    assert re.search(r"grievance uα = 0\.571", out)
    by_issue = out.split("Unitizing by issue (uα per document and issue, passages of every stance):\n")[1].split("\n\n")[0]
    assert len(by_issue.splitlines()) == 11  # ten issues marked on the seed article, then the pooled row
    assert re.search(r"nato-expansion\s+uα = 0\.523 ", by_issue) and re.search(r"syria\s+uα = 0\.612 ", by_issue)
    assert re.search(r"all\s+uα = 0\.804  \(D_o 0\.01091, D_e 0\.05561, 58 units\)", by_issue)
    assert re.search(r"1\. sentence 13 \(score 0\.67\)", out)
    assert re.search(r"coder-a\s+21\s+20\s+2\s+1\s+0\.952\s+0\.909\s+0\.93\s+0\.326", out)
    assert re.search(r"coder-b\s+21\s+20\s+2\s+1\s+0\.952\s+0\.909\s+0\.93\s+0\.465", out)


def test_span_scores_compare_only_documents_both_coded(data_copy, tmp_path, capsys):
    """A coder who coded only a second (synthetic) article is not scored as missing the seed article's spans."""
    import shutil as _shutil

    from _interop import FIXTURES, add_synthetic

    from toolkit.formats import import_file

    add_synthetic(data_copy)
    import_file(
        "labelstudio", FIXTURES / "labelstudio.json", set_name="second", data=data_copy, label_map=FIXTURES / "labels.yaml"
    )
    folder = tmp_path / "group"
    folder.mkdir()
    for f in (data_copy / "annotations" / "second").glob("*.jsonl"):
        _shutil.copy(f, folder / f.name)
    rc = main(
        [
            "agreement",
            str(folder),
            str(data_copy / "annotations" / "reference"),
            "--reference",
            "reference",
            "--data",
            str(data_copy),
        ]
    )
    out, _ = capsys.readouterr()
    assert rc == 0
    assert "recall" in out and "0.000" not in out.split("Span scores against the reference")[1].split("\n")[2]
    assert "not compared on 2021-12-07-biden-putin-video-summit" in out
    assert "synthetic-interop-test" in out
