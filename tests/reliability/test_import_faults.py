"""Imports are all or nothing: Ctrl-C, SIGKILL and a full disk during a real ``summit-ledger import``.

The CSV files are synthetic (random spans of the real seed article, noted as
synthetic), generated at run time. After each fault the set holds either
none of the rows or all of them, and the data folder is byte-identical to
before when nothing was imported.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import ENV, REPO, cli, error_lines, scratch_data, tmpfs, tree_digest
from synthetic import write_csv

ROWS = 20_000


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> tuple[Path, float]:
    """A 20,000-row synthetic CSV, and how long a complete import of it takes here."""
    folder = tmp_path_factory.mktemp("import")
    path = folder / "synthetic.csv"
    write_csv(path, ROWS, "synth")
    data = scratch_data(folder / "calib")
    t = time.perf_counter()
    res = cli("import", "csv", str(path), "--set", "synth", "--data", str(data))
    assert res.returncode == 0, res.stderr
    return path, time.perf_counter() - t


def live_count(data: Path) -> int:
    store = Store(data / "annotations" / "synth")
    if "synth" not in store.annotators():
        return 0
    st = store.read("synth")
    assert st.problems == [] and st.torn is None
    return len(st.annotations)


#: Runs ``summit-ledger import`` once Python has started and the CLI is imported (it says "ready" then), so
#: the signal lands in the command, not in interpreter start-up, whose length depends on the machine's load.
#: Once the command has returned, Ctrl-C is ignored: a signal landing in interpreter shutdown says nothing about
#: the import, which is what the test judges.
_RUNNER = (
    "import signal, sys\nfrom toolkit.commands.main import main\nprint('ready', flush=True)\n"
    "rc = main(['import', 'csv', sys.argv[1], '--set', 'synth', '--data', sys.argv[2]])\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\nsys.exit(rc)\n"
)


def start_import(csv_path: Path, data: Path) -> subprocess.Popen:
    p = subprocess.Popen(
        [sys.executable, "-c", _RUNNER, str(csv_path), str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=ENV,
    )
    assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    return p


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_signal_during_a_20k_row_import(tmp_path, big_csv, seed, sig):
    csv_path, took = big_csv
    data = scratch_data(tmp_path / "data")
    before = tree_digest(data)
    p = start_import(csv_path, data)
    time.sleep(random.Random(seed).uniform(0.3, 1.1) * took)
    p.send_signal(sig)
    _, err = p.communicate(timeout=300)
    n = live_count(data)
    assert n in (0, ROWS), f"{n} of {ROWS} rows imported: not all or nothing"
    if sig == signal.SIGINT:
        assert p.returncode in (0, 130), err
        if p.returncode == 130:
            assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err
    if n == 0:
        staged = [k for k in tree_digest(data) if k.endswith(".batch")]
        if sig == signal.SIGINT:
            assert not staged, "Ctrl-C left a staged file"
        after = {k: v for k, v in tree_digest(data).items() if not k.endswith(".batch")}
        assert after == before
        # The next import completes, and clears anything a killed one staged.
        res = cli("import", "csv", str(csv_path), "--set", "synth", "--data", str(data))
        assert res.returncode == 0, res.stderr
        assert live_count(data) == ROWS
        assert not [k for k in tree_digest(data) if k.endswith(".batch")]


def test_import_on_a_full_disk_writes_nothing(tmp_path):
    csv_path = tmp_path / "synthetic.csv"
    write_csv(csv_path, 600, "synth")  # about 330 KB as a log
    with tmpfs(tmp_path / "mnt", "256k") as mnt:
        data = scratch_data(mnt / "data")
        before = tree_digest(data)
        res = cli("import", "csv", str(csv_path), "--set", "synth", "--data", str(data))
        assert res.returncode == 1, res.stdout + res.stderr
        errs = error_lines(res.stderr)
        assert len(errs) == 1 and "No space left on device" in errs[0] and str(data) in errs[0], res.stderr
        assert "nothing was written" in errs[0] and "Traceback" not in res.stderr
        assert tree_digest(data) == before


def test_lone_surrogate_in_an_import_is_one_error_and_nothing_written(tmp_path, seed):
    """A W3C note holding an escaped lone surrogate: refused at validation, with file, record and field."""
    import json

    data = scratch_data(tmp_path / "data")
    text = seed.text
    items = []
    for i, (a, b) in enumerate([(0, 20), (30, 60), (100, 140)]):
        items.append(
            {
                "type": "Annotation",
                "id": f"urn:synthetic:{i}",
                "body": [
                    {"type": "TextualBody", "purpose": "tagging", "value": v}
                    for v in ("issue:cyber", "stance:grievance", "actor:US", "target:Russia", "intensity:1")
                ]
                + [
                    {
                        "type": "TextualBody",
                        "purpose": "commenting",
                        "value": "synthetic note \ud800" if i == 1 else "synthetic note",
                    }
                ],
                "target": {
                    "source": seed.id,
                    "selector": [
                        {"type": "TextPositionSelector", "start": a, "end": b},
                        {"type": "TextQuoteSelector", "exact": text[a:b]},
                    ],
                },
            }
        )
    path = tmp_path / "notes.jsonld"
    path.write_text(json.dumps(items), encoding="utf-8")  # ensure_ascii: the surrogate is an escape
    before = tree_digest(data)
    res = cli("import", "w3c", str(path), "--set", "synth", "--annotator", "synth", "--document", seed.id, "--data", str(data))
    assert res.returncode == 1, res.stdout + res.stderr
    errs = error_lines(res.stderr)
    assert "Traceback" not in res.stderr
    # refused where it is first met: by the strict JSON reader (line and column), or by the record check (field)
    assert any("surrogate" in e and str(path) in e and ("[1].note" in e or "line 1" in e) for e in errs), res.stderr
    assert sum("surrogate" in e.replace(str(path), "") for e in errs) == 1, errs
    assert tree_digest(data) == before
