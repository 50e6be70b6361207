"""Codes shared by the readers: CAMEO clean-up, quad classes, stance, ICEWS country names, PLOVER quads.

Stance of a machine-coded event (the rule behind ``events balance``)
--------------------------------------------------------------------
The quad class decides: 1 verbal cooperation and 2 material cooperation are
**goodwill**; 3 verbal conflict and 4 material conflict are **grievance**.
An event without a quad class (CAMEO ``---``, an unknown code, a PLOVER type
outside the four quads such as ``OTHER``) is **neutral**: it counts toward
salience (``n``) and never toward goodwill or grievance. CAMEO quad classes
follow the root code as GDELT assigns them (01-05, 06-08, 09-13, 14-20);
PLOVER types are placed by POLECAT's own ``Quad Code`` column, so both
ontologies meet on the same four classes.

Goldstein values come from the CAMEO Goldstein table kept with the codebook
(:func:`goldstein_of`); PLOVER has no Goldstein scale, so POLECAT events carry
the dataset's ``Intensity`` instead, and say so in ``goldstein_source``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

__all__ = [
    "QUAD_NAMES",
    "STANCE_OF_QUAD",
    "ICEWS_COUNTRIES",
    "cameo_code",
    "cameo_quad",
    "polecat_quad",
    "goldstein_map",
]

#: Quad class number -> name (GDELT's QuadClass values).
QUAD_NAMES: dict[int, str] = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}
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

_CAMEO = re.compile(r"[0-2][0-9]{1,3}")


def cameo_code(raw: str | None) -> str | None:
    """A CAMEO code as the Goldstein table keys it, or None.

    ``---`` and empty cells (no code) give None; a root-only code such as
    ``04`` (GDELT's EventRootCode, ICEWS files read by spreadsheets) becomes
    its root event ``040``; anything else must be 3 or 4 digits.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text or set(text) <= {"-"}:
        return None
    if not _CAMEO.fullmatch(text):
        return None
    return text + "0" if len(text) == 2 else text


def cameo_quad(code: str | None) -> int | None:
    """Quad class of a CAMEO code from its root (01-05: 1, 06-08: 2, 09-13: 3, 14-20: 4)."""
    if code is None or len(code) < 2 or not code[:2].isdigit():
        return None
    root = int(code[:2])
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 8:
        return 2
    if 9 <= root <= 13:
        return 3
    if 14 <= root <= 20:
        return 4
    return None


_POLECAT_QUADS = {
    "verbal cooperation": 1,
    "verbal coop": 1,
    "material cooperation": 2,
    "material coop": 2,
    "verbal conflict": 3,
    "material conflict": 4,
}


def polecat_quad(raw: str | None) -> int | None:
    """POLECAT's ``Quad Code`` cell as a quad class (case and ``_``/space insensitive); None for neutral or empty."""
    if raw is None:
        return None
    key = " ".join(raw.replace("_", " ").lower().split())
    if key.isdigit() and 1 <= int(key) <= 4:
        return int(key)
    return _POLECAT_QUADS.get(key)


@cache
def _tables() -> Any:
    """The loader module of the published CAMEO and PLOVER tables."""
    import importlib

    for name in ("toolkit.codebook.tables", "toolkit.codebook.published", "toolkit.tables"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def goldstein_map() -> Mapping[str, float]:
    """CAMEO code -> Goldstein value from the published table kept with the codebook; empty if it is not installed."""
    mod = _tables()
    if mod is None:
        return {}
    table = mod.goldstein_table()
    if isinstance(table, Mapping):
        return {str(k): float(v) for k, v in table.items()}
    # a DataFrame with code and value columns
    cols = list(table.columns)
    code_col = next(c for c in cols if "code" in c.lower())
    value_col = next(c for c in cols if "goldstein" in c.lower() or "value" in c.lower() or "weight" in c.lower())
    return {str(k): float(v) for k, v in zip(table[code_col], table[value_col])}
