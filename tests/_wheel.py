"""The project's wheel, built once per test run and installed in a venv outside the repository.

``tests/test_wheel.py`` and the researcher's journey (``tests/browser/test_researcher_journey.py``)
both need it. The ``wheel_venv`` fixture (``tests/conftest.py``) has :func:`build` make it once per
test run through :func:`_once.once_per_run`, which every pytest-xdist worker shares.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def clean_env() -> dict[str, str]:
    """This process's environment without the project's own variables, PYTHONPATH or VIRTUAL_ENV."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SUMMIT_LEDGER_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def run(cmd, cwd, env, timeout=1200) -> str:
    """Run ``cmd``; fail with the tail of its output unless it exits 0. Returns its stdout."""
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc.stdout


def borrow_dependencies(py: Path) -> None:
    """Let the new venv import the locked dependencies already installed in the running environment.

    The running environment was installed from ``requirements.lock`` (``make``, and CI on a fresh
    clone, do exactly that), so installing the lock a second time here proved nothing new and took
    3-9 minutes. A ``.pth`` line puts the running environment's site-packages *after* the new venv's
    own: the wheel installed next shadows the checkout's editable install (whose import hook lives
    in a ``.pth`` file of that folder, which Python does not run from a ``.pth`` path entry), and
    ``tests/test_wheel.py`` asserts that ``toolkit`` comes from the venv. Set
    ``SUMMIT_LEDGER_WHEEL_FULL_INSTALL=1`` to install the lock into the venv instead.
    """
    paths = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (Path(site) / "summit-ledger-test-borrowed.pth").write_text("".join(f"{p}\n" for p in sorted(paths)), encoding="utf-8")


def _build(work: Path) -> dict[str, str]:
    env = clean_env()
    t = time.perf_counter()
    # sdist, then the wheel from the sdist. --no-isolation: with the locked setuptools of the running environment
    # (build checks it meets [build-system] requires) instead of a fresh build venv per step from the package
    # index; the wheel has the same files, byte for byte, and the run saves 15-20 s.
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", work / "dist", REPO], work, env)
    (sdist,) = (work / "dist").glob("summit_ledger-*.tar.gz")
    (wheel,) = (work / "dist").glob("summit_ledger-*-py3-none-any.whl")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", venv], work, env)
    py = venv / "bin" / "python"
    if os.environ.get("SUMMIT_LEDGER_WHEEL_FULL_INSTALL") == "1":
        run([py, "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps", "-r", REPO / "requirements.lock"], work, env)
    else:
        borrow_dependencies(py)
    run([py, "-m", "pip", "install", "--quiet", "--no-deps", wheel], work, env)
    if os.environ.get("SUMMIT_LEDGER_WHEEL_FULL_INSTALL") != "1":
        # The wheel's Lab setting makes share/jupyter/lab in the venv, and JupyterLab then looks there for its own
        # files (its static pages, schemas and themes), which it finds beside itself only when that folder is absent.
        # A venv with jupyterlab installed has them; this one borrows jupyterlab's code, so they are linked in.
        lab_here, lab_venv = Path(sys.prefix) / "share" / "jupyter" / "lab", venv / "share" / "jupyter" / "lab"
        lab_venv.mkdir(parents=True, exist_ok=True)
        for part in ("static", "schemas", "themes"):
            if (lab_here / part).is_dir() and not (lab_venv / part).exists():
                (lab_venv / part).symlink_to(lab_here / part, target_is_directory=True)
    # Jupyter's own commands, for the venv (its dependencies are borrowed, their scripts are not)
    for name, target in (("jupyter", "jupyter_core.command"), ("jupyter-lab", "jupyterlab.labapp")):
        script = venv / "bin" / name
        if not script.exists():
            script.write_text(f"#!{py}\nimport sys\nfrom {target} import main\nsys.exit(main())\n", encoding="utf-8")
            script.chmod(0o755)
    return {"sdist": str(sdist), "wheel": str(wheel), "venv": str(venv), "seconds": f"{time.perf_counter() - t:.1f}"}


def build(work: Path) -> None:
    """Build the sdist and wheel into ``work`` and install the wheel in a venv there; ``work/built.json`` lists them.

    The ``wheel_venv`` fixture calls it through :func:`_once.once_per_run`: once per test run.
    """
    made = _build(work)
    print(f"wheel: built and installed in {made['seconds']} s", flush=True)
    (work / "built.json").write_text(json.dumps(made), encoding="utf-8")


def built(work: Path) -> dict[str, Path]:
    """What :func:`build` made in ``work``: ``{"sdist", "wheel", "venv"}`` (callers never change the venv)."""
    made = json.loads((work / "built.json").read_text(encoding="utf-8"))
    return {k: Path(made[k]) for k in ("sdist", "wheel", "venv")}
