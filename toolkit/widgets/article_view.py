"""The annotator's article view (an anywidget) and the small view helpers the annotator uses.

The view draws the text as one ``<span>`` per highlight run and reports
selections, clicks and keys to Python. Runs arrive as messages: the whole list
once (when a view appears, or the layer or document changes), then patches
that replace only the runs an action changed. The pending selection and the
annotation being edited are an overlay (two ranges), so marking them redraws
nothing.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from toolkit.charts.palette import STANCE_COLORS
from toolkit.errors import Problem
from toolkit.session.draft import FIELD_LABELS
from toolkit.session.layers import RunPatch

__all__ = ["ArticleView", "STANCE_COLOURS", "esc", "problems_html", "message_html", "skipped_html", "FIRST_RUN_NOTE"]

_STATIC = Path(__file__).resolve().parent / "static"

STANCE_COLOURS: dict[str, str] = {k: STANCE_COLORS[k] for k in ("grievance", "goodwill", "agenda", "both")}
"""The stance colours of :mod:`toolkit.charts.palette` (Okabe-Ito)."""
FIRST_RUN_NOTE = "Run this cell to start the annotator (menu Run > Run All Cells, or Shift+Enter in each cell)."


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def message_html(text: str, error: bool = False) -> str:
    """One message, escaped, styled as an error or as information."""
    if not text:
        return ""
    css = "sl-message-error" if error else "sl-message-ok"
    return f'<div class="{css}" role="{"alert" if error else "status"}">{esc(text)}</div>'


def problems_html(problems: Iterable[Problem]) -> str:
    """Every problem, one line each, in the view's words ("Stance: choose a stance")."""
    items = [f"<li><b>{esc(FIELD_LABELS.get(p.field or '', p.field or 'Problem'))}:</b> {esc(p.message)}</li>" for p in problems]
    if not items:
        return ""
    head = "Not saved yet:" if len(items) > 1 else ""
    return f'<div class="sl-message-error" role="alert">{esc(head)}<ul class="sl-problems">{"".join(items)}</ul></div>'


def skipped_html(problems: list[Problem], show: int = 5) -> str:
    """A warning that names what could not be read from the annotation files (empty when nothing was left out)."""
    if not problems:
        return ""
    n = len(problems)
    items = "".join(f"<li>{esc(str(p))}</li>" for p in problems[:show])
    more = f"<li>… and {n - show} more (run <code>summit-ledger validate</code> to see them all)</li>" if n > show else ""
    head = (
        f"{n} line{'s' * (n != 1)} of the annotation files could not be used, so what they hold is not shown "
        "here. Nothing has been changed or set aside; ask your instructor, or see the lines below:"
    )
    return f'<div class="sl-message-error" role="alert">{esc(head)}<ul class="sl-problems">{items}{more}</ul></div>'


class ArticleView(anywidget.AnyWidget):
    """The article, with highlights; reports selections, clicks and keys as messages.

    Traits
    ------
    text : str
        The document text (the browser slices it by UTF-16 offsets).
    overlay : dict
        ``{"mark": [s, e] or None, "sel": [s, e] or None}`` in UTF-16 units:
        the pending selection, and the annotation being edited.

    Attributes
    ----------
    runs : list of dict
        The runs every view shows now (``{"s", "e", "n", "stance"}``).
    sent : list of dict
        The last run message sent (for measuring and tests).
    """

    _esm = _STATIC / "annotator.js"
    _css = _STATIC / "annotator.css"
    text = traitlets.Unicode("").tag(sync=True)
    overlay = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runs: list[dict] = []
        self.sent: dict = {}
        self._seq = 0
        self.on_msg(self._on_ready)

    def _on_ready(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ready":
            self.show_runs(self.runs)

    def show_runs(self, runs: list[dict]) -> None:
        """Send every run (a view that appears, or another layer or document)."""
        self.runs = list(runs)
        self._seq += 1
        self.sent = {"type": "runs", "seq": self._seq, "runs": self.runs}
        self.send(self.sent)

    def patch_runs(self, patches: list[RunPatch]) -> None:
        """Send only the runs that changed, as splices of the current list."""
        for p in patches:
            self.runs[p.at : p.at + p.remove] = p.runs
            base, self._seq = self._seq, self._seq + 1
            self.sent = {"type": "patch", "base": base, "seq": self._seq, "at": p.at, "remove": p.remove, "runs": p.runs}
            self.send(self.sent)
