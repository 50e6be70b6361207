"""Adjudication: turn two or more coders' sets into one decided set that cites its sources.

:class:`AdjudicationSession` is the plain-Python core behind the
``summit-ledger adjudicate`` command and the notebook view
(:class:`toolkit.widgets.Adjudicator`); it never touches widgets, so it is
tested headless.

1. The coders' spans are grouped into **items** with the matching rule of
   :func:`toolkit.agreement.match_across_coders` (overlap of at least half
   the shorter span, at most one span per coder). An item is *agreed* when
   every coder who coded the document has a span there with the same offsets
   and codes, a *disagreement* when versions differ or some coder has none,
   and *unmatched* when only one coder marked the passage.
2. Each item offers its distinct **versions** (offsets and codes, with the
   coders who gave each) and, unless everybody marked it, "no passage".
   The adjudicator **chooses** a version, **edits** one (any code or the
   offsets), or **rejects** the item (no record); :meth:`accept_agreed`
   decides every agreed item at once.
3. :meth:`write` appends the decided records to the adjudicator's log in the
   target set through :class:`toolkit.store.Store` (append-only, validated,
   under the log's lock). Every record carries ``sources``: the annotator and
   id of each record in its item, and its ``note`` repeats them in text
   (``sources: coder-a:502d65a240f3, ...``) so the citation survives export
   formats that keep only the note; :func:`sources_from_note` reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from toolkit.records.annotation import SOURCES_FIELD, check_annotator, make_annotation
from toolkit.records.record import CODE_FIELDS

__all__ = ["Version", "Item", "AdjudicationSession", "sources_from_note", "VERSION_FIELDS"]

#: Fields that make two spans the same version (the codebook 2.0 fields count when every record of the item has them).
VERSION_FIELDS: tuple[str, ...] = (
    "start",
    "end",
    "issue",
    "stance",
    "actor",
    "target",
    "intensity",
    "summit_id",
    "attribution",
    "modality",
)
_OPTIONAL = ("attribution", "modality")
_NOTE_RE = re.compile(r"sources: ((?:[A-Za-z0-9][A-Za-z0-9_-]{0,63}:[0-9a-f]+(?:, )?)+)")


@dataclass(frozen=True)
class Version:
    """One distinct reading of an item: a record (None = no passage) and the coders who gave it."""

    record: dict | None
    coders: tuple[str, ...]

    def label(self) -> str:
        who = ", ".join(self.coders) or "nobody"
        if self.record is None:
            return f"no passage ({who})"
        r = self.record
        return (
            f"[{r['start']}:{r['end']}] {r['stance']} · {r['issue']} · {r['actor']} → {r['target']} · "
            f"intensity {r['intensity']} · {r['summit_id']} ({who})"
        )


@dataclass(frozen=True)
class Item:
    """A passage to decide: its sources (coder -> record), versions and status."""

    index: int
    status: Literal["agreed", "disagreement", "unmatched"]
    document_id: str
    start: int
    end: int
    sources: dict[str, dict]
    versions: tuple[Version, ...]


def _key(rec: Mapping[str, Any], fields: Sequence[str] = VERSION_FIELDS) -> tuple:
    return tuple(rec.get(k) for k in fields)


def sources_from_note(note: str) -> list[dict[str, str]]:
    """The ``sources`` list written into an adjudicated record's note ([] when there is none)."""
    m = _NOTE_RE.search(note or "")
    if not m:
        return []
    return [{"annotator": a, "id": i} for a, i in (p.split(":") for p in m.group(1).split(", ") if p)]


class AdjudicationSession:
    """Decide between coders' versions, item by item (see the module docstring).

    Parameters
    ----------
    records : iterable of dict
        Live records of every coder (``annotator`` tells them apart).
    documents : mapping of str to Document
    adjudicator : str
        The annotator name the decided records get (a valid annotator name).
    coders : sequence of str, optional
        Default: every annotator in ``records`` other than the adjudicator.
    min_overlap : float
        Span matching threshold.

    Raises
    ------
    ValueError
        Bad adjudicator name, fewer than two coders, a record on an unknown document.
    """

    def __init__(
        self,
        records: Iterable[Mapping[str, Any]],
        documents: Mapping[str, Any],
        *,
        adjudicator: str,
        coders: Sequence[str] | None = None,
        min_overlap: float = 0.5,
    ) -> None:
        from toolkit.agreement import match_across_coders

        if msg := check_annotator(adjudicator):
            raise ValueError(msg)
        recs = [dict(r) for r in records if r.get("annotator") != adjudicator]
        names = sorted({str(r["annotator"]) for r in recs}) if coders is None else list(coders)
        if len(names) < 2:
            raise ValueError(f"adjudication needs two or more coders' sets, got {names}")
        unknown = sorted({str(r["document_id"]) for r in recs} - set(documents))
        if unknown:
            raise ValueError(f"records refer to unknown document(s) {unknown}; load every document they code")
        self.adjudicator = adjudicator
        self.documents = documents
        self.coders = names
        self._coverage = {
            d: {str(r["annotator"]) for r in recs if r["document_id"] == d} for d in {str(r["document_id"]) for r in recs}
        }
        matched = match_across_coders(recs, coders=names, min_overlap=min_overlap)
        groups = [(u, False) for u in matched.units] + [({str(r["annotator"]): r}, True) for r in matched.unmatched]
        groups.sort(key=lambda g: min((str(r["document_id"]), int(r["start"]), int(r["end"])) for r in g[0].values()))
        self.items: list[Item] = [self._item(k, unit, lone) for k, (unit, lone) in enumerate(groups)]
        self._decisions: dict[int, dict | None] = {}

    def _item(self, index: int, unit: dict[str, dict], lone: bool) -> Item:
        doc_id = str(next(iter(unit.values()))["document_id"])
        # an optional field (codebook 2.0) separates versions only when every record here carries it: a coder who
        # worked under an older codebook did not code it, which is not a disagreement
        fields = tuple(f for f in VERSION_FIELDS if f not in _OPTIONAL or all(f in r for r in unit.values()))
        by_key: dict[tuple, list[str]] = {}
        first: dict[tuple, dict] = {}
        for c, r in sorted(unit.items(), key=lambda cr: (-sum(f in cr[1] for f in _OPTIONAL), cr[0])):
            by_key.setdefault(_key(r, fields), []).append(c)
            first.setdefault(_key(r, fields), r)  # the representative: the record with the most optional codes
        by_key = {k: sorted(cs) for k, cs in by_key.items()}
        versions = [Version(first[k], tuple(cs)) for k, cs in sorted(by_key.items(), key=lambda kv: (-len(kv[1]), kv[1]))]
        absent = tuple(sorted(self._coverage[doc_id] - set(unit)))
        if absent:
            versions.append(Version(None, absent))
        status: Literal["agreed", "disagreement", "unmatched"] = (
            "unmatched" if lone else ("agreed" if len(versions) == 1 else "disagreement")
        )
        return Item(
            index,
            status,
            doc_id,
            min(int(r["start"]) for r in unit.values()),
            max(int(r["end"]) for r in unit.values()),
            dict(sorted(unit.items())),
            tuple(versions),
        )

    # ------------------------------------------------------------------ reading
    @property
    def disagreements(self) -> list[Item]:
        """Items that are not agreed (disagreements and unmatched passages)."""
        return [it for it in self.items if it.status != "agreed"]

    def undecided(self) -> list[Item]:
        return [it for it in self.items if it.index not in self._decisions]

    def decision(self, index: int) -> dict | None | str:
        """The decided record, None for "no record", or ``"undecided"``."""
        self._check(index)
        return self._decisions.get(index, "undecided")

    def context(self, index: int, width: int = 160) -> tuple[str, str, str]:
        """``(before, passage, after)``: the item's extent in its article with ``width`` characters around."""
        it = self.items[self._check(index)]
        text = self.documents[it.document_id].text
        return text[max(0, it.start - width) : it.start], text[it.start : it.end], text[it.end : it.end + width]

    # ------------------------------------------------------------------ deciding
    def _check(self, index: int) -> int:
        if not isinstance(index, int) or not 0 <= index < len(self.items):
            raise ValueError(f"item {index!r} does not exist; there are {len(self.items)} items")
        return index

    def _record(self, it: Item, base: Mapping[str, Any], how: str, **changes: Any) -> dict:
        fields = {k: base[k] for k in CODE_FIELDS}
        for k, v in changes.items():
            if k not in CODE_FIELDS + ("start", "end"):
                raise ValueError(f"cannot edit {k!r}; use {', '.join(CODE_FIELDS)}, start or end")
            if v is not None and k in CODE_FIELDS:
                fields[k] = v
        start = changes.get("start") if changes.get("start") is not None else int(base["start"])
        end = changes.get("end") if changes.get("end") is not None else int(base["end"])
        doc = self.documents[it.document_id]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(doc.text)):
            raise ValueError(f"offsets [{start}, {end}) are not a passage of {doc.id} ({len(doc.text)} characters)")
        sources = [{"annotator": c, "id": str(r["id"])} for c, r in it.sources.items()]
        cite = ", ".join(f"{s['annotator']}:{s['id']}" for s in sources)
        rec = make_annotation(
            doc, start, end, annotator=self.adjudicator, origin="manual", note=f"adjudicated ({how}); sources: {cite}", **fields
        )
        for k in ("attribution", "modality"):
            if base.get(k) is not None:
                rec[k] = base[k]
        rec[SOURCES_FIELD] = sources
        return rec

    def choose(self, index: int, version: int) -> dict:
        """Decide item ``index`` by its ``version``-th version (the "no passage" version rejects it)."""
        it = self.items[self._check(index)]
        if not isinstance(version, int) or not 0 <= version < len(it.versions):
            raise ValueError(f"item {index} has versions 0-{len(it.versions) - 1}, not {version!r}")
        v = it.versions[version]
        if v.record is None:
            self.reject(index)
            return {}
        rec = self._record(it, v.record, "chose the version of " + ", ".join(v.coders))
        self._decisions[index] = rec
        return rec

    def edit(self, index: int, *, base: int = 0, **changes: Any) -> dict:
        """Decide item ``index`` by an edited version: start from version ``base`` and change fields."""
        it = self.items[self._check(index)]
        chosen = it.versions[base].record if isinstance(base, int) and 0 <= base < len(it.versions) else None
        if chosen is None:
            raise ValueError(f"base must be the number of a version with a passage in item {index}")
        rec = self._record(it, chosen, "edited", **changes)
        self._decisions[index] = rec
        return rec

    def reject(self, index: int) -> None:
        """Decide item ``index``: no record (the passage is not coded)."""
        self._decisions[self._check(index)] = None

    def undo(self, index: int) -> None:
        """Forget the decision on item ``index``."""
        self._decisions.pop(self._check(index), None)

    def accept_agreed(self) -> int:
        """Decide every undecided agreed item by its one version; returns how many."""
        n = 0
        for it in self.items:
            if it.status == "agreed" and it.index not in self._decisions:
                self.choose(it.index, 0)
                n += 1
        return n

    def prefer(self, coder: str) -> int:
        """Decide every undecided disagreement by ``coder``'s version ("no passage" when the coder has none)."""
        if coder not in self.coders:
            raise ValueError(f"{coder!r} is not one of the coders {self.coders}")
        n = 0
        for it in self.disagreements:
            if it.index in self._decisions or coder not in set().union(*(v.coders for v in it.versions)):
                continue
            self.choose(it.index, next(k for k, v in enumerate(it.versions) if coder in v.coders))
            n += 1
        return n

    # ------------------------------------------------------------------ writing
    def adjudicated_records(self) -> list[dict]:
        """The decided records in item order; records that came out identical are merged, sources joined."""
        out: dict[str, dict] = {}
        for k in sorted(self._decisions):
            rec = self._decisions[k]
            if rec is None:
                continue
            if rec["id"] in out:
                seen = out[rec["id"]][SOURCES_FIELD]
                seen += [s for s in rec[SOURCES_FIELD] if s not in seen]
                cite = ", ".join(f"{s['annotator']}:{s['id']}" for s in seen)
                out[rec["id"]]["note"] = re.sub(r"sources: .*$", f"sources: {cite}", out[rec["id"]]["note"])
            else:
                out[rec["id"]] = {**rec, SOURCES_FIELD: list(rec[SOURCES_FIELD])}
        return list(out.values())

    def write(self, store: Any) -> int:
        """Append the decided records to ``store`` (a :class:`toolkit.store.Store`); returns how many."""
        return store.write_all(self.adjudicated_records())

    def summary(self) -> str:
        counts = {s: sum(it.status == s for it in self.items) for s in ("agreed", "disagreement", "unmatched")}
        decided = len(self._decisions)
        return (
            f"{len(self.items)} items from {', '.join(self.coders)}: {counts['agreed']} agreed, "
            f"{counts['disagreement']} disagreements, {counts['unmatched']} unmatched; {decided} decided, "
            f"{len(self.items) - decided} to go"
        )
