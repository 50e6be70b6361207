"""The annotator in a real browser: JupyterLab and Voila, mouse selection, store on disk."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from _lab import wait_until
from conftest import open_notebook, run_all_cells

from toolkit.codebook import load_codebook
from toolkit.corpus import load_documents, load_summits
from toolkit.records import make_annotation
from toolkit.store import Store


def mouse_select(page, start16: int, end16: int) -> None:
    """Drag the mouse over the article from caret ``start16`` to caret ``end16`` (UTF-16 offsets).

    The page is asked only where the characters are drawn (their boxes); the
    selection itself is made by pressing, moving and releasing the mouse. The
    press is a quarter into the first character (the caret lands before it)
    and the release three quarters into the last (the caret lands after it);
    Chromium does not start a drag pressed exactly at a glyph's centre.
    """
    locate = """([a, b, scroll]) => {
            const box = document.querySelector('.sl-text');
            function range(off) {
                const runs = [...box.querySelectorAll('.sl-run')];
                const run = runs.filter(r => Number(r.dataset.start) <= off).pop();
                const r = document.createRange();
                r.setStart(run.firstChild, off - Number(run.dataset.start));
                r.setEnd(run.firstChild, off - Number(run.dataset.start) + 1);
                return r;
            }
            function point(off, frac) {
                const rs = range(off).getClientRects();
                const q = rs[rs.length - 1];
                return {x: q.left + q.width * frac, y: q.top + q.height / 2};
            }
            if (scroll) {
                box.scrollIntoView({block: 'start'});
                const top = range(a).getBoundingClientRect().top, frame = box.getBoundingClientRect();
                box.scrollTop += top - frame.top - 40;
                return null;
            }
            return [point(a, 0.25), point(b - 1, 0.75)];
        }"""
    page.evaluate(locate, [start16, end16, True])
    page.wait_for_timeout(150)  # Lab lays out its windowed notebook again after a scroll
    boxes = page.evaluate(locate, [start16, end16, False])
    (a, b) = boxes
    page.mouse.move(a["x"], a["y"])
    page.mouse.down()
    page.mouse.move((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2, steps=4)
    page.mouse.move(b["x"], b["y"], steps=4)
    page.mouse.up()


REPO = Path(__file__).resolve().parents[2]
SEED = "2021-12-07-biden-putin-video-summit"
NOTEBOOK = "01_annotate.ipynb"


@pytest.fixture
def scratch_data(tmp_path) -> Path:
    """A copy of the data folder; the served notebook reads it through SUMMIT_LEDGER_DATA."""
    dst = tmp_path / "data"
    shutil.copytree(REPO / "data", dst, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak", "workspace"))
    return dst


def _log(data: Path, name: str) -> list[dict]:
    path = data / "annotations" / "workspace" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


_MESSAGES = "[...document.querySelectorAll('.sl-message')].map(e => e.textContent).join(' | ')"


def _wait_message(page, needle: str, timeout: float = 30_000, where: str = "") -> str:
    """Wait until a message (beside any control, or beside ``where``: name, selection, event, save) shows ``needle``."""
    sel = f".sl-message-{where}" if where else ".sl-message"
    try:
        wait_until(
            page,
            "([n, sel]) => [...document.querySelectorAll(sel)].some(e => e.textContent.includes(n))",
            arg=[needle, sel],
            timeout=timeout,
        )
    except Exception as exc:
        shown = page.evaluate(f"() => [{_MESSAGES}, document.querySelector('.sl-selection')?.textContent]")
        raise AssertionError(f"waited for {needle!r} in {sel}; the widget shows {shown!r}") from exc
    return page.evaluate(f"() => {_MESSAGES}")


def _start(page, name: str) -> None:
    page.wait_for_selector(".sl-text .sl-run", timeout=60_000)
    page.fill(".sl-name input", name)
    page.click("button.sl-start")
    _wait_message(page, f"Annotating as {name}", where="name")


def _code_span(
    page, start16: int, end16: int, *, stance: str, actor: str, target: str, intensity: str, issue: str | None = None
) -> None:
    mouse_select(page, start16, end16)
    try:
        wait_until(page, "() => document.querySelector('.sl-selection').textContent.startsWith('Selected')")
    except Exception as exc:
        shown = page.evaluate(
            "() => [document.querySelector('.sl-message')?.textContent, document.querySelector('.sl-selection')?.textContent]"
        )
        raise AssertionError(f"no selection after the drag; the widget shows {shown!r}") from exc
    _toggle(page, "sl-stance", stance)
    if issue is not None:
        _toggle(page, "sl-issue", issue)
    page.select_option(".sl-actor select", label=actor)
    page.select_option(".sl-target select", label=target)
    _toggle(page, "sl-intensity", intensity)
    _wait_ready(page)
    page.click("button.sl-save")
    _wait_message(page, "Saved")


def _wait_ready(page) -> None:
    """Wait until the kernel's draft says every field has arrived.

    ipywidgets throttles a control's state updates while the kernel is busy but sends button
    clicks at once, so a click can reach the kernel before a field chosen just before it
    (jupyter-widgets/ipywidgets#252). The line beside Save is drawn from the kernel's draft.
    """
    try:
        page.wait_for_selector(".sl-ready .sl-ready-yes", timeout=30_000)
    except Exception as exc:
        shown = page.evaluate("() => document.querySelector('.sl-ready')?.textContent")
        raise AssertionError(f"the draft never became ready; it shows {shown!r}") from exc


def _toggle(page, group: str, label: str) -> None:
    """Click a toggle button until it shows as pressed (the layout may shift while suggestions arrive)."""
    selector = f".{group} button:has-text('{label}')"
    active = f".{group} button.mod-active:has-text('{label}')"
    for _ in range(3):
        if page.query_selector(active):  # a slow first click may land late: a second one would undo it
            return
        page.click(selector)
        try:
            page.wait_for_selector(active, timeout=15_000)
            return
        except Exception:
            continue
    raise AssertionError(f"{selector} never became active")


def _highlights(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.sl-text .sl-hl')].map(e => ({
        start: Number(e.dataset.start), text: e.textContent, cls: e.className}))""")


def _code_undo_roundtrip(page, data: Path) -> None:
    """Select 'cyber security' with the mouse, code it, save, check disk and page, undo."""
    _start(page, "alice")
    # drag from before the space that precedes 'cyber security' to its end; the core trims the space
    _code_span(
        page,
        241,
        256,
        stance="Grievance",
        actor="US and Russia jointly (US-Russia)",
        target="US and Russia jointly (US-Russia)",
        intensity="1 verbal",
    )
    ops = _log(data, "alice")
    assert len(ops) == 1
    rec = ops[0]
    text = (data / "documents" / f"{SEED}.txt").read_text(encoding="utf-8")
    assert (rec["op"], rec["start"], rec["end"], rec["quote"]) == ("upsert", 242, 256, "cyber security")
    assert rec["quote"] == text[242:256]
    assert rec["prefix"] == text[242 - 32 : 242] and rec["suffix"] == text[256 : 256 + 32]
    assert (rec["stance"], rec["issue"], rec["actor"], rec["target"], rec["intensity"]) == (
        "grievance",
        "cyber",
        "US-Russia",
        "US-Russia",
        1,
    )
    assert rec["origin"] == "suggested"  # the pre-selected keyword suggestion was kept
    assert rec["annotator"] == "alice" and rec["summit_id"] == "2021-12-07-video"
    wait_until(page, "() => document.querySelectorAll('.sl-text .sl-hl').length === 1")
    hl = _highlights(page)
    assert [(h["start"], h["text"]) for h in hl] == [(242, "cyber security")]
    assert "sl-grievance" in hl[0]["cls"]
    # the highlight is that record: clicking it opens it for editing
    page.click(".sl-text .sl-hl")
    _wait_message(page, "Editing your annotation", where="selection")
    page.wait_for_selector(".sl-text .sl-hl.sl-selected")
    assert "1 of 24 sentences" in page.inner_text(".sl-progress")
    page.click("button.sl-undo")
    _wait_message(page, "Undid")
    ops = _log(data, "alice")
    assert len(ops) == 2
    assert (ops[1]["op"], ops[1]["id"], ops[1]["undoes"]) == ("delete", rec["id"], ops[0]["op_id"])
    wait_until(page, "() => document.querySelectorAll('.sl-text .sl-hl').length === 0")
    # the progress line arrives in its own message, just after the runs
    wait_until(page, "() => document.querySelector('.sl-progress').textContent.includes('0 of 24 sentences')")


def test_lab_select_code_save_undo(page, page_log, start_lab, notebook_workspace, scratch_data, run_notebook_in_lab):
    server = start_lab(notebook_workspace, {"SUMMIT_LEDGER_DATA": str(scratch_data)})
    run_notebook_in_lab(page, server, NOTEBOOK)
    _code_undo_roundtrip(page, scratch_data)
    # keyboard shortcuts reach the widget, not Lab's notebook commands ('a' would insert a cell)
    cells = page.evaluate("() => document.querySelectorAll('.jp-Notebook .jp-Cell').length")
    mouse_select(page, 241, 256)
    page.focus(".sl-text")
    page.keyboard.press("w")
    page.keyboard.press("a")
    page.wait_for_selector(".sl-stance button.mod-active:has-text('Goodwill')")
    page.wait_for_selector(".sl-issue button.mod-active:has-text('[a] ')")
    assert page.evaluate("() => document.querySelectorAll('.jp-Notebook .jp-Cell').length") == cells
    assert page_log.dialogs == [] and page_log.page_errors == []
    assert page_log.external_requests == []


def test_voila_select_code_save_undo(page, page_log, start_voila, notebook_workspace, scratch_data):
    server = start_voila(notebook_workspace / NOTEBOOK, {"SUMMIT_LEDGER_DATA": str(scratch_data)})
    page.goto(server.url)
    _code_undo_roundtrip(page, scratch_data)
    # Voila shows no code
    assert page.query_selector(".jp-InputArea-editor, .CodeMirror, .cm-editor") is None
    assert page_log.dialogs == [] and page_log.page_errors == []
    assert page_log.unexpected_external() == []


EVIL_ID = "zz-markup-test"
EVIL_TEXT = (
    "Headline 😀 with <script>window.__pwned = 'script'</script> inside.\n"
    "The US said <img src=x onerror=\"window.__pwned='img'\"> was never sent. "
    "Russia warned NATO about troops.\n"
)


def _evil_data(data: Path) -> str:
    """Add a document whose text, title, codebook label and a note hold markup (synthetic, test only)."""
    txt = data / "documents" / f"{EVIL_ID}.txt"
    txt.write_text(EVIL_TEXT, encoding="utf-8")
    digest = hashlib.sha256(txt.read_bytes()).hexdigest()
    title = "Evil <b onmouseover=\"window.__pwned='title'\">title</b>"
    (data / "documents" / f"{EVIL_ID}.yaml").write_text(
        f"id: {EVIL_ID}\ntitle: {json.dumps(title)}\ntext_file: {EVIL_ID}.txt\nsource: synthetic test text\n"
        f'url: null\npublished: "2021-12-07"\nsummit_id: 2021-12-07-video\nlanguage: en\nsha256: {digest}\n',
        encoding="utf-8",
    )
    cb_path = data / "codebook.yaml"
    cb_text = cb_path.read_text(encoding="utf-8")
    assert "label: Syria\n" in cb_text
    cb_path.write_text(
        cb_text.replace("label: Syria\n", 'label: "<img src=x onerror=\\"window.__pwned=\'label\'\\">Syria"\n'), encoding="utf-8"
    )
    codebook = load_codebook(cb_path)
    summits = load_summits(data / "summits.yaml", codebook)
    docs = load_documents(data / "documents", summits)
    store = Store(data / "annotations" / "workspace", codebook=codebook, documents=docs, summits=summits)
    doc = docs[EVIL_ID]
    a = doc.text.index("Russia warned")
    store.upsert(
        make_annotation(
            doc,
            a,
            a + len("Russia warned NATO"),
            issue="nato-expansion",
            stance="grievance",
            actor="Russia",
            target="NATO",
            intensity=1,
            annotator="mallory",
            note="<img src=x onerror=\"window.__pwned='note'\">",
        )
    )
    return title


def test_markup_in_data_is_shown_as_text_and_never_runs(page, page_log, start_voila, notebook_workspace, scratch_data):
    title = _evil_data(scratch_data)
    server = start_voila(notebook_workspace / NOTEBOOK, {"SUMMIT_LEDGER_DATA": str(scratch_data)})
    page.goto(server.url)
    _start(page, "alice")
    page.select_option(".sl-document select", label=title)
    wait_until(page, "(t) => document.querySelector('.sl-text').textContent === t", arg=EVIL_TEXT)
    page.select_option(".sl-layer select", label="all annotators")
    page.wait_for_selector(".sl-text .sl-hl")
    # the other annotator's note, shown on click, stays text
    page.click(".sl-text .sl-hl")
    msg = _wait_message(page, "read-only")
    assert "<img src=x onerror=" in msg
    # select 'never' (after the emoji: 2 UTF-16 units, 1 code point) with the mouse and code it
    cp = EVIL_TEXT.index("never")
    u16 = len(EVIL_TEXT[:cp].encode("utf-16-le")) // 2
    assert u16 == cp + 1
    _code_span(
        page,
        u16 - 1,
        u16 + len("never"),
        stance="Grievance",
        actor="United States (US)",
        target="Russia (Russia)",
        intensity="1 verbal",
        issue="Military exercises",
    )
    rec = _log(scratch_data, "alice")[-1]
    assert (rec["document_id"], rec["start"], rec["end"], rec["quote"]) == (EVIL_ID, cp, cp + 5, "never")
    assert (rec["issue"], rec["origin"]) == ("military-exercises", "manual")  # no keyword: chosen by hand
    # the markup is on the page as text, and nothing of it ran or became an element
    assert "<script>window.__pwned" in page.inner_text(".sl-text")
    assert page.inner_text(".sl-annotator h3") == title
    assert any(
        "<img src=x onerror=" in b for b in page.eval_on_selector_all(".sl-issue button", "els => els.map(e => e.textContent)")
    )
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"], .sl-annotator script, .sl-annotator b').length") == 0
    page.mouse.move(10, 10)
    page.hover(".sl-annotator h3")
    assert page.evaluate("() => window.__pwned === undefined")
    assert page_log.dialogs == [] and page_log.page_errors == []


def _name_checks(page) -> None:
    """A bad name: the message appears beside the name field, in plain words; then a Unicode name works."""
    page.wait_for_selector(".sl-text .sl-run", timeout=60_000)
    page.fill(".sl-name input", "a b")
    page.click("button.sl-start")
    msg = _wait_message(page, "not allowed", where="name")
    assert "<annotator>" not in msg and "field '" not in msg
    field = page.query_selector(".sl-name").bounding_box()
    note = page.query_selector(".sl-message-name").bounding_box()
    assert abs(note["y"] - field["y"]) < 60 and note["x"] > field["x"]  # on the same row, to the right
    _start(page, "Élise")
    assert page.inner_text(".sl-message-name").count("not allowed") == 0


def start_event(page, label: str, event_type: str, date: str) -> None:
    """Fill in a new event for the coded passage, wait for the kernel's "Ready to start", press the button.

    The button stays off until the kernel has every value just entered (a press that overtook a
    field's value would act on the old one), so one press is enough; "New event" confirms it.
    """
    page.fill(".sl-event-label input", label)
    page.select_option(".sl-event-type select", label=event_type)
    page.fill(".sl-event-date input", date)
    _wait_ready(page)
    page.wait_for_selector(".sl-event-ready .sl-ready-yes", timeout=60_000)
    page.click("button.sl-event-button")
    _wait_message(page, "New event", where="event")


def _code_events_attribution_modality(page, data: Path) -> None:
    """Code a span with attribution and modality, start an event for it, link a second span to that event."""
    mouse_select(page, 126, 188)
    wait_until(page, "() => document.querySelector('.sl-selection').textContent.startsWith('Selected')")
    _toggle(page, "sl-stance", "Goodwill")
    page.select_option(".sl-actor select", label="United States (US)")
    page.select_option(".sl-target select", label="Russia (Russia)")
    _toggle(page, "sl-intensity", "2 ")
    _toggle(page, "sl-attribution", "reported speech")
    _toggle(page, "sl-modality", "conditional")
    start_event(page, "Both sides confirm the call", "agree-meet", "2021-12-03")  # codebook 2.0's event types
    page.click("button.sl-save")
    _wait_message(page, "Saved", where="save")
    log = _log(data, "Élise")
    assert [o.get("kind", "mention") for o in log] == ["event", "mention"]
    event, first = log
    assert (event["description"], event["annotator"]) == ("Both sides confirm the call", "Élise")
    assert (first["event_id"], first["attribution"], first["modality"]) == (event["id"], "reported-speech", "conditional")
    # a second mention of the same act, linked from the menu; its codes come from the event
    mouse_select(page, 300, 330)
    wait_until(page, "() => document.querySelector('.sl-selection').textContent.startsWith('Selected')")
    assert "Saved" not in page.inner_text(".sl-message-save")  # a new selection clears the last "Saved"
    page.select_option(".sl-event select", label="Both sides confirm the call")
    page.wait_for_selector(".sl-stance button.mod-active:has-text('Goodwill')")
    page.click("button.sl-save")
    _wait_message(page, "Saved", where="save")
    second = _log(data, "Élise")[-1]
    assert (second["event_id"], second["stance"], second["actor"], second["target"]) == (event["id"], "goodwill", "US", "Russia")


def test_lab_first_view_names_events_attribution_modality(page, page_log, start_lab, notebook_workspace, scratch_data):
    server = start_lab(notebook_workspace, {"SUMMIT_LEDGER_DATA": str(scratch_data)})
    open_notebook(page, server, NOTEBOOK)
    # before running: the first-time note, never the widget's Python repr
    page.wait_for_selector(".jp-RenderedMarkdown:has-text('First time here?')", timeout=60_000)
    page.wait_for_timeout(2000)  # let the stored outputs render
    page.wait_for_selector(".jp-OutputArea-output:has-text('Run this cell to start the annotator')")
    body = page.inner_text(".jp-Notebook")
    assert "Annotator(children=" not in body and "HTML(value=" not in body
    run_all_cells(page)  # in the page already open: no second load of Lab
    _name_checks(page)
    _code_events_attribution_modality(page, scratch_data)
    assert page_log.dialogs == [] and page_log.page_errors == []


def test_voila_names_events_attribution_modality(page, page_log, start_voila, notebook_workspace, scratch_data):
    server = start_voila(notebook_workspace / NOTEBOOK, {"SUMMIT_LEDGER_DATA": str(scratch_data)})
    page.goto(server.url)
    _name_checks(page)
    _code_events_attribution_modality(page, scratch_data)
    assert page.query_selector(".jp-InputArea-editor, .CodeMirror, .cm-editor") is None
    assert page_log.dialogs == [] and page_log.page_errors == []
