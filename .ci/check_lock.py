"""Check that requirements.lock still satisfies pyproject.toml (offline).

Every runtime and optional dependency of pyproject.toml must be pinned in the
lock (``name==version``, for Python 3.11) at a version its specifier allows,
and every pin must carry at least one sha256 hash. Exit 0 when they agree, 1
with one line per problem and the fix (``make lock``).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
#: The environment the lock is for (requires-python's lower bound, Linux).
ENV = {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "platform_machine": "x86_64",
}


def read_lock(path: Path) -> tuple[dict[str, str], list[str]]:
    pins: dict[str, str] = {}
    problems: list[str] = []
    current = None
    hashed: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if m := PIN.match(line):
            name, version, marker = canonicalize_name(m[1]), m[2], m[3]
            current = None
            if marker and not Marker(marker).evaluate(ENV):
                continue
            if name in pins and pins[name] != version:
                problems.append(f"{path.name}:{n}: {name} pinned twice for Python 3.11 ({pins[name]}, {version})")
            pins[name] = version
            current = name
        elif current and line.strip().startswith("--hash=sha256:"):
            hashed.add(current)
    problems += [f"{path.name}: {name}=={v} has no --hash" for name, v in sorted(pins.items()) if name not in hashed]
    return pins, problems


def main(root: Path = ROOT) -> int:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    lock = root / "requirements.lock"
    if not lock.is_file():
        print("requirements.lock is missing; run `make lock`")
        return 1
    pins, problems = read_lock(lock)
    for raw in reqs:
        req = Requirement(raw)
        if req.marker and not req.marker.evaluate(ENV):
            continue
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{req.name}: in pyproject.toml but not pinned in requirements.lock")
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{req.name}: requirements.lock pins {pins[name]}, pyproject.toml wants {req.specifier}")
    for p in problems:
        print(f"requirements.lock / pyproject.toml: {p}")
    if problems:
        print("refresh the lock with `make lock` and commit requirements.lock")
        return 1
    print(f"requirements.lock pins {len(pins)} packages with hashes and satisfies pyproject.toml's {len(reqs)} requirements")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))
