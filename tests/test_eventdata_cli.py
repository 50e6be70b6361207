"""``summit-ledger events add`` and ``events balance``: a researcher adds ICEWS and POLECAT files to a project."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from _eventdata import icews_file, polecat_file

from toolkit.commands import main
from toolkit.eventdata.layouts import POLECAT_COLUMNS

SUMMITS = """\
- id: 2021-06-16-geneva
  date: "2021-06-16"
  place: Geneva
  format: in_person
  parties: [US, Russia]
  window: {before: 10, after: 10}
  label: Geneva 2021
  sources: [https://example.org/source]
"""


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    assert main(["init", str(project)]) == 0
    (project / "summits.yaml").write_text(SUMMITS, encoding="utf-8")
    return project


def test_journey_add_icews_and_polecat_then_balance(tmp_path: Path, capsys) -> None:
    project = _project(tmp_path)
    (tmp_path / "i").mkdir()
    (tmp_path / "p").mkdir()
    icews = icews_file(tmp_path / "i")
    polecat = polecat_file(tmp_path / "p")
    capsys.readouterr()
    assert main(["events", "add", str(icews), "--project", str(project)]) == 0
    out, err = capsys.readouterr()
    assert "added 1 icews file(s), 4 rows" in out
    # the torn last line is reported with file and line; the repeated event id too
    assert f"{icews}: 1 line(s) not read; first: {icews}, line 6" in err
    assert "1 row(s) repeat an event id" in err
    text = polecat.read_text(encoding="utf-8").replace("2021-06-17\tOTHER", "17 June\tOTHER")  # a date not in ISO form
    polecat.write_text(text, encoding="utf-8")
    assert main(["events", "add", str(polecat), "--project", str(project)]) == 0
    out, err = capsys.readouterr()
    assert "added 1 polecat file(s), 3 rows" in out
    assert "1 row(s) have no readable date" in err
    log = [json.loads(x) for x in (project / "eventdata" / "added.jsonl").read_text().splitlines()]
    assert [e["dataset"] for e in log] == ["icews", "polecat"] and log[0]["unreadable"] == 1
    out_csv = tmp_path / "balance.csv"
    assert main(["events", "balance", "--out", str(out_csv), "--bootstrap", "100", "--project", str(project)]) == 0
    row = pd.read_csv(out_csv).iloc[0]
    # ICEWS: 926685 US->RU goodwill; 926687 RU->US grievance (926686 has no target). POLECAT: one each way.
    assert (row.n, row.goodwill, row.grievance, row.neutral) == (4, 2, 2, 0)
    assert main(["events", "balance", "--dataset", "icews", "--project", str(project)]) == 0
    printed = capsys.readouterr().out
    assert "2021-06-16-geneva" in printed and " 2 " in printed


def test_a_bad_file_among_several_adds_nothing(tmp_path: Path, capsys) -> None:
    project = _project(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    good = polecat_file(tmp_path / "a")
    cols = list(POLECAT_COLUMNS)
    cols[2] = "Type"
    bad = polecat_file(tmp_path / "b", header=cols)
    assert main(["events", "add", str(good), str(bad), "--dataset", "polecat", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"error: {bad}, line 1, field 'header': column 3 is 'Type'" in err
    cache = project / "eventdata"
    assert not (cache / "added.jsonl").exists()
    assert [p for p in cache.rglob("*") if p.is_file() and p.name != ".lock"] == []
    assert main(["events", "balance", "--project", str(project)]) == 1
    assert "no event data added yet" in capsys.readouterr().err
