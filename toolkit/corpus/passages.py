"""Finding one annotation again in a changed text: candidate passages, their scores, the decision.

For one annotation:

1. **Position.** If ``text[start:end]`` still equals the quote *and* the
   recorded prefix and suffix still stand around it, keep it. Equal words
   on the old offsets with another context are only a candidate, scored as
   below (an edit elsewhere can slide another "Ukraine" onto the offsets).
2. **Quote search.** Otherwise collect candidate passages — every exact
   occurrence of the quote, plus the best approximate matches found with
   :func:`rapidfuzz.fuzz.partial_ratio_alignment` (their edges refined by
   Levenshtein similarity) — and score each one as Hypothesis does::

       score = (50·quote + 20·prefix + 20·suffix + 2·position) / 92

   where ``quote``, ``prefix`` and ``suffix`` are normalised Levenshtein
   similarities (0-1) of the recorded quote and its 32 characters of context
   with the candidate's, and ``position`` is 1 minus the candidate's distance
   from the old start as a share of the text's length.
3. **Minimum score.** Hypothesis has none, so an annotation can silently land
   on a lookalike passage (hypothesis/client #7571). Here the best candidate
   must score at least :data:`MIN_SCORE`, and must beat any other candidate by
   :data:`MARGIN`; otherwise the annotation is marked ``orphaned`` and listed
   for review, keeping its old selectors.

:mod:`toolkit.store.reanchor` applies :func:`anchor` to every annotation of a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

__all__ = [
    "Anchoring",
    "Method",
    "anchor",
    "anchor_records",
    "FUZZY_CANDIDATES",
    "FUZZY_CUTOFF",
    "MARGIN",
    "MIN_SCORE",
    "SIDE_MIN",
    "WEIGHTS",
    "context_unchanged",
    "fuzzy_windows",
    "neighbours_agree",
    "quote_hits",
    "refine",
    "candidate_score",
]

CONTEXT = 32

#: Lowest score at which a moved or changed passage is accepted.
MIN_SCORE = 0.75
#: The best candidate must beat the runner-up by this much, or the annotation is orphaned as ambiguous.
MARGIN = 0.05
#: Hypothesis's weights for quote, prefix, suffix and position similarity.
WEIGHTS: dict[str, float] = {"quote": 50.0, "prefix": 20.0, "suffix": 20.0, "position": 2.0}
#: Least similarity of each side's context for a short quote to be accepted (see neighbours_agree).
SIDE_MIN = 0.35
#: How many approximate matches are examined per annotation.
FUZZY_CANDIDATES = 4
#: partial_ratio (0-100) below which an approximate match is not a candidate.
FUZZY_CUTOFF = 60.0


def quote_hits(text: str, quote: str) -> list[tuple[int, int]]:
    hits = []
    i = text.find(quote)
    while i >= 0:
        hits.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return hits


def refine(text: str, quote: str, s: int, e: int) -> tuple[int, int]:
    """Adjust a window's edges to maximise Levenshtein similarity with ``quote``."""
    k = max(2, min(12, len(quote) // 8))
    best = (Levenshtein.normalized_similarity(quote, text[s:e]), 0, s, e)
    for a in range(max(0, s - k), min(len(text), s + k) + 1):
        for b in range(max(a + 1, e - k), min(len(text), e + k) + 1):
            sim = Levenshtein.normalized_similarity(quote, text[a:b], score_cutoff=best[0])
            shift = abs(a - s) + abs(b - e)
            if (sim, -shift) > (best[0], -best[1]):
                best = (sim, shift, a, b)
    return best[2], best[3]


def fuzzy_windows(text: str, quote: str) -> list[tuple[int, int]]:
    """Up to FUZZY_CANDIDATES approximate matches, best first, non-overlapping."""
    out: list[tuple[int, int]] = []
    masked = text
    for _ in range(FUZZY_CANDIDATES):
        if len(quote) > len(masked):
            break
        al = fuzz.partial_ratio_alignment(quote, masked, score_cutoff=FUZZY_CUTOFF)
        if al is None or al.dest_end <= al.dest_start:
            break
        s, e = refine(text, quote, al.dest_start, al.dest_end)
        out.append((s, e))
        lo, hi = min(s, al.dest_start), max(e, al.dest_end)
        masked = masked[:lo] + "\x00" * (hi - lo) + masked[hi:]
    return out


def context_unchanged(text: str, record: dict, s: int, e: int) -> bool:
    """True when the recorded prefix and suffix still stand right before and after ``text[s:e]``.

    Only then are unchanged offsets proof that the annotation is in place: an
    edit elsewhere can move a *different* occurrence of the same words onto
    the old offsets, which only the context tells apart.
    """
    prefix = record.get("prefix") or ""
    suffix = record.get("suffix") or ""
    return text[max(0, s - len(prefix)) : s] == prefix and text[e : e + len(suffix)] == suffix


def neighbours_agree(text: str, record: dict, s: int, e: int) -> bool:
    """Whether a short quote's surroundings still resemble the recorded ones, on *both* sides.

    A quote shorter than the context window (a name, "Ukraine") occurs in
    many places; its identity is its surroundings. The weighted score lets
    a perfect prefix make up for a suffix that is entirely different (the
    old passage was deleted and the next "Ukraine" slid onto its offsets), so
    each side's similarity must also reach :data:`SIDE_MIN`. Longer quotes
    are distinctive by themselves.
    """
    if len(record.get("quote") or "") >= CONTEXT:
        return True
    prefix = record.get("prefix") or ""
    suffix = record.get("suffix") or ""
    p = Levenshtein.normalized_similarity(prefix, text[max(0, s - len(prefix)) : s]) if prefix else 1.0
    x = Levenshtein.normalized_similarity(suffix, text[e : e + len(suffix)]) if suffix else 1.0
    return min(p, x) >= SIDE_MIN


def candidate_score(text: str, record: dict, s: int, e: int) -> float:
    quote = record["quote"]
    prefix = record.get("prefix") or ""
    suffix = record.get("suffix") or ""
    q = Levenshtein.normalized_similarity(quote, text[s:e])
    p = Levenshtein.normalized_similarity(prefix, text[max(0, s - CONTEXT) : s]) if (prefix or s) else 1.0
    x = Levenshtein.normalized_similarity(suffix, text[e : e + CONTEXT]) if (suffix or e < len(text)) else 1.0
    pos = 1.0 - min(1.0, abs(s - int(record["start"])) / max(1, len(text)))
    w = WEIGHTS
    return (w["quote"] * q + w["prefix"] * p + w["suffix"] * x + w["position"] * pos) / sum(w.values())


Method = Literal["position", "quote", "fuzzy", "orphaned"]


@dataclass(frozen=True)
class Anchoring:
    """Where one annotation lands in the new text.

    Attributes
    ----------
    id : str
        The annotation id (unchanged by re-anchoring).
    status : {"anchored", "orphaned"}
    method : {"position", "quote", "fuzzy", "orphaned"}
        ``position``: offsets still select the quote; ``quote``: the exact
        quote found elsewhere; ``fuzzy``: an approximate match accepted;
        ``orphaned``: nothing good enough, or two candidates too close to tell.
    start, end : int
        New offsets (the old ones when orphaned).
    quote : str
        The text now selected (the old quote when orphaned).
    score : float
        The best candidate's score, 0-1 (1.0 for ``position``).
    runner_up : float or None
        The next-best distinct candidate's score.
    old_start, old_end : int
    old_quote : str
    reason : str
        Why it was orphaned, or how it moved.
    """

    id: str
    status: Literal["anchored", "orphaned"]
    method: Method
    start: int
    end: int
    quote: str
    score: float
    runner_up: float | None
    old_start: int
    old_end: int
    old_quote: str
    reason: str = ""


def anchor(record: dict, text: str, *, min_score: float = MIN_SCORE, margin: float = MARGIN) -> Anchoring:
    """Anchor one annotation record in ``text``.

    Parameters
    ----------
    record : dict
        An annotation with ``id, start, end, quote, prefix, suffix``.
    text : str
        The document's new text.
    min_score : float
        Lowest acceptable score (0-1).
    margin : float
        Required lead of the best candidate over the next distinct one.

    Returns
    -------
    Anchoring
    """
    start, end, quote = int(record["start"]), int(record["end"]), record["quote"]

    def orphan(score: float, runner: float | None, reason: str) -> Anchoring:
        return Anchoring(
            record["id"],
            "orphaned",
            "orphaned",
            start,
            end,
            quote,
            round(score, 4),
            None if runner is None else round(runner, 4),
            start,
            end,
            quote,
            reason,
        )

    in_place = 0 <= start < end <= len(text) and text[start:end] == quote
    if in_place and context_unchanged(text, record, start, end):
        return Anchoring(
            record["id"],
            "anchored",
            "position",
            start,
            end,
            quote,
            1.0,
            None,
            start,
            end,
            quote,
            "offsets still select the quote, with the same context",
        )
    if not quote:
        return orphan(0.0, None, "the record has no quote to search for; review it")
    exact = quote_hits(text, quote)
    spans: dict[tuple[int, int], Method] = {(s, e): "quote" for s, e in exact}
    for s, e in fuzzy_windows(text, quote):
        spans.setdefault((s, e), "fuzzy")
    if not spans:
        return orphan(0.0, None, "no passage resembles the quote; review it")
    scored = sorted(
        ((candidate_score(text, record, s, e), s, e, how) for (s, e), how in spans.items()), key=lambda t: (-t[0], t[1], t[2])
    )
    best_score, s, e, how = scored[0]
    if (s, e) == (start, end):
        how = "position"
    runner = next((sc for sc, a, b, _ in scored[1:] if b <= s or a >= e), None)
    if not neighbours_agree(text, record, s, e):
        return orphan(
            best_score,
            runner,
            f"best candidate at {s}-{e} ({text[s:e][:40]!r}) has other words right "
            "next to it than the recorded context: probably another occurrence; "
            "review it",
        )
    if best_score < min_score:
        return orphan(
            best_score,
            runner,
            f"best candidate at {s}-{e} ({text[s:e][:40]!r}) scores {best_score:.2f} < minimum {min_score:.2f}; review it",
        )
    if runner is not None and best_score - runner < margin:
        return orphan(
            best_score, runner, f"two passages score {best_score:.2f} and {runner:.2f}; too close to tell apart, review it"
        )
    if how == "position":
        moved = f"offsets still select the quote; its context changed (score {best_score:.2f})"
    elif how == "quote":
        moved = f"moved {s - start:+d}"
    else:
        moved = f"approximate match (quote similarity {Levenshtein.normalized_similarity(quote, text[s:e]):.2f})"
    return Anchoring(
        record["id"],
        "anchored",
        how,
        s,
        e,
        text[s:e],
        round(best_score, 4),
        None if runner is None else round(runner, 4),
        start,
        end,
        quote,
        moved,
    )


def anchor_records(records: list[dict], text: str, *, min_score: float = MIN_SCORE, margin: float = MARGIN) -> list[Anchoring]:
    """:func:`anchor` for each record, in order."""
    return [anchor(r, text, min_score=min_score, margin=margin) for r in records]
