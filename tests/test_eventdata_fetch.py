"""``events fetch gdelt`` against a server this test starts on 127.0.0.1, then ``events add`` and ``events balance``."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from toolkit.commands import main
from toolkit.errors import DataError
from toolkit.eventdata.fetch import fetch_gdelt, plan_gdelt
from toolkit.eventdata.sample import write_gdelt_sample

SERVER = Path(__file__).parent / "eventdata_server.py"
SUMMITS = """\
- id: 2021-06-16-geneva
  date: "2021-06-16"
  place: Geneva
  format: in_person
  parties: [US, Russia]
  leaders: [Joe Biden, Vladimir Putin]
  window: {before: 60, after: 60}
  label: Geneva 2021
  sources: [https://example.org/source]
"""


def _zip(csv: Path, folder: Path) -> Path:
    out = folder / (csv.name + ".zip")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(csv, csv.name)
    return out


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, list[Path]]]:
    """Three synthetic export files, zipped, a master list with sizes and MD5s, and a server over them."""
    root = tmp_path / "www"
    gdeltv2 = root / "gdeltv2"
    gdeltv2.mkdir(parents=True)
    made = write_gdelt_sample(tmp_path / "made", rows=600, files=3, start="2021-05-01", end="2021-07-31")
    zips = []
    lines = []
    for k, csv in enumerate(made):
        stamp = f"202106{16 + k:02d}000000"
        named = csv.with_name(f"{stamp}.export.CSV")
        csv.rename(named)
        z = _zip(named, gdeltv2)
        zips.append(z)
        md5 = hashlib.md5(z.read_bytes(), usedforsecurity=False).hexdigest()
        lines.append(f"{z.stat().st_size} {md5} http://placeholder/gdeltv2/{z.name}")
        lines.append(f"1234 {'0' * 32} http://placeholder/gdeltv2/{stamp}.mentions.CSV.zip")  # not an export
    log = tmp_path / "requests.log"
    log.touch()
    proc = subprocess.Popen([sys.executable, str(SERVER), str(root), str(log)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        (gdeltv2 / "masterfilelist.txt").write_text("\n".join(x.replace("http://placeholder", base) for x in lines) + "\n")
        yield f"{base}/gdeltv2/masterfilelist.txt", log, zips
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def test_plan_lists_the_asked_days_with_sizes(served) -> None:
    master, _, zips = served
    items = plan_gdelt(dt.date(2021, 6, 16), dt.date(2021, 6, 17), master)
    assert [i.name for i in items] == [z.name for z in zips[:2]]
    assert sum(i.size for i in items) == sum(z.stat().st_size for z in zips[:2])


def test_an_interrupted_download_resumes_with_a_range_request(served, tmp_path: Path) -> None:
    master, log, zips = served
    items = plan_gdelt(dt.date(2021, 6, 16), dt.date(2021, 6, 16), master)
    dest = tmp_path / "dl"
    dest.mkdir()
    half = zips[0].read_bytes()[: items[0].size // 2]
    (dest / (items[0].name + ".part")).write_bytes(half)
    seen: list[int] = []
    csvs = fetch_gdelt(items, dest, progress=seen.append)
    assert (dest / items[0].name).read_bytes() == zips[0].read_bytes()
    assert sum(seen) == items[0].size
    assert f"bytes={len(half)}-" in log.read_text()
    assert csvs[0].name == items[0].name.removesuffix(".zip") and csvs[0].read_text().count("\n") == 200
    before = log.read_text()
    fetch_gdelt(items, dest)  # everything there and checked: nothing fetched again
    assert log.read_text() == before


def test_a_checksum_mismatch_removes_the_file_and_says_so(served, tmp_path: Path) -> None:
    master, _, _ = served
    items = plan_gdelt(dt.date(2021, 6, 18), dt.date(2021, 6, 18), master)
    bad = [type(items[0])(items[0].size, "f" * 32, items[0].url, items[0].stamp)]
    with pytest.raises(DataError, match="MD5 differs"):
        fetch_gdelt(bad, tmp_path / "dl")
    assert list((tmp_path / "dl").iterdir()) == []


def test_journey_fetch_add_and_balance_from_the_command_line(served, tmp_path: Path, capsys) -> None:
    master, _, _ = served
    project = tmp_path / "proj"
    assert main(["init", str(project)]) == 0
    (project / "summits.yaml").write_text(SUMMITS, encoding="utf-8")
    capsys.readouterr()
    argv = ["events", "fetch", "gdelt", "--from", "2021-06-16", "--to", "2021-06-18", "--master-url", master]
    assert main([*argv, "--yes", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert "3 GDELT export file(s)" in out and "MB to download" in out and "added 3 file(s), 600 rows" in out
    out_csv = tmp_path / "machine.csv"
    assert main(["events", "balance", "--out", str(out_csv), "--bootstrap", "200", "--project", str(project)]) == 0
    table = pd.read_csv(out_csv)
    assert {"summit_id", "n", "goodwill", "grievance", "balance", "ci_low", "ci_high", "cl_low", "cl_high"} <= set(table.columns)
    row = table.iloc[0]
    assert row.summit_id == "2021-06-16-geneva" and row.n == row.goodwill + row.grievance + row.neutral > 0
    assert row.ci_low <= row.balance <= row.ci_high
    # a second fetch finds everything in place and adds nothing twice
    assert main([*argv, "--yes", "--project", str(project)]) == 0
    assert "added 0 file(s)" in capsys.readouterr().out
