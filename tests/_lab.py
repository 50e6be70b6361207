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

RUN_ALL = "li.lm-Menu-item[data-command='runmenu:run-all']"
CURRENT_TAB = ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current"


def run_all_cells(page, timeout: float = 90_000, attempts: int = 3) -> None:
    """Run every cell through Lab's Run menu; wait until each code cell has an execution count and the kernel is idle.

    Run All does nothing while the notebook is not Lab's current panel (the item is greyed out, and a click on it
    is lost); so the notebook is made current first, and a press that queued no cell within 30 s is made again.
    """
    for attempt in range(attempts):
        page.evaluate(_WATCH_FOR_A_RUN)
        try:  # a click on the notebook's own tab makes it Lab's current panel
            page.locator(CURRENT_TAB).first.click(timeout=5_000)
        except Exception:  # no tab bar in this view: Run All's own state below decides
            pass
        page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
        item = page.wait_for_selector(RUN_ALL, timeout=30_000)
        if "lm-mod-disabled" in (item.get_attribute("class") or ""):
            page.keyboard.press("Escape")
            time.sleep(0.5)
            continue
        item.click()
        try:
            page.wait_for_function("() => window.__slRunSeen", timeout=30_000)
            break
        except Exception:
            if attempt == attempts - 1:
                raise
    else:
        raise AssertionError("Lab's Run All stayed greyed out: the notebook never became the current panel")
    page.wait_for_function(_ALL_NUMBERED, timeout=timeout)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout)
