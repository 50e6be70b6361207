"""Real-browser test harness: JupyterLab / Voila servers and headless Chromium.

Every test in this folder is marked ``browser`` automatically. The harness uses
Debian's Chromium (``/usr/bin/chromium``, installed by ``make browser`` or
``.ci/run``; ``SUMMIT_LEDGER_CHROMIUM`` names another binary) through the
Python ``playwright`` package; it never runs ``playwright install``. When
Chromium is missing the tests are **skipped** with a clear reason, except when
the environment variable ``CI`` is set (to anything but ``""``, ``0`` or
``false``): then they **fail**.

Servers run on free localhost ports with their own temporary
``JUPYTER_CONFIG_DIR``, ``JUPYTER_DATA_DIR``, ``JUPYTER_RUNTIME_DIR`` and
``IPYTHONDIR`` (the venv's ``share/jupyter`` stays on the data path, so the
widget extensions are found). Lab also gets its own ``JUPYTERLAB_SETTINGS_DIR``
with the "Jupyter news?" toast switched off, so it covers nothing. Each server
is stopped by its own PID (its process group) at teardown.

Fixtures (names are stable; other test modules rely on them)
------------------------------------------------------------
chromium_executable : str (session)
    Path of the Chromium binary; skips or fails as described above.
browser : playwright Browser (session)
    Headless Chromium launched with the flags from ``notes/jupyter-stack.md``.
page_log : PageLog (function)
    What the page did: ``dialogs`` (messages of alert/confirm/prompt, all
    dismissed; Lab's beforeunload prompt is accepted and not recorded),
    ``console_errors``, ``page_errors`` and ``external_requests`` (any request to a host other than 127.0.0.1/localhost; Chromium's host
    resolver maps every other name to nowhere, so such requests fail and a
    page that needs a CDN fails visibly). ``page_log.unexpected_external()``
    leaves out the Font Awesome stylesheets that Voila's own template links.
page : playwright Page (function)
    A fresh page in a fresh context, wired to ``page_log``.
notebook_workspace : Path (function)
    A temporary copy of the repository's ``notebooks/`` folder. Open
    notebooks from here, never from the repository: Lab autosaves.
start_lab : callable (function)
    ``start_lab(root_dir, env=None) -> JupyterServer``. ``env`` adds
    variables, e.g. ``{"SUMMIT_LEDGER_DATA": str(tmp_data)}`` so the kernel
    reads a scratch data folder (``toolkit.data_dir()`` honours it).
start_voila : callable (function)
    ``start_voila(notebook_path, env=None) -> JupyterServer``; the page to
    open is ``server.url``.
lab_server : JupyterServer (session)
    One JupyterLab over a session-wide temporary copy of ``notebooks/`` with
    the repository's data, shared by tests that only read.
run_notebook_in_lab : callable (function)
    ``run_notebook_in_lab(page, server, "01_annotate.ipynb", timeout=90_000)``
    opens the notebook, runs all cells via the Run menu and waits until the
    kernel is idle again.

``JupyterServer`` has ``url`` (base URL, with ``?token=`` for Lab), ``port``,
``token``, ``pid``, ``root`` and ``log`` (path of the server's log file, shown
in failure messages) and ``lab_url(path)`` for Lab.

Example
-------
>>> def test_something(page, start_lab, notebook_workspace, run_notebook_in_lab):  # doctest: +SKIP
...     server = start_lab(notebook_workspace)
...     run_notebook_in_lab(page, server, "02_charts.ipynb")
...     page.wait_for_selector(".jp-OutputArea-output .vega-embed svg")
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from _lab import run_all_cells, wait_for_kernel  # noqa: F401  (run_all_cells: used by the tests through this conftest)

from toolkit.commands.lab import NEW_PORTS_ON_RESTART

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("SUMMIT_LEDGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # no name resolves except localhost: a page that needs a CDN fails visibly
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def _is_local(url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return (urlparse(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


SERVER_START_TIMEOUT = 60.0


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of Debian's Chromium; skip (locally) or fail (CI) when it is missing."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        msg = (
            f"Chromium not found at {CHROMIUM}; install it with `make browser` "
            "(apt-get install chromium) to run the real-browser tests"
        )
        if _in_ci():
            pytest.fail(msg + " — CI is set, so this is a failure, not a skip", pytrace=False)
        pytest.skip(msg)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        msg = "the Python package 'playwright' is not installed (pip install -e '.[test]')"
        if _in_ci():
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_executable, playwright_driver):
    """Headless Chromium driven by Playwright (session-wide)."""
    b = playwright_driver.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_FLAGS, headless=True)
    try:
        yield b
    finally:
        b.close()


@dataclass
class PageLog:
    """What a page did during a test (see the module docstring)."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def unexpected_external(self) -> list[str]:
        """External requests other than Voila's own icon stylesheets.

        Voila 0.5's ``lab`` template links Font Awesome from jsDelivr
        (``share/jupyter/voila/templates/lab/index.html.j2``); offline that
        request fails and only icons are lost. Everything else must be local.
        """
        return [u for u in self.external_requests if "/npm/@fortawesome/fontawesome-free@" not in u]


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@contextmanager
def open_page(browser, page_log: PageLog):
    """A page in a fresh browser context, closed afterwards; dialogs are recorded and dismissed, off-host requests
    recorded (and they fail). The ``page`` fixture's page, and a module's page shared by its tests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)

    def on_request(req):
        if not _is_local(req.url):
            page_log.external_requests.append(req.url)

    context.on("request", on_request)
    pg = context.new_page()

    def on_dialog(d):
        if d.type == "beforeunload":  # Lab's "leave with unsaved changes?": let the test navigate
            d.accept()
            return
        page_log.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("console", lambda m: page_log.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: page_log.page_errors.append(str(e)))
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser, page_log):
    """A fresh page (see :func:`open_page`)."""
    with open_page(browser, page_log) as pg:
        yield pg


# --------------------------------------------------------------------- servers
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class JupyterServer:
    """A running Jupyter server started by the harness."""

    kind: str
    port: int
    token: str
    pid: int
    root: Path
    log: Path
    proc: subprocess.Popen = field(repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/?token={self.token}" if self.kind == "lab" else f"{self.base}/"

    def lab_url(self, path: str) -> str:
        """URL that opens ``path`` (relative to the root) in Lab with a fresh layout."""
        return f"{self.base}/lab/tree/{path}?token={self.token}&reset"

    def served_setting(self, plugin: str) -> dict:
        """What Lab serves for a settings plugin: its ``schema`` (defaults, overrides applied) and the user's ``settings``."""
        with urllib.request.urlopen(f"{self.base}/lab/api/settings/{plugin}?token={self.token}", timeout=30) as r:
            return json.load(r)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the server's process group by its own PID (TERM, then KILL)."""
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)


def jupyter_env(base: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment with private Jupyter/IPython dirs under ``base``."""
    env = dict(os.environ)
    dirs = {k: base / k.lower() for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")}
    for k, d in dirs.items():
        d.mkdir(parents=True, exist_ok=True)
        env[k] = str(d)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("JUPYTER_PATH", None)
    env["PYTHONUNBUFFERED"] = "1"
    if extra:
        if {"SUMMIT_LEDGER_PROJECT", "SUMMIT_LEDGER_DATA"} & set(extra):
            env.pop("SUMMIT_LEDGER_PROJECT", None)
            env.pop("SUMMIT_LEDGER_DATA", None)
        env.update({k: str(v) for k, v in extra.items()})
    if not (env.get("SUMMIT_LEDGER_PROJECT") or env.get("SUMMIT_LEDGER_DATA")):
        # The notebooks are served from a copy outside the repository, where discovery finds no
        # project: point their kernels at the repository's own project, data/.
        env["SUMMIT_LEDGER_PROJECT"] = str(REPO / "data")
    return env


def _wait_ready(server: JupyterServer, probe: str | None) -> None:
    """Poll ``probe`` until it answers 200 (or, with None, until the port accepts connections)."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.kind} exited with code {server.proc.returncode}:\n{server.log_tail()}")
        try:
            if probe is None:
                with socket.create_connection(("127.0.0.1", server.port), timeout=2):
                    return
            with urllib.request.urlopen(probe, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"{server.kind} did not answer {probe} within {SERVER_START_TIMEOUT:.0f} s:\n{server.log_tail()}")


class _Servers:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.running: list[JupyterServer] = []

    def _spawn(self, kind: str, cmd: list[str], root: Path, env: dict[str, str], port: int, token: str) -> JupyterServer:
        log = self.base / f"{kind}-{port}.log"
        fh = open(log, "wb")
        proc = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        fh.close()
        server = JupyterServer(kind, port, token, proc.pid, root, log, proc)
        self.running.append(server)
        return server

    def lab(self, root_dir: Path, env: dict[str, str] | None = None) -> JupyterServer:
        port, token = free_port(), f"sl-test-{os.getpid()}-{len(self.running)}"
        home = self.base / f"lab-{port}"
        cmd = [
            str(VENV_BIN / "jupyter"),
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.token={token}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.root_dir={root_dir}",
            "--LabApp.news_url=None",
            NEW_PORTS_ON_RESTART,  # as `summit-ledger lab` and the hub: a start that failed on a taken port gets new ones
        ]
        env = jupyter_env(home, env)
        # user settings: no "get notified about Jupyter news?" toast over the page
        settings = home / "lab-settings"
        note = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text('{"fetchNews": "false", "checkForUpdates": false}', encoding="utf-8")
        env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
        env["JUPYTERLAB_WORKSPACES_DIR"] = str(home / "lab-workspaces")
        server = self._spawn("lab", cmd, Path(root_dir), env, port, token)
        _wait_ready(server, f"{server.base}/api/status?token={token}")
        return server

    def voila(self, notebook: Path, env: dict[str, str] | None = None) -> JupyterServer:
        port = free_port()
        home = self.base / f"voila-{port}"
        notebook = Path(notebook)
        cmd = [
            str(VENV_BIN / "voila"),
            notebook.name,
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--Voila.port_retries=0",
            NEW_PORTS_ON_RESTART,  # as `make annotate` and `make exercise`
        ]
        server = self._spawn("voila", cmd, notebook.parent, jupyter_env(home, env), port, "")
        _wait_ready(server, None)  # any page of Voila's would start a kernel: wait for the port
        return server

    def stop_all(self) -> None:
        while self.running:
            self.running.pop().stop()


@pytest.fixture
def start_lab(tmp_path, chromium_executable) -> Callable[..., JupyterServer]:
    """Factory: ``start_lab(root_dir, env=None)``; servers stop at teardown."""
    servers = _Servers(tmp_path)
    yield servers.lab
    servers.stop_all()


@pytest.fixture
def start_voila(tmp_path, chromium_executable) -> Callable[..., JupyterServer]:
    """Factory: ``start_voila(notebook_path, env=None)``; servers stop at teardown."""
    servers = _Servers(tmp_path)
    yield servers.voila
    servers.stop_all()


def _copy_notebooks(dst: Path) -> Path:
    shutil.copytree(REPO / "notebooks", dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dst


@pytest.fixture
def notebook_workspace(tmp_path) -> Path:
    """A temporary copy of ``notebooks/`` (Lab may autosave what it opens)."""
    return _copy_notebooks(tmp_path / "notebooks")


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory, chromium_executable):
    """One JupyterLab for the whole session over a temp copy of ``notebooks/``."""
    base = tmp_path_factory.mktemp("lab-session")
    servers = _Servers(base)
    server = servers.lab(_copy_notebooks(base / "notebooks"))
    yield server
    servers.stop_all()


@pytest.fixture(scope="session")
def notebooks_html(tmp_path_factory) -> Callable[[str], Path]:
    """``notebooks_html("teaching/instructor.ipynb") -> Path``: the stored notebook as ``jupyter nbconvert --to html``
    makes it (nothing executed), converted once per test run for every worker (:func:`_once.once_per_run`): one
    nbconvert per folder of ``notebooks/``."""
    from _once import once_per_run

    def convert(out: Path) -> None:
        folders: dict[Path, list[Path]] = {}
        for nb in sorted(REPO.joinpath("notebooks").rglob("*.ipynb")):
            if ".ipynb_checkpoints" not in nb.parts:
                folders.setdefault(nb.parent.relative_to(REPO / "notebooks"), []).append(nb)
        for rel, nbs in folders.items():
            subprocess.run(
                [sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(out / rel), *map(str, nbs)],
                check=True,
                capture_output=True,
                timeout=300,
            )

    out = once_per_run(tmp_path_factory, "notebooks-html", convert)

    def html(notebook: str) -> Path:
        path = out / Path(notebook).with_suffix(".html")
        assert path.is_file(), f"nbconvert wrote no {path}"
        return path

    return html


# ------------------------------------------------------------------ Lab helpers
def open_notebook(page, server: JupyterServer, path: str, timeout: float = 60_000) -> None:
    """Open ``path`` in Lab and wait until its kernel is connected and idle.

    Lab's routine dialogs (which kernel to start, when the kernel specs arrive
    after the notebook; a kernel being restarted) are answered with their
    default button (``_lab.answer_routine_dialog``); any other fails the test.
    """
    page.goto(server.lab_url(path))
    page.wait_for_selector(".jp-Notebook", timeout=timeout)
    try:
        wait_for_kernel(page, timeout, where=path)
    except TimeoutError as e:
        raise TimeoutError(f"{e}\n{server.log_tail()}") from None


@pytest.fixture
def run_notebook_in_lab() -> Callable[..., None]:
    """``run_notebook_in_lab(page, server, path, timeout=90_000)``: open and run all."""

    def run(page, server: JupyterServer, path: str, timeout: float = 90_000) -> None:
        open_notebook(page, server, path, timeout=timeout)
        run_all_cells(page, timeout=timeout)

    return run
