"""A project folder and its loaded data: :class:`ProjectFolder`.

A project folder holds ``summit-ledger.toml``, ``codebook.yaml``, ``summits.yaml``,
``documents/``, ``annotations/`` and optionally ``briefs.yaml``. A :class:`ProjectFolder`
loads each of these once and hands the same objects to every caller; a file is read
again only when it changed on disk (its size, mtime or inode differ), so a notebook
that adds an article sees it at once.

Code below the top of the package takes a ``ProjectFolder``; :class:`toolkit.Project`
is the same folder with the verbs (ledger, stores, figures, import, export) added on top.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from toolkit.errors import DataError, Problem
from toolkit.paths import CONFIG_NAME, find_project

__all__ = ["ProjectFolder", "as_folder", "check_config", "DEFAULT_CONFIG", "SET_NAME"]

#: Annotation set names (folder names under ``annotations/``).
SET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")

#: Settings used where ``summit-ledger.toml`` says nothing.
DEFAULT_CONFIG: dict[str, Any] = {"name": "", "codebook_version": "", "charts": {"sets": ["reference"]}}

F = TypeVar("F", bound="ProjectFolder")
_OPEN: dict[tuple[type, Path], ProjectFolder] = {}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class ProjectFolder:
    """A project folder and its data, loaded once and re-read when a file changes.

    Parameters
    ----------
    root : str or path-like
        The project folder (use :meth:`discover` to find it like git finds ``.git``).

    Attributes
    ----------
    root : Path
    config : dict
        ``summit-ledger.toml`` merged over :data:`DEFAULT_CONFIG`.
    codebook, summits, documents, briefs
        The loaded data (``briefs`` is an empty list when there is no ``briefs.yaml``).

    A project is path-like (``os.fspath(project)`` is its root), so it can be
    passed wherever a data folder is expected.
    """

    def __init__(self, root: str | os.PathLike) -> None:
        root = Path(os.fspath(root))
        if not root.is_dir():
            raise DataError.at(root, None, None, "no such folder; create a project with `summit-ledger init DIR`")
        self.root = root
        self._cache: dict[str, tuple[Any, Any]] = {}
        self._documents: Mapping[str, Any] | None = None

    # --- finding ---------------------------------------------------------------
    @classmethod
    def discover(
        cls: type[F], explicit: str | os.PathLike | ProjectFolder | None = None, cwd: str | os.PathLike | None = None
    ) -> F:
        """The project named by ``explicit``, ``$SUMMIT_LEDGER_PROJECT``, the nearest
        ``summit-ledger.toml`` above ``cwd``, or (inside the source checkout) its ``data/``.

        Repeated calls for the same folder return the same object, so its cache is shared.
        A project object given as ``explicit`` is returned as it is.

        Raises
        ------
        toolkit.paths.ProjectNotFound
            With how to create a project.
        """
        if isinstance(explicit, ProjectFolder):
            return explicit  # type: ignore[return-value]
        root = find_project(explicit, cwd).resolve()
        key = (cls, root)
        if key not in _OPEN:
            _OPEN[key] = cls(root)
        return _OPEN[key]  # type: ignore[return-value]

    def __fspath__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"

    # --- cached loading --------------------------------------------------------
    def _cached(self, name: str, key: Any, load: Callable[[], Any]) -> Any:
        hit = self._cache.get(name)
        if hit is not None and hit[0] == key:
            return hit[1]
        value = load()
        self._cache[name] = (key, value)
        return value

    def _documents_key(self) -> tuple:
        folder = self.root / "documents"
        if not folder.is_dir():
            return ()
        return tuple(sorted((p.name, _stamp(p)) for p in folder.iterdir() if p.suffix in (".yaml", ".txt")))

    @property
    def config(self) -> dict[str, Any]:
        path = self.root / CONFIG_NAME

        def load() -> dict[str, Any]:
            cfg = {**DEFAULT_CONFIG, "charts": dict(DEFAULT_CONFIG["charts"])}
            if not path.is_file():
                return cfg
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise DataError.at(path, getattr(exc, "lineno", None), None, f"not valid TOML: {exc}") from None
            problems = check_config(raw, str(path))
            if problems:
                raise DataError(problems)
            cfg.update({k: v for k, v in raw.items() if k != "charts"})
            cfg["charts"].update(raw.get("charts", {}))
            return cfg

        return self._cached("config", _stamp(path), load)

    @property
    def codebook(self):
        from toolkit.codebook.load import load_codebook

        path = self.root / "codebook.yaml"
        return self._cached("codebook", _stamp(path), lambda: load_codebook(path))

    @property
    def summits(self) -> dict:
        from toolkit.corpus.summits import load_summits

        path = self.root / "summits.yaml"
        codebook = self.codebook
        return self._cached("summits", (_stamp(path), id(codebook)), lambda: load_summits(path, codebook))

    @property
    def documents(self) -> Mapping[str, Any]:
        from toolkit.corpus.documents import load_documents

        if self._documents is not None:
            return self._documents
        summits = self.summits
        folder = self.root / "documents"
        return self._cached(
            "documents", (self._documents_key(), id(summits)), lambda: load_documents(folder, summits) if folder.is_dir() else {}
        )

    @property
    def briefs(self) -> list[dict]:
        from toolkit.corpus.briefs import load_briefs

        path = self.root / "briefs.yaml"
        codebook, summits = self.codebook, self.summits
        return self._cached(
            "briefs",
            (_stamp(path), id(codebook), id(summits)),
            lambda: load_briefs(path, codebook, summits) if path.is_file() else [],
        )

    # --- handing out -----------------------------------------------------------
    def annotation_sets(self) -> list[str]:
        """Names of the annotation sets (folders under ``annotations/``)."""
        folder = self.root / "annotations"
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def set_path(self, set_name: str) -> Path:
        """The folder of an annotation set; the name is checked before any path is built."""
        if not isinstance(set_name, str) or not SET_NAME.fullmatch(set_name):
            raise ValueError(f"annotation set name {set_name!r} is not allowed: use letters, digits, '-' or '_'")
        return self.root / "annotations" / set_name

    def with_documents(self, documents: Mapping[str, Any]) -> ProjectFolder:
        """This project seen with other documents (e.g. a practice passage cut from an article).

        The returned project shares the folder, codebook and summits; only :attr:`documents` differs.
        """
        view = type(self)(self.root)
        view._cache = self._cache
        view._documents = dict(documents)
        return view

    def chart_sets(self) -> list[str]:
        """The annotation sets charts use by default (``[charts] sets`` in ``summit-ledger.toml``)."""
        return list(self.config["charts"].get("sets") or ["reference"])


def check_config(raw: dict, where: str) -> list[Problem]:
    """Problems of a parsed ``summit-ledger.toml`` (types of the known keys)."""
    problems: list[Problem] = []
    for key in ("name", "codebook_version"):
        if key in raw and not isinstance(raw[key], str):
            problems.append(Problem(where, None, key, "must be a string"))
    charts = raw.get("charts", {})
    if not isinstance(charts, dict):
        problems.append(Problem(where, None, "charts", "must be a table ([charts])"))
    else:
        sets = charts.get("sets", ["reference"])
        if not (isinstance(sets, list) and all(isinstance(s, str) and SET_NAME.fullmatch(s) for s in sets)):
            problems.append(Problem(where, None, "charts.sets", "must be a list of annotation set names"))
    return problems


def as_folder(data: str | os.PathLike | ProjectFolder | None = None) -> ProjectFolder:
    """The loaded project for a folder, a project object, or (None) the discovered one."""
    return ProjectFolder.discover(data)
