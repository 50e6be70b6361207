"""Adversarial suite, area *names*: every id a user types is checked before a path is built.

Document, summit, set and annotator ids become file and folder names. Each
hostile name below is tried with every command that takes one; each must be
refused with one error naming the option, and nothing may be written, inside
the data folder or outside it (issue 10, defect 4). Synthetic inputs only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from adversarial import SEED, SEED_SUMMIT, copy_data, dirs, exported, refused, run, snapshot  # noqa: F401 (dirs is a fixture)

from toolkit.commands.main import main
from toolkit.errors import DataError

#: Names no kind of id may take (each would escape, hide, or mangle a path).
BAD = {
    "newline-end": "abc\n",
    "newline-start": "\nabc",
    "carriage-return": "abc\r",
    "dot": ".",
    "dotdot": "..",
    "traversal": "../x",
    "deep-traversal": "../../outside/evil",
    "absolute": "/etc/passwd",
    "slash": "a/b",
    "backslash": "a\\b",
    "empty": "",
    "space": "a b",
    "nul": "a\x00b",
    "accent": "café",
    "fullwidth": "ａｂｃ",
    "too-long": "a" * 200,
    "leading-dash": "-rf",
    "tilde": "~root",
    "glob": "*",
    "trailing-dot": "abc.",
}


def _article(work: Path) -> Path:
    p = work / "article.txt"
    p.write_text("Synthetic test article.\nIt reports nothing real.\n", encoding="utf-8")
    return p


#: Annotator names are people's names: letters of any script are allowed there (issue 16), only there.
PEOPLE_ONLY = ("accent", "fullwidth")


def _cases():
    for key, value in BAD.items():
        if not value.startswith("-"):  # a positional starting with '-' is an option to argparse
            yield "reanchor", key, value
        yield "add-article", key, value
        yield "add-summit", key, "2022-01-01-" + value if key not in ("too-long", "leading-dash") else value
        yield "import-set", key, value
        if key not in PEOPLE_ONLY:
            yield "import-annotator", key, value
        yield "export-set", key, value
        if "," not in value and value.strip() == value and value:  # figures splits on ',' and strips
            yield "figures-sets", key, value


@pytest.mark.parametrize("command,key,value", [pytest.param(c, k, v, id=f"{c}-{k}") for c, k, v in _cases()])
def test_bad_name_is_refused_before_any_path(command, key, value, dirs, capsys):
    data, work = dirs
    outside = data.parent
    if command == "reanchor":
        argv, file, field = ["reanchor", value, "--data", data], data / "documents", "document_id"
    elif command == "add-article":
        art = _article(work)
        argv, file, field = ["add-article", art, f"--id={value}", "--summit", SEED_SUMMIT, "--data", data], art, "id"
    elif command == "add-summit":
        argv = [
            "add-summit",
            f"--id={value}",
            "--date",
            "2022-01-01",
            "--place",
            "Test",
            "--format",
            "phone",
            "--parties",
            "US",
            "Russia",
            "--label",
            "Synthetic",
            "--source",
            "https://example.org/x",
            "--data",
            data,
        ]
        file, field = data / "summits.yaml", "id"
    elif command == "import-set":
        src = exported(data, work, "doccano")
        argv, file, field = ["import", "doccano", src, f"--set={value}", "--data", data], src, "set"
    elif command == "import-annotator":
        src = exported(data, work, "doccano")
        argv, file, field = (
            ["import", "doccano", src, "--set", "imported", f"--annotator={value}", "--data", data],
            src,
            "annotator",
        )
    elif command == "export-set":
        argv, file, field = (
            ["export", "csv", "--out", work / "out.csv", f"--set={value}", "--data", data],
            data / "annotations",
            "set",
        )
    else:
        argv, file, field = (
            ["figures", "--out", work / "fig", f"--sets={value}", "--n-boot", "10", "--data", data],
            data / "annotations",
            "set",
        )
    refused(argv, capsys, outside, file=file, field=field, match=r"is not allowed")
    assert [p for p in outside.rglob("*.lock") if data not in p.parents] == []  # no lock beside files outside


@pytest.mark.parametrize("key", PEOPLE_ONLY)
def test_annotator_names_take_letters_of_any_script(key, dirs, capsys):
    data, work = dirs
    src = exported(data, work, "doccano")
    assert main(["import", "doccano", str(src), "--set", "imported", f"--annotator={BAD[key]}", "--data", str(data)]) == 0
    assert (data / "annotations" / "imported" / f"{BAD[key]}.jsonl").is_file()


def test_reanchor_outside_the_data_folder_writes_nothing_there(dirs, capsys, tmp_path):
    """Defect 4: ``reanchor ../../outside/evil`` rewrote a YAML file outside the data folder."""
    data, work = dirs
    outside = tmp_path / "outside"
    outside.mkdir()
    meta = (data / "documents" / f"{SEED}.yaml").read_text(encoding="utf-8")
    (outside / "evil.yaml").write_text(meta.replace(f"text_file: {SEED}.txt", "text_file: evil.txt"), encoding="utf-8")
    (outside / "evil.txt").write_text("Synthetic text that is not the article.\n", encoding="utf-8")
    for doc_id in ("../../outside/evil", str(outside / "evil")):
        refused(
            ["reanchor", doc_id, "--data", data],
            capsys,
            data,
            outside,
            file=data / "documents",
            field="document_id",
            match="is not allowed",
        )
    assert sorted(p.name for p in outside.iterdir()) == ["evil.txt", "evil.yaml"]  # no .lock beside it


def test_add_article_id_with_newline_creates_no_file(dirs, capsys):
    """Defect 4: ``--id $'abc\\n'`` was accepted and created ``abc\\n.txt``."""
    data, work = dirs
    art = _article(work)
    refused(
        ["add-article", art, "--id", "abc\n", "--summit", SEED_SUMMIT, "--data", data],
        capsys,
        data,
        file=art,
        field="id",
        match="slug",
    )
    assert not any("\n" in p.name for p in (data / "documents").iterdir())


def test_figures_with_an_unknown_set_is_refused(dirs, capsys):
    """An unknown set charted briefs only, with exit 0; now it is named."""
    data, work = dirs
    refused(
        ["figures", "--out", work / "fig", "--sets", "nosuch", "--data", data],
        capsys,
        data,
        file=data / "annotations",
        field="set",
        match="no annotation set 'nosuch'",
    )
    assert not (work / "fig").exists()


def test_annotator_named_in_a_log_line_is_checked(dirs, capsys):
    from adversarial import op, write_log

    data, _ = dirs
    for name in ("../x", "abc\n", "a/b"):
        log = write_log(data, op(annotator=name, id="another"))
        refused(["validate", data], capsys, data, file=log, line=2, field="annotator", match="is not allowed")


@pytest.mark.parametrize("kind", ["annotator", "document", "set", "summit"])
def test_check_id_uses_fullmatch(kind):
    from toolkit.ids import check_id, id_problem

    good = {"document": SEED, "summit": SEED_SUMMIT, "set": "class-1", "annotator": "coder_a"}[kind]
    assert check_id(kind, good) == good
    for bad in ("x\n", good + "\n", "../" + good, "/" + good, good + "/..", None, 5, [good]):
        assert id_problem(kind, bad) is not None, (kind, bad)
        with pytest.raises(DataError):
            check_id(kind, bad)


def test_a_long_bad_name_is_shown_cut():
    from toolkit.ids import id_problem

    msg = id_problem("set", "x/" * 10_000)
    assert msg is not None and len(msg) < 300


def test_unknown_id_kind_is_api_misuse():
    from toolkit.ids import id_problem

    with pytest.raises(ValueError):
        id_problem("planet", "x")  # type: ignore[arg-type]


def test_a_good_name_still_works(dirs, capsys):
    data, work = dirs
    res = run(["export", "csv", "--out", work / "out.csv", "--set", "reference", "--data", data], capsys)
    assert res.rc == 0 and (work / "out.csv").exists()
    before = snapshot(data)
    assert before == snapshot(data)
