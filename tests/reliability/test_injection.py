"""HTML/JS in article text, notes, annotator names and codebook labels stays inert.

Python-side half of the injection checks (the browser half is
``tests/browser/test_injection_browser.py``). Every HTML surface the toolkit
produces from data is parsed with :class:`html.parser.HTMLParser` and must
contain no element or attribute that could run code (``script``, ``img``,
``svg``, ``iframe``, ``on*=`` handlers, ``javascript:`` URLs), while the
payload's marker text *is* shown, as text, so a surface that silently
dropped the data would fail too. SVG exports are parsed as XML with the same
rules. Annotator names with markup are refused by the store before any file
is touched.

Surfaces: the annotated-article HTML and its hover titles
(``charts.article_html``), every ``HTML`` widget of the annotator and of the
explorer, the class-feedback HTML (``teaching.Feedback``), and each core chart
exported to SVG (``display.to_svg``, what ``summit-ledger figures`` writes).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import poison  # noqa: E402

from toolkit.errors import StoreError, ValidationError  # noqa: E402

DANGEROUS_TAGS = {
    "script",
    "img",
    "svg",
    "iframe",
    "object",
    "embed",
    "link",
    "meta",
    "style",
    "base",
    "form",
    "foreignobject",
    "math",
    "video",
    "audio",
    "source",
}


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def assert_inert_html(markup: str, shown: list[str], where: str) -> None:
    """No executable markup in ``markup``; every marker in ``shown`` appears as text or attribute text."""
    p = _Collect()
    p.feed(markup)
    p.close()
    bad_tags = sorted(set(p.tags) & DANGEROUS_TAGS)
    assert not bad_tags, f"{where}: injected elements {bad_tags}"
    handlers = [k for k, _ in p.attrs if k.lower().startswith("on")]
    assert not handlers, f"{where}: event-handler attributes {handlers}"
    js_urls = [v for k, v in p.attrs if v.strip().lower().startswith("javascript:")]
    assert not js_urls, f"{where}: javascript: URLs {js_urls}"
    visible = "".join(p.text) + " ".join(v for _, v in p.attrs)
    for marker in shown:
        assert marker in visible, f"{where}: {marker!r} is not shown at all (dropped instead of escaped?)"
    # The raw payloads are shown verbatim as text, i.e. escaped, not interpreted.
    assert "<script>" in visible or not any("script" in m for m in shown)


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    return poison.build(tmp_path_factory.mktemp("poison"))


# ------------------------------------------------------------- annotators
@pytest.mark.parametrize("name", poison.BAD_ANNOTATORS)
def test_annotator_names_with_markup_are_refused(poisoned, name):
    from toolkit.records import make_annotation

    store, doc = poisoned["store"], poisoned["document"]
    before = sorted(p.name for p in store.root.iterdir())
    rec = make_annotation(
        doc,
        0,
        9,
        issue="cyber",
        stance="grievance",
        actor="US",
        target="Russia",
        intensity=1,
        annotator=name,
        created="2026-01-01T00:00:00Z",
    )
    with pytest.raises((ValidationError, StoreError)) as info:
        store.upsert(rec)
    assert "annotator" in str(info.value)
    with pytest.raises(StoreError):
        store.log_path(name)
    assert sorted(p.name for p in store.root.iterdir()) == before


# ---------------------------------------------------------- article html
def test_article_html_escapes_text_title_and_hover_labels(poisoned):
    from toolkit.charts.article import article_html, ledger_spans

    doc = poisoned["document"]
    spans = ledger_spans(poisoned["ledger"], doc.id)
    assert len(spans) == 3
    markup = article_html(doc.text, spans, title=doc.title)
    assert_inert_html(markup, ["pwn-article", "pwn-title", "pwn-issue", "<script>window.__pwned='pwn-article'"], "article_html")


# --------------------------------------------------------------- widgets
def html_widgets(widget) -> list:
    """Every ipywidgets widget under ``widget`` (depth first)."""
    out, todo = [], [widget]
    while todo:
        wdg = todo.pop()
        out.append(wdg)
        todo.extend(getattr(wdg, "children", ()) or ())
    return out


def check_widget_tree(root, shown: list[str], where: str) -> None:
    import ipywidgets as w

    seen = []
    for wdg in html_widgets(root):
        if isinstance(wdg, (w.HTML, w.HTMLMath)):
            assert_inert_html(wdg.value, [], f"{where}: {type(wdg).__name__}")
            seen.append(wdg.value)
        # Descriptions are text unless description_allow_html is set; it must never be with data in them.
        if getattr(wdg, "description_allow_html", False):
            assert_inert_html(wdg.description, [], f"{where}: description")
    joined = _Collect()
    joined.feed("".join(seen))
    visible = "".join(joined.text)
    for marker in shown:
        assert marker in visible, f"{where}: {marker!r} not shown in any HTML widget"


def test_annotator_widget_escapes_everything(poisoned):
    pytest.importorskip("toolkit.widgets.annotator")
    from toolkit.widgets.annotator import Annotator

    doc = poisoned["document"]
    ann = Annotator(doc, poisoned["codebook"], poisoned["store"], annotator="student-1", summits=poisoned["summits"])
    rec = next(r for r in poisoned["records"] if r["annotator"] == "student-1")
    ann.session.edit(rec["id"])
    ann.redraw()
    # The article view gets the text as data (it inserts text nodes; the browser test checks that).
    assert ann.view.text == doc.text
    check_widget_tree(ann, ["pwn-title", "pwn-article"], "Annotator")
    # The note is edited in a Textarea, whose value is plain text, never markup.
    assert ann.note.value == poison.PAYLOADS["note"]


def test_explorer_escapes_labels_and_notes(poisoned):
    pytest.importorskip("toolkit.widgets.explorer")
    from toolkit.widgets.explorer import Explorer

    ex = Explorer(poisoned["ledger"], n_boot=0)
    check_widget_tree(ex.widget, ["pwn-summit"], "Explorer")


def test_feedback_html_escapes(poisoned):
    teaching = pytest.importorskip("toolkit.classroom")
    recs = poisoned["records"]
    student = [r for r in recs if r["annotator"] == "student-1"]
    reference = [{**r, "annotator": "reference"} for r in recs if r["annotator"] == "student-2"]
    fb = teaching.feedback(student, reference, documents=poisoned["documents"], codebook=poisoned["codebook"])
    assert_inert_html(fb._repr_html_(), ["pwn-"], "Feedback._repr_html_")


# ---------------------------------------------------------------- charts
def test_chart_svg_exports_are_inert(poisoned):
    pytest.importorskip("vl_convert")
    from toolkit.charts.display import to_svg
    from toolkit.charts.figures import all_charts
    from toolkit.measures import balance_table

    ledger = poisoned["ledger"]
    summit_t = balance_table(ledger, by="summit", n_boot=0, summits=poisoned["summits"])
    issue_t = balance_table(ledger, by="issue", n_boot=0, summits=poisoned["summits"])
    charts = all_charts(summit_t, issue_t)
    assert charts, "no charts to check"
    shown_any = set()
    for name, chart in charts.items():
        svg = to_svg(chart)
        root = ET.fromstring(svg)
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1].lower()
            assert tag not in {"script", "foreignobject", "iframe", "img"}, f"{name}: <{tag}> in the SVG"
            for k, v in el.attrib.items():
                key = k.rsplit("}", 1)[-1].lower()
                assert not key.startswith("on"), f"{name}: {key}= in the SVG"
                assert not v.strip().lower().startswith("javascript:"), f"{name}: javascript: URL"
            for marker in ("pwn-summit", "pwn-issue"):
                if marker in (el.text or "") or any(marker in v for v in el.attrib.values()):
                    shown_any.add(marker)
    assert "pwn-summit" in shown_any, "the summit label never reached a chart (nothing was tested)"
