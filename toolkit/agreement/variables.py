"""Reliability of each coded variable, on the spans the coders matched.

The sentence x issue units (:mod:`.units`) test stance only, and hide
disagreements when another span already fills the unit. Here the units are
the **passages themselves**: spans of different coders are matched, and each
variable (stance, issue, actor, target, direction, intensity, summit, and
attribution, modality and event linking when the records carry them) gets
its own α over the matched passages.

Matching rule
-------------
Within one document, a span of coder A and a span of coder B are
*admissible* when they share at least ``min_overlap`` (default 0.5) of the
shorter span's characters. Codes play no part in admissibility, since they
are what is being measured. All admissible pairs are sorted by shared
characters (most first), then by how many of issue, stance, actor and target
agree (most first), then by position, and merged in that order into groups,
skipping a pair when the two groups already hold a span of the same coder.
So each group (a **matched unit**) holds at most one span per coder. For two
coders this is the one-to-one greedy matching of :func:`match_spans` without
its same-issue-and-stance condition. Groups with spans from two or more coders
are matched units; the rest are **unmatched** spans, reported separately
(they are a unitizing disagreement, measured by :mod:`.unitizing`).

Only records with ``status == "anchored"`` take part. A coder with no span in
a matched unit has a missing value there, not a "none".

Variables
---------
Nominal unless stated: ``stance``, ``issue`` (the primary issue),
``secondary_issues`` (the sorted set as one value), ``actor``, ``target``,
``direction`` (actor → target), ``intensity`` (ordinal), ``summit``
(``summit_id``), ``attribution``, ``modality``. Optional fields are included
only when at least one record has them. **Event linking** is measured on
pairs of matched units in one document: a coder who coded both says "same
event" when the two records share a non-empty ``event_id``, else "different
events"; nominal α over those pairs. Only coders who link events at all (some
record of theirs has the ``event_id`` field) take part, so a set coded before
event linking existed is not read as "every mention its own event".

Per-category α binarises a variable (this category against all others) and
computes nominal α; the **coincidence table** (Krippendorff's matrix of
value pairs within units) shows which categories coders confuse.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.agreement.bootstrap import AlphaInterval, bootstrap_alpha
from toolkit.agreement.coefficients import AgreementError, Level, alpha_from_codes

__all__ = [
    "Variable",
    "VARIABLES",
    "EVENT_LINKING",
    "MatchedUnits",
    "match_across_coders",
    "variable_codes",
    "variable_reliability",
    "category_alpha",
    "coincidence_table",
    "available_variables",
]


@dataclass(frozen=True)
class Variable:
    """One coded variable: its name, level of measurement and how to read it from a record."""

    name: str
    level: Level
    read: Callable[[Mapping[str, Any]], Any]
    optional_field: str | None = None


def _field(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda r: r.get(name)


def _secondary(r: Mapping[str, Any]) -> Any:
    v = r.get("secondary_issues")
    return "|".join(sorted(map(str, v))) if isinstance(v, (list, tuple)) else None


VARIABLES: tuple[Variable, ...] = (
    Variable("stance", "nominal", _field("stance")),
    Variable("issue", "nominal", _field("issue")),
    Variable("secondary_issues", "nominal", _secondary, "secondary_issues"),
    Variable("actor", "nominal", _field("actor")),
    Variable("target", "nominal", _field("target")),
    Variable("direction", "nominal", lambda r: f"{r.get('actor')} → {r.get('target')}"),
    Variable("intensity", "ordinal", lambda r: r.get("intensity") if isinstance(r.get("intensity"), int) else None),
    Variable("summit", "nominal", _field("summit_id")),
    Variable("attribution", "nominal", _field("attribution"), "attribution"),
    Variable("modality", "nominal", _field("modality"), "modality"),
)
#: The name of the event-linking row.
EVENT_LINKING = "event linking"


@dataclass(frozen=True)
class MatchedUnits:
    """Spans grouped into matched units (rule in the module docstring).

    Attributes
    ----------
    coders : list of str
    units : list of dict
        Each maps coder -> record; two or more coders each, in document and
        text order.
    unmatched : list of dict
        Records no other coder's span matched.
    min_overlap : float
    """

    coders: list[str]
    units: list[dict[str, dict]]
    unmatched: list[dict]
    min_overlap: float

    def unmatched_frame(self) -> pd.DataFrame:
        """The unmatched spans: ``annotator, document_id, start, end, quote, issue, stance``."""
        cols = ["annotator", "document_id", "start", "end", "quote", "issue", "stance"]
        return pd.DataFrame([{c: r.get(c) for c in cols} for r in self.unmatched], columns=cols)


def _agree(a: Mapping[str, Any], b: Mapping[str, Any]) -> int:
    return sum(a.get(k) == b.get(k) for k in ("issue", "stance", "actor", "target"))


def match_across_coders(
    records: Iterable[Mapping[str, Any]], *, coders: Sequence[str] | None = None, min_overlap: float = 0.5
) -> MatchedUnits:
    """Group the coders' spans into matched units.

    Parameters
    ----------
    records : iterable of dict
        Live records of every coder (field ``annotator`` tells them apart).
    coders : sequence of str, optional
        Default: every annotator present, sorted.
    min_overlap : float
        In (0, 1].

    Raises
    ------
    ValueError
        ``min_overlap`` out of range.
    """
    if not 0 < min_overlap <= 1:
        raise ValueError(f"min_overlap must be in (0, 1], got {min_overlap}")
    recs = [dict(r) for r in records if r.get("status", "anchored") == "anchored"]
    names = sorted({str(r["annotator"]) for r in recs}) if coders is None else list(coders)
    recs = [r for r in recs if str(r["annotator"]) in names]
    recs.sort(
        key=lambda r: (
            str(r["document_id"]),
            int(r["start"]),
            int(r["end"]),
            str(r["annotator"]),
            str(r.get("issue")),
            str(r.get("stance")),
            str(r.get("actor")),
            str(r.get("id")),
        )
    )
    pairs = []
    by_doc: dict[str, list[int]] = {}
    for i, r in enumerate(recs):
        by_doc.setdefault(str(r["document_id"]), []).append(i)
    for idx in by_doc.values():
        for i, j in itertools.combinations(idx, 2):
            a, b = recs[i], recs[j]
            if a["annotator"] == b["annotator"]:
                continue
            shared = min(int(a["end"]), int(b["end"])) - max(int(a["start"]), int(b["start"]))
            shorter = min(int(a["end"]) - int(a["start"]), int(b["end"]) - int(b["start"]))
            if shared > 0 and shared >= min_overlap * shorter:
                dist = abs(int(a["start"]) - int(b["start"])) + abs(int(a["end"]) - int(b["end"]))
                pairs.append((-shared, -_agree(a, b), dist, i, j))
    pairs.sort()
    group = list(range(len(recs)))
    members: dict[int, dict[str, int]] = {i: {str(r["annotator"]): i} for i, r in enumerate(recs)}

    def find(x: int) -> int:
        while group[x] != x:
            group[x] = group[group[x]]
            x = group[x]
        return x

    for *_, i, j in pairs:
        gi, gj = find(i), find(j)
        if gi == gj or set(members[gi]) & set(members[gj]):
            continue
        group[gj] = gi
        members[gi].update(members.pop(gj))
    units, unmatched = [], []
    for root in sorted(members, key=lambda g: min(members[g].values())):
        m = members[root]
        if len(m) >= 2:
            units.append({c: recs[i] for c, i in sorted(m.items())})
        else:
            unmatched.append(recs[next(iter(m.values()))])
    return MatchedUnits(coders=names, units=units, unmatched=unmatched, min_overlap=min_overlap)


def available_variables(matched: MatchedUnits) -> list[str]:
    """Variable names to report: every core variable, optional ones only when some record has the field."""
    recs = [r for u in matched.units for r in u.values()] + matched.unmatched
    out = [
        v.name for v in VARIABLES if v.optional_field is None or any(r.get(v.optional_field) not in (None, "", []) for r in recs)
    ]
    if any(r.get("event_id") for r in recs):
        out.append(EVENT_LINKING)
    return out


def _event_values(matched: MatchedUnits) -> list[dict[str, Any]]:
    # only coders who link events at all (some record of theirs has the field) say "different events" by omission
    linking = {str(r["annotator"]) for u in matched.units for r in u.values() if "event_id" in r}
    rows = []
    for u, v in itertools.combinations(matched.units, 2):
        doc_u = next(iter(u.values()))["document_id"]
        if next(iter(v.values()))["document_id"] != doc_u:
            continue
        row = {}
        for c in matched.coders:
            if c in u and c in v and c in linking:
                eu, ev = u[c].get("event_id"), v[c].get("event_id")
                row[c] = "same event" if eu and eu == ev else "different events"
        rows.append(row)
    return rows


def variable_codes(matched: MatchedUnits, variable: str) -> tuple[np.ndarray, list[Any], Level]:
    """The reliability data of one variable as integer codes.

    Returns
    -------
    codes : ndarray of int, shape (coders, units)
        -1 = missing.
    domain : list
        The value of each code (sorted; numbers for intensity).
    level : str
    """
    level: Level
    if variable == EVENT_LINKING:
        rows, level = _event_values(matched), "nominal"
    else:
        spec = next((v for v in VARIABLES if v.name == variable), None)
        if spec is None:
            raise ValueError(
                f"variable {variable!r} unknown; use one of {', '.join(v.name for v in VARIABLES)} or {EVENT_LINKING!r}"
            )
        rows = [{c: spec.read(r) for c, r in u.items()} for u in matched.units]
        level = spec.level
    domain = sorted({v for row in rows for v in row.values() if v is not None}, key=lambda x: (str(type(x)), x))
    pos = {v: i for i, v in enumerate(domain)}
    codes = np.full((len(matched.coders), len(rows)), -1, dtype=np.int64)
    for j, row in enumerate(rows):
        for i, c in enumerate(matched.coders):
            v = row.get(c)
            if v is not None:
                codes[i, j] = pos[v]
    return codes, domain, level


def variable_reliability(
    matched: MatchedUnits, variables: Sequence[str] | None = None, *, n_boot: int = 20_000, seed: int | None = 0
) -> pd.DataFrame:
    """α with a bootstrap interval and decision for each variable.

    Returns
    -------
    pandas.DataFrame
        One row per variable: ``variable, level, units, pairable, alpha, low,
        high, p_min_0.667, p_min_0.8, status, decision``. ``units`` counts
        matched units with a value from two or more coders; ``p_min_x`` is
        the bootstrap probability that α ≥ x. See
        :class:`toolkit.agreement.AlphaInterval` for ``status``.
    """
    names = list(variables) if variables is not None else available_variables(matched)
    rows = []
    for name in names:
        codes, domain, level = variable_codes(matched, name)
        res = bootstrap_alpha(codes, max(len(domain), 1), level, n_boot=n_boot, seed=seed, source=name)
        rows.append(_row(name, level, codes, res))
    return pd.DataFrame(
        rows,
        columns=[
            "variable",
            "level",
            "units",
            "pairable",
            "alpha",
            "low",
            "high",
            "p_min_0.667",
            "p_min_0.8",
            "status",
            "decision",
        ],
    )


def _row(name: str, level: str, codes: np.ndarray, res: AlphaInterval) -> dict[str, Any]:
    return {
        "variable": name,
        "level": level,
        "units": int(((codes >= 0).sum(axis=0) >= 2).sum()),
        "pairable": res.n_pairable,
        "alpha": res.alpha,
        "low": res.low,
        "high": res.high,
        "p_min_0.667": res.probability_at_least(0.667),
        "p_min_0.8": res.probability_at_least(0.8),
        "status": res.status,
        "decision": res.decision(0.8),
    }


def category_alpha(matched: MatchedUnits, variable: str) -> pd.DataFrame:
    """Per-category α: each category against all others (binary, nominal).

    Returns
    -------
    pandas.DataFrame
        ``category, values, alpha, note``: ``values`` is how often coders used
        the category in matched units; α is NaN with a note when undefined
        (e.g. the category is used everywhere or nowhere).
    """
    codes, domain, _ = variable_codes(matched, variable)
    rows = []
    for k, cat in enumerate(domain):
        binary = np.where(codes < 0, -1, (codes == k).astype(np.int64))
        try:
            a, note = alpha_from_codes(binary, 2, "nominal", f"{variable}={cat}"), ""
        except AgreementError as exc:
            a, note = float("nan"), exc.summary
        rows.append({"category": cat, "values": int((codes == k).sum()), "alpha": a, "note": note})
    return pd.DataFrame(rows, columns=["category", "values", "alpha", "note"])


def coincidence_table(matched: MatchedUnits, variable: str) -> pd.DataFrame:
    """Krippendorff's coincidence matrix of one variable: how often value c met value k in a unit.

    Each unit with ``m_u ≥ 2`` values adds ``1 / (m_u - 1)`` for every
    ordered pair of values from different coders, so row sums are the number
    of pairable values in each category. Off-diagonal cells are confusions.
    """
    codes, domain, _ = variable_codes(matched, variable)
    k = len(domain)
    table = np.zeros((k, k))
    for j in range(codes.shape[1]):
        vals = codes[:, j][codes[:, j] >= 0]
        if len(vals) < 2:
            continue
        for a, b in itertools.permutations(range(len(vals)), 2):
            table[vals[a], vals[b]] += 1.0 / (len(vals) - 1)
    labels = pd.Index([str(d) for d in domain], name=variable)
    return pd.DataFrame(table, index=labels, columns=labels)
