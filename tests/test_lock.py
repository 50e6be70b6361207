"""requirements.lock: exact versions with hashes that satisfy pyproject.toml (the check CI runs)."""

from __future__ import annotations

import os
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


def test_the_lock_leaves_out_what_the_makefile_excludes_and_is_complete_without_it(repo_root):
    """The lock is installed --no-deps, so a pin it lacks would go unnoticed: pip check looks for one."""
    make = (repo_root / "Makefile").read_text(encoding="utf-8")
    (line,) = [x for x in make.splitlines() if x.startswith("LOCK_EXCLUDES ?=")]
    excluded = line.split("?=", 1)[1].split()
    assert excluded == ["rfc3987-syntax"]
    lock = (repo_root / "requirements.lock").read_text(encoding="utf-8")
    assert not [name for name in excluded if f"\n{name}==" in lock]
    assert "--require-hashes --no-deps" in make  # both the uv and the pip route
    if "VIRTUAL_ENV" in os.environ or sys.prefix != sys.base_prefix:
        proc = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
