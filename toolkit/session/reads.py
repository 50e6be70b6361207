"""What the annotator session shows and opens: layers, records, runs, progress, clicks.

:class:`SessionReads` is the read side of :class:`toolkit.session.AnnotationSession`
(it is mixed into it and uses its ``layers``, ``offsets``, ``annotator`` and
draft). It decides what a click on a highlight opens, so the view only shows it,
and lists the keyword suggestions of every sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from toolkit.codebook.suggest import KeywordIndex
from toolkit.errors import ValidationError
from toolkit.records.runs import Utf16Offsets
from toolkit.session.draft import Progress, problem
from toolkit.session.layers import ALL_LAYERS, Layers, RunPatch

__all__ = ["SessionReads", "Opened"]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


@dataclass(frozen=True)
class Opened:
    """What a click on a highlight opened: ``ids`` under the click, the ``record`` shown, and whether it is editable."""

    ids: tuple[str, ...]
    record: dict | None
    editable: bool


class SessionReads:
    """Reads of an annotation session (see :class:`toolkit.session.AnnotationSession`)."""

    layers: Layers
    offsets: Utf16Offsets
    annotator: str | None
    segments: list
    keywords: KeywordIndex

    def edit(self, annotation_id: str) -> Any:  # provided by AnnotationSession
        raise NotImplementedError

    def clear(self) -> Any:  # provided by AnnotationSession
        raise NotImplementedError

    def open(self, annotation_id: str) -> Opened:
        """Open an annotation: one's own is loaded for editing, anyone else's is shown read-only."""
        rec = self.get(annotation_id)
        if rec is None:
            raise ValidationError(problem("id", f"annotation {annotation_id} is gone (deleted or undone)"))
        if rec["annotator"] == self.annotator:
            self.edit(annotation_id)
            return Opened((annotation_id,), rec, True)
        self.clear()
        return Opened((annotation_id,), rec, False)

    def click(self, offset16: int, layer: str | None = None) -> Opened:
        """A click on the article at UTF-16 ``offset16``: open the first annotation of ``layer`` there."""
        ids = self.ids_at(offset16, layer)
        if not ids:
            return Opened((), None, False)
        first = next((i for i in ids if self.owner(i) == self.annotator), ids[0])
        opened = self.open(first)
        return Opened(ids, opened.record, opened.editable)

    # ----------------------------------------------------------------- reads
    def layer_names(self) -> list[str]:
        """Annotators with a log in the store, plus the current annotator."""
        return self.layers.names(self.annotator)

    def _layer(self, layer: str | None) -> str | None:
        return self.annotator if layer is None else layer

    def owner(self, annotation_id: str) -> str | None:
        """Which annotator's layer holds ``annotation_id`` (None if none does)."""
        who = self.layers.owner(annotation_id)
        if who is None:
            for name in self.layer_names():
                if annotation_id in self.layers.log(name).records:
                    return name
        return who

    def annotations(self, layer: str | None = None) -> list[dict]:
        """Live annotations on this document of ``layer`` (an annotator, or :data:`ALL_LAYERS`; default: yours)."""
        layer = self._layer(layer)
        if not layer:
            return []
        names = self.layer_names() if layer == ALL_LAYERS else [layer]
        return [r for n in names for r in self.layers.log(n).records.values()]

    def problems(self, layer: str | None = None) -> list:
        """Lines of the shown logs that could not be used (reported, never hidden)."""
        names = self.layer_names() if layer in (None, ALL_LAYERS) else [layer]
        unread = self.layers.store.log_files()[1] if layer in (None, ALL_LAYERS) else []  # files it does not read
        return unread + [p for n in names for p in self.layers.log(n).problems]

    def get(self, annotation_id: str) -> dict | None:
        """A live annotation of any layer by id."""
        who = self.owner(annotation_id)
        return self.layers.log(who).records.get(annotation_id) if who else None

    def sentence_suggestions(self) -> pd.DataFrame:
        """Suggestions for every sentence: one row per sentence x issue (rank 0 = pre-selected)."""
        cols = ["sentence", "start", "end", "issue", "keywords", "hits", "rank"]
        rows = [
            {
                "sentence": s.index,
                "start": s.start,
                "end": s.end,
                "issue": sug.issue,
                "keywords": ", ".join(sug.keywords),
                "hits": sug.hits,
                "rank": rank,
            }
            for s in self.segments
            for rank, sug in enumerate(self.keywords.suggest(s.text))
        ]
        return pd.DataFrame(rows, columns=cols)

    def progress(self) -> Progress:
        """Sentences overlapped by at least one of the current annotator's annotations."""
        if not self.annotator:
            return Progress(0, len(self.segments))
        return self.layers.progress(self.annotator)

    def runs(self, layer: str | None = None) -> list[dict]:
        """Every highlight run of ``layer`` as the view gets it: ``{"s", "e", "n", "stance"}`` (UTF-16)."""
        layer = self._layer(layer)
        if not layer:
            n16 = self.offsets.length16
            return [{"s": 0, "e": n16, "n": 0, "stance": None}] if n16 else []
        return self.layers.full_runs(layer, self.annotator)

    def run_patches(self, layer: str | None = None) -> list[RunPatch] | None:
        """Changes to ``layer``'s runs since they were last taken; None when the view needs them all."""
        layer = self._layer(layer)
        return self.layers.take_patches(layer) if layer else None

    def ids_at(self, offset16: int, layer: str | None = None) -> tuple[str, ...]:
        """Annotations of ``layer`` covering UTF-16 offset ``offset16`` (what a click on a highlight hits)."""
        layer = self._layer(layer)
        cp = self.offsets.to_codepoint(offset16, "start") if _is_int(offset16) else None
        if not layer or cp is None:
            return ()
        return tuple(sorted(self.layers.index(layer, self.annotator).at(cp)))
