"""Intervals, shifts and power with the act and the source document as the independent unit, and what drives a result.

The Jeffreys interval of :func:`toolkit.balance.balance_table` treats every counted act as
independent. Acts reported by one article are not: one reporter, one day, one framing. This
module shows both readings of the same cells:

- **acts**: each act is a cluster (a joint act is one act; several mentions of it move together);
- **documents**: the acts of one source document move together: an article's spans share its
  ``document_id``; briefs share their ``source_url`` (a brief without one is its own cluster).

Method (a cluster bootstrap, Davison and Hinkley 1997, ch. 3.8): for each summit s (in summit
order, index i), with its k clusters (sorted by their labels, :func:`cluster_labels`) holding
goodwill g_c and grievance r_c,
``rng = numpy.random.default_rng([seed, i])``, ``idx = rng.integers(0, k, size=(n_boot, k))``,
and each draw's relative balance is (sum g - sum r)/(sum g + sum r) over the drawn clusters (NaN
where both are 0). Intervals are the equal-tailed ``numpy.nanquantile`` (linear) percentiles; a
shift's draws are the differences of the two summits' draws (independent streams); its
``p_direction`` is the share of finite differences with the sign of the observed shift. The
**design effect** of a summit is the variance of its document-clustered draws over that of its
act-clustered draws; ``effective_n`` = acts / design effect is what the power formula
(:func:`toolkit.intervals.events_needed`) should be compared with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from toolkit.ledger.selection import Scope, filter_ledger, in_scope
from toolkit.measures.intervals import events_needed
from toolkit.measures.units import count_units

__all__ = [
    "Cluster",
    "CLUSTERS",
    "cluster_labels",
    "clustered_intervals",
    "clustered_shifts",
    "clustered_power",
    "source_contributions",
    "phase_comparison",
]

Cluster = Literal["acts", "documents"]
CLUSTERS: tuple[Cluster, ...] = get_args(Cluster)


def cluster_labels(units: pd.DataFrame, by: Cluster) -> np.ndarray:
    """The cluster of each counted unit (rows of :func:`toolkit.units.count_units`), as strings.

    An act is named by its ``event_id``, else by the record it comes from (evidence/set/id: the two
    directions of a joint act share it). A document is the span's ``document_id`` or the brief's
    ``source_url``; a unit with neither is its own cluster.
    """
    if by not in CLUSTERS:
        raise ValueError(f"clusters={by!r} is not one of {', '.join(CLUSTERS)}")
    none = pd.Series(None, index=units.index, dtype=object)
    cols = {
        c: (units[c] if c in units else none).tolist() for c in ("evidence", "set", "id", "event_id", "document_id", "source_url")
    }
    out = []
    for ev, st, rid, eid, doc, url in zip(*cols.values()):
        act = f"ev:{eid}" if isinstance(eid, str) and eid else f"row:{ev}/{st}/{rid}"
        if by == "documents" and ev == "span" and isinstance(doc, str) and doc:
            act = f"doc:{doc}"
        elif by == "documents" and ev == "brief" and isinstance(url, str) and url:
            act = f"url:{url}"
        out.append(act)
    return np.array(out, dtype=object)


def _units(ledger: pd.DataFrame, scope: Scope, filters: dict[str, Any]) -> tuple[pd.DataFrame, str]:
    keep, label = in_scope(ledger, scope)
    rows = filter_ledger(ledger[keep], **filters)
    units = count_units(rows, "events")
    units = units[units["stance"].isin(["goodwill", "grievance"])]
    return units, label


def _draws(g: np.ndarray, r: np.ndarray, n_boot: int, seed: int, stream: int) -> np.ndarray:
    k = len(g)
    if k == 0 or n_boot == 0:
        return np.full(n_boot, np.nan)
    rng = np.random.default_rng([seed, stream])
    idx = rng.integers(0, k, size=(n_boot, k))
    gs, rs = g[idx].sum(axis=1), r[idx].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(gs + rs > 0, (gs - rs) / (gs + rs), np.nan)


def _summit_draws(units: pd.DataFrame, by: Cluster, summit_ids: list[str], n_boot: int, seed: int) -> dict[str, np.ndarray]:
    labels = cluster_labels(units, by) if len(units) else np.array([], dtype=object)
    good = units["stance"].eq("goodwill").to_numpy(dtype=float) if len(units) else np.zeros(0)
    out = {}
    for i, sid in enumerate(summit_ids):
        mask = units["summit_id"].eq(sid).to_numpy(dtype=bool) if len(units) else np.zeros(0, dtype=bool)
        _, codes = np.unique(labels[mask].astype(str), return_inverse=True)  # clusters in sorted label order
        g = np.bincount(codes, weights=good[mask], minlength=codes.max(initial=-1) + 1)
        r = np.bincount(codes, weights=1 - good[mask], minlength=codes.max(initial=-1) + 1)
        out[sid] = _draws(g, r, n_boot, seed, i)
    return out


def _summits(ledger: pd.DataFrame) -> pd.DataFrame:
    cols = ["summit_order", "summit_id", "summit_label"]
    return ledger[cols].dropna(subset=["summit_id"]).drop_duplicates("summit_id").sort_values("summit_order", kind="stable")


def clustered_intervals(
    ledger: pd.DataFrame,
    *,
    scope: Scope = "dyad",
    n_boot: int = 4000,
    level: float = 0.95,
    seed: int = 0,
    **filters: Any,
) -> pd.DataFrame:
    """Per summit: the relative balance of its acts with an act-clustered and a document-clustered interval.

    Returns
    -------
    pandas.DataFrame
        ``summit_id, summit_label, n_acts`` (goodwill and grievance acts; agenda acts do not
        count toward a balance), ``n_documents, balance, acts_low, acts_high,
        documents_low, documents_high, design_effect, effective_n, scope``. ``n_documents`` counts
        the document clusters (an article, a brief source, or a lone act).
    """
    if not 0 < level < 1:
        raise ValueError(f"level {level!r} must lie between 0 and 1")
    units, label = _units(ledger, scope, filters)
    summits = _summits(ledger)
    ids = summits["summit_id"].tolist()
    draws = {by: _summit_draws(units, by, ids, n_boot, seed) for by in CLUSTERS}
    a = (1 - level) / 2
    rows = []
    for sid, name in zip(ids, summits["summit_label"]):
        u = units[units["summit_id"] == sid]
        g, r = int(u["stance"].eq("goodwill").sum()), int(u["stance"].eq("grievance").sum())
        bal = (g - r) / (g + r) if g + r else np.nan
        row: dict[str, Any] = {"summit_id": sid, "summit_label": name, "n_acts": len(u)}
        row["n_documents"] = len(set(cluster_labels(u, "documents"))) if len(u) else 0
        row["balance"] = bal
        for by in CLUSTERS:
            d = draws[by][sid]
            finite = np.isfinite(d).any()
            lo, hi = np.nanquantile(d, [a, 1 - a]) if finite else (np.nan, np.nan)
            row[f"{by}_low"], row[f"{by}_high"] = float(lo), float(hi)
        va, vd = np.nanvar(draws["acts"][sid]) if g + r else np.nan, np.nanvar(draws["documents"][sid]) if g + r else np.nan
        deff = float(vd / va) if g + r and va > 0 else np.nan
        row["design_effect"] = deff
        row["effective_n"] = float((g + r) / deff) if np.isfinite(deff) and deff > 0 else np.nan
        row["scope"] = label
        rows.append(row)
    return pd.DataFrame(rows)


def clustered_shifts(
    ledger: pd.DataFrame,
    *,
    pairs: Iterable[tuple[str, str]] | None = None,
    scope: Scope = "dyad",
    n_boot: int = 4000,
    level: float = 0.95,
    seed: int = 0,
    **filters: Any,
) -> pd.DataFrame:
    """Shift between summits (default: consecutive) with act- and document-clustered intervals and P(direction)."""
    units, label = _units(ledger, scope, filters)
    summits = _summits(ledger)
    ids = summits["summit_id"].tolist()
    names = dict(zip(ids, summits["summit_label"]))
    chosen = list(zip(ids[:-1], ids[1:])) if pairs is None else list(pairs)
    draws = {by: _summit_draws(units, by, ids, n_boot, seed) for by in CLUSTERS}
    a = (1 - level) / 2
    rows = []
    for f, t in chosen:
        bal = {}
        for s in (f, t):
            u = units[units["summit_id"] == s]
            g, r = int(u["stance"].eq("goodwill").sum()), int(u["stance"].eq("grievance").sum())
            bal[s] = (g - r) / (g + r) if g + r else np.nan
        shift = bal[t] - bal[f]
        row: dict[str, Any] = {"from_label": names[f], "to_label": names[t], "shift": shift}
        for by in CLUSTERS:
            d = draws[by][t] - draws[by][f]
            d = d[np.isfinite(d)]
            lo, hi = np.quantile(d, [a, 1 - a]) if len(d) else (np.nan, np.nan)
            row[f"{by}_low"], row[f"{by}_high"] = float(lo), float(hi)
            row[f"{by}_p_direction"] = float(np.mean(np.sign(d) == np.sign(shift))) if len(d) and shift else np.nan
        row["scope"] = label
        rows.append(row)
    return pd.DataFrame(rows)


def clustered_power(intervals: pd.DataFrame, *, power: float = 0.8, alpha: float = 0.05) -> pd.DataFrame:
    """For consecutive summits of :func:`clustered_intervals`: acts needed, and acts and effective acts at hand."""
    rows = []
    t = intervals.reset_index(drop=True)
    for i in range(len(t) - 1):
        f, g = t.iloc[i], t.iloc[i + 1]
        ok = np.isfinite(f["balance"]) and np.isfinite(g["balance"]) and f["balance"] != g["balance"]
        need = events_needed(float(f["balance"]), float(g["balance"]), power=power, alpha=alpha) if ok else None
        rows.append(
            {
                "from_label": f["summit_label"],
                "to_label": g["summit_label"],
                "needed_per_summit": need,
                "have_acts": int(min(f["n_acts"], g["n_acts"])),
                "have_effective": float(np.nanmin([f["effective_n"], g["effective_n"]])),
            }
        )
    out = pd.DataFrame(rows)
    out["needed_per_summit"] = out["needed_per_summit"].astype("Int64")
    return out


def source_contributions(
    ledger: pd.DataFrame, documents: Mapping[str, Any] | None = None, *, scope: Scope = "dyad", **filters: Any
) -> pd.DataFrame:
    """How many of each summit's acts each source document, and each sentence of it, contributes.

    One row per summit x source (an article by ``document_id``, a brief source by ``source_url``)
    x sentence (articles only, when ``documents`` maps document ids to
    :class:`toolkit.corpus.Document`; sentences as :func:`toolkit.corpus.segment` splits them).
    Columns ``summit_id, summit_label, source, sentence, sentence_text, n_acts, n_goodwill,
    n_grievance, share`` (of the summit's goodwill and grievance acts), largest first per summit.
    """
    from toolkit.corpus.documents import segment, sentence_of

    units, label = _units(ledger, scope, filters)
    segs = {k: segment(d) for k, d in (documents or {}).items()}
    rows = []
    for r in units.itertuples():
        src = cluster_labels(units.loc[[r.Index]], "documents")[0]
        sent, text = None, None
        doc = getattr(r, "document_id", None)
        start = getattr(r, "start", None)
        if r.evidence == "span" and doc in segs and start is not None and not pd.isna(start):
            sent = sentence_of(segs[doc], int(start))
            text = None if sent is None else segs[doc][sent].text
        rows.append((r.summit_id, r.summit_label, src.split(":", 1)[1], sent, text, r.stance))
    df = pd.DataFrame(rows, columns=["summit_id", "summit_label", "source", "sentence", "sentence_text", "stance"])
    keys = ["summit_id", "summit_label", "source", "sentence", "sentence_text"]
    out = (
        df.assign(n_goodwill=df["stance"].eq("goodwill"), n_grievance=df["stance"].eq("grievance"))
        .groupby(keys, dropna=False, sort=False)[["n_goodwill", "n_grievance"]]
        .sum()
        .reset_index()
    )
    out["n_acts"] = out["n_goodwill"] + out["n_grievance"]
    out["share"] = out["n_acts"] / out.groupby("summit_id")["n_acts"].transform("sum")
    out["scope"] = label
    out["sentence"] = out["sentence"].astype("Int64")
    cols = [*keys, "n_acts", "n_goodwill", "n_grievance", "share", "scope"]
    return out.sort_values(["summit_id", "n_acts"], ascending=[True, False], kind="stable")[cols].reset_index(drop=True)


def phase_comparison(ledger: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """Per summit: the balance of all phases beside that of the acts dated at the summit (phase ``at``).

    ``options`` go to :func:`toolkit.balance.balance_table` for both. Acts without a phase (undated)
    count only in the all-phase column. Columns ``summit_id, summit_label`` and, for ``all`` and
    ``at``, ``n_…, balance_…, ci_low_…, ci_high_…``.
    """
    from toolkit.measures.balance import balance_table

    summits = options.pop("summits", None)
    summits = _summit_frame(ledger) if summits is None else summits  # a filtered ledger keeps every summit
    both = balance_table(ledger, summits=summits, **options)
    at_phase = ledger["phase"].eq("at").to_numpy(dtype=bool, na_value=False)
    at = balance_table(ledger[at_phase], summits=summits, **options)
    keep = ["summit_id", "summit_label", "n", "balance", "ci_low", "ci_high"]
    out = both[keep].merge(at[keep[:1] + keep[2:]], on="summit_id", suffixes=("_all", "_at"))
    return out.assign(scope=both["scope"].to_numpy())


def _summit_frame(ledger: pd.DataFrame) -> pd.DataFrame:
    """The summits of a ledger as a table balance_table accepts (so a filtered ledger keeps every summit)."""
    s = ledger.drop_duplicates("summit_id").dropna(subset=["summit_id"])
    return pd.DataFrame(
        {"summit_id": s["summit_id"], "label": s["summit_label"], "date": s["summit_date"], "format": s["summit_format"]}
    )
