"""One research project, one folder: :class:`Project`, the door to the data.

:class:`Project` is a :class:`~toolkit.corpus.folder.ProjectFolder` (the folder's codebook,
summits, documents and briefs, loaded once and re-read when a file changes) with the
verbs on top: stores, the ledger, validation, figures, import, export, agreement and
adding articles. It sits above every package and nothing in the package imports it;
each verb is a call into the package that does the work.

>>> p = Project.discover()                       # doctest: +SKIP
>>> p.ledger(sets=["reference"])                 # doctest: +SKIP
>>> p.store("workspace").upsert(record)          # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.corpus.folder import DEFAULT_CONFIG, SET_NAME, ProjectFolder, check_config

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.formats.exporter import ExportFormat
    from toolkit.formats.importer import ImportFormat
    from toolkit.store.core import Store

__all__ = ["Project", "as_project", "DEFAULT_CONFIG", "SET_NAME", "check_config"]


class Project(ProjectFolder):
    """A project folder with its data and the verbs that work on it.

    Parameters
    ----------
    root : str or path-like
        The project folder (use :meth:`discover` to find it like git finds ``.git``).

    See :class:`~toolkit.corpus.folder.ProjectFolder` for the loaded data
    (``config``, ``codebook``, ``summits``, ``documents``, ``briefs``).
    """

    def store(self, set_name: str) -> Store:
        """The annotation :class:`~toolkit.store.Store` of one set, checked against this project's data."""
        from toolkit.store.open import set_store

        return set_store(self, set_name)

    def store_at(self, folder: str | os.PathLike) -> Store:
        """A :class:`~toolkit.store.Store` over any folder of annotator logs (a class hand-in, a
        practice key...), checked against this project's codebook, documents and summits."""
        from toolkit.store.open import store_at

        return store_at(self, folder)

    def missing(self, *needs: str) -> list[str]:
        """What of ``needs`` this project lacks, one line each with what to do.

        ``needs`` are ``"documents"`` (any article), ``"document:<id>"``, ``"set:<name>"`` (an
        annotation set with annotations), ``"briefs"`` (``briefs.yaml``) and ``"extra:events"``
        (DuckDB and Ibis installed, for machine-coded event data).
        """
        demo = "a demo project has it: `summit-ledger init DIR --demo`"
        out = []
        for need in needs:
            kind, _, name = need.partition(":")
            if kind == "documents" and not self.documents:
                out.append(
                    "no articles yet: add one with `summit-ledger add-article PAGE.html --summit SUMMIT_ID` "
                    "(or --url URL, or many with `summit-ledger add-articles LIST.csv`)"
                )
            elif kind == "document" and name not in self.documents:
                out.append(f"the article {name!r}, which this notebook walks through; {demo}")
            elif kind == "set" and name not in self.annotation_sets():
                out.append(
                    f"the annotation set {name!r} (annotations/{name}/); {demo}, "
                    "or import one with `summit-ledger import FORMAT FILE --set " + name + "`"
                )
            elif kind == "briefs" and not (self.root / "briefs.yaml").is_file():
                out.append(f"briefs.yaml, the facts coded from the public record; {demo}")
            elif kind == "extra" and name == "events" and not _installed("duckdb", "ibis"):
                out.append("DuckDB and Ibis, for event data: `pip install 'summit-ledger[events]'`, then restart the kernel")
            elif kind not in ("documents", "document", "set", "briefs") and need != "extra:events":
                raise ValueError(f"unknown need {need!r}: use documents, document:<id>, set:<name>, briefs or extra:events")
        return out

    def require(self, *needs: str) -> None:
        """In a notebook: if this project lacks any of ``needs`` (see :meth:`missing`), say what and
        what to do, and let every later cell say it was skipped instead of failing. Shows nothing
        when the project has them all."""
        from toolkit.widgets.guard import skip_later_cells, stop_skipping
        from toolkit.widgets.kernel_note import on_voila_page

        lacking = self.missing(*needs)
        if not lacking:
            stop_skipping()
            return
        page = on_voila_page()
        print(f"This {'page' if page else 'notebook'} needs what the project {self.root} does not have yet:")
        for line in lacking:
            print(f"  - {line}")
        if page:  # a Voila page shows no code: speak of the page, not of cells
            print("Add what is missing, then reload this page.")
            skip_later_cells("this page needs data the project does not have yet (see the top of the page)")
        else:
            print("The cells below are skipped. Add what is missing, then run this notebook again from the top.")
            skip_later_cells("this notebook needs data the project does not have yet (see the first code cell)")

    def ledger(self, sets: Iterable[str] | None | str = "charts", *, include_briefs: bool = True) -> pd.DataFrame:
        """The ledger of the given annotation sets (None for all; by default the :meth:`chart_sets` that exist),
        with the briefs (see :func:`toolkit.ledger.load_ledger`)."""
        from toolkit.ledger.build import load_ledger

        if isinstance(sets, str):
            if sets != "charts":
                raise ValueError(f"sets must be a list of set names, None or 'charts', not {sets!r}")
            sets = self.chart_sets()
        ledger = load_ledger(self, sets=sets, include_briefs=include_briefs)
        if sets is None:
            _warn_if_coded_twice(ledger)
        return ledger

    def validate(self):
        """Check every file of the project (see :func:`toolkit.store.validate.validate_data`)."""
        from toolkit.store.validate import validate_data

        return validate_data(self.root)

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
        strict: bool = False,
        scope: str = "dyad",
    ) -> list[Path]:
        """Write every chart (SVG, PNG) and the tables (CSV) into ``out``; return the files there.

        The options are those of ``summit-ledger figures``; ``sets`` defaults to the project's
        chart sets (``[charts] sets`` in ``summit-ledger.toml``), ``"all"`` takes every set.
        """
        import sys

        from toolkit.charts.figures import write_figures
        from toolkit.errors import DataError

        if sets is None:
            for name in self.missing_chart_sets():  # a young project: chart what exists, say what does not
                print(f"note: set {name!r} (summit-ledger.toml [charts] sets) has no annotations yet; left out", file=sys.stderr)
            sets = self.chart_sets()
        names = [s.strip() for s in sets.split(",") if s.strip()] if isinstance(sets, str) else list(sets)
        chosen = None if names == ["all"] else names
        ledger = self.ledger(sets=chosen, include_briefs=evidence != "span")
        if strict and ledger.attrs.get("problems"):
            raise DataError(ledger.attrs["problems"])
        if ledger.empty:
            print(
                "nothing to chart yet: no annotations"
                + (f" in {', '.join(chosen)}" if chosen else "")
                + (" and no briefs" if evidence != "span" else "")
                + "; no files written.",
                file=sys.stderr,
            )
            for line in self.status():
                print(f"  next: {line}", file=sys.stderr)
            return []
        write_figures(
            ledger,
            Path(os.fspath(out)),
            sets=chosen,
            evidence=evidence,
            weight=weight,
            balance_scale=balance_scale,
            interval=interval,
            count=count,
            n_boot=n_boot,
            seed=seed,
            scale=scale,
            scope=scope,
        )
        return sorted(Path(out).iterdir())

    def import_(self, fmt: ImportFormat, path: str | os.PathLike, *, set_name: str, **options):
        """Import another tool's annotations into a set (see :func:`toolkit.formats.import_file`)."""
        from toolkit.formats.importer import import_file

        self.set_path(set_name)
        return import_file(fmt, Path(os.fspath(path)), set_name=set_name, data=self.root, **options)

    def export(self, fmt: ExportFormat, out: str | os.PathLike, *, sets: Iterable[str] | None = None, **options):
        """Export annotation sets, or the ledger for ``parquet``/``ledger-csv``-like formats."""
        from toolkit.formats.exporter import export_annotations, export_ledger

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
        """Agreement between the annotator files of sets or folders (see :func:`toolkit.classroom.class_view`)."""
        from toolkit.classroom import class_view, collect_class, load_reference

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
        """Add one article (see :func:`toolkit.corpus.articles.add_article`)."""
        from toolkit.corpus.articles import add_article

        return add_article(Path(os.fspath(file)), data=self.root, **fields)

    def add_articles(self, manifest: str | os.PathLike, *, progress: bool | None = None):
        """Add every article of a manifest CSV, all or nothing (see :func:`toolkit.corpus.manifest.add_articles`)."""
        from toolkit.corpus.manifest import add_articles

        return add_articles(manifest, project=self, progress=progress)


def as_project(data: str | os.PathLike | ProjectFolder | None = None) -> Project:
    """The :class:`Project` for a folder, a project, or (None) the discovered one."""
    if isinstance(data, ProjectFolder) and not isinstance(data, Project):
        data = data.root
    return Project.discover(data)


def _installed(*modules: str) -> bool:
    """Whether every one of ``modules`` can be imported (found, not imported)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in modules)


def _warn_if_coded_twice(ledger: pd.DataFrame) -> None:
    """Warn when one document is coded in several annotation sets: every set's acts count, once per coder."""
    import warnings

    spans = ledger[ledger["evidence"] == "span"] if "evidence" in ledger else ledger
    sets_per_doc = spans.groupby("document_id")["set"].nunique() if len(spans) else None
    if sets_per_doc is None or not (sets_per_doc > 1).any():
        return
    docs = sets_per_doc[sets_per_doc > 1]
    named = ", ".join(f"{d} ({n} sets)" for d, n in docs.head(3).items()) + (" …" if len(docs) > 3 else "")
    warnings.warn(
        f"{len(docs)} document(s) are coded in more than one annotation set: {named}. A table or chart of this "
        "ledger counts each such act once per set. For balances, choose the sets (sets=[...] in Python, --sets on "
        "the command line) or keep the default, the project's chart sets.",
        UserWarning,
        stacklevel=3,
    )
