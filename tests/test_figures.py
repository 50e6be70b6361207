"""``summit-ledger figures``: every chart as SVG and PNG plus CSV tables, byte-identical across runs."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.commands.main import main
from toolkit.ledger import load_ledger
from toolkit.measures import ISSUE_COLUMNS, ROBUSTNESS_COLUMNS, SHIFT_COLUMNS, SUMMIT_COLUMNS, events_needed


def _in_dyad(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[[{a, t} == {"US", "Russia"} or a == "US-Russia-mutual" for a, t in zip(rows["actor"], rows["target"])]]


def _acts(rows: pd.DataFrame) -> int:
    """Acts of the US<->Russia dyad counted by hand: an event_id once per summit and issue; else one record once."""
    rows = _in_dyad(rows)
    keyed = rows[rows["event_id"].notna()]
    plain = rows[rows["event_id"].isna()]
    return len(keyed.drop_duplicates(["event_id", "summit_id", "issue"])) + len(plain.drop_duplicates(["evidence", "set", "id"]))


LEDGER = load_ledger(sets=["reference"])
N_EVENTS = _acts(LEDGER)
N_MENTIONS = len(_in_dyad(LEDGER).drop_duplicates(["evidence", "set", "id", "summit_id", "issue"]))
N_BRIEF_EVENTS = _acts(LEDGER[LEDGER["evidence"] == "brief"])

CHARTS = ("balance_per_summit", "issue_heatmap", "issue_shift", "agenda_share", "robustness")
TABLES = {
    "balance_per_summit": SUMMIT_COLUMNS,
    "balance_per_summit_issue": ISSUE_COLUMNS,
    "issue_shift": SHIFT_COLUMNS,
    "summit_shift": SHIFT_COLUMNS[2:],
    "robustness": ROBUSTNESS_COLUMNS,
    "robustness_wide": None,
    "power": None,
}


@pytest.mark.slow
def test_figures_twice_byte_identical(tmp_path, capsys):
    outs = []
    for run in ("one", "two"):
        out = tmp_path / run
        assert main(["figures", "--out", str(out), "--n-boot", "200", "--scale", "1"]) == 0
        outs.append(out)
    printed = capsys.readouterr().out
    expected = {f"{c}.{ext}" for c in CHARTS for ext in ("svg", "png")} | {f"{t}.csv" for t in TABLES}
    assert {p.name for p in outs[0].iterdir()} == expected
    for name in expected:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
        assert name in printed
    assert "24 rows from 22 annotations (reference) and 40 rows from 29 briefs" in printed  # the counts validate gives, as rows
    for c in CHARTS:
        svg = (outs[0] / f"{c}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "</svg>" in svg
        assert (outs[0] / f"{c}.png").read_bytes()[:4] == b"\x89PNG"
        assert (outs[0] / f"{c}.svg").stat().st_mode & 0o044  # readable by others, like any output
    for t, cols in TABLES.items():
        df = pd.read_csv(outs[0] / f"{t}.csv")
        assert cols is None or tuple(df.columns) == cols
    for c in CHARTS:  # static exports: a caption with source, evidence and n; no interaction hints
        svg = (outs[0] / f"{c}.svg").read_text(encoding="utf-8")
        assert "Source: sets reference + briefs" in svg and "Evidence: article spans + briefs" in svg
        assert f"n = {N_EVENTS} acts ({N_MENTIONS} mentions); scope: US&lt;-&gt;Russia dyad" in svg
        assert "independent units: acts; weight: count (1 a unit)" in svg
        assert "click" not in svg.lower()
    power = pd.read_csv(outs[0] / "power.csv")
    geneva = power[(power.from_label == "Geneva 2021") & (power.to_label == "Video call Dec 2021")]
    assert int(geneva["needed_per_summit"].iloc[0]) == events_needed(
        float(geneva.from_balance.iloc[0]), float(geneva.to_balance.iloc[0])
    )
    robust = pd.read_csv(outs[0] / "robustness.csv")
    assert robust.groupby("spec")["available"].first().to_dict()["default"]
    summit = pd.read_csv(outs[0] / "balance_per_summit.csv")
    assert summit["summit_id"].tolist() == [
        "2018-07-16-helsinki",
        "2021-06-16-geneva",
        "2021-12-07-video",
        "2021-12-30-phone",
        "2022-01-10-geneva-talks",
    ]


def test_figures_options(tmp_path, capsys):
    out = tmp_path / "briefs"
    assert (
        main(
            [
                "figures",
                "--out",
                str(out),
                "--evidence",
                "brief",
                "--weight",
                "score",
                "--n-boot",
                "0",
                "--sets",
                "reference",
                "--interval",
                "bootstrap",
                "--balance-scale",
                "logit",
            ]
        )
        == 0
    )
    summit = pd.read_csv(out / "balance_per_summit.csv")
    assert (summit["weight"] == "score").all() and summit["ci_low"].isna().all()
    assert (summit["scale"] == "logit").all() and (summit["interval"] == "bootstrap").all()
    assert summit["n"].sum() == N_BRIEF_EVENTS
    assert "evidence brief" in capsys.readouterr().out


def test_figures_bad_data_is_one_clear_error(tmp_path, capsys):
    assert main(["figures", "--out", str(tmp_path / "x"), "--data", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "codebook.yaml" in err and "Traceback" not in err
