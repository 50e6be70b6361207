"""A store over a project's folder: one annotation set, or any folder of annotator logs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.store.core import Store

if TYPE_CHECKING:
    from toolkit.corpus.folder import ProjectFolder

__all__ = ["store_at", "set_store"]


def store_at(project: ProjectFolder, folder: str | os.PathLike) -> Store:
    """A :class:`Store` over any folder of annotator logs (a set, a class hand-in, a practice key...),
    checked against the project's codebook, documents and summits."""
    return Store(Path(os.fspath(folder)), codebook=project.codebook, documents=project.documents, summits=project.summits)


def set_store(project: ProjectFolder, set_name: str) -> Store:
    """The :class:`Store` of one annotation set of the project (the name is checked before any path is built)."""
    return store_at(project, project.set_path(set_name))
