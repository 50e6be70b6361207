"""The package shows its architecture: packages in layers, imports only downward, no import circles,
small modules, and the old flat import paths still working for one release (with a warning)."""

from __future__ import annotations

import ast
import importlib
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import toolkit

PACKAGE = Path(toolkit.__file__).parent
#: No module over about 400 lines.
MAX_LINES = 400

#: The layers, bottom to top (docs/DEVELOPING.md draws the same map). A package may import
#: packages of its own layer's position or below, never above. The files of the base layer
#: may import each other.
LAYERS: list[set[str]] = [
    {"errors", "paths", "ids", "_io", "_moved"},
    {"codebook"},
    {"corpus"},
    {"records"},
    {"store"},
    {"ledger"},
    {"measures"},
    {"agreement"},
    {"charts"},
    {"formats"},
    {"eventdata"},
    {"session"},
    {"widgets"},
    {"classroom"},
    {"project"},
    {"commands"},
    {"__init__"},
]
LAYER = {name: i for i, names in enumerate(LAYERS) for name in names}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _modname(path: Path) -> str:
    parts = ["toolkit", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _room(module: str) -> str:
    """The top-level package or base file a module belongs to (``__init__`` for toolkit itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported toolkit module: line}, counting every import in the file
    (inside functions and ``if TYPE_CHECKING:`` blocks too)."""
    files = {_modname(p): p for p in _modules()}
    graph: dict[str, dict[str, int]] = {}
    for mod, path in files.items():
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                names = [f"{target}.{a.name}" if f"{target}.{a.name}" in files else target for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                while name and name not in files:
                    name = name.rpartition(".")[0]
                if name.startswith("toolkit") and name != mod:
                    edges.setdefault(name, node.lineno)
        graph[mod] = edges
    return graph


def _circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_there_is_no_import_circle():
    assert _circles(import_graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert _circles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]


def test_every_package_and_base_file_has_a_layer():
    rooms = {_room(m) for m in import_graph()}
    assert rooms <= set(LAYER), f"place these in LAYERS (and docs/DEVELOPING.md): {sorted(rooms - set(LAYER))}"


def test_a_package_imports_only_packages_below_it():
    upward = [
        f"{mod} imports {target} (line {line})"
        for mod, edges in import_graph().items()
        for target, line in edges.items()
        if _room(target) != _room(mod) and LAYER[_room(target)] > LAYER[_room(mod)] and _room(mod) != "__init__"
    ]
    assert not upward, "\n".join(upward)


def test_the_layer_check_catches_an_upward_import():
    graph = {"toolkit.store.core": {"toolkit.project": 3}}
    assert LAYER[_room("toolkit.project")] > LAYER[_room("toolkit.store.core")]
    assert _room(next(iter(graph["toolkit.store.core"]))) == "project"


def test_every_package_says_its_job_and_exports_its_names():
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        tree = ast.parse(init.read_text("utf-8"))
        doc = ast.get_docstring(tree)
        assert doc and doc.strip(), f"{init.relative_to(PACKAGE)} has no docstring saying its job"
        names = [n for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)]
        assert names, f"{init.relative_to(PACKAGE)} has no __all__"
        module = importlib.import_module(_modname(init))
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{module.__name__}.{name}"


def test_no_module_is_over_the_line_limit():
    long = {str(p.relative_to(PACKAGE)): n for p in _modules() if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_private_name_is_imported_from_another_module():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("toolkit")):
                found += [
                    f"{path.relative_to(PACKAGE)}:{node.lineno} {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    assert not found, found


# --- the old flat paths, kept for one release -------------------------------------------------
OLD_PATHS = [
    ("toolkit.balance", "toolkit.measures.balance", "balance_table"),
    ("toolkit.storebatch", "toolkit.store.batch", "append_batch"),
    ("toolkit.session_reads", "toolkit.session.reads", "__all__"),
    ("toolkit.teaching", "toolkit.classroom", "collect_class"),
    ("toolkit.teaching.scoring", "toolkit.classroom.scoring", "class_view"),
    ("toolkit.classroom.identity", "toolkit.records.identity", "check_writer"),
    ("toolkit.display", "toolkit.charts.display", "show"),
    ("toolkit.cli", "toolkit.commands.main", "main"),
    ("toolkit.validate", "toolkit.store.validate", "validate_data"),
]


@pytest.mark.parametrize(("old", "new", "name"), OLD_PATHS)
def test_an_old_module_path_still_works_with_a_warning(old, new, name):
    # a fresh interpreter: the old module must not be cached from another test
    code = (
        "import warnings, importlib\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        f"    a = importlib.import_module({old!r})\n"
        "for w in seen:\n    print('WARNED', w.category.__name__, w.message)\n"
        f"b = importlib.import_module({new!r})\n"
        f"print('SAME', getattr(a, {name!r}) == getattr(b, {name!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert f"WARNED DeprecationWarning {old} has moved to {new}" in out
    assert "SAME True" in out


def test_every_moved_module_resolves():
    from toolkit._moved import MOVED

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for old, new in MOVED.items():
            a, b = importlib.import_module(f"toolkit.{old}"), importlib.import_module(f"toolkit.{new}")
            for name in getattr(b, "__all__", []):
                assert getattr(a, name) is getattr(b, name), f"toolkit.{old}.{name}"


def test_the_packages_that_kept_an_old_module_name_give_its_names():
    """``toolkit.store``, ``toolkit.ledger``, ``toolkit.codebook``, ``toolkit.corpus`` and ``toolkit.session``
    were modules and are packages now: what callers imported from them still imports, without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        from toolkit.codebook import Codebook, load_codebook
        from toolkit.corpus import load_document, segment
        from toolkit.ledger import LEDGER_COLUMNS, load_ledger
        from toolkit.session import AnnotationSession
        from toolkit.store import Store
    assert load_codebook.__module__ == "toolkit.codebook.load" and Codebook.__module__ == "toolkit.codebook.model"
    assert Store.__module__ == "toolkit.store.core" and load_ledger.__module__ == "toolkit.ledger.build"
    assert load_document and segment and LEDGER_COLUMNS and AnnotationSession


#: Commands that read and write records, or run a class, but draw no table: they start without the
#: table libraries (pandas, numpy, pyarrow, altair), which take most of half a second to import.
_LIGHT = """
import contextlib, io, json, sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {"pandas", "numpy", "pyarrow", "altair"}:
            raise ImportError(f"{name} imported by a command that needs no table")
sys.meta_path.insert(0, Refuse())
from toolkit.commands.main import main
for args in json.loads(sys.argv[1]):
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        try:
            rc = main(args)
        except SystemExit as exc:
            rc = exc.code
    print(args[0] if args[0] != "class" else args[1], rc)
    if rc:
        print(said.getvalue(), file=sys.stderr)
"""


def _light(commands: list[list[str]], cwd: Path) -> list[str]:
    """Run the commands in one new interpreter that refuses the table libraries; each one's name and exit code."""
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}  # the toolkit this test imported
    done = subprocess.run([sys.executable, "-c", _LIGHT, json.dumps(commands)], capture_output=True, text=True, cwd=cwd, env=env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_record_commands_start_without_the_table_libraries(tmp_path, repo_root):
    from toolkit.corpus import load_documents

    data = tmp_path / "data"
    shutil.copytree(repo_root / "data", data, ignore=shutil.ignore_patterns("annotations"))
    doc = next(iter(load_documents(data / "documents").values()))
    start = doc.text.index(" ", 200) + 1
    end = doc.text.index(" ", start + 40)
    csv = tmp_path / "one.csv"  # one SYNTHETIC span of the seed article with codes chosen by the test
    csv.write_text(
        "document_id,start,end,quote,stance,issue,actor,target,intensity\n"
        f'{doc.id},{start},{end},"{doc.text[start:end]}",grievance,ukraine-security,US,Russia,2\n',
        encoding="utf-8",
    )
    commands = [
        ["validate", "--data", str(data)],
        ["import", "csv", str(csv), "--set", "light", "--annotator", "reader", "--data", str(data)],
        ["export", "doccano", "--set", "light", "--out", f"{csv}.jsonl", "--data", str(data)],
        ["--help"],
    ]
    said = _light(commands, tmp_path)
    assert said == ["validate 0", "import 0", "export 0", "--help 0"], said


def test_class_commands_that_make_no_table_start_without_the_table_libraries(tmp_path, repo_root):
    """An instructor's create, assign, practice, open, close, release and status (grade and collect make tables)."""
    data, course = tmp_path / "data", str(tmp_path / "class")
    shutil.copytree(repo_root / "data", data)
    seed_id = "2021-12-07-biden-putin-video-summit"
    commands = [
        ["class", "create", course, "week1", "--project", str(data), "--articles", seed_id],
        ["class", "assign", course, "week1", "--group", "a", "--students", "ana", "ben", "--articles", seed_id],
        ["class", "practice", course, "week1", "--document", seed_id, "--sentences", "1-4"],
        ["class", "open", course, "week1"],
        ["class", "close", course, "week1"],
        ["class", "release", course, "week1", "--now"],
        ["class", "status", course, "week1"],
    ]
    said = _light(commands, tmp_path)
    assert said == [f"{args[1]} 0" for args in commands], said
    assert (tmp_path / "class").is_dir()
