"""Take ``docs/img/annotator.png``: the annotator in real JupyterLab (Debian Chromium).

Run from the repository root: ``.venv/bin/python tests/browser/screenshot.py``.
It works on a scratch copy of the data in a temporary folder (three spans of
the seed article coded as ``alice``, a fourth selected), so nothing in
``data/`` changes. Not a test: pytest does not collect it.
"""

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
import conftest as c  # noqa: E402  (found through the path set just above)
import test_annotator_browser as T  # noqa: E402
from _lab import wait_until  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

base = Path(tempfile.mkdtemp(prefix="summit-ledger-screenshot-"))
nbdir = c._copy_notebooks(base / "notebooks")
data = base / "data"
shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("workspace"))
S = c._Servers(base)
srv = S.lab(nbdir, {"SUMMIT_LEDGER_DATA": str(data)})
try:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=c.CHROMIUM, args=c.CHROMIUM_FLAGS)
        pg = b.new_page(viewport={"width": 1300, "height": 1500})
        c.open_notebook(pg, srv, "01_annotate.ipynb")
        c.run_all_cells(pg)
        T._start(pg, "alice")
        text = (data / "documents" / f"{T.SEED}.txt").read_text()
        a = text.index("cyber security")
        T._code_span(
            pg,
            a - 1,
            a + 14,
            stance="Grievance",
            actor="US and Russia jointly (US-Russia)",
            target="US and Russia jointly (US-Russia)",
            intensity="1 verbal",
        )
        a = text.index("the US and Russia both confirmed the virtual summit")
        T._code_span(
            pg,
            a - 1,
            a + len("the US and Russia both confirmed the virtual summit on Tuesday"),
            stance="Goodwill",
            actor="US and Russia jointly (US-Russia)",
            target="US and Russia jointly (US-Russia)",
            intensity="2 formal",
        )
        a = text.index("accused Russia of moving troops")
        s0 = text.rfind("the US and Ukraine", 0, a)
        T._code_span(
            pg,
            s0 - 1,
            a + len("accused Russia of moving troops and weapons to its border with Ukraine"),
            stance="Grievance",
            actor="United States (US)",
            target="Russia (Russia)",
            intensity="1 verbal",
        )
        # leave a pending selection with its suggestions showing
        a = text.index("Russia has asked NATO to stop expanding eastward")
        T.mouse_select(pg, a - 1, a + len("Russia has asked NATO to stop expanding eastward"))
        wait_until(pg, "() => document.querySelector('.sl-selection').textContent.startsWith('Selected')")
        pg.click(".sl-stance button:has-text('Grievance')")
        pg.evaluate(
            "() => { document.querySelector('.sl-text').scrollTop = 0; document.querySelector('.sl-annotator').scrollIntoView({block: 'start'}); }"
        )
        pg.wait_for_timeout(500)
        el = pg.query_selector(".sl-annotator")
        el.screenshot(path=str(REPO / "docs" / "img" / "annotator.png"))
        b.close()
finally:
    S.stop_all()
    shutil.rmtree(base, ignore_errors=True)
