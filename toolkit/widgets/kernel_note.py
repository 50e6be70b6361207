"""What a stored widget output says where no kernel runs: one sentence on what the widget does and how to start it.

A widget output is stored with a widget view (drawn only while its kernel
runs) and a ``text/plain`` fallback, which JupyterLab without a kernel,
``jupyter nbconvert --to html`` and GitHub show instead. ipywidgets fills that
fallback with the widget's ``repr`` (``VBox(children=(...``); every widget of
the toolkit puts a sentence there instead, with the same sentence as escaped
``text/html``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

__all__ = [
    "HOW_TO_START",
    "ANNOTATOR_NOTE",
    "EXPLORER_NOTE",
    "ADJUDICATOR_NOTE",
    "CHECK_NOTE",
    "NOTE_CLASS",
    "noted_bundle",
    "CheckMyWork",
    "on_voila_page",
    "again_hint",
]

#: How to start any widget of a stored notebook.
HOW_TO_START = "menu Run > Run All Cells, or Shift+Enter in each cell"
ANNOTATOR_NOTE = f"Run this cell to start the annotator ({HOW_TO_START})."
EXPLORER_NOTE = (
    "The balance explorer: menus for actor, target, evidence, weight, annotator set and the articles' outlet, "
    "country, language and source kind that redraw the balance table and charts. It needs a running kernel: "
    f"run this cell to start it ({HOW_TO_START})."
)
ADJUDICATOR_NOTE = (
    "The adjudication view: one disagreement at a time, the passage highlighted in its article, with buttons to "
    "choose a version, decide there is no passage, save an edited version, skip, or write the set. It needs a "
    f"running kernel: run this cell to start it ({HOW_TO_START})."
)
CHECK_NOTE = (
    'The "Check my work" button: it compares what you have saved with the answer key, or, before the key is '
    f"released, says how much you have coded. It needs a running kernel: run this cell to start it ({HOW_TO_START})."
)


def on_voila_page() -> bool:
    """True in a kernel started by Voila (a page that shows no code): its words must not speak of cells or menus.

    Voila gives each kernel it starts ``SERVER_SOFTWARE=voila/<version>`` and, once it runs, ``VOILA_KERNEL_ID``.
    """
    import os

    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila/") or "VOILA_KERNEL_ID" in os.environ


def again_hint() -> str:
    """What to do once a missing thing is added: reload the page (Voila) or run the cell again (JupyterLab)."""
    return "then reload this page" if on_voila_page() else "then run this cell again"


#: CSS class of the sentence shown in place of a widget.
NOTE_CLASS = "sl-first-run"


def noted_bundle(bundle: Any, note: str) -> dict[str, Any]:
    """A widget's mimebundle with ``note`` as its text (plain and escaped HTML) for wherever the widget cannot run."""
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    out = dict(bundle or {})
    out["text/plain"] = note
    out["text/html"] = f'<p class="{NOTE_CLASS}"><b>{html.escape(note)}</b></p>'
    return out


class CheckMyWork(w.VBox):
    """A "Check my work" button and the place its result is shown.

    Parameters
    ----------
    check : callable
        Called with no argument on each press of the button, and only then, so
        each call is a real press (the exercise passes a function that calls
        :meth:`toolkit.classroom.student.StudentWork.check` with ``pressed=True``,
        which logs it); whatever it returns is displayed (a feedback object
        with an HTML view, for instance).
    """

    def __init__(self, check: Callable[[], Any], *, description: str = "Check my work") -> None:
        self.check = check
        self.button = w.Button(description=description, button_style="primary")
        self.button.add_class("sl-check-my-work")
        self.result = w.Output()
        self.result.add_class("sl-check-result")
        self.button.on_click(self._on_click)
        super().__init__([self.button, self.result])

    def _on_click(self, _button: Any = None) -> None:
        from IPython.display import display

        self.result.clear_output()
        with self.result:
            display(self.check())

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return noted_bundle(super()._repr_mimebundle_(**kwargs), CHECK_NOTE)
