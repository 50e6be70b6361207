"""Driving JupyterLab's own menus from the browser tests (Playwright pages), shared by the browser and hub tests."""

from __future__ import annotations

import time

#: Notes in the page when a code cell is queued (its prompt shows ``[*]``), however fast the kernel then runs it.
_WATCH_FOR_A_RUN = """() => {
    window.__slRunSeen = false;
    const seen = () => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some(p => p.textContent.includes('*'));
    const obs = new MutationObserver(() => { if (seen()) { window.__slRunSeen = true; obs.disconnect(); } });
    obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

_ALL_NUMBERED = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""

#: How often (ms) :func:`wait_until` checks its predicate.
POLL_MS = 100


def wait_until(page, expression: str, *, arg=None, timeout: float | None = None) -> None:
    """Wait until the JavaScript function ``expression`` (called with ``arg``) returns a true value in ``page``.

    The one way the browser and hub tests wait on the page's state (``tests/browser/test_harness.py`` checks that no
    test calls ``wait_for_function`` itself). It checks every :data:`POLL_MS` ms: Playwright's default checks on every
    animation frame, which keeps the page drawing 60 frames a second, and a 10 s wait in a Lab page then cost Chromium
    1.3-1.6 s of CPU, against 0.2-0.4 s. ``timeout`` (ms) defaults to Playwright's.
    """
    page.wait_for_function(expression, arg=arg, timeout=timeout, polling=POLL_MS)


RUN_ALL = "li.lm-Menu-item[data-command='runmenu:run-all']"
CURRENT_TAB = ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current"
DIALOG = ".jp-Dialog"
#: Lab's dialogs a person meets on a busy machine and answers with the default button: which kernel to start
#: (the kernel specs arrived after the notebook), and a kernel that died and is being restarted (its start
#: failed on a port another program took; the server restarts it on new ports).
ROUTINE_DIALOGS = ("Select Kernel", "Kernel Restarting")

_KERNEL_READY = """() => {
    const name = document.querySelector('.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName');
    const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
    return !!name && !/No Kernel/i.test(name.textContent) && !!ind && ind.dataset.status === 'idle';
}"""


def answer_routine_dialog(page) -> str | None:
    """Answer the dialog Lab shows with its default button if it is routine (:data:`ROUTINE_DIALOGS`).

    Returns the answered dialog's text. Any other dialog fails the test with its text: it would stop a person too.
    """
    box = page.query_selector(DIALOG)
    header = page.query_selector(f"{DIALOG} .jp-Dialog-header")
    if box is None or header is None or not box.is_visible():  # none shown (or closed meanwhile)
        return None
    text = " ".join(box.inner_text().split())
    title = " ".join(header.inner_text().split())
    if title not in ROUTINE_DIALOGS:
        raise AssertionError(f"Lab shows a dialog: {text!r}")
    accept = page.query_selector(f"{DIALOG} .jp-mod-accept")
    if accept is not None and accept.is_visible():
        accept.click()
    print(f"Lab asked, answered with its default: {text!r}", flush=True)
    return text


def wait_for_kernel(page, timeout: float = 60_000, where: str = "the notebook") -> None:
    """Wait until the open notebook has its kernel, connected and idle, answering Lab's routine dialogs."""
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        answer_routine_dialog(page)
        if page.evaluate(_KERNEL_READY):
            return
        page.wait_for_timeout(200)
    raise TimeoutError(f"{where}: the kernel did not become idle within {timeout / 1000:.0f} s")


def run_all_cells(page, timeout: float = 90_000, attempts: int = 3) -> None:
    """Run every cell through Lab's Run menu; wait until each code cell has an execution count and the kernel is idle.

    Run All does nothing while the notebook is not Lab's current panel (the item is greyed out, and a click on it
    is lost); so the notebook is made current first, and a press that queued no cell within 30 s is made again.
    """
    for attempt in range(attempts):
        answer_routine_dialog(page)
        page.evaluate(_WATCH_FOR_A_RUN)
        try:  # a click on the notebook's own tab makes it Lab's current panel
            page.locator(CURRENT_TAB).first.click(timeout=5_000)
        except Exception:  # no tab bar in this view: Run All's own state below decides
            pass
        try:
            page.click("div.lm-MenuBar-itemLabel:text-is('Run')", timeout=30_000)
        except Exception:
            if answer_routine_dialog(page) is None or attempt == attempts - 1:  # not a dialog in the way: the real error
                raise
            continue
        item = page.wait_for_selector(RUN_ALL, timeout=30_000)
        if "lm-mod-disabled" in (item.get_attribute("class") or ""):
            page.keyboard.press("Escape")
            time.sleep(0.5)
            continue
        item.click()
        try:
            wait_until(page, "() => window.__slRunSeen", timeout=30_000)
            break
        except Exception:
            if attempt == attempts - 1:
                raise
    else:
        raise AssertionError("Lab's Run All stayed greyed out: the notebook never became the current panel")
    wait_until(page, _ALL_NUMBERED, timeout=timeout)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout)
