"""The span check shared by every importer (toolkit.formats.common).

Texts here are synthetic test strings.
"""

from __future__ import annotations

from toolkit.formats.common import check_span, clean_annotator, normalise_fragment, utf16_to_codepoint

TEXT = "Zoë 🙂 said “yes”. Then 🙂 “yes” again, and “no”."


def at(quote, nth=0):
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(quote, i + 1)
    return i, i + len(quote)


def test_exact_offsets_pass_unchanged():
    a, b = at("“no”")
    chk = check_span(TEXT, a, b, "“no”")
    assert (chk.ok, chk.start, chk.end, chk.repair) == (True, a, b, "exact")


def test_utf16_offsets_after_an_emoji_are_converted():
    a, b = at("“no”")
    units = lambda i: len(TEXT[:i].encode("utf-16-le")) // 2  # noqa: E731
    assert (units(a), units(b)) == (a + 2, b + 2)  # two emoji before it: two extra code units
    chk = check_span(TEXT, units(a), units(b), "“no”")
    assert (chk.ok, chk.start, chk.end, chk.repair) == (True, a, b, "utf16")
    assert "UTF-16" in chk.message


def test_wrong_offsets_repaired_only_by_a_unique_exact_quote():
    a, b = at("said")
    chk = check_span(TEXT, 0, 4, "said")
    assert (chk.ok, chk.start, chk.end, chk.repair) == (True, a, b, "search")
    assert "occurs once" in chk.message


def test_repeated_quote_is_not_guessed():
    chk = check_span(TEXT, 0, 5, "“yes”")
    assert not chk.ok and chk.start is None
    assert "occurs 2 times" in chk.message and "not coded" in chk.message


def test_prefix_picks_one_of_several_occurrences():
    a, b = at("“yes”", 1)
    chk = check_span(TEXT, None, None, "“yes”", prefix="Then 🙂 ", suffix=" again")
    assert (chk.ok, chk.start, chk.end) == (True, a, b)


def test_mismatch_and_out_of_range_are_reported():
    chk = check_span(TEXT, 0, 3, "maybe")
    assert not chk.ok and "text[0:3] is 'Zoë'" in chk.message and "does not occur" in chk.message
    chk = check_span(TEXT, 40, 400, "nothing like it")
    assert not chk.ok and "out of range" in chk.message
    assert not check_span(TEXT, 0, 3, None).ok
    assert not check_span(TEXT, "0", "3", "zzz").ok


def test_utf16_to_codepoint_inside_a_pair_is_none():
    i = TEXT.index("🙂")
    units = len(TEXT[:i].encode("utf-16-le")) // 2
    assert utf16_to_codepoint(TEXT, units) == i
    assert utf16_to_codepoint(TEXT, units + 1) is None  # between the two halves of the surrogate pair
    assert utf16_to_codepoint(TEXT, units + 2) == i + 1
    assert utf16_to_codepoint(TEXT, 10_000) is None


def test_clean_annotator_and_fragments():
    assert clean_annotator("ines.ortega@example.org") == "ines-ortega"
    assert clean_annotator("acct:zoe@hypothes.is") == "zoe"
    assert clean_annotator("José Núñez") == "Jose-Nunez"
    assert clean_annotator("🙂") is None and clean_annotator(None) is None
    assert normalise_fragment("Zoe\u0308\r\n") == "Zoë\n"
