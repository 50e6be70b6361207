"""Small, safe file helpers: YAML with line numbers, atomic writes, hashing.

YAML is only ever read through :class:`yaml.SafeLoader` (a subclass that also
records the line of each mapping); nothing here unpickles or evaluates data.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError

__all__ = ["LineDict", "read_yaml", "atomic_write_text", "atomic_write_bytes", "write_fully", "fsync_dir",
           "os_error_text", "sha256_file", "content_hash", "canonical_json"]


class LineDict(dict):
    """A mapping read from YAML that remembers its 1-based line number."""

    line: int = 0


class _LineSafeLoader(yaml.SafeLoader):
    """SafeLoader that tags each mapping with the line it starts on."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineSafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineSafeLoader.construct_mapping
)


def read_text_strict(path: Path) -> str:
    """Read a UTF-8 text file, refusing a BOM or undecodable bytes with a clear error."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError.at(path, 1, None, "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError.at(path, line, None, f"not valid UTF-8 at byte {exc.start}; save the file as UTF-8") from None


def read_yaml(path: "str | Path") -> Any:
    """Parse a YAML file safely; syntax errors name the file and line.

    Parameters
    ----------
    path : str or Path
        The file to read.

    Returns
    -------
    object
        Plain Python data; mappings are :class:`LineDict` with a ``line``.
    """
    path = Path(path)
    if not path.exists():
        raise DataError.at(path, None, None, "file not found")
    text = read_text_strict(path)
    if not text.strip():
        raise DataError.at(path, None, None, "file is empty")
    try:
        return yaml.load(text, Loader=_LineSafeLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError.at(path, line, None, f"YAML syntax error: {problem}") from None


def atomic_write_text(path: "str | Path", text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file, fsync, rename, folder fsync).

    A crash leaves either the old file or the new one, never half of either.
    """
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: "str | Path", data: bytes, *, mode: "int | None" = None) -> None:
    """Write ``data`` to ``path`` atomically: temp file beside it, fsync, rename, fsync of the folder.

    On any failure (full disk, Ctrl-C, ...) the temp file is removed and
    ``path`` is untouched; the exception propagates (OS errors unchanged, so
    callers can name the path in their own message).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            write_fully(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        # mkstemp creates the file 0600; give the result the mode a plain open() would
        if mode is None:
            mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def write_fully(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a short write is retried, an error raised)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:  # pragma: no cover - regular files never return 0 for a non-empty write
            raise OSError(28, "No space left on device")
        view = view[n:]


def os_error_text(exc: OSError) -> str:
    """A short reason for an OS error (``No space left on device``, ``Permission denied``...)."""
    return exc.strerror or str(exc) or type(exc).__name__


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fsync_dir(directory: "str | Path") -> None:
    """fsync a folder so that a rename or a new file in it survives a power cut (best effort)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sha256_file(path: "str | Path") -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces: the form every content hash uses."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(obj: Any, length: int = 16) -> str:
    """Deterministic short id: the first ``length`` hex digits of sha256(canonical JSON)."""
    if not isinstance(obj, str):
        obj = canonical_json(obj)
    return hashlib.sha256(obj.encode("utf-8")).hexdigest()[:length]
