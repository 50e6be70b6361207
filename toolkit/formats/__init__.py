"""Import and export: other annotation tools' files <-> annotation sets.

Formats: doccano JSONL, Label Studio JSON, W3C Web Annotation JSON, CSV, and
the ledger as Parquet or flat CSV. See ``docs/interop.md``.
"""

from __future__ import annotations

from toolkit.formats.exporter import EXPORT_FORMATS, ExportReport, export_annotations, export_ledger
from toolkit.formats.importer import IMPORT_FORMATS, ImportReport, import_file
from toolkit.formats.labelmap import LabelMap, load_label_map

__all__ = [
    "IMPORT_FORMATS",
    "EXPORT_FORMATS",
    "ImportReport",
    "ExportReport",
    "import_file",
    "export_annotations",
    "export_ledger",
    "LabelMap",
    "load_label_map",
]
