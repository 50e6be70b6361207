"""Summit Ledger: annotate grievances and goodwill gestures in news about leader
summits, and chart how the balance of issues shifts from summit to summit.

The public API is the names in ``__all__``. Heavy modules (altair, ipywidgets,
vl-convert) load only when a name that needs them is first used, so
``import toolkit`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> module that defines it (relative to toolkit). Loaded on first use.
_EXPORTS: dict[str, str] = {
    # errors
    "SummitLedgerError": "errors",
    "DataError": "errors",
    "ValidationError": "errors",
    "StoreError": "errors",
    "Problem": "errors",
    # data
    "data_dir": "paths",
    "find_project": "paths",
    "Project": "project",
    "init_project": "commands.scaffold",
    "add_articles": "corpus.manifest",
    "load_codebook": "codebook",
    "Codebook": "codebook",
    "load_summits": "corpus.summits",
    "summits_frame": "corpus.summits",
    "load_document": "corpus",
    "load_documents": "corpus",
    "Document": "corpus",
    "segment": "corpus",
    "segments_frame": "corpus",
    "make_annotation": "records.annotation",
    "validate_record": "records.annotation",
    "Store": "store",
    "build_ledger": "ledger",
    "load_ledger": "ledger",
    "LEDGER_COLUMNS": "ledger",
    "validate_data": "store.validate",
    # --- annotator (issue 3) ---
    "Annotator": "widgets.annotator",
    "AnnotationSession": "session",
    "suggest_issues": "codebook.suggest",
    # --- balance, briefs and charts (issue 4) ---
    "load_briefs": "corpus.briefs",
    "balance_table": "measures.balance",
    "shift_table": "measures.balance",
    "robustness_table": "measures.robustness",
    "events_needed": "measures.intervals",
    "jeffreys_interval": "measures.intervals",
    "show": "charts.display",
    "article_html": "charts",
    "Explorer": "widgets.explorer",
    # --- agreement and teaching (issue 5) ---
    "AgreementError": "agreement",
    "krippendorff_alpha": "agreement",
    "cohen_kappa": "agreement",
    "cohen_kappa_table": "agreement",
    "fleiss_kappa": "agreement",
    "build_units": "agreement",
    "agreement_report": "agreement",
    "match_spans": "agreement",
    "span_scores": "agreement",
    "collect_class": "classroom",
    "load_reference": "classroom",
    "feedback": "classroom",
    "feedback_table": "classroom",
    "class_view": "classroom",
    "hotspots_html": "classroom",
    # --- interop and re-anchoring (issue 6) ---
    "add_article": "corpus.articles",
    "add_summit": "corpus.articles",
    "import_file": "formats",
    "export_annotations": "formats",
    "export_ledger": "formats",
    "load_label_map": "formats",
    "anchor": "corpus.passages",
    "reanchor_document": "store.reanchor",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# Old module paths (before the packages of 0.2) keep working for one release, with a DeprecationWarning.
importlib.import_module("._moved", __name__).install()

# Inside IPython or Jupyter, a plain Altair chart displays through the offline renderer
# (toolkit.charts.display.install; altair itself is not imported here).
importlib.import_module(".charts.display", __name__).install()
