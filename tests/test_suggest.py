"""Keyword suggestions come from the codebook's keywords, on whole words."""

from __future__ import annotations

import dataclasses

from toolkit.codebook import KeywordIndex, suggest_issues


def test_every_suggestion_is_backed_by_a_codebook_keyword(codebook, seed):
    index = KeywordIndex(codebook)
    for sentence in seed.text.split("\n"):
        for sug in index.suggest(sentence):
            kws = codebook.issues[sug.issue].keywords
            assert sug.keywords and all(k in kws for k in sug.keywords)
            assert all(k in sentence.lower() for k in sug.keywords)


def test_seed_sentence_suggestions_rank_the_selection_first(codebook, seed):
    i = seed.text.index("Both sides have long lists")
    sentence = seed.text[i : seed.text.index("\n", i)]
    sugs = suggest_issues(sentence, codebook)
    issues = [s.issue for s in sugs]
    # cyber security, meddling/2016 election, diplomats/expulsion, Syria, Ukraine, NATO expansion
    for expected in ("cyber", "election-interference", "diplomatic-presence", "syria", "ukraine-security", "nato-expansion"):
        assert expected in issues
    a = sentence.index("cyber security")
    focused = suggest_issues(sentence, codebook, focus=(a, a + len("cyber security")))
    assert focused[0].issue == "cyber" and focused[0].focus_hits == 1
    assert focused[0].keywords[0] == "cyber security"  # the longest keyword wins at a position


def test_whole_words_only_and_case_and_spacing_ignored(codebook):
    assert suggest_issues("The senator spoke.", codebook) == []  # 'nato' is inside 'senator'
    hits = suggest_issues("NATO   Expansion worries Moscow", codebook)
    assert hits[0].issue == "nato-expansion" and hits[0].keywords == ("nato expansion",)


def test_custom_codebook_keywords_drive_the_suggestions(codebook):
    iss = dataclasses.replace(codebook.issues["syria"], keywords=("zebra crossing",))
    cb = dataclasses.replace(codebook, issues={"syria": iss})
    got = suggest_issues("A Zebra crossing near Syria.", cb)
    assert [(s.issue, s.keywords, s.hits) for s in got] == [("syria", ("zebra crossing",), 1)]
    assert suggest_issues("Syria", cb) == []  # only the codebook's keywords count, not the label
