"""The annotator's logic, in plain Python: selection -> record -> store.

:class:`AnnotationSession` is what the annotator widget drives and what the
tests drive headless. It turns a selection (code points, or the UTF-16
offsets a browser reports) into a trimmed, checked span; keeps the codes the
user is choosing in a :class:`Draft`; suggests issues from the codebook's
keywords; and saves, edits, deletes and undoes through
:class:`toolkit.store.Store`, which appends one fsync'd line per action. It
also computes what the view shows: the highlight runs, the progress line and
the layer filter. Nothing is written unless the whole record is valid.

Offsets are Unicode code points, end-exclusive. Browsers count UTF-16 code
units, which differ for characters outside the Basic Multilingual Plane (an
emoji is one code point but two units); :func:`utf16_to_codepoint` and
:func:`codepoint_to_utf16` convert at that boundary.
"""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .annotation import FIELDS, check_annotator, make_annotation, validate_record
from .corpus import Document, segment
from .errors import Problem, StoreError, ValidationError
from .suggest import KeywordIndex, Suggestion

__all__ = [
    "AnnotationSession", "Draft", "Progress", "Run", "CodeField", "CODE_FIELDS", "ALL_LAYERS",
    "utf16_to_codepoint", "codepoint_to_utf16", "summarize",
]

CodeField = Literal["stance", "issue", "actor", "target", "intensity", "summit_id", "note"]
CODE_FIELDS: tuple[str, ...] = ("stance", "issue", "actor", "target", "intensity", "summit_id", "note")
REQUIRED: tuple[str, ...] = ("stance", "issue", "actor", "target", "intensity")
ALL_LAYERS = "*"
"""Layer value meaning "every annotator in the set"."""


# ----------------------------------------------------------------- offsets
def _utf16_table(text: str) -> list[int] | None:
    """UTF-16 offset of each code-point index 0..len(text), or None when all are BMP."""
    if all(ord(c) < 0x10000 for c in text):
        return None
    table = [0] * (len(text) + 1)
    u = 0
    for i, c in enumerate(text):
        table[i] = u
        u += 2 if ord(c) >= 0x10000 else 1
    table[len(text)] = u
    return table


def codepoint_to_utf16(text: str, offset: int, _table: list[int] | None = None) -> int:
    """UTF-16 code-unit offset of code-point ``offset`` in ``text``."""
    table = _table if _table is not None else _utf16_table(text)
    return offset if table is None else table[offset]


def utf16_to_codepoint(text: str, offset16: int, side: Literal["start", "end"] = "start",
                       _table: list[int] | None = None) -> int:
    """Code-point offset of UTF-16 offset ``offset16`` in ``text``.

    An offset that falls between the two halves of a surrogate pair is moved
    to the character's start (``side="start"``) or past it (``side="end"``),
    so a selection never splits a character.
    """
    table = _table if _table is not None else _utf16_table(text)
    if table is None:
        return offset16
    i = bisect.bisect_left(table, offset16)
    if i < len(table) and table[i] == offset16:
        return i
    return i - 1 if side == "start" else i


# ------------------------------------------------------------------ records
@dataclass(frozen=True)
class Draft:
    """The annotation being made or edited (nothing of it is stored yet).

    Attributes
    ----------
    start, end : int or None
        The trimmed span in code points; None before a selection.
    quote : str
    stance, issue, actor, target : str or None
    intensity : int or None
    summit_id : str or None
        None means the document's summit.
    note : str
    issue_origin : {"manual", "suggested"}
        "suggested" when the issue came from a keyword suggestion the user
        kept (pre-selected or picked from the suggestions).
    editing : str or None
        Id of the stored annotation being edited, None for a new one.
    suggestions : tuple of Suggestion
        Offered for this selection, best first.
    """

    start: int | None = None
    end: int | None = None
    quote: str = ""
    stance: str | None = None
    issue: str | None = None
    actor: str | None = None
    target: str | None = None
    intensity: int | None = None
    summit_id: str | None = None
    note: str = ""
    issue_origin: Literal["manual", "suggested"] = "manual"
    editing: str | None = None
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def has_span(self) -> bool:
        return self.start is not None and self.end is not None

    def missing(self) -> list[str]:
        """Required fields still empty."""
        out = [] if self.has_span else ["span"]
        return out + [f for f in REQUIRED if getattr(self, f) in (None, "")]


@dataclass(frozen=True)
class Progress:
    """Sentences with at least one of the annotator's annotations, out of all."""

    coded: int
    total: int

    def __str__(self) -> str:
        pct = 100.0 * self.coded / self.total if self.total else 0.0
        return f"{self.coded} of {self.total} sentences coded ({pct:.0f}%)"


@dataclass(frozen=True)
class Run:
    """A stretch of text covered by the same annotations, for the view.

    Attributes
    ----------
    start16, end16 : int
        UTF-16 offsets (what the browser slices the text by).
    start, end : int
        Code-point offsets.
    ids : tuple of str
        Annotations covering the run (empty for plain text).
    stance : {"grievance", "goodwill", "both"} or None
    """

    start16: int
    end16: int
    start: int
    end: int
    ids: tuple[str, ...] = ()
    stance: str | None = None

    def to_json(self, selected: str | None = None) -> dict[str, Any]:
        """What the browser gets: offsets, stance, how many annotations, whether ``selected`` is one."""
        return {"s": self.start16, "e": self.end16, "n": len(self.ids), "stance": self.stance,
                "sel": bool(selected) and selected in self.ids}


def _err(field: str | None, message: str, file: str = "<annotator>") -> ValidationError:
    return ValidationError(Problem(file, None, field, message))


@dataclass
class _Cached:
    signature: tuple[int, int] | None
    annotations: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class AnnotationSession:
    """Code spans of one document into one store, as one annotator.

    Parameters
    ----------
    document : Document
    codebook : Codebook
    store : Store
        The annotation set written to (``data/annotations/<set>/``).
    annotator : str, optional
        Can be given later with :meth:`set_annotator`; nothing is saved without it.
    summits : dict of str to Summit, optional
        When given, a chosen ``summit_id`` must be one of them.

    Notes
    -----
    Every method that changes data writes one operation to the store at once
    (append + fsync) and raises :class:`~toolkit.errors.ValidationError` or
    :class:`~toolkit.errors.StoreError` without writing anything when it
    cannot complete.
    """

    def __init__(self, document: Document, codebook, store, annotator: str | None = None,
                 summits: "dict | None" = None) -> None:
        self.document = document
        self.codebook = codebook
        self.store = store
        self.summits = summits
        self.segments = segment(document)
        self._keywords = KeywordIndex(codebook)
        self._table = _utf16_table(document.text)
        self._cache: dict[str, _Cached] = {}
        self._runs_cache: dict[str, tuple[tuple, list[Run]]] = {}
        self._progress_cache: tuple[tuple, Progress] | None = None
        self.annotator: str | None = None
        #: Offer keyword suggestions of the issue (an instructor may turn them off for an exercise).
        self.suggestions = True
        self.draft = Draft()
        if annotator is not None:
            self.set_annotator(annotator)

    # ------------------------------------------------------------ annotator
    def set_annotator(self, name: str) -> str:
        """Set who is annotating (the name becomes ``<name>.jsonl``).

        Raises
        ------
        ValidationError
            If the name does not match :data:`toolkit.annotation.ANNOTATOR_PATTERN`.
        """
        name = name.strip() if isinstance(name, str) else name
        if (msg := check_annotator(name)):
            raise _err("annotator", msg)
        self.annotator = name
        self.draft = Draft()
        return name

    def _need_annotator(self) -> str:
        if not self.annotator:
            raise _err("annotator", "type your annotator name first (letters, digits, '-' or '_')")
        return self.annotator

    # ------------------------------------------------------------ selection
    @property
    def length16(self) -> int:
        """Length of the text in UTF-16 code units."""
        return self.to_utf16(len(self.document.text))

    def to_utf16(self, offset: int) -> int:
        """UTF-16 offset of code-point ``offset`` in this document."""
        return offset if self._table is None else self._table[offset]

    def select_utf16(self, start16: "int | None", end16: "int | None") -> Draft:
        """Select from browser offsets (UTF-16 code units); see :meth:`select`.

        ``None`` for either end means the selection left the article text.
        """
        if start16 is None or end16 is None:
            raise _err("span", "the selection crosses the edge of the article text; select inside the text only")
        if not isinstance(start16, int) or not isinstance(end16, int) or isinstance(start16, bool):
            raise _err("span", f"offsets must be integers, got {start16!r} and {end16!r}")
        if start16 > end16:
            start16, end16 = end16, start16
        if start16 < 0 or end16 > self.length16:
            raise _err("span", f"the selection [{start16}, {end16}) crosses the document boundary "
                               f"(the text has {self.length16} UTF-16 units); select inside the text only")
        if self._table is None:  # every character is one UTF-16 unit
            return self.select(start16, end16)
        text = self.document.text
        return self.select(utf16_to_codepoint(text, start16, "start", self._table),
                           utf16_to_codepoint(text, end16, "end", self._table))

    def select(self, start: int, end: int) -> Draft:
        """Select ``text[start:end]`` (code points) for a new annotation or the one being edited.

        Leading and trailing white space is trimmed off. The codes already
        chosen are kept; for a new annotation the best keyword suggestion is
        pre-selected as the issue unless the user already chose one by hand.

        Raises
        ------
        ValidationError
            If the span is empty, white space only, or not inside the text.
        """
        text = self.document.text
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            raise _err("span", f"offsets must be integers, got {start!r} and {end!r}")
        if start > end:
            start, end = end, start
        if start < 0 or end > len(text):
            raise _err("span", f"the selection [{start}, {end}) crosses the document boundary "
                               f"(the text has {len(text)} characters); select inside the text only")
        if start == end:
            raise _err("span", "the selection is empty; drag over the words to code")
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            raise _err("span", "the selection holds only white space; select words")
        suggestions = tuple(self.suggest(start, end))
        d = self.draft
        d = replace(d, start=start, end=end, quote=text[start:end], suggestions=suggestions)
        keep_issue = d.issue is not None and (d.editing is not None or d.issue_origin == "manual")
        if not keep_issue:
            d = replace(d, issue=suggestions[0].issue if suggestions else None,
                        issue_origin="suggested" if suggestions else "manual")
        self.draft = d
        return d

    def sentences_of(self, start: int, end: int) -> list[int]:
        """Indexes of the sentences that overlap ``[start, end)``."""
        return [s.index for s in self.segments if s.start < end and start < s.end]

    def suggest(self, start: int, end: int) -> list[Suggestion]:
        """Issues suggested for a span: keywords in the sentences it overlaps, inside the span first."""
        if not self.suggestions:
            return []
        idx = self.sentences_of(start, end)
        if not idx:
            a, b = start, end
        else:
            a, b = self.segments[idx[0]].start, self.segments[idx[-1]].end
            a, b = min(a, start), max(b, end)
        return self._keywords.suggest(self.document.text[a:b], (start - a, end - a))

    def sentence_suggestions(self) -> pd.DataFrame:
        """Suggestions for every sentence.

        Returns
        -------
        pandas.DataFrame
            One row per sentence x suggested issue, columns ``sentence, start,
            end, issue, keywords, hits, rank`` (rank 0 = pre-selected).
        """
        rows = []
        for s in self.segments:
            for rank, sug in enumerate(self._keywords.suggest(s.text)):
                rows.append({"sentence": s.index, "start": s.start, "end": s.end, "issue": sug.issue,
                             "keywords": ", ".join(sug.keywords), "hits": sug.hits, "rank": rank})
        return pd.DataFrame(rows, columns=["sentence", "start", "end", "issue", "keywords", "hits", "rank"])

    # ---------------------------------------------------------------- codes
    def set_code(self, name: CodeField, value: Any) -> Draft:
        """Choose one code of the draft (``None`` or ``""`` clears it).

        Choosing an issue by hand makes the record's origin ``manual``.

        Raises
        ------
        ValidationError
            If the value is not in the codebook (or summits), naming the field.
        """
        if name not in CODE_FIELDS:
            raise _err(name, f"unknown field; use one of {', '.join(CODE_FIELDS)}")
        if value == "":
            value = None if name != "note" else ""
        if name == "note":
            value = "" if value is None else str(value)
        elif value is not None:
            if name == "intensity":
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise _err("intensity", f"{value!r} is not a level; use 1, 2 or 3") from None
            if name == "summit_id":
                if self.summits is not None and value not in self.summits:
                    raise _err("summit_id", f"{value!r} is not in summits.yaml; pick a listed summit")
            elif (msg := self.codebook.check_code(name, value)):
                raise _err(name, msg)
        d = self.draft
        if name == "issue" and value != d.issue:
            d = replace(d, issue=value, issue_origin="manual")
        else:
            d = replace(d, **{name: value})
        self.draft = d
        return d

    def accept_suggestion(self, issue: str) -> Draft:
        """Take ``issue`` from the current suggestions (the record's origin becomes ``suggested``)."""
        offered = [s.issue for s in self.draft.suggestions]
        if issue not in offered:
            raise _err("issue", f"{issue!r} is not among the suggestions for this selection "
                                f"({', '.join(offered) or 'none'}); choose it with the issue buttons instead")
        self.draft = replace(self.draft, issue=issue, issue_origin="suggested")
        return self.draft

    def clear(self) -> Draft:
        """Forget the draft (nothing stored changes)."""
        self.draft = Draft()
        return self.draft

    # ----------------------------------------------------------------- save
    def build_record(self) -> dict:
        """The record the draft would save; raises ValidationError listing what is missing or wrong."""
        annotator = self._need_annotator()
        d = self.draft
        missing = d.missing()
        if missing:
            raise ValidationError([Problem("<annotator>", None, f, "missing; "
                                           + ("select a span of the text" if f == "span" else f"choose the {f}"))
                                   for f in missing])
        kwargs: dict[str, Any] = {}
        origin = "suggested" if d.issue_origin == "suggested" else "manual"
        if d.editing is not None:
            old = self._own().get(d.editing)
            if old is None:
                raise _err("id", f"annotation {d.editing} is no longer in your layer (deleted or undone); "
                                 "select the span again to code it anew")
            kwargs = {"id": old["id"], "created": old["created"]}
            if old.get("origin") == "imported" and d.issue == old["issue"]:
                origin = "imported"
        rec = make_annotation(self.document, d.start, d.end, issue=d.issue, stance=d.stance, actor=d.actor,
                              target=d.target, intensity=d.intensity, annotator=annotator,
                              summit_id=d.summit_id, note=d.note, origin=origin, **kwargs)
        problems = validate_record(rec, file="<new annotation>", codebook=self.codebook,
                                   documents={self.document.id: self.document}, summits=self.summits)
        if problems:
            raise ValidationError(problems)
        if d.editing is None and rec["id"] in self._own():
            raise _err("id", "this span is already coded with these codes (same id "
                             f"{rec['id']}); click its highlight to edit it instead")
        return rec

    def save(self) -> dict:
        """Write the draft to the store (one upsert line) and start a fresh draft.

        Returns
        -------
        dict
            The operation as written.
        """
        rec = self.build_record()
        before = self._signature(self.annotator)
        op = self.store.upsert(rec)
        self._applied(self.annotator, before, op)
        self.draft = Draft()
        return op

    def edit(self, annotation_id: str) -> Draft:
        """Load one of the annotator's own annotations into the draft for editing."""
        annotator = self._need_annotator()
        rec = self._own().get(annotation_id)
        if rec is None:
            who = self.owner(annotation_id)
            if who is not None:
                raise _err("id", f"annotation {annotation_id} belongs to {who!r}; you can edit only your own")
            raise _err("id", f"no live annotation {annotation_id!r} in {annotator}'s layer")
        self.draft = Draft(
            start=rec["start"], end=rec["end"], quote=rec["quote"], stance=rec["stance"], issue=rec["issue"],
            actor=rec["actor"], target=rec["target"], intensity=rec["intensity"],
            summit_id=None if rec["summit_id"] == self.document.summit_id else rec["summit_id"],
            note=rec.get("note", ""),
            issue_origin="suggested" if rec.get("origin") == "suggested" else "manual",
            editing=rec["id"], suggestions=tuple(self.suggest(rec["start"], rec["end"])),
        )
        return self.draft

    def delete(self, annotation_id: str | None = None) -> dict:
        """Delete one of the annotator's annotations (default: the one being edited)."""
        annotator = self._need_annotator()
        aid = annotation_id or self.draft.editing
        if aid is None:
            raise _err("id", "nothing to delete: click a highlight of yours first")
        if aid not in self._own():
            raise _err("id", f"no live annotation {aid!r} in {annotator}'s layer to delete")
        op = self.store.delete(aid, annotator)
        if self.draft.editing == aid:
            self.draft = Draft()
        return op

    def undo(self) -> dict | None:
        """Reverse the annotator's last operation (itself appended to the log); None if nothing to undo."""
        op = self.store.undo(self._need_annotator())
        self.draft = Draft()
        return op

    # ----------------------------------------------------------------- reads
    def layers(self) -> list[str]:
        """Annotators with a log in the store, plus the current annotator."""
        names = set(self.store.annotators())
        if self.annotator:
            names.add(self.annotator)
        return sorted(names)

    def _signature(self, name: str) -> tuple[int, int] | None:
        path: Path = self.store.log_path(name)
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{path}: cannot read the log ({exc.strerror or exc}); nothing was written — "
                             "check that the annotation set's folder exists and is a folder") from None
        return (st.st_size, st.st_mtime_ns)

    def _applied(self, name: str, before: tuple[int, int] | None, op: dict) -> None:
        """Fold our own just-written upsert into the cache instead of replaying the whole log.

        Only when the cache was current before the write and the log grew by
        exactly our line (nobody else appended); otherwise the next read replays.
        """
        cached = self._cache.get(name)
        if cached is None or cached.signature != before or op.get("op") != "upsert":
            return
        line = json.dumps(op, ensure_ascii=False, separators=(", ", ": ")) + "\n"
        after = self._signature(name)
        if after is None or after[0] != (before[0] if before else 0) + len(line.encode("utf-8")):
            return
        if op["document_id"] == self.document.id:
            rec = {k: op[k] for k in FIELDS if k in op}
            cached.annotations[rec["id"]] = rec
        cached.signature = after

    def _read(self, name: str) -> _Cached:
        """Live annotations of ``name`` on this document; re-read only when the log changed."""
        sig = self._signature(name)
        cached = self._cache.get(name)
        if cached is not None and cached.signature == sig:
            return cached
        if sig is None:
            cached = _Cached(None)
        else:
            state = self.store.read(name)
            anns = {k: v for k, v in state.annotations.items() if v["document_id"] == self.document.id}
            cached = _Cached(sig, anns, list(state.problems))
        self._cache[name] = cached
        return cached

    def _own(self) -> dict[str, dict]:
        return self._read(self.annotator).annotations if self.annotator else {}

    def owner(self, annotation_id: str) -> str | None:
        """Which annotator's layer holds ``annotation_id`` (None if none does)."""
        for name in self.layers():
            if annotation_id in self._read(name).annotations:
                return name
        return None

    def annotations(self, layer: str | None = None) -> list[dict]:
        """Live annotations on this document.

        Parameters
        ----------
        layer : str, optional
            An annotator's name, or :data:`ALL_LAYERS` for everyone. Default:
            the current annotator.
        """
        if layer is None:
            layer = self.annotator
        if not layer:
            return []
        names = self.layers() if layer == ALL_LAYERS else [layer]
        out: list[dict] = []
        for name in names:
            out.extend(self._read(name).annotations.values())
        return out

    def problems(self, layer: str | None = None) -> list[Problem]:
        """Lines of the shown logs that could not be used (reported, never hidden)."""
        names = self.layers() if layer in (None, ALL_LAYERS) else [layer]
        return [p for n in names for p in self._read(n).problems]

    def get(self, annotation_id: str) -> dict | None:
        """A live annotation of any layer by id."""
        for name in self.layers():
            rec = self._read(name).annotations.get(annotation_id)
            if rec is not None:
                return rec
        return None

    def progress(self) -> Progress:
        """Sentences overlapped by at least one of the current annotator's annotations."""
        own = self._own()
        key = (self.annotator, self._cache[self.annotator].signature if self.annotator else None, len(own))
        if self._progress_cache is not None and self._progress_cache[0] == key:
            return self._progress_cache[1]
        anns = sorted((a["start"], a["end"]) for a in own.values())
        starts = [a for a, _ in anns]
        reach: list[int] = []  # reach[i] = furthest end among the i+1 earliest-starting annotations
        for _, e in anns:
            reach.append(max(e, reach[-1]) if reach else e)
        coded = 0
        for s in self.segments:
            hi = bisect.bisect_left(starts, s.end)  # annotations starting before the sentence ends
            if hi and reach[hi - 1] > s.start:
                coded += 1
        result = Progress(coded, len(self.segments))
        self._progress_cache = (key, result)
        return result

    def runs(self, layer: str | None = None) -> list[Run]:
        """Split the text into runs covered by the same annotations of ``layer``.

        Returns
        -------
        list of Run
            Contiguous, covering the whole text in order; one run per stretch
            with a constant set of covering annotations.
        """
        if layer is None:
            layer = self.annotator
        names = (self.layers() if layer == ALL_LAYERS else [layer]) if layer else []
        key = tuple((n, self._read(n).signature) for n in names)
        hit = self._runs_cache.get(layer or "")
        if hit is not None and hit[0] == key:
            return hit[1]
        out = self._compute_runs(layer)
        self._runs_cache[layer or ""] = (key, out)
        return out

    def ids_at(self, offset16: int, layer: str | None = None) -> tuple[str, ...]:
        """Annotations of ``layer`` covering UTF-16 offset ``offset16`` (what a click on a highlight hits)."""
        runs = self.runs(layer)
        i = bisect.bisect_right([r.start16 for r in runs], offset16) - 1
        return runs[i].ids if 0 <= i < len(runs) and offset16 < runs[i].end16 else ()

    def _compute_runs(self, layer: str | None) -> list[Run]:
        text = self.document.text
        anns = [a for a in self.annotations(layer) if a.get("status", "anchored") == "anchored"
                and 0 <= a["start"] < a["end"] <= len(text)]
        events: dict[int, list[tuple[int, dict]]] = {}
        for a in anns:
            events.setdefault(a["start"], []).append((1, a))
            events.setdefault(a["end"], []).append((-1, a))
        cuts = sorted(set(events) | {0, len(text)})
        active: dict[str, dict] = {}
        out: list[Run] = []
        for here, nxt in zip(cuts, cuts[1:]):
            for kind, a in events.get(here, ()):
                if kind < 0:
                    active.pop(a["id"], None)
            for kind, a in events.get(here, ()):
                if kind > 0:
                    active[a["id"]] = a
            stances = {a["stance"] for a in active.values()}
            stance = None if not stances else (stances.pop() if len(stances) == 1 else "both")
            out.append(Run(self.to_utf16(here), self.to_utf16(nxt), here, nxt, tuple(sorted(active)), stance))
        return out


def summarize(annotations: list[dict]) -> pd.DataFrame:
    """Count annotations by issue and stance.

    Returns
    -------
    pandas.DataFrame
        Columns ``issue, grievance, goodwill, total``; one row per issue with
        at least one annotation, most frequent first (ties by issue id).
    """
    df = pd.DataFrame(annotations, columns=["issue", "stance"])
    if df.empty:
        return pd.DataFrame(columns=["issue", "grievance", "goodwill", "total"]).astype(
            {"grievance": "int64", "goodwill": "int64", "total": "int64"})
    table = pd.crosstab(df["issue"], df["stance"]).reindex(columns=["grievance", "goodwill"], fill_value=0)
    table["total"] = table.sum(axis=1)
    table = table.reset_index().rename_axis(columns=None)
    table = table.sort_values(["total", "issue"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return table[["issue", "grievance", "goodwill", "total"]]

