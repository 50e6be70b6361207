"""The pages served with Voila (``make annotate``, ``make exercise``, the hub's Voila view) speak a student's words.

A Voila page shows markdown and what the code prints, never the code: no menus, cells or kernels, and nothing of
the reference (no counts by issue and stance, no passages) on load. JupyterLab users still read how to start the
widgets, in the text each widget output keeps for a notebook seen without a kernel (which Voila never shows).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _make import commands as make_commands

from toolkit.errors import DataError
from toolkit.widgets.kernel_note import HOW_TO_START, on_voila_page

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_WORDS = ("Run All", "Run ▸", "Run >", "this cell", "the cell", "Shift+Enter", "kernel", "Ready:", "(s)")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def served_by_voila() -> list[Path]:
    """The notebooks the Makefile serves with Voila."""
    found = re.findall(r"voila (notebooks/\S+\.ipynb)", (REPO / "Makefile").read_text(encoding="utf-8"))
    assert len(found) >= 2
    return [REPO / f for f in found]


def page_texts(path: Path, *, markdown: bool = True) -> list[str]:
    """What a Voila page of the stored notebook shows: markdown and every output except the widgets' no-kernel text."""
    out = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown" and markdown:
            out.append("".join(cell["source"]))
        for o in cell.get("outputs", []):
            if WIDGET_VIEW in o.get("data", {}):
                continue  # Voila draws the widget; its no-kernel text is for JupyterLab and HTML only
            out.append("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", "")))
    return out


@pytest.mark.parametrize("path", served_by_voila(), ids=lambda p: p.name)
def test_a_voila_page_speaks_no_notebook(path):
    for text in page_texts(path):
        for word in NOTEBOOK_WORDS:
            assert word not in text, f"{path.name} shows {word!r} in: {text[:200]}"


@pytest.fixture(scope="module")
def reference(data_root):
    from toolkit.classroom import load_reference

    return load_reference("reference", data=data_root)


@pytest.mark.parametrize("path", served_by_voila(), ids=lambda p: p.name)
def test_a_voila_page_shows_nothing_of_the_reference_on_load(path, reference):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert '"reference"' not in code and "summarize(" not in code and "example=" not in code
    shown = "\n".join(page_texts(path, markdown=False))  # (the text may name the reference; no output shows it)
    assert not re.search(r"\breference\b", shown) and not re.search(r"grievance\s+goodwill", shown)
    assert not any(r["note"] and r["note"][:40] in shown for r in reference)


def test_lab_users_still_read_how_to_start_a_widget():
    assert HOW_TO_START == "menu Run > Run All Cells, or Shift+Enter in each cell"
    for path in served_by_voila():
        stored = path.read_text(encoding="utf-8")
        assert "Run this cell to start the annotator (menu Run &gt; Run All Cells" in stored


# Voila, made with the Makefile's arguments (its SIGTERM handler and config stay out of the test process), prints
# for each recipe what a kernel of its page would be managed with
_VOILA_KERNELS = """
import json, sys
from voila.app import Voila
for argv in json.loads(sys.argv[1]):
    app = Voila()
    app.initialize(argv)
    app.init_settings()
    km = app.kernel_manager.kernel_manager_factory(parent=app.kernel_manager, kernel_name="python3")
    print(json.dumps({"cache_ports": km.cache_ports, "autorestart": km.autorestart}))
"""


@pytest.mark.slow
def test_a_voila_kernel_whose_start_failed_gets_new_ports():
    """As Lab's (``tests/test_hub_config.py`` shows the failure): a kernel that died on a port another program took is
    restarted on new ports, not on the same taken ones. Voila restarts a page's kernel like Lab does."""
    import subprocess
    import sys

    from toolkit.commands.lab import NEW_PORTS_ON_RESTART

    # what `make annotate` and `make exercise` run, after Voila's own name
    recipes = [
        line.split("/voila ", 1)[1] for target in ("annotate", "exercise") for line in make_commands(target) if "/voila " in line
    ]
    assert len(recipes) == len(served_by_voila()) >= 2
    argvs = [line.split() + ["--no-browser"] for line in recipes]
    assert all(NEW_PORTS_ON_RESTART in argv for argv in argvs)
    out = subprocess.run(
        [sys.executable, "-c", _VOILA_KERNELS, json.dumps(argvs)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-3000:]
    managed = [json.loads(line) for line in out.stdout.splitlines()]
    assert managed == [{"cache_ports": False, "autorestart": True}] * len(argvs), (recipes, managed)


def test_voila_is_told_from_lab_by_its_kernel_environment(monkeypatch):
    for var in ("SERVER_SOFTWARE", "VOILA_KERNEL_ID"):
        monkeypatch.delenv(var, raising=False)
    assert not on_voila_page()
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    assert on_voila_page()


@pytest.mark.parametrize("voila", [False, True])
def test_what_to_do_next_fits_the_page(tmp_path, monkeypatch, capsys, voila):
    from toolkit import Annotator
    from toolkit.commands.scaffold import init_project
    from toolkit.project import Project

    for var in ("SERVER_SOFTWARE", "VOILA_KERNEL_ID", "SUMMIT_LEDGER_PROJECT", "SUMMIT_LEDGER_DATA"):
        monkeypatch.delenv(var, raising=False)
    if voila:
        monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    project = Project.discover(init_project(tmp_path / "study"))
    project.require("documents")
    printed = capsys.readouterr().out
    with pytest.raises((ValueError, DataError)) as err:
        Annotator(project, "workspace")
    for text in (printed, str(err.value)):
        if voila:
            assert "reload this page" in text and not any(w in text for w in NOTEBOOK_WORDS if w != "(s)")
        else:
            assert "run this" in text.lower()
