"""A synthetic sample in the GDELT 2.0 export layout, for tests, benchmarks and the notebook's stored outputs.

Every value is made up (synthetic): the rows follow GDELT's published layout
(61 tab-separated columns, no header) so that the real readers and queries run
on them, but they describe no real event. Source URLs point at the reserved
``.invalid`` domain; anything charted from them must say "synthetic sample".
The rows are made by DuckDB from a seed, so the same call writes the same bytes.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from toolkit.codebook.published import quad_class
from toolkit.eventdata.codes import goldstein_map
from toolkit.eventdata.layouts import GDELT_EVENT_COLUMNS

__all__ = ["write_gdelt_sample", "SAMPLE_CODES"]

#: CAMEO codes the sample draws from (cooperative, then conflictual), with a root-only and a ``---`` code.
SAMPLE_CODES: tuple[str, ...] = (
    "010", "020", "036", "040", "042", "043", "051", "057", "061", "071",
    "100", "111", "112", "120", "130", "138", "141", "163", "172", "190",
)  # fmt: skip

_ACTORS = (("USA", "UNITED STATES"), ("RUS", "RUSSIA"), ("CHN", "CHINA"), ("UKR", "UKRAINE"), ("GBR", "UNITED KINGDOM"))
_SECTORS = ("GOV", "MIL", "BUS", "MED", "")


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def write_gdelt_sample(
    folder: str | Path,
    *,
    rows: int = 2000,
    files: int = 1,
    start: str = "2018-06-01",
    end: str = "2022-02-28",
    dyad_share: float = 0.6,
    seed: int = 1,
) -> list[Path]:
    """Write ``rows`` synthetic GDELT 2.0 export rows into ``files`` files named like GDELT's; return their paths.

    ``dyad_share`` of the rows are between the United States and Russia (either
    direction), the rest between other pairs. The cooperative share of the
    dyad's events drifts downward over the period. About 1 row in 200 repeats
    the event id of the row before it, 1 in 50 has no target actor, and 1 in
    100 has the code ``---`` (no CAMEO code), as real exports do.
    """
    import duckdb

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    d0, d1 = _dt.date.fromisoformat(start), _dt.date.fromisoformat(end)
    span = (d1 - d0).days + 1
    table = goldstein_map()
    goldstein = ", ".join(f"'{c}': {table[c]}" for c in SAMPLE_CODES)  # GoldsteinScale as GDELT's table gives it
    quads = ", ".join(f"'{c}': {quad_class(c, split='gdelt')}" for c in SAMPLE_CODES)
    codes = _sql_list(SAMPLE_CODES)
    names = _sql_list(tuple(a[1] for a in _ACTORS))
    isos = _sql_list(tuple(a[0] for a in _ACTORS))
    sectors = _sql_list(_SECTORS)
    per_file = -(-rows // files)
    con = duckdb.connect()
    con.execute(f"CREATE MACRO h(i, k, n) AS CAST(hash(i, {int(seed)}, k) % n AS BIGINT)")
    paths = []
    for k in range(files):
        lo, hi = k * per_file, min(rows, (k + 1) * per_file)
        if lo >= hi:
            break
        stamp = (_dt.datetime(2022, 3, 1) + _dt.timedelta(minutes=15 * k)).strftime("%Y%m%d%H%M%S")
        path = folder / f"{stamp}.export.CSV"
        tmp = path.with_suffix(".CSV.part")
        query = f"""
        WITH base AS (
          SELECT i,
                 DATE '{d0.isoformat()}' + CAST(h(i, 1, {span}) AS INTEGER) AS d,
                 h(i, 2, 1000) AS u_dyad,
                 h(i, 3, 2) AS flip,
                 h(i, 4, 1000) AS u_coop,
                 h(i, 5, 10) AS pick,
                 h(i, 6, 5) AS a1, h(i, 7, 5) AS a2,
                 h(i, 8, 5) AS s1, h(i, 9, 5) AS s2,
                 h(i, 10, 200000) AS article
          FROM range({lo}, {hi}) t(i)
        ), coded AS (
          SELECT *,
            u_dyad < {int(dyad_share * 1000)} AS dyad,
            -- the cooperative share drifts from about 0.7 to about 0.25 over the period
            u_coop < CAST(700 - 450 * (d - DATE '{d0.isoformat()}') / {span} AS INTEGER) AS coop
          FROM base
        ), actors AS (
          SELECT *,
            CASE WHEN dyad THEN (CASE WHEN flip = 0 THEN 1 ELSE 2 END) ELSE a1 + 1 END AS x1,
            CASE WHEN dyad THEN (CASE WHEN flip = 0 THEN 2 ELSE 1 END) ELSE ((a1 + 1 + a2 % 4) % 5) + 1 END AS x2,
            CASE WHEN i % 100 = 37 THEN '---' ELSE {codes}[CASE WHEN coop THEN pick + 1 ELSE pick + 11 END] END AS code
          FROM coded
        )
        SELECT
          CASE WHEN i % 200 = 199 THEN {10**9} + i - 1 ELSE {10**9} + i END,
          strftime(d, '%Y%m%d'), strftime(d, '%Y%m'), year(d),
          round(year(d) + (dayofyear(d) - 1) / 365.0, 4),
          {isos}[x1] || {sectors}[s1 + 1], {names}[x1], {isos}[x1], '', '', '', '', {sectors}[s1 + 1], '', '',
          CASE WHEN i % 50 = 11 THEN '' ELSE {isos}[x2] || {sectors}[s2 + 1] END,
          CASE WHEN i % 50 = 11 THEN '' ELSE {names}[x2] END,
          CASE WHEN i % 50 = 11 THEN '' ELSE {isos}[x2] END, '', '', '', '',
          CASE WHEN i % 50 = 11 THEN '' ELSE {sectors}[s2 + 1] END, '', '',
          1, code,
          CASE WHEN code = '---' THEN '---' ELSE substr(code, 1, 3) END,
          CASE WHEN code = '---' THEN '---' ELSE substr(code, 1, 2) END,
          CASE WHEN code = '---' THEN 1 ELSE MAP {{{quads}}}[code] END,
          CASE WHEN code = '---' THEN '0.0' ELSE CAST(MAP {{{goldstein}}}[code] AS VARCHAR) END,
          1 + h(i, 11, 9), 1 + h(i, 12, 3), 1 + h(i, 13, 9),
          round((h(i, 14, 2000)) / 100.0 - 10, 6),
          1, {names}[x1], {isos}[x1], '', '', '', '', '',
          1, {names}[x2], {isos}[x2], '', '', '', '', '',
          1, {names}[x1], {isos}[x1], '', '', '', '', '',
          CAST(strftime(d, '%Y%m%d') || '151500' AS BIGINT),
          'https://news.invalid/synthetic/' || article
        FROM actors ORDER BY i
        """
        con.execute(f"COPY ({query}) TO '{tmp}' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')")
        tmp.replace(path)
        paths.append(path)
    con.close()
    assert len(GDELT_EVENT_COLUMNS) == 61
    return paths
