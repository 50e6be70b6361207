"""The annotator's in-memory view of a store, for one document: records, runs and progress per layer.

:class:`Layers` reads each annotator's log once, then keeps it current by
applying the operations the session itself writes (no replay, no re-reading).
Whether a log changed behind the session's back is asked of the store's
public change token (:meth:`toolkit.store.Store.change_token`), which the
store's incremental index keeps; nothing here looks at the file, guesses
line lengths or re-serialises operations. :meth:`Layers.refresh` re-reads all.

For every layer shown (one annotator, or all of them) a
:class:`~toolkit.records.runs.RunIndex` holds the highlight runs; applying an
operation records a :class:`RunPatch` per affected layer, so a view redraws
only the runs that changed.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from toolkit.corpus.documents import Document, segment
from toolkit.errors import Problem
from toolkit.records.annotation import record_kind
from toolkit.records.runs import RunIndex, Utf16Offsets
from toolkit.session.draft import Progress
from toolkit.store.core import Store

__all__ = ["Layers", "RunPatch", "ALL_LAYERS", "run_json"]

ALL_LAYERS = "*"
"""Layer value meaning "every annotator in the set"."""
_OPTIONAL_META = ("op", "op_id", "at", "undoes")


@dataclass(frozen=True)
class RunPatch:
    """Replace runs ``at .. at + remove`` of a layer's run list by ``runs`` (already in view form)."""

    at: int
    remove: int
    runs: list[dict]


@dataclass
class _Log:
    token: int
    records: dict[str, dict] = field(default_factory=dict)  # live mentions on this document
    events: dict[str, dict] = field(default_factory=dict)  # live events of this annotator
    problems: list[Problem] = field(default_factory=list)


def run_json(offsets: Utf16Offsets, start: int, end: int, n: int, stances: tuple) -> dict[str, Any]:
    """What the browser gets for one run: UTF-16 offsets, number of annotations, stance (or "both")."""
    stance = None if not stances else (stances[0] if len(stances) == 1 else "both")
    return {"s": offsets.to_utf16(start), "e": offsets.to_utf16(end), "n": n, "stance": stance}


class Layers:
    """Every annotator's live records on ``document``, their runs and the progress line."""

    def __init__(self, store: Store, document: Document, offsets: Utf16Offsets) -> None:
        self.store = store
        self.document = document
        self.offsets = offsets
        self.segments = segment(document)
        self._seg_starts = [s.start for s in self.segments]
        self._logs: dict[str, _Log] = {}
        self._runs: dict[str, RunIndex] = {}
        self._patches: dict[str, list[RunPatch]] = {}
        self._owner: dict[str, str] = {}
        self._hits: dict[str, list[int]] = {}  # annotator -> sentences' counts of their annotations

    # ---------------------------------------------------------------- reading
    def _token(self, name: str) -> int:
        """The store's change token of ``name``'s log (the store looks at the file, not this class)."""
        return self.store.change_token(name)

    def log(self, name: str) -> _Log:
        """The live state of ``name``'s log on this document (read once; again only if it changed)."""
        token = self._token(name)
        cached = self._logs.get(name)
        if cached is not None and cached.token == token:
            return cached
        state = self.store.read(name)
        doc = self.document.id
        events = dict(state.events)
        records = {}
        for k, v in state.annotations.items():
            if v.get("kind", "mention") != "mention":
                events[k] = v
            elif v.get("document_id") == doc:
                records[k] = v
        torn = [] if state.torn is None else [state.torn.problem()]
        log = _Log(token, records, events, [*state.problems, *torn])  # a torn tail is reported too
        self._forget(name)
        self._logs[name] = log
        for rec in log.records.values():
            self._owner[rec["id"]] = name
        return log

    def _forget(self, name: str) -> None:
        old = self._logs.pop(name, None)
        if old is not None:
            for aid in old.records:
                self._owner.pop(aid, None)
        for key in (name, ALL_LAYERS):
            self._runs.pop(key, None)
            self._patches.pop(key, None)
        self._hits.pop(name, None)

    def refresh(self) -> None:
        """Forget everything read (the next use reads the logs again)."""
        for name in list(self._logs):
            self._forget(name)

    def names(self, current: str | None) -> list[str]:
        """Annotators with a log in the store, plus ``current``."""
        names = set(self.store.annotators())
        if current:
            names.add(current)
        return sorted(names)

    def owner(self, annotation_id: str) -> str | None:
        return self._owner.get(annotation_id)

    # --------------------------------------------------------------- applying
    def applied(self, name: str, op: dict) -> None:
        """Fold an operation the session just wrote to ``name``'s log into memory.

        The session looked at the log's token just before writing. When the
        store says that token is what the log had right before this append,
        the operation is folded in; when another process wrote in between,
        the layer is forgotten and read again at its next use.
        """
        log = self._logs.get(name)
        if log is None:
            return
        if self.store.appended_over(name) != log.token:
            self._forget(name)
            return
        aid: str = op["id"]
        rec = {k: v for k, v in op.items() if k not in _OPTIONAL_META}
        if record_kind(op) == "event" or aid in log.events:
            if op.get("op") == "upsert":
                log.events[aid] = rec
            else:
                log.events.pop(aid, None)
        else:
            if aid in log.records:
                self._drop(name, log, aid)
            if op.get("op") == "upsert" and rec.get("document_id") == self.document.id:
                self._add(name, log, rec)
        log.token = self._token(name)

    def _indexes(self, name: str) -> list[tuple[str, RunIndex]]:
        return [(k, self._runs[k]) for k in (name, ALL_LAYERS) if k in self._runs]

    def _add(self, name: str, log: _Log, rec: dict) -> None:
        aid = rec["id"]
        log.records[aid] = rec
        self._owner[aid] = name
        if self._shown(rec):
            for key, idx in self._indexes(name):
                self._patch(key, idx, rec["start"], rec["end"], partial(idx.add, aid, rec["start"], rec["end"], rec["stance"]))
            self._count(name, rec, +1)

    def _drop(self, name: str, log: _Log, aid: str) -> None:
        rec = log.records[aid]
        for key, idx in self._indexes(name):
            if aid in idx:
                self._patch(key, idx, rec["start"], rec["end"], partial(idx.remove, aid))
        if self._shown(rec):
            self._count(name, rec, -1)
        del log.records[aid]
        self._owner.pop(aid, None)

    def _patch(self, key: str, idx: RunIndex, start: int, end: int, change: Callable[[], Any]) -> None:
        lo, hi = idx.affected(start, end)
        i, j_old = idx.slice(lo, hi)
        change()
        _, j_new = idx.slice(lo, hi)
        runs = [run_json(self.offsets, *r) for r in idx.labelled_runs(i, j_new)]
        self._patches.setdefault(key, []).append(RunPatch(i, j_old - i, runs))

    def _shown(self, rec: dict) -> bool:
        return rec.get("status", "anchored") == "anchored" and 0 <= rec["start"] < rec["end"] <= self.offsets.length

    # ------------------------------------------------------------------- runs
    def _members(self, layer: str, current: str | None) -> list[str]:
        return self.names(current) if layer == ALL_LAYERS else [layer]

    def index(self, layer: str, current: str | None) -> RunIndex:
        """The run index of ``layer`` (an annotator or :data:`ALL_LAYERS`), built on first use."""
        members = [self.log(n) for n in self._members(layer, current)]  # re-reads changed logs first
        idx = self._runs.get(layer)
        if idx is None:
            spans = [
                (r["id"], r["start"], r["end"], r["stance"]) for log in members for r in log.records.values() if self._shown(r)
            ]
            idx = self._runs[layer] = RunIndex(self.offsets.length, spans)
            self._patches[layer] = []
        return idx

    def full_runs(self, layer: str, current: str | None) -> list[dict]:
        """Every run of ``layer`` in view form; clears its pending patches."""
        idx = self.index(layer, current)
        self._patches[layer] = []
        return [run_json(self.offsets, *r) for r in idx.labelled_runs()]

    def take_patches(self, layer: str) -> list[RunPatch] | None:
        """Patches recorded for ``layer`` since the last call, or None if the layer must be sent in full."""
        if layer not in self._runs:
            return None
        out = self._patches.get(layer, [])
        self._patches[layer] = []
        return out

    # --------------------------------------------------------------- progress
    def _count(self, name: str, rec: dict, delta: int) -> None:
        hits = self._hits.get(name)
        if hits is None:
            return
        for k in self._sentences(rec["start"], rec["end"]):
            hits[k] += delta

    def _sentences(self, start: int, end: int) -> list[int]:
        """Indexes of the sentences that overlap ``[start, end)``."""
        i = max(bisect.bisect_right(self._seg_starts, start) - 1, 0)
        j = bisect.bisect_left(self._seg_starts, end)
        return [k for k in range(i, j) if self.segments[k].end > start]

    def progress(self, name: str) -> Progress:
        """Sentences overlapped by at least one of ``name``'s annotations."""
        log = self.log(name)
        hits = self._hits.get(name)
        if hits is None:
            hits = self._hits[name] = [0] * len(self.segments)
            for rec in log.records.values():
                if self._shown(rec):
                    for k in self._sentences(rec["start"], rec["end"]):
                        hits[k] += 1
        coded = sum(1 for h in hits if h)
        return Progress(coded, len(self.segments))
