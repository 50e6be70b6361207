"""One research project, one folder: :class:`Project`.

A project folder holds ``summit-ledger.toml``, ``codebook.yaml``,
``summits.yaml``, ``documents/``, ``annotations/`` and optionally
``briefs.yaml``. :class:`Project` loads each of these once and hands the same
objects to every store, ledger, import, export, figure and agreement call;
a file is read again only when it changed on disk (its size, mtime or inode
differ), so a notebook that adds an article sees it at once.

>>> p = Project.discover()                       # doctest: +SKIP
>>> p.ledger(sets=["reference"])                 # doctest: +SKIP
>>> p.store("workspace").upsert(record)          # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, Problem
from .paths import CONFIG_NAME, check_project_safe, find_project

if TYPE_CHECKING:
    from .formats.exporter import ExportFormat
    from .formats.importer import ImportFormat

__all__ = ["Project", "as_project", "DEFAULT_CONFIG", "SET_NAME"]

#: Annotation set names (folder names under ``annotations/``).
SET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")

#: Settings used where ``summit-ledger.toml`` says nothing.
DEFAULT_CONFIG: dict[str, Any] = {"name": "", "codebook_version": "", "charts": {"sets": ["reference"]}}

_OPEN: dict[Path, Project] = {}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class Project:
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
    def discover(cls, explicit: str | os.PathLike | None = None, cwd: str | os.PathLike | None = None) -> Project:
        """The project named by ``explicit``, ``$SUMMIT_LEDGER_PROJECT``, the nearest
        ``summit-ledger.toml`` above ``cwd``, or (inside the source checkout) its ``data/``.

        Repeated calls for the same folder return the same object, so its cache is shared.

        Raises
        ------
        toolkit.paths.ProjectNotFound
            With how to create a project.
        """
        if isinstance(explicit, Project):
            return explicit
        found = find_project(explicit, cwd)
        check_project_safe(found)
        root = found.resolve()
        if root not in _OPEN:
            _OPEN[root] = cls(root)
        return _OPEN[root]

    def __fspath__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"Project({str(self.root)!r})"

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
            except RecursionError:
                raise DataError.at(
                    path, None, None, "nested too deeply to read; a project's settings are a few flat tables"
                ) from None
            problems = check_config(raw, str(path))
            if problems:
                raise DataError(problems)
            cfg.update({k: v for k, v in raw.items() if k != "charts"})
            cfg["charts"].update(raw.get("charts", {}))
            return cfg

        return self._cached("config", _stamp(path), load)

    @property
    def codebook(self):
        from .codebook import load_codebook

        path = self.root / "codebook.yaml"
        return self._cached("codebook", _stamp(path), lambda: load_codebook(path))

    @property
    def summits(self) -> dict:
        from .summits import load_summits

        path = self.root / "summits.yaml"
        codebook = self.codebook
        return self._cached("summits", (_stamp(path), id(codebook)), lambda: load_summits(path, codebook))

    @property
    def documents(self) -> Mapping[str, Any]:
        from .corpus import load_documents

        if self._documents is not None:
            return self._documents
        summits = self.summits
        folder = self.root / "documents"
        return self._cached(
            "documents", (self._documents_key(), id(summits)), lambda: load_documents(folder, summits) if folder.is_dir() else {}
        )

    @property
    def briefs(self) -> list[dict]:
        from .briefs import load_briefs

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

    def store(self, set_name: str):
        """The annotation :class:`~toolkit.store.Store` of one set, checked against this project's data."""
        return self.store_at(self.set_path(set_name))

    def store_at(self, folder: str | os.PathLike):
        """A :class:`~toolkit.store.Store` over any folder of annotator logs (a class hand-in, a
        practice key...), checked against this project's codebook, documents and summits."""
        from .store import Store

        return Store(Path(os.fspath(folder)), codebook=self.codebook, documents=self.documents, summits=self.summits)

    def with_documents(self, documents: Mapping[str, Any]) -> Project:
        """This project seen with other documents (e.g. a practice passage cut from an article).

        The returned project shares the folder, codebook and summits; only :attr:`documents` differs.
        """
        view = Project(self.root)
        view._cache = self._cache
        view._documents = dict(documents)
        return view

    def ledger(self, sets: Iterable[str] | None | str = "charts", *, include_briefs: bool = True):
        """The ledger of the given annotation sets (None for all; by default the :meth:`chart_sets` that exist),
        with the briefs (see :func:`toolkit.ledger.load_ledger`)."""
        from .ledger import load_ledger

        if isinstance(sets, str):
            if sets != "charts":
                raise ValueError(f"sets must be a list of set names, None or 'charts', not {sets!r}")
            sets = self.chart_sets()
        return load_ledger(self, sets=sets, include_briefs=include_briefs)

    def validate(self):
        """Check every file of the project (see :func:`toolkit.validate.validate_data`)."""
        from .validate import validate_data

        return validate_data(self.root)

    def chart_sets(self) -> list[str]:
        """The annotation sets charts use by default: those of ``[charts] sets`` in ``summit-ledger.toml``
        that exist (a young project has none yet; :meth:`missing_chart_sets` names the others)."""
        have = set(self.annotation_sets())
        return [s for s in self.configured_chart_sets() if s in have]

    def configured_chart_sets(self) -> list[str]:
        """``[charts] sets`` of ``summit-ledger.toml`` as written (default: reference)."""
        return list(self.config["charts"].get("sets") or ["reference"])

    def missing_chart_sets(self) -> list[str]:
        """Sets ``summit-ledger.toml`` names for charts that hold no annotations yet."""
        have = set(self.annotation_sets())
        return [s for s in self.configured_chart_sets() if s not in have]

    def status(self) -> list[str]:
        """What this project still lacks and what to do next, one plain line each (empty when nothing is missing)."""
        lines = []
        if not self.documents:
            lines.append(
                "no articles yet: add one with `summit-ledger add-article PAGE.html --summit SUMMIT_ID` "
                "(a saved web page or a text file; --url URL fetches a page), or many with `summit-ledger add-articles LIST.csv`"
            )
        for name in self.missing_chart_sets():
            lines.append(
                f"no annotations in set {name!r} yet: annotate an article in notebooks/01_annotate.ipynb "
                f"(it writes to annotations/workspace/), or import another tool's file with `summit-ledger import`"
            )
        if not self.chart_sets() and not self.briefs:
            lines.append(
                "nothing to chart yet: charts appear once a set named in summit-ledger.toml [charts] sets has annotations"
            )
        return lines

    def figures(
        self,
        out: str | os.PathLike,
        *,
        sets: Iterable[str] | str | None = None,
        evidence: str = "both",
        weight: str = "count",
        balance_scale: str = "relative",
        interval: str = "jeffreys",
        count: str = "events",
        n_boot: int = 1000,
        seed: int = 0,
        scale: float = 2.0,
    ) -> list[Path]:
        """Write every chart (SVG, PNG) and the tables (CSV) into ``out``; return the files there.

        The options are those of ``summit-ledger figures`` (parsed by the command's own parser, so the
        two cannot drift apart).
        """
        import argparse

        from .commands.figures import add_arguments, run

        if sets is None:
            sets = self.chart_sets()
        sets = sets if isinstance(sets, str) else ",".join(sets)
        parser = argparse.ArgumentParser(prog="summit-ledger figures")
        add_arguments(parser)
        args = parser.parse_args(
            [
                "--out",
                str(out),
                "--sets",
                sets,
                "--evidence",
                evidence,
                "--weight",
                weight,
                "--balance-scale",
                balance_scale,
                "--interval",
                interval,
                "--count",
                count,
                "--n-boot",
                str(n_boot),
                "--seed",
                str(seed),
                "--scale",
                str(scale),
            ]
        )
        args.data, args.project = self.root, self
        run(args)
        return sorted(Path(out).iterdir())

    def import_(self, fmt: ImportFormat, path: str | os.PathLike, *, set_name: str, **options):
        """Import another tool's annotations into a set (see :func:`toolkit.formats.import_file`)."""
        from .formats.importer import import_file

        self.set_path(set_name)
        return import_file(fmt, Path(os.fspath(path)), set_name=set_name, data=self.root, **options)

    def export(self, fmt: ExportFormat, out: str | os.PathLike, *, sets: Iterable[str] | None = None, **options):
        """Export annotation sets, or the ledger for ``parquet``/``ledger-csv``-like formats."""
        from .formats.exporter import export_annotations, export_ledger

        dest = Path(os.fspath(out))
        if fmt == "parquet" or fmt == "ledger-csv":
            return export_ledger(fmt, self.ledger(sets=sets), dest)
        return export_annotations(fmt, dest, data=self.root, sets=None if sets is None else list(sets), **options)

    def agreement(
        self,
        sources: Iterable[str | os.PathLike] = ("reference", "independent"),
        *,
        reference: str | os.PathLike | None = None,
        progress: bool | None = False,
    ):
        """Agreement between the annotator files of sets or folders (see :func:`toolkit.teaching.class_view`)."""
        from .teaching import class_view, collect_class, load_reference

        paths = [
            self.set_path(s) if isinstance(s, str) and SET_NAME.fullmatch(s) and self.set_path(s).exists() else Path(s)
            for s in sources
        ]
        files = collect_class(paths, data=self, progress=progress)
        ref = None
        if reference is not None:
            ref = load_reference(reference, data=self)
        return class_view(files, reference=ref)

    def add_article(self, file: str | os.PathLike, **fields):
        """Add one article (see :func:`toolkit.articles.add_article`)."""
        from .articles import add_article

        return add_article(Path(os.fspath(file)), data=self.root, **fields)

    def add_articles(self, manifest: str | os.PathLike, *, progress: bool | None = None):
        """Add every article of a manifest CSV, all or nothing (see :func:`toolkit.manifest.add_articles`)."""
        from .manifest import add_articles

        return add_articles(manifest, project=self, progress=progress)


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


def as_project(data: str | os.PathLike | Project | None = None) -> Project:
    """The :class:`Project` for a folder, a project, or (None) the discovered one."""
    return Project.discover(data)
