"""Check that every notebook under notebooks/ is stored executed and small.

nbval silently skips cells stored unexecuted, so an unexecuted notebook would
pass while checking nothing. Exit 1 naming each offending notebook and cell.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_BYTES = 1_000_000


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def widget_state(doc: dict) -> bool:
    """True if a notebook stores the state of its widgets (megabytes once a kernel has drawn them)."""
    return WIDGET_STATE in (doc.get("metadata", {}).get("widgets") or {})


def strip_widget_state(path: Path) -> bool:
    """Remove stored widget state from a notebook file (nbconvert's store_widget_state=False keeps old state)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if "widgets" not in doc.get("metadata", {}):
        return False
    del doc["metadata"]["widgets"]
    path.write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def main() -> int:
    problems: list[str] = []
    notebooks = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        problems.append("notebooks/: no notebooks found")
    for nb in notebooks:
        rel = nb.relative_to(ROOT)
        try:
            doc = json.loads(nb.read_text(encoding="utf-8"))
            cells = doc["cells"]
        except (ValueError, KeyError) as exc:
            problems.append(f"{rel}: not a valid notebook ({exc})")
            continue
        code = [c for c in cells if c.get("cell_type") == "code" and "".join(c.get("source", "")).strip()]
        if widget_state(doc):
            problems.append(
                f"{rel}: stores widget state; re-execute with --ExecutePreprocessor.store_widget_state=False (make notebooks)"
            )
        for i, c in enumerate(code, start=1):
            if c.get("execution_count") is None:
                problems.append(f"{rel}: code cell {i} of {len(code)} is stored unexecuted; re-execute and save the notebook")
            for out in c.get("outputs", []):
                if out.get("output_type") == "error":
                    problems.append(f"{rel}: code cell {i} stores an error ({out.get('ename')})")
        size = nb.stat().st_size
        if size > MAX_BYTES:
            problems.append(f"{rel}: {size / 1e6:.2f} MB; keep notebooks under 1 MB (no stored widget state or inline vega)")
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(notebooks)} notebooks stored executed, each under {MAX_BYTES // 1000} kB")
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--strip-widget-state"]:
        for name in sys.argv[2:]:
            if strip_widget_state(Path(name)):
                print(f"{name}: stored widget state removed")
    sys.exit(main())
