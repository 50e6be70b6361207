"""Build hook: ship the repository's data/ and curated notebooks inside the wheel.

The wheel carries them as package data under ``toolkit/_bundled/`` so that
``summit-ledger init`` works from an installed wheel; the repository's data/
stays the one source (nothing is copied into the source tree, and a test
compares the wheel's copy with data/ byte for byte). Everything else about
the package is declared in pyproject.toml.
"""

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# Every stored notebook (teaching/ included) and nbval's sanitize file; a test checks that this is
# the list ``summit-ledger init`` copies (toolkit.commands.scaffold.CURATED_NOTEBOOKS).
NOTEBOOKS = tuple(
    sorted(
        p.relative_to(HERE / "notebooks").as_posix()
        for p in (HERE / "notebooks").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )
) + ("sanitize.cfg",)
# Same rule as toolkit.commands.scaffold.BUNDLE_SKIP: personal workspaces, locks, torn lines, caches never ship.
SKIP = re.compile(r"(^|/)(workspace|__pycache__|\.[^/]*)(/|$)|\.(lock|torn|bak)$|\.jsonl\.[^/]*\.bak$")


def bundle_files(root: Path = HERE) -> "list[tuple[Path, str]]":
    """(source file, path under toolkit/_bundled/) for everything the wheel carries."""
    out = []
    data = root / "data"
    for path in sorted(data.rglob("*")):
        rel = path.relative_to(data).as_posix()
        if path.is_file() and not SKIP.search(rel):
            out.append((path, f"data/{rel}"))
    for name in NOTEBOOKS:
        out.append((root / "notebooks" / name, f"notebooks/{name}"))
    return out


class build_py_with_bundle(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads data/ and notebooks/ from the checkout
            return
        target = Path(self.build_lib) / "toolkit" / "_bundled"
        for src, rel in bundle_files():
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)


setup(cmdclass={"build_py": build_py_with_bundle})
