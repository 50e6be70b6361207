"""Helpers shared by the interop tests: the synthetic fixture document and round-trip comparison.

The fixture text is synthetic test text (tests/fixtures/interop/synthetic.txt); it reports no real event.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "interop"
SYNTH_ID = "synthetic-interop-test"
SYNTH_SUMMIT = "2021-12-07-video"
#: Fields a round trip must keep exactly.
ROUND_TRIP_FIELDS = (
    "id",
    "document_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "issue",
    "stance",
    "actor",
    "target",
    "intensity",
    "summit_id",
    "annotator",
    "status",
)

#: The fields every span format carries through an export and import (formats that keep more add to it).
CORE_FIELDS = ("id", "start", "end", "quote", "issue", "stance", "actor", "target", "intensity", "summit_id", "annotator", "note")


def add_synthetic(data: Path):
    """Add the synthetic fixture article to a scratch data folder; returns the Document."""
    from toolkit.corpus import add_article

    return add_article(
        FIXTURES / "synthetic.txt",
        id=SYNTH_ID,
        summit_id=SYNTH_SUMMIT,
        title="Synthetic interop test text",
        source="synthetic test fixture",
        data=data,
    ).document


def live(data: Path, set_name: str) -> dict[str, dict]:
    """Live annotations of one set, by id."""
    from toolkit.store import Store

    return {r["id"]: r for r in Store(data / "annotations" / set_name).annotations()}


def same(a: dict[str, dict], b: dict[str, dict], fields=ROUND_TRIP_FIELDS) -> list[str]:
    """Differences between two sets of records (empty when equal on ``fields``)."""
    diffs = []
    for i in sorted(set(a) | set(b)):
        if i not in a or i not in b:
            diffs.append(f"{i}: only in {'first' if i in a else 'second'}")
            continue
        for f in fields:
            if a[i].get(f) != b[i].get(f):
                diffs.append(f"{i}.{f}: {a[i].get(f)!r} != {b[i].get(f)!r}")
    return diffs


def rich_data(data: Path) -> Path:
    """Scratch data with the synthetic article and a ``fixture`` set imported from the CSV and Label Studio fixtures.

    Together with the reference set this gives non-ASCII quotes (curly quotes,
    accented names, an emoji), overlapping spans, notes with commas and line
    breaks, and several annotators.
    """
    from toolkit.formats import import_file

    add_synthetic(data)
    import_file("csv", FIXTURES / "annotations.csv", set_name="fixture", data=data)
    import_file("labelstudio", FIXTURES / "labelstudio.json", set_name="fixture", data=data, label_map=FIXTURES / "labels.yaml")
    return data


def round_trip(data: Path, fmt: str, out: Path, sets=("reference", "fixture")) -> tuple[dict, dict, object]:
    """Export ``sets`` in ``fmt`` to ``out``, import the file into set ``rt``.

    Returns
    -------
    (originals, imported, import_report)
        Records by id.
    """
    from toolkit.formats import export_annotations, export_ledger, import_file
    from toolkit.ledger import load_ledger

    if fmt in ("parquet", "ledger-csv"):
        export_ledger(fmt, load_ledger(data, sets=list(sets)), out)
        import_fmt = "parquet" if fmt == "parquet" else "csv"
    else:
        export_annotations(fmt, out, data=data, sets=list(sets))
        import_fmt = fmt
    report = import_file(import_fmt, out, set_name="rt", data=data)
    originals: dict[str, dict] = {}
    for s in sets:
        originals.update(live(data, s))
    return originals, live(data, "rt"), report
