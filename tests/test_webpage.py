"""Articles from the web: a saved HTML page, a page served on 127.0.0.1, manifests of pages,
near-duplicates, and manifests that try to reach files outside their folder.

Every page here is written for these tests (synthetic, labelled as such in its own text) and is never stored in data/.
"""

from __future__ import annotations

import csv
import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from toolkit.commands import main
from toolkit.commands.scaffold import init_project
from toolkit.corpus import MANIFEST_COLUMNS, add_article, add_articles
from toolkit.corpus.webpage import near_duplicates, read_page
from toolkit.errors import DataError
from toolkit.project import Project

SUMMIT = "2021-06-16-geneva"


def page_html(
    title: str, paragraphs: list[str], *, lang: str = "en", site: str = "Test Gazette", date: str = "2021-06-17"
) -> str:
    """A news-like page with navigation, a footer and an article; synthetic, written for the tests."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {site}</title>'
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{date}T09:30:00Z"></head><body>'
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a> | <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Subscribe to our newsletter. Copyright Test Gazette.</footer></body></html>"
    )


GENEVA = [
    "SYNTHETIC TEST PAGE: written for the Summit Ledger tests, it reports no real event.",
    "The two delegations met for four hours in a lakeside villa, and both sides called the talks constructive.",
    "Officials said the presidents agreed to return ambassadors to their posts and to begin a dialogue on stability.",
    "Differences remained on cyber attacks and on the treatment of opposition figures, an aide told reporters.",
]
OTHER = [
    "SYNTHETIC TEST PAGE: another invented report for the tests, about a video call.",
    "A two-hour video call dealt with troop movements near a border and the prospect of new sanctions.",
    "Both sides said their teams would stay in touch, while no agreement on the main dispute was announced.",
]


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    for var in ("SUMMIT_LEDGER_PROJECT", "SUMMIT_LEDGER_DATA"):
        monkeypatch.delenv(var, raising=False)
    return Project(init_project(tmp_path / "p"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".lock" not in p.name
    }


def test_a_saved_page_gives_its_main_text_metadata_and_raw_sha256(project, tmp_path):
    page = tmp_path / "geneva.html"
    page.write_text(page_html("Leaders meet in Geneva", GENEVA), encoding="utf-8")
    added = add_article(page, summit_id=SUMMIT, data=project.root)
    doc = added.document
    meta = yaml.safe_load(added.meta_path.read_text(encoding="utf-8"))
    assert doc.id == "2021-06-17-leaders-meet-in-geneva"
    assert doc.title == "Leaders meet in Geneva"
    assert meta["published"] == "2021-06-17" and meta["outlet"] == "Test Gazette" and meta["language"] == "en"
    assert meta["page_sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()
    assert "lakeside villa" in doc.text and "Subscribe" not in doc.text and "Sport" not in doc.text
    assert "<p>" not in doc.text


def test_every_field_can_be_given_by_flag_and_wins_over_the_page(project, tmp_path, capsys):
    page = tmp_path / "geneva.htm"
    page.write_text(page_html("Leaders meet in Geneva", GENEVA, lang="en-GB"), encoding="utf-8")
    rc = main(
        [
            "add-article",
            str(page),
            "--project",
            str(project.root),
            "--summit",
            SUMMIT,
            "--id",
            "geneva-gazette",
            "--title",
            "Geneva: the talks",
            "--outlet",
            "The Gazette",
            "--country",
            "CH",
            "--source-kind",
            "press",
            "--published",
            "2021-06-18",
            "--language",
            "fr",
            "--url",
            "https://example.org/geneva",
        ]
    )
    assert rc == 0, capsys.readouterr().err
    meta = yaml.safe_load((project.root / "documents" / "geneva-gazette.yaml").read_text(encoding="utf-8"))
    assert {k: meta[k] for k in ("title", "outlet", "country", "source_kind", "published", "language", "url")} == {
        "title": "Geneva: the talks",
        "outlet": "The Gazette",
        "country": "CH",
        "source_kind": "press",
        "published": "2021-06-18",
        "language": "fr",
        "url": "https://example.org/geneva",
    }
    assert project.documents["geneva-gazette"].source_kind == "press"


def test_the_language_comes_from_the_page():
    page = read_page(page_html("Встреча", GENEVA, lang="ru-RU").encode("utf-8"))
    assert page.language == "ru-RU" and page.outlet == "Test Gazette"


def test_a_page_with_no_article_text_is_refused_and_nothing_is_written(project, tmp_path, capsys):
    page = tmp_path / "empty.html"
    page.write_text("<!DOCTYPE html><html><head><title>Log in</title></head><body><form></form></body></html>")
    before = _snapshot(project.root)
    rc = main(["add-article", str(page), "--project", str(project.root), "--summit", SUMMIT])
    err = capsys.readouterr().err
    assert rc == 1 and str(page) in err and "no article text found" in err
    assert _snapshot(project.root) == before


@pytest.fixture
def web_server(tmp_path):
    """A static web server on 127.0.0.1 (a free port), serving tmp_path/site; stopped by its PID."""
    site = tmp_path / "site"
    site.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("the test web server did not start")
        yield site, f"http://127.0.0.1:{port}"
    finally:
        os.kill(proc.pid, 15)
        proc.wait(timeout=10)


def test_a_page_fetched_from_a_url_keeps_the_url_and_the_page_sha256(project, web_server, capsys):
    site, base = web_server
    raw = page_html("Leaders meet in Geneva", GENEVA).encode("utf-8")
    (site / "geneva.html").write_bytes(raw)
    rc = main(["add-article", "--url", f"{base}/geneva.html", "--project", str(project.root), "--summit", SUMMIT])
    assert rc == 0, capsys.readouterr().err
    meta = yaml.safe_load((project.root / "documents" / "2021-06-17-leaders-meet-in-geneva.yaml").read_text(encoding="utf-8"))
    assert meta["url"] == f"{base}/geneva.html"
    assert meta["page_sha256"] == hashlib.sha256(raw).hexdigest()


def test_a_missing_page_names_the_url_and_writes_nothing(project, web_server, capsys):
    _, base = web_server
    before = _snapshot(project.root)
    rc = main(["add-article", "--url", f"{base}/gone.html", "--project", str(project.root), "--summit", SUMMIT])
    err = capsys.readouterr().err
    assert rc == 1 and f"{base}/gone.html" in err and "404" in err
    assert _snapshot(project.root) == before


def test_only_http_urls_are_fetched(project, capsys):
    rc = main(["add-article", "--url", "file:///etc/passwd", "--project", str(project.root), "--summit", SUMMIT])
    assert rc == 1 and "not an http(s) URL" in capsys.readouterr().err


def test_a_republished_wire_story_is_reported_with_its_similarity_and_kept_out(project, tmp_path, capsys):
    first = tmp_path / "wire.html"
    first.write_text(page_html("Leaders meet in Geneva", GENEVA, site="Wire One"), encoding="utf-8")
    again = tmp_path / "again.html"  # the same story, re-published with one sentence changed
    again.write_text(page_html("Leaders meet in Geneva", [*GENEVA[:3], "Differences remained, an aide said."], site="Paper Two"))
    assert main(["add-article", str(first), "--project", str(project.root), "--summit", SUMMIT]) == 0
    before = _snapshot(project.root)
    rc = main(["add-article", str(again), "--project", str(project.root), "--summit", SUMMIT, "--id", "paper-two"])
    err = capsys.readouterr().err
    assert rc == 1 and "'2021-06-17-leaders-meet-in-geneva' (similarity 0.91)" in err
    assert "--allow-duplicate" in err
    assert _snapshot(project.root) == before
    rc = main(
        ["add-article", str(again), "--project", str(project.root), "--summit", SUMMIT, "--id", "paper-two", "--allow-duplicate"]
    )
    assert rc == 0 and "paper-two" in project.documents


def test_near_duplicates_are_ranked_and_different_texts_are_not():
    text = " ".join(GENEVA)
    hits = near_duplicates(text, {"same": text, "edited": text.replace("four", "five"), "other": " ".join(OTHER)})
    assert [h[0] for h in hits] == ["same", "edited"] and hits[0][1] == 1.0 and 0.9 <= hits[1][1] < 1


def _manifest(folder: Path, rows: list[dict]) -> Path:
    path = folder / "manifest.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(MANIFEST_COLUMNS))
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in MANIFEST_COLUMNS})
    return path


def _row(file: str, id: str, **extra) -> dict:
    return {"file": file, "id": id, "summit_id": SUMMIT, "country": "US", "source_kind": "press", **extra}


def test_a_manifest_takes_pages_with_their_metadata_and_its_columns_win(project, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.html").write_text(page_html("Leaders meet in Geneva", GENEVA), encoding="utf-8")
    (corpus / "b.html").write_text(page_html("A call about troops", OTHER, site="Other Daily"), encoding="utf-8")
    manifest = _manifest(corpus, [_row("a.html", "page-a"), _row("b.html", "page-b", outlet="Given Outlet", title="Given")])
    rep = add_articles(manifest, project=project, progress=False)
    assert rep.ids == ["page-a", "page-b"]
    a, b = project.documents["page-a"], project.documents["page-b"]
    assert a.title == "Leaders meet in Geneva" and a.outlet == "Test Gazette" and str(a.published) == "2021-06-17"
    assert b.title == "Given" and b.outlet == "Given Outlet"
    meta = yaml.safe_load((project.root / "documents" / "page-a.yaml").read_text(encoding="utf-8"))
    assert meta["page_sha256"] == hashlib.sha256((corpus / "a.html").read_bytes()).hexdigest()


def test_a_manifest_refuses_near_duplicates_unless_allowed(project, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.html").write_text(page_html("Leaders meet in Geneva", GENEVA), encoding="utf-8")
    (corpus / "b.html").write_text(page_html("Leaders meet in Geneva", [*GENEVA[:3], "Differences remained, an aide said."]))
    manifest = _manifest(corpus, [_row("a.html", "page-a"), _row("b.html", "page-b")])
    before = _snapshot(project.root)
    with pytest.raises(DataError) as exc:
        add_articles(manifest, project=project, progress=False)
    msg = str(exc.value)
    assert "row 2" in msg and "'row 1' (similarity 0.9" in msg
    assert _snapshot(project.root) == before
    assert add_articles(manifest, project=project, progress=False, allow_duplicate=True).ids == ["page-a", "page-b"]


@pytest.mark.parametrize(
    "value",
    ["../outside.txt", "sub/../../outside.txt", "{outside}", "~/outside.txt", "/proc/self/environ", "link.txt", "a\x00b.txt"],
)
def test_a_manifest_file_must_lie_inside_its_folder(project, tmp_path, value, capsys):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("SYNTHETIC secret text outside the manifest's folder.\n", encoding="utf-8")
    (corpus / "link.txt").symlink_to(outside)
    value = value.format(outside=outside)
    manifest = corpus / "manifest.csv"
    manifest.write_bytes(
        (",".join(MANIFEST_COLUMNS) + "\n" + f'"{value}",leak,{SUMMIT},t,o,US,en,,,press\n').encode("utf-8", "surrogatepass")
    )
    before = _snapshot(project.root)
    rc = main(["add-articles", str(manifest), "--project", str(project.root), "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 1 and "field 'file'" in err and "row 1" in err, err
    assert "secret" not in err
    assert _snapshot(project.root) == before


def test_base_names_the_folder_files_are_confined_to(project, tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("SYNTHETIC TEST ARTICLE for --base.\n", encoding="utf-8")
    lists = tmp_path / "lists"
    lists.mkdir()
    manifest = _manifest(lists, [_row("a.txt", "based", outlet="O", language="en")])
    with pytest.raises(DataError, match="not found"):
        add_articles(manifest, project=project, progress=False)
    assert add_articles(manifest, project=project, progress=False, base=texts).ids == ["based"]


def test_a_manifest_file_must_be_a_regular_file_of_bounded_size(project, tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    (corpus / "folder.txt").mkdir(parents=True)
    os.mkfifo(corpus / "fifo.txt")
    (corpus / "big.txt").write_bytes(b"SYNTHETIC " * 200)
    monkeypatch.setattr("toolkit.corpus.articlesource.MAX_PAGE_BYTES", 1000)
    manifest = _manifest(
        corpus,
        [_row(f, f.split(".")[0], outlet="O", language="en") for f in ("folder.txt", "fifo.txt", "big.txt")],
    )
    with pytest.raises(DataError) as exc:
        add_articles(manifest, project=project, progress=False)  # a FIFO must not block the read
    problems = exc.value.problems
    assert [p.line for p in problems] == [2, 3, 4] and all(p.field == "file" for p in problems)
    assert "not a regular file" in problems[0].message and "not a regular file" in problems[1].message
    assert "larger than" in problems[2].message
