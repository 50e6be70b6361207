"""All the balance charts of a project at once, keyed by the file stem ``summit-ledger figures`` uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.charts.common import issue_groups
from toolkit.charts.issues import agenda_chart, shift_chart
from toolkit.charts.robustness import robustness_chart
from toolkit.charts.summits import balance_chart, heatmap_chart

__all__ = ["all_charts", "write_figures"]


def all_charts(
    summit_table: pd.DataFrame,
    issue_table: pd.DataFrame,
    *,
    robustness: pd.DataFrame | None = None,
    groups: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The balance charts, keyed by the file stem ``summit-ledger figures`` uses.

    Returns
    -------
    dict of str to altair chart
        ``balance_per_summit``, ``issue_heatmap``, ``issue_shift``,
        ``agenda_share``, and ``robustness`` when a robustness table is given.
        ``groups`` fixes the issue colours (default: :func:`issue_groups` of ``issue_table``).
    """
    groups = issue_groups(issue_table) if groups is None else groups
    out = {
        "balance_per_summit": balance_chart(summit_table),
        "issue_heatmap": heatmap_chart(issue_table),
        "issue_shift": shift_chart(issue_table, groups=groups),
        "agenda_share": agenda_chart(issue_table, groups=groups),
    }
    if robustness is not None:
        out["robustness"] = robustness_chart(robustness)
    return out


def _csv(df: pd.DataFrame) -> str:
    """The table as CSV; labels from the codebook or summits.yaml cannot run as spreadsheet formulas."""
    from toolkit._io import neutralise_cell

    out = df.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if str(out[col].dtype).startswith("datetime"):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            out[col] = [neutralise_cell(v) if isinstance(v, str) else v for v in out[col].astype(object)]
    return out.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def write_figures(
    ledger: pd.DataFrame,
    out: Path,
    *,
    sets: list[str] | None = None,
    evidence: str = "both",
    weight: str = "count",
    balance_scale: str = "relative",
    interval: str = "jeffreys",
    count: str = "events",
    n_boot: int = 1000,
    seed: int = 0,
    scale: float = 2.0,
    scope: str = "dyad",
) -> list[Path]:
    """Write every chart of a ledger (captioned SVG and PNG) and its tables (CSV) into ``out``.

    Reports what it wrote on standard output, and lines left out of the ledger on standard error.
    Returns the files written.
    """
    import sys
    import time

    from toolkit._io import atomic_write_text
    from toolkit.charts.common import caption_lines, with_caption
    from toolkit.charts.display import to_png, to_svg
    from toolkit.errors import skipped_report
    from toolkit.measures.balance import balance_table
    from toolkit.measures.robustness import power_table, robustness_table, robustness_wide
    from toolkit.measures.shifts import shift_table

    started = time.perf_counter()
    for line in skipped_report(ledger.attrs.get("problems", []), what="annotations"):
        print(line, file=sys.stderr)
    chosen = None if evidence == "both" else evidence
    opts: dict[str, Any] = dict(
        weight=weight,
        evidence=chosen,
        n_boot=n_boot,
        seed=seed,
        scale=balance_scale,
        interval=interval,
        count=count,
        scope=scope,
    )
    summit_table = balance_table(ledger, by="summit", **opts)
    issue_table = balance_table(ledger, by="issue", **opts)
    shifts = shift_table(issue_table, seed=seed)
    summit_shifts = shift_table(summit_table, seed=seed)
    robust = robustness_table(ledger, interval=interval, n_boot=n_boot, seed=seed)
    n_span = int((ledger["evidence"] == "span").sum())
    n_brief = int((ledger["evidence"] == "brief").sum())
    n_ann = int(ledger.loc[ledger["evidence"] == "span", "id"].nunique())
    n_briefs = int(ledger.loc[ledger["evidence"] == "brief", "id"].nunique())
    print(
        f"ledger: {n_span} rows from {n_ann} annotations ({', '.join(sets) if sets else 'all sets'}) and "
        f"{n_brief} rows from {n_briefs} briefs (a row per direction and issue; validate counts annotations and briefs); "
        f"scale {balance_scale}, {interval} intervals, counting {count}, weight {weight}, "
        f"evidence {evidence}"
    )
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    tables: tuple[tuple[str, pd.DataFrame], ...] = (
        ("balance_per_summit", summit_table),
        ("balance_per_summit_issue", issue_table),
        ("issue_shift", shifts),
        ("summit_shift", summit_shifts),
        ("robustness", robust),
        ("robustness_wide", robustness_wide(robust).reset_index()),
    )
    if balance_scale == "relative":
        tables += (("power", power_table(summit_table)),)
    for name, table in tables:
        path = out / f"{name}.csv"
        atomic_write_text(path, _csv(table))
        written.append(path)
        print(f"wrote {path} ({len(table)} rows)")
    source = f"{'all annotation sets' if sets is None else 'sets ' + ' + '.join(sets)}" + (" + briefs" if n_brief else "")
    for name, chart in all_charts(summit_table, issue_table, robustness=robust).items():
        table = issue_table if name != "balance_per_summit" else summit_table
        captioned = with_caption(chart, caption_lines(table, source=source))
        svg_path = out / f"{name}.svg"
        svg = to_svg(captioned)
        atomic_write_text(svg_path, svg)
        png_path = out / f"{name}.png"
        tmp = png_path.with_name(f".{png_path.name}.tmp")
        tmp.write_bytes(to_png(captioned, scale=scale, svg=svg))
        tmp.replace(png_path)
        written += [svg_path, png_path]
        print(f"wrote {svg_path} and {png_path.name} ({png_path.stat().st_size // 1024} KB)")
    cells = issue_table["n"] > 0
    thin = int(issue_table.loc[cells, "thin"].sum())
    print(
        f"{len(written)} files in {out} in {time.perf_counter() - started:.1f} s; "
        f"{thin} of {int(cells.sum())} non-empty summit x issue cells are thin (95% interval wider than 1)"
    )
    return written
