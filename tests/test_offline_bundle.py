"""The offline chart bundle is made once per environment and read back by later kernels."""

from __future__ import annotations

import os

import altair as alt
import pytest
import vl_convert

from toolkit.charts import offline


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A process where JupyterChart is not offline yet, with a cache folder of its own."""
    monkeypatch.setattr(alt.JupyterChart, "_is_offline", False)
    monkeypatch.setattr(alt.JupyterChart, "_esm", alt.JupyterChart._esm)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


#: What a stand-in for vl-convert's bundler returns.
STAND_IN = "// bundled by a stand-in for vl-convert"


def _no_bundling(*args, **kwargs):
    raise AssertionError("bundled again although the bundle was kept")


def test_the_first_kernel_keeps_the_bundle_and_the_next_reads_it(fresh, monkeypatch):
    offline.enable_offline()
    made = alt.JupyterChart._esm
    path = offline.bundle_cache_file()
    assert alt.JupyterChart._is_offline and path is not None and path.is_relative_to(fresh)
    kept = path.read_text(encoding="utf-8")
    assert made == offline.shared_module(kept) and len(kept) > 100_000
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    # the next kernel: no bundling, the same JavaScript
    monkeypatch.setattr(alt.JupyterChart, "_is_offline", False)
    monkeypatch.setattr(alt.JupyterChart, "_esm", "not offline")
    monkeypatch.setattr(vl_convert, "javascript_bundle", _no_bundling)
    offline.enable_offline()
    assert alt.JupyterChart._is_offline and alt.JupyterChart._esm == made


@pytest.mark.parametrize("damage", ["link", "folder", "not-utf8", "empty"])
def test_a_damaged_cache_is_passed_over_and_replaced(fresh, monkeypatch, damage, tmp_path):
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda src, vl_version=None: STAND_IN)
    path = offline.bundle_cache_file()
    path.parent.mkdir(parents=True)
    if damage == "link":
        secret = tmp_path / "secret.js"
        secret.write_text("// not the bundle", encoding="utf-8")
        os.symlink(secret, path)
    elif damage == "folder":
        path.mkdir()
    elif damage == "not-utf8":
        path.write_bytes(b"\xff\xfe")
    else:
        path.write_bytes(b"")
    offline.enable_offline()
    assert alt.JupyterChart._is_offline and alt.JupyterChart._esm == offline.shared_module(STAND_IN)
    if damage != "folder":
        assert not path.is_symlink() and path.read_text(encoding="utf-8") == STAND_IN
    if damage == "link":
        assert secret.read_text(encoding="utf-8") == "// not the bundle"


def test_the_cache_file_names_the_versions(fresh, monkeypatch):
    first = offline.bundle_cache_file()
    monkeypatch.setattr(vl_convert, "__version__", "0.0.0-other")
    assert offline.bundle_cache_file() != first
