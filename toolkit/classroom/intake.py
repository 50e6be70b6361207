"""Reading what students left in a class folder: untrusted files, read without following links.

Every student file is opened relative to its folder's descriptor with
``O_NOFOLLOW`` (a symbolic link is refused, not followed), non-blocking (a
FIFO cannot hang the read), checked to be a regular file with ``fstat``, and
read up to a size limit. A bad folder name, a link, a FIFO, a device, an
oversized file or bytes that are not UTF-8 become one line in that student's
status; the rest of the class is read as usual.

Collected copies go to ``collected/<assignment>/`` (mode 0700, files 0600):
only the instructor who collects can read them. The copies, not the
students' files, are what gets parsed, so a student cannot change a file
between the check and the read.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.classroom.collection import ClassFiles, StudentFile, collect_class
from toolkit.classroom.course import CHECK_LOG, ClassFolder
from toolkit.corpus.folder import as_folder
from toolkit.records.annotation import check_annotator

__all__ = [
    "MAX_LOG_BYTES",
    "MAX_CHECKS_BYTES",
    "Refused",
    "read_untrusted",
    "shown_name",
    "Intake",
    "collect",
    "count_checks",
]

#: A student's log larger than this is not read (a real log of one assignment is far smaller).
MAX_LOG_BYTES = 8 * 1024 * 1024
#: A check log larger than this is not read.
MAX_CHECKS_BYTES = 1024 * 1024
_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """A student file that is not read: ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def shown_name(name: str | bytes) -> str:
    """A file name as it can be printed: undecodable bytes shown as ``\\xff``, control characters escaped."""
    raw = name if isinstance(name, bytes) else os.fsencode(name)
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _kind(mode: int) -> str:
    for test, word in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return word
    return "not a regular file"


def _open_dir(path: Path) -> int:
    """A descriptor of the folder ``path`` itself (a link there is refused)."""
    try:
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise Refused("is not a folder (a link or a file); not read") from None
        raise Refused(f"cannot be opened ({exc.strerror})") from None


def read_untrusted(name: str, limit: int, *, dir_fd: int) -> bytes:
    """The bytes of regular file ``name`` in the folder ``dir_fd``, at most ``limit`` of them.

    Raises
    ------
    Refused
        A link, a FIFO, a device or another non-regular file, a file over
        ``limit`` bytes, or one that cannot be opened.
    FileNotFoundError
        No such file.
    """
    try:
        fd = os.open(name, _FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("is a symbolic link; links are never followed, so it was not read") from None
        raise Refused(f"cannot be opened ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"is {_kind(st.st_mode)}, not a regular file; not read")
        if st.st_size > limit:
            raise Refused(f"is {st.st_size} bytes, over the limit of {limit}; not read")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise Refused(f"grew over the limit of {limit} bytes while being read; not read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _write_private(path: Path, data: bytes) -> None:
    """``data`` to ``path`` atomically, readable by its owner only (0600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    os.chmod(path, 0o700)
    return path


@dataclass
class Intake:
    """What was taken from a class's folders: the logs' bytes, the check counts, one note per problem."""

    logs: dict[str, bytes] = field(default_factory=dict)
    checks: dict[str, int] = field(default_factory=dict)
    notes: list[StudentFile] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def note(self, student: str | None, entry: StudentFile) -> None:
        self.notes.append(entry)
        if student is not None:
            self.problems.setdefault(student, []).append(entry.message)

    def student_notes(self) -> dict[str, str]:
        """One line per student with problems (for the grade table's ``note``)."""
        return {name: "; ".join(msgs) for name, msgs in sorted(self.problems.items())}


def count_checks(data: bytes, student: str) -> tuple[int, int]:
    """(presses of "Check my work", unusable lines) in the bytes of a ``.checks.jsonl``.

    Only lines of kind ``check`` for ``student`` count; practice checks do not.
    """
    presses = bad = 0
    for raw in data.splitlines():
        if not raw.strip():
            continue
        try:
            line = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            bad += 1
            continue
        if isinstance(line, dict) and line.get("kind") == "check" and line.get("student") == student:
            presses += 1
        elif not (isinstance(line, dict) and line.get("kind") == "practice"):
            bad += 1
    return presses, bad


def _take(course: ClassFolder, assignment: str) -> Intake:
    out = Intake()
    work = course.work_dir(assignment)
    if not work.exists():
        return out
    wfd = _open_dir(work)
    try:
        entries = sorted(os.listdir(wfd))
        for raw in entries:
            name = os.fsdecode(raw) if isinstance(raw, bytes) else raw
            where = str(work / shown_name(name))
            if name.startswith("."):
                continue
            if msg := check_annotator(name):
                out.note(
                    None,
                    StudentFile(
                        where, None, 0, "skipped", f"folder {shown_name(name)!r} is not a student name ({msg}); not read"
                    ),
                )
                continue
            try:
                st = os.stat(name, dir_fd=wfd, follow_symlinks=False)
            except OSError as exc:
                out.note(name, StudentFile(where, name, 0, "unreadable", f"cannot be read ({exc.strerror})"))
                continue
            if not stat.S_ISDIR(st.st_mode):
                out.note(
                    name, StudentFile(where, name, 0, "skipped", f"is {_kind(st.st_mode)}, not a student's folder; not read")
                )
                continue
            out.folders.append(name)
            try:
                sfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=wfd)
            except OSError as exc:
                out.note(name, StudentFile(where, name, 0, "unreadable", f"cannot be opened ({exc.strerror})"))
                continue
            try:
                _take_student(out, name, where, sfd, CHECK_LOG)
            finally:
                os.close(sfd)
    finally:
        os.close(wfd)
    return out


def _take_student(out: Intake, name: str, where: str, sfd: int, check_log: str) -> None:
    log = f"{name}.jsonl"
    try:
        data = read_untrusted(log, MAX_LOG_BYTES, dir_fd=sfd)
    except FileNotFoundError:
        data = None
    except Refused as exc:
        out.note(name, StudentFile(f"{where}/{log}", name, 0, "unreadable", f"{log} {exc.reason}"))
        data = None
    if data is not None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            out.note(
                name,
                StudentFile(f"{where}/{log}", name, 0, "unreadable", f"{log} is not UTF-8 text (byte {exc.start}); not read"),
            )
        else:
            out.logs[name] = data
    for other in sorted(os.listdir(sfd)):
        text = shown_name(other)
        if text.endswith(".jsonl") and not text.startswith(".") and text != log:
            out.note(
                name,
                StudentFile(
                    f"{where}/{text}",
                    None,
                    0,
                    "skipped",
                    f"in {name}'s folder but named {text}: not used (a student saves only under their own name)",
                ),
            )
    try:
        checks = read_untrusted(check_log, MAX_CHECKS_BYTES, dir_fd=sfd)
    except FileNotFoundError:
        return
    except Refused as exc:
        out.note(name, StudentFile(f"{where}/{check_log}", name, 0, "skipped", f"{check_log} {exc.reason}; checks not counted"))
        return
    presses, bad = count_checks(checks, name)
    out.checks[name] = presses
    if bad:
        out.note(
            name,
            StudentFile(f"{where}/{check_log}", name, 0, "partial", f"{check_log}: {bad} unusable line(s) not counted as checks"),
        )


def collect(course: ClassFolder, assignment: str, *, snapshot: bool = True) -> tuple[ClassFiles, Intake]:
    """Read every student's log of ``assignment`` safely; with ``snapshot``, keep private copies in ``collected/``.

    Returns the parsed class and the intake (check counts, folders seen, problems).
    """
    course.load(assignment)
    taken = _take(course, assignment)
    project = as_folder(course.project)
    with tempfile.TemporaryDirectory(prefix="summit-collect-") as scratch:
        dest = _private_dir(course.collected_dir(assignment)) if snapshot else Path(scratch)
        paths = []
        for name, data in taken.logs.items():
            target = dest / f"{name}.jsonl"
            _write_private(target, data)
            paths.append(target)
        if snapshot:  # a student who no longer has a log keeps no stale copy
            for old in dest.glob("*.jsonl"):
                if old not in paths:
                    old.unlink()
        files = collect_class(paths, data=project, progress=False) if paths else ClassFiles({}, [], project)
    for f in files.files:
        if f.status != "ok":
            taken.problems.setdefault(Path(f.path).stem, []).append(f"{Path(f.path).name}: {f.message}")
    files.files.extend(taken.notes)
    files.files.sort(key=lambda f: f.path)
    if snapshot:
        from toolkit.classroom.export import write_csv

        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        status = dest / "status.csv"
        write_csv(files.status_frame().assign(collected=stamp), status)
        os.chmod(status, 0o600)
    return files, taken
