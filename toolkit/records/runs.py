"""Offsets and highlight runs: the one implementation the annotator and the charts share.

Two jobs, both about stretches of a text:

- **Offset conversion.** The toolkit counts Unicode code points; browsers and
  some foreign files count UTF-16 code units, which differ after any character
  outside the Basic Multilingual Plane (an emoji is one code point, two
  units). :class:`Utf16Offsets` converts in both directions in O(1)/O(log n)
  after one pass over the text; :func:`utf16_to_codepoint` and
  :func:`codepoint_to_utf16` are the one-shot forms.
- **Highlight runs.** Cutting a text at the edges of overlapping spans gives
  runs, each covered by a constant set of spans. :func:`split_runs` does it in
  one sweep; :class:`RunIndex` keeps the runs of a changing set of spans and
  reports which stretch of runs an added or removed span touched, so a view
  can redraw only that stretch.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterable, Sequence
from typing import Literal

__all__ = ["Utf16Offsets", "utf16_to_codepoint", "codepoint_to_utf16", "split_runs", "RunIndex"]

Snap = Literal["start", "end"]


class Utf16Offsets:
    """Code-point <-> UTF-16 offset conversion for one text.

    Parameters
    ----------
    text : str

    Notes
    -----
    A text with only BMP characters (the common case) keeps no table: both
    conversions are the identity.
    """

    def __init__(self, text: str) -> None:
        self.length = len(text)
        table: list[int] | None = None
        if any(ord(c) > 0xFFFF for c in text):
            table = [0] * (len(text) + 1)
            u = 0
            for i, c in enumerate(text):
                table[i] = u
                u += 2 if ord(c) > 0xFFFF else 1
            table[len(text)] = u
        self._table = table
        self.length16 = table[-1] if table is not None else len(text)

    def to_utf16(self, offset: int) -> int:
        """UTF-16 offset of code-point ``offset`` (0 <= offset <= len(text))."""
        if not 0 <= offset <= self.length:
            raise ValueError(f"code-point offset {offset} is outside 0..{self.length}")
        return offset if self._table is None else self._table[offset]

    def to_codepoint(self, offset16: int, snap: Snap | None = None) -> int | None:
        """Code-point offset of UTF-16 offset ``offset16``.

        Returns None when the offset is outside the text, or falls between the
        two halves of a surrogate pair and ``snap`` is None. With ``snap`` such
        an offset moves to the character's start (``"start"``) or past it
        (``"end"``), so a selection never splits a character.
        """
        if not 0 <= offset16 <= self.length16:
            return None
        table = self._table
        if table is None:
            return offset16
        i = bisect.bisect_left(table, offset16)
        if table[i] == offset16:
            return i
        if snap is None:
            return None
        return i - 1 if snap == "start" else i


def utf16_to_codepoint(text: str, offset16: int, snap: Snap | None = None) -> int | None:
    """One-shot :meth:`Utf16Offsets.to_codepoint` (None inside a pair unless ``snap``, or out of range)."""
    return Utf16Offsets(text).to_codepoint(offset16, snap)


def codepoint_to_utf16(text: str, offset: int) -> int:
    """One-shot :meth:`Utf16Offsets.to_utf16`."""
    return Utf16Offsets(text).to_utf16(offset)


def split_runs(length: int, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int, tuple[int, ...]]]:
    """Cut ``[0, length)`` into runs covered by the same spans.

    Parameters
    ----------
    length : int
        Length of the text.
    spans : iterable of (start, end)
        End-exclusive; empty or out-of-range spans raise ValueError.

    Returns
    -------
    list of (start, end, covering)
        Contiguous and in order; ``covering`` lists the indexes (into
        ``spans``) of the spans covering the run, ascending; empty for plain
        text. One sweep over the sorted edges: O((n + k) log k) for ``n``
        runs and ``k`` spans, plus the size of the output.
    """
    opens: dict[int, list[int]] = {}
    closes: dict[int, list[int]] = {}
    for i, (a, b) in enumerate(spans):
        if not 0 <= a < b <= length:
            raise ValueError(f"span {i} ({a}, {b}) lies outside the text of {length} characters or is empty")
        opens.setdefault(a, []).append(i)
        closes.setdefault(b, []).append(i)
    cuts = sorted({0, length, *opens, *closes})
    active: set[int] = set()
    out: list[tuple[int, int, tuple[int, ...]]] = []
    for here, nxt in zip(cuts, cuts[1:]):
        active.difference_update(closes.get(here, ()))
        active.update(opens.get(here, ()))
        out.append((here, nxt, tuple(sorted(active))))
    return out


class RunIndex:
    """The runs of a changing set of keyed spans over a text of fixed length.

    Runs are maximal: two neighbouring runs never have the same covering set.
    :meth:`add` and :meth:`remove` touch only the runs inside the span (and its
    two neighbours) and return the code-point stretch that changed, which
    :meth:`slice` turns into run indexes for a partial redraw.

    Parameters
    ----------
    length : int
        Length of the text in code points.
    spans : iterable of (key, start, end) or (key, start, end, label), optional
        The initial spans (built in one sweep). A label (e.g. a stance) is
        counted per run, so :meth:`labels` answers without visiting the keys.
    """

    def __init__(self, length: int, spans: Iterable[tuple] = ()) -> None:
        self.length = length
        items = [tuple(s) if len(s) == 4 else (*s, None) for s in spans]
        self._where: dict[Hashable, tuple[int, int]] = {}
        self._label: dict[Hashable, Hashable] = {}
        for key, a, b, label in items:
            self._check(key, a, b)
            self._where[key] = (a, b)
            self._label[key] = label
        runs = split_runs(length, [(a, b) for _, a, b, _ in items]) if length else []
        self._starts: list[int] = [r[0] for r in runs]
        self._cover: list[frozenset] = [frozenset(items[i][0] for i in r[2]) for r in runs]
        self._counts: list[dict] = []
        for r in runs:
            counts: dict = {}
            for i in r[2]:
                counts[items[i][3]] = counts.get(items[i][3], 0) + 1
            self._counts.append(counts)

    def _check(self, key: Hashable, a: int, b: int) -> None:
        if key in self._where:
            raise ValueError(f"span {key!r} is already in the index; remove it first")
        if not 0 <= a < b <= self.length:
            raise ValueError(f"span {key!r} ({a}, {b}) lies outside the text of {self.length} characters or is empty")

    def __len__(self) -> int:
        return len(self._starts)

    def __contains__(self, key: object) -> bool:
        return key in self._where

    def span(self, key: Hashable) -> tuple[int, int] | None:
        """Where span ``key`` lies, or None."""
        return self._where.get(key)

    def _end(self, i: int) -> int:
        return self._starts[i + 1] if i + 1 < len(self._starts) else self.length

    def _cut(self, at: int) -> int:
        """Make ``at`` a run boundary; return the index of the run starting there."""
        i = bisect.bisect_right(self._starts, at) - 1
        if self._starts[i] != at:
            self._starts.insert(i + 1, at)
            self._cover.insert(i + 1, self._cover[i])
            self._counts.insert(i + 1, dict(self._counts[i]))
            i += 1
        return i

    def _merge_at(self, i: int) -> None:
        """Join run ``i`` with run ``i - 1`` when they have the same cover."""
        if 0 < i < len(self._starts) and self._cover[i] == self._cover[i - 1]:
            del self._starts[i]
            del self._cover[i]
            del self._counts[i]

    def affected(self, a: int, b: int) -> tuple[int, int]:
        """Code-point stretch that adding or removing span ``[a, b)`` can change.

        From the start of the run before ``a`` to the end of the run after
        ``b``; both ends stay run boundaries through the change, so the runs
        inside the stretch can be swapped in place (see :meth:`slice`).
        """
        i = max(bisect.bisect_right(self._starts, a) - 2, 0)
        j = bisect.bisect_left(self._starts, b) + 1
        return self._starts[i], (self._starts[j] if j < len(self._starts) else self.length)

    def add(self, key: Hashable, start: int, end: int, label: Hashable = None) -> tuple[int, int]:
        """Add span ``key`` (with an optional ``label``); return the code-point stretch whose runs changed."""
        self._check(key, start, end)
        lo, hi = self.affected(start, end)
        i = self._cut(start)
        j = self._cut(end) if end < self.length else len(self._starts)
        for k in range(i, j):
            self._cover[k] = self._cover[k] | {key}
            counts = self._counts[k]
            counts[label] = counts.get(label, 0) + 1
        self._where[key] = (start, end)
        self._label[key] = label
        return lo, hi

    def remove(self, key: Hashable) -> tuple[int, int]:
        """Remove span ``key`` (KeyError if absent); return the code-point stretch whose runs changed."""
        start, end = self._where.pop(key)
        label = self._label.pop(key)
        lo, hi = self.affected(start, end)
        i = bisect.bisect_right(self._starts, start) - 1
        j = bisect.bisect_left(self._starts, end) if end < self.length else len(self._starts)
        for k in range(i, j):
            self._cover[k] = self._cover[k] - {key}
            counts = self._counts[k]
            counts[label] -= 1
            if not counts[label]:
                del counts[label]
        if j < len(self._starts):
            self._merge_at(j)
        self._merge_at(i)
        return lo, hi

    def slice(self, lo: int, hi: int) -> tuple[int, int]:
        """Indexes ``[i, j)`` of the runs that overlap the code-point stretch ``[lo, hi)``."""
        i = max(bisect.bisect_right(self._starts, lo) - 1, 0)
        j = bisect.bisect_left(self._starts, hi)
        return i, j

    def runs(self, i: int = 0, j: int | None = None) -> list[tuple[int, int, frozenset]]:
        """Runs ``i..j`` as ``(start, end, keys)``; all of them by default."""
        j = len(self._starts) if j is None else j
        return [(self._starts[k], self._end(k), self._cover[k]) for k in range(i, j)]

    def labelled_runs(self, i: int = 0, j: int | None = None) -> list[tuple[int, int, int, tuple]]:
        """Runs ``i..j`` as ``(start, end, number of spans, distinct labels)``."""
        j = len(self._starts) if j is None else j
        return [(self._starts[k], self._end(k), len(self._cover[k]), tuple(self._counts[k])) for k in range(i, j)]

    def labels(self, i: int) -> tuple:
        """Distinct labels of the spans covering run ``i`` (in no set order)."""
        return tuple(self._counts[i])

    def at(self, offset: int) -> frozenset:
        """Keys of the spans covering code point ``offset`` (empty outside the text)."""
        if not 0 <= offset < self.length:
            return frozenset()
        return self._cover[bisect.bisect_right(self._starts, offset) - 1]

    def run_starts(self) -> Sequence[int]:
        """Start of every run (read-only view for bisecting)."""
        return tuple(self._starts)
