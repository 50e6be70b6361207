"""Every stored chart of every curated notebook is visible without a kernel: in JupyterLab and in nbconvert's HTML.

A stored chart output holds the Vega-Lite spec (compared by nbval), a true-colour PNG (what JupyterLab shows
for an untrusted notebook with no kernel) and an SVG (what ``jupyter nbconvert --to html`` and GitHub
show). Each test counts the stored chart outputs in the notebook file, finds as many pictures on the
page, and checks each one's screenshot is a non-empty region (enough non-background pixels), not a
pixel-for-pixel comparison. Lab runs with no kernel spec at all, so nothing can be re-executed.
"""

from __future__ import annotations

import io
import json
import urllib.request

import nbformat
import pytest
from _lab import wait_until
from conftest import REPO, PageLog, _copy_notebooks, _Servers, open_page

from toolkit.charts.display import VEGALITE_MIMETYPE

NOTEBOOKS = REPO / "notebooks"


def _chart_counts() -> dict[str, int]:
    out = {}
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = nbformat.read(path, as_version=4)
        n = sum(
            1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if VEGALITE_MIMETYPE in o.get("data", {})
        )
        if n:
            out[path.relative_to(NOTEBOOKS).as_posix()] = n
    return out


CHARTS = _chart_counts()


def _non_empty(png: bytes, min_share: float = 0.02) -> float:
    """Share of pixels that differ from white (a drawn chart has axes, marks and text)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        grey = im.convert("L")
        hist = grey.histogram()
    total = sum(hist)
    share = sum(hist[:240]) / total if total else 0.0
    assert grey.size[0] > 100 and grey.size[1] > 60, f"picture only {grey.size} pixels"
    assert share >= min_share, f"only {share:.1%} of the picture is drawn"
    return share


def _check_pictures(page, selector: str, expected: int, where: str) -> None:
    pictures = page.locator(selector)
    assert pictures.count() == expected, f"{where}: {pictures.count()} pictures for {expected} stored charts"
    for i in range(expected):
        pic = pictures.nth(i)
        pic.scroll_into_view_if_needed()
        wait_until(page, "(img) => img.complete && img.naturalWidth > 0", arg=pic.element_handle())
        _non_empty(pic.screenshot())


def test_every_curated_chart_is_counted():
    assert CHARTS.get("02_balance_across_summits.ipynb") == 5


@pytest.fixture(scope="module")
def lab_without_kernel(tmp_path_factory, chromium_executable):
    """JupyterLab over a copy of notebooks/ that offers no kernel spec, with every cell kept in the DOM."""
    base = tmp_path_factory.mktemp("lab-no-kernel")
    cfg = base / "config"
    cfg.mkdir()
    (cfg / "jupyter_server_config.json").write_text(
        # the app object in the page (window.jupyterapp): the tests open one notebook after another in one Lab
        json.dumps({"KernelSpecManager": {"allowed_kernelspecs": ["no-kernel-here"]}, "LabApp": {"expose_app_in_browser": True}}),
        encoding="utf-8",
    )
    servers = _Servers(base)
    server = servers.lab(_copy_notebooks(base / "notebooks"), {"JUPYTER_CONFIG_DIR": str(cfg)})
    req = urllib.request.Request(
        f"{server.base}/lab/api/settings/@jupyterlab/notebook-extension:tracker?token={server.token}",
        data=json.dumps({"raw": json.dumps({"windowingMode": "none"})}).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(req, timeout=10).close()
    with urllib.request.urlopen(f"{server.base}/api/kernelspecs?token={server.token}", timeout=10) as resp:
        assert json.load(resp)["kernelspecs"] == {}
    yield server
    servers.stop_all()


@pytest.fixture(scope="module")
def lab_page(browser, lab_without_kernel):
    """One page of that Lab for every notebook of the module: Lab's front end loads once (about 5 s of CPU a load),
    and each test closes what is open and opens its notebook through Lab's own command, as a double click would."""
    with open_page(browser, PageLog()) as page:
        page.goto(f"{lab_without_kernel.base}/lab?token={lab_without_kernel.token}&reset")
        wait_until(page, "() => window.jupyterapp !== undefined", timeout=60_000)
        page.evaluate("async () => { await window.jupyterapp.restored; }")
        yield page


@pytest.mark.parametrize("notebook", sorted(CHARTS))
def test_lab_without_kernel_shows_every_stored_chart(lab_page, notebook):
    page = lab_page
    page.evaluate(
        """async (path) => {
            await window.jupyterapp.commands.execute('application:close-all');
            await window.jupyterapp.commands.execute('docmanager:open', {path});
        }""",
        notebook,
    )
    assert page.locator(".jp-NotebookPanel").count() == 1  # the previous test's notebook is closed
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # Lab may ask which kernel to start ("Select Kernel"): there is none, so answer "No Kernel" until the toolbar says so
    kernel_name = page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-kernelName")
    for _ in range(300):
        no_kernel = page.locator(".jp-Dialog button", has_text="No Kernel")
        if no_kernel.count():
            no_kernel.first.click()
        if kernel_name.count() and "No Kernel" in kernel_name.inner_text():
            break
        page.wait_for_timeout(100)
    page.wait_for_selector(".jp-OutputArea-output", timeout=60_000)
    assert "No Kernel" in kernel_name.inner_text()
    assert page.locator(".jp-OutputArea-output", has_text="<Chart:").count() == 0  # no text stand-ins
    _check_pictures(
        page, ".jp-OutputArea-output[data-mime-type='image/png'] img", CHARTS[notebook], f"Lab, no kernel, {notebook}"
    )


@pytest.mark.parametrize("notebook", sorted(CHARTS))
def test_nbconvert_html_shows_every_stored_chart(page, notebooks_html, notebook):
    page.goto(notebooks_html(notebook).as_uri())
    page.wait_for_selector(".jp-Notebook", timeout=30_000)
    assert page.locator(".jp-OutputArea-output", has_text="<Chart:").count() == 0
    _check_pictures(
        page, ".jp-OutputArea-output[data-mime-type='image/svg+xml'] img", CHARTS[notebook], f"nbconvert HTML, {notebook}"
    )
