"""Self-test of the browser harness: a server starts, a notebook runs, the network stays local."""

from __future__ import annotations

import json
import re
from pathlib import Path

from _lab import wait_until

from toolkit.commands.lab import IN_ORDER_SETTING


def _tiny_notebook(path: Path) -> Path:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "c1",
                "metadata": {},
                "outputs": [],
                "source": [
                    "import ipywidgets as w\n",
                    "b = w.Button(description='harness-ok')\n",
                    "b.add_class('harness-button')\n",
                    "b",
                ],
            }
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_lab_runs_a_widget_notebook(tmp_path, page, page_log, start_lab, run_notebook_in_lab):
    root = tmp_path / "nb"
    root.mkdir()
    _tiny_notebook(root / "tiny.ipynb")
    server = start_lab(root)
    run_notebook_in_lab(page, server, "tiny.ipynb")
    button = page.wait_for_selector("button.harness-button")
    assert button.inner_text().strip() == "harness-ok"
    # the Lab the tests run has the project's setting: a widget's messages reach the kernel in the order sent
    plugin, key, value = IN_ORDER_SETTING
    served = server.served_setting(plugin)
    # (an override changes the schema's default; the user's own settings, none here, would win over it)
    assert served["schema"]["properties"][key]["default"] == value, served["schema"]["properties"][key]
    assert key not in served["settings"]
    # a request to another host is recorded, and cannot resolve (no CDN can be reached)
    page.goto("about:blank")
    page.set_content('<img id="probe" src="https://cdn.jsdelivr.net/npm/vega@5/probe.png">')
    wait_until(page, "() => document.getElementById('probe').complete")
    assert page.evaluate("() => document.getElementById('probe').naturalWidth") == 0
    assert "https://cdn.jsdelivr.net/npm/vega@5/probe.png" in page_log.external_requests
    server.stop()
    assert server.proc.poll() is not None


def test_the_tests_wait_on_a_page_only_through_wait_until():
    """A test that calls Playwright's ``wait_for_function`` itself would check on every frame (see ``_lab.wait_until``)."""
    tests = Path(__file__).resolve().parents[1]
    calls = [
        f"{p.relative_to(tests)}:{n}"
        for p in sorted(tests.rglob("*.py"))
        if p.name != "_lab.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\w\.wait_for_function\(", line)
    ]
    assert calls == []
