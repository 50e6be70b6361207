"""The hub tests' proxy install: two test processes on a fresh machine get one npm install, and both get the proxy.

npm and node here are small stand-ins on PATH (no network): the stand-in npm counts its runs, and like a real
install it removes ``node_modules`` and writes it again, slowly, so that two unlocked runs overlap.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: What a hub test process does for its proxy, in a process of its own.
FIND_PROXY = [sys.executable, "-c", "from tests.hub.harness import find_proxy; print(find_proxy())"]

FAKE_NPM = """#!/bin/sh
# stand-in for npm install --prefix DIR PACKAGE (synthetic: the hub tests' proxy install, without the network)
PATH=/usr/bin:/bin
prefix=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--prefix" ]; then prefix="$2"; shift; fi
  shift
done
echo run >> "$NPM_RUNS"
rm -rf "$prefix/node_modules"
sleep 1
mkdir -p "$prefix/node_modules/.bin"
printf '#!/bin/sh\\n' > "$prefix/node_modules/.bin/configurable-http-proxy"
"""


def _stand_ins(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("npm", FAKE_NPM), ("node", "#!/bin/sh\n")):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "SUMMIT_LEDGER_PROXY"}
    env.update(
        PATH=str(bin_dir),  # only the stand-ins: the machine's own npm stays out of sight
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        NPM_RUNS=str(tmp_path / "npm-runs"),
        PYTHONPATH=str(REPO),
    )
    return env


def test_two_processes_asking_at_once_get_one_install_and_both_find_the_proxy(tmp_path):
    env = _stand_ins(tmp_path)
    procs = [subprocess.Popen(FIND_PROXY, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    expected = str(tmp_path / "cache" / "summit-ledger" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy")
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == expected
    assert (tmp_path / "npm-runs").read_text().splitlines() == ["run"]


def test_no_npm_means_no_proxy_and_no_install(tmp_path):
    env = _stand_ins(tmp_path)
    (tmp_path / "bin" / "npm").unlink()
    out = subprocess.run(FIND_PROXY, env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.strip() == "None"
    assert not (tmp_path / "npm-runs").exists()
