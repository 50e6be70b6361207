"""The summits table."""

from __future__ import annotations

import pytest
import yaml

from toolkit.corpus import load_summits, summits_frame
from toolkit.errors import DataError


def test_five_summits_in_date_order(summits):
    assert list(summits) == [
        "2018-07-16-helsinki",
        "2021-06-16-geneva",
        "2021-12-07-video",
        "2021-12-30-phone",
        "2022-01-10-geneva-talks",
    ]
    assert summits["2021-12-07-video"].format == "video"
    assert summits["2022-01-10-geneva-talks"].format == "talks"
    assert all(s.sources for s in summits.values())


def test_frame_has_order(summits):
    df = summits_frame(summits)
    assert df["order"].tolist() == [0, 1, 2, 3, 4]
    assert df["date"].is_monotonic_increasing


@pytest.mark.parametrize(
    "change, field",
    [
        ({"format": "zoom"}, "format"),
        ({"date": "2021-13-40"}, "date"),
        ({"id": "geneva"}, "id"),
        ({"sources": []}, "sources"),
        ({"parties": ["US", "Atlantis"]}, "parties"),
    ],
)
def test_bad_summit_fields_are_named(tmp_path, data_root, codebook, change, field):
    raw = yaml.safe_load((data_root / "summits.yaml").read_text(encoding="utf-8"))
    raw[1].update(change)
    p = tmp_path / "summits.yaml"
    p.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_summits(p, codebook)
    assert any(pr.field == field and pr.line is not None for pr in err.value.problems), err.value.problems
