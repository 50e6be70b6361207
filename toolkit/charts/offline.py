"""Offline charts in a kernel: vl-convert's JavaScript bundle for ``alt.JupyterChart``, kept on disk.

``alt.JupyterChart.enable_offline()`` bundles vega, vega-lite and vega-embed with vl-convert each
time a kernel first shows a chart, about 1.5-2 s of CPU per kernel. The bundle depends only on the
installed Altair and vl-convert, so the first kernel keeps it in the user's cache folder
(``$XDG_CACHE_HOME/summit-ledger/altair-offline/``, else ``~/.cache/…``) and later kernels read it.

The file name holds the versions and a hash of Altair's widget source, so an upgrade never reads an
old bundle. The file is written whole (temporary file, fsync, rename); a cache that cannot be read or
written is skipped without a word, and Altair then bundles as it always does.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["enable_offline", "bundle_cache_file"]

#: A bundle larger than this is not a bundle this module wrote (it is about 1 MB).
MAX_BUNDLE_BYTES = 32 * 1024 * 1024


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

    Idempotent. The first kernel of an environment bundles (about 1.5-2 s) and keeps the result.
    """
    import altair as alt

    chart = alt.JupyterChart
    if getattr(chart, "_is_offline", False):
        return
    path = bundle_cache_file()
    kept = _read(path) if path is not None else None
    if kept is not None and hasattr(chart, "_esm"):
        chart._esm = kept
        chart._is_offline = True
        return
    chart.enable_offline()
    bundled = getattr(chart, "_esm", None)
    if path is not None and isinstance(bundled, str) and bundled:
        _write(path, bundled)
