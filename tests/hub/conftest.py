"""Shared fixtures of the hub tests: the proxy."""

from __future__ import annotations

import os

import pytest

from .harness import PROXY_ENV, find_proxy


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def proxy() -> str:
    """configurable-http-proxy; skipped locally when it cannot be found or installed, a failure in CI."""
    path = find_proxy()
    if path is None:
        if in_ci():
            pytest.fail(f"configurable-http-proxy not found (not on PATH, no {PROXY_ENV}) and npm or node is missing")
        pytest.skip(f"configurable-http-proxy not found (set {PROXY_ENV} or install node and npm)")
    return path
