"""Agreement over sentence x issue units: α, pairwise and per-issue breakdowns.

What a unit is and how the unit table is built from annotation records is
:mod:`.unittable` (its names are re-exported here). This module measures
agreement on a built table: nominal α on the stance values, ordinal α on
intensity, every pair of annotators, and α issue by issue or document by
document.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.agreement.coefficients import AgreementError, alpha_from_codes, cohen_kappa_table
from toolkit.agreement.unittable import (
    BOTH,
    NONE,
    STANCE_VALUES,
    UnitTable,
    build_units,
    coded_units,
    intensity_codes,
    stance_codes,
)

__all__ = [
    "NONE",
    "BOTH",
    "STANCE_VALUES",
    "PairMetric",
    "UnitTable",
    "build_units",
    "unit_alpha",
    "coded_units",
    "group_units",
    "intensity_codes",
    "pairwise_matrix",
    "alpha_breakdown",
    "stance_codes",
]

PairMetric = Literal["cohen", "alpha", "percent"]


def unit_alpha(units: UnitTable, what: Literal["stance", "intensity"] = "stance", *, source: str = "unit table") -> float:
    """Krippendorff's α over a unit table.

    Parameters
    ----------
    units : UnitTable
    what : {"stance", "intensity"}
        ``stance``: nominal α on the four values none/grievance/goodwill/both;
        ``intensity``: ordinal α on intensity 1-3, among coders who coded the unit.

    Raises
    ------
    AgreementError
        See :func:`krippendorff_alpha`.
    """
    if what == "stance":
        return alpha_from_codes(units.codes(), len(STANCE_VALUES), "nominal", source)
    if what == "intensity":
        return alpha_from_codes(intensity_codes(units), 3, "ordinal", source + " (intensity)")
    raise ValueError(f"what={what!r} unknown; use 'stance' or 'intensity'")


def group_units(
    records: Iterable[Mapping[str, Any]] | pd.DataFrame,
    documents: Mapping[str, Any],
    issues: Sequence[str],
    *,
    annotators: Sequence[str] | None = None,
    source: str = "annotations",
) -> tuple[UnitTable, list[str]]:
    """:func:`build_units` for a group that must have two or more annotators, with a note on skipped records.

    Raises
    ------
    AgreementError
        Fewer than two annotators (``reason`` = too-few-coders).
    """
    from toolkit.agreement.coefficients import TOO_FEW_CODERS

    units = build_units(records, documents, issues, annotators=annotators)
    names = units.annotators
    if len(names) < 2:
        raise AgreementError(
            f"{len(names)} annotator{'s' * (len(names) != 1)} found ({', '.join(names) or 'none'}); "
            "agreement needs at least two annotators' files",
            source,
            reason=TOO_FEW_CODERS,
            advice="add a second annotator's file to the folder(s)",
        )
    notes = (
        [f"{units.skipped} record(s) left out: not anchored, unknown document or issue, or outside the text"]
        if units.skipped
        else []
    )
    return units, notes


def pairwise_matrix(units: UnitTable, metric: PairMetric = "cohen") -> pd.DataFrame:
    """Agreement of every pair of annotators on the units both coded.

    Parameters
    ----------
    units : UnitTable
    metric : {"cohen", "alpha", "percent"}
        Cohen's κ, nominal Krippendorff's α for the pair, or percent agreement.

    Returns
    -------
    pandas.DataFrame
        Square, annotators x annotators, symmetric, 1.0 on the diagonal; NaN
        where the pair shares no unit or the coefficient is undefined.
    """
    if metric not in ("cohen", "alpha", "percent"):
        raise ValueError(f"metric {metric!r} unknown; use 'cohen', 'alpha' or 'percent'")
    names = units.annotators
    codes = units.codes()
    out = np.full((len(names), len(names)), np.nan)
    for i in range(len(names)):
        out[i, i] = 1.0
    for i, j in itertools.combinations(range(len(names)), 2):
        both = (codes[i] >= 0) & (codes[j] >= 0)
        a, b = codes[i][both], codes[j][both]
        if a.size == 0:
            continue
        try:
            if metric == "percent":
                v = float((a == b).mean())
            elif metric == "cohen":
                k = len(STANCE_VALUES)
                v = cohen_kappa_table(np.bincount(a * k + b, minlength=k * k).reshape(k, k))
            else:
                v = alpha_from_codes(np.vstack([a, b]), len(STANCE_VALUES), "nominal", "pair")
        except AgreementError:
            v = float("nan")
        out[i, j] = out[j, i] = v
    return pd.DataFrame(out, index=pd.Index(names, name="annotator"), columns=pd.Index(names, name="annotator"))


def alpha_breakdown(units: UnitTable, by: Literal["issue", "document_id"] = "issue") -> pd.DataFrame:
    """Nominal α on stance values for each issue or each document.

    Returns
    -------
    pandas.DataFrame
        Columns ``<by>, alpha, units, coded, note``: ``units`` is the number of
        units, ``coded`` how many of them at least one annotator gave a value
        other than "none"; ``alpha`` is NaN and ``note`` says why when α is
        undefined there (e.g. nobody used the issue).
    """
    if by not in ("issue", "document_id"):
        raise ValueError(f"by={by!r} unknown; use 'issue' or 'document_id'")
    keys = units.stance.index.get_level_values(by)
    codes = units.codes()
    rows = []
    for key in pd.unique(keys):
        mask = np.asarray(keys == key)
        sub = codes[:, mask]
        coded = int(((sub > 0).any(axis=0)).sum())
        try:
            a, note = alpha_from_codes(sub, len(STANCE_VALUES), "nominal", str(key)), ""
        except AgreementError as exc:
            a, note = float("nan"), exc.summary
        rows.append({by: key, "alpha": a, "units": int(mask.sum()), "coded": coded, "note": note})
    return pd.DataFrame(rows, columns=[by, "alpha", "units", "coded", "note"])
