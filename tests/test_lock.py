"""requirements.lock: exact versions with hashes that satisfy pyproject.toml (the check CI runs)."""

from __future__ import annotations

import shutil
import subprocess
import sys


def _check(root):
    return subprocess.run([sys.executable, str(root / ".ci" / "check_lock.py"), str(root)], capture_output=True, text=True)


def test_lock_satisfies_pyproject(repo_root):
    proc = _check(repo_root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (repo_root / "requirements.lock").read_text(encoding="utf-8")
    assert "make lock" in text.splitlines()[1]  # says how it was made
    assert "\nanywidget==" in text and "--hash=sha256:" in text


def test_lock_check_catches_drift(repo_root, tmp_path):
    (tmp_path / ".ci").mkdir()
    shutil.copy(repo_root / ".ci" / "check_lock.py", tmp_path / ".ci")
    shutil.copy(repo_root / "requirements.lock", tmp_path)
    py = (repo_root / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        py.replace('"pandas>=', '"pandas>=99', 1).replace('"tqdm>=4.66",', '"tqdm>=4.66",\n    "no-such-package-xyz>=1",', 1),
        encoding="utf-8",
    )
    proc = _check(tmp_path)
    assert proc.returncode == 1
    assert "pandas" in proc.stdout and "no-such-package-xyz" in proc.stdout and "make lock" in proc.stdout
