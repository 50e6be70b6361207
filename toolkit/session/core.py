"""The annotator's logic, in plain Python: selection -> draft -> record -> store, and events.

:class:`AnnotationSession` is what the annotator widget drives and what the
tests drive headless. It turns a selection (code points, or the UTF-16
offsets a browser reports) into a trimmed, checked span; keeps the codes
being chosen in a :class:`~toolkit.session.draft.Draft`; suggests issues from the
codebook's keywords; decides what a click on a highlight opens; links a
mention to an event (or starts one); and saves, edits, deletes and undoes
through :class:`toolkit.store.Store`, one appended, fsync'd line per action.
Nothing is written unless the whole record is valid. The records, highlight
runs and progress it shows are kept by :class:`toolkit.session.layers.Layers`.

On a JupyterHub server (``JUPYTERHUB_USER`` set) the annotator name is the
hub identity and no other name is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

from toolkit.codebook.load import Codebook
from toolkit.codebook.suggest import KeywordIndex, Suggestion
from toolkit.corpus.documents import Document
from toolkit.corpus.summits import Summit
from toolkit.errors import ValidationError
from toolkit.records.annotation import check_annotator, make_annotation, normalize_annotator, validate_record
from toolkit.records.identity import HUB_USER_ENV, is_instructor
from toolkit.records.identity import hub_user as current_hub_user
from toolkit.records.runs import Utf16Offsets
from toolkit.session.draft import CODE_FIELDS, Draft, missing_error, problem, provenance_choices
from toolkit.session.events import SessionEvents
from toolkit.session.layers import ALL_LAYERS, Layers
from toolkit.session.reads import Opened, SessionReads
from toolkit.store.core import Store

__all__ = ["AnnotationSession", "Opened", "SuggestMode", "ALL_LAYERS", "HUB_USER_VARIABLE"]

HUB_USER_VARIABLE = HUB_USER_ENV
SuggestMode = Literal["preselect", "offer", "off"]


def _err(field: str | None, message: str) -> ValidationError:
    return ValidationError(problem(field, message))


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class AnnotationSession(SessionEvents, SessionReads):
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
    suggestions : {"preselect", "offer", "off"}
        Keyword suggestions: pre-select the best as the issue, only offer them, or none.
    hub_user : str, optional
        The server's identity of the user; defaults to ``$JUPYTERHUB_USER``
        (none on the instructor's server, see :mod:`toolkit.records.identity`).
        When set, it is the only annotator name accepted.
    """

    def __init__(
        self,
        document: Document,
        codebook: Codebook,
        store: Store,
        annotator: str | None = None,
        summits: Mapping[str, Summit] | None = None,
        *,
        suggestions: SuggestMode = "preselect",
        hub_user: str | None = None,
    ) -> None:
        if suggestions not in ("preselect", "offer", "off"):
            raise ValueError(f"suggestions={suggestions!r}; use 'preselect', 'offer' or 'off'")
        self.document = document
        self.codebook = codebook
        self.store = store
        self.summits = summits
        self.suggestion_mode = suggestions
        self.offsets = Utf16Offsets(document.text)
        self.layers = Layers(store, document, self.offsets)
        self.segments = self.layers.segments
        self.keywords = KeywordIndex(codebook)
        hub = (None if is_instructor() else current_hub_user()) if hub_user is None else hub_user
        self.hub_user: str | None = normalize_annotator(hub) if hub else None
        self.annotator: str | None = None
        self.draft = Draft()
        if annotator is None and self.hub_user is not None:
            annotator = self.hub_user
        if annotator is not None:
            self.set_annotator(annotator)

    # ------------------------------------------------------------ annotator
    def set_annotator(self, name: str) -> str:
        """Set who is annotating; the NFC form of the name becomes ``<name>.jsonl``.

        Raises
        ------
        ValidationError
            On field ``annotator``: the name is empty or not allowed (see
            :func:`toolkit.records.annotation.check_annotator`), or differs from the
            hub identity on a JupyterHub server.
        """
        if not isinstance(name, str) or not name.strip():
            raise _err("annotator", "type your name first")
        name = normalize_annotator(name)
        if self.hub_user is not None and name != self.hub_user:
            raise _err(
                "annotator",
                f"on this server you are signed in as {self.hub_user!r}; your annotations can only be saved under that name",
            )
        if msg := check_annotator(name):
            raise _err("annotator", msg)
        self.annotator = name
        self.draft = Draft()
        return name

    def _need_annotator(self) -> str:
        if not self.annotator:
            raise _err("annotator", "type your name and press Start first")
        return self.annotator

    # ------------------------------------------------------------ selection
    @property
    def length16(self) -> int:
        """Length of the text in UTF-16 code units."""
        return self.offsets.length16

    def to_utf16(self, offset: int) -> int:
        """UTF-16 offset of code-point ``offset`` in this document."""
        return self.offsets.to_utf16(offset)

    def select_utf16(self, start16: int | None, end16: int | None) -> Draft:
        """Select from browser offsets (UTF-16 code units); see :meth:`select`.

        ``None`` for either end means the selection left the article text.
        """
        if start16 is None or end16 is None:
            raise _err("span", "the selection goes beyond the article; select words inside the article only")
        if not _is_int(start16) or not _is_int(end16):
            raise _err("span", f"offsets must be integers, got {start16!r} and {end16!r}")
        start16, end16 = min(start16, end16), max(start16, end16)
        a = self.offsets.to_codepoint(start16, "start")
        b = self.offsets.to_codepoint(end16, "end")
        if a is None or b is None:
            raise _err(
                "span",
                f"the selection [{start16}, {end16}) goes beyond the article "
                f"({self.length16} UTF-16 units long); select words inside it",
            )
        return self.select(a, b)

    def select(self, start: int, end: int) -> Draft:
        """Select ``text[start:end]`` (code points) for a new annotation or the one being edited.

        White space at either end is trimmed off. The codes already chosen
        are kept; in ``"preselect"`` mode the best keyword suggestion becomes
        the issue of a new annotation unless the user chose one themself.

        Raises
        ------
        ValidationError
            If the span is empty, white space only, or not inside the text.
        """
        text = self.document.text
        if not _is_int(start) or not _is_int(end):
            raise _err("span", f"offsets must be integers, got {start!r} and {end!r}")
        start, end = min(start, end), max(start, end)
        if start < 0 or end > len(text):
            raise _err(
                "span",
                f"the selection [{start}, {end}) goes beyond the article ({len(text)} characters long); select words inside it",
            )
        if start == end:
            raise _err("span", "nothing is selected; drag the mouse over the words to code")
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            raise _err("span", "the selection holds only white space; select words")
        suggestions = tuple(self.suggest(start, end)) if self.suggestion_mode != "off" else ()
        d = replace(self.draft, start=start, end=end, quote=text[start:end], suggestions=suggestions)
        keep_issue = d.issue is not None and (d.editing is not None or d.issue_origin == "manual")
        if not keep_issue:
            best = suggestions[0].issue if suggestions and self.suggestion_mode == "preselect" else None
            d = replace(d, issue=best, issue_origin="suggested" if best else "manual")
        self.draft = d
        return d

    def sentences_of(self, start: int, end: int) -> list[int]:
        """Indexes of the sentences that overlap ``[start, end)``."""
        return [s.index for s in self.segments if s.start < end and start < s.end]

    def suggest(self, start: int, end: int) -> list[Suggestion]:
        """Issues suggested for a span: keywords in the sentences it overlaps, inside the span first."""
        idx = self.sentences_of(start, end)
        a, b = (start, end) if not idx else (min(self.segments[idx[0]].start, start), max(self.segments[idx[-1]].end, end))
        return self.keywords.suggest(self.document.text[a:b], (start - a, end - a))

    # ---------------------------------------------------------------- codes
    def set_code(self, name: str, value: Any) -> Draft:
        """Choose one code of the draft (``None`` or ``""`` clears it).

        Choosing the issue by hand makes the record's origin ``manual``, even
        when it is the issue a suggestion had pre-selected.

        Raises
        ------
        ValidationError
            If the value is not allowed, naming the field.
        """
        if name not in CODE_FIELDS:
            raise ValueError(f"unknown field {name!r}; use one of {', '.join(CODE_FIELDS)}")
        if name == "note":
            value = "" if value is None else str(value)
        elif value == "":
            value = None
        if value is not None and name != "note":
            value = self._check_code(name, value)
        d = replace(self.draft, **{name: value})
        if name == "issue":
            d = replace(d, issue_origin="manual")
        self.draft = d
        return d

    def _check_code(self, name: str, value: Any) -> Any:
        if name == "intensity":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise _err("intensity", f"{value!r} is not a level; use 1, 2 or 3") from None
        if name == "summit_id":
            if self.summits is not None and value not in self.summits:
                raise _err("summit_id", f"{value!r} is not in summits.yaml; pick a listed summit")
        elif name in ("attribution", "modality"):
            allowed = [v for v, _, _ in provenance_choices(self.codebook, name)]
            if value not in allowed:
                raise _err(name, f"{value!r} is not a {name}; use one of {', '.join(allowed)}")
        elif msg := self.codebook.check_code(name, value):
            raise _err(name, msg)
        return value

    def accept_suggestion(self, issue: str) -> Draft:
        """Take ``issue`` from the current suggestions (the record's origin becomes ``suggested``)."""
        offered = [s.issue for s in self.draft.suggestions]
        if issue not in offered:
            raise _err(
                "issue",
                f"{issue!r} is not among the suggestions for this selection "
                f"({', '.join(offered) or 'none'}); choose it with the issue buttons instead",
            )
        self.draft = replace(self.draft, issue=issue, issue_origin="suggested")
        return self.draft

    def clear(self) -> Draft:
        """Forget the draft (nothing stored changes)."""
        self.draft = Draft()
        return self.draft

    # ----------------------------------------------------------------- save
    def build_record(self) -> dict:
        """The record the draft would save; raises ValidationError listing everything missing or wrong."""
        annotator = self._need_annotator()
        d = self.draft
        missing = d.missing()
        if missing:
            raise missing_error(missing)
        # missing() is empty, so the span and the required codes are set (narrowed for the type checker)
        assert d.start is not None and d.end is not None and d.intensity is not None
        assert d.issue is not None and d.stance is not None and d.actor is not None and d.target is not None
        origin = "suggested" if d.issue_origin == "suggested" else "manual"
        kwargs: dict[str, Any] = {}
        own = self.layers.log(annotator).records
        if d.editing is not None:
            old = own.get(d.editing)
            if old is None:
                raise _err(
                    "id",
                    f"annotation {d.editing} is no longer in your layer (deleted or undone); "
                    "select the words again to code them anew",
                )
            kwargs = {"id": old["id"], "created": old["created"]}
            if old.get("origin") == "imported" and d.issue == old["issue"]:
                origin = "imported"
        rec = make_annotation(
            self.document,
            d.start,
            d.end,
            issue=d.issue,
            stance=d.stance,
            actor=d.actor,
            target=d.target,
            intensity=d.intensity,
            annotator=annotator,
            summit_id=d.summit_id,
            note=d.note,
            origin=origin,
            **kwargs,
        )
        rec.update({k: getattr(d, k) for k in ("attribution", "modality", "event_id") if getattr(d, k) is not None})
        problems = validate_record(rec, file="<new annotation>", codebook=self.codebook, summits=self.summits)
        if problems:
            raise ValidationError(problems)
        if d.editing is None and rec["id"] in own:
            raise _err("id", "these words are already coded with these codes; click the highlight to edit it")
        return rec

    def _write(self, action) -> Any:
        """Run one store write and fold its operation into memory (the log is never re-read for it)."""
        name = self._need_annotator()
        self.layers.log(name)  # current before the write: re-read if someone else wrote
        op = action()
        if op is not None:
            self.layers.applied(name, op)
        return op

    def save(self) -> dict:
        """Write the draft to the store (one upsert line) and start a fresh draft; returns the operation."""
        rec = self.build_record()
        op = self._write(lambda: self.store.upsert(rec))
        self.draft = Draft()
        return op

    def edit(self, annotation_id: str) -> Draft:
        """Load one of the annotator's own annotations into the draft for editing."""
        annotator = self._need_annotator()
        rec = self.layers.log(annotator).records.get(annotation_id)
        if rec is None:
            who = self.owner(annotation_id)
            if who is not None:
                raise _err("id", f"annotation {annotation_id} belongs to {who!r}; you can edit only your own")
            raise _err("id", f"no annotation {annotation_id!r} of yours on this article")
        self.draft = Draft(
            start=rec["start"],
            end=rec["end"],
            quote=rec["quote"],
            stance=rec["stance"],
            issue=rec["issue"],
            actor=rec["actor"],
            target=rec["target"],
            intensity=rec["intensity"],
            summit_id=None if rec["summit_id"] == self.document.summit_id else rec["summit_id"],
            note=rec.get("note", ""),
            attribution=rec.get("attribution"),
            modality=rec.get("modality"),
            event_id=rec.get("event_id"),
            issue_origin="suggested" if rec.get("origin") == "suggested" else "manual",
            editing=rec["id"],
            suggestions=tuple(self.suggest(rec["start"], rec["end"])),
        )
        return self.draft

    def delete(self, annotation_id: str | None = None) -> dict:
        """Delete one of the annotator's annotations (default: the one being edited)."""
        annotator = self._need_annotator()
        aid = annotation_id or self.draft.editing
        if aid is None:
            raise _err("id", "nothing to delete: click one of your highlights first")
        if aid not in self.layers.log(annotator).records:
            raise _err("id", f"no annotation {aid!r} of yours to delete")
        op = self._write(lambda: self.store.delete(aid, annotator))
        if self.draft.editing == aid:
            self.draft = Draft()
        return op

    def undo(self) -> dict | None:
        """Reverse the annotator's last operation (itself appended to the log); None if nothing to undo."""
        annotator = self._need_annotator()
        op = self._write(lambda: self.store.undo(annotator))
        self.draft = Draft()
        return op
