"""The annotator widget: ipywidgets controls around an anywidget article view.

This module is only a view. Every callback forwards to
:class:`toolkit.annotate.AnnotationSession`, which holds the logic and writes
through the store; the widget then redraws from the session. Text from data
(article, notes, codebook labels, titles) is shown as text: the article view
inserts text nodes only, and whatever goes into an ``HTML`` widget passes
through :func:`html.escape` first.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable, Mapping

import anywidget
import ipywidgets as w
import traitlets

from ..annotate import ALL_LAYERS, AnnotationSession
from ..corpus import Document
from ..errors import SummitLedgerError
from ..palette import STANCE_COLORS

__all__ = ["Annotator", "ArticleView", "STANCE_COLOURS", "STANCE_KEYS", "ISSUE_KEYS"]

_STATIC = Path(__file__).resolve().parents[1] / "static"

STANCE_COLOURS: dict[str, str] = {k: STANCE_COLORS[k] for k in ("grievance", "goodwill", "agenda", "both")}
"""The stance colours of :mod:`toolkit.palette` (Okabe-Ito; agenda grey)."""
STANCE_KEYS: dict[str, str] = {"g": "grievance", "w": "goodwill"}
ISSUE_KEYS = "123456789abcdefhijklmnopqrstvxyz"
"""Keys for the issues in codebook order (g, w and u are taken by stance and undo)."""
_MINE = "__mine__"


class ArticleView(anywidget.AnyWidget):
    """The article, with highlights; reports selections, clicks and keys as messages.

    Traits
    ------
    text : str
        The document text (the browser slices it by UTF-16 offsets).
    runs : list of dict
        ``{"s", "e", "n", "stance", "sel", "mark"}`` per run: UTF-16 offsets,
        number of annotations, stance, whether the annotation being edited
        covers it, whether the pending selection does (see
        :meth:`AnnotationSession.runs`).
    """

    _esm = _STATIC / "annotator.js"
    _css = _STATIC / "annotator.css"
    text = traitlets.Unicode("").tag(sync=True)
    runs = traitlets.List().tag(sync=True)


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


class Annotator(w.VBox):
    """Code grievances and goodwill gestures in an article, saving every action at once.

    Parameters
    ----------
    document : Document or mapping of str to Document
        The article to code; with several, a menu picks one.
    codebook : Codebook
    store : Store
        The annotation set written to, e.g. ``Store(data_dir() / "annotations" / "workspace")``.
    annotator : str, optional
        The annotator's name; otherwise typed in the widget.
    summits : dict of str to Summit, optional
        Offered in the summit menu (default: the document's summit only).

    Attributes
    ----------
    session : AnnotationSession
        The logic behind the widget (what tests drive).
    """

    def __init__(self, document: "Document | Mapping[str, Document]", codebook, store,
                 annotator: str | None = None, summits: "dict | None" = None) -> None:
        if isinstance(document, Document):
            self.documents = {document.id: document}
        else:
            self.documents = dict(document)
            if not self.documents:
                raise ValueError("no documents to annotate")
        self.codebook = codebook
        self.store = store
        self.summits = summits
        first = next(iter(self.documents.values()))
        self.session = AnnotationSession(first, codebook, store, None, summits)
        self._syncing = False
        self._pick_ids: list[str] = []
        self._runs_key: tuple = ()
        self._error_shown = False
        self._build()
        super().__init__(children=self._layout())
        self.add_class("sl-annotator")
        if annotator:
            self.name.value = annotator
            self._act(self._start)
        self.redraw()

    # --------------------------------------------------------------- build
    def _build(self) -> None:
        cb = self.codebook
        self.title = w.HTML()
        self.doc_menu = w.Dropdown(options=[(d.title, d.id) for d in self.documents.values()],
                                   description="Article", layout=w.Layout(width="44em",
                                   display="" if len(self.documents) > 1 else "none"))
        self.doc_menu.add_class("sl-document")
        self.name = w.Text(placeholder="your name (letters, digits, - or _)", description="Annotator")
        self.name.add_class("sl-name")
        self.start_button = w.Button(description="Start", button_style="primary")
        self.start_button.add_class("sl-start")
        self.layer = w.Dropdown(options=[("my annotations", _MINE), ("all annotators", ALL_LAYERS)],
                                value=_MINE, description="Show")
        self.layer.add_class("sl-layer")
        self.progress = w.Label()
        self.progress.add_class("sl-progress")
        legend = "".join(f'<span class="sl-swatch" style="background:{STANCE_COLOURS[s]}"></span>{_esc(lab)}'
                         for s, lab in [*cb.stance_labels.items(), ("both", "both stances")])
        self.legend = w.HTML(legend)
        self.legend.add_class("sl-legend")
        self.view = ArticleView(text=self.session.document.text)
        self.view.on_msg(self._on_view_msg)
        self.selection = w.HTML()
        self.selection.add_class("sl-selection")
        self.pick = w.Dropdown(description="Overlap", layout=w.Layout(display="none", width="44em"))
        self.pick.add_class("sl-pick")
        self.suggestions = w.HBox(layout=w.Layout(flex_flow="row wrap", min_height="2.5em"))
        self.suggestions.add_class("sl-suggestions")
        keys = {v: k for k, v in STANCE_KEYS.items()}
        self.stance = w.ToggleButtons(options=[(f"{cb.stance_labels.get(s, s)} [{keys.get(s, '')}]", s)
                                               for s in cb.stances], value=None, description="Stance")
        self.stance.add_class("sl-stance")
        self.stance.style.button_width = "12em"
        self.issue_keys = dict(zip(ISSUE_KEYS, cb.issues))
        ikeys = {v: k for k, v in self.issue_keys.items()}
        self.issue = w.ToggleButtons(options=[(f"[{ikeys[i]}] {iss.label}" if i in ikeys else iss.label, i)
                                              for i, iss in cb.issues.items()], value=None, description="Issue",
                                     tooltips=[iss.definition for iss in cb.issues.values()])
        self.issue.add_class("sl-issue")
        self.issue.style.button_width = "15.5em"
        actor_opts = [("—", "")] + [(f"{a.label} ({a.id})", a.id) for a in cb.actors.values()]
        self.actor = w.Dropdown(options=actor_opts, value="", description="Actor")
        self.actor.add_class("sl-actor")
        self.target = w.Dropdown(options=actor_opts, value="", description="Target")
        self.target.add_class("sl-target")
        self.intensity = w.ToggleButtons(options=[(f"{lv.level} {lv.label}", lv.level) for lv in cb.intensity.values()],
                                         value=None, description="Intensity",
                                         tooltips=[lv.definition for lv in cb.intensity.values()])
        self.intensity.add_class("sl-intensity")
        self.summit = w.Dropdown(description="Summit", layout=w.Layout(width="36em"))
        self.summit.add_class("sl-summit")
        self.note = w.Textarea(placeholder="note (optional)", description="Note", layout=w.Layout(width="44em"),
                               continuous_update=False)
        self.note.add_class("sl-note")
        self.save_button = w.Button(description="Save [Enter]", button_style="success")
        self.save_button.add_class("sl-save")
        self.delete_button = w.Button(description="Delete", button_style="danger")
        self.delete_button.add_class("sl-delete")
        self.undo_button = w.Button(description="Undo [u]")
        self.undo_button.add_class("sl-undo")
        self.cancel_button = w.Button(description="Cancel [Esc]")
        self.cancel_button.add_class("sl-cancel")
        self.message = w.HTML()
        self.message.add_class("sl-message")

        self.start_button.on_click(lambda _: self._act(self._start))
        self.save_button.on_click(lambda _: self._act(self._save))
        self.delete_button.on_click(lambda _: self._act(self._delete))
        self.undo_button.on_click(lambda _: self._act(self._undo))
        self.cancel_button.on_click(lambda _: self._act(self._cancel))
        self.layer.observe(lambda _: self._act(None), names="value")
        self.doc_menu.observe(self._on_document, names="value")
        self.pick.observe(self._on_pick, names="value")
        for name in ("stance", "issue", "actor", "target", "intensity", "note"):
            getattr(self, name).observe(self._code_observer(name), names="value")
        self.summit.observe(self._code_observer("summit_id"), names="value")
        self._fill_summits()

    def _layout(self) -> list[w.Widget]:
        return [
            self.title, self.doc_menu,
            w.HBox([self.name, self.start_button]),
            w.HBox([self.layer, self.progress]), self.legend,
            self.view, self.selection, self.pick, self.suggestions,
            self.stance, self.issue, w.HBox([self.actor, self.target]), self.intensity, self.summit, self.note,
            w.HBox([self.save_button, self.undo_button, self.delete_button, self.cancel_button]),
            self.message,
        ]

    def _fill_summits(self) -> None:
        doc = self.session.document
        own = self.summits.get(doc.summit_id) if self.summits else None
        opts = [(f"document's summit: {own.label if own else doc.summit_id}", "")]
        if self.summits:
            opts += [(f"{s.label} ({s.id})", s.id) for s in self.summits.values() if s.id != doc.summit_id]
        self._syncing = True
        try:
            self.summit.options = opts
            self.summit.value = ""
        finally:
            self._syncing = False

    # ------------------------------------------------------------- actions
    def _act(self, fn: "Callable[[], str | None] | None") -> None:
        """Run one action; show its message or the error; then redraw."""
        try:
            msg = fn() if fn is not None else None
        except SummitLedgerError as exc:
            self._show(str(exc), error=True)
        except OSError as exc:  # outside the store's own checks: still a message, not a traceback
            self._show(f"cannot read or write a file: {exc}", error=True)
        else:
            if msg is not None:
                self._show(msg)
            elif self._error_shown:  # the problem was fixed: clear the error
                self._show("")
        self.redraw()

    def _show(self, text: str, error: bool = False) -> None:
        self._error_shown = error
        css = "sl-message-error" if error else "sl-message-ok"
        self.message.value = f'<span class="{css}">{_esc(text)}</span>' if text else ""

    def _start(self) -> str:
        name = self.session.set_annotator(self.name.value)
        self.name.value = name
        return f"Annotating as {name}: every action is saved at once to {self.store.log_path(name)}."

    def _save(self) -> str:
        op = self.session.save()
        return f"Saved {op['id']} ({op['stance']}, {op['issue']}, origin {op['origin']})."

    def _delete(self) -> str:
        op = self.session.delete()
        return f"Deleted {op['id']}."

    def _undo(self) -> str:
        op = self.session.undo()
        if op is None:
            return "Nothing to undo."
        return f"Undid the last action ({'removed' if op['op'] == 'delete' else 'restored'} {op['id']})."

    def _cancel(self) -> str:
        self.session.clear()
        return ""

    def _code_observer(self, name: str) -> Callable[[dict], None]:
        def observe(change: dict) -> None:
            if self._syncing:
                return
            self._act(_quietly(self.session.set_code, name, change["new"]))
        return observe

    def _on_document(self, change: dict) -> None:
        if self._syncing:
            return
        doc = self.documents[change["new"]]
        who = self.session.annotator
        self.session = AnnotationSession(doc, self.codebook, self.store, who, self.summits)
        self.view.text = doc.text
        self._runs_key = ()
        self._fill_summits()
        self._act(None)

    def _on_pick(self, change: dict) -> None:
        if self._syncing or not change["new"]:
            return
        self._act(lambda: self._open(change["new"]))

    def _open(self, aid: str) -> str | None:
        rec = self.session.get(aid)
        if rec is None:
            return None
        if rec["annotator"] == self.session.annotator:
            self.session.edit(aid)
            return f"Editing {aid}: change codes and save, or delete."
        self.session.clear()
        return (f"{aid} by {rec['annotator']}: {rec['stance']}, {rec['issue']}, {rec['actor']} -> {rec['target']}, "
                f"intensity {rec['intensity']}" + (f". Note: {rec['note']}" if rec.get("note") else "")
                + " (read-only: not your annotation)")

    def handle_key(self, key: str) -> None:
        """Keyboard shortcuts (forwarded from the article view)."""
        if key in STANCE_KEYS:
            self._act(_quietly(self.session.set_code, "stance", STANCE_KEYS[key]))
        elif key in self.issue_keys:
            self._act(_quietly(self.session.set_code, "issue", self.issue_keys[key]))
        elif key == "Enter":
            self._act(self._save)
        elif key == "Escape":
            self._act(self._cancel)
        elif key == "u":
            self._act(self._undo)

    def _on_view_msg(self, _widget: Any, content: dict, _buffers: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "select":
            self._pick_ids = []
            self._act(_quietly(self.session.select_utf16, content.get("start"), content.get("end")))
        elif kind == "click":
            at = content.get("at")
            ids = list(self.session.ids_at(at, self._layer_name())) if isinstance(at, int) else []
            self._pick_ids = ids
            if ids:
                self._act(lambda: self._open(ids[0]))
        elif kind == "key" and isinstance(content.get("key"), str):
            self.handle_key(content["key"])

    # -------------------------------------------------------------- redraw
    def _layer_name(self) -> str | None:
        return self.session.annotator if self.layer.value == _MINE else self.layer.value

    def redraw(self) -> None:
        """Refresh every part of the view from the session and the store."""
        s = self.session
        d = s.draft
        self._syncing = True
        try:
            doc = s.document
            self.title.value = f"<h3>{_esc(doc.title)}</h3>"
            layers = [("my annotations", _MINE), ("all annotators", ALL_LAYERS)] + [
                (name, name) for name in s.layers() if name != s.annotator]
            if list(self.layer.options) != layers:
                value = self.layer.value if self.layer.value in [v for _, v in layers] else _MINE
                self.layer.options = layers
                self.layer.value = value
            layer = self._layer_name()
            mark = (d.start, d.end) if d.has_span else None
            base = s.runs(layer)
            key = (id(base), mark, d.editing)
            if key != self._runs_key:  # send the runs only when they changed
                runs = [{**r.to_json(d.editing), "mark": False} for r in base]
                if mark:
                    runs = _split_marked(runs, s.to_utf16(mark[0]), s.to_utf16(mark[1]))
                self.view.runs = runs
                self._runs_key = key
            self.progress.value = str(s.progress()) if s.annotator else "type your name and press Start"
            # selection line and suggestions
            if d.has_span:
                what = f"Editing {d.editing}" if d.editing else "Selected"
                self.selection.value = (f"{what} [{d.start}, {d.end}): "
                                        f'<span class="sl-quote">“{_esc(d.quote)}”</span>')
            else:
                self.selection.value = "Select words in the article with the mouse, or click a highlight."
            buttons = []
            for sug in d.suggestions:
                label = self.codebook.issues[sug.issue].label
                b = w.Button(description=f"{label}", tooltip=f"keywords: {', '.join(sug.keywords)}",
                             button_style="info" if d.issue == sug.issue else "",
                             layout=w.Layout(width="auto"))
                b.add_class("sl-suggestion")
                b.on_click(lambda _, i=sug.issue: self._act(_quietly(self.session.accept_suggestion, i)))
                buttons.append(b)
            head = w.Label("Suggested from keywords:", layout=w.Layout(width="auto", margin="0 0.5em 0 0"))
            self.suggestions.children = ([head] + buttons) if buttons else []
            # overlapping annotations at the clicked place
            if len(self._pick_ids) > 1:
                opts = []
                for aid in self._pick_ids:
                    rec = s.get(aid)
                    if rec is not None:
                        opts.append((f"{rec['annotator']}: {rec['stance']} / {rec['issue']} / "
                                     f"{rec['actor']}→{rec['target']} “{rec['quote'][:40]}”", aid))
                self.pick.options = opts
                self.pick.value = d.editing if d.editing in [v for _, v in opts] else None
                self.pick.layout.display = ""
            else:
                self.pick.layout.display = "none"
            # codes
            self.stance.value = d.stance
            self.issue.value = d.issue
            self.actor.value = d.actor or ""
            self.target.value = d.target or ""
            self.intensity.value = d.intensity
            self.summit.value = d.summit_id if d.summit_id in [v for _, v in self.summit.options] else ""
            self.note.value = d.note
            self.delete_button.disabled = d.editing is None
            can = bool(s.annotator)
            for b in (self.save_button, self.undo_button):
                b.disabled = not can
        finally:
            self._syncing = False


def _quietly(fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
    """An action that calls ``fn(*args)`` and has no message of its own."""
    def run() -> None:
        fn(*args)
    return run


def _split_marked(runs: list[dict], a: int, b: int) -> list[dict]:
    """Cut runs at the draft's edges so exactly the selected span is marked."""
    out = []
    for r in runs:
        cuts = sorted({r["s"], r["e"], *[x for x in (a, b) if r["s"] < x < r["e"]]})
        for s, e in zip(cuts, cuts[1:]):
            out.append({**r, "s": s, "e": e, "mark": a <= s and e <= b})
    return out
