"""Codes shared by the readers: quad classes and stance, Goldstein values, PLOVER quads, ICEWS country names.

Stance of a machine-coded event (the rule behind ``events balance``)
--------------------------------------------------------------------
The quad class decides: 1 verbal cooperation and 2 material cooperation are
**goodwill**; 3 verbal conflict and 4 material conflict are **grievance**.
An event without a quad class (CAMEO ``---`` or no code, an unknown PLOVER
type) is **neutral**: it counts toward salience (``n``) and never toward
goodwill or grievance.

Where the quad class comes from:

- GDELT: its own ``QuadClass`` column; where that is missing, the CAMEO root
  by GDELT's split (:data:`toolkit.codebook.published.QUAD_SPLITS`, ``"gdelt"``).
- ICEWS: no quad column; the CAMEO root by the split ICEWS users apply
  (``"icews"``: 01-05, 06-08, 09-13, 14-20).
- POLECAT: its ``Quad Code`` column; where that is empty, the quad category
  the PLOVER manual gives the event type (:func:`toolkit.codebook.published.plover_quad_category`),
  so PLOVER types are mapped the same way as CAMEO codes.

Goldstein values of CAMEO codes come from GDELT's per-code table kept with the
codebook (:func:`toolkit.codebook.published.goldstein_table`, which also keys
root-only codes such as ``04``); a code it does not list keeps the value the
dataset gives (GDELT ``GoldsteinScale``, ICEWS ``Intensity``). PLOVER has no
Goldstein scale, so POLECAT events carry the dataset's ``Intensity``.
"""

from __future__ import annotations

from toolkit.codebook.published import QUAD_CLASSES, QUAD_SPLITS, goldstein_table, plover_quad_category, plover_types

__all__ = [
    "QUAD_NAMES",
    "STANCE_OF_QUAD",
    "ICEWS_COUNTRIES",
    "QUAD_SPLITS",
    "goldstein_map",
    "plover_quads",
    "quad_number",
]

#: Quad class number -> name (GDELT's QuadClass values), from the published tables.
QUAD_NAMES: dict[int, str] = dict(QUAD_CLASSES)
#: Quad class -> stance in the ledger's terms.
STANCE_OF_QUAD: dict[int, str] = {1: "goodwill", 2: "goodwill", 3: "grievance", 4: "grievance"}

#: ICEWS names countries in full; the toolkit keys countries by the ISO 3166 alpha-3 code that
#: GDELT and POLECAT use. Only names whose code a query needs are listed; any other name is
#: kept as written (and so matches no ISO code).
ICEWS_COUNTRIES: dict[str, str] = {
    "United States": "USA",
    "Russian Federation": "RUS",
    "Ukraine": "UKR",
    "China": "CHN",
    "United Kingdom": "GBR",
    "France": "FRA",
    "Germany": "DEU",
    "Switzerland": "CHE",
    "Finland": "FIN",
    "Belarus": "BLR",
}


def quad_number(name: str) -> int | None:
    """Quad class number of a quad name such as ``"verbal conflict"`` (case and ``_`` insensitive)."""
    key = " ".join(name.replace("_", " ").lower().split())
    return next((q for q, n in QUAD_NAMES.items() if n.lower() == key), None)


def goldstein_map() -> dict[str, float]:
    """CAMEO code -> Goldstein value, from the published per-code table."""
    return dict(goldstein_table())


def plover_quads() -> dict[str, int]:
    """PLOVER event type -> quad class, as the PLOVER manual places each type."""
    out = {}
    for t in plover_types():
        q = quad_number(plover_quad_category(t))
        if q is not None:
            out[t] = q
    return out
