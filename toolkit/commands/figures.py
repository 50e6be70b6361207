"""``summit-ledger figures --out DIR``: every chart as SVG and PNG (captioned), the tables and the robustness table as CSV."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

HELP = "write every balance chart as SVG and PNG (offline, byte-stable) and the balance tables as CSV"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="folder to write into (created if missing)")
    parser.add_argument("--data", default=None, help="the project folder (default: found by discovery)")
    parser.add_argument(
        "--sets",
        default=None,
        help="comma-separated annotation sets to include, or 'all' (default: [charts] sets in "
        "summit-ledger.toml, else reference)",
    )
    parser.add_argument(
        "--evidence", choices=["both", "span", "brief"], default="both", help="which evidence to chart (default: both)"
    )
    parser.add_argument(
        "--weight", choices=["count", "intensity", "score"], default="count", help="row weight for the balance (default: count)"
    )
    parser.add_argument(
        "--balance-scale",
        choices=["relative", "logit", "goldstein"],
        default="relative",
        help="balance scale (default: relative)",
    )
    parser.add_argument(
        "--interval", choices=["jeffreys", "bootstrap"], default="jeffreys", help="interval method (default: jeffreys)"
    )
    parser.add_argument(
        "--count",
        choices=["events", "mentions"],
        default="events",
        help="count events (mentions of one act once) or mentions (default: events)",
    )
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default: 1000)")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    parser.add_argument("--scale", type=float, default=2.0, help="PNG pixel scale (default: 2)")
    parser.add_argument(
        "--strict", action="store_true", help="fail (exit 1, nothing written) when any annotation line or log file is left out"
    )


def _csv(df) -> str:
    """The table as CSV; labels from the codebook or summits.yaml cannot run as spreadsheet formulas."""
    import pandas as pd

    from ..formats.csv import neutralise_cell

    out = df.copy()
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    for col in out.columns:
        if str(out[col].dtype).startswith("datetime"):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            out[col] = [neutralise_cell(v) if isinstance(v, str) else v for v in out[col].astype(object)]
    return out.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def run(args: argparse.Namespace) -> int:
    from .._io import atomic_write_text
    from ..balance import balance_table
    from ..charts import all_charts, caption_lines, with_caption
    from ..display import to_png, to_svg
    from ..errors import DataError, skipped_report
    from ..ledger import load_ledger
    from ..robustness import power_table, robustness_table, robustness_wide
    from ..shifts import shift_table

    started = time.perf_counter()
    project = getattr(args, "project", None)
    if args.sets is None:
        if project is None:
            from ..project import as_project

            project = as_project(args.data)
        for name in project.missing_chart_sets():  # a young project: chart what exists, say what does not
            print(f"note: set {name!r} (summit-ledger.toml [charts] sets) has no annotations yet; left out", file=sys.stderr)
        args.sets = ",".join(project.chart_sets())
    sets = None if args.sets.strip() == "all" else [s.strip() for s in args.sets.split(",") if s.strip()]
    ledger = load_ledger(project if project is not None else args.data, sets=sets, include_briefs=args.evidence != "span")
    if ledger.empty:
        from ..project import as_project

        print(
            "nothing to chart yet: no annotations"
            + (f" in {', '.join(sets)}" if sets else "")
            + (" and no briefs" if args.evidence != "span" else "")
            + "; no files written.",
            file=sys.stderr,
        )
        for line in as_project(project if project is not None else args.data).status():
            print(f"  next: {line}", file=sys.stderr)
        return 0
    skipped = ledger.attrs.get("problems", [])
    if skipped and args.strict:
        raise DataError(skipped)
    for line in skipped_report(skipped, what="annotations"):
        print(line, file=sys.stderr)
    evidence = None if args.evidence == "both" else args.evidence
    opts = dict(
        weight=args.weight,
        evidence=evidence,
        n_boot=args.n_boot,
        seed=args.seed,
        scale=args.balance_scale,
        interval=args.interval,
        count=args.count,
    )
    summit_table = balance_table(ledger, by="summit", **opts)
    issue_table = balance_table(ledger, by="issue", **opts)
    shifts = shift_table(issue_table, seed=args.seed)
    summit_shifts = shift_table(summit_table, seed=args.seed)
    robust = robustness_table(ledger, interval=args.interval, n_boot=args.n_boot, seed=args.seed)
    n_span = int((ledger["evidence"] == "span").sum())
    n_brief = int((ledger["evidence"] == "brief").sum())
    n_ann = int(ledger.loc[ledger["evidence"] == "span", "id"].nunique())
    n_briefs = int(ledger.loc[ledger["evidence"] == "brief", "id"].nunique())
    print(
        f"ledger: {n_span} rows from {n_ann} annotations ({', '.join(sets) if sets else 'all sets'}) and "
        f"{n_brief} rows from {n_briefs} briefs (a row per direction and issue; validate counts annotations and briefs); "
        f"scale {args.balance_scale}, {args.interval} intervals, counting {args.count}, weight {args.weight}, "
        f"evidence {args.evidence}"
    )
    out = Path(args.out)
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
    if args.balance_scale == "relative":
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
        tmp.write_bytes(to_png(captioned, scale=args.scale, svg=svg))
        tmp.replace(png_path)
        written += [svg_path, png_path]
        print(f"wrote {svg_path} and {png_path.name} ({png_path.stat().st_size // 1024} KB)")
    cells = issue_table["n"] > 0
    thin = int(issue_table.loc[cells, "thin"].sum())
    print(
        f"{len(written)} files in {out} in {time.perf_counter() - started:.1f} s; "
        f"{thin} of {int(cells.sum())} non-empty summit x issue cells are thin (95% interval wider than 1)"
    )
    return 0
