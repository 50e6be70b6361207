"""Stored notebooks carry no widget state and stay small; the repo's way of executing them stores none."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_notebooks", REPO / ".ci" / "check_notebooks.py")
check_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_notebooks)
STORED = sorted(p for p in (REPO / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", STORED, ids=lambda p: p.name)
def test_a_stored_notebook_has_no_widget_state(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert not check_notebooks.widget_state(doc)
    assert path.stat().st_size < check_notebooks.MAX_BYTES


def test_the_check_refuses_widget_state():
    assert check_notebooks.widget_state({"metadata": {"widgets": {check_notebooks.WIDGET_STATE: {"state": {}}}}})
    assert not check_notebooks.widget_state({"metadata": {}})


def test_the_repos_way_of_executing_notebooks_stores_no_widget_state():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^notebooks:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert rule and "--execute --inplace --ExecutePreprocessor.store_widget_state=False" in rule.group(1)
    assert ".ci/check_notebooks.py --strip-widget-state $(NB)" in rule.group(1)


@pytest.mark.slow
def test_executing_a_notebook_the_repos_way_stores_no_widget_state(tmp_path):
    import subprocess

    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(3)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "w.ipynb"
    nb.metadata["widgets"] = {check_notebooks.WIDGET_STATE: {"state": {"x": {}}, "version_major": 2}}  # state of an earlier save
    nbformat.write(nb, path)
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [
        str(jupyter),
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--inplace",
        "--ExecutePreprocessor.store_widget_state=False",
    ]
    subprocess.run([*cmd, str(path)], check=True, capture_output=True)
    # nbconvert stores no new state but keeps what the file held: the make rule strips it
    check_notebooks.strip_widget_state(path)
    assert not check_notebooks.widget_state(json.loads(path.read_text(encoding="utf-8")))
