"""Offline charts in a kernel: vl-convert's JavaScript bundle for ``alt.JupyterChart``, kept on disk.

``alt.JupyterChart.enable_offline()`` bundles vega, vega-lite and vega-embed with vl-convert each
time a kernel first shows a chart, about 1.5-2 s of CPU per kernel. The bundle depends only on the
installed Altair and vl-convert, so the first kernel keeps it in the user's cache folder
(``$XDG_CACHE_HOME/summit-ledger/altair-offline/``, else ``~/.cache/…``) and later kernels read it.

The file name holds the versions and a hash of Altair's widget source, so an upgrade never reads an
old bundle. The file is written whole (temporary file, fsync, rename); a cache that cannot be read or
written is skipped without a word, and Altair then bundles as it always does.

Each chart widget carries its JavaScript to the page, and anywidget loads a module given as text from a
new blob URL every time: left as it is, the page compiles and runs the whole bundle (about 0.9 MB) once per
chart, about 0.3 s of the browser's CPU each. :func:`shared_module` wraps the bundle in a small module that
runs it once per page and hands the same module to every later chart (keyed by the bundle's hash, so a
kernel with other versions on the same page gets its own). Altair's online charts get the same sharing
from the browser, which keeps one module per URL for the libraries they import from a CDN.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["enable_offline", "bundle_cache_file", "shared_module", "PAGE_CACHE", "SHARED_MODULE_HEAD"]

#: A bundle larger than this is not a bundle this module wrote (it is about 1 MB).
MAX_BUNDLE_BYTES = 32 * 1024 * 1024
#: The page-wide object (on ``globalThis``) where :func:`shared_module` keeps each bundle's module, by hash.
PAGE_CACHE = "__summitLedgerCharts"
#: How the text of :func:`shared_module` begins.
SHARED_MODULE_HEAD = "// Altair's offline chart module, run once per page"


def shared_module(bundle: str) -> str:
    """An ES module that runs ``bundle`` once per page and exports its default export (the chart widget).

    Every chart of a page gets this text as its module; the first one to load runs the bundle (from a blob
    URL, as anywidget would) and keeps the promise of its module on ``globalThis``; the others await the same
    promise. The bundle travels inside the text as a JSON string, which is also a JavaScript string literal.
    """
    import json

    key = "vega-" + hashlib.sha256(bundle.encode("utf-8")).hexdigest()[:32]
    return (
        f"{SHARED_MODULE_HEAD} ({key}); see toolkit/charts/offline.py\n"
        f"const kept = (globalThis.{PAGE_CACHE} ??= {{}});\n"
        f'kept["{key}"] ??= (async () => {{\n'
        f"  const url = URL.createObjectURL(new Blob([{json.dumps(bundle)}], {{type: 'text/javascript'}}));\n"
        "  try { return await import(url); } finally { URL.revokeObjectURL(url); }\n"
        "})();\n"
        f'const shared = await kept["{key}"];\n'
        "export default shared.default;\n"
    )


def bundle_cache_file() -> Path | None:
    """Where this environment's bundle is kept, or None when Altair's widget source cannot be read."""
    import altair as alt

    try:
        import vl_convert as vlc
        from altair.jupyter.jupyter_chart import load_js_src
        from altair.utils._importers import vl_version_for_vl_convert

        source = load_js_src()
        key = "|".join([alt.__version__, getattr(vlc, "__version__", "?"), vl_version_for_vl_convert(), source])
    except Exception:  # an Altair without these internals: no cache, Altair's own path
        return None
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "summit-ledger" / "altair-offline" / f"bundle-{digest}.js"


def _read(path: Path) -> str | None:
    """The kept bundle, or None (missing, a link, not a regular file, too big, empty, not UTF-8)."""
    from toolkit.corpus.articlesource import read_user_file
    from toolkit.errors import DataError

    try:
        return read_user_file(path, limit=MAX_BUNDLE_BYTES).decode("utf-8") or None
    except (DataError, OSError, UnicodeDecodeError):
        return None


def _write(path: Path, text: str) -> None:
    """Keep ``text`` at ``path`` (temporary file, fsync, rename); a cache that cannot be written is skipped."""
    from toolkit._io import atomic_write_text

    try:
        atomic_write_text(path, text)
    except OSError:
        pass


def enable_offline() -> None:
    """Make ``alt.JupyterChart`` draw with the bundled vega (no CDN); read the bundle from the cache when kept.

    Idempotent. The first kernel of an environment bundles (about 1.5-2 s) and keeps the result. The charts
    get the bundle through :func:`shared_module`, so a page runs it once however many charts it shows.
    """
    import altair as alt

    chart = alt.JupyterChart
    if getattr(chart, "_is_offline", False):
        return
    path = bundle_cache_file()
    kept = _read(path) if path is not None else None
    if kept is not None and hasattr(chart, "_esm"):
        chart._esm = shared_module(kept)
        chart._is_offline = True
        return
    chart.enable_offline()
    bundled = getattr(chart, "_esm", None)
    if isinstance(bundled, str) and bundled:
        if path is not None:
            _write(path, bundled)
        chart._esm = shared_module(bundled)
