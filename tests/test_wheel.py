"""The real wheel, used far from the checkout: build, install (not editable) into a fresh venv, and work.

The ``wheel_venv`` fixture (``tests/_wheel.py``, once per test run) builds with ``python -m build``
(sdist, then the wheel from the sdist) and installs the wheel (no dependencies) into a new virtual
environment in a temporary folder that borrows the locked dependencies of the running environment
(see ``borrow_dependencies``). This test checks that the wheel's bundled defaults are byte-identical
to the repository's ``data/`` and curated notebooks, that the venv imports the wheel, and there runs
``init --demo``, ``validate``, the copied notebooks under nbval, ``add-article``,
``import``, ``export``, ``figures`` and ``agreement`` against the new project.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from _wheel import clean_env
from _wheel import run as _run

from toolkit.commands.lab import LAB_OVERRIDES, LAB_OVERRIDES_SOURCE
from toolkit.commands.scaffold import BUNDLE_SKIP, CURATED_NOTEBOOKS

pytestmark = pytest.mark.slow


def _shipped_data(repo: Path) -> dict[str, bytes]:
    """The files of data/ a wheel must carry (git's list when available, else the folder)."""
    data = repo / "data"
    try:
        listed = subprocess.run(["git", "ls-files", "data"], cwd=repo, capture_output=True, text=True, check=True)
        rels = [line[len("data/") :] for line in listed.stdout.splitlines()]
    except (OSError, subprocess.CalledProcessError):
        rels = [p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()]
    return {rel: (data / rel).read_bytes() for rel in sorted(rels) if not BUNDLE_SKIP.search(rel)}


def test_wheel_outside_the_repository(repo_root, wheel_venv):
    work = Path(tempfile.mkdtemp(prefix="summit-ledger-wheel-"))
    assert not work.resolve().is_relative_to(repo_root)
    try:
        env = clean_env()
        wheel, venv = wheel_venv["wheel"], wheel_venv["venv"]
        assert not venv.resolve().is_relative_to(repo_root)

        # The bundled defaults are the repository's data/ and notebooks, byte for byte.
        prefix = "toolkit/_bundled/"
        with zipfile.ZipFile(wheel) as z:
            bundled = {n[len(prefix) :]: z.read(n) for n in z.namelist() if n.startswith(prefix) and not n.endswith("/")}
        data = {k[len("data/") :]: v for k, v in bundled.items() if k.startswith("data/")}
        assert data == _shipped_data(repo_root)
        nbs = {k[len("notebooks/") :]: v for k, v in bundled.items() if k.startswith("notebooks/")}
        assert nbs == {n: (repo_root / "notebooks" / n).read_bytes() for n in CURATED_NOTEBOOKS}
        # the Lab setting that keeps widget messages in order, installed where Lab reads overrides
        setting = (repo_root / LAB_OVERRIDES_SOURCE).read_bytes()
        with zipfile.ZipFile(wheel) as z:
            (entry,) = [n for n in z.namelist() if n.endswith(".data/data/" + "/".join(LAB_OVERRIDES))]
            assert z.read(entry) == setting
        assert venv.joinpath(*LAB_OVERRIDES).read_bytes() == setting

        py, sl = venv / "bin" / "python", venv / "bin" / "summit-ledger"
        where = _run([py, "-c", "import toolkit; print(toolkit.__file__)"], work, env)
        assert str(venv) in where and str(repo_root) not in where

        _run([sl, "init", "p", "--demo"], work, env)
        p = work / "p"
        _run([sl, "validate"], p, env)
        out = _run(
            [
                py,
                "-m",
                "pytest",
                "--nbval",
                "--nbval-current-env",
                "--nbval-sanitize-with",
                "notebooks/sanitize.cfg",
                "-p",
                "no:cacheprovider",
                "-q",
                "notebooks",
            ],
            p,
            env,
        )
        assert " passed" in out and "failed" not in out

        (work / "synthetic.txt").write_text("Synthetic test article, not a real report.\r\n", encoding="utf-8")
        _run([sl, "add-article", work / "synthetic.txt", "--id", "synthetic-wheel", "--summit", "2021-12-07-video"], p, env)
        _run([sl, "export", "doccano", "--out", work / "ref.jsonl", "--set", "reference"], p / "notebooks", env)
        _run([sl, "import", "doccano", work / "ref.jsonl", "--set", "round-trip"], p, env)
        _run([sl, "export", "csv", "--out", work / "all.csv"], p, env)
        out = _run([sl, "figures", "--out", "f"], p, env)
        assert (p / "f" / "balance_per_summit.svg").is_file() and "wrote" in out
        out = _run([sl, "agreement", "annotations/independent", "--reference", "reference"], p, env)
        assert "α" in out or "alpha" in out.lower()
        _run([sl, "validate"], p, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
