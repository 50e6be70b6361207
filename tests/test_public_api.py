"""The public API is small and explicit, and `import toolkit` stays light."""

from __future__ import annotations

import subprocess
import sys

import toolkit


def test_all_matches_exports_and_every_name_resolves():
    assert toolkit.__all__ == sorted(toolkit._EXPORTS)
    for name in toolkit.__all__:
        assert getattr(toolkit, name) is not None, name


def test_unknown_name_raises_attribute_error():
    try:
        toolkit.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_import_does_not_load_heavy_modules():
    code = "import sys, toolkit; print(' '.join(m for m in ('altair', 'ipywidgets', 'vl_convert', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "altair" not in out and "ipywidgets" not in out and "vl_convert" not in out
