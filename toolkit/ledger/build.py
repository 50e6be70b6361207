"""The ledger: one pandas DataFrame, a row per live annotation or brief.

Spans (annotations of article text) and briefs (coded facts from the public
record) share one schema; column ``evidence`` says which a row is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from toolkit.ledger.frame import DOCUMENT_COLUMNS, TEXT_COLUMNS, issue_tuples, lookup, no_text, sort_order, text_kind
from toolkit.records.textbytes import text_dtype

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook

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
    # codebook 2.0 (see toolkit.records.events)
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
    "quad_class",
    "dyad",
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


def build_ledger(
    annotations: Iterable[dict],
    codebook: Codebook,
    summits: dict,
    *,
    briefs: Iterable[dict] = (),
    set_name: str | None = None,
    events: Iterable[dict] = (),
    expand_pairs: bool = True,
    documents: Mapping[str, Any] | None = None,
    _frames: tuple[pd.DataFrame, ...] = (),
    _codes: Mapping[str, Any] | None = None,
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
        integers, ``score`` is the codebook's intensity score (its own weight per
        stance and intensity, negative for grievances; not a Goldstein value). Rows whose ``status`` is ``orphaned`` are kept; filter
        them out with ``ledger[ledger.status == "anchored"]`` if needed.
        Codebook-2.0 columns: ``event_id`` (None: its own event),
        ``secondary_issues`` (a tuple of issue ids; ``()`` for none), ``attribution``, ``modality``, ``event_type`` (the event's, else the
        codebook's default for stance and intensity), ``goldstein`` (the
        published value of its CAMEO code), ``plover_score`` (the PLOVER manual's score of its type
        and mode) ``quad_class`` (1-4, the CAMEO quad class; NaN without a type), ``dyad`` (the
        codebook's pair actor, e.g. ``US-Russia``, whose members are the row's actor and target;
        None for any other target), ``event_date`` and ``date_precision``
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
    if _frames and not rows and isinstance(events, (list, tuple)) and not events:
        from toolkit.ledger.arrow import arrow_ledger  # the plain fast-path case, built in Arrow columns

        fast = arrow_ledger(
            _frames, codebook, summits, documents=documents, expand_pairs=expand_pairs, columns=LEDGER_COLUMNS, codes=_codes
        )
        if fast is not None:
            return fast
    df = pd.DataFrame(rows)
    if _frames:  # span rows already in columns (load_ledger's fast path for big, clean logs)
        df = pd.concat([df, *_frames], ignore_index=True) if rows else pd.concat(_frames, ignore_index=True)
    for col in LEDGER_COLUMNS:
        if col not in df.columns:
            df[col] = None
    df = _link_events(df, codebook, summits, events)
    if expand_pairs:
        from toolkit.ledger.eventcount import expand_pairs as _expand

        df = _expand(df, codebook)
    else:
        df = df.assign(joint=False, joint_actor=None)
    # the dyad of a row: the pair actor whose members are its actor and target (or the pair itself)
    pairs = {a.id: frozenset(a.members) for a in codebook.actors.values() if a.kind in ("pair", "mutual") and len(a.members) == 2}
    dyads = {m: pid for pid, m in pairs.items() if codebook.actors[pid].kind == "pair"}
    df["dyad"] = [
        dyads.get(pairs[a]) if a in pairs else dyads.get(frozenset((a, t))) if a != t else None
        for a, t in zip(df["actor"], df["target"])
    ]
    order = {sid: i for i, sid in enumerate(sorted(summits, key=lambda s: (summits[s].date, s)))}
    # Dict lookups (hashed in C), not Python lambdas: this runs once per row of a million-row ledger.
    df["summit_date"] = pd.to_datetime(lookup(df["summit_id"], {k: pd.Timestamp(v.date) for k, v in summits.items()}))
    df["summit_label"] = lookup(df["summit_id"], {k: v.label for k, v in summits.items()})
    df["summit_format"] = lookup(df["summit_id"], {k: v.format for k, v in summits.items()})
    df["summit_order"] = lookup(df["summit_id"], order).astype("Int64")
    df["issue_label"] = lookup(df["issue"], {k: v.label for k, v in codebook.issues.items()})
    df["intensity"] = df["intensity"].astype("Int64")
    for col in DOCUMENT_COLUMNS:
        values = {k: (getattr(d, col, "") or None) for k, d in (documents or {}).items()}
        found = lookup(df["document_id"], values) if values else None
        # text, or no value at all (then text too, below); not the floats pandas makes of a column of NaN
        df[col] = found if found is not None and found.notna().any() else None
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
    text = text_dtype()  # the text dtype pandas infers (str with pandas 3), as other columns have
    empty = []  # text columns with no value at all: left out of the reordering, made afresh after it
    for col in TEXT_COLUMNS:
        kind = text_kind(df[col])
        if kind == "empty":
            empty.append(col)
        elif kind == "text":
            df[col] = df[col].astype(text)
    positions = sort_order(df)
    df = df[[c for c in LEDGER_COLUMNS if c not in empty]]
    df = (df if positions is None else df.take(positions)).reset_index(drop=True)
    for col in empty:
        df[col] = no_text(len(df), text)
    return df[list(LEDGER_COLUMNS)]


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
    data : str, Path or ProjectFolder, optional
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
    from toolkit.corpus.folder import as_folder
    from toolkit.errors import DataError
    from toolkit.ids import check_id
    from toolkit.records.textbytes import repeated_text
    from toolkit.store.frame import one_value_codes
    from toolkit.store.open import store_at

    project = as_folder(data)  # loaded once per project, re-read only when a file changed
    root, codebook, summits, documents = project.root, project.codebook, project.summits, project.documents
    ann_root = root / "annotations"
    names = project.annotation_sets() if sets is None else list(sets)
    records = []
    events: list[dict] = []
    frames = []
    codes = None  # the key columns' codes of the only fast-path frame (see toolkit.store.live_columns)
    skipped = []
    for name in names:
        if sets is not None:  # a name the user gave: check it before it becomes a path, and that it exists
            check_id("set", name, file=ann_root, field="set")
            if not (ann_root / name).is_dir():
                known = sorted(p.name for p in ann_root.iterdir() if p.is_dir()) if ann_root.is_dir() else []
                raise DataError.at(ann_root, None, "set", f"no annotation set {name!r}; known: {', '.join(known) or 'none'}")
        store = store_at(project, ann_root / name)  # checked against the project's codebook, documents, summits
        annotators, unread = store.log_files()
        skipped.extend(unread)
        for annotator in annotators:
            fast = _fast_live_columns(store, annotator)
            if fast is not None:
                fast[0]["set"] = repeated_text(name, len(fast[0]))  # the frame is this load's own
                frames.append(fast[0])
                codes = None if fast[1] is None else {**fast[1], "set": one_value_codes(name, len(fast[0]))}
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
        _codes=codes if len(frames) == 1 else None,
    )
    # Nothing is dropped silently: what was left out is in ``ledger.attrs["problems"]``.
    ledger.attrs["problems"] = skipped
    return ledger


def _link_events(df: pd.DataFrame, codebook: Codebook, summits: dict, events: Iterable[dict]) -> pd.DataFrame:
    """Fill the event columns: from the linked event record, else from the row itself (briefs)."""
    from toolkit.corpus.phases import derive_phase

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
        # The codebook's default event type, worked out once per distinct (stance, intensity) pair.
        default = np.full(len(df), None, dtype=object)
        coded = (df["stance"].notna() & df["intensity"].notna()).to_numpy(dtype=bool)
        if coded.any():
            pairs = pd.DataFrame({"s": df["stance"].to_numpy()[coded], "i": df["intensity"].to_numpy()[coded]})
            group = pairs.groupby(["s", "i"], sort=False).ngroup().to_numpy()
            firsts = pairs.drop_duplicates()  # in order of first appearance, as ngroup numbers them
            types_of = np.array(
                [codebook.default_event_type(s, i) if isinstance(s, str) else None for s, i in zip(firsts["s"], firsts["i"])]
                + [None]
            )
            default[coded] = types_of[group]
        df["event_type"] = df["event_type"].where(df["event_type"].notna(), pd.Series(default.tolist(), index=df.index))
        phases = np.full(len(df), None, dtype=object)
        dated = np.flatnonzero((df["event_date"].notna() & df["date_precision"].notna()).to_numpy())
        columns = [df[c].to_numpy(dtype=object)[dated] for c in ("summit_id", "event_date", "date_precision", "phase")]
        for j, sid, date, prec, stated in zip(dated, *columns, strict=True):
            if isinstance(date, str) and isinstance(prec, str) and sid in summits:
                try:
                    phases[j], _ = derive_phase(date, prec, summits[sid], stated if isinstance(stated, str) else None)
                except ValueError:
                    phases[j] = None
        df["phase"] = phases.tolist()
    types = codebook.event_types
    df["goldstein"] = lookup(df["event_type"], {k: t.goldstein for k, t in types.items()}).astype(float)
    df["plover_score"] = lookup(df["event_type"], {k: t.plover_score for k, t in types.items()}).astype(float)
    df["quad_class"] = lookup(df["event_type"], {k: float(t.quad_class) for k, t in types.items()}).astype(float)
    sec = df["secondary_issues"]
    df["secondary_issues"] = issue_tuples(None if sec.isna().all() else sec.tolist(), len(df))
    return df


#: Logs smaller than this always take the careful, line-by-line path.
FAST_PATH_MIN_BYTES = 1 << 20


def _fast_live_columns(store, annotator: str) -> tuple[pd.DataFrame, dict[str, Any] | None] | None:
    """The live annotations of a big, clean log as columns and its key columns' codes, or None to take the careful path.

    ``Store.read`` replays a log line by line in Python (about 100 µs a record), which dominates
    loading a million records. A big log (at least :data:`FAST_PATH_MIN_BYTES`) is parsed at once
    by :func:`read_log_table` and checked by :func:`live_columns` with the same rule table the
    row-wise validator uses (:data:`toolkit.records.record.RULES`; see :mod:`toolkit.store.frame`). Anything the column path does not
    handle, or any failing record, returns None, so ``Store.read`` handles the log and reports each
    problem with its line and field; the result is then the same as the careful path's.
    """
    path = store.log_path(annotator)
    try:
        if path.stat().st_size < FAST_PATH_MIN_BYTES:
            return None
    except OSError:
        return None
    from toolkit.store.frame import live_columns, read_log_table

    table = read_log_table(path)
    live = None if table is None else live_columns(table, store, annotator)
    del table  # the parsed columns the ledger does not keep (op_id, at, ...) are freed here, before it is built
    if live is None:
        return None
    # nor does it keep the quote selector's context: its memory goes back too, for the ledger's columns to take
    return live[0].drop(columns=["prefix", "suffix"]), live[1]
