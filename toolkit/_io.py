"""Small, safe file helpers: YAML with line numbers, atomic writes, hashing.

YAML is only ever read with PyYAML's safe constructor (a subclass that also records
the line of each mapping); nothing here unpickles or evaluates data.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import DataError

__all__ = [
    "LineDict",
    "read_yaml",
    "loads_json",
    "shown_text",
    "ALIAS_EXPANSION_LIMIT",
    "MAX_INT_DIGITS",
    "atomic_write_text",
    "atomic_write_bytes",
    "write_fully",
    "fsync_dir",
    "os_error_text",
    "sha256_file",
    "content_hash",
    "canonical_json",
]


class LineDict(dict):
    """A mapping read from YAML that remembers its 1-based line number."""

    line: int = 0


#: Most values YAML aliases may add beyond the file's own nodes (an "alias bomb" adds billions).
ALIAS_EXPANSION_LIMIT = 10_000
#: Longest integer literal read from YAML or JSON; longer ones are refused, not parsed.
MAX_INT_DIGITS = 40


class _YAMLRefused(Exception):
    """A YAML document the reader refuses: ``line`` (1-based or None), ``field`` and ``message``."""

    def __init__(self, line: int | None, field: str | None, message: str) -> None:
        super().__init__(message)
        self.line, self.field, self.message = line, field, message


def _children(node: yaml.Node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_expansion(root: yaml.Node, limit: int = ALIAS_EXPANSION_LIMIT) -> None:
    """Refuse a node graph whose aliases expand to more than ``limit`` extra values, or refer to themselves.

    Aliases make the composed graph share nodes; the expanded size is counted
    bottom-up with each shared node counted once per use, without building
    the expansion (iteratively, so deep nesting cannot overflow the stack).
    """
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            visiting.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[key] - len(sizes) > limit:
                raise _YAMLRefused(
                    node.start_mark.line + 1,
                    None,
                    f"YAML aliases here expand to more than {limit} values (an alias bomb?); "
                    "write the values out instead of using anchors and aliases",
                )
            continue
        if key in sizes:
            continue
        if key in visiting:
            raise _YAMLRefused(
                node.start_mark.line + 1, None, "a YAML alias refers to itself (recursive anchor); write the values out"
            )
        visiting.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in sizes)


_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser if there: 10x faster, same constructors


class _LineSafeLoader(_SAFE_LOADER):
    """SafeLoader that tags each mapping with the line it starts on, and refuses what would lose or explode data.

    * a key given twice in one mapping (last-wins would silently drop a value);
    * aliases expanding beyond :data:`ALIAS_EXPANSION_LIMIT`, or recursive ones;
    * integers longer than :data:`MAX_INT_DIGITS` digits (read as text, so the
      validator names the field);
    * impossible dates such as ``2021-02-30`` (read as text, likewise).
    """

    def construct_document(self, node):
        _check_expansion(node)
        return super().construct_document(node)

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise _YAMLRefused(
                        line,
                        shown_text(key, 60),
                        f"key {shown_text(key, 60)!r} is given twice in this mapping (first on line "
                        f"{seen[key]}); keep one: the last would silently replace the first",
                    )
                seen[key] = line
            except TypeError:  # an unhashable key: the constructor reports it
                continue
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        return mapping

    def construct_yaml_int(self, node):
        if len(str(node.value)) > MAX_INT_DIGITS:
            return str(node.value)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return str(node.value)


_LineSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineSafeLoader.construct_mapping)
_LineSafeLoader.add_constructor("tag:yaml.org,2002:int", _LineSafeLoader.construct_yaml_int)
_LineSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineSafeLoader.construct_yaml_timestamp)


def shown_text(value: Any, limit: int = 200) -> str:
    """``str(value)`` cut to ``limit`` characters, for error messages (never an unbounded echo)."""
    s = value if isinstance(value, str) else repr(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


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


def read_yaml(path: str | Path) -> Any:
    """Parse the YAML file ``path`` safely into plain data (mappings are :class:`LineDict` with a ``line``).

    Every refusal is a :class:`DataError` naming the file and, where known, the line.
    """
    path = Path(path)
    if not path.exists():
        raise DataError.at(path, None, None, "file not found")
    text = read_text_strict(path)
    if not text.strip():
        raise DataError.at(path, None, None, "file is empty")
    found = _SURROGATE_ESCAPE.search(text)
    try:
        data = yaml.load(text, Loader=_LineSafeLoader)  # noqa: S506 - SafeLoader subclass
        if found:
            try:
                json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
            except UnicodeEncodeError:
                raise _YAMLRefused(text[: found.start()].count("\n") + 1, None, _SURROGATE) from None
        return data
    except _YAMLRefused as exc:
        raise DataError.at(path, exc.line, exc.field, exc.message) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        if problem == "exceeded maximum nesting depth":  # libyaml's limit: what RecursionError gets below
            raise DataError.at(path, at, None, _TOO_DEEP) from None
        if problem == "found invalid Unicode character escape code" and found:  # libyaml refuses the escape itself
            raise DataError.at(path, at, None, _SURROGATE) from None
        raise DataError.at(path, at, None, f"YAML syntax error: {shown_text(problem)}") from None
    except RecursionError:
        raise DataError.at(path, None, None, _TOO_DEEP) from None


_SURROGATE = "a lone UTF-16 surrogate escape is not a character; fix the text"
_TOO_DEEP = "YAML nested too deeply to read; flatten the structure"


def _pairs_no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _JSONRefused(
                f"key {shown_text(key, 60)!r} is given twice in one object; keep one: the last would silently replace the first",
                key,
            )
        out[key] = value
    return out


class _JSONRefused(ValueError):
    def __init__(self, message: str, needle: str | None = None) -> None:
        super().__init__(message)
        self.message, self.needle = message, needle


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _JSONRefused(f"an integer of {len(digits.lstrip('-'))} digits is too large (at most {MAX_INT_DIGITS})", digits[:20])
    return int(digits)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse_lone_surrogates(obj: Any, text: str) -> None:
    """Refuse a parsed document holding a lone UTF-16 surrogate (only a ``\\udXXX`` escape can make one).

    Such a string cannot be written as UTF-8: it would pass validation and
    then fail on the next write. A proper pair of escapes is one character
    and passes.
    """
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        m = _SURROGATE_ESCAPE.search(text)
        assert m is not None  # the encoding failed on a surrogate, so the text holds its escape
        raise _JSONRefused(
            f"a lone UTF-16 surrogate ({text[m.start() : m.start() + 6]}) is not a character; fix the text",
            text[m.start() : m.start() + 6],
        ) from None


def loads_json(text: str) -> Any:
    """Parse one JSON document strictly: what :func:`json.loads` does, and also refuse

    * a key given twice in one object (``json.loads`` keeps the last: silent loss);
    * integers longer than :data:`MAX_INT_DIGITS` digits (Python would spend
      time on them or raise a bare ``ValueError``);
    * nesting too deep to parse (a bare ``RecursionError`` otherwise).

    Every refusal is a :class:`json.JSONDecodeError`, so callers report it as
    they report a syntax error: ``exc.msg``, ``exc.lineno``, ``exc.colno``.
    """
    try:
        obj = json.loads(text, object_pairs_hook=_pairs_no_duplicates, parse_int=_bounded_int)
        if _SURROGATE_ESCAPE.search(text):
            _refuse_lone_surrogates(obj, text)
        return obj
    except _JSONRefused as exc:
        pos = 0
        if exc.needle is not None:
            quoted = json.dumps(exc.needle, ensure_ascii=False) if exc.message.startswith("key") else exc.needle
            first = text.find(quoted)
            second = text.find(quoted, first + 1) if exc.message.startswith("key") else first
            pos = max(0, second if second >= 0 else first)
        raise json.JSONDecodeError(exc.message, text, pos) from None
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to read", text, 0) from None


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file, fsync, rename, folder fsync).

    A crash leaves either the old file or the new one, never half of either.
    """
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes, *, mode: int | None = None) -> None:
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


def fsync_dir(directory: str | Path) -> None:
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


def sha256_file(path: str | Path) -> str:
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


#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe if a spreadsheet would run it as a formula (text only; see
    :func:`restore_cell`, its exact inverse: an apostrophe before a formula character or an apostrophe gets one more)."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or (value[0] == "'" and value[1:2] in (*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """Undo :func:`neutralise_cell` on a cell read back from a CSV."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in (*FORMULA_STARTS, "'"):
        return value[1:]
    return value
