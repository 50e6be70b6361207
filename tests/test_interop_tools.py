"""Opt-in: a stock Label Studio and a stock doccano accept what ``summit-ledger export`` writes.

The tools are large (Django servers), so they are not installed by ``make test``. ``make test-interop`` installs
each into its own virtual environment, then runs this file with ``LABEL_STUDIO_BIN`` and ``DOCCANO_BIN`` set to
their executables. Each test starts its tool on localhost in a temporary folder and stops it by PID.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from toolkit.formats import export_annotations

TOOLS = Path(__file__).parent / "fixtures" / "interop" / "genuine" / "tools"
pytestmark = pytest.mark.interop_tools


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except Exception:
            time.sleep(1)
    raise TimeoutError(f"{url} did not answer within {seconds:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def tool(var: str) -> Path:
    exe = os.environ.get(var)
    if not exe or not Path(exe).exists():
        pytest.skip(f"{var} is not set to the tool's executable; run `make test-interop`")
    return Path(exe)


def test_label_studio_accepts_our_export(data_copy, tmp_path):
    exe = tool("LABEL_STUDIO_BIN")
    py = exe.parent / "python"
    port, token = free_port(), "5e" * 20
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(tmp_path / "ls"), "DJANGO_DB": "sqlite"}
    proc = subprocess.Popen(
        [
            str(exe),
            "start",
            "--no-browser",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--username",
            "admin@summit.test",
            "--password",
            "sl-admin-pass1",
            "--user-token",
            token,
            "--data-dir",
            str(tmp_path / "ls"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health", 300)
        subprocess.run(
            [str(exe), "shell"],
            input=f"exec(open({str(TOOLS / 'mkusers_ls.py')!r}).read())\n",
            text=True,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )
        out = tmp_path / "ours.json"
        export_annotations("labelstudio", out, data=data_copy, sets=["reference"])
        res = subprocess.run(
            [str(py), str(TOOLS / "ls_accept.py"), str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, "LS_BASE": f"http://127.0.0.1:{port}", "LS_TOKEN": token},
        )
        assert "import 201" in res.stdout, res.stdout + res.stderr
        n = sum(1 for _ in (data_copy / "annotations" / "reference").glob("*.jsonl"))
        assert n and "annotations 1" in res.stdout, res.stdout
    finally:
        stop(proc)


def test_doccano_accepts_our_export(data_copy, tmp_path):
    exe = tool("DOCCANO_BIN")
    py = exe.parent / "python"
    port = free_port()
    env = {**os.environ, "DOCCANO_HOME": str(tmp_path / "dc"), "DATABASE_URL": f"sqlite:///{tmp_path}/dc/db.sqlite3"}
    (tmp_path / "dc").mkdir()
    subprocess.run([str(exe), "init"], env=env, check=True, capture_output=True, timeout=300)
    subprocess.run(
        [str(exe), "createuser", "--username", "admin", "--password", "sl-admin-pass1"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    web = subprocess.Popen(
        [str(exe), "webserver", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    task = subprocess.Popen(
        [str(exe), "task"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/v1/health/", 120)
        out = tmp_path / "ours.jsonl"
        export_annotations("doccano", out, data=data_copy, sets=["reference"])
        res = subprocess.run(
            [str(py), str(TOOLS / "dc_make.py"), "accept", str(out)],
            capture_output=True,
            text=True,
            timeout=180,
            env={**env, "DOCCANO_BASE": f"http://127.0.0.1:{port}/v1"},
        )
        got = json.loads(res.stdout.strip().splitlines()[-1])
        sent = [lab for line in out.read_text(encoding="utf-8").splitlines() for *_, lab in json.loads(line)["label"]]
        assert got == {"errors": [], "examples": 1, "spans": len(sent), "labels": len(set(sent))}, res.stdout + res.stderr
    finally:
        stop(web)
        stop(task)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
