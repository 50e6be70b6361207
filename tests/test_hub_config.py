"""The hub's config (deploy/jupyterhub/jupyterhub_config.py): Lab's news toast off as in the browser tests, new ports for a kernel whose start failed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from traitlets.config import Config

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"


def load_config(tmp_path: Path, monkeypatch, auth: str = "pam") -> tuple[Config, dict]:
    monkeypatch.setenv("SUMMIT_LEDGER_CLASS", str(tmp_path / "class"))
    monkeypatch.setenv("SUMMIT_LEDGER_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("SUMMIT_LEDGER_HUB_AUTH", auth)
    monkeypatch.setenv("SUMMIT_LEDGER_HUB_PASSWORD", "pw")
    monkeypatch.setenv("SUMMIT_LEDGER_HUB_DEMO", "1")
    c = Config()
    ns = {"get_config": lambda: c, "__file__": str(CONFIG)}
    exec(compile(CONFIG.read_text(encoding="utf-8"), str(CONFIG), "exec"), ns)
    return c, ns


def test_the_hub_switches_labs_news_off_like_the_tests(tmp_path, monkeypatch):
    tests = (REPO / "tests" / "browser" / "conftest.py").read_text(encoding="utf-8")
    assert '"--LabApp.news_url=None"' in tests
    for auth in ("pam", "dummy"):
        c, ns = load_config(tmp_path, monkeypatch, auth)
        assert "--LabApp.news_url=None" in c.Spawner.args  # no news fetched for any user's Lab
        # each user's Lab settings: the same setting the browser tests write
        written = re.search(r"note\.write_text\('([^']+)'", tests)
        assert written and json.loads(ns["LAB_SETTINGS_TEXT"]) == json.loads(written.group(1))
        assert ns["LAB_SETTINGS"][1] == "notification.jupyterlab-settings"
        assert ns["LAB_SETTINGS"][0].endswith("@jupyterlab/apputils-extension")


@pytest.mark.slow
def test_each_kernel_gets_new_ports_when_a_start_fails(tmp_path, monkeypatch):
    """A class starts its kernels at once: another program may take a port between the server's pick and the kernel's bind.

    The hub's servers run with the config's own arguments; with them, the restart after such a failed start picks
    new ports and the kernel answers (jupyter_client's default keeps the first ports, and the kernel dies again).
    """
    import asyncio
    import socket
    from concurrent.futures import ThreadPoolExecutor

    from jupyter_client.manager import AsyncKernelManager
    from traitlets.config.loader import KVArgParseConfigLoader

    from toolkit.commands.lab import NEW_PORTS_ON_RESTART

    c, _ = load_config(tmp_path, monkeypatch)
    args = [a for a in c.Spawner.args if a.startswith("--KernelManager.")]
    assert args == [NEW_PORTS_ON_RESTART]  # as `summit-ledger lab` and the browser tests' Lab
    server_config = KVArgParseConfigLoader(argv=args).load_config()

    async def start_with_a_port_taken() -> tuple[int, int]:
        km = AsyncKernelManager(kernel_name="python3", config=server_config)
        taken: list[socket.socket] = []
        write = km.write_connection_file

        def write_then_take(**kw):  # the other program binds the shell port just after the server chose it
            write(**kw)
            if not taken:
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((km.ip, km.shell_port))
                s.listen()
                taken.append(s)

        km.write_connection_file = write_then_take  # type: ignore[method-assign]
        try:
            await km.start_kernel()
            first = km.shell_port
            for _ in range(100):  # the kernel exits on the port it cannot bind
                if not await km.is_alive():
                    break
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the kernel started although its shell port was taken")
            await km.restart_kernel(now=True, newports=True)  # what the server's restarter does
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=60)
            finally:
                kc.stop_channels()
            return first, km.shell_port
        finally:
            await km.shutdown_kernel(now=True)
            for s in taken:
                s.close()

    # a loop of its own, in a thread of its own: where the browser tests ran first in this process, Playwright's sync
    # API (the session's browser) keeps an event loop running in this thread, and asyncio.run refuses to start another
    with ThreadPoolExecutor(max_workers=1) as pool:
        first, second = pool.submit(asyncio.run, start_with_a_port_taken()).result()
    assert second != first
