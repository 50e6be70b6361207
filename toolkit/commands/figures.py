"""``summit-ledger figures --out DIR``: every chart as SVG and PNG (captioned), the tables and the robustness table as CSV."""

from __future__ import annotations

import argparse

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


def run(args: argparse.Namespace) -> int:
    from toolkit.project import Project

    project = getattr(args, "project", None) or Project.discover(args.data)
    project.figures(
        args.out,
        sets=args.sets,
        evidence=args.evidence,
        weight=args.weight,
        balance_scale=args.balance_scale,
        interval=args.interval,
        count=args.count,
        n_boot=args.n_boot,
        seed=args.seed,
        scale=args.scale,
        strict=args.strict,
        scope=args.scope,
    )
    return 0
