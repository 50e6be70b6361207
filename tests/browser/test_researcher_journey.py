"""The researcher's journey, end to end, as a new user walks it: from the built wheel in a fresh venv outside the
repository, an empty project, articles from a saved page, from a URL (served on 127.0.0.1) and from a manifest,
a span annotated and linked to an event in JupyterLab (headless Chromium), the charts, and a round trip through
doccano and Label Studio.

Every page and text here is written for this test (synthetic, labelled so in its own words) and never stored in
data/. Each step's time is printed (``pytest -s``) as ``journey: <step> <seconds> s``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from _lab import wait_until
from _steps import Steps
from _wheel import clean_env
from conftest import REPO, _Servers, free_port, open_notebook, run_all_cells
from test_annotator_browser import _start, _toggle, _wait_message, mouse_select, start_event

from toolkit.commands.lab import IN_ORDER_SETTING

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUMMIT = "2021-06-16-geneva"
PAGE_TITLE = "Leaders meet in Geneva"
PARAGRAPHS = [
    "SYNTHETIC TEST PAGE: written for the Summit Ledger journey test, it reports no real event.",
    "The two delegations met for four hours in a lakeside villa, and both sides called the talks constructive.",
    "Officials said the presidents agreed to return ambassadors to their posts and to begin a dialogue on stability.",
    "Differences remained on cyber attacks and on the treatment of opposition figures, an aide told reporters.",
]
SECOND = [
    "SYNTHETIC TEST PAGE: a second invented report for the journey test, served from 127.0.0.1.",
    "A two-hour video call dealt with troop movements near a border and the prospect of new sanctions.",
    "Both sides said their teams would stay in touch, while no agreement on the main dispute was announced.",
]
SPAN = "agreed to return ambassadors to their posts"


def page_html(title: str, paragraphs: list[str], site: str, date: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>'
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{date}T09:30:00Z"></head><body>'
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Subscribe. Copyright {site}.</footer></body></html>"
    )


@pytest.fixture(scope="module")
def journey_venv(wheel_venv):
    """The wheel of this checkout, built once per test run (``tests/_wheel.py``), installed (no dependencies) in a
    fresh venv outside the repository, and a work folder of the journey's own."""
    work = Path(tempfile.mkdtemp(prefix="summit-ledger-journey-"))
    assert not work.resolve().is_relative_to(REPO) and not wheel_venv["venv"].resolve().is_relative_to(REPO)
    try:
        yield work, wheel_venv["venv"], clean_env()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _sl(venv: Path, args: list, cwd: Path, env: dict, rc: int = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(venv / "bin" / "summit-ledger"), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == rc, f"summit-ledger {args}: rc {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr
    return proc


def _web_server(venv: Path, site: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(venv / "bin" / "python"), "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the test web server did not start")


def _live(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_researchers_project_from_an_empty_folder_to_figures_and_back(
    journey_venv, page, page_log, tmp_path, monkeypatch, tmp_path_factory
):
    work, venv, env = journey_venv
    step = Steps(tmp_path_factory, "researcher journey")
    home = Path(tempfile.mkdtemp(prefix="journey-", dir=work))
    study = home / "study"

    # 1. an empty project: every command opens it and says what is missing
    with step("init and the empty project's commands"):
        out = _sl(venv, ["init", "study"], home, env).stdout
        assert "summit-ledger lab" in out
        assert "*.lock" in (study / ".gitignore").read_text(encoding="utf-8")
        out = _sl(venv, ["validate"], study, env).stdout
        assert "next: no articles yet" in out and "next: no annotations in set 'workspace' yet" in out
        err = _sl(venv, ["figures", "--out", "figures"], study, env).stderr
        assert "nothing to chart yet" in err and not (study / "figures").exists()
        _sl(venv, ["export", "doccano", "--out", home / "empty.jsonl"], study, env)
        assert _sl(venv, ["--version"], study, env).stdout.startswith("summit-ledger ")

    with step("every notebook of the empty project runs and says what is missing"):
        # the class's own notebook is left out: it runs on the class server
        nbs = [nb for nb in sorted((study / "notebooks").rglob("*.ipynb")) if nb.name != "student_exercise.ipynb"]
        # one nbconvert for all of them (each notebook still gets a kernel of its own, started in its folder)
        proc = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "nbconvert", "--to", "notebook", "--execute", "--output-dir", str(home / "run")]
            + [str(nb) for nb in nbs],
            cwd=study / "notebooks",
            env={**env, "SUMMIT_LEDGER_PROJECT": str(study)},
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert len({nb.name for nb in nbs}) == len(nbs) == 8
        for nb in nbs:
            shown = (home / "run" / nb.name).read_text(encoding="utf-8")
            assert "does not have yet" in shown and "summit-ledger" in shown, nb.name

    # 2. an article from a saved web page, one from a URL served on 127.0.0.1, two from a manifest
    with step("add-article from a saved page"):
        saved = home / "saved-page.html"
        saved.write_text(page_html(PAGE_TITLE, PARAGRAPHS, "Test Gazette", "2021-06-17"), encoding="utf-8")
        out = _sl(venv, ["add-article", saved, "--summit", SUMMIT, "--country", "CH", "--source-kind", "press"], study, env)
        assert "added 2021-06-17-leaders-meet-in-geneva" in out.stdout and f"project: {study}" in out.stderr
    site = home / "site"
    site.mkdir()
    (site / "call.html").write_text(page_html("A call about troops", SECOND, "Other Daily", "2021-12-08"), encoding="utf-8")
    server, base = _web_server(venv, site, env)
    try:
        with step("add-article --url from 127.0.0.1"):
            out = _sl(
                venv, ["add-article", "--url", f"{base}/call.html", "--summit", "2021-12-07-video", "--id", "call"], study, env
            )
            assert "added call" in out.stdout
    finally:
        os.kill(server.pid, 15)
        server.wait(timeout=10)
    with step("add-articles from a manifest"):
        corpus = home / "corpus"
        corpus.mkdir()
        texts = {
            "wire.txt": "SYNTHETIC TEST ARTICLE for the journey: a wire report on a summit that never happened.\n",
            "readout.txt": "SYNTHETIC TEST READOUT for the journey: the two ministers discussed trade and visas.\n",
        }
        for name, text in texts.items():
            (corpus / name).write_text(text, encoding="utf-8")
        with open(corpus / "list.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "id", "summit_id", "title", "outlet", "country", "language", "published", "url", "source_kind"])
            w.writerow(["wire.txt", "wire", SUMMIT, "Wire", "Synthetic Wire", "US", "en", "2021-06-17", "", "wire"])
            w.writerow(["readout.txt", "readout", SUMMIT, "", "Synthetic Office", "RU", "en", "", "", "official-ru"])
        out = _sl(venv, ["add-articles", corpus / "list.csv", "--no-progress"], study, env).stdout
        assert "added 2 articles" in out
        out = _sl(venv, ["validate"], study, env).stdout
        assert "next: no articles yet" not in out

    # 3. annotate a span and link it to an event in JupyterLab, run from the wheel's venv
    import conftest

    monkeypatch.setattr(conftest, "VENV_BIN", venv / "bin")
    servers = _Servers(tmp_path)
    try:
        with step("JupyterLab starts"):
            # the venv borrows its dependencies' code, not their data files: Lab finds the widget extensions here
            shared = Path(sys.prefix) / "share" / "jupyter"
            lab = servers.lab(study, {"SUMMIT_LEDGER_PROJECT": str(study), "JUPYTER_PATH": str(shared)})
            # the wheel's own Lab setting is in force: the annotator's clicks are handled in the order made
            plugin, key, value = IN_ORDER_SETTING
            assert lab.served_setting(plugin)["schema"]["properties"][key]["default"] == value
        with step("open and run 01_annotate.ipynb"):
            open_notebook(page, lab, "notebooks/01_annotate.ipynb", timeout=120_000)
            run_all_cells(page, timeout=180_000)
            assert "4 articles to code" in page.inner_text(".jp-Notebook")
        with step("annotate a span and link it to a new event"):
            _start(page, "Researcher")
            page.select_option(".sl-document select", label=PAGE_TITLE)
            text = (study / "documents" / "2021-06-17-leaders-meet-in-geneva.txt").read_text(encoding="utf-8")
            wait_until(page, "(t) => document.querySelector('.sl-text').textContent === t", arg=text)
            start = text.index(SPAN)
            mouse_select(page, start, start + len(SPAN))
            wait_until(page, "() => document.querySelector('.sl-selection').textContent.startsWith('Selected')")
            _toggle(page, "sl-stance", "Goodwill")
            page.select_option(".sl-actor select", label="United States (US)")
            page.select_option(".sl-target select", label="Russia (Russia)")
            _toggle(page, "sl-intensity", "2 ")
            start_event(page, "Ambassadors to return", "agree-meet", "2021-06-16")
            page.click("button.sl-save")
            _wait_message(page, "Saved", where="save")
        assert page_log.page_errors == [] and page_log.external_requests == []
    finally:
        servers.stop_all()
    ops = _live(study / "annotations" / "workspace" / "Researcher.jsonl")
    event, mention = ops
    assert event["kind"] == "event" and mention["event_id"] == event["id"]
    assert (mention["quote"], mention["stance"], mention["actor"], mention["target"]) == (SPAN, "goodwill", "US", "Russia")

    # 4. chart what exists
    with step("figures"):
        out = _sl(venv, ["figures", "--out", "figures", "--n-boot", "200"], study, env).stdout
        assert "rows from 1 annotations (workspace)" in out
        assert (study / "figures" / "balance_per_summit.svg").is_file() and (
            study / "figures" / "balance_per_summit.png"
        ).is_file()

    # 5. out to doccano and Label Studio, and back in
    with step("export to doccano and Label Studio, import both again"):
        _sl(venv, ["export", "doccano", "--out", home / "out.jsonl", "--set", "workspace"], study, env)
        _sl(venv, ["export", "labelstudio", "--out", home / "out.json", "--set", "workspace"], study, env)
        _sl(venv, ["import", "doccano", home / "out.jsonl", "--set", "from-doccano"], study, env)
        _sl(venv, ["import", "labelstudio", home / "out.json", "--set", "from-labelstudio"], study, env)
        for name in ("from-doccano", "from-labelstudio"):
            (log,) = (study / "annotations" / name).glob("*.jsonl")
            back = [o for o in _live(log) if o.get("kind", "mention") == "mention"]
            assert [(b["document_id"], b["start"], b["end"], b["quote"], b["stance"], b["actor"], b["target"]) for b in back] == [
                (mention["document_id"], mention["start"], mention["end"], SPAN, "goodwill", "US", "Russia")
            ], name
        _sl(venv, ["validate"], study, env)
    # nothing was written outside the project and the work folder
    assert not list(Path(tempfile.gettempdir()).glob("summit-ledger.toml"))
    print("journey times: " + json.dumps({k: round(v, 1) for k, v in step.times.items()}), flush=True)
