"""No data is ever loaded with pickle, eval/exec or an unsafe YAML loader.

The check walks the syntax tree of every module in ``toolkit/`` and every code
cell of the curated notebooks, so a mention in a docstring or comment is not a
hit, but any call or import is. A self-test feeds the checker snippets that it
must flag, so the scan cannot silently pass by finding nothing.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

from toolkit._io import _LineSafeLoader, read_yaml
from toolkit.errors import DataError

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "toolkit"

#: Modules whose import alone is a finding: they deserialise arbitrary objects.
BANNED_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}
#: Built-ins that run text as code.
BANNED_BUILTINS = {"eval", "exec", "compile", "__import__"}
#: ``<something>.<attr>(...)`` calls that unpickle or load YAML unsafely.
BANNED_ATTR_CALLS = {"read_pickle", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all", "load_all"}
#: YAML loader classes that construct arbitrary Python objects.
UNSAFE_LOADERS = {"Loader", "UnsafeLoader", "FullLoader"}
#: The one place allowed to call ``yaml.load``, with its SafeLoader subclass.
YAML_LOAD_ALLOWED = {("toolkit/_io.py", "_LineSafeLoader")}


def findings(source: str, relpath: str) -> list[str]:
    """Unsafe-loading constructs in ``source`` as ``"path:line: what"`` strings."""
    out: list[str] = []
    tree = ast.parse(source, filename=relpath)
    for node in ast.walk(tree):
        where = f"{relpath}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in BANNED_MODULES:
                    out.append(f"{where}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in BANNED_MODULES:
                out.append(f"{where}: from {node.module} import ...")
            if node.module == "yaml":
                for alias in node.names:
                    if alias.name in BANNED_ATTR_CALLS | UNSAFE_LOADERS | {"load"}:
                        out.append(f"{where}: from yaml import {alias.name}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in BANNED_BUILTINS:
                out.append(f"{where}: {func.id}()")
            elif isinstance(func, ast.Attribute):
                if func.attr in BANNED_ATTR_CALLS:
                    out.append(f"{where}: .{func.attr}()")
                if func.attr == "load" and isinstance(func.value, ast.Name) and func.value.id == "yaml":
                    loader = next((kw.value for kw in node.keywords if kw.arg == "Loader"), None)
                    if loader is None and len(node.args) > 1:
                        loader = node.args[1]
                    name = loader.id if isinstance(loader, ast.Name) else ast.unparse(loader) if loader else None
                    if (relpath, name) not in YAML_LOAD_ALLOWED:
                        out.append(f"{where}: yaml.load(Loader={name})")
                if func.attr == "load" and isinstance(func.value, ast.Name) and func.value.id in {"np", "numpy"}:
                    for kw in node.keywords:
                        if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                            out.append(f"{where}: numpy.load(allow_pickle=...)")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "yaml":
            if node.attr in UNSAFE_LOADERS:
                out.append(f"{where}: yaml.{node.attr}")
    return out


def package_sources() -> list[tuple[str, str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 10, "the scan found too few modules; is PACKAGE right?"
    return [(p.relative_to(REPO).as_posix(), p.read_text(encoding="utf-8")) for p in files]


def notebook_sources() -> list[tuple[str, str]]:
    out = []
    for nb in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                # IPython magics and shell escapes are not Python; blank them out.
                src = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())
                out.append((f"{nb.relative_to(REPO).as_posix()}#cell{i}", src))
    return out


def test_package_has_no_unsafe_loading():
    hits = [h for rel, src in package_sources() for h in findings(src, rel)]
    assert hits == [], "unsafe loading found:\n" + "\n".join(hits)


def test_notebooks_have_no_unsafe_loading():
    hits = [h for rel, src in notebook_sources() for h in findings(src, rel)]
    assert hits == [], "unsafe loading found:\n" + "\n".join(hits)


def test_the_one_yaml_load_uses_the_safe_loader_subclass():
    src = (PACKAGE / "_io.py").read_text(encoding="utf-8")
    assert "yaml.load(text, Loader=_LineSafeLoader)" in src
    # the safe constructor on the C parser (libyaml) or the Python one, never the full or unsafe loaders
    assert issubclass(_LineSafeLoader, (yaml.CSafeLoader, yaml.SafeLoader) if yaml.__with_libyaml__ else yaml.SafeLoader)
    assert issubclass(_LineSafeLoader, yaml.constructor.SafeConstructor)
    assert not issubclass(_LineSafeLoader, (yaml.constructor.FullConstructor, yaml.FullLoader, yaml.UnsafeLoader))


@pytest.mark.parametrize(
    "snippet",
    [
        "import pickle\npickle.loads(b'')",
        "from pickle import loads",
        "import marshal",
        "x = eval('1+1')",
        "exec('x=1')",
        "compile('1', 'f', 'eval')",
        "import yaml\nyaml.load(s, Loader=yaml.Loader)",
        "import yaml\nyaml.load(s, Loader=yaml.FullLoader)",
        "import yaml\nyaml.load(s)",
        "import yaml\nyaml.unsafe_load(s)",
        "import yaml\nyaml.full_load(s)",
        "from yaml import load",
        "import pandas as pd\npd.read_pickle('f')",
        "import numpy as np\nnp.load('f', allow_pickle=True)",
    ],
)
def test_checker_flags_unsafe_snippets(snippet):
    assert findings(snippet, "snippet.py"), f"the checker missed: {snippet!r}"


@pytest.mark.parametrize(
    "snippet",
    [
        "import yaml\nyaml.safe_load(s)",
        "'''we never eval() or pickle data'''",
        "import json\njson.loads(s)",
        "import numpy as np\nnp.load('f', allow_pickle=False)",
    ],
)
def test_checker_passes_safe_snippets(snippet):
    assert findings(snippet, "snippet.py") == []


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['echo pwned']\n",
        "x: !!python/name:os.system\n",
        "- !!python/object/new:builtins.list [[1]]\n",
    ],
)
def test_read_yaml_refuses_python_tags(tmp_path, payload):
    path = tmp_path / "evil.yaml"
    path.write_text(payload, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_yaml(path)
    problem = info.value.problems[0]
    assert problem.file == str(path) and problem.line == 1
    assert "YAML" in problem.message
