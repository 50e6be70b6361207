"""(e) An article as HTML with highlighted spans, every piece of text escaped."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from toolkit.charts.palette import STANCE_COLORS, rgba

__all__ = ["ledger_spans", "article_html"]

_NEUTRAL = "#BBBBBB"


def ledger_spans(ledger: pd.DataFrame, document_id: str) -> pd.DataFrame:
    """The span rows of one document, ready for :func:`article_html`.

    Returns
    -------
    pandas.DataFrame
        Columns ``start, end, stance, label`` (label: "stance: issue (actor ->
        target, intensity)"), anchored spans only, sorted by ``start``.
    """
    s = ledger[
        (ledger["evidence"] == "span")
        & (ledger["document_id"] == document_id)
        & (ledger["status"].fillna("anchored") == "anchored")
    ]
    if "joint_actor" in s.columns and s["joint_actor"].notna().any():
        # a joint record is one row per direction in the ledger, but one span in the text
        s = s.drop_duplicates(["set", "id"]).assign(
            actor=s["joint_actor"].fillna(s["actor"]), target=s["joint_actor"].fillna(s["target"])
        )
    label = (
        s["stance"].astype(str)
        + ": "
        + s["issue_label"].fillna(s["issue"]).astype(str)
        + " ("
        + s["actor"].astype(str)
        + " \u2192 "
        + s["target"].astype(str)
        + ", intensity "
        + s["intensity"].astype(str)
        + ")"
    )
    out = pd.DataFrame(
        {"start": s["start"].astype("int64"), "end": s["end"].astype("int64"), "stance": s["stance"], "label": label}
    )
    return out.sort_values(["start", "end"], kind="stable").reset_index(drop=True)


def _span_list(spans: pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[dict]:
    items = spans.to_dict("records") if isinstance(spans, pd.DataFrame) else [dict(s) for s in spans]
    return items


def article_html(
    text: str,
    spans: pd.DataFrame | Iterable[Mapping[str, Any]] = (),
    *,
    title: str | None = None,
    opacity: float = 0.35,
    legend: bool = True,
) -> str:
    """(e) An article as HTML with highlighted spans, every piece of text escaped.

    Parameters
    ----------
    text : str
        The document text (offsets are code points into it).
    spans : DataFrame or iterable of mappings
        One per highlight, with ``start`` and ``end`` (0-based, end-exclusive)
        and either ``stance`` (coloured with :data:`STANCE_COLORS`) or
        ``color`` (``#rrggbb``); optional ``opacity`` (0-1) and ``label``
        (hover text). Per-sentence shading (e.g. disagreement hot spots) is
        the same thing: one span per sentence with its own colour and opacity.
        :func:`ledger_spans` builds these from a ledger.
    title : str, optional
        A heading above the text.
    opacity : float
        Default highlight opacity.
    legend : bool
        Add a stance legend when any span has a stance.

    Returns
    -------
    str
        A ``<div class="sl-article">`` fragment. Where spans overlap, the text
        takes the colour of the most opaque covering span (the later one on a
        tie), is underlined, and its hover text lists every covering label.

    Raises
    ------
    ValueError
        If a span lies outside the text or a colour is not a hex code.
    """
    items = _span_list(spans)
    n = len(text)
    marks = []
    for i, s in enumerate(items):
        start, end = int(s["start"]), int(s["end"])
        if not 0 <= start < end <= n:
            raise ValueError(f"span {i} ({start}, {end}) lies outside the text of {n} characters")
        color = s.get("color")
        if not color or (isinstance(color, float) and np.isnan(color)):
            color = STANCE_COLORS.get(str(s.get("stance")), _NEUTRAL)
        op = s.get("opacity")
        op = opacity if op is None or (isinstance(op, float) and np.isnan(op)) else float(op)
        label = s.get("label")
        label = "" if label is None or (isinstance(label, float) and np.isnan(label)) else str(label)
        marks.append((start, end, color, op, label, i))
    cuts = sorted({0, n, *[m[0] for m in marks], *[m[1] for m in marks]})
    parts = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        chunk = html.escape(text[a:b])
        cover = [m for m in marks if m[0] <= a and b <= m[1]]
        if not cover:
            parts.append(chunk)
            continue
        top = max(cover, key=lambda m: (m[3], m[5]))
        style = f"background:{rgba(top[2], top[3])};border-radius:2px"
        if len(cover) > 1:
            style += ";text-decoration:underline"
        tip = " | ".join(m[4] for m in cover if m[4])
        attr = f' title="{html.escape(tip, quote=True)}"' if tip else ""
        parts.append(f'<mark class="sl-span" data-start="{a}" data-end="{b}" style="{style}"{attr}>{chunk}</mark>')
    head = f"<h4>{html.escape(title)}</h4>" if title else ""
    leg = ""
    if legend and any(s.get("stance") in STANCE_COLORS for s in items):
        keys = "".join(
            f'<span style="background:{rgba(c, opacity)};padding:0 4px;margin-right:8px">{html.escape(k)}</span>'
            for k, c in STANCE_COLORS.items()
            if any(s.get("stance") == k for s in items)
        )
        leg = f'<div class="sl-legend" style="margin-bottom:6px">{keys}</div>'
    body = "".join(parts)
    return (
        f'<div class="sl-article" style="max-width:46em;line-height:1.6;font-family:Georgia,serif">'
        f'{head}{leg}<div class="sl-text" style="white-space:pre-wrap">{body}</div></div>'
    )
