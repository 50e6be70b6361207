"""Adversarial suite, area *YAML*: every YAML file a user can edit, attacked.

The codebook, the summits, a document's metadata, the briefs and a label map
(``import --map``) each get alias bombs, recursive aliases, duplicate keys,
deep nesting, Python tags, impossible dates, huge integers and lists where a
scalar belongs (issue 10, defects 9, 10, 11). Each must give one error naming
the file, line and field; nothing is written. Synthetic inputs only.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from adversarial import ANY, SEED, copy_data, dirs, exported, refused  # noqa: F401 (dirs is a fixture)

#: A 1 KB "billion laughs": nine levels of nine aliases each.
BOMB_LINES = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
for _prev, _name in zip("abcdefgh", "bcdefghi"):
    BOMB_LINES.append(f"{_name}: &{_name} [" + ",".join([f"*{_prev}"] * 9) + "]")
BOMB = "\n".join(BOMB_LINES) + "\n"
BOMB_LINE = 5  # the first level whose expansion passes the bound


def codebook(d):
    return d / "codebook.yaml"


def summits(d):
    return d / "summits.yaml"


def meta(d):
    return d / "documents" / f"{SEED}.yaml"


def briefs(d):
    return d / "briefs.yaml"


FILES = {"codebook": codebook, "summits": summits, "document": meta, "briefs": briefs}


def append(path: Path, text: str) -> int:
    raw = path.read_text(encoding="utf-8")
    if not raw.endswith("\n"):
        raw += "\n"
    path.write_text(raw + text, encoding="utf-8")
    return raw.count("\n") + 1


def replace_once(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


# --- attacks on the reader itself, for every file -------------------------------------
WHOLE_FILE = {
    "alias-bomb": (BOMB, BOMB_LINE, None, r"aliases here expand to more than"),
    "recursive-alias": ("a: &a [1, *a]\n", 1, None, r"refers to itself"),
    # libyaml stops at 1,000 levels and names the line; the Python parser's RecursionError has no line
    "deep-nesting": ("x: " + "[" * 3000 + "]" * 3000 + "\n", 1 if yaml.__with_libyaml__ else None, None, r"nested too deeply"),
    "python-tag": ("x: !!python/object/apply:os.system ['echo pwned']\n", 1, None, r"YAML syntax error"),
    "python-name-tag": ("x: !!python/name:os.system\n", 1, None, r"YAML syntax error"),
    "unknown-tag": ("x: !secret 1\n", 1, None, r"YAML syntax error"),
    "duplicate-top-key": ("a: 1\nb: 2\na: 3\n", 3, "a", r"given twice in this mapping \(first on line 1\)"),
    "tab-indent": ("a:\n\t- 1\n", 2, None, r"YAML syntax error"),
    "two-documents": ("a: 1\n---\nb: 2\n", ANY, None, r"YAML syntax error"),
    "only-comments": ("# nothing but a comment\n", None, None, r"empty|must be"),
    "null-document": ("~\n", None, None, r"empty|must be"),
    "long-line-error": ("x: [" + "y" * 100_000 + "\n", ANY, None, r"YAML syntax error"),
}


@pytest.mark.parametrize("target", sorted(FILES))
@pytest.mark.parametrize("attack", sorted(WHOLE_FILE))
def test_hostile_yaml_file_is_refused(target, attack, dirs, capsys):
    data, work = dirs
    if target == "briefs" and not briefs(data).exists():
        pytest.skip("no briefs.yaml")
    path = FILES[target](data)
    text, line, field, match = WHOLE_FILE[attack]
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    refused(["validate", data], capsys, data, work, file=path, line=line, field=field, match=match)
    assert time.perf_counter() - started < 20


def test_alias_bomb_in_a_label_map(dirs, capsys):
    """Defect 9: a 1 KB label map made a 312 MB error message."""
    data, work = dirs
    src = exported(data, work, "doccano")
    lmap = work / "labels.yaml"
    lmap.write_text(BOMB + "labels:\n  X: *i\n", encoding="utf-8")
    started = time.perf_counter()
    res = refused(
        ["import", "doccano", src, "--set", "imp", "--map", lmap, "--data", data],
        capsys,
        data,
        work,
        file=lmap,
        line=BOMB_LINE,
        field=None,
        match="alias",
    )
    assert time.perf_counter() - started < 10 and len(res.err) < 2000


LABEL_MAPS = {
    "duplicate-label": (
        "labels:\n  Grievance: {stance: grievance}\n  Grievance: {stance: goodwill}\n",
        3,
        "Grievance",
        r"given twice",
    ),
    "duplicate-code-key": ("labels:\n  G: {stance: grievance, stance: goodwill}\n", 2, "stance", r"given twice"),
    "code-is-a-list": ("labels:\n  G: {issue: [cyber, sanctions]}\n", 2, ANY, r"."),
    "code-is-a-mapping": ("labels:\n  G: {actor: {US: 1}}\n", 2, ANY, r"."),
    "labels-is-a-list": ("labels:\n  - G\n", ANY, ANY, r"."),
    "default-is-a-list": ("labels: {}\ndefaults:\n  intensity: [1]\n", ANY, ANY, r"."),
    "huge-int-default": ("labels: {}\ndefaults:\n  intensity: " + "9" * 5000 + "\n", ANY, ANY, r"."),
    "not-a-mapping": ("- a\n- b\n", ANY, ANY, r"."),
    "python-tag": ("labels: !!python/object/apply:os.system ['echo pwned']\n", 1, None, r"YAML syntax error"),
}


@pytest.mark.parametrize("case", sorted(LABEL_MAPS))
def test_hostile_label_map(case, dirs, capsys):
    data, work = dirs
    src = exported(data, work, "doccano")
    text, line, field, match = LABEL_MAPS[case]
    lmap = work / "labels.yaml"
    lmap.write_text(text, encoding="utf-8")
    refused(
        ["import", "doccano", src, "--set", "imp", "--map", lmap, "--data", data],
        capsys,
        data,
        work,
        file=lmap,
        line=line,
        field=field,
        match=match,
    )


def test_label_map_is_a_folder(dirs, capsys):
    data, work = dirs
    src = exported(data, work, "doccano")
    refused(
        ["import", "doccano", src, "--set", "imp", "--map", work, "--data", data],
        capsys,
        data,
        work,
        file=work,
        match=r"folder|not a file|directory",
    )


def test_label_map_missing(dirs, capsys):
    data, work = dirs
    src = exported(data, work, "doccano")
    refused(
        ["import", "doccano", src, "--set", "imp", "--map", work / "nope.yaml", "--data", data],
        capsys,
        data,
        work,
        file=work / "nope.yaml",
        match=r"not found|no such",
    )


# --- wrong shapes and values inside real files ----------------------------------------
SUMMIT = (
    '- id: 2022-03-01-test\n  date: "2022-03-01"\n  place: Test\n  format: video\n  parties: [US, Russia]\n'
    "  label: Test 2022\n  sources: [https://example.org/test]\n"
)


def _summit(d, old, new, field, match):
    line = append(summits(d), SUMMIT.replace(old, new))
    return summits(d), line, field, match


def _meta(d, old, new, field, match):
    replace_once(meta(d), old, new)
    return meta(d), 1, field, match


def _codebook(d, old, new, field, match):
    line = replace_once(codebook(d), old, new)
    lines = codebook(d).read_text(encoding="utf-8").split("\n")
    start = next(i for i in range(line - 1, -1, -1) if lines[i].startswith("  - "))
    return codebook(d), start + 1, field, match  # problems point at the start of the entry


BRIEF = (
    "- summit_id: 2021-06-16-geneva\n  issue: cyber\n  stance: grievance\n  actor: US\n  target: Russia\n"
    "  intensity: 1\n  description: A synthetic test brief.\n  source_url: https://example.org/brief\n"
)


def _brief(d, old, new, field, match):
    line = append(briefs(d), BRIEF.replace(old, new))
    return briefs(d), line, field, match


SHAPES = {
    # summits.yaml
    "summit-impossible-date": lambda d: _summit(d, '"2022-03-01"', "2022-02-30", "date", r"not an ISO date"),
    "summit-impossible-date-quoted": lambda d: _summit(d, '"2022-03-01"', '"2022-02-30"', "date", r"not an ISO date"),
    "summit-date-a-list": lambda d: _summit(d, '"2022-03-01"', "[2022-03-01]", "date", r"not an ISO date|text"),
    "summit-date-week-form": lambda d: _summit(d, '"2022-03-01"', '"2022-W09-2"', "date", r"not an ISO date"),
    "summit-parties-scalar": lambda d: _summit(d, "[US, Russia]", "US", "parties", r"list"),
    "summit-party-a-list": lambda d: _summit(d, "[US, Russia]", "[[US], Russia]", "parties", r"not an actor|text"),
    "summit-place-a-list": lambda d: _summit(d, "place: Test", "place: [Test]", "place", r"text"),
    "summit-id-a-list": lambda d: _summit(d, "id: 2022-03-01-test", "id: [2022-03-01-test]", "id", r"must look like|text"),
    "summit-format-a-list": lambda d: _summit(d, "format: video", "format: [video]", "format", r"expected text"),
    "summit-label-a-mapping": lambda d: _summit(d, "label: Test 2022", "label: {a: 1}", "label", r"text"),
    "summit-source-a-number": lambda d: _summit(d, "[https://example.org/test]", "[5]", "sources", r"not an http"),
    "summit-duplicate-key": lambda d: _summit(d, "  place: Test\n", "  place: Test\n  place: Other\n", "place", r"given twice"),
    "summit-id-newline": lambda d: _summit(d, "id: 2022-03-01-test", 'id: "2022-03-01-test\\n"', "id", r"must look like"),
    # document metadata
    "meta-impossible-date": lambda d: _meta(
        d, 'published: "2021-12-07"', "published: 2021-02-30", "published", r"not an ISO date"
    ),
    "meta-summit-a-list": lambda d: _meta(
        d, "summit_id: 2021-12-07-video", "summit_id: [2021-12-07-video]", "summit_id", r"not in summits.yaml|text"
    ),
    "meta-title-a-list": lambda d: _meta(
        d, 'title: "Biden and Putin head into a virtual summit with long lists of grievances"', "title: [a, b]", "title", r"text"
    ),
    "meta-sha-a-number": lambda d: _meta(
        d,
        "sha256: f64974607c567e0b1c474537276ce44038c65f7eb07525bcf4d76cebf0ead2ea",
        "sha256: " + "1" * 5000,
        "sha256",
        r"sha256",
    ),
    "meta-text-file-a-list": lambda d: _meta(
        d, f"text_file: {SEED}.txt", f"text_file: [{SEED}.txt]", "text_file", r"plain file name|text"
    ),
    "meta-id-a-number": lambda d: _meta(d, f"id: {SEED}", "id: 12", "id", r"expected text"),
    "meta-duplicate-key": lambda d: _meta(d, "language: en", "language: en\nlanguage: ru", "language", r"given twice"),
    "meta-url-javascript": lambda d: _meta(d, "url: null", 'url: "javascript:alert(1)"', "url", r"not an http"),
    # codebook
    "codebook-event-type-a-list": lambda d: _codebook(
        d,
        "default_event_type: {grievance: disapprove, goodwill: endorse}",
        "default_event_type: [1]",
        "default_event_type",
        r"mapping",
    ),
    "codebook-score-a-string": lambda d: _codebook(
        d, "score: {grievance: -2.0, goodwill: 3.5}", "score: {grievance: lots, goodwill: 3.5}", "score.grievance", r"number"
    ),
    "codebook-score-huge-int": lambda d: _codebook(
        d,
        "score: {grievance: -2.0, goodwill: 3.5}",
        "score: {grievance: -" + "9" * 5000 + ", goodwill: 3.5}",
        "score.grievance",
        r"number",
    ),
    "codebook-level-a-list": lambda d: _codebook(d, "  - level: 1\n", "  - level: [1]\n  # level: 1\n", "level", r"."),
    "codebook-label-a-list": lambda d: _codebook(d, "    label: verbal\n", "    label: [verbal]\n", "label", r"expected str"),
    # briefs
    "brief-intensity-huge": lambda d: _brief(d, "intensity: 1", "intensity: " + "9" * 5000, "intensity", r"expected 1, 2 or 3"),
    "brief-issue-a-list": lambda d: _brief(d, "issue: cyber", "issue: [cyber]", "issue", r"not a issue|text"),
    "brief-actor-a-mapping": lambda d: _brief(d, "actor: US", "actor: {US: 1}", "actor", r"not a actor|text"),
    "brief-summit-a-list": lambda d: _brief(
        d, "summit_id: 2021-06-16-geneva", "summit_id: [2021-06-16-geneva]", "summit_id", r"."
    ),
    "brief-duplicate-key": lambda d: _brief(
        d, "  stance: grievance\n", "  stance: grievance\n  stance: goodwill\n", "stance", r"given twice"
    ),
    "brief-description-a-list": lambda d: _brief(
        d, "description: A synthetic test brief.", "description: [a]", "description", r"text"
    ),
}


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_wrong_shape_in_a_yaml_file(case, dirs, capsys):
    data, work = dirs
    if case.startswith("brief") and not briefs(data).exists():
        pytest.skip("no briefs.yaml")
    path, line, field, match = SHAPES[case](data)
    if case.endswith("duplicate-key"):
        line = ANY  # the line of the second key, not of the record
    refused(["validate", data], capsys, data, work, file=path, line=line, field=field, match=match)
