"""Counting by event rather than by mention: directed dyads of joint acts, one row per event, the comparison table.

The rules (see :mod:`toolkit.records.events` for the event records themselves): a row
whose actor is a pair is expanded into one row per direction
(:func:`expand_pairs`); rows that share an event key (``event_id``, else the
row's own id) and the same actor and target are one event
(:func:`event_table`); :func:`counting_comparison` shows how the balance moves
under each way of counting.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover - types only
    from toolkit.codebook.load import Codebook

__all__ = [
    "COMPARISON_COLUMNS",
    "QUAD_COLUMNS",
    "Count",
    "counting_comparison",
    "event_table",
    "expand_pairs",
    "quad_class_split",
]

Count = Literal["events", "mentions"]


def expand_pairs(df: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One directed row per direction for every row whose actor is a pair.

    A row ``US-Russia -> US-Russia`` becomes ``US -> Russia`` and
    ``Russia -> US``; both keep the row's id and get ``joint`` True and
    ``joint_actor`` the pair. A row of a ``kind: mutual`` actor (both sides, the text not
    saying which holds the stance) stays one row with ``joint`` True. Other rows get ``joint`` False.
    """
    pairs = {a.id: a.members for a in codebook.actors.values() if a.kind == "pair" and len(a.members) == 2}
    mutual = [a.id for a in codebook.actors.values() if a.kind == "mutual"]
    is_pair = df["actor"].isin(list(pairs)).to_numpy(dtype=bool) if len(df) else np.zeros(0, dtype=bool)
    out = df.assign(joint=False, joint_actor=None)
    if len(df) and mutual:  # both sides, direction not given: one row, never expanded
        is_mutual = out["actor"].isin(mutual)
        out.loc[is_mutual, "joint"] = True
        out.loc[is_mutual, "joint_actor"] = out.loc[is_mutual, "actor"]
    if not len(df) or not is_pair.any():
        return out
    single, joint = out[~is_pair], out[is_pair]
    first = joint.assign(
        joint=True,
        joint_actor=joint["actor"],
        actor=joint["actor"].map(lambda a: pairs[a][0]),
        target=joint["actor"].map(lambda a: pairs[a][1]),
    )
    second = first.assign(actor=first["target"], target=first["actor"])
    both = pd.concat([first, second]).sort_index(kind="stable")
    return pd.concat([single, both]).sort_index(kind="stable").reset_index(drop=True)


def _collapse_pairs(ledger: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`expand_pairs`: one row per joint record, with the pair as actor and target."""
    if "joint" not in ledger.columns or not ledger["joint"].fillna(False).astype(bool).any():
        return ledger
    joint = ledger["joint"].fillna(False).astype(bool)
    one = ledger[joint].drop_duplicates(["set", "evidence", "id"])
    one = one.assign(actor=one["joint_actor"], target=one["joint_actor"])
    return pd.concat([ledger[~joint], one]).sort_index(kind="stable")


def event_table(
    ledger: pd.DataFrame,
    count: Count = "events",
    expand_pairs: bool = True,
    *,
    exclude_attribution: Iterable[str] = (),
    exclude_modality: Iterable[str] = (),
) -> pd.DataFrame:
    """The ledger as counting units: one row per event (default) or per mention.

    Parameters
    ----------
    ledger : pandas.DataFrame
        A ledger from :func:`toolkit.ledger.build_ledger` (pairs expanded, the default).
    count : {"events", "mentions"}
        ``events``: rows sharing an event key (``event_id``, else the row's
        id) and the same actor and target are one unit; the unit keeps the
        first row's codes and gets ``n_mentions``. ``mentions``: every row.
    expand_pairs : bool
        False counts a joint act once, with the pair actor (the 1.x rule).
    exclude_attribution, exclude_modality : iterable of str
        Drop mentions with these values first (e.g. ``("ascribed",)``,
        ``("conditional", "hypothetical")``).

    Returns
    -------
    pandas.DataFrame
        The ledger's columns plus ``event_key`` and ``n_mentions``; a
        ``count`` column says which unit was counted.
    """
    if count not in ("events", "mentions"):
        raise ValueError(f"count must be 'events' or 'mentions', not {count!r}")
    rows = ledger if expand_pairs else _collapse_pairs(ledger)
    for col, values in (("attribution", exclude_attribution), ("modality", exclude_modality)):
        values = [values] if isinstance(values, str) else list(values)
        if values and col in rows.columns:
            rows = rows[~rows[col].isin(values)]
    key = rows["event_id"].where(
        rows["event_id"].notna() & (rows["event_id"] != ""), rows["evidence"].astype(str) + ":" + rows["id"].astype(str)
    )
    rows = rows.assign(event_key=rows["set"].astype(str) + "/" + key.astype(str))
    if count == "mentions":
        return rows.assign(n_mentions=1, count="mentions").reset_index(drop=True)
    group = ["event_key", "actor", "target"]
    n = rows.groupby(group, sort=False, dropna=False)["id"].transform("size")
    first = rows.assign(n_mentions=n).drop_duplicates(group, keep="first")
    return first.assign(count="events").reset_index(drop=True)


COMPARISON_COLUMNS = ("variant", "count", "pairs_expanded", "excluded", "n", "n_goodwill", "n_grievance", "n_agenda", "balance")


def _tally(t: pd.DataFrame) -> dict:
    g = int((t["stance"] == "goodwill").sum())
    r = int((t["stance"] == "grievance").sum())
    a = int((t["stance"] == "agenda").sum())
    return {
        "n": len(t),
        "n_goodwill": g,
        "n_grievance": r,
        "n_agenda": a,
        "balance": (g - r) / (g + r) if g + r else float("nan"),
    }


def counting_comparison(ledger: pd.DataFrame, summit_id: str | None = None, *, evidence: str | None = None) -> pd.DataFrame:
    """The same rows counted under different conventions, side by side.

    Rows: mentions with the pair as one unit (the 1.x figures); mentions with
    pairs expanded; events with pairs not expanded; events (the default);
    events without ascribed stances; events without conditional,
    hypothetical or intended stances; events without either. Balance is
    (goodwill - grievance) / (goodwill + grievance) on counts; agenda rows
    are counted in ``n_agenda`` only.

    Parameters
    ----------
    summit_id : str, optional
        Restrict to one summit.
    evidence : {"span", "brief"}, optional
        Restrict to spans (an article's coding) or briefs.
    """
    rows = ledger
    if summit_id is not None:
        rows = rows[rows["summit_id"] == summit_id]
    if evidence is not None:
        rows = rows[rows["evidence"] == evidence]
    not_actual = ("conditional", "hypothetical", "intended")
    variants: list[tuple[str, Count, bool, tuple[str, ...], tuple[str, ...]]] = [
        ("mentions, pair as one unit", "mentions", False, (), ()),
        ("mentions, pairs expanded", "mentions", True, (), ()),
        ("events, pair as one unit", "events", False, (), ()),
        ("events (default)", "events", True, (), ()),
        ("events, without ascribed", "events", True, ("ascribed",), ()),
        ("events, without conditional/intended/hypothetical", "events", True, (), not_actual),
        ("events, without ascribed or conditional/intended/hypothetical", "events", True, ("ascribed",), not_actual),
    ]
    out = []
    for name, count, expand, attr, mod in variants:
        t = event_table(rows, count, expand, exclude_attribution=attr, exclude_modality=mod)
        out.append(
            {"variant": name, "count": count, "pairs_expanded": expand, "excluded": ", ".join((*attr, *mod)) or "", **_tally(t)}
        )
    return pd.DataFrame(out, columns=list(COMPARISON_COLUMNS))


QUAD_COLUMNS = ("summit_id", "quad_class", "quad_label", "n", "n_goodwill", "n_grievance", "n_agenda")


def quad_class_split(ledger: pd.DataFrame, count: Count = "events") -> pd.DataFrame:
    """Units per summit and CAMEO quad class (verbal/material x cooperation/conflict).

    The quad class is that of each row's event type (the ledger's ``quad_class`` column, GDELT's
    QuadClass of its CAMEO code; see :mod:`toolkit.codebook.published`). Units are counted as in
    :func:`event_table` (``count="events"``: one per event and direction). Rows without an event
    type are counted under quad class 0, "no event type", so that none is dropped unsaid.
    """
    from toolkit.codebook.published import QUAD_CLASSES

    rows = event_table(ledger, count)
    quad = rows["quad_class"].fillna(0).astype(int) if "quad_class" in rows else pd.Series(0, index=rows.index)
    rows = rows.assign(quad_class=quad.to_numpy())
    out = []
    for (summit, q), t in rows.groupby(["summit_id", "quad_class"], sort=True):
        tally = _tally(t)
        tally.pop("balance")
        quad_class = int(str(q))
        label = QUAD_CLASSES.get(quad_class, "no event type")
        out.append({"summit_id": summit, "quad_class": quad_class, "quad_label": label, **tally})
    return pd.DataFrame(out, columns=list(QUAD_COLUMNS))
