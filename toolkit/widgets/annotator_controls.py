"""The annotator's controls: building and laying out the widgets (see :class:`toolkit.widgets.annotator.Annotator`).

Only construction lives here; every callback named below is the annotator's,
and every decision behind them is the session's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import traitlets

from toolkit.session.core import ALL_LAYERS, AnnotationSession
from toolkit.session.draft import provenance_choices
from toolkit.session.events import PHASE_CHOICES
from toolkit.widgets.article_view import STANCE_COLOURS, ArticleView, esc

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook
    from toolkit.corpus.documents import Document
    from toolkit.corpus.summits import Summit

__all__ = ["AnnotatorControls", "Choice", "show_pressed", "STANCE_KEYS", "ISSUE_KEYS", "MINE", "PLACES", "PLACE_OF", "quietly"]

STANCE_KEYS: dict[str, str] = {"g": "grievance", "w": "goodwill", "n": "agenda"}
ISSUE_KEYS = "123456789abcdefhijklmopqrstvxyz"
"""Keys for the issues in codebook order (g, w, n and u are taken by stance and undo)."""
#: The layer menu's value for "my annotations".
MINE = "__mine__"
#: Where messages appear.
PLACES = ("name", "selection", "codes", "event", "save")
#: The message place of a problem's field ("codes", beside actor and target, shows what contradicts the linked event).
PLACE_OF = {
    "annotator": "name",
    "span": "selection",
    "event_id": "event",
    "event_date": "event",
    "event_type": "event",
    "phase": "event",
}


def quietly(fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
    """An action that calls ``fn(*args)`` and has no message of its own."""

    def run() -> None:
        fn(*args)

    return run


def show_pressed(buttons: Mapping[Any, w.Button], value: Any) -> None:
    """Show the button of ``value`` pressed and every other one released (only those that change are sent)."""
    for v, b in buttons.items():
        on = v == value
        if (b.button_style == "primary") != on:
            b.button_style = "primary" if on else ""
            (b.add_class if on else b.remove_class)("mod-active")


def issue_rows(codebook: Codebook, buttons: Mapping[str, w.Button]) -> list[w.Widget]:
    """The issue buttons, one row per codebook domain (its name first, then its issues in codebook order).

    A codebook without domains gives one row of every issue. Issues whose
    domain the codebook does not name come last, under "Other".
    """
    domains: dict[str | None, list[w.Button]] = {}
    named = getattr(codebook, "domains", None) or {}
    for iid, button in buttons.items():
        dom = getattr(codebook.issues[iid], "domain", None)
        domains.setdefault(dom if dom in named else None, []).append(button)
    if list(domains) == [None]:
        return [w.HBox(domains[None], layout=w.Layout(flex_flow="row wrap"))]
    rows = []
    for dom in [*(d for d in named if d in domains), *([None] if None in domains else [])]:
        name = esc(named[dom]) if dom else "Other"
        head = w.HTML(f'<span style="font-weight: bold">{name}</span>', layout=w.Layout(width="20em", min_width="20em"))
        head.add_class("sl-issue-domain")
        row = w.HBox([head, *domains[dom]], layout=w.Layout(flex_flow="row wrap", align_items="center"))
        row.add_class("sl-issue-row")
        rows.append(row)
    return rows


class Choice(w.HBox):
    """One code's choices as a row of buttons; ``value`` is the kernel's, and the pressed button shows it.

    A click reaches the kernel as a message, in order with every other click (Save included).
    A toggle control's own state update can be held back by the browser while the kernel is
    busy and arrive after a Save pressed just after it (jupyter-widgets/ipywidgets#252), so the
    annotator's choices are buttons, like the issue row, and the pressed look comes from here.
    """

    value = traitlets.Any(None, allow_none=True)

    def __init__(self, options: list[tuple[str, Any]], description: str, tooltips: list[str] | None = None) -> None:
        tips = tooltips or [""] * len(options)
        self.options = list(options)
        self.buttons: dict[Any, w.Button] = {}
        for (text, value), tip in zip(options, tips):
            b = w.Button(description=text, tooltip=tip, layout=w.Layout(width="auto", height="auto"))
            b.add_class("sl-choice")
            b.on_click(lambda _b, value=value: self._clicked(value))
            self.buttons[value] = b
        label = w.Label(description, layout=w.Layout(width="6em"))
        super().__init__([label, *self.buttons.values()], layout=w.Layout(flex_flow="row wrap"))
        self.observe(self._show, names="value")

    def _clicked(self, value: Any) -> None:
        self.value = value

    def _show(self, change: dict) -> None:
        show_pressed(self.buttons, change["new"])


class AnnotatorControls(w.VBox):
    """The widgets of the annotator, built from its session and project (subclassed by the annotator)."""

    session: AnnotationSession
    codebook: Codebook
    summits: Mapping[str, Summit] | None
    documents: dict[str, Document]
    _syncing: bool

    # the annotator's callbacks (see toolkit.widgets.annotator.Annotator)
    def _act(self, fn: Callable[[], Any] | None, place: str) -> None:
        raise NotImplementedError

    def _start(self) -> str:
        raise NotImplementedError

    _save = _delete = _undo = _new_event = _start

    def _code_observer(self, name: str) -> Callable[[dict], None]:
        raise NotImplementedError

    def _on_view_msg(self, _widget: Any, content: dict, _buffers: Any) -> None:
        raise NotImplementedError

    def _on_change(self, change: dict) -> None:
        raise NotImplementedError

    _on_event = _on_event_form = _on_layer = _on_document = _on_pick = _on_change

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
            options=[("my annotations", MINE), ("all annotators", ALL_LAYERS)], value=MINE, description="Show"
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
        self.stance = Choice(
            [(f"{cb.stance_labels.get(s, s)} [{keys[s]}]" if s in keys else cb.stance_labels.get(s, s), s) for s in cb.stances],
            "Stance",
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
            b.on_click(lambda _, i=i: self._act(quietly(self.session.set_code, "issue", i), "save"))
            self._issue_buttons[i] = b
        self.issue = w.VBox(issue_rows(cb, self._issue_buttons), layout=w.Layout(flex="1 1 auto"))
        actor_opts = [("—", "")] + [(f"{a.label} ({a.id})", a.id) for a in cb.actors.values()]
        self.actor = w.Dropdown(options=actor_opts, value="", description="Actor")
        self.target = w.Dropdown(options=actor_opts, value="", description="Target")
        self.intensity = Choice(
            [(f"{lv.level} {lv.label}", lv.level) for lv in cb.intensity.values()],
            "Intensity",
            [lv.definition for lv in cb.intensity.values()],
        )
        for name in ("attribution", "modality"):
            choices = provenance_choices(cb, name)
            setattr(self, name, Choice([(lab, v) for v, lab, _ in choices], name.capitalize(), [d for _, _, d in choices]))
        self.event = w.Dropdown(description="Event", layout=w.Layout(width="36em"))
        self.event_label = w.Text(placeholder="new event: what happened, in a few words", layout=w.Layout(width="24em"))
        types = getattr(cb, "event_types", None) or {}
        self.event_type = w.Dropdown(
            options=[("event type…", "")] + [(getattr(t, "label", tid), tid) for tid, t in types.items()],
            layout=w.Layout(width="16em", display="" if types else "none"),
        )
        self.event_date = w.Text(placeholder="date: YYYY-MM-DD, YYYY-MM or YYYY", layout=w.Layout(width="17em"))
        self.event_phase = w.Dropdown(
            options=[("from the date", "")] + [(words, p) for p, words in PHASE_CHOICES.items()],
            value="",
            description="Phase",
            tooltip="when the date includes the summit day (a month or a year), say whether it happened before, at or after",
            layout=w.Layout(width="20em"),
        )
        self.event_button = w.Button(
            description="Start new event",
            disabled=True,
            tooltip="on once the new event has a description, a type and a date (the line below says what is missing)",
        )
        self.event_ready = w.HTML()  # what the session still needs before it starts the described event
        self.summit = w.Dropdown(description="Summit", layout=w.Layout(width="36em"))
        self.note = w.Textarea(
            placeholder="note (optional)", description="Note", layout=w.Layout(width="44em"), continuous_update=False
        )
        self.save_button = w.Button(description="Save [Enter]", button_style="success")
        self.delete_button = w.Button(description="Delete", button_style="danger")
        self.undo_button = w.Button(description="Undo [u]")
        self.cancel_button = w.Button(description="Cancel [Esc]")
        self.messages = {p: w.HTML() for p in PLACES}
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
            "event_phase",
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
        self.event_ready.add_class("sl-event-ready")
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
        for name in ("event_label", "event_type", "event_date", "event_phase"):
            getattr(self, name).observe(self._on_event_form, names="value")
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
            w.HBox([w.Label("Issue", layout=w.Layout(width="6em", min_width="6em", flex="0 0 6em")), self.issue]),
            w.HBox([self.actor, self.target]),
            self.messages["codes"],
            self.intensity,
            self.attribution,
            self.modality,
            w.HBox(
                [self.event, self.event_label, self.event_type, self.event_date, self.event_phase, self.event_button],
                layout=w.Layout(flex_flow="row wrap"),
            ),
            self.event_ready,
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
