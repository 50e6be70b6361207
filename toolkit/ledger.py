"""The ledger: one pandas DataFrame, a row per live annotation or brief.

Spans (annotations of article text) and briefs (coded facts from the public
record) share one schema; column ``evidence`` says which a row is.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Literal

import pandas as pd

__all__ = ["LEDGER_COLUMNS", "Evidence", "build_ledger", "load_ledger"]

Evidence = Literal["span", "brief"]

#: Columns of every ledger, in order.
LEDGER_COLUMNS: tuple[str, ...] = (
    "evidence", "id", "set", "annotator", "document_id",
    "summit_id", "summit_date", "summit_label", "summit_format", "summit_order",
    "issue", "issue_label", "stance", "actor", "target", "intensity", "score",
    "start", "end", "quote", "note", "status", "origin", "created",
    "description", "source_url",
)


def build_ledger(annotations: Iterable[dict], codebook, summits: dict, *, briefs: Iterable[dict] = (),
                 set_name: str | None = None) -> pd.DataFrame:
    """Join annotations (and briefs) with summit dates and codebook labels.

    Parameters
    ----------
    annotations : iterable of dict
        Live annotation records; a ``set`` key, if present, is kept.
    codebook : Codebook
    summits : dict of str to Summit
    briefs : iterable of dict, optional
        Brief records (``summit_id, issue, stance, actor, target, intensity,
        description, source_url``, optional ``id`` and ``note``).
    set_name : str, optional
        Set name for annotations that carry none.

    Returns
    -------
    pandas.DataFrame
        One row per annotation or brief, columns :data:`LEDGER_COLUMNS`;
        ``summit_date`` is a datetime, ``intensity`` and ``summit_order`` are
        integers, ``score`` is the codebook's Goldstein-style score (negative
        for grievances). Rows whose ``status`` is ``orphaned`` are kept; filter
        them out with ``ledger[ledger.status == "anchored"]`` if needed.
    """
    rows = []
    for rec in annotations:
        row = dict(rec)
        row["evidence"] = "span"
        row.setdefault("set", set_name)
        rows.append(row)
    for rec in briefs:
        row = dict(rec)
        row["evidence"] = "brief"
        row.setdefault("set", "briefs")
        row.setdefault("annotator", "briefs")
        row.setdefault("document_id", None)
        row.setdefault("status", "anchored")
        row.setdefault("origin", "manual")
        rows.append(row)
    df = pd.DataFrame(rows)
    for col in LEDGER_COLUMNS:
        if col not in df.columns:
            df[col] = None
    order = {sid: i for i, sid in enumerate(sorted(summits, key=lambda s: (summits[s].date, s)))}
    df["summit_date"] = pd.to_datetime(df["summit_id"].map(lambda s: summits[s].date if s in summits else None))
    df["summit_label"] = df["summit_id"].map(lambda s: summits[s].label if s in summits else None)
    df["summit_format"] = df["summit_id"].map(lambda s: summits[s].format if s in summits else None)
    df["summit_order"] = df["summit_id"].map(order).astype("Int64")
    df["issue_label"] = df["issue"].map(lambda i: codebook.issues[i].label if i in codebook.issues else None)
    df["intensity"] = df["intensity"].astype("Int64")
    df["score"] = [codebook.score(s, i) if s in codebook.stances and pd.notna(i) and int(i) in codebook.intensity
                   else float("nan") for s, i in zip(df["stance"], df["intensity"])]
    df["start"] = df["start"].astype("Int64")
    df["end"] = df["end"].astype("Int64")
    df = df[list(LEDGER_COLUMNS)]
    return df.sort_values(["summit_order", "evidence", "document_id", "start", "id"], na_position="last",
                          kind="stable").reset_index(drop=True)


def load_ledger(data: "str | Path | None" = None, *, sets: "Iterable[str] | None" = ("reference",),
                include_briefs: bool = True) -> pd.DataFrame:
    """Load the project's ledger from the data folder.

    Parameters
    ----------
    data : str or Path, optional
        The data folder (default: the repository's ``data/``).
    sets : iterable of str or None
        Annotation sets under ``data/annotations/`` to include; None for all.
    include_briefs : bool
        Add the summit briefs from ``briefs.yaml`` when present.

    Returns
    -------
    pandas.DataFrame
        See :func:`build_ledger`.
    """
    from .codebook import load_codebook
    from .corpus import load_documents
    from .paths import data_dir
    from .store import Store
    from .summits import load_summits

    root = data_dir(data)
    codebook = load_codebook(root / "codebook.yaml")
    summits = load_summits(root / "summits.yaml", codebook)
    documents = load_documents(root / "documents", summits)
    ann_root = root / "annotations"
    names = sorted(p.name for p in ann_root.iterdir() if p.is_dir()) if sets is None else list(sets)
    records = []
    for name in names:
        store = Store(ann_root / name, codebook=codebook, documents=documents, summits=summits)
        for rec in store.annotations():
            records.append({**rec, "set": name})
    briefs: list[dict] = []
    if include_briefs and (root / "briefs.yaml").exists():
        from .briefs import load_briefs

        briefs = load_briefs(root / "briefs.yaml", codebook, summits)
    return build_ledger(records, codebook, summits, briefs=briefs)
