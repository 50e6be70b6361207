"""The class view for a projector: scores and disputed sentences, with pseudonyms instead of names.

Pseudonyms (``Coder 01`` …) are assigned in an order shuffled by a seed the
instructor keeps (default: the assignment id), so they do not follow the
alphabet; the same seed gives the same pseudonyms at every showing. The
mapping is returned to the instructor and never shown.
"""

from __future__ import annotations

import html
import random
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from toolkit._io import content_hash

__all__ = ["pseudonyms", "projection_table", "projection_html"]


def pseudonyms(names: Sequence[str], seed: str) -> dict[str, str]:
    """``name -> "Coder NN"``, shuffled by ``seed``."""
    order = sorted(set(names))
    random.Random(content_hash(seed, 16)).shuffle(order)
    width = max(2, len(str(len(order))))
    return {name: f"Coder {k:0{width}d}" for k, name in enumerate(order, 1)}


def projection_table(grades: pd.DataFrame, mapping: Mapping[str, str]) -> pd.DataFrame:
    """The grade table with names replaced by pseudonyms, sorted by pseudonym (no group, no score)."""
    cols = ["span_f1", "coverage", "agree_actor", "agree_target", "agree_intensity", "agreement"]
    out = grades.assign(coder=[mapping[s] for s in grades.student])[["coder", *cols]]
    return out.sort_values("coder").reset_index(drop=True)


def projection_html(
    grades: pd.DataFrame,
    mapping: Mapping[str, str],
    *,
    document: Any = None,
    sentences: pd.DataFrame | None = None,
    title: str = "Our class",
) -> str:
    """An HTML page fragment for the projector: the pseudonymous table and, if given, the hot spots."""
    from toolkit.classroom.presentation import hotspots_html

    table = projection_table(grades, mapping)
    parts = [
        f"<div class='sl-projection'><h3>{html.escape(title)}</h3>",
        table.to_html(index=False, escape=True, na_rep="n/a", float_format=lambda v: f"{v:.2f}"),
    ]
    if document is not None and sentences is not None:
        parts.append(hotspots_html(document, sentences, title="Where we disagreed"))
    parts.append("</div>")
    out = "".join(parts)
    leaked = [name for name in mapping if name and f">{name}<" in out]
    if leaked:  # a name equal to text in the page would be a coincidence; refuse rather than risk showing it
        raise ValueError(f"{len(leaked)} student name(s) appear in the projection; not shown")
    return out
