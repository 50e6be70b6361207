"""The annotator widget: ipywidgets controls around the article view.

This module is only a view. Every callback forwards to :class:`toolkit.session.AnnotationSession`,
which decides and writes through the store; the widget then shows what the session says. Each message
appears next to the control that caused it and is cleared by the next action. Text from data is shown
as text: the article view inserts text nodes only, and whatever goes into an ``HTML`` widget passes
through :func:`html.escape` first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from toolkit.corpus.documents import Document
from toolkit.corpus.folder import ProjectFolder
from toolkit.errors import DataError, SummitLedgerError
from toolkit.session.core import ALL_LAYERS, AnnotationSession, SuggestMode
from toolkit.store.open import set_store
from toolkit.widgets.annotator_controls import ISSUE_KEYS, MINE, PLACE_OF, STANCE_KEYS, AnnotatorControls, quietly, show_pressed
from toolkit.widgets.article_view import (
    FIRST_RUN_NOTE,
    STANCE_COLOURS,
    ArticleView,
    esc,
    message_html,
    problems_html,
    skipped_html,
)
from toolkit.widgets.kernel_note import again_hint, noted_bundle
from toolkit.widgets.readiness import SAVE_NEEDS_NAME, event_ready_html, ready_html

if TYPE_CHECKING:
    from toolkit.corpus.summits import Summit
    from toolkit.store.core import Store

__all__ = ["Annotator", "ArticleView", "STANCE_COLOURS", "STANCE_KEYS", "ISSUE_KEYS"]


class Annotator(AnnotatorControls):
    """Code grievances, goodwill gestures and agenda items in an article, saving every action at once.

    Parameters
    ----------
    project : ProjectFolder
        Gives the codebook, the summits (offered in the summit menu) and the articles.
    store : str or Store
        The annotation set written to: a set name of the project (default ``"workspace"``) or a store.
    documents : iterable of str, optional
        Ids of the articles to offer (default: every article of the project); with several, a menu picks one.
    annotator : str, optional
        The annotator's name; otherwise typed in the widget (on JupyterHub: the hub user, fixed).
    suggestions : {"preselect", "offer", "off"}
        Keyword suggestions (see :class:`~toolkit.session.AnnotationSession`).

    The older call ``Annotator(document_or_documents, codebook, store, annotator, summits)`` still works.

    Attributes
    ----------
    session : AnnotationSession
        The logic behind the widget (what tests drive).
    """

    def __init__(
        self,
        project: ProjectFolder | Document | Mapping[str, Document],
        store: Store | str | Any = "workspace",
        *args: Any,
        documents: Iterable[str] | None = None,
        annotator: str | None = None,
        suggestions: SuggestMode = "preselect",
        summits: Mapping[str, Summit] | None = None,
    ) -> None:
        if isinstance(project, ProjectFolder):
            if args:
                raise TypeError(
                    "Annotator(project, store, *, documents=, annotator=, suggestions=): too many positional arguments"
                )
            docs = project.documents
            chosen = list(docs) if documents is None else list(documents)
            unknown = [d for d in chosen if d not in docs]
            if unknown:
                raise ValueError(f"no article {unknown[0]!r} in {project!r}")
            self.documents = {d: docs[d] for d in chosen}
            self.codebook, self.summits = project.codebook, project.summits
            self.store = set_store(project, store) if isinstance(store, str) else store
        else:  # the older call: (document(s), codebook, store, annotator, summits)
            self.documents = {project.id: project} if isinstance(project, Document) else dict(project)
            codebook: Any = store  # the older call's second argument
            self.codebook, self.store = codebook, args[0] if args else None
            annotator = args[1] if len(args) > 1 else annotator
            self.summits = args[2] if len(args) > 2 else summits
        if not self.documents:
            raise ValueError(
                "no documents to annotate: add an article first (summit-ledger add-article PAGE.html --summit SUMMIT_ID, "
                f"or --url URL), {again_hint()}"
            )
        self._mode = suggestions
        first = next(iter(self.documents.values()))
        self.session = AnnotationSession(first, self.codebook, self.store, None, self._summit_dict(), suggestions=suggestions)
        self._syncing = False
        # A Lab with "comms over subshells" on (its default; the project's Lab turns it off so that messages are
        # handled in the order sent: deploy/jupyterlab/README.md) runs widget messages on a kernel subshell
        # thread while a cell runs on the main one: every entry point (actions, observers, redraw) holds this
        # lock, so _syncing is only ever seen by the thread that set it.
        self._lock = threading.RLock()
        self._pick_ids: tuple[str, ...] = ()
        self._shown: tuple = ()
        self._names_for: tuple | None = None  # (annotator, document) the layer menu was listed for
        self._sug_buttons: dict[str, w.Widget] = {}
        self._sug_key: tuple | None = None
        self._build()
        super().__init__(children=self._layout())
        self.add_class("sl-annotator")
        hub = self.session.hub_user
        if hub or annotator:
            self.name.value = hub or annotator or ""
            self.name.disabled = self.start_button.disabled = bool(hub)
            self._act(self._start, "name")
        else:
            self.redraw()

    def _summit_dict(self) -> dict | None:
        return None if self.summits is None else dict(self.summits)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live widget, with a plain note for wherever it cannot run (a stored notebook)."""
        return noted_bundle(super()._repr_mimebundle_(**kwargs), FIRST_RUN_NOTE)

    # ------------------------------------------------------------- actions
    def _act(self, fn: Callable[[], Any] | None, place: str) -> None:
        """Run one action; show its message (or every problem) beside ``place``; clear the rest; redraw."""
        with self._lock:
            self._act_locked(fn, place)

    def _act_locked(self, fn: Callable[[], Any] | None, place: str) -> None:
        for m in self.messages.values():
            m.value = ""
        try:
            msg = fn() if fn is not None else None
        except DataError as exc:
            by_place: dict[str, list] = {}
            for p in exc.problems:
                by_place.setdefault(PLACE_OF.get(p.field or "", place), []).append(p)
            for where, probs in by_place.items():
                self.messages[where].value = problems_html(probs)
        except SummitLedgerError as exc:
            self.messages[place].value = message_html(str(exc), error=True)
        except OSError as exc:  # outside the store's own checks: still a message, not a traceback
            self.messages[place].value = message_html(f"cannot read or write a file: {exc}", error=True)
        else:
            if isinstance(msg, str):
                self.messages[place].value = message_html(msg)
        self.redraw()

    def _start(self) -> str:
        name = self.session.set_annotator(self.name.value)
        self.name.value = name
        return f"Annotating as {name}: every action is saved at once."

    def _save(self) -> str:
        if self.event_label.value.strip() and not self.session.draft.event_id:
            self._new_event()  # a new event described but not started yet: start it, so the mention is saved with it
        op = self.session.save()
        return f"Saved ({op['stance']}, {self.codebook.issues[op['issue']].label})."

    def _delete(self) -> str:
        return f"Deleted {self.session.delete()['id']}."

    def _undo(self) -> str:
        op = self.session.undo()
        if op is None:
            return "Nothing to undo."
        return f"Undid the last action ({'removed' if op['op'] == 'delete' else 'restored'} {op['id']})."

    def _event_fields(self) -> dict[str, str]:
        """The new-event fields as the kernel has them (the empty ones left out)."""
        fields = {
            "event_type": self.event_type.value,
            "event_date": self.event_date.value.strip(),
            "phase": self.event_phase.value,
        }
        return {k: v for k, v in fields.items() if v}

    def _new_event(self) -> str:
        op = self.session.new_event(self.event_label.value, **self._event_fields())
        self.event_label.value = self.event_date.value = self.event_phase.value = ""
        return f"New event “{op['description']}”; this selection is linked to it."

    def _code_observer(self, name: str) -> Callable[[dict], None]:
        def observe(change: dict) -> None:
            with self._lock:
                if not self._syncing:
                    self._act(quietly(self.session.set_code, name, change["new"]), "save")

        return observe

    def _on_event_form(self, _change: dict) -> None:
        with self._lock:
            if not self._syncing:
                self._draw_event_ready()

    def _draw_event_ready(self) -> None:
        """The line under the new-event fields, and the event button on only when the session would start the event."""
        label, s = self.event_label.value, self.session
        problems = s.event_problems(label, **self._event_fields()) if s.annotator and label.strip() else None
        self.event_ready.value = event_ready_html(problems)
        self.event_button.disabled = problems is None or bool(problems)

    def _on_event(self, change: dict) -> None:
        with self._lock:
            if not self._syncing:
                self._act(quietly(self.session.link, change["new"] or None), "event")

    def _on_layer(self, _change: dict) -> None:
        with self._lock:
            if not self._syncing:
                self.session.layers.refresh()  # show the others' latest work
                self._names_for = None
                self._act(None, "selection")

    def _on_document(self, change: dict) -> None:
        with self._lock:
            if self._syncing:
                return
            who = self.session.annotator
            self.session = AnnotationSession(
                self.documents[change["new"]], self.codebook, self.store, who, self._summit_dict(), suggestions=self._mode
            )
            self.view.text = self.session.document.text
            self._shown = ()
            self._fill_summits()
            self._act(None, "selection")

    def _on_pick(self, change: dict) -> None:
        with self._lock:
            if not self._syncing and change["new"]:
                self._act(lambda: self._describe(self.session.open(change["new"])), "selection")

    def _describe(self, opened) -> str | None:
        rec = opened.record
        if rec is None:
            return None
        if opened.editable:
            return "Editing your annotation: change the codes and save, or delete it."
        note = f". Note: {rec['note']}" if rec.get("note") else ""
        return (
            f"{rec['annotator']}: {rec['stance']}, {rec['issue']}, {rec['actor']} → {rec['target']}, "
            f"intensity {rec['intensity']}{note} (read-only: not your annotation)"
        )

    def handle_key(self, key: str) -> None:
        """Keyboard shortcuts (forwarded from the article view)."""
        if key in STANCE_KEYS and STANCE_KEYS[key] in self.codebook.stances:
            self._act(quietly(self.session.set_code, "stance", STANCE_KEYS[key]), "save")
        elif key in self.issue_keys:
            self._act(quietly(self.session.set_code, "issue", self.issue_keys[key]), "save")
        elif key == "Enter":
            self._act(self._save, "save")
        elif key == "Escape":
            self._act(self.session.clear, "save")
        elif key == "u":
            self._act(self._undo, "save")

    def _on_view_msg(self, _widget: Any, content: dict, _buffers: Any) -> None:
        with self._lock:
            self._view_msg(content)

    def _view_msg(self, content: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "select":
            self._pick_ids = ()
            self._act(quietly(self.session.select_utf16, content.get("start"), content.get("end")), "selection")
        elif kind == "click" and isinstance(content.get("at"), int):

            def click() -> str | None:
                opened = self.session.click(content["at"], self._layer_name())
                self._pick_ids = opened.ids
                return self._describe(opened)

            self._act(click, "selection")
        elif kind == "key" and isinstance(content.get("key"), str):
            self.handle_key(content["key"])

    # -------------------------------------------------------------- redraw
    def _layer_name(self) -> str | None:
        return self.session.annotator if self.layer.value == MINE else self.layer.value

    def redraw(self) -> None:
        """Show the session's state: runs (patched), overlay, codes, suggestions, events."""
        with self._lock:
            self._redraw_locked()

    def _redraw_locked(self) -> None:
        s, d = self.session, self.session.draft
        self._syncing = True
        try:
            self.title.value = f"<h3>{esc(s.document.title)}</h3>"
            if self._names_for != (s.annotator, s.document.id):  # list the logs only when that changes
                self._names_for = (s.annotator, s.document.id)
                layers = [("my annotations", MINE), ("all annotators", ALL_LAYERS)] + [
                    (n, n) for n in s.layer_names() if n != s.annotator
                ]
                if list(self.layer.options) != layers:
                    value = self.layer.value if self.layer.value in [v for _, v in layers] else MINE
                    self.layer.options, self.layer.value = layers, value
            layer = self._layer_name()
            key = (s.document.id, layer)
            patches = s.run_patches(layer) if key == self._shown else None
            if patches is None:
                self.view.show_runs(s.runs(layer))
                self._shown = key
            elif patches:
                self.view.patch_runs(patches)
            editing = s.get(d.editing) if d.editing else None
            self.view.overlay = {
                "mark": [s.to_utf16(d.start), s.to_utf16(d.end)] if d.start is not None and d.end is not None else None,
                "sel": [s.to_utf16(editing["start"]), s.to_utf16(editing["end"])] if editing else None,
            }
            self.data_warning.value = skipped_html(s.problems(layer))
            who = f"Annotating as {s.annotator} · " if s.annotator else ""
            self.progress.value = who + (str(s.progress()) if s.annotator else "type your name and press Start")
            if d.has_span:
                what = "Editing" if d.editing else "Selected"
                self.selection.value = f'{what}: <span class="sl-quote">“{esc(d.quote)}”</span>'
            else:
                self.selection.value = "Select words in the article with the mouse, or click a highlight."
            self._draw_suggestions(d)
            self._draw_pick()
            for name in ("stance", "intensity", "attribution", "modality"):
                getattr(self, name).value = getattr(d, name)
            show_pressed(self._issue_buttons, d.issue)
            self.actor.value, self.target.value = d.actor or "", d.target or ""
            self.summit.value = d.summit_id if d.summit_id in [v for _, v in self.summit.options] else ""
            self.note.value = d.note
            events = [("— none: this mention is its own event", "")] + [
                (e.get("description") or e["id"], e["id"]) for e in s.events()
            ]
            if list(self.event.options) != events:
                self.event.options = events
            self.event.value = d.event_id or ""
            conflicts = s.link_problems()
            self.messages["codes"].value = problems_html(conflicts) if conflicts else ""
            self.ready.value = ready_html(d, conflicts) if s.annotator else SAVE_NEEDS_NAME
            self.delete_button.disabled = d.editing is None
            for b in (self.save_button, self.undo_button):
                b.disabled = not s.annotator
            self._draw_event_ready()
        finally:
            self._syncing = False

    def _draw_suggestions(self, d) -> None:
        key = tuple((sug.issue, sug.keywords, d.issue == sug.issue) for sug in d.suggestions)
        if self._sug_key == key:
            return
        self._sug_key = key
        buttons: list[w.Widget] = []
        for sug in d.suggestions:
            b = self._sug_buttons.get(sug.issue)
            if b is None:  # one button per issue, made once and reused
                b = self._sug_buttons[sug.issue] = w.Button(
                    description=self.codebook.issues[sug.issue].label, layout=w.Layout(width="auto")
                )
                b.add_class("sl-suggestion")
                b.on_click(lambda _, i=sug.issue: self._act(quietly(self.session.accept_suggestion, i), "save"))
            b.tooltip = f"keywords: {', '.join(sug.keywords)}"
            b.button_style = "info" if d.issue == sug.issue else ""
            buttons.append(b)
        if buttons and "head" not in self._sug_buttons:
            self._sug_buttons["head"] = w.Label("Suggested from keywords:", layout=w.Layout(width="auto", margin="0 0.5em 0 0"))
        self.suggestions.children = ([self._sug_buttons["head"]] + buttons) if buttons else []

    def _draw_pick(self) -> None:
        if len(self._pick_ids) < 2:
            self.pick.layout.display = "none"
            return
        opts = []
        for aid in self._pick_ids:
            rec = self.session.get(aid)
            if rec is not None:
                opts.append(
                    (
                        f"{rec['annotator']}: {rec['stance']} / {rec['issue']} / "
                        f"{rec['actor']}→{rec['target']} “{rec['quote'][:40]}”",
                        aid,
                    )
                )
        self.pick.options = opts
        editing = self.session.draft.editing
        self.pick.value = editing if editing in [v for _, v in opts] else None
        self.pick.layout.display = ""
