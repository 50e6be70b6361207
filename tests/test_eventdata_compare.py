"""Human beside machine: side-by-side table, sign and shift agreement, event matches, and the chart's title."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.eventdata.chart import comparison_chart
from toolkit.eventdata.compare import agreement, match_table, side_by_side


def table(balances: list[float], n: list[int]) -> pd.DataFrame:
    ids = ["2021-06-16-geneva", "2021-12-07-video", "2021-12-30-phone"]
    return pd.DataFrame(
        {
            "summit_id": ids,
            "summit_label": ["Geneva", "Video", "Phone"],
            "summit_date": pd.to_datetime(["2021-06-16", "2021-12-07", "2021-12-30"]),
            "n": n,
            "balance": balances,
            "ci_low": [b - 0.2 if b == b else np.nan for b in balances],
            "ci_high": [b + 0.2 if b == b else np.nan for b in balances],
        }
    )


def test_signs_and_shift_directions_are_compared_where_both_have_a_balance() -> None:
    human = table([0.4, -0.5, 0.2], [10, 40, 5])
    machine = table([-0.3, -0.4, np.nan], [900, 300, 0])
    per, summary = agreement(human, machine)
    assert per["same_sign"].tolist()[:2] == [0.0, 1.0] and np.isnan(per["same_sign"].iloc[2])
    # human falls (0.4 -> -0.5), machine rises (-0.3 -> -0.4 is a fall): same direction
    assert per["same_direction"].iloc[1] == 1.0
    assert summary == {"summits_compared": 2, "sign_agreement": 0.5, "shifts_compared": 1, "direction_agreement": 1.0}
    long = side_by_side(human, machine, machine_label="GDELT")
    assert long["coding"].tolist()[:2] == ["GDELT", "human coding"] and len(long) == 6
    assert long["summit_order"].tolist() == [0, 0, 1, 1, 2, 2]


def test_events_match_on_day_directed_dyad_and_side() -> None:
    ledger = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "event_id": ["ev1", "ev1", None, None, None],  # a and b are one event
            "summit_id": ["2021-06-16-geneva"] * 5,
            "stance": ["goodwill", "goodwill", "grievance", "agenda", "grievance"],
            "actor": ["US", "US", "Russia", "US", "US"],
            "target": ["Russia", "Russia", "US", "Russia", "Russia"],
            "event_date": ["2021-06-16", "2021-06-16", "2021-06-17", "2021-06-16", "2021-06"],
        }
    )
    machine = pd.DataFrame(
        {
            "summit_id": ["2021-06-16-geneva"] * 4,
            "event_id": ["1", "2", "3", "4"],
            "date": pd.to_datetime(["2021-06-16", "2021-06-16", "2021-06-17", "2021-06-17"]),
            "source_country": ["USA", "RUS", "USA", "RUS"],
            "target_country": ["RUS", "USA", "RUS", "USA"],
            "quad_class": [1, 1, 4, 2],
        }
    )
    row = match_table(ledger, machine).iloc[0]
    # human: ev1 (US->RU goodwill 16th) matched by machine 1; c (RU->US grievance 17th) has no machine match
    assert (row.human_events, row.found_by_machine, row.human_undated) == (2, 1, 1)
    # machine: 1 matches ev1; 2 is the other direction; 3 is a different side; 4 cooperation, human says grievance
    assert (row.machine_events, row.coded_by_person) == (4, 1)
    assert row.share_found == pytest.approx(0.5) and row.share_coded == pytest.approx(0.25)


def test_chart_of_a_synthetic_sample_says_so_in_its_title() -> None:
    long = side_by_side(table([0.4, -0.5, 0.2], [10, 40, 5]), table([-0.3, -0.4, 0.1], [900, 300, 50]))
    spec = comparison_chart(long, synthetic=True).to_dict()
    assert "synthetic sample" in spec["title"]["text"]
    assert "synthetic sample" not in comparison_chart(long, synthetic=False).to_dict()["title"]["text"]


def test_with_the_codebook_events_match_on_the_quad_class_of_their_cameo_code() -> None:
    from toolkit.codebook import load_codebook
    from toolkit.paths import data_dir

    cb = load_codebook(data_dir() / "codebook.yaml")
    assert cb.event_types["accuse"].cameo == "112"  # verbal conflict (quad 3) by GDELT's split
    ledger = pd.DataFrame(
        {
            "id": ["a"],
            "event_id": [None],
            "summit_id": ["s"],
            "stance": ["grievance"],
            "event_type": ["accuse"],
            "actor": ["US"],
            "target": ["Russia"],
            "event_date": ["2021-06-16"],
        }
    )
    machine = pd.DataFrame(
        {
            "summit_id": ["s", "s"],
            "event_id": ["1", "2"],
            "date": pd.to_datetime(["2021-06-16", "2021-06-16"]),
            "source_country": ["USA", "USA"],
            "target_country": ["RUS", "RUS"],
            "quad_class": [4, 3],  # material conflict does not match; verbal conflict does
        }
    )
    row = match_table(ledger, machine, codebook=cb).iloc[0]
    assert (row.human_events, row.found_by_machine, row.machine_events, row.coded_by_person) == (1, 1, 2, 1)
    by_side = match_table(ledger, machine).iloc[0]  # without the codebook, both conflicts match on the side
    assert by_side.coded_by_person == 2
