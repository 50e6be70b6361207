"""Issue suggestions from the codebook's keywords.

For a passage (a sentence, or a selected span inside it) the issues whose
codebook ``keywords`` occur in it are offered to the annotator as
pre-selected choices. Matching is case-insensitive, on whole words (a keyword
never matches inside a longer word: ``nato`` does not match ``senator``), and
any run of white space in a keyword matches any run of white space in the
text. The suggester only proposes; the annotator accepts or overrides, and the
record's ``origin`` says which (``suggested`` or ``manual``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.codebook.load import Codebook

__all__ = ["Suggestion", "KeywordIndex", "suggest_issues"]


@dataclass(frozen=True)
class Suggestion:
    """One suggested issue for a passage.

    Attributes
    ----------
    issue : str
        Codebook issue id.
    keywords : tuple of str
        The codebook keywords found, in order of first occurrence.
    hits : int
        Number of keyword occurrences (non-overlapping) in the passage.
    focus_hits : int
        Occurrences inside the focus span (the user's selection), if one was given.
    first : int
        Offset, in the passage, of the first occurrence.
    """

    issue: str
    keywords: tuple[str, ...]
    hits: int
    focus_hits: int
    first: int


class KeywordIndex:
    """Compiled keyword patterns of one codebook; build once, use for many passages.

    Parameters
    ----------
    codebook : Codebook
        Its ``issues`` (in file order) and their ``keywords`` are used.
    """

    def __init__(self, codebook: Codebook) -> None:
        self.version = codebook.version
        self._order = {iid: n for n, iid in enumerate(codebook.issues)}
        self._patterns: dict[str, re.Pattern[str]] = {}
        for iid, issue in codebook.issues.items():
            words = sorted({k.strip().lower() for k in issue.keywords if k.strip()}, key=lambda k: (-len(k), k))
            if not words:
                continue
            alts = "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in words)
            self._patterns[iid] = re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)

    def suggest(self, text: str, focus: tuple[int, int] | None = None) -> list[Suggestion]:
        """Issues whose keywords occur in ``text``, best first.

        Parameters
        ----------
        text : str
            The passage (usually one sentence).
        focus : (int, int), optional
            A span of ``text`` (the selection). Issues with keywords inside it
            rank first.

        Returns
        -------
        list of Suggestion
            Ranked by hits inside the focus, then hits in the passage, then
            codebook order. Empty when no keyword occurs.
        """
        out: list[Suggestion] = []
        for iid, pattern in self._patterns.items():
            matches = list(pattern.finditer(text))
            if not matches:
                continue
            found: list[str] = []
            for m in matches:
                kw = " ".join(m.group(0).lower().split())
                if kw not in found:
                    found.append(kw)
            focus_hits = 0
            if focus is not None:
                a, b = focus
                focus_hits = sum(1 for m in matches if m.start() >= a and m.end() <= b)
            out.append(Suggestion(iid, tuple(found), len(matches), focus_hits, matches[0].start()))
        out.sort(key=lambda s: (-s.focus_hits, -s.hits, self._order[s.issue]))
        return out


def suggest_issues(text: str, codebook: Codebook, focus: tuple[int, int] | None = None) -> list[Suggestion]:
    """Suggest issues for ``text`` from ``codebook``'s keywords (see :meth:`KeywordIndex.suggest`)."""
    return KeywordIndex(codebook).suggest(text, focus)
