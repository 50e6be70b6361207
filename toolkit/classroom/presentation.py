"""How feedback and the class view are shown: plain text, escaped HTML, hot spots on the article.

A :class:`~toolkit.classroom.scoring.Feedback` is first turned into
:class:`Section` objects (:func:`feedback_sections`); the text and the HTML
renderers only walk those, so the two views always say the same thing.
Everything quoted from an article or a record is HTML-escaped in the HTML view.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.charts.palette import STANCE_COLORS

__all__ = [
    "fmt",
    "Item",
    "Section",
    "feedback_sections",
    "sections_text",
    "sections_html",
    "feedback_text",
    "feedback_html",
    "class_view_text",
    "HOTSPOT_COLOR",
    "hotspot_spans",
    "hotspots_html",
]


def fmt(v: Any) -> str:
    """A score with two decimals, ``n/a`` for None or NaN."""
    return "n/a" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.2f}"


@dataclass(frozen=True)
class Item:
    """One passage in a feedback section.

    ``before``/``after`` are the article text around ``quote`` (None: quote only);
    ``lines`` are ``(label, text)`` pairs shown under it.
    """

    sentence: int | None
    quote: str
    lines: tuple[tuple[str, str], ...]
    before: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class Section:
    """A heading, its paragraphs, and its numbered passages."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    level: int = 5
    strong: bool = False


def feedback_sections(fb: Any) -> list[Section]:
    """The sections of a student's feedback (title, notes, scores, missed, extra, differences)."""
    out = [Section(f"Feedback for {fb.annotator}, compared with the reference", level=4)]
    if fb.notes:
        out.append(Section("", tuple(fb.notes), strong=True))
    out.append(Section("", (fb.summary(), f"Exact matching (same start and end): F1 {fmt(fb.scores.loc['exact', 'f1'])}.")))

    def ctx(m: dict, lines: list[tuple[str, str]]) -> Item:
        return Item(m["sentence"], m["quote"], tuple(lines), m.get("before"), m.get("after"))

    if fb.missed:
        items = []
        for m in fb.missed:
            lines = [("reference", m["reference"])] + ([("why", m["note"])] if m["note"] else [])
            items.append(ctx(m, lines + [("you", "; ".join(m["yours"]) or "nothing here")]))
        out.append(Section(f"Passages the reference coded and you did not ({len(items)})", items=tuple(items)))
    if fb.extra:
        items = [ctx(m, [("you", m["yours"]), ("reference", "; ".join(m["reference"]) or "nothing here")]) for m in fb.extra]
        out.append(Section(f"Passages you coded that the reference does not code that way ({len(items)})", items=tuple(items)))
    if fb.differences:
        items = [ctx(m, [("you", m["yours"]), ("reference", m["reference"])]) for m in fb.differences]
        out.append(Section(f"Passages you both found but coded differently ({len(items)})", items=tuple(items)))
    if not (fb.missed or fb.extra or fb.differences):
        out.append(Section("", ("Every passage matches the reference.",)))
    return out


def _passage_text(it: Item) -> str:
    if it.before is None:
        return f"sentence {it.sentence}: [{it.quote}]"
    return f"sentence {it.sentence}: …{it.before}[{it.quote}]{it.after}…"


def sections_text(sections: list[Section]) -> str:
    """Plain text of ``sections``."""
    out: list[str] = []
    for k, sec in enumerate(sections):
        if sec.heading:
            out.append(sec.heading + (":" if sec.items else ""))
            if k == 0:
                out.append("")
        out.extend(sec.paragraphs)
        if sec.paragraphs and not sec.items and k < len(sections) - 1:
            out.append("")
        for n, it in enumerate(sec.items, 1):
            out.append(f"  {n}. {_passage_text(it)}")
            out.extend(f"     {label}: {text}" for label, text in it.lines)
    return "\n".join(out)


def sections_html(sections: list[Section], css_class: str = "sl-feedback") -> str:
    """Escaped HTML of ``sections`` (no script)."""
    e = html.escape
    parts = [f"<div class='{e(css_class)}'>"]
    for sec in sections:
        if sec.heading:
            parts.append(f"<h{sec.level}>{e(sec.heading)}</h{sec.level}>")
        for p in sec.paragraphs:
            parts.append(f"<p><b>{e(p)}</b></p>" if sec.strong else f"<p>{e(p)}</p>")
        if sec.items:
            parts.append("<ol>")
            for it in sec.items:
                quote = f"<mark>{e(it.quote)}</mark>"
                where = (
                    f"sentence {it.sentence}: {quote}"
                    if it.before is None
                    else f"sentence {it.sentence}: …{e(it.before)}{quote}{e(it.after or '')}…"
                )
                lines = "".join(f"<br><b>{e(label)}:</b> {e(text)}" for label, text in it.lines)
                parts.append(f"<li>{where}{lines}</li>")
            parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)


def feedback_text(fb: Any) -> str:
    """A student's feedback as plain text."""
    return sections_text(feedback_sections(fb))


def feedback_html(fb: Any) -> str:
    """A student's feedback as escaped HTML."""
    return sections_html(feedback_sections(fb))


def class_view_text(view: Any, top: int = 5) -> str:
    """α, the pairwise matrix and the ``top`` disagreement sentences of a class view, as plain text."""
    from toolkit.agreement import interpret_alpha

    r = view.report
    lines = [
        f"{len(r.annotators)} annotators: {', '.join(r.annotators)}",
        f"{r.n_units} sentence x issue units coded by two or more annotators",
        f"Krippendorff's alpha (stance, nominal): {fmt(r.alpha)}  [{interpret_alpha(r.alpha)}]",
        f"Krippendorff's alpha (intensity, ordinal, where coded): {fmt(r.alpha_intensity)}",
        f"Fleiss' kappa (stance, fixed panel): {fmt(r.fleiss)}",
    ]
    lines += [f"note: {n}" for n in r.notes]
    lines += [
        "",
        "Pairwise Cohen's kappa:",
        r.pairwise.round(3).to_string(na_rep="n/a"),
        "",
        f"Top {top} sentences by disagreement:",
    ]
    for k, row in enumerate(r.sentences.head(top).itertuples(), 1):
        if row.disagreement <= 0:
            break
        snippet = row.text if len(row.text) <= 100 else row.text[:97] + "..."
        lines.append(f"  {k}. sentence {row.segment + 1} (score {row.disagreement:.2f}): {snippet}")
        lines.append(f"     {row.detail}")
    return "\n".join(lines)


#: Shading colour of disagreement hot spots (Okabe-Ito reddish purple: not a stance colour).
HOTSPOT_COLOR = STANCE_COLORS["both"]  # the palette's colour for text coded both ways


def hotspot_spans(sentences: pd.DataFrame, document_id: str, *, top: int = 5) -> pd.DataFrame:
    """One shaded span per disputed sentence of a document, for :func:`toolkit.charts.article_html`.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`toolkit.agreement.sentence_disagreement`.
    document_id : str
    top : int
        The ``top`` sentences are labelled with their rank.

    Returns
    -------
    pandas.DataFrame
        Columns ``start, end, color, opacity, label``: opacity is 0.1 + 0.6 x
        the sentence's score over the document's highest score; sentences with
        no disagreement are left out.
    """
    rows = sentences[(sentences.document_id == document_id) & (sentences.disagreement > 0)]
    peak = float(rows.disagreement.max()) if len(rows) else 0.0
    out = []
    for rank, r in enumerate(rows.sort_values("disagreement", ascending=False, kind="stable").to_dict("records"), 1):
        head = f"#{rank} " if rank <= top else ""
        score = float(r["disagreement"])
        out.append(
            {
                "start": int(r["start"]),
                "end": int(r["end"]),
                "color": HOTSPOT_COLOR,
                "opacity": round(0.1 + 0.6 * score / peak, 2),
                "label": f"{head}disagreement {score:.2f}: {r['detail']}",
            }
        )
    return (
        pd.DataFrame(out, columns=["start", "end", "color", "opacity", "label"])
        .sort_values("start", kind="stable")
        .reset_index(drop=True)
    )


def hotspots_html(document, sentences: pd.DataFrame, *, top: int = 5, title: str | None = None) -> str:
    """The article with each sentence shaded by how much the annotators disagreed on it.

    Drawn by :func:`toolkit.charts.article_html` (escaped HTML, no script);
    hovering a sentence shows its score and the issues in dispute.

    Parameters
    ----------
    document : Document
    sentences : pandas.DataFrame
        From :func:`toolkit.agreement.sentence_disagreement`.
    top : int
        How many of the most disputed sentences carry their rank in the hover text.
    title : str, optional

    Returns
    -------
    str
        An HTML fragment followed by a one-line key.
    """
    from toolkit.charts.article import article_html

    spans = hotspot_spans(sentences, document.id, top=top)
    peak = float(sentences[sentences.document_id == document.id].disagreement.max()) if len(sentences) else 0.0
    key = (
        f"<p style='font-size:smaller'>Darker = more disagreement (highest score {peak:.2f}: the expected "
        "number of issues on which two annotators drawn at random code the sentence differently). "
        "Hover a sentence for the issues in dispute.</p>"
    )
    return article_html(document.text, spans, title=title, legend=False) + key
