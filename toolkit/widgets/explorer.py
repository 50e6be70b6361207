"""The balance explorer: controls for actor, target, evidence, weight, annotator set and
the articles' outlet, country, language and source kind that redraw the balance tables and charts live.

A view only: every number comes from :func:`toolkit.measures.balance.balance_table`, and
every chart from :mod:`toolkit.charts`; the callbacks just read the controls
and call :meth:`Explorer.update`. Charts are offline ``alt.JupyterChart``
widgets (see :mod:`toolkit.charts.display`), so the explorer works in JupyterLab and
Voila with no network. Table cells are HTML-escaped by pandas.

>>> from toolkit.widgets.explorer import Explorer          # doctest: +SKIP
>>> ex = Explorer(Project.discover()); ex                    # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit.charts import issue_groups
from toolkit.charts.figures import all_charts
from toolkit.corpus.folder import ProjectFolder
from toolkit.ledger.build import DOCUMENT_COLUMNS, load_ledger
from toolkit.measures.balance import WEIGHTS, balance_table, filter_ledger
from toolkit.widgets.kernel_note import EXPLORER_NOTE, noted_bundle

__all__ = ["Explorer", "EXPLORER_CLASS"]

#: CSS class on the explorer's outer box (browser tests find it by this).
EXPLORER_CLASS = "sl-explorer"


def _options(values) -> list[str]:
    return sorted({str(v) for v in values if v is not None and not (isinstance(v, float) and pd.isna(v))})


class Explorer:
    """Interactive filters over a ledger, with live tables and charts.

    Parameters
    ----------
    project : ProjectFolder or pandas.DataFrame
        The project: its ledger (``sets``, with the briefs) is explored and its
        summits listed. A ledger (:func:`toolkit.ledger.load_ledger`) may be given
        instead, with ``summits=``.
    sets : list of str, optional
        Annotation sets to load from the project (default: every set).
    summits : dict or DataFrame, optional
        With a ledger: the summits to list (see :func:`toolkit.measures.balance.balance_table`).
    n_boot : int, default 1000
        Bootstrap resamples (only when an interval method needs them).
    groups : dict of str to str, optional
        Issue colours (:func:`toolkit.charts.issue_groups`) shared with other charts.
    seed : int, default 0
        Bootstrap seed.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole view (also shown when the explorer is the last value of a cell).
    summit_table, issue_table : pandas.DataFrame
        The tables currently shown.
    """

    def __init__(
        self,
        project: ProjectFolder | pd.DataFrame,
        *,
        sets: list[str] | None = None,
        summits: Any = None,
        n_boot: int = 1000,
        seed: int = 0,
        groups: dict[str, str] | None = None,
    ) -> None:
        import ipywidgets as W

        from toolkit.charts.display import enable_offline

        enable_offline()
        if isinstance(project, ProjectFolder):
            ledger = load_ledger(project, sets=sets)
            summits = project.summits if summits is None else summits
        elif isinstance(project, pd.DataFrame):
            ledger = project
        else:
            raise TypeError(f"Explorer(project): expected a ProjectFolder or a ledger DataFrame, got {type(project).__name__}")
        self.ledger = ledger
        self.summits = summits
        self.n_boot = n_boot
        self.seed = seed
        # Issue colours are fixed once, from the unfiltered ledger (or the caller's charts), so an issue keeps
        # its colour whatever the filters and matches the notebook's other charts.
        self.groups = (
            dict(groups) if groups is not None else issue_groups(balance_table(ledger, by="issue", summits=summits, n_boot=0))
        )
        spans = ledger[ledger["evidence"] == "span"]
        self.actor = W.SelectMultiple(options=_options(ledger["actor"]), description="Actor", rows=6)
        self.target = W.SelectMultiple(options=_options(ledger["target"]), description="Target", rows=6)
        self.sets = W.SelectMultiple(
            options=_options(spans["set"]), description="Sets", rows=4, value=tuple(_options(spans["set"]))
        )
        self.annotators = W.SelectMultiple(
            options=_options(spans["annotator"]), description="Annotators", rows=4, value=tuple(_options(spans["annotator"]))
        )
        self.evidence = W.ToggleButtons(
            options=[("Spans + briefs", "both"), ("Spans", "span"), ("Briefs", "brief")], value="both", description="Evidence"
        )
        self.weight = W.ToggleButtons(options=list(WEIGHTS), value="count", description="Weight")
        # Corpus controls: the articles' outlet, country, language and source kind (empty = all).
        self.corpus = {
            col: W.SelectMultiple(
                options=_options(spans[col]) if col in spans else [], description=col.replace("_", " ").capitalize(), rows=3
            )
            for col in DOCUMENT_COLUMNS
        }
        self.status = W.HTML()
        self.table_view = W.HTML()
        self._charts: dict[str, Any] = {}
        for control in (self.actor, self.target, self.sets, self.annotators, self.evidence, self.weight, *self.corpus.values()):
            control.observe(self._on_change, names="value")
        self.summit_table = pd.DataFrame()
        self.issue_table = pd.DataFrame()
        self.update()
        import altair as alt

        self._charts = {name: alt.JupyterChart(chart) for name, chart in self.charts().items()}
        for name, view in self._charts.items():
            view.add_class(f"sl-explorer-{name}")
        filters = W.HBox([self.actor, self.target, self.sets, self.annotators])
        corpus = W.HBox(list(self.corpus.values()))
        self.widget = W.VBox([filters, corpus, self.evidence, self.weight, self.status, self.table_view, *self._charts.values()])
        self.widget.add_class(EXPLORER_CLASS)

    # --- state -------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """The current choices, as plain data (empty actor/target = all)."""
        return {
            "actor": list(self.actor.value),
            "target": list(self.target.value),
            "sets": list(self.sets.value),
            "annotators": list(self.annotators.value),
            "evidence": self.evidence.value,
            "weight": self.weight.value,
        }

    def corpus_filters(self) -> dict[str, Any]:
        """The document filters passed to :func:`toolkit.measures.balance.filter_ledger` (empty = all)."""
        return {col: list(w.value) or None for col, w in getattr(self, "corpus", {}).items()}

    def filters(self) -> dict[str, Any]:
        """The keyword arguments passed to :func:`toolkit.measures.balance.balance_table`."""
        s = self.state()
        return {
            "actor": s["actor"] or None,
            "target": s["target"] or None,
            "sets": s["sets"],
            "annotators": s["annotators"],
            "evidence": None if s["evidence"] == "both" else s["evidence"],
            "weight": s["weight"],
            "summits": self.summits,
            "n_boot": self.n_boot,
            "seed": self.seed,
        }

    def charts(self) -> dict[str, Any]:
        """The charts for the current tables (:func:`toolkit.charts.all_charts`, keyed as ``summit-ledger figures`` names
        its files), with the issue colours fixed when the explorer was made."""
        return all_charts(self.summit_table, self.issue_table, groups=self.groups)

    # --- redraw ------------------------------------------------------------
    def update(self) -> None:
        """Recompute the tables from the controls and redraw everything."""
        kwargs = self.filters()
        chosen = {k: v for k, v in self.corpus_filters().items() if v}
        ledger = filter_ledger(self.ledger, anchored_only=False, **chosen) if chosen else self.ledger
        self.summit_table = balance_table(ledger, by="summit", **kwargs)
        self.issue_table = balance_table(ledger, by="issue", **kwargs)
        n_rows = int(self.summit_table["n"].sum())
        thin = int((self.issue_table["thin"] & (self.issue_table["n"] > 0)).sum())
        self.status.value = (
            f"<b>{n_rows}</b> events selected; {thin} non-empty summit &times; issue cells are thin (95% interval wider than 1)."
        )
        shown = self.summit_table[
            ["summit_label", "summit_format", "n", "goodwill", "grievance", "balance", "ci_low", "ci_high", "thin", "shift"]
        ]
        self.table_view.value = shown.to_html(
            index=False, escape=True, float_format=lambda v: f"{v:.2f}", na_rep="–", classes="sl-table"
        )
        if self._charts:
            for name, chart in self.charts().items():
                self._charts[name].chart = chart

    def choose(self, **values: Any) -> dict[str, Any]:
        """Set several controls at once and redraw once; return the new :meth:`state`.

        Keywords: ``actor``, ``target``, ``sets``, ``annotators`` (lists), ``evidence``, ``weight``, and the corpus
        columns (``outlet``, ``country``, ...). Setting the controls one by one redraws after each of them.
        """
        controls: dict[str, Any] = {
            "actor": self.actor,
            "target": self.target,
            "sets": self.sets,
            "annotators": self.annotators,
            "evidence": self.evidence,
            "weight": self.weight,
            **self.corpus,
        }
        unknown = sorted(set(values) - set(controls))
        if unknown:
            raise TypeError(f"Explorer.choose(): no control {', '.join(unknown)}; the controls are {', '.join(controls)}")
        self._holding = True
        try:
            for name, value in values.items():
                multiple = isinstance(controls[name].value, tuple)  # SelectMultiple
                controls[name].value = tuple(value) if multiple and not isinstance(value, str) else value
        finally:
            self._holding = False
            self.update()  # once, also when a value was refused: the view shows the controls as they are
        return self.state()

    def _on_change(self, change) -> None:
        if not getattr(self, "_holding", False):
            self.update()

    # --- display -----------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None):
        return noted_bundle(self.widget._repr_mimebundle_(include=include, exclude=exclude), EXPLORER_NOTE)
