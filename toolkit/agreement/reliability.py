"""The reliability report a methodologist reads: per variable, with intervals, decisions and disclosure.

:func:`reliability_report` puts together, for a group of coders:

- **who coded** — each coder's declaration from ``set.yaml`` (or "not declared");
- **stance over sentence x issue units**, over *all* units and over the
  *coded* units only (those at least one coder gave a stance), each with a
  bootstrap interval. The two differ because most units are empty for every
  coder: agreeing that nothing is there raises the all-unit α without saying
  anything about the passages that were coded;
- **each variable on matched spans** (:mod:`.variables`), with its interval
  and the decision "reliable at α ≥ 0.8 with probability p";
- **unitizing** — Krippendorff's uα per document and stance, and per
  document and issue (:mod:`.unitizing`), and the spans no other coder
  matched;
- per-category α and a coincidence table for each variable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from toolkit.agreement.bootstrap import AlphaInterval, bootstrap_alpha
from toolkit.agreement.unitizing import unitizing_alpha
from toolkit.agreement.units import STANCE_VALUES, coded_units, group_units, intensity_codes
from toolkit.agreement.variables import MatchedUnits, category_alpha, coincidence_table, match_across_coders, variable_reliability

__all__ = ["ReliabilityReport", "reliability_report", "ALL_VS_CODED_NOTE"]

ALL_VS_CODED_NOTE = (
    "All units: every sentence x issue pair of the coded documents. Coded units: those that at least one coder "
    "gave a stance. Most units are empty for every coder, and α over all units credits agreeing that nothing is "
    "there; the coded-unit figure asks only whether coders agree where somebody saw something."
)

#: The stances that count toward balance: the categories of the per-stance unitizing table.
_COUNTED = ("grievance", "goodwill")


@dataclass
class ReliabilityReport:
    """Everything :func:`reliability_report` computes (see the module docstring).

    Attributes
    ----------
    coders : list of str
    declarations : dict of str to CoderDeclaration or None
    stance_all, stance_coded : AlphaInterval
    intensity_units : AlphaInterval
        Ordinal α on intensity over the sentence x issue units, among the
        coders who coded a unit (it sees the intensity of a span that has no
        match, which the matched-span table cannot).
    n_units_all, n_units_coded : int
    variables : pandas.DataFrame
        See :func:`toolkit.agreement.variable_reliability`.
    matched : MatchedUnits
    unitizing : pandas.DataFrame
        ``document_id, stance, alpha, d_o, d_e, units, merged`` (stance
        ``"all"`` pools the two stances that count toward balance).
    unitizing_issue : pandas.DataFrame
        ``document_id, issue, alpha, d_o, d_e, units, merged``: uα with the
        issue as the category, over the passages of every stance (agenda
        included), so that coders who mark the same stretch for an issue but
        give it different stances agree here. Only the issues some coder
        marked on the document get a row; issue ``"all"`` pools them.
        ``merged`` counts a coder's overlapping passages of one category
        merged into one (two actors on one clause, say).
    categories, confusion : dict of str to DataFrame
        Per-category α and coincidence table of each variable.
    notes : list of str
    """

    coders: list[str]
    declarations: dict[str, Any]
    stance_all: AlphaInterval
    stance_coded: AlphaInterval
    intensity_units: AlphaInterval
    n_units_all: int
    n_units_coded: int
    variables: pd.DataFrame
    matched: MatchedUnits
    unitizing: pd.DataFrame
    unitizing_issue: pd.DataFrame
    categories: dict[str, pd.DataFrame]
    confusion: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)

    def disclosure_lines(self) -> list[str]:
        """One line per coder saying how the coding was made."""
        from toolkit.records.disclosure import describe_coder

        return [f"{c}: {describe_coder(self.declarations.get(c))}" for c in self.coders]

    def to_text(self, *, categories: bool = False) -> str:
        """The report as plain text (what ``summit-ledger agreement`` prints)."""
        out = ["Who coded (from set.yaml):"]
        out += [f"  {line}" for line in self.disclosure_lines()]
        kinds = {getattr(d, "kind", None) for d in self.declarations.values()}
        if kinds == {"model"}:
            out.append(
                "  Every coder is a model, not a person: these figures describe agreement between model runs, not human coding."
            )
        out.append("")
        out.append("Stance on sentence x issue units (nominal α, 95% bootstrap interval):")
        out.append(f"  all units   ({self.n_units_all:>5}): {self.stance_all.interval_text()}")
        out.append(f"    decision: {self.stance_all.decision()}")
        out.append(f"  coded units ({self.n_units_coded:>5}): {self.stance_coded.interval_text()}")
        out.append(f"    decision: {self.stance_coded.decision()}")
        out.append("  " + ALL_VS_CODED_NOTE)
        out.append(f"Intensity on sentence x issue units (ordinal α, where coded): {self.intensity_units.interval_text()}")
        out.append(f"    decision: {self.intensity_units.decision()}")
        out.append("")
        n_unm = len(self.matched.unmatched)
        out.append(
            f"Each variable on matched spans ({len(self.matched.units)} matched units; {n_unm} span(s) "
            f"unmatched; match = overlap ≥ {self.matched.min_overlap:g} of the shorter span):"
        )
        for r in self.variables.itertuples(index=False):
            if r.status == "ok":
                val = f"α = {r.alpha:.3f} [{r.low:.3f}, {r.high:.3f}]"
            elif r.status == "no-disagreement":
                val = f"α = {r.alpha:.3f}, no disagreement observed, no interval"
            elif r.status == "not-estimable":
                val = f"α = {r.alpha:.3f}, not estimable (too little variation), no interval"
            else:
                val = "α undefined"
            out.append(f"  {r.variable:<17} {r.level:<8} units {r.units:>4}  {val}")
            out.append(f"  {'':<17} {r.decision}")
        if n_unm:
            out.append("  Unmatched spans (coded by one coder only):")
            for rec in self.matched.unmatched:
                out.append(
                    f"    {rec['annotator']}: {rec['document_id']} [{rec['start']}:{rec['end']}] "
                    f"{rec.get('issue')}/{rec.get('stance')} {str(rec.get('quote', ''))[:70]!r}"
                )
        out.append("")
        out.append("Unitizing (Krippendorff's uα on where passages begin and end, per document and stance):")
        out += _unitizing_lines(self.unitizing, "stance")
        out.append("Unitizing by issue (uα per document and issue, passages of every stance):")
        out += _unitizing_lines(self.unitizing_issue, "issue")
        if categories:
            for name, table in self.categories.items():
                out.append("")
                out.append(f"Per-category α, {name}:")
                out.append(table.to_string(index=False, na_rep="n/a"))
                out.append(f"Coincidence table, {name}:")
                out.append(self.confusion[name].round(2).to_string())
        if self.notes:
            out.append("")
            out += [f"Note: {n}" for n in self.notes]
        return "\n".join(out)


def _unitizing_lines(table: pd.DataFrame, key: str) -> list[str]:
    if table.empty:
        return ["  (no document coded by two coders)"]
    width = max(9, *(len(str(v)) for v in table[key]))
    out = []
    for u in table.to_dict("records"):
        alpha = "undefined" if pd.isna(u["alpha"]) else f"{u['alpha']:.3f}"
        out.append(
            f"  {u['document_id']} {u[key]:<{width}} uα = {alpha}  (D_o {u['d_o']:.5f}, D_e {u['d_e']:.5f}, {u['units']} units)"
        )
    return out


def _stance_interval(codes: Any, n_boot: int, seed: int | None, source: str) -> AlphaInterval:
    return bootstrap_alpha(codes, len(STANCE_VALUES), "nominal", n_boot=n_boot, seed=seed, source=source)


def _unitizing_rows(
    records: Sequence[Mapping[str, Any]], documents: Mapping[str, Any], coders: Sequence[str], by: str, issues: Sequence[str] = ()
) -> pd.DataFrame:
    """uα per document, with the stance (``by="stance"``) or the issue (``by="issue"``) as the category."""
    rows = []
    for doc_id in sorted({str(r["document_id"]) for r in records}):
        doc = documents.get(doc_id)
        if doc is None:
            continue
        on_doc = [r for r in records if r["document_id"] == doc_id and r.get("status", "anchored") == "anchored"]
        if by == "stance":
            on_doc = [r for r in on_doc if r.get("stance") in _COUNTED]
        else:
            on_doc = [r for r in on_doc if r.get("issue")]
        here = sorted({str(r["annotator"]) for r in on_doc} & set(coders))
        if len(here) < 2:
            continue
        spans = [(str(r["annotator"]), int(r["start"]), int(r["end"]), str(r[by])) for r in on_doc if str(r["annotator"]) in here]
        if by == "stance":
            cats = list(_COUNTED)
        else:
            present = {s[3] for s in spans}
            cats = [i for i in issues if i in present] + sorted(present - set(issues))
        for res in unitizing_alpha(spans, len(doc.text), coders=here, categories=cats, source=doc_id):
            rows.append(
                {
                    "document_id": doc_id,
                    by: res.category or "all",
                    "alpha": res.alpha,
                    "d_o": res.d_o,
                    "d_e": res.d_e,
                    "units": res.units,
                    "merged": res.merged,
                }
            )
    return pd.DataFrame(rows, columns=["document_id", by, "alpha", "d_o", "d_e", "units", "merged"])


def reliability_report(
    records: Iterable[Mapping[str, Any]],
    documents: Mapping[str, Any],
    issues: Sequence[str],
    *,
    declarations: Mapping[str, Any] | None = None,
    annotators: Sequence[str] | None = None,
    n_boot: int = 20_000,
    seed: int | None = 0,
    min_overlap: float = 0.5,
    source: str = "annotations",
) -> ReliabilityReport:
    """Compute the full reliability report for a group of coders.

    Parameters
    ----------
    records : iterable of dict
        Live records of every coder.
    documents : mapping of str to Document
    issues : sequence of str
        The codebook's issues (they make the sentence x issue units).
    declarations : mapping of annotator to CoderDeclaration, optional
        From :func:`toolkit.records.disclosure.load_declaration`; missing coders are
        shown as "not declared".
    n_boot, seed :
        For the bootstrap intervals (:func:`toolkit.agreement.bootstrap_alpha`).
    min_overlap : float
        Span matching threshold (:func:`toolkit.agreement.match_across_coders`).

    Raises
    ------
    AgreementError
        Fewer than two coders (``reason`` = too-few-coders).
    """
    recs = [dict(r) for r in records]
    units, notes = group_units(recs, documents, issues, annotators=annotators, source=source)
    coders = units.annotators
    coded = coded_units(units)
    matched = match_across_coders(recs, coders=coders, min_overlap=min_overlap)
    table = variable_reliability(matched, n_boot=n_boot, seed=seed)
    cats = {v: category_alpha(matched, v) for v in table.variable}
    conf = {v: coincidence_table(matched, v) for v in table.variable}
    return ReliabilityReport(
        coders=coders,
        declarations={c: (declarations or {}).get(c) for c in coders},
        stance_all=_stance_interval(units.codes(), n_boot, seed, source),
        stance_coded=_stance_interval(coded.codes(), n_boot, seed, source),
        intensity_units=bootstrap_alpha(
            intensity_codes(units), 3, "ordinal", n_boot=n_boot, seed=seed, source=source + " (intensity)"
        ),
        n_units_all=int(((units.codes() >= 0).sum(axis=0) >= 2).sum()),
        n_units_coded=int(((coded.codes() >= 0).sum(axis=0) >= 2).sum()),
        variables=table,
        matched=matched,
        unitizing=_unitizing_rows(recs, documents, coders, "stance"),
        unitizing_issue=_unitizing_rows(recs, documents, coders, "issue", issues),
        categories=cats,
        confusion=conf,
        notes=notes,
    )
