"""A scratch data folder with HTML/JS payloads in every field a user can type.

Shared by ``test_injection.py`` (Python-side checks) and
``tests/browser/test_injection_browser.py`` (headless Chromium). Everything
here is SYNTHETIC test data written to a temporary folder: an invented
article (it reports no real event), codebook and summit labels rewritten with
payloads, and annotations whose notes carry payloads.

Each payload, if it ever ran, would set ``window.__pwned`` to its tag and open
an ``alert`` dialog, so a browser test can check both; each also carries the
tag in plain text so a test can check the payload was *shown* (escaped), not
silently dropped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC_ID = "synthetic-injection-test"
SUMMIT = "2021-12-07-video"


def payload(tag: str) -> str:
    """An HTML/JS payload identified by ``tag``."""
    return (
        f"<img src=x onerror=\"window.__pwned='{tag}';alert('{tag}')\">"
        f"<script>window.__pwned='{tag}';alert('{tag}')</script>{tag}"
    )


def attr_payload(tag: str) -> str:
    """A payload that tries to break out of an HTML attribute."""
    return f"\"'><svg onload=\"window.__pwned='{tag}';alert('{tag}')\">{tag}"


PAYLOADS = {
    "article": payload("pwn-article"),
    "title": payload("pwn-title"),
    "note": payload("pwn-note") + attr_payload("pwn-note-attr"),
    "issue_label": payload("pwn-issue"),
    "actor_label": attr_payload("pwn-actor"),
    "summit_label": payload("pwn-summit"),
}
#: Annotator names with markup: the store must refuse them outright (they become file names).
BAD_ANNOTATORS = ["<script>alert(1)</script>", 'a"><img src=x onerror=alert(1)>', "../x"]


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(tmp: Path) -> dict:
    """Write the poisoned data folder under ``tmp``; return its parts.

    Returns
    -------
    dict
        ``data`` (Path), ``codebook``, ``summits``, ``documents``, ``document``,
        ``store`` (set ``injection``), ``records`` (live annotations) and
        ``ledger`` (DataFrame of the set, no briefs).
    """
    from toolkit.codebook import load_codebook
    from toolkit.corpus import add_article, load_documents, load_summits
    from toolkit.ledger import load_ledger
    from toolkit.records import make_annotation
    from toolkit.store import Store

    data = tmp / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("*.lock", "*.torn", "*.bak", "briefs.yaml"))
    _replace_once(
        data / "codebook.yaml",
        "label: Sanctions and economic measures",
        "label: " + _yaml_str("Sanctions " + PAYLOADS["issue_label"]),
    )
    _replace_once(
        data / "codebook.yaml", "label: US and Russia jointly", "label: " + _yaml_str("US and Russia " + PAYLOADS["actor_label"])
    )
    _replace_once(data / "summits.yaml", "label: Video call Dec 2021", "label: " + _yaml_str("Video " + PAYLOADS["summit_label"]))
    article = tmp / "article.txt"
    article.write_text(
        "Synthetic injection test article (invented; it reports no real event).\n"
        f"Officials said the talks covered sanctions {PAYLOADS['article']} and cyber security.\n"
        "A second sentence mentions sanctions again, with an emoji \U0001f30d for offsets.\n",
        encoding="utf-8",
    )
    add_article(
        article, id=DOC_ID, summit_id=SUMMIT, title="Synthetic " + PAYLOADS["title"], source="synthetic test fixture", data=data
    )
    codebook = load_codebook(data / "codebook.yaml")
    summits = load_summits(data / "summits.yaml", codebook)
    documents = load_documents(data / "documents", summits)
    doc = documents[DOC_ID]
    store = Store(data / "annotations" / "injection", codebook=codebook, documents=documents, summits=summits)
    text = doc.text
    a = text.index("sanctions <img")
    b = text.index(" and cyber")
    store.upsert(
        make_annotation(
            doc,
            a,
            b,
            issue="sanctions",
            stance="grievance",
            actor="US",
            target="Russia",
            intensity=2,
            annotator="student-1",
            note=PAYLOADS["note"],
            created="2026-01-01T00:00:00Z",
        )
    )
    c = text.index("cyber security")
    store.upsert(
        make_annotation(
            doc,
            c,
            c + len("cyber security"),
            issue="cyber",
            stance="goodwill",
            actor="US-Russia",
            target="US-Russia",
            intensity=1,
            annotator="student-2",
            note=PAYLOADS["note"],
            created="2026-01-01T00:00:00Z",
        )
    )
    d = text.index("sanctions again")
    store.upsert(
        make_annotation(
            doc,
            d,
            d + len("sanctions again"),
            issue="sanctions",
            stance="goodwill",
            actor="Russia",
            target="US",
            intensity=1,
            annotator="student-1",
            note=PAYLOADS["note"],
            created="2026-01-01T00:00:00Z",
        )
    )
    ledger = load_ledger(data, sets=["injection"], include_briefs=False)
    return {
        "data": data,
        "codebook": codebook,
        "summits": summits,
        "documents": documents,
        "document": doc,
        "store": store,
        "records": store.annotations(),
        "ledger": ledger,
    }
