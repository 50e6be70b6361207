"""Adding articles and summits (toolkit.corpus.articles), always on a scratch copy of data/.

Article texts written here are synthetic test text, made at run time.
"""

from __future__ import annotations

import hashlib
import unicodedata

import pytest

from toolkit._io import read_yaml
from toolkit.corpus import add_article, add_summit, load_document, load_documents, load_summits, normalise_text
from toolkit.errors import DataError
from toolkit.store.validate import validate_data

SYNTH = "Synthetic test article.\nThe fictional envoy Zoë said “talks are welcome” 🙂.\n"


def _docs_files(data):
    return sorted(p.name for p in (data / "documents").iterdir() if not p.name.startswith("."))


def test_normalise_reports_crlf_cr_nfc_and_bom():
    nfd = unicodedata.normalize("NFD", SYNTH)
    assert nfd != SYNTH  # the NFD form really differs (ë decomposed)
    raw = ("\ufeff" + nfd.replace("\n", "\r\n")).encode("utf-8")
    out = normalise_text(raw)
    assert out.text == SYNTH
    joined = " | ".join(out.changes)
    assert "byte-order mark" in joined and "2 CRLF line endings to LF" in joined and "NFC" in joined
    assert normalise_text("a\rb").changes == ("converted 1 CR line ending to LF",)
    assert normalise_text(SYNTH).changes == ()


def test_normalise_refuses_bad_utf8_and_empty_text():
    with pytest.raises(DataError, match=r"x\.txt, line 2: not valid UTF-8"):
        normalise_text(b"ok\n\xff\xfe", source="x.txt")
    with pytest.raises(DataError, match="empty"):
        normalise_text(b" \n\n", source="x.txt")


def test_add_article_stores_normalised_text_and_hash(data_copy, tmp_path):
    src = tmp_path / "in.txt"
    src.write_bytes(unicodedata.normalize("NFD", SYNTH).replace("\n", "\r\n").encode("utf-8"))
    added = add_article(
        src,
        id="synthetic-add-test",
        summit_id="2021-12-07-video",
        source="synthetic",
        url="https://example.org/synthetic",
        published="2021-12-08",
        data=data_copy,
    )
    assert added.text_path.read_bytes() == SYNTH.encode("utf-8")
    meta = read_yaml(added.meta_path)
    assert meta["sha256"] == hashlib.sha256(SYNTH.encode("utf-8")).hexdigest()
    assert meta["title"] == "Synthetic test article."  # first line by default
    assert meta["published"] == "2021-12-08" and meta["summit_id"] == "2021-12-07-video"
    assert any("CRLF" in c for c in added.changes) and any("NFC" in c for c in added.changes)
    assert meta["normalised"] == list(added.changes)
    doc = load_document(added.meta_path, load_summits(data_copy / "summits.yaml"))
    assert doc.text == SYNTH and doc.id == "synthetic-add-test"
    assert "synthetic-add-test" in load_documents(data_copy / "documents")
    assert all(r.ok for r in validate_data(data_copy)), [str(p) for r in validate_data(data_copy) for p in r.problems]


def test_add_article_already_normal_reports_no_change(data_copy, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(SYNTH, encoding="utf-8")
    added = add_article(src, id="synthetic-plain", summit_id="2021-06-16-geneva", title="T", data=data_copy)
    assert added.changes == ()
    assert "normalised" not in read_yaml(added.meta_path)


def test_add_article_refuses_duplicates_and_unknown_summit(data_copy, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(SYNTH, encoding="utf-8")
    before = _docs_files(data_copy)
    with pytest.raises(DataError, match=r"'2099-01-01-nowhere' is not in summits.yaml.*add-summit"):
        add_article(src, id="synthetic-x", summit_id="2099-01-01-nowhere", data=data_copy)
    with pytest.raises(DataError, match="already exists"):
        add_article(src, id="2021-12-07-biden-putin-video-summit", summit_id="2021-12-07-video", data=data_copy)
    with pytest.raises(DataError, match="lower-case slug"):
        add_article(src, id="Bad Id", summit_id="2021-12-07-video", data=data_copy)
    with pytest.raises(DataError, match="not an ISO date"):
        add_article(src, id="synthetic-x", summit_id="2021-12-07-video", published="7 Dec 2021", data=data_copy)
    assert _docs_files(data_copy) == before  # nothing written by a refusal
    add_article(src, id="synthetic-x", summit_id="2021-12-07-video", data=data_copy)
    with pytest.raises(DataError, match="already stored as document 'synthetic-x'"):
        add_article(src, id="synthetic-y", summit_id="2021-12-07-video", data=data_copy)
    seed = data_copy / "documents" / "2021-12-07-biden-putin-video-summit.txt"
    with pytest.raises(DataError, match="already stored as document '2021-12-07-biden-putin-video-summit'"):
        add_article(seed, id="seed-again", summit_id="2021-12-07-video", data=data_copy)


def test_add_article_missing_file(data_copy, tmp_path):
    with pytest.raises(DataError, match="file not found"):
        add_article(tmp_path / "nope.txt", id="x", summit_id="2021-12-07-video", data=data_copy)


def test_add_summit_appends_keeping_comments(data_copy, tmp_path):
    path = data_copy / "summits.yaml"
    old = path.read_text(encoding="utf-8")
    s = add_summit(
        id="2099-01-02-synthetic-call",
        date="2099-01-02",
        place="Synthetic test place",
        format="phone",
        parties=["US", "Russia"],
        label="Synthetic call",
        sources=["https://example.org/synthetic"],
        summary="Synthetic test summit, made by the tests.",
        data=data_copy,
    )
    new = path.read_text(encoding="utf-8")
    assert new.startswith(old.rstrip("\n"))  # comments and existing entries untouched
    assert 'date: "2099-01-02"' in new
    assert s.format == "phone" and s.parties == ("US", "Russia")
    assert list(load_summits(path))[-1] == "2099-01-02-synthetic-call"
    # and an article can now use it
    src = tmp_path / "in.txt"
    src.write_text(SYNTH, encoding="utf-8")
    add_article(src, id="synthetic-z", summit_id="2099-01-02-synthetic-call", data=data_copy)
    assert all(r.ok for r in validate_data(data_copy))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"id": "2021-06-16-geneva"}, "already exists"),
        ({"format": "carrier-pigeon"}, "field 'format'.*unknown"),
        ({"parties": ["US", "Atlantis"]}, "field 'parties'.*'Atlantis' is not an actor"),
        ({"sources": ["not-a-url"]}, "field 'sources'.*not an http"),
        ({"id": "2099-01-03-synthetic"}, "does not start with its date"),
    ],
)
def test_add_summit_refuses_bad_records_and_leaves_file(data_copy, kwargs, message):
    path = data_copy / "summits.yaml"
    old = path.read_bytes()
    args = dict(
        id="2099-01-02-synthetic-call",
        date="2099-01-02",
        place="Synthetic",
        format="phone",
        parties=["US", "Russia"],
        label="Synthetic",
        sources=["https://example.org/s"],
        data=data_copy,
    )
    args.update(kwargs)
    with pytest.raises(DataError, match=message):
        add_summit(**args)
    assert path.read_bytes() == old
    assert not (data_copy / ".summits.yaml.check").exists()
