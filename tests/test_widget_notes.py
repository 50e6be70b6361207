"""Where no kernel runs, every stored widget says in a sentence what it does and how to start it.

JupyterLab without a kernel, ``jupyter nbconvert --to html`` and GitHub show a widget output's
``text/plain`` (or ``text/html``); ipywidgets fills it with the widget's repr (``VBox(children=(...``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from toolkit.widgets.kernel_note import ADJUDICATOR_NOTE, CHECK_NOTE, EXPLORER_NOTE, HOW_TO_START, CheckMyWork, noted_bundle

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WIDGET = "application/vnd.jupyter.widget-view+json"


def _widget_outputs() -> list[tuple[str, int, dict]]:
    out = []
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
                data = o.get("data", {})
                if WIDGET in data and "image/svg+xml" not in data:  # a chart carries its own pictures
                    out.append((path.relative_to(NOTEBOOKS).as_posix(), i, data))
    return out


OUTPUTS = _widget_outputs()


def test_the_widgets_of_the_notebooks_are_found():
    where = {nb for nb, _, _ in OUTPUTS}
    assert {
        "01_annotate.ipynb",
        "02_balance_across_summits.ipynb",
        "05_adjudicate.ipynb",
        "teaching/student_exercise.ipynb",
    } <= where


@pytest.mark.parametrize(("notebook", "cell"), [(nb, i) for nb, i, _ in OUTPUTS])
def test_stored_widget_shows_a_sentence(notebook, cell):
    data = next(d for nb, i, d in OUTPUTS if (nb, i) == (notebook, cell))
    text = data.get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else text
    assert "children=" not in text and not text.startswith(("VBox(", "HBox(", "Box(", "Output(")), text[:80]
    assert HOW_TO_START in text, f"{notebook} cell {cell}: {text[:120]!r}"
    html = data.get("text/html", "")
    html = "".join(html) if isinstance(html, list) else html
    assert 'class="sl-first-run"' in html and "children=" not in html


@pytest.mark.parametrize(
    ("notebook", "note"),
    [
        ("02_balance_across_summits.ipynb", EXPLORER_NOTE),
        ("05_adjudicate.ipynb", ADJUDICATOR_NOTE),
        ("teaching/student_exercise.ipynb", CHECK_NOTE),
    ],
)
def test_each_widget_says_what_it_does(notebook, note):
    texts = ["".join(d.get("text/plain", "")) for nb, _, d in OUTPUTS if nb == notebook]
    assert note in texts


def test_check_my_work_shows_what_check_returns():
    shown = []
    box = CheckMyWork(lambda: shown.append(1) or "three annotations so far")
    bundle = box._repr_mimebundle_()
    assert bundle["text/plain"] == CHECK_NOTE
    assert WIDGET in bundle
    box.button.click()
    assert shown == [1]  # (the result is shown in the Output below the button; the class browser test reads it)


def test_noted_bundle_escapes_the_note():
    b = noted_bundle(({"text/plain": "VBox(children=())", WIDGET: {"model_id": "x"}}, {}), "a <b> & c")
    assert b["text/plain"] == "a <b> & c"
    assert b["text/html"] == '<p class="sl-first-run"><b>a &lt;b&gt; &amp; c</b></p>'
    assert b[WIDGET] == {"model_id": "x"}
