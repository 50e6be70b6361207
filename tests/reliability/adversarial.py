"""Shared harness of the adversarial suite (``test_adv_*.py`` and ``test_bad_input.py``).

Every case runs the ``summit-ledger`` command in-process (``toolkit.commands.main.main``)
on a scratch copy of the project's real ``data/`` folder and checks the
project's promise for bad input:

* exit code 1 and no traceback;
* exactly one problem line, naming the file, the line (where the file has
  lines) and the field (where one field is at fault);
* the data folder (and any scratch folder given) byte-identical afterwards.

Synthetic inputs only: every hostile file is generated here, at run time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit.commands.main import main

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SEED = "2021-12-07-biden-putin-video-summit"
SEED_SUMMIT = "2021-12-07-video"
CONSEQUENCE = "codes not checked: the codebook or summits failed to load"
#: The importer's closing verdict after listing problems (not a problem of its own).
VERDICT = re.compile(r": nothing was imported \(\d+ problems?\); fix the records named above")
PROBLEM = re.compile(r"^(?P<file>.+?)(?:, line (?P<line>\d+))?(?:, field '(?P<field>[^']*)')?: (?P<msg>.+)$", re.S)
#: "Do not check this part of the problem."
ANY = object()


def copy_data(dst: Path) -> Path:
    """A scratch copy of the real data folder at ``dst``."""
    shutil.copytree(DATA, dst, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak"))
    return dst


def snapshot(*roots: Path) -> dict[str, str]:
    """sha256 of every file under ``roots`` (empty ``*.lock`` files aside: the lock leaves them by design)."""
    out = {}
    for root in roots:
        for p in sorted(Path(root).rglob("*")):
            if p.is_file() and not (p.suffix == ".lock" and p.stat().st_size == 0):
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def reference_op() -> dict:
    """The first operation of the real reference log, as a template for log lines."""
    with open(DATA / "annotations" / "reference" / "reference.jsonl", encoding="utf-8") as fh:
        return json.loads(fh.readline())


def reference_records() -> list[dict]:
    """The live mention records of the reference set (last upsert of each id; event records left out)."""
    live: dict[str, dict] = {}
    with open(DATA / "annotations" / "reference" / "reference.jsonl", encoding="utf-8") as fh:
        for line in fh:
            op = json.loads(line)
            if op.get("op") == "upsert":
                live[op["id"]] = {k: v for k, v in op.items() if k not in ("op", "op_id", "at")}
            else:
                live.pop(op.get("id"), None)
    return [r for r in live.values() if r.get("kind", "mention") == "mention"]


def write_log(
    data: Path, *lines: dict | str | bytes, name: str = "student-1", set_name: str = "class", good_first: bool = True
) -> Path:
    """A log ``annotations/<set>/<name>.jsonl``: one good line (optionally), then ``lines``."""
    log = data / "annotations" / set_name / f"{name}.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    out = b""
    if good_first:
        out += json.dumps({**reference_op(), "annotator": name}).encode() + b"\n"
    for line in lines:
        if isinstance(line, dict):
            line = json.dumps(line, ensure_ascii=False)
        if isinstance(line, str):
            line = line.encode("utf-8", "surrogatepass")
        out += line + b"\n"
    log.write_bytes(out)
    return log


def op(**changes) -> dict:
    """A log line: the reference template for annotator ``student-1`` with ``changes``."""
    return {**reference_op(), "annotator": "student-1", **changes}


@dataclass
class Run:
    rc: int
    out: str
    err: str

    @property
    def problems(self) -> list[str]:
        """Problem lines: validate's indented lines and every ``error:`` line, knock-on notes aside."""
        lines = [ln[4:] for ln in self.out.splitlines() if ln.startswith("    ")]
        lines += [ln[len("error: ") :] for ln in self.err.splitlines() if ln.startswith("error: ")]
        return [ln for ln in lines if not (ln.endswith(CONSEQUENCE) or VERDICT.search(ln))]


def run(argv: list[str], capsys) -> Run:
    """``summit-ledger ARGV`` in-process; output captured."""
    capsys.readouterr()
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return Run(rc, out, err)


def check_problem(text: str, *, file=ANY, line=ANY, field=ANY, match: str = "") -> re.Match:
    """Assert one problem line names ``file``, ``line`` and ``field`` and matches ``match``."""
    m = PROBLEM.match(text)
    assert m, text
    if file is not ANY:
        assert m["file"] == str(file), f"names {m['file']!r}, expected {str(file)!r}: {text}"
    if line is not ANY:
        assert (int(m["line"]) if m["line"] else None) == line, text
    if field is not ANY:
        assert m["field"] == field, text
    assert re.search(match, m["msg"]), f"message {m['msg']!r} does not match {match!r}"
    assert len(text) < 1000, "the message echoes too much of the input"
    return m


def refused(argv: list[str], capsys, *roots: Path, file=ANY, line=ANY, field=ANY, match: str = "") -> Run:
    """Run ``argv``; assert exit 1, one clear problem, no traceback, and ``roots`` unchanged."""
    before = snapshot(*roots)
    res = run(argv, capsys)
    assert "Traceback" not in res.out + res.err, res.err
    assert res.rc == 1, f"exit code {res.rc}\n{res.out}\n{res.err}"
    probs = res.problems
    assert len(probs) == 1, "expected one problem, got:\n" + "\n".join(probs) + "\n" + res.err
    check_problem(probs[0], file=file, line=line, field=field, match=match)
    assert snapshot(*roots) == before, "the command wrote or changed files"
    return res


@pytest.fixture
def dirs(tmp_path):
    """``(data, work)``: a scratch copy of the data folder, and an empty folder for input and output files."""
    data = copy_data(tmp_path / "data")
    work = tmp_path / "work"
    work.mkdir()
    return data, work


EXPORT_NAMES = {"doccano": "in.jsonl", "labelstudio": "in.json", "w3c": "in-w3c.json", "csv": "in.csv"}


def exported(data: Path, work: Path, fmt: str, **kw) -> Path:
    """The real reference set exported by the toolkit's own exporter, as a base for a hostile import file."""
    from toolkit.formats import export_annotations

    out = work / EXPORT_NAMES[fmt]
    export_annotations(fmt, out, data=data, sets=["reference"], **kw)
    return out


# ------------------------------------------------------------------ permissions
def _import_the_toolkit() -> None:
    """Import every toolkit module, as the test's own user, before a block runs as another user.

    The commands import their modules lazily. Where the checkout lies under a folder only its
    owner may enter (a 0700 home), the other user could not import them, and the case would
    fail on an ImportError instead of testing the data's permissions.
    """
    import importlib
    import pkgutil
    import warnings

    import toolkit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # old module names kept for one release
        for info in pkgutil.walk_packages(toolkit.__path__, "toolkit."):
            if "._bundled" not in info.name:
                importlib.import_module(info.name)
        # and the libraries its functions import inside their bodies (tqdm, scipy.stats, ...): the
        # virtual environment usually lies inside the checkout, under the same closed folder
        for name in sorted(_lazy_imports(Path(toolkit.__file__).parent) | LIBRARY_LAZY_IMPORTS):
            with contextlib.suppress(Exception):  # an optional extra that is not installed
                importlib.import_module(name)


#: Modules that the libraries themselves import on first use (DataFrame.to_csv, ...).
LIBRARY_LAZY_IMPORTS = {"pandas.io.formats.csvs", "pandas.io.formats.format", "pandas.io.json", "pyarrow.csv", "pyarrow.parquet"}


def _lazy_imports(package: Path) -> set[str]:
    """Every module outside the toolkit that a toolkit file imports (at any depth of the file)."""
    import ast

    names: set[str] = set()
    for path in package.rglob("*.py"):
        if "_bundled" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return {n for n in names if n.split(".")[0] != "toolkit"}


@contextlib.contextmanager
def as_other_user():
    """Run the block as an unprivileged user when the tests run as root (root ignores file modes)."""
    if os.geteuid() != 0:
        yield
        return
    _import_the_toolkit()
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@contextlib.contextmanager
def open_scratch():
    """A scratch folder every user can traverse (for the permission cases run as another user)."""
    d = Path(tempfile.mkdtemp(prefix="sl-adv-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        for p in [d, *d.rglob("*")]:
            with contextlib.suppress(OSError):
                p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(d, ignore_errors=True)


@contextlib.contextmanager
def read_only_mount(path: Path):
    """Bind-mount ``path`` read-only over itself; skip (with the reason) where mounting is refused."""
    if os.geteuid() != 0:
        pytest.skip("read-only bind mounts need root; the chmod cases cover permissions here")
    p = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"mount --bind refused: {p.stderr.strip()}")
    try:
        q = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True, text=True)
        if q.returncode != 0:
            pytest.skip(f"read-only remount refused: {q.stderr.strip()}")
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True)


def world_readable(root: Path) -> None:
    """Let another user read ``root`` (folders 0755, files 0644), as a checkout normally is."""
    for p in [root, *root.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
