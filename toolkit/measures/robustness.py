"""Does a summit's balance survive other counting choices? The robustness table and the power calculator.

:func:`robustness_table` recomputes the balance per summit under each
specification in :data:`SPECS` (acts, directed rows or mentions; the
US<->Russia dyad or every target; all phases or the summit day only; Jeffreys
intervals over acts or a bootstrap over source documents; with or without
ascribed/alleged or conditional records; count / intensity / intensity-score /
published-Goldstein weights; article-only / briefs-only / both) and puts them
side by side. A specification that needs a ledger column the ledger does not
have (``event_id``, ``joint``, ``attribution``, ``modality``) is listed as
**unavailable**, with the reason, never silently dropped.

:func:`power_table` says how many independent events per summit a shift
between two observed balances would need at 80% power
(:func:`toolkit.measures.intervals.events_needed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit.measures.balance import balance_table
from toolkit.measures.intervals import events_needed

__all__ = ["Spec", "SPECS", "ROBUSTNESS_COLUMNS", "robustness_table", "robustness_wide", "power_table"]


@dataclass(frozen=True)
class Spec:
    """One way of counting: keyword arguments for ``balance_table`` and ledger row filters."""

    name: str
    label: str
    options: dict = field(default_factory=dict)
    drop: tuple = ()  # (column, values): rows whose column is in values are left out
    keep: tuple = ()  # (column, values): only rows whose column is in values are kept
    needs: tuple = ()  # ledger columns this specification needs
    collapse_joint: bool = False


#: The specifications, default first.
SPECS: tuple[Spec, ...] = (
    # The default's label stays short (it is a row of the robustness chart); the chart's subtitle spells it out.
    Spec("default", "default: acts of the dyad, Jeffreys"),
    Spec("directed", "directed rows (a joint act twice)", {"count": "directed"}, needs=("joint",)),
    Spec("mentions", "mentions instead of acts", {"count": "mentions"}, needs=("event_id",)),
    Spec("joint_once", "directed rows, joint acts once", {"count": "directed"}, collapse_joint=True, needs=("joint",)),
    Spec("all_targets", "every target, not only the dyad", {"scope": "all"}, needs=("dyad",)),
    Spec("at_summit", "acts at the summit only (phase at)", keep=("phase", ("at",)), needs=("phase",)),
    Spec(
        "documents",
        "bootstrap clustered by source document",
        {"interval": "bootstrap", "resample": "documents", "n_boot": 2000},
        needs=("document_id",),
    ),
    Spec("no_ascribed", "without ascribed or alleged", drop=("attribution", ("ascribed", "alleged")), needs=("attribution",)),
    Spec(
        "no_conditional",
        "without conditional or hypothetical",
        drop=("modality", ("conditional", "hypothetical")),
        needs=("modality",),
    ),
    Spec("intensity", "intensity weights", {"weight": "intensity"}),
    Spec("score", "intensity-score weights", {"weight": "score"}),
    Spec("goldstein", "published Goldstein weights", {"weight": "goldstein"}, needs=("goldstein",)),
    Spec("article_only", "article spans only", {"evidence": "span"}),
    Spec("briefs_only", "briefs only", {"evidence": "brief"}),
)

#: Columns of :func:`robustness_table` (long form).
ROBUSTNESS_COLUMNS: tuple[str, ...] = (
    "spec",
    "label",
    "available",
    "reason",
    "summit_order",
    "summit_id",
    "summit_label",
    "n",
    "balance",
    "ci_low",
    "ci_high",
    "thin",
    "scale",
)


def _missing(ledger: pd.DataFrame, spec: Spec) -> str | None:
    for col in spec.needs:
        if col not in ledger.columns or ledger[col].isna().all():
            return f"the ledger has no {col!r} values"
    return None


def _collapse_joint(ledger: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per joint act (rows flagged ``joint`` of one act differ only in direction)."""
    joint = ledger["joint"].fillna(False).astype(bool)
    # a row's act is its event when it names one, else the row itself (briefs and spans without an
    # event_id must not share one empty key)
    own = ledger["id"].astype(str)
    if "event_id" in ledger:
        eid = ledger["event_id"]
        named = eid.notna() & eid.astype(str).ne("")
        act = eid.astype(str).where(named, "row:" + own)
    else:
        act = own
    keys = pd.DataFrame(
        {
            "act": act.astype(str),
            "summit": ledger["summit_id"].astype(str),
            "issue": ledger["issue"].astype(str),
            "stance": ledger["stance"].astype(str),
        }
    )
    dup = keys[joint].duplicated()
    drop = pd.Series(False, index=ledger.index)
    drop[dup.index[dup.to_numpy()]] = True
    return ledger[~drop.to_numpy()]


def robustness_table(ledger: pd.DataFrame, *, summits=None, specs: tuple[Spec, ...] = SPECS, **options: Any) -> pd.DataFrame:
    """Balance per summit under every specification, in long form.

    Parameters
    ----------
    ledger : pandas.DataFrame
    summits : optional
        Passed to :func:`toolkit.measures.balance.balance_table`.
    specs : tuple of Spec
        Default :data:`SPECS`.
    **options
        Common ``balance_table`` options (``scale``, ``interval``, ``level``...);
        a specification's own options win.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ROBUSTNESS_COLUMNS`; one row per specification x summit,
        or one row with ``available == False`` and the ``reason`` for a
        specification the ledger cannot support.
    """
    rows = []
    for spec in specs:
        reason = _missing(ledger, spec)
        if reason is not None:
            rows.append({"spec": spec.name, "label": spec.label, "available": False, "reason": reason})
            continue
        led = ledger
        if spec.drop:
            col, values = spec.drop
            led = led[~led[col].isin(values).to_numpy()]
        if spec.keep:
            col, values = spec.keep
            led = led[led[col].isin(values).to_numpy()]
        if spec.collapse_joint:
            led = _collapse_joint(led)
        t = balance_table(led, by="summit", summits=summits, **{**options, **spec.options})
        for r in t.itertuples():
            rows.append(
                {
                    "spec": spec.name,
                    "label": spec.label,
                    "available": True,
                    "reason": "",
                    "summit_order": r.summit_order,
                    "summit_id": r.summit_id,
                    "summit_label": r.summit_label,
                    "n": r.n,
                    "balance": r.balance,
                    "ci_low": r.ci_low,
                    "ci_high": r.ci_high,
                    "thin": r.thin,
                    "scale": r.scale,
                }
            )
    out = pd.DataFrame(rows, columns=list(ROBUSTNESS_COLUMNS))
    out["summit_order"] = out["summit_order"].astype("Int64")
    out["n"] = out["n"].astype("Int64")
    return out


def robustness_wide(long: pd.DataFrame, *, digits: int = 2) -> pd.DataFrame:
    """One row per summit, one column per available specification: "balance [low, high] (n)".

    Unavailable specifications become one column each whose cells read
    "unavailable: <reason>", so nothing disappears from the printed table.
    """
    avail = long[long["available"]]
    summits = avail.drop_duplicates("summit_id").sort_values("summit_order")["summit_label"].tolist()

    def cell(r) -> str:
        if r.n == 0 or not np.isfinite(r.balance):
            return "no evidence (n=0)"
        return f"{r.balance:+.{digits}f} [{r.ci_low:+.{digits}f}, {r.ci_high:+.{digits}f}] (n={r.n})"

    table = {}
    for spec, grp in long.groupby("spec", sort=False):
        if not grp["available"].iloc[0]:
            table[spec] = {s: f"unavailable: {grp['reason'].iloc[0]}" for s in summits}
        else:
            table[spec] = {r.summit_label: cell(r) for r in grp.itertuples()}
    out = pd.DataFrame(table).reindex(summits)
    out.index.name = "summit"
    return out


def power_table(summit_table: pd.DataFrame, *, pairs=None, power: float = 0.8, alpha: float = 0.05) -> pd.DataFrame:
    """For each pair of summits (default: consecutive), the events per summit needed to detect their difference.

    Uses the observed relative balances (``summit_table`` must be on the
    relative scale) and :func:`toolkit.measures.intervals.events_needed`; ``have`` is
    the smaller of the two summits' goodwill + grievance event counts (agenda
    events do not count toward a balance).
    """
    if len(summit_table) and str(summit_table["scale"].iloc[0]) != "relative":
        raise ValueError("power_table needs a table on the relative scale (balance_table(..., scale='relative'))")
    t = summit_table.sort_values("summit_order", kind="stable").set_index("summit_id")
    ids = t.index.tolist()
    chosen = list(zip(ids[:-1], ids[1:])) if pairs is None else list(pairs)
    rows = []
    for a, b in chosen:
        ba, bb = float(t.loc[a, "balance"]), float(t.loc[b, "balance"])
        ok = np.isfinite(ba) and np.isfinite(bb) and ba != bb
        need = events_needed(ba, bb, power=power, alpha=alpha) if ok else None
        rows.append(
            {
                "from_label": t.loc[a, "summit_label"],
                "to_label": t.loc[b, "summit_label"],
                "from_balance": ba,
                "to_balance": bb,
                "needed_per_summit": need,
                "have": int(
                    min(t.loc[a, "n_goodwill"] + t.loc[a, "n_grievance"], t.loc[b, "n_goodwill"] + t.loc[b, "n_grievance"])
                ),
            }
        )
    out = pd.DataFrame(rows, columns=["from_label", "to_label", "from_balance", "to_balance", "needed_per_summit", "have"])
    out["needed_per_summit"] = out["needed_per_summit"].astype("Int64")
    return out
