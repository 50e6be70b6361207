"""Agreement between annotators: coefficients, units, span matching, reliability per variable, reports.

The package is part of the core: it needs numpy, pandas and the
``krippendorff`` package, never altair or ipywidgets. Its modules each do one
job; every public name is re-exported here, so ``from toolkit.agreement
import X`` works for all of them:

- :mod:`.coefficients` — Krippendorff's α, Cohen's κ, Fleiss' κ, percent agreement;
- :mod:`.unittable` — sentence x issue units: each annotator's value for each, as a table;
- :mod:`.units` — α over those units, pairwise and per issue or document;
- :mod:`.hotspots` — where annotators disagree, sentence by sentence;
- :mod:`.spans` — a candidate's spans against a reference (precision, recall, F1);
- :mod:`.report` — the report of a group of annotators used by the class view;
- :mod:`.bootstrap` — bootstrap intervals for α and the chance it falls below a minimum;
- :mod:`.variables` — each coded variable's α on the spans coders matched;
- :mod:`.unitizing` — Krippendorff's unitizing α on where passages begin and end;
- :mod:`.reliability` — the full reliability report (disclosure, intervals, decisions).
"""

from __future__ import annotations

from toolkit.agreement.bootstrap import MINIMA, AlphaInterval, bootstrap_alpha, pair_differences
from toolkit.agreement.coefficients import (
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    INVALID_INPUT,
    NO_PAIRABLE_UNIT,
    SINGLE_VALUE,
    TOO_FEW_CODERS,
    AgreementError,
    Level,
    alpha_from_codes,
    cohen_kappa,
    cohen_kappa_table,
    fleiss_counts,
    fleiss_kappa,
    interpret_alpha,
    is_missing,
    krippendorff_alpha,
    percent_agreement,
)
from toolkit.agreement.hotspots import sentence_disagreement, unit_disagreement
from toolkit.agreement.reliability import ALL_VS_CODED_NOTE, ReliabilityReport, reliability_report
from toolkit.agreement.report import AgreementReport, agreement_report
from toolkit.agreement.spans import MatchMode, SpanMatch, match_spans, precision_recall_f1, span_scores, span_scores_by_issue
from toolkit.agreement.unitizing import UnitizingResult, unitizing_alpha, unitizing_category
from toolkit.agreement.units import (
    BOTH,
    NONE,
    STANCE_VALUES,
    PairMetric,
    UnitTable,
    alpha_breakdown,
    build_units,
    coded_units,
    group_units,
    intensity_codes,
    pairwise_matrix,
    stance_codes,
    unit_alpha,
)
from toolkit.agreement.variables import (
    EVENT_LINKING,
    VARIABLES,
    MatchedUnits,
    Variable,
    available_variables,
    category_alpha,
    coincidence_table,
    match_across_coders,
    variable_codes,
    variable_reliability,
)

#: Old private name, kept so callers written before the split still import; use :func:`precision_recall_f1`.
_prf = precision_recall_f1

__all__ = [
    "AgreementError",
    "Level",
    "MatchMode",
    "PairMetric",
    "NONE",
    "BOTH",
    "STANCE_VALUES",
    "ALPHA_RELIABLE",
    "ALPHA_TENTATIVE",
    "TOO_FEW_CODERS",
    "NO_PAIRABLE_UNIT",
    "SINGLE_VALUE",
    "INVALID_INPUT",
    "krippendorff_alpha",
    "alpha_from_codes",
    "cohen_kappa",
    "cohen_kappa_table",
    "fleiss_kappa",
    "fleiss_counts",
    "percent_agreement",
    "is_missing",
    "UnitTable",
    "build_units",
    "unit_alpha",
    "coded_units",
    "group_units",
    "intensity_codes",
    "stance_codes",
    "pairwise_matrix",
    "alpha_breakdown",
    "unit_disagreement",
    "sentence_disagreement",
    "SpanMatch",
    "match_spans",
    "precision_recall_f1",
    "span_scores",
    "span_scores_by_issue",
    "AgreementReport",
    "agreement_report",
    "interpret_alpha",
    "MINIMA",
    "AlphaInterval",
    "bootstrap_alpha",
    "pair_differences",
    "UnitizingResult",
    "unitizing_alpha",
    "unitizing_category",
    "EVENT_LINKING",
    "VARIABLES",
    "MatchedUnits",
    "Variable",
    "available_variables",
    "category_alpha",
    "coincidence_table",
    "match_across_coders",
    "variable_codes",
    "variable_reliability",
    "ALL_VS_CODED_NOTE",
    "ReliabilityReport",
    "reliability_report",
]
