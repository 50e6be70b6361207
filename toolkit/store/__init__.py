"""The append-only annotation logs: write, index, lock, batch, compact, read column-wise; migrate, re-anchor, validate."""

from __future__ import annotations

from .batch import JOURNAL, append_batch, check_changes, compact, held_signals, recover
from .core import Store
from .frame import column_problems, live_frame, read_log_table
from .index import Context, LogIndex, Replay, StoreIndex
from .lock import LOCK_TIMEOUT, LogLocks
from .log import (
    OP_KEYS,
    OPS,
    LogState,
    RecordKind,
    TornLine,
    complete_line,
    encode_line,
    op_id_for,
    op_line,
    parse_lines,
    record_kind,
    refuse_dirty,
    register_kind,
    set_aside_torn,
    upsert_op,
)
from .migrate import Decision, MigrationReport, migrate_project, migrate_store, needs_migration
from .open import set_store, store_at
from .reanchor import (
    MARGIN,
    MIN_SCORE,
    SIDE_MIN,
    WEIGHTS,
    Anchoring,
    Method,
    ReanchorReport,
    anchor,
    anchor_records,
    reanchor_document,
)
from .validate import FileReport, validate_data

__all__ = [
    "Anchoring",
    "Context",
    "Decision",
    "FileReport",
    "JOURNAL",
    "LOCK_TIMEOUT",
    "LogIndex",
    "LogLocks",
    "LogState",
    "MARGIN",
    "MIN_SCORE",
    "Method",
    "MigrationReport",
    "OPS",
    "OP_KEYS",
    "ReanchorReport",
    "RecordKind",
    "Replay",
    "SIDE_MIN",
    "Store",
    "StoreIndex",
    "TornLine",
    "WEIGHTS",
    "anchor",
    "anchor_records",
    "append_batch",
    "check_changes",
    "column_problems",
    "compact",
    "complete_line",
    "encode_line",
    "held_signals",
    "live_frame",
    "migrate_project",
    "migrate_store",
    "needs_migration",
    "op_id_for",
    "op_line",
    "parse_lines",
    "read_log_table",
    "reanchor_document",
    "record_kind",
    "recover",
    "refuse_dirty",
    "register_kind",
    "set_aside_torn",
    "set_store",
    "store_at",
    "upsert_op",
    "validate_data",
]
