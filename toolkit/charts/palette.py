"""The one colour table: stances, issues, and the greys. Every chart, widget and stylesheet takes its colours here.

Stances (Okabe-Ito): grievance vermillion, goodwill blue, agenda bluish
green; "both" (a sentence coded both ways) reddish purple.

Issues: eight hues plus grey for "Other issues". They were chosen from the
Okabe-Ito and Paul Tol palettes so that, under Machado, Oliveira and
Fernandes (2009) simulations of deuteranopia, protanopia and tritanopia
(severity 100, through ``colorspacious``) as well as normal vision, every
two issue colours differ by at least :data:`MIN_ISSUE_DELTA_E` in CAM02-UCS
(Luo, Cui and Li 2006; the measured minimum is about 10.2), and every issue
colour differs from the stance colours and the "other" grey by at least
:data:`MIN_STANCE_DELTA_E`, so an issue never borrows a stance's meaning.
``tests/test_palette.py`` checks both.

Issues get colours in order of weight (heaviest first, ties by id) through
:func:`issue_groups`; callers that show several charts of one ledger compute
the groups once and pass them to each chart (the notebook and the explorer
do), so an issue keeps its colour everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = [
    "STANCE_COLORS",
    "ISSUE_COLORS",
    "OTHER_COLOR",
    "OTHER_LABEL",
    "THIN_COLOR",
    "ZERO_COLOR",
    "MAX_ISSUE_COLORS",
    "MIN_ISSUE_DELTA_E",
    "MIN_STANCE_DELTA_E",
    "BALANCE_RANGE",
    "issue_groups",
    "group_scale",
    "rgba",
]

#: Stance colours (Okabe-Ito); ``both`` marks text coded with both stances, ``agenda`` a neutral mention.
STANCE_COLORS: dict[str, str] = {"grievance": "#D55E00", "goodwill": "#0072B2", "agenda": "#009E73", "both": "#CC79A7"}
#: Issue colours, most distinct first (Tol indigo, pear, wine; Okabe-Ito sky blue; Tol purple, light orange,
#: pink, dark green).
ISSUE_COLORS: tuple[str, ...] = ("#332288", "#BBCC33", "#882255", "#56B4E9", "#AA3377", "#EEDD88", "#FFAABB", "#225522")
#: "Other issues" (beyond the eight heaviest).
OTHER_COLOR = "#999999"
OTHER_LABEL = "Other issues"
#: Cells and points whose evidence is too thin to read.
THIN_COLOR = "#D9D9D9"
#: The middle of the balance scale (an even balance), and its outline.
ZERO_COLOR = "#F2F2F2"
#: Diverging balance scale: grievance, even, goodwill.
BALANCE_RANGE: tuple[str, str, str] = (STANCE_COLORS["grievance"], ZERO_COLOR, STANCE_COLORS["goodwill"])
MAX_ISSUE_COLORS = len(ISSUE_COLORS)
#: Least CAM02-UCS distance between two issue colours, under each colour-vision simulation.
MIN_ISSUE_DELTA_E = 10.0
#: Least CAM02-UCS distance between an issue colour and a stance colour or the "other" grey.
MIN_STANCE_DELTA_E = 9.0


def issue_groups(totals: Mapping[str, float], labels: Mapping[str, str], max_colors: int = MAX_ISSUE_COLORS) -> dict[str, str]:
    """Map each coded issue to its label (its own colour) or to :data:`OTHER_LABEL`.

    Parameters
    ----------
    totals : mapping of issue id to weight
        Issues with zero weight are left out.
    labels : mapping of issue id to label
    max_colors : int
        How many issues get their own colour (at most the palette's eight).

    Returns
    -------
    dict of str to str
        Heaviest first; ties broken by issue id.
    """
    ranked = sorted(((-float(w), i) for i, w in totals.items() if float(w) > 0))
    ids = [i for _, i in ranked]
    keep = ids if len(ids) <= max_colors else ids[:max_colors]
    groups = {i: str(labels.get(i, i)) for i in keep}
    for i in ids:
        groups.setdefault(i, OTHER_LABEL)
    return groups


def group_scale(groups: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The colour scale (domain, range) of :func:`issue_groups`' output, "Other issues" last in grey."""
    names = list(dict.fromkeys(g for g in groups.values() if g != OTHER_LABEL))
    colors = list(ISSUE_COLORS[: len(names)])
    if OTHER_LABEL in groups.values():
        names.append(OTHER_LABEL)
        colors.append(OTHER_COLOR)
    return names, colors


def rgba(color: str, opacity: float) -> str:
    """``#rrggbb`` (or ``#rgb``) to a CSS ``rgba(...)`` string; ValueError for anything else."""
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    if len(c) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in c):
        raise ValueError(f"colour {color!r} must be a #rrggbb hex code")
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{max(0.0, min(1.0, float(opacity))):.2f})"


def hex_colors(values: Iterable[str]) -> list[str]:
    """Upper-case ``#RRGGBB`` forms (for comparing colour tables)."""
    return [v.upper() for v in values]
