"""``summit-ledger init``: create a project folder from the bundled defaults.

The defaults are the repository's own ``data/`` and curated notebooks. An
installed wheel carries a copy of them as package data under
``toolkit/_bundled/`` (copied at build time by ``setup.py``; a test checks the
copy is identical); a source checkout reads them from ``data/`` and
``notebooks/`` directly, so there is one source.

The new folder is assembled beside its destination and renamed into place at
the end, so a failed ``init`` leaves nothing behind.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from toolkit.errors import DataError
from toolkit.paths import CONFIG_NAME, REPO_ROOT, in_checkout

__all__ = ["init_project", "bundled_data", "bundled_notebooks", "CURATED_NOTEBOOKS", "BUNDLE_SKIP"]

#: Every notebook of ``notebooks/``, copied into every new project (with ``notebooks/sanitize.cfg`` for nbval).
CURATED_NOTEBOOKS: tuple[str, ...] = (
    "00_tour.ipynb",
    "01_annotate.ipynb",
    "02_balance_across_summits.ipynb",
    "03_agreement.ipynb",
    "04_bring_your_own_article.ipynb",
    "05_adjudicate.ipynb",
    "06_event_data.ipynb",
    "teaching/instructor.ipynb",
    "teaching/student_exercise.ipynb",
    "sanitize.cfg",
)
#: Parts of ``data/`` that never ship: personal workspaces, locks, set-aside torn lines, caches.
BUNDLE_SKIP = re.compile(r"(^|/)(workspace|__pycache__|\.[^/]*)(/|$)|\.(lock|torn|bak)$|\.jsonl\.[^/]*\.bak$")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}")


def _bundle() -> Traversable | None:
    root = resources.files("toolkit") / "_bundled"
    return root if root.is_dir() else None


def bundled_data() -> Traversable:
    """The default project data: ``toolkit/_bundled/data`` in a wheel, ``data/`` in a checkout."""
    bundle = _bundle()
    if bundle is not None:
        return bundle / "data"
    if in_checkout():
        return REPO_ROOT / "data"
    raise DataError.at(
        REPO_ROOT, None, None, "this installation carries no bundled project data; reinstall the summit-ledger wheel"
    )


def bundled_notebooks() -> Traversable:
    """The curated notebooks: ``toolkit/_bundled/notebooks`` in a wheel, ``notebooks/`` in a checkout."""
    bundle = _bundle()
    return bundle / "notebooks" if bundle is not None else REPO_ROOT / "notebooks"


def _walk(node: Traversable, prefix: str = ""):
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if BUNDLE_SKIP.search(rel):
            continue
        if child.is_dir():
            yield from _walk(child, rel + "/")
        else:
            yield rel, child


def _write(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def config_text(name: str, codebook_version: str, sets: list[str]) -> str:
    """The ``summit-ledger.toml`` of a new project."""
    return (
        f"# Summit Ledger project settings (created by `summit-ledger init` on {_dt.date.today().isoformat()}).\n"
        "# This file marks the folder as a project: every `summit-ledger` command run in it or below it\n"
        "# works on this folder.\n"
        f"name = {_toml_str(name)}\n"
        "# The codebook version the annotations here are made with (see codebook.yaml).\n"
        f"codebook_version = {_toml_str(codebook_version)}\n\n"
        "[charts]\n"
        "# Annotation sets that `summit-ledger figures` and the notebooks chart by default.\n"
        f"sets = [{', '.join(_toml_str(s) for s in sets)}]\n"
    )


#: The ``.gitignore`` of a new project: lock files and checkpoints are not part of the project's record.
GITIGNORE = """\
# Written by `summit-ledger init`. Lock files exist while a command writes (and stay, empty, afterwards);
# they and Jupyter's checkpoints are not part of the project's record.
*.lock
.ipynb_checkpoints/
__pycache__/
"""


def init_project(dest: str | os.PathLike, *, demo: bool = False, name: str | None = None) -> Path:
    """Create a project folder.

    Parameters
    ----------
    dest : str or path-like
        The new folder; it must not exist, or be empty.
    demo : bool
        Also copy the seed article, its reference and independent annotations,
        and the public-record briefs.
    name : str, optional
        The project's name (default: the folder's name).

    Returns
    -------
    Path
        The new project folder.

    Raises
    ------
    DataError
        ``dest`` holds files already, or the name is not allowed; nothing is written.
    """
    from toolkit.codebook.load import load_codebook

    dest = Path(os.fspath(dest)).expanduser().absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise DataError.at(dest, None, None, "exists and is not an empty folder; choose a new folder for the project")
    name = dest.name if name is None else name
    if not _NAME.fullmatch(name):
        raise DataError.at(
            dest,
            None,
            "name",
            f"project name {name!r} is not allowed: letters, digits, space, '.', '_' or '-', up to 80 characters",
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = dest.parent / f".{dest.name}.init-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    try:
        source = bundled_data()
        for rel, node in _walk(source):
            if rel == CONFIG_NAME:
                continue
            if demo or rel in ("codebook.yaml", "summits.yaml"):
                _write(stage / rel, node.read_bytes())
        for folder in ("documents", "annotations"):
            (stage / folder).mkdir(parents=True, exist_ok=True)
        nbs = bundled_notebooks()
        for nb in CURATED_NOTEBOOKS:
            _write(stage / "notebooks" / nb, (nbs / nb).read_bytes())
        _write(stage / ".gitignore", GITIGNORE.encode("utf-8"))
        version = load_codebook(stage / "codebook.yaml").version
        # the annotator (notebooks/01_annotate.ipynb) writes to the set "workspace"; the demo charts its reference set
        _write(stage / CONFIG_NAME, config_text(name, version, ["reference"] if demo else ["workspace"]).encode("utf-8"))
        if dest.exists():
            dest.rmdir()
        os.rename(stage, dest)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    return dest
