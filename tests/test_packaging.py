"""The checks CI runs: environment.yml agrees with pyproject.toml; notebooks are stored executed."""

from __future__ import annotations

import subprocess
import sys


def _run(repo_root, script):
    return subprocess.run([sys.executable, str(repo_root / ".ci" / script)], capture_output=True, text=True)


def test_environment_yml_agrees_with_pyproject(repo_root):
    proc = _run(repo_root, "check_env.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_environment_check_catches_a_drifted_bound(repo_root, tmp_path):
    import shutil

    copy = tmp_path / "repo"
    (copy / ".ci").mkdir(parents=True)
    shutil.copy(repo_root / ".ci" / "check_env.py", copy / ".ci")
    shutil.copy(repo_root / "pyproject.toml", copy)
    env = (repo_root / "environment.yml").read_text(encoding="utf-8")
    (copy / "environment.yml").write_text(env.replace("pandas>=", "pandas>=0.1,<9 # ", 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(copy / ".ci" / "check_env.py")], capture_output=True, text=True)
    assert proc.returncode == 1 and "pandas" in proc.stdout


def test_notebooks_are_stored_executed(repo_root):
    proc = _run(repo_root, "check_notebooks.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_license_and_classifiers_are_declared(repo_root):
    """The metadata says MIT: the LICENSE file is there, ships in the wheel and the sdist, and the classifiers describe the project."""
    import tomllib

    meta = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    text = (repo_root / "LICENSE").read_text(encoding="utf-8")
    assert meta["license"] == "MIT" and text.startswith("MIT License") and "Summit Ledger developers" in text
    assert meta["license-files"] == ["LICENSE"]
    assert "Framework :: Jupyter :: JupyterLab" in meta["classifiers"]
    assert not any(c.startswith("License ::") for c in meta["classifiers"])  # the SPDX `license` field says it
    assert "LICENSE" in (repo_root / "MANIFEST.in").read_text(encoding="utf-8")
