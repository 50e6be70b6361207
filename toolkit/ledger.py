"""The ledger: one pandas DataFrame, a row per live annotation or brief.

Spans (annotations of article text) and briefs (coded facts from the public
record) share one schema; column ``evidence`` says which a row is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["LEDGER_COLUMNS", "DOCUMENT_COLUMNS", "Evidence", "build_ledger", "load_ledger"]

Evidence = Literal["span", "brief"]

#: Columns of every ledger, in order.
LEDGER_COLUMNS: tuple[str, ...] = (
    "evidence",
    "id",
    "set",
    "annotator",
    "document_id",
    "summit_id",
    "summit_date",
    "summit_label",
    "summit_format",
    "summit_order",
    "issue",
    "issue_label",
    "stance",
    "actor",
    "target",
    "intensity",
    "score",
    "start",
    "end",
    "quote",
    "note",
    "status",
    "origin",
    "created",
    "description",
    "source_url",
    # codebook 2.0 (see toolkit.events)
    "event_id",
    "secondary_issues",
    "attribution",
    "modality",
    "event_type",
    "event_date",
    "date_precision",
    "phase",
    "joint",
    "joint_actor",
    "codebook_version",
    "goldstein",
    "plover_score",
    "actor_detail",
    "target_detail",
    "speaker",
    "source",
    "migrated_from",
    # the span's document (issue 11: corpus manifests), None for briefs
    "outlet",
    "country",
    "language",
    "source_kind",
)
#: Ledger columns copied from each span's document (see :class:`toolkit.corpus.Document`).
DOCUMENT_COLUMNS: tuple[str, ...] = ("outlet", "country", "language", "source_kind")


def build_ledger(
    annotations: Iterable[dict],
    codebook,
    summits: dict,
    *,
    briefs: Iterable[dict] = (),
    set_name: str | None = None,
    events: Iterable[dict] = (),
    expand_pairs: bool = True,
    documents: dict | None = None,
    _frames: tuple[pd.DataFrame, ...] = (),
) -> pd.DataFrame:
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
    documents : dict of str to Document, optional
        Fills :data:`DOCUMENT_COLUMNS` (outlet, country, language, source kind) of span rows.
    events : iterable of dict, optional
        Event records (``kind: event``, each with its ``set``). A mention whose
        ``event_id`` names one takes the event's summit, date, precision,
        event type and phase.
    expand_pairs : bool, default True
        Expand each pair-actor row into one directed row per direction
        (``joint`` True); False keeps the pair as one row.

    Returns
    -------
    pandas.DataFrame
        One row per annotation or brief, columns :data:`LEDGER_COLUMNS`;
        ``summit_date`` is a datetime, ``intensity`` and ``summit_order`` are
        integers, ``score`` is the codebook's Goldstein-style score (negative
        for grievances). Rows whose ``status`` is ``orphaned`` are kept; filter
        them out with ``ledger[ledger.status == "anchored"]`` if needed.
        Codebook-2.0 columns: ``event_id`` (None: its own event),
        ``attribution``, ``modality``, ``event_type`` (the event's, else the
        codebook's default for stance and intensity), ``goldstein`` and
        ``plover_score`` of that type, ``event_date`` and ``date_precision``
        (the event's or brief's; None for an unlinked span), ``phase``
        (before/at/after), ``joint``, ``joint_actor`` and ``codebook_version``
        (None: coded under 1.x). An agenda row has a NaN ``score``.
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
    if _frames:  # span rows already in columns (load_ledger's fast path for big, clean logs)
        df = pd.concat([df, *_frames], ignore_index=True) if rows else pd.concat(_frames, ignore_index=True)
    for col in LEDGER_COLUMNS:
        if col not in df.columns:
            df[col] = None
    df = _link_events(df, codebook, summits, events)
    if expand_pairs:
        from .events import expand_pairs as _expand

        df = _expand(df, codebook)
    else:
        df = df.assign(joint=False, joint_actor=None)
    order = {sid: i for i, sid in enumerate(sorted(summits, key=lambda s: (summits[s].date, s)))}
    # Dict lookups (hashed in C), not Python lambdas: this runs once per row of a million-row ledger.
    df["summit_date"] = pd.to_datetime(df["summit_id"].map({k: pd.Timestamp(v.date) for k, v in summits.items()}))
    df["summit_label"] = df["summit_id"].map({k: v.label for k, v in summits.items()})
    df["summit_format"] = df["summit_id"].map({k: v.format for k, v in summits.items()})
    df["summit_order"] = df["summit_id"].map(order).astype("Int64")
    df["issue_label"] = df["issue"].map({k: v.label for k, v in codebook.issues.items()})
    df["intensity"] = df["intensity"].astype("Int64")
    for col in DOCUMENT_COLUMNS:
        values = {k: (getattr(d, col, "") or None) for k, d in (documents or {}).items()}
        df[col] = df["document_id"].map(values) if values else None
    # The codebook's score of each (stance, intensity) pair; NaN where either is not in the codebook.
    score = np.full(len(df), np.nan)
    for stance in codebook.stances:
        is_stance = (df["stance"] == stance).fillna(False).to_numpy(dtype=bool)
        for level in codebook.intensity:
            mask = is_stance & (df["intensity"] == level).fillna(False).to_numpy(dtype=bool)
            score[mask] = codebook.score(stance, level)
    df["score"] = score
    df["start"] = df["start"].astype("Int64")
    df["end"] = df["end"].astype("Int64")
    df["joint"] = df["joint"].fillna(False).astype(bool)
    text_dtype = pd.Series(["x"]).dtype  # the text dtype pandas infers (str with pandas 3), as other columns have
    for col in (
        "event_id",
        "attribution",
        "modality",
        "event_type",
        "event_date",
        "date_precision",
        "phase",
        "joint_actor",
        "codebook_version",
        "actor_detail",
        "target_detail",
        "speaker",
        "source",
        "migrated_from",
        *DOCUMENT_COLUMNS,
    ):
        df[col] = df[col].astype(text_dtype) if df[col].map(lambda v: v is None or isinstance(v, str)).all() else df[col]
    df = df[list(LEDGER_COLUMNS)]
    return df.sort_values(
        ["summit_order", "evidence", "document_id", "start", "id"], na_position="last", kind="stable"
    ).reset_index(drop=True)


def load_ledger(
    data: str | os.PathLike[str] | None = None,
    *,
    sets: Iterable[str] | None = ("reference",),
    include_briefs: bool = True,
    expand_pairs: bool = True,
) -> pd.DataFrame:
    """Load the project's ledger from the data folder.

    Parameters
    ----------
    data : str, Path or Project, optional
        The project (default: the discovered one, see :func:`toolkit.paths.find_project`).
    sets : iterable of str or None
        Annotation sets under ``data/annotations/`` to include; None for all.
    include_briefs : bool
        Add the summit briefs from ``briefs.yaml`` when present.
    expand_pairs : bool
        See :func:`build_ledger`.

    Returns
    -------
    pandas.DataFrame
        See :func:`build_ledger`. ``attrs["problems"]`` lists every line and
        log file left out (bad lines, torn tails, unreadable file names).
    """
    from .errors import DataError
    from .ids import check_id
    from .project import as_project
    from .store import Store

    project = as_project(data)  # loaded once per project, re-read only when a file changed
    root, codebook, summits, documents = project.root, project.codebook, project.summits, project.documents
    ann_root = root / "annotations"
    names = project.annotation_sets() if sets is None else list(sets)
    records = []
    events: list[dict] = []
    frames = []
    skipped = []
    for name in names:
        if sets is not None:  # a name the user gave: check it before it becomes a path, and that it exists
            check_id("set", name, file=ann_root, field="set")
            if not (ann_root / name).is_dir():
                known = sorted(p.name for p in ann_root.iterdir() if p.is_dir()) if ann_root.is_dir() else []
                raise DataError.at(ann_root, None, "set", f"no annotation set {name!r}; known: {', '.join(known) or 'none'}")
        store = Store(ann_root / name, codebook=codebook, documents=documents, summits=summits)
        annotators, unread = store.log_files()
        skipped.extend(unread)
        for annotator in annotators:
            fast = _fast_live_frame(store, annotator)
            if fast is not None:
                frames.append(fast.assign(set=name))
                continue
            state = store.read(annotator)
            skipped.extend(state.problems)
            if state.torn is not None:
                skipped.append(state.torn.problem())
            for rec in state.annotations.values():
                records.append({**rec, "set": name})
            events.extend({**ev, "set": name} for ev in state.events.values())
    briefs = project.briefs if include_briefs else []
    ledger = build_ledger(
        records,
        codebook,
        summits,
        briefs=briefs,
        events=events,
        expand_pairs=expand_pairs,
        documents=documents,
        _frames=tuple(frames),
    )
    # Nothing is dropped silently: what was left out is in ``ledger.attrs["problems"]``.
    ledger.attrs["problems"] = skipped
    return ledger


def _link_events(df: pd.DataFrame, codebook, summits: dict, events: Iterable[dict]) -> pd.DataFrame:
    """Fill the event columns: from the linked event record, else from the row itself (briefs)."""
    from .events import derive_phase

    for col in (
        "event_id",
        "event_type",
        "event_date",
        "date_precision",
        "phase",
        "secondary_issues",
        "attribution",
        "modality",
        "codebook_version",
    ):
        if col not in df.columns:
            df[col] = None
    by_key = {(ev.get("set"), ev["id"]): ev for ev in events}
    by_id = {ev["id"]: ev for ev in events}  # events are the project's: a copied set links to the same acts
    if by_key and len(df):
        found = [by_key.get((st, eid)) or by_id.get(eid) for st, eid in zip(df["set"], df["event_id"])]
        linked = pd.Series([ev is not None for ev in found], index=df.index)
        for col in ("summit_id", "event_type", "event_date", "date_precision", "phase"):
            vals = [ev.get(col) if ev is not None else None for ev in found]
            df[col] = df[col].where(~linked, pd.Series(vals, index=df.index))
    if len(df):
        default = [
            codebook.default_event_type(s, i) if isinstance(s, str) and pd.notna(i) else None
            for s, i in zip(df["stance"], df["intensity"])
        ]
        df["event_type"] = df["event_type"].where(df["event_type"].notna(), pd.Series(default, index=df.index))
        phases = []
        for sid, date, prec, stated in zip(df["summit_id"], df["event_date"], df["date_precision"], df["phase"]):
            phase = None
            if isinstance(date, str) and isinstance(prec, str) and sid in summits:
                try:
                    phase, _ = derive_phase(date, prec, summits[sid], stated if isinstance(stated, str) else None)
                except ValueError:
                    phase = None
            phases.append(phase)
        df["phase"] = phases
    types = codebook.event_types
    df["goldstein"] = df["event_type"].map({k: t.goldstein for k, t in types.items()}).astype(float)
    df["plover_score"] = df["event_type"].map({k: t.plover_score for k, t in types.items()}).astype(float)
    df["secondary_issues"] = [list(v) if isinstance(v, (list, tuple)) else [] for v in df["secondary_issues"]]
    return df


#: Logs smaller than this always take the careful, line-by-line path.
FAST_PATH_MIN_BYTES = 1 << 20


def _fast_live_frame(store, annotator: str) -> pd.DataFrame | None:
    """The live annotations of a big, clean log as columns, or None to take the careful path.

    ``Store.read`` replays a log line by line in Python (about 100 µs a
    record), which dominates loading a million records. A *clean* log is
    parsed at once with ``pyarrow.json`` and checked with column operations
    instead. Clean means: at least :data:`FAST_PATH_MIN_BYTES`, ends with a
    newline, parses as JSON objects, holds only upserts (no delete, no undo),
    every record field present with its type and no nulls, and every record
    passes the checks ``Store.read`` makes (annotator of this log, status,
    origin, offsets, codes, summit, and for live records the document and the
    quote). Anything else returns None, so ``Store.read`` handles the log and
    reports each problem with its line and field; the result is then the
    same as the careful path's.

    Returns
    -------
    pandas.DataFrame or None
        One row per live annotation (the last upsert of each id), columns
        :data:`toolkit.annotation.FIELDS` plus ``evidence`` (``"span"``).
    """
    import pyarrow as pa
    import pyarrow.json as pj

    from .annotation import FIELDS, OPTIONAL_FIELDS, ORIGINS, STATUSES

    path = store.log_path(annotator)
    try:
        size = path.stat().st_size
        if size < FAST_PATH_MIN_BYTES:
            return None
        with open(path, "rb") as fh:
            fh.seek(size - 1)
            if fh.read(1) != b"\n":
                return None  # torn tail: the careful path reports it
        ints = {"start", "end", "intensity"}
        schema = pa.schema([(c, pa.int64() if c in ints else pa.string()) for c in ("op", "op_id", "at", *FIELDS)])
        # Known fields parse with their own types (a wrong type is an error, hence the careful path);
        # any other field ("undoes", ...) is inferred so that it can be seen.
        table = pj.read_json(
            path,
            read_options=pj.ReadOptions(block_size=1 << 24),
            parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer"),
        )
    except (OSError, pa.ArrowException):
        return None
    names = set(table.column_names)
    if "op" not in names or "undoes" in names or not set(FIELDS) <= names or names & set(OPTIONAL_FIELDS):
        # events, or codebook-2.0 fields, in the log: the careful path keeps them
        return None
    for col in ("op", *FIELDS):
        typ = table.schema.field(col).type
        ok = pa.types.is_integer(typ) if col in ints else (pa.types.is_string(typ) or pa.types.is_large_string(typ))
        if not ok or table.column(col).null_count:
            return None
    df = table.select(["op", *FIELDS]).to_pandas()
    if not (df["op"] == "upsert").all() or not (df["annotator"] == annotator).all() or (df["id"] == "").any():
        return None
    if not (df["status"].isin(STATUSES).all() and df["origin"].isin(ORIGINS).all()):
        return None
    if not ((df["start"] >= 0).all() and (df["end"] > df["start"]).all()):
        return None
    cb = store.codebook
    if cb is not None:
        if not (
            df["issue"].isin(list(cb.issues)).all()
            and df["stance"].isin(list(cb.stances)).all()
            and df["actor"].isin(list(cb.actors)).all()
            and df["target"].isin(list(cb.actors)).all()
            and df["intensity"].isin(list(cb.intensity)).all()
        ):
            return None
        same = df.loc[df["actor"] == df["target"], "actor"]
        if not same.map(lambda a: cb.actors[a].kind == "pair").all():
            return None
    if store.summits is not None and not df["summit_id"].isin(list(store.summits)).all():
        return None
    live = df.drop(columns="op").drop_duplicates("id", keep="last")
    docs = store.documents
    if docs is not None:
        if not live["document_id"].isin(list(docs)).all():
            return None
        anchored = live[live["status"] == "anchored"]
        for doc_id, grp in anchored.groupby("document_id", sort=False):
            text = docs[doc_id].text
            if (grp["end"] > len(text)).any():
                return None
            if any(text[a:b] != q for a, b, q in zip(grp["start"].tolist(), grp["end"].tolist(), grp["quote"].tolist())):
                return None
    return live.assign(evidence="span").reset_index(drop=True)
