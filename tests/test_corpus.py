"""Documents and sentence segmentation."""

from __future__ import annotations

import hashlib

import pytest

from toolkit.corpus import Document, load_document, segment, segments_frame
from toolkit.errors import DataError


def test_seed_is_verbatim_and_hash_checked(seed, data_root, repo_root):
    raw = (data_root / "documents" / f"{seed.id}.txt").read_bytes()
    assert seed.text == raw.decode("utf-8")
    assert seed.sha256 == hashlib.sha256(raw).hexdigest()
    shared = repo_root.parent / "shared" / "seed" / "article.txt"
    if shared.exists():  # the project's source copy, beside the repository
        assert shared.read_bytes() == raw
    assert seed.summit_id == "2021-12-07-video"
    assert seed.published == "2021-12-07" and seed.published_inferred


def test_every_segment_offset_matches_its_text(seed):
    segs = segment(seed)
    assert len(segs) >= 20
    for s in segs:
        assert seed.text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
    starts = [s.start for s in segs]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(segs, segs[1:]))


def test_headlines_and_quotes_are_kept_whole(seed):
    texts = [s.text for s in segment(seed)]
    assert "Various challenges" in texts
    assert "Important step to settle disagreements" in texts
    # the quoted Peskov statement ends with its attribution in one sentence
    assert any(t.startswith("“The agenda will focus") and t.endswith("Peskov said.") for t in texts)


def test_segmentation_with_non_bmp_characters_uses_code_points():
    text = "Talks resumed 🙂 in Geneva. Mr. Ryabkov said “no progress.” Then they left."
    doc = Document(id="t", title="t", text=text, summit_id="2021-06-16-geneva")
    for s in segment(doc):
        assert text[s.start : s.end] == s.text
    assert len(segments_frame(doc)) == len(segment(doc))


def test_edited_text_is_refused(data_copy, seed):
    txt = data_copy / "documents" / f"{seed.id}.txt"
    txt.write_text(seed.text.replace("Geneva", "Geneve", 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_document(data_copy / "documents" / f"{seed.id}.yaml")
    assert err.value.problems[0].field == "sha256"


def test_bom_is_refused(data_copy, seed):
    txt = data_copy / "documents" / f"{seed.id}.txt"
    txt.write_bytes(b"\xef\xbb\xbf" + txt.read_bytes())
    with pytest.raises(DataError, match="byte-order mark"):
        load_document(data_copy / "documents" / f"{seed.id}.yaml")


def test_text_file_may_not_leave_the_folder(data_copy, seed):
    meta = data_copy / "documents" / f"{seed.id}.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(f"text_file: {seed.id}.txt", "text_file: ../codebook.yaml"), encoding="utf-8"
    )
    with pytest.raises(DataError, match="text_file"):
        load_document(meta)
