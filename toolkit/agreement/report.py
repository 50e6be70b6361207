"""The agreement report of a group of annotators: every coefficient over the sentence x issue units."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit.agreement.coefficients import AgreementError, fleiss_kappa
from toolkit.agreement.hotspots import sentence_disagreement
from toolkit.agreement.units import STANCE_VALUES, UnitTable, alpha_breakdown, group_units, pairwise_matrix, unit_alpha

__all__ = ["AgreementReport", "agreement_report"]


@dataclass
class AgreementReport:
    """Everything the class view and the CLI show about a group of annotators.

    Attributes
    ----------
    annotators : list of str
    n_units : int
        Sentence x issue units coded by at least two annotators.
    alpha : float
        Nominal α on stance values (NaN when undefined; see ``notes``).
    alpha_intensity : float
        Ordinal α on intensity, among coders who coded a unit.
    fleiss : float
        Fleiss' κ on stance values when every annotator coded every unit (a
        fixed panel), else NaN.
    pairwise : pandas.DataFrame
        Annotators x annotators Cohen's κ.
    by_issue, by_document : pandas.DataFrame
        See :func:`alpha_breakdown`.
    sentences : pandas.DataFrame
        See :func:`sentence_disagreement`.
    notes : list of str
        Why a coefficient is undefined, records skipped, etc.
    """

    annotators: list[str]
    n_units: int
    alpha: float
    alpha_intensity: float
    fleiss: float
    pairwise: pd.DataFrame
    by_issue: pd.DataFrame
    by_document: pd.DataFrame
    sentences: pd.DataFrame
    units: UnitTable
    notes: list[str] = field(default_factory=list)


def agreement_report(
    records: Iterable[Mapping[str, Any]],
    documents: Mapping[str, Any],
    issues: Sequence[str],
    *,
    annotators: Sequence[str] | None = None,
    source: str = "annotations",
) -> AgreementReport:
    """Build units and compute every coefficient for a group of annotators.

    Undefined coefficients become NaN with a note; only having fewer than two
    annotators raises.

    Raises
    ------
    AgreementError
        Fewer than two annotators with records.
    """
    units, notes = group_units(records, documents, issues, annotators=annotators, source=source)
    names = units.annotators
    values = {}
    for what in ("stance", "intensity"):
        try:
            values[what] = unit_alpha(units, what, source=source)
        except AgreementError as exc:
            values[what] = float("nan")
            notes.append(f"α ({what}) undefined: {exc.summary}")
    codes = units.codes()
    fleiss = float("nan")
    if (codes >= 0).all():
        counts = np.stack([(codes == k).sum(axis=0) for k in range(len(STANCE_VALUES))], axis=1)
        try:
            fleiss = fleiss_kappa(counts, source=source)
        except AgreementError as exc:
            notes.append(f"Fleiss' κ undefined: {exc.summary}")
    else:
        notes.append("Fleiss' κ not computed: not every annotator coded every unit (α allows that)")
    return AgreementReport(
        annotators=names,
        n_units=int(((codes >= 0).sum(axis=0) >= 2).sum()),
        alpha=values["stance"],
        alpha_intensity=values["intensity"],
        fleiss=fleiss,
        pairwise=pairwise_matrix(units, "cohen"),
        by_issue=alpha_breakdown(units, "issue"),
        by_document=alpha_breakdown(units, "document_id"),
        sentences=sentence_disagreement(units),
        units=units,
        notes=notes,
    )
