"""The one implementation of offset conversion and highlight runs (toolkit.records.runs)."""

from __future__ import annotations

import random

import pytest

from toolkit.records import RunIndex, Utf16Offsets, codepoint_to_utf16, split_runs, utf16_to_codepoint

TEXT = "ab😀c🇺🇦d"  # synthetic: three astral characters among BMP letters


def test_utf16_conversion_both_ways_and_inside_a_pair():
    units = Utf16Offsets(TEXT)
    assert units.length16 == len(TEXT.encode("utf-16-le")) // 2 == len(TEXT) + 3
    for cp in range(len(TEXT) + 1):
        u = codepoint_to_utf16(TEXT, cp)
        assert u == len(TEXT[:cp].encode("utf-16-le")) // 2
        assert utf16_to_codepoint(TEXT, u) == cp
    e = TEXT.index("😀")
    assert units.to_codepoint(e + 1) is None  # between the halves of the pair
    assert (units.to_codepoint(e + 1, "start"), units.to_codepoint(e + 1, "end")) == (e, e + 1)
    assert units.to_codepoint(-1) is None and units.to_codepoint(units.length16 + 1) is None
    with pytest.raises(ValueError):
        units.to_utf16(len(TEXT) + 1)


def test_split_runs_cuts_at_every_edge():
    runs = split_runs(10, [(2, 6), (4, 8)])
    assert runs == [(0, 2, ()), (2, 4, (0,)), (4, 6, (0, 1)), (6, 8, (1,)), (8, 10, ())]
    assert split_runs(3, []) == [(0, 3, ())]
    with pytest.raises(ValueError, match="outside"):
        split_runs(3, [(2, 5)])


def _apply(runs, idx, lo, hi, change):
    i, j_old = idx.slice(lo, hi)
    change()
    _, j_new = idx.slice(lo, hi)
    runs[i:j_old] = idx.runs(i, j_new)


@pytest.mark.parametrize("seed", range(5))
def test_run_index_stays_equal_to_a_fresh_sweep_and_patches_compose(seed):
    rng = random.Random(seed)  # synthetic spans
    n = 60
    idx = RunIndex(n)
    shown = idx.runs()  # what a view holds, changed only by patches
    live: dict[int, tuple[int, int]] = {}
    for step in range(300):
        if live and rng.random() < 0.4:
            key = rng.choice(list(live))
            lo, hi = idx.affected(*live.pop(key))
            _apply(shown, idx, lo, hi, lambda key=key: idx.remove(key))
        else:
            a = rng.randrange(0, n - 1)
            b = rng.randrange(a + 1, n + 1)
            lo, hi = idx.affected(a, b)
            _apply(shown, idx, lo, hi, lambda step=step, a=a, b=b: idx.add(step, a, b, step % 3))
            live[step] = (a, b)
        keys = list(live)
        fresh = [(s, e, frozenset(keys[i] for i in cov)) for s, e, cov in split_runs(n, [live[k] for k in keys])]
        merged = []
        for r in fresh:  # a sweep may cut where nothing changes; the index keeps runs maximal
            if merged and merged[-1][2] == r[2]:
                merged[-1] = (merged[-1][0], r[1], r[2])
            else:
                merged.append(r)
        assert idx.runs() == merged
        assert shown == merged
        for k, (_, _, cover) in enumerate(merged):  # per-run label counts follow the keys
            assert sorted(idx.labels(k)) == sorted({key % 3 for key in cover})
        p = rng.randrange(n)
        assert idx.at(p) == frozenset(k for k, (a, b) in live.items() if a <= p < b)


def test_run_index_refuses_misuse():
    idx = RunIndex(5, [("x", 0, 2)])
    with pytest.raises(ValueError, match="already"):
        idx.add("x", 1, 3)
    with pytest.raises(ValueError, match="outside"):
        idx.add("y", 4, 9)
    with pytest.raises(KeyError):
        idx.remove("nope")
