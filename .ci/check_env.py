"""Check that environment.yml and pyproject.toml name the same packages with the same lower bounds.

Conda match specs are parsed with py-rattler (offline); pip requirements with
``packaging``. Exit 0 when they agree, 1 with one line per mismatch.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from rattler import MatchSpec

ROOT = Path(__file__).resolve().parents[1]
# names that differ between PyPI and conda-forge (pypi -> conda)
RENAMES: dict[str, str] = {"build": "python-build"}
CONDA_ONLY = {"python", "pip"}


def lower_bound(spec: str) -> str | None:
    for part in spec.replace(" ", "").split(","):
        if part.startswith(">="):
            return part[2:]
    return None


def main() -> int:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    pip_reqs = list(project["dependencies"]) + [r for extra in project.get("optional-dependencies", {}).values() for r in extra]
    pip: dict[str, str | None] = {}
    for r in pip_reqs:
        req = Requirement(r)
        pip[RENAMES.get(req.name.lower(), req.name.lower())] = lower_bound(str(req.specifier))
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda: dict[str, str | None] = {}
    problems: list[str] = []
    for dep in env.get("dependencies", []):
        if not isinstance(dep, str):
            continue  # the pip: section
        spec = MatchSpec(dep)
        name = spec.name.normalized
        conda[name] = lower_bound(str(spec.version)) if spec.version else None
    python_bound = lower_bound(project["requires-python"])
    if conda.get("python") != python_bound:
        problems.append(f"python: environment.yml >= {conda.get('python')} but requires-python >= {python_bound}")
    for name, bound in sorted(pip.items()):
        if name not in conda:
            problems.append(f"{name}: in pyproject.toml but not in environment.yml")
        elif bound is None:
            problems.append(f"{name}: pyproject.toml gives no lower bound (pin one with >=)")
        elif conda[name] != bound:
            problems.append(f"{name}: pyproject.toml >= {bound} but environment.yml >= {conda[name]}")
    for name in sorted(set(conda) - set(pip) - CONDA_ONLY):
        problems.append(f"{name}: in environment.yml but not in pyproject.toml")
    for p in problems:
        print(f"environment.yml / pyproject.toml: {p}")
    if not problems:
        print(f"environment.yml and pyproject.toml agree on {len(pip)} packages and their lower bounds")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
