"""Notebook view over :class:`toolkit.session.adjudication.AdjudicationSession` (no logic of its own).

One undecided item at a time: the passage highlighted in its article, the
coders' versions to choose from, "no passage", an edit row (codes taken
from the chosen version, changeable) and "Write set", which appends the
decided records through the session. Text from articles and records is
HTML-escaped before it is shown.
"""

from __future__ import annotations

import html
from typing import Any

from toolkit.corpus.folder import ProjectFolder
from toolkit.records.record import CODES
from toolkit.store.open import set_store

__all__ = ["Adjudicator", "AdjudicatorView"]


class AdjudicatorView:
    """Widgets to decide an adjudication session item by item.

    Parameters
    ----------
    session : AdjudicationSession
    store : toolkit.store.Store or None
        Where "Write set" appends; None hides the button (a read-only view).
    codebook : Codebook, optional
        Choices for the edit row; default: the codes seen in the items.
    context : int
        Characters of article shown around a passage.
    """

    def __init__(self, session: Any, store: Any = None, *, codebook: Any = None, context: int = 200) -> None:
        import ipywidgets as W

        self.session = session
        self.store = store
        self.context_chars = context
        self.items = list(session.disagreements)
        self.position = 0
        seen = [v.record for it in session.items for v in it.versions if v.record is not None]

        def choices(field: str, book: Any) -> list:
            if book is not None:
                return list(book)
            return sorted({r[field] for r in seen}, key=str)

        self.status = W.HTML()
        self.header = W.HTML()
        self.passage = W.HTML(layout=W.Layout(max_width="60em"))
        self.versions = W.RadioButtons(layout=W.Layout(width="auto"))
        self.choose_button = W.Button(description="Choose version", button_style="primary")
        self.reject_button = W.Button(description="No passage")
        self.skip_button = W.Button(description="Skip")
        self.stance = W.Dropdown(description="stance", options=choices("stance", getattr(codebook, "stances", None)))
        self.issue = W.Dropdown(description="issue", options=choices("issue", getattr(codebook, "issues", None)))
        self.actor = W.Dropdown(description="actor", options=choices("actor", getattr(codebook, "actors", None)))
        self.target = W.Dropdown(description="target", options=choices("target", getattr(codebook, "actors", None)))
        self.intensity = W.Dropdown(description="intensity", options=choices("intensity", getattr(codebook, "intensity", None)))
        self.edit_button = W.Button(description="Save edited version")
        self.write_button = W.Button(
            description="Write set", button_style="success", layout=W.Layout(display="none" if store is None else None)
        )
        self.message = W.HTML()
        self.choose_button.on_click(lambda _: self._act("choose"))
        self.reject_button.on_click(lambda _: self._act("reject"))
        self.skip_button.on_click(lambda _: self._advance())
        self.edit_button.on_click(lambda _: self._act("edit"))
        self.write_button.on_click(lambda _: self._write())
        self.versions.observe(lambda _: self._fill_edit(), names="value")
        self.widget = W.VBox(
            [
                self.status,
                self.header,
                self.passage,
                self.versions,
                W.HBox([self.choose_button, self.reject_button, self.skip_button]),
                W.HBox([self.stance, self.issue]),
                W.HBox([self.actor, self.target]),
                W.HBox([self.intensity, self.edit_button]),
                W.HBox([self.write_button]),
                self.message,
            ]
        )
        self.widget.add_class("sl-adjudicator")
        self._show()

    @property
    def current(self) -> Any:
        """The item on screen, or None when every disagreement has been seen."""
        return self.items[self.position] if self.position < len(self.items) else None

    def _show(self) -> None:
        e = html.escape
        self.status.value = f"<b>{e(self.session.summary())}</b>"
        it = self.current
        if it is None:
            self.header.value = "<i>No undecided disagreement left.</i>"
            self.passage.value = ""
            self.versions.options = []
            return
        before, passage, after = self.session.context(it.index, self.context_chars)
        self.header.value = (
            f"Item {it.index} ({e(it.status)}) in <code>{e(it.document_id)}</code> "
            f"[{it.start}:{it.end}], {self.position + 1} of {len(self.items)}"
        )
        self.passage.value = f"<p style='white-space: pre-wrap'>…{e(before)}<mark>{e(passage)}</mark>{e(after)}…</p>"
        self.versions.options = [(v.label(), k) for k, v in enumerate(it.versions)]
        self.versions.value = 0
        self._fill_edit()

    def _fill_edit(self) -> None:
        it = self.current
        if it is None or self.versions.value is None:
            return
        rec = it.versions[self.versions.value].record
        if rec is None:
            return
        for name in CODES:
            box = getattr(self, name)
            if rec[name] in [o if not isinstance(o, tuple) else o[1] for o in box.options]:
                box.value = rec[name]

    def _act(self, how: str) -> None:
        it = self.current
        if it is None:
            return
        try:
            if how == "choose":
                self.session.choose(it.index, self.versions.value)
            elif how == "reject":
                self.session.reject(it.index)
            else:
                base = self.versions.value
                if it.versions[base].record is None:
                    base = 0
                self.session.edit(
                    it.index,
                    base=base,
                    stance=self.stance.value,
                    issue=self.issue.value,
                    actor=self.actor.value,
                    target=self.target.value,
                    intensity=self.intensity.value,
                )
        except ValueError as exc:
            self.message.value = f"<span style='color:#a00'>{html.escape(str(exc))}</span>"
            return
        self.message.value = ""
        self._advance()

    def _advance(self) -> None:
        self.position += 1
        self._show()

    def _write(self) -> None:
        from toolkit.errors import SummitLedgerError

        try:
            n = self.session.write(self.store)
        except SummitLedgerError as exc:
            self.message.value = f"<span style='color:#a00'>{html.escape(str(exc))}</span>"
            return
        self.message.value = (
            f"{n} record(s) appended to <code>{html.escape(str(self.store.root))}</code>, each citing its sources."
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


class Adjudicator(AdjudicatorView):
    """The adjudication view of a project: codes offered from its codebook, "Write set" appending to one of its sets.

    Parameters
    ----------
    project : ProjectFolder
    session : AdjudicationSession
    store : str or Store, optional
        The set the decided records are written to (a set name of the project, or a store);
        None gives a read-only view.
    context : int
        Characters of article shown around a passage.
    """

    def __init__(self, project: ProjectFolder, session: Any, store: Any = None, *, context: int = 200) -> None:
        if not isinstance(project, ProjectFolder):
            raise TypeError(f"Adjudicator(project, session, store): expected a ProjectFolder, got {type(project).__name__}")
        self.project = project
        super().__init__(
            session, set_store(project, store) if isinstance(store, str) else store, codebook=project.codebook, context=context
        )
