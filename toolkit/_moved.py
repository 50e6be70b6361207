"""Old import paths of modules that moved into packages (layout v3), kept for one release.

``import toolkit.balance`` still works: it gives a module with the names of
:mod:`toolkit.measures.balance` and a :class:`DeprecationWarning` naming the new path.
The old paths go away in the release after 0.2.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import FrameType, ModuleType

__all__ = ["MOVED", "install"]

#: old module (under ``toolkit.``) -> its new home
MOVED: dict[str, str] = {
    "adjudication": "session.adjudication",
    "anchoring": "store.reanchor",
    "annotation": "records.annotation",
    "articles": "corpus.articles",
    "balance": "measures.balance",
    "briefs": "corpus.briefs",
    "classroom.identity": "records.identity",
    "cli": "commands.main",
    "codebook_model": "codebook.model",
    "disclosure": "records.disclosure",
    "display": "charts.display",
    "draft": "session.draft",
    "eventcount": "ledger.eventcount",
    "events": "records.events",
    "grid": "measures.grid",
    "intervals": "measures.intervals",
    "layers": "session.layers",
    "ledgerframe": "ledger.frame",
    "logframe": "store.frame",
    "manifest": "corpus.manifest",
    "migrate": "store.migrate",
    "palette": "charts.palette",
    "passages": "corpus.passages",
    "record": "records.record",
    "robustness": "measures.robustness",
    "runs": "records.runs",
    "scaffold": "commands.scaffold",
    "selection": "ledger.selection",
    "session_events": "session.events",
    "session_reads": "session.reads",
    "shifts": "measures.shifts",
    "storebatch": "store.batch",
    "storeindex": "store.index",
    "storelock": "store.lock",
    "storelog": "store.log",
    "suggest": "codebook.suggest",
    "summits": "corpus.summits",
    "teaching": "classroom",
    "teaching.collection": "classroom.collection",
    "teaching.presentation": "classroom.presentation",
    "teaching.scoring": "classroom.scoring",
    "teaching.student_feedback": "classroom.student_feedback",
    "units": "measures.units",
    "validate": "store.validate",
}

#: old packages whose modules moved too (``toolkit.teaching.scoring``)
_PACKAGES = {"teaching"}


def _caller_level() -> int:
    """The stack level of the first frame outside the import machinery (for the warning's location)."""
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and (frame.f_code.co_filename.startswith("<frozen") or frame.f_code.co_filename == __file__):
        frame = frame.f_back
        level += 1
    return level


class _Loader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        old = module.__name__
        warnings.warn(
            f"{old} has moved to {self.target}; import it from there (the old path goes away in the next release)",
            DeprecationWarning,
            stacklevel=_caller_level(),
        )
        target = importlib.import_module(self.target)
        module.__dict__.update({k: v for k, v in vars(target).items() if not k.startswith("__")})
        names = list(getattr(target, "__all__", []))
        # a package that loads its names on first use (toolkit.classroom) gives them here at once, as the old module did
        module.__dict__.update({name: getattr(target, name) for name in names})
        module.__dict__["__all__"] = names
        module.__doc__ = f"Deprecated alias of :mod:`{self.target}`."


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("toolkit."):
            return None
        old = fullname[len("toolkit.") :]
        new = MOVED.get(old)
        if new is None:
            return None
        spec = importlib.machinery.ModuleSpec(fullname, _Loader("toolkit." + new), is_package=old in _PACKAGES)
        if old in _PACKAGES:
            spec.submodule_search_locations = []
        return spec


def install() -> None:
    """Let the old module paths resolve (once per process)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
