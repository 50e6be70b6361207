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
        "--weight",
        choices=["count", "intensity", "score", "goldstein"],
        default="count",
        help="row weight for the balance: score is the intensity score, goldstein the published value (default: count)",
    )
    parser.add_argument(
        "--balance-scale",
        choices=["relative", "logit", "goldstein", "score"],
        default="relative",
        help="balance scale (default: relative)",
    )
    parser.add_argument(
        "--interval", choices=["jeffreys", "bootstrap"], default="jeffreys", help="interval method (default: jeffreys)"
    )
    parser.add_argument(
        "--count",
        choices=["events", "directed", "mentions"],
        default="events",
        help="count acts (a joint act and the mentions of one act once), events per direction, or mentions (default: events)",
    )
    parser.add_argument(
        "--scope",
        choices=["dyad", "all"],
        default="dyad",
        help="count only the codebook's pair (US<->Russia) or every target (default: dyad)",
    )
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default: 1000)")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    parser.add_argument("--scale", type=float, default=2.0, help="PNG pixel scale (default: 2)")
    parser.add_argument(
        "--strict", action="store_true", help="fail (exit 1, nothing written) when any annotation line or log file is left out"
    )


def _csv(df) -> str:
    out = df.copy()
    for col in out.columns:
        if str(out[col].dtype).startswith("datetime"):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
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
        args.sets = ",".join(project.chart_sets()) if project is not None else "reference"
    sets = None if args.sets.strip() == "all" else [s.strip() for s in args.sets.split(",") if s.strip()]
    ledger = load_ledger(project if project is not None else args.data, sets=sets, include_briefs=args.evidence != "span")
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
        scope=args.scope,
    )
    summit_table = balance_table(ledger, by="summit", **opts)
    issue_table = balance_table(ledger, by="issue", **opts)
    shifts = shift_table(issue_table, seed=args.seed)
    summit_shifts = shift_table(summit_table, seed=args.seed)
    robust = robustness_table(ledger, interval=args.interval, n_boot=args.n_boot, seed=args.seed)
    n_span = int((ledger["evidence"] == "span").sum())
    n_brief = int((ledger["evidence"] == "brief").sum())
    print(
        f"ledger: {n_span} spans ({', '.join(sets) if sets else 'all sets'}) and {n_brief} briefs; "
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
