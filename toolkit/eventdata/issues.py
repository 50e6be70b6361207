"""Machine events by the codebook's issue domains, through PLOVER contexts.

The table is the codebook itself: each issue names its PLOVER context
(``plover_context`` in ``codebook.yaml``) and its domain. A context leads to
the domain that most of the issues naming it belong to (``military``: four
security issues against two regional ones, so security); a context that
leads to two domains equally, or that no issue names, leads nowhere. A
machine event counts in the domain of each of its contexts (once per domain);
an event whose contexts lead nowhere, or that has none (every GDELT and
ICEWS event: CAMEO codes carry no topic), counts as ``other``.
:func:`context_domains` shows the table, with the issues behind each row.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from toolkit.measures.intervals import jeffreys_interval, relative_balance

__all__ = ["OTHER_DOMAIN", "context_domains", "domain_balance"]

OTHER_DOMAIN = "other"


def context_domains(codebook: Any) -> pd.DataFrame:
    """One row per PLOVER context the codebook's issues name: ``context, domain, issues``."""
    by_context: dict[str, list[tuple[str, str]]] = {}
    for issue_id, issue in codebook.issues.items():
        ctx = getattr(issue, "plover_context", None)
        if ctx:
            by_context.setdefault(str(ctx), []).append((issue_id, str(issue.domain)))
    rows = []
    for ctx, pairs in sorted(by_context.items()):
        counts = Counter(domain for _, domain in pairs).most_common()
        tie = len(counts) > 1 and counts[0][1] == counts[1][1]
        rows.append(
            {
                "context": ctx,
                "domain": OTHER_DOMAIN if tie else counts[0][0],
                "issues": ", ".join(i for i, _ in pairs),
            }
        )
    return pd.DataFrame(rows, columns=["context", "domain", "issues"])


def domain_balance(events: pd.DataFrame, codebook: Any) -> pd.DataFrame:
    """Per summit and domain: ``n, goodwill, grievance, balance, ci_low, ci_high`` (Jeffreys).

    ``events``: one row per machine event with ``summit_id``, ``event_id``,
    ``quad_class`` and ``plover_contexts`` (``;``-separated), as
    :func:`toolkit.eventdata.query.scoped_events` returns them.
    """
    table = dict(zip(*context_domains(codebook)[["context", "domain"]].to_numpy().T))
    ev = events[["summit_id", "event_id", "quad_class", "plover_contexts"]].copy()
    ctx = ev["plover_contexts"].fillna("").astype(str).str.split(";")
    ev["domain"] = [sorted({table.get(c.strip(), OTHER_DOMAIN) for c in cs if c.strip()}) or [OTHER_DOMAIN] for cs in ctx]
    ev = ev.explode("domain")
    q = pd.to_numeric(ev["quad_class"], errors="coerce")
    ev["g"] = q.isin([1, 2]).astype(int)
    ev["r"] = q.isin([3, 4]).astype(int)
    out = ev.groupby(["summit_id", "domain"], sort=True).agg(
        n=("event_id", "size"), goodwill=("g", "sum"), grievance=("r", "sum")
    )
    out = out.reset_index()
    g, r = out["goodwill"].to_numpy(float), out["grievance"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["balance"] = np.where(g + r > 0, relative_balance(g, r), np.nan)
    out["ci_low"], out["ci_high"] = jeffreys_interval(g, r)
    return out
