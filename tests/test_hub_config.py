"""The hub's config (deploy/jupyterhub/jupyterhub_config.py) switches Lab's news toast off as the browser tests do."""

from __future__ import annotations

import json
import re
from pathlib import Path

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
