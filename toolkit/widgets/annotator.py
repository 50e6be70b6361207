"""The annotator widget: ipywidgets controls around the article view.

This module is only a view. Every callback forwards to
:class:`toolkit.session.AnnotationSession`, which decides and writes through
the store; the widget then shows what the session says. Each message appears
next to the control that caused it (a bad name beside the name field, a
missing code beside Save) and is cleared by the next action. Text from data
(article, notes, codebook labels, titles) is shown as text: the article view
inserts text nodes only, and whatever goes into an ``HTML`` widget passes
through :func:`html.escape` first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from ..corpus import Document
from ..draft import FIELD_LABELS, provenance_choices
from ..errors import DataError, SummitLedgerError
from ..session import ALL_LAYERS, AnnotationSession
from .article_view import FIRST_RUN_NOTE, STANCE_COLOURS, ArticleView, esc, message_html, problems_html, skipped_html

__all__ = ["Annotator", "ArticleView", "STANCE_COLOURS", "STANCE_KEYS", "ISSUE_KEYS"]

STANCE_KEYS: dict[str, str] = {"g": "grievance", "w": "goodwill", "n": "agenda"}
ISSUE_KEYS = "123456789abcdefhijklmopqrstvxyz"
"""Keys for the issues in codebook order (g, w, n and u are taken by stance and undo)."""
_MINE = "__mine__"
_PLACES = ("name", "selection", "event", "save")
_PLACE_OF = {"annotator": "name", "span": "selection", "event_id": "event"}


class Annotator(w.VBox):
    """Code grievances, goodwill gestures and agenda items in an article, saving every action at once.

    Parameters
    ----------
    document : Document or mapping of str to Document
        The article to code; with several, a menu picks one.
    codebook : Codebook
    store : Store
        The annotation set written to, e.g. ``Store(data_dir() / "annotations" / "workspace")``.
    annotator : str, optional
        The annotator's name; otherwise typed in the widget (on JupyterHub: the hub user, fixed).
    summits : dict of str to Summit, optional
        Offered in the summit menu (default: the document's summit only).
    suggestions : {"preselect", "offer", "off"}
        Keyword suggestions (see :class:`~toolkit.session.AnnotationSession`).

    Attributes
    ----------
    session : AnnotationSession
        The logic behind the widget (what tests drive).
    """

    def __init__(
        self,
        document: Document | Mapping[str, Document],
        codebook,
        store,
        annotator: str | None = None,
        summits: dict | None = None,
        suggestions: str = "preselect",
    ) -> None:
        self.documents = {document.id: document} if isinstance(document, Document) else dict(document)
        if not self.documents:
            raise ValueError("no documents to annotate")
        self.codebook, self.store, self.summits, self._mode = codebook, store, summits, suggestions
        first = next(iter(self.documents.values()))
        self.session = AnnotationSession(first, codebook, store, None, summits, suggestions=suggestions)
        self._syncing = False
        self._pick_ids: tuple[str, ...] = ()
        self._shown: tuple = ()
        self._names_for: tuple | None = None  # (annotator, document) the layer menu was listed for
        self._sug_buttons: dict[str, w.Button] = {}
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

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live widget, with a plain note for wherever it cannot run (a stored notebook)."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["text/plain"] = FIRST_RUN_NOTE
        bundle["text/html"] = f'<p class="sl-first-run"><b>{esc(FIRST_RUN_NOTE)}</b></p>'
        return bundle

    # --------------------------------------------------------------- build
    def _build(self) -> None:
        cb = self.codebook
        self.title = w.HTML()
        self.doc_menu = w.Dropdown(
            options=[(d.title, d.id) for d in self.documents.values()],
            description="Article",
            layout=w.Layout(width="44em", display="" if len(self.documents) > 1 else "none"),
        )
        self.name = w.Text(placeholder="your name", description="Name")
        self.start_button = w.Button(description="Start", button_style="primary")
        self.layer = w.Dropdown(
            options=[("my annotations", _MINE), ("all annotators", ALL_LAYERS)], value=_MINE, description="Show"
        )
        self.progress = w.Label()
        self.legend = w.HTML(
            "".join(
                f'<span class="sl-swatch" style="background:{STANCE_COLOURS[s]}"></span>{esc(lab)}'
                for s, lab in [*cb.stance_labels.items(), ("both", "several stances")]
            )
        )
        self.view = ArticleView(text=self.session.document.text)
        self.view.on_msg(self._on_view_msg)
        self.selection = w.HTML()
        self.pick = w.Dropdown(description="Overlap", layout=w.Layout(display="none", width="44em"))
        self.suggestions = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        keys = {v: k for k, v in STANCE_KEYS.items()}
        self.stance = w.ToggleButtons(
            options=[
                (f"{cb.stance_labels.get(s, s)} [{keys[s]}]" if s in keys else cb.stance_labels.get(s, s), s) for s in cb.stances
            ],
            value=None,
            description="Stance",
        )
        self.issue_keys = dict(zip(ISSUE_KEYS, cb.issues))
        ikeys = {v: k for k, v in self.issue_keys.items()}
        self._issue_buttons: dict[str, w.Button] = {}
        for i, iss in cb.issues.items():
            b = w.Button(
                description=f"[{ikeys[i]}] {iss.label}" if i in ikeys else iss.label,
                tooltip=iss.definition,
                layout=w.Layout(width="auto", height="auto"),
            )
            b.add_class("sl-choice")
            b.on_click(lambda _, i=i: self._act(_quietly(self.session.set_code, "issue", i), "save"))
            self._issue_buttons[i] = b
        self.issue = w.HBox(list(self._issue_buttons.values()), layout=w.Layout(flex_flow="row wrap"))
        actor_opts = [("—", "")] + [(f"{a.label} ({a.id})", a.id) for a in cb.actors.values()]
        self.actor = w.Dropdown(options=actor_opts, value="", description="Actor")
        self.target = w.Dropdown(options=actor_opts, value="", description="Target")
        self.intensity = w.ToggleButtons(
            options=[(f"{lv.level} {lv.label}", lv.level) for lv in cb.intensity.values()],
            value=None,
            description="Intensity",
            tooltips=[lv.definition for lv in cb.intensity.values()],
        )
        for name in ("attribution", "modality"):
            choices = provenance_choices(cb, name)
            setattr(
                self,
                name,
                w.ToggleButtons(
                    options=[(lab, v) for v, lab, _ in choices],
                    value=None,
                    description=name.capitalize(),
                    tooltips=[d for _, _, d in choices],
                ),
            )
        self.event = w.Dropdown(description="Event", layout=w.Layout(width="36em"))
        self.event_label = w.Text(placeholder="new event: what happened, in a few words", layout=w.Layout(width="24em"))
        types = getattr(cb, "event_types", None) or {}
        self.event_type = w.Dropdown(
            options=[("event type…", "")] + [(getattr(t, "label", tid), tid) for tid, t in types.items()],
            layout=w.Layout(width="16em", display="" if types else "none"),
        )
        self.event_date = w.Text(placeholder="date: YYYY-MM-DD, YYYY-MM or YYYY", layout=w.Layout(width="17em"))
        self.event_button = w.Button(description="Start new event")
        self.summit = w.Dropdown(description="Summit", layout=w.Layout(width="36em"))
        self.note = w.Textarea(
            placeholder="note (optional)", description="Note", layout=w.Layout(width="44em"), continuous_update=False
        )
        self.save_button = w.Button(description="Save [Enter]", button_style="success")
        self.delete_button = w.Button(description="Delete", button_style="danger")
        self.undo_button = w.Button(description="Undo [u]")
        self.cancel_button = w.Button(description="Cancel [Esc]")
        self.messages = {p: w.HTML() for p in _PLACES}
        self.message = self.messages["save"]  # the message beside Save (kept name)
        self.data_warning = w.HTML()  # lines of the logs that could not be used: shown, never hidden
        self.ready = w.HTML()  # what the kernel's draft still needs before Save: drawn from the session, not the view
        for name in (
            "doc_menu:document",
            "name",
            "start_button:start",
            "layer",
            "progress",
            "legend",
            "selection",
            "pick",
            "suggestions",
            "stance",
            "issue",
            "actor",
            "target",
            "intensity",
            "attribution",
            "modality",
            "event",
            "event_label",
            "event_type",
            "event_date",
            "event_button",
            "summit",
            "note",
            "save_button:save",
            "delete_button:delete",
            "undo_button:undo",
            "cancel_button:cancel",
        ):
            attr, _, css = name.partition(":")
            getattr(self, attr).add_class(f"sl-{(css or attr).replace('_', '-')}")
        self.data_warning.add_class("sl-data-warning")
        self.ready.add_class("sl-ready")
        for p, m in self.messages.items():
            m.add_class("sl-message")
            m.add_class(f"sl-message-{p}")

        self.start_button.on_click(lambda _: self._act(self._start, "name"))
        self.save_button.on_click(lambda _: self._act(self._save, "save"))
        self.delete_button.on_click(lambda _: self._act(self._delete, "save"))
        self.undo_button.on_click(lambda _: self._act(self._undo, "save"))
        self.cancel_button.on_click(lambda _: self._act(self.session.clear, "save"))
        self.event_button.on_click(lambda _: self._act(self._new_event, "event"))
        self.layer.observe(self._on_layer, names="value")
        self.doc_menu.observe(self._on_document, names="value")
        self.pick.observe(self._on_pick, names="value")
        for name in ("stance", "actor", "target", "intensity", "note", "attribution", "modality"):
            getattr(self, name).observe(self._code_observer(name), names="value")
        self.summit.observe(self._code_observer("summit_id"), names="value")
        self.event.observe(self._on_event, names="value")
        self._fill_summits()

    def _layout(self) -> list[w.Widget]:
        return [
            self.title,
            self.doc_menu,
            w.HBox([self.name, self.start_button, self.messages["name"]]),
            w.HBox([self.layer, self.progress]),
            self.data_warning,
            self.legend,
            self.view,
            self.selection,
            self.messages["selection"],
            self.pick,
            self.suggestions,
            self.stance,
            w.HBox([w.Label("Issue", layout=w.Layout(width="6em")), self.issue]),
            w.HBox([self.actor, self.target]),
            self.intensity,
            self.attribution,
            self.modality,
            w.HBox(
                [self.event, self.event_label, self.event_type, self.event_date, self.event_button],
                layout=w.Layout(flex_flow="row wrap"),
            ),
            self.messages["event"],
            self.summit,
            self.note,
            self.ready,
            w.HBox([self.save_button, self.undo_button, self.delete_button, self.cancel_button, self.messages["save"]]),
        ]

    def _fill_summits(self) -> None:
        doc = self.session.document
        own = self.summits.get(doc.summit_id) if self.summits else None
        opts = [(f"document's summit: {own.label if own else doc.summit_id}", "")]
        if self.summits:
            opts += [(f"{s.label} ({s.id})", s.id) for s in self.summits.values() if s.id != doc.summit_id]
        self._syncing = True
        try:
            self.summit.options, self.summit.value = opts, ""
        finally:
            self._syncing = False

    # ------------------------------------------------------------- actions
    def _act(self, fn: Callable[[], Any] | None, place: str) -> None:
        """Run one action; show its message (or every problem) beside ``place``; clear the rest; redraw."""
        for m in self.messages.values():
            m.value = ""
        try:
            msg = fn() if fn is not None else None
        except DataError as exc:
            by_place: dict[str, list] = {}
            for p in exc.problems:
                by_place.setdefault(_PLACE_OF.get(p.field or "", place), []).append(p)
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
        op = self.session.save()
        return f"Saved ({op['stance']}, {self.codebook.issues[op['issue']].label})."

    def _delete(self) -> str:
        return f"Deleted {self.session.delete()['id']}."

    def _undo(self) -> str:
        op = self.session.undo()
        if op is None:
            return "Nothing to undo."
        return f"Undid the last action ({'removed' if op['op'] == 'delete' else 'restored'} {op['id']})."

    def _new_event(self) -> str:
        fields = {}
        if self.event_type.value:
            fields["event_type"] = self.event_type.value
        if self.event_date.value.strip():
            fields["event_date"] = self.event_date.value
        op = self.session.new_event(self.event_label.value, **fields)
        self.event_label.value = self.event_date.value = ""
        return f"New event “{op['description']}”; this selection is linked to it."

    def _code_observer(self, name: str) -> Callable[[dict], None]:
        def observe(change: dict) -> None:
            if not self._syncing:
                self._act(_quietly(self.session.set_code, name, change["new"]), "save")

        return observe

    def _on_event(self, change: dict) -> None:
        if not self._syncing:
            self._act(_quietly(self.session.link, change["new"] or None), "event")

    def _on_layer(self, _change: dict) -> None:
        if not self._syncing:
            self.session.layers.refresh()  # show the others' latest work
            self._names_for = None
            self._act(None, "selection")

    def _on_document(self, change: dict) -> None:
        if self._syncing:
            return
        who = self.session.annotator
        self.session = AnnotationSession(
            self.documents[change["new"]], self.codebook, self.store, who, self.summits, suggestions=self._mode
        )
        self.view.text = self.session.document.text
        self._shown = ()
        self._fill_summits()
        self._act(None, "selection")

    def _on_pick(self, change: dict) -> None:
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
            self._act(_quietly(self.session.set_code, "stance", STANCE_KEYS[key]), "save")
        elif key in self.issue_keys:
            self._act(_quietly(self.session.set_code, "issue", self.issue_keys[key]), "save")
        elif key == "Enter":
            self._act(self._save, "save")
        elif key == "Escape":
            self._act(self.session.clear, "save")
        elif key == "u":
            self._act(self._undo, "save")

    def _on_view_msg(self, _widget: Any, content: dict, _buffers: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "select":
            self._pick_ids = ()
            self._act(_quietly(self.session.select_utf16, content.get("start"), content.get("end")), "selection")
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
        return self.session.annotator if self.layer.value == _MINE else self.layer.value

    def redraw(self) -> None:
        """Show the session's state: runs (patched), overlay, codes, suggestions, events."""
        s, d = self.session, self.session.draft
        self._syncing = True
        try:
            self.title.value = f"<h3>{esc(s.document.title)}</h3>"
            if self._names_for != (s.annotator, s.document.id):  # list the logs only when that changes
                self._names_for = (s.annotator, s.document.id)
                layers = [("my annotations", _MINE), ("all annotators", ALL_LAYERS)] + [
                    (n, n) for n in s.layer_names() if n != s.annotator
                ]
                if list(self.layer.options) != layers:
                    value = self.layer.value if self.layer.value in [v for _, v in layers] else _MINE
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
                "mark": [s.to_utf16(d.start), s.to_utf16(d.end)] if d.has_span else None,
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
            for i, b in self._issue_buttons.items():
                chosen = i == d.issue
                if (b.button_style == "primary") != chosen:
                    b.button_style = "primary" if chosen else ""
                    (b.add_class if chosen else b.remove_class)("mod-active")
            self.actor.value, self.target.value = d.actor or "", d.target or ""
            self.summit.value = d.summit_id if d.summit_id in [v for _, v in self.summit.options] else ""
            self.note.value = d.note
            events = [("— none: this mention is its own event", "")] + [
                (e.get("description") or e["id"], e["id"]) for e in s.events()
            ]
            if list(self.event.options) != events:
                self.event.options = events
            self.event.value = d.event_id or ""
            self.ready.value = ready_html(d) if s.annotator else ""
            self.delete_button.disabled = d.editing is None
            for b in (self.save_button, self.undo_button, self.event_button):
                b.disabled = not s.annotator
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
                b.on_click(lambda _, i=sug.issue: self._act(_quietly(self.session.accept_suggestion, i), "save"))
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


def ready_html(d) -> str:
    """One line saying whether the draft can be saved, or which fields are still to choose."""
    missing = d.missing()
    if not missing:
        return '<span class="sl-ready-yes">Ready to save.</span>'
    if "span" in missing:
        return ""
    names = ", ".join(FIELD_LABELS.get(f, f).lower() for f in missing)
    return f'<span class="sl-ready-no">Still to choose: {esc(names)}.</span>'


def _quietly(fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
    """An action that calls ``fn(*args)`` and has no message of its own."""

    def run() -> None:
        fn(*args)

    return run
