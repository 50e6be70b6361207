"""Fixtures shared by every test: the project's real data, and scratch copies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from toolkit.codebook import load_codebook
from toolkit.corpus import load_documents
from toolkit.summits import load_summits

REPO = Path(__file__).resolve().parents[1]

# Tests write under many annotator names: run them as if outside a class JupyterHub, even inside one.
for _hub_var in ("JUPYTERHUB_USER", "SUMMIT_LEDGER_ROLE", "SUMMIT_LEDGER_CLASS", "SUMMIT_LEDGER_ASSIGNMENT"):
    os.environ.pop(_hub_var, None)
DATA = REPO / "data"
SEED_ID = "2021-12-07-biden-putin-video-summit"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The repository's real data folder (read-only in tests: copy it to change it)."""
    return DATA


@pytest.fixture(scope="session")
def codebook():
    return load_codebook(DATA / "codebook.yaml")


@pytest.fixture(scope="session")
def summits(codebook):
    return load_summits(DATA / "summits.yaml", codebook)


@pytest.fixture(scope="session")
def documents(summits):
    return load_documents(DATA / "documents", summits)


@pytest.fixture(scope="session")
def seed(documents):
    """The seed article."""
    return documents[SEED_ID]


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A scratch copy of the whole data folder, safe to corrupt."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak"))
    return dst


# ------------------------------------------------------------- the fast sample
#: Parametrized families under these folders with more than ``SAMPLE_ABOVE`` cases keep an evenly
#: spread sample of ``SAMPLE_SIZE`` cases in ``make test-fast``; the others are marked ``slow`` and
#: run in ``make test``. Every case still runs in the full suite, and every family keeps a sample in
#: the edit loop.
SAMPLED_DIRS = (REPO / "tests" / "reliability",)
SAMPLE_ABOVE, SAMPLE_SIZE = 8, 6


def fast_sample(n: int, k: int = SAMPLE_SIZE) -> set[int]:
    """Indices of an evenly spread sample of ``k`` out of ``n`` cases (first and last included)."""
    if n <= k:
        return set(range(n))
    return {round(i * (n - 1) / (k - 1)) for i in range(k)}


def pytest_collection_modifyitems(config, items):
    families: dict[tuple[str, str], list[pytest.Item]] = {}
    for item in items:
        path = Path(str(item.path))
        if getattr(item, "callspec", None) is None or not any(path.is_relative_to(d) for d in SAMPLED_DIRS):
            continue
        if item.get_closest_marker("slow"):
            continue  # already left to the full suite by its own mark
        families.setdefault((str(path), item.originalname), []).append(item)
    for members in families.values():
        if len(members) <= SAMPLE_ABOVE:
            continue
        keep = fast_sample(len(members))
        for i, item in enumerate(members):
            if i not in keep:
                item.add_marker(pytest.mark.slow)
