"""A real JupyterHub on localhost for the class tests and the class benchmark.

The hub runs ``deploy/jupyterhub/jupyterhub_config.py`` (loaded from a small
wrapper that adds an API service token) with the dummy authenticator and the
simple local process spawner, behind configurable-http-proxy from the npm
registry. Students log in through the hub's login form and get an API token
through the hub's REST API; code runs in each student's own kernel through
the Jupyter server REST and websocket API. Everything is stopped by PID.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from filelock import FileLock

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY_ENV = "SUMMIT_LEDGER_PROXY"
PROXY_PACKAGE = "configurable-http-proxy@4"
PROXY_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "summit-ledger" / "chp"


def find_proxy() -> str | None:
    """configurable-http-proxy: ``$SUMMIT_LEDGER_PROXY``, on PATH, or installed with npm into a cache folder.

    None when it is nowhere and npm or node is missing. The install runs under a lock beside the cache folder:
    two test processes asking at once on a fresh machine get one install, not two npm runs rewriting the
    same ``node_modules`` under each other (seen: one of them then found no executable).
    """
    if os.environ.get(PROXY_ENV):
        return os.environ[PROXY_ENV]
    on_path = shutil.which("configurable-http-proxy")
    if on_path:
        return on_path
    cached = PROXY_CACHE / "node_modules" / ".bin" / "configurable-http-proxy"
    if cached.is_file():
        return str(cached)
    if not (shutil.which("npm") and shutil.which("node")):
        return None
    PROXY_CACHE.mkdir(parents=True, exist_ok=True)
    with FileLock(str(PROXY_CACHE) + ".lock", timeout=360):
        if not cached.is_file():
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(PROXY_CACHE), PROXY_PACKAGE],
                check=True,
                timeout=300,
            )
    if not cached.is_file():
        raise RuntimeError(f"npm installed {PROXY_PACKAGE} into {PROXY_CACHE} but left no executable at {cached}")
    return str(cached)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """A running hub: ``url``, ``pid``, ``log``, and helpers for users, servers and kernels."""

    def __init__(
        self,
        workdir: Path,
        class_dir: Path,
        students: list[str],
        instructors: list[str],
        proxy: str,
        password: str | None = None,
        *,
        auth: str = "dummy",
        python: Path | None = None,
        config: Path | None = None,
        passwords: dict[str, str] | None = None,
        env_extra: dict[str, str] | None = None,
    ) -> None:
        """``auth="pam"`` logs in real accounts (``passwords``) and runs each server as its user.

        ``python`` is the interpreter that runs the hub (its ``jupyterhub-singleuser``
        serves the users) and ``config`` the hub configuration (default: the checkout's).
        """
        self.workdir, self.class_dir = workdir, class_dir
        self.password = password or secrets.token_urlsafe(12)
        self.passwords = dict(passwords or {})
        python = Path(python or sys.executable)
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = self.url + "/hub/api"
        self.log = workdir / "hub.log"
        # each student server's process, held by a pidfd: a PID alone may name another process once the
        # server has exited and the PIDs have wrapped (at 32768 on the project's machine)
        self.server_fds: dict[str, int] = {}
        roster = workdir / "roster.txt"
        roster.write_text("\n".join(students + instructors) + "\n")
        wrapper = workdir / "hub_config.py"
        wrapper.write_text(
            f"load_subconfig({str(config or CONFIG)!r})\n"
            f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{free_port()}'\n"
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'\n"
            "c.JupyterHub.services = [{'name': 'class-test', 'api_token': " + repr(self.token) + "}]\n"
            "c.JupyterHub.load_roles = [{'name': 'class-test', 'services': ['class-test'], 'scopes': "
            "['admin:users', 'admin:servers', 'admin:server_state', 'access:servers', 'tokens', 'list:users']}]\n"
            "c.Spawner.http_timeout = 120\nc.Spawner.start_timeout = 120\n"
            "c.JupyterHub.tornado_settings = {'slow_spawn_timeout': 0}\n"
        )
        env = {
            **os.environ,
            "SUMMIT_LEDGER_CLASS": str(class_dir),
            "SUMMIT_LEDGER_HUB_AUTH": auth,
            **({"SUMMIT_LEDGER_HUB_DEMO": "1"} if auth != "pam" else {}),
            **(env_extra or {}),
            "SUMMIT_LEDGER_HUB_PASSWORD": self.password,
            "SUMMIT_LEDGER_ROSTER": str(roster),
            "SUMMIT_LEDGER_INSTRUCTORS": ",".join(instructors),
            "SUMMIT_LEDGER_HUB_URL": self.url,
            "SUMMIT_LEDGER_HUB_STATE": str(workdir / "state"),
            PROXY_ENV: proxy,
            "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        for k in ("JUPYTERHUB_USER", "SUMMIT_LEDGER_ROLE", "SUMMIT_LEDGER_DATA"):
            env.pop(k, None)
        self._logfh = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [str(python), "-m", "jupyterhub", "-f", str(wrapper)],
            cwd=workdir,
            env=env,
            stdout=self._logfh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self.proc.pid
        try:
            self._wait_up()
        except BaseException:  # a hub that never came up is stopped here: no caller holds it yet
            self.stop()
            raise

    # ------------------------------------------------------------------ life
    def _wait_up(self, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.proc.returncode}); log:\n{self.log_tail()}")
            try:
                if requests.get(self.api, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the hub did not answer within {timeout} s; log:\n{self.log_tail()}")

    def log_tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""

    def stop(self) -> None:
        """Stop every student server, then the hub and its proxy, each by PID."""

        def stop_server(name: str) -> None:
            try:
                self._call("DELETE", f"/users/{name}/server", timeout=30)
            except (requests.RequestException, RuntimeError):
                pass

        with ThreadPoolExecutor(max(1, len(self.server_fds))) as pool:
            list(pool.map(stop_server, list(self.server_fds)))
        if self.proc.poll() is None:
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        for fd in self.server_fds.values():
            try:
                signal.pidfd_send_signal(fd, signal.SIGKILL)  # only the server itself, never a reused PID
            except (ProcessLookupError, PermissionError):
                pass
            os.close(fd)
        self.server_fds.clear()
        self._logfh.close()

    # ------------------------------------------------------------------- API
    def _call(self, method: str, path: str, **kw):
        r = requests.request(
            method, self.api + path, headers={"Authorization": f"token {self.token}"}, timeout=kw.pop("timeout", 30), **kw
        )
        if r.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    def login(self, name: str, password: str | None = None) -> requests.Session:
        """Log in through the hub's login form, as a browser would; returns the session with its cookies."""
        s = requests.Session()
        s.get(self.url + "/hub/login", timeout=30)
        xsrf = s.cookies.get("_xsrf", "")
        r = s.post(
            self.url + "/hub/login?next=",
            data={"username": name, "password": password or self.passwords.get(name, self.password), "_xsrf": xsrf},
            allow_redirects=False,
            timeout=30,
        )
        s.login_status = r.status_code  # type: ignore[attr-defined]
        return s

    def user_token(self, name: str) -> str:
        return self._call("POST", f"/users/{name}/tokens", json={"note": "class test", "expires_in": 3600})["token"]

    def spawn(self, name: str) -> None:
        try:
            self._call("POST", f"/users/{name}/server", timeout=120)
        except RuntimeError as exc:
            if "400" not in str(exc):  # 400: already running
                raise

    def wait_ready(self, name: str, timeout: float = 90, poll: float = 0.25) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            info = self._call("GET", f"/users/{name}")
            server = (info.get("servers") or {}).get("")
            if server and server.get("ready"):
                pid = (server.get("state") or {}).get("pid")
                if pid:
                    self._hold(name, int(pid))
                return time.monotonic() - start
            time.sleep(poll)
        raise RuntimeError(f"{name}'s server not ready after {timeout} s; hub log:\n{self.log_tail()}")

    def _hold(self, name: str, pid: int) -> None:
        """Keep a pidfd on ``name``'s server process (the one the hub reports as ready)."""
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            return
        old = self.server_fds.pop(name, None)
        if old is not None:
            os.close(old)
        self.server_fds[name] = fd

    # --------------------------------------------------------------- kernels
    def start_kernel(self, name: str, token: str) -> str:
        r = requests.post(
            f"{self.url}/user/{name}/api/kernels",
            headers={"Authorization": f"token {token}"},
            json={"name": "python3"},
            timeout=60,
        )
        r.raise_for_status()
        return r.json()["id"]

    def execute(self, name: str, token: str, kernel: str, code: str, timeout: float = 120) -> str:
        """Run ``code`` in ``name``'s kernel; returns its stdout; raises with the traceback on an error.

        Like JupyterLab, it connects with a session id and, if the connection drops while the code runs,
        connects once more with the same id: the server keeps the kernel's messages for that session and
        hands them over. It says so on stderr; if the server is gone, the error carries the hub's log.
        """
        import websocket

        session = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{self.port}/user/{name}/api/kernels/{kernel}/channels?session_id={session}"

        def connect():
            return websocket.create_connection(url, header=[f"Authorization: token {token}"], timeout=timeout)

        msg_id = uuid.uuid4().hex
        request = {
            "header": {"msg_id": msg_id, "username": name, "session": session, "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {},
            "metadata": {},
            "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False},
        }
        out, error, done = [], None, {"reply": False, "idle": False}
        ws = connect()
        reconnected = False
        try:
            ws.send(json.dumps(request))
            while not all(done.values()):
                try:
                    raw = ws.recv()
                except (websocket.WebSocketConnectionClosedException, ConnectionError) as exc:
                    ws.close()
                    if reconnected:
                        raise RuntimeError(f"{name}'s kernel connection dropped twice; hub log:\n{self.log_tail()}") from exc
                    print(f"note: {name}'s kernel connection dropped ({exc}); connecting again", file=sys.stderr)
                    reconnected = True
                    try:
                        ws = connect()
                    except (OSError, websocket.WebSocketException) as again:
                        raise RuntimeError(
                            f"{name}'s kernel connection dropped and its server did not answer again ({again}); "
                            f"hub log:\n{self.log_tail()}"
                        ) from exc
                    continue
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                if kind == "stream":
                    out.append(msg["content"]["text"])
                elif kind == "error":
                    error = "\n".join(msg["content"]["traceback"])
                elif kind == "execute_reply":
                    done["reply"] = True
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    done["idle"] = True
            if error:
                raise RuntimeError(f"code failed in {name}'s kernel:\n{error}")
            return "".join(out)
        finally:
            ws.close()
