"""A new researcher's project: empty or young, it opens everywhere and says what to do next; the small defects a
first user meets (notebooks copied, .gitignore, --version, mistyped options, the lab command); and discovery that
refuses a project other users could have changed or whose data leads outside it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from _make import commands as make_commands

import toolkit
from toolkit.commands import main
from toolkit.commands.lab import IN_ORDER_SETTING, LAB_OVERRIDES, LAB_OVERRIDES_SOURCE, NEW_PORTS_ON_RESTART, widget_order_note
from toolkit.commands.scaffold import CURATED_NOTEBOOKS, init_project
from toolkit.paths import ProjectNotFound
from toolkit.project import Project

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_env(monkeypatch):
    for var in ("SUMMIT_LEDGER_PROJECT", "SUMMIT_LEDGER_DATA"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def empty(tmp_path, clean_env) -> Path:
    return init_project(tmp_path / "study")


def test_an_empty_project_validates_and_says_what_to_do_next(empty, capsys):
    assert main(["validate", str(empty)]) == 0
    out = capsys.readouterr().out
    assert "next: no articles yet: add one with `summit-ledger add-article" in out
    assert "next: no annotations in set 'workspace' yet" in out and "notebooks/01_annotate.ipynb" in out


def test_an_empty_project_charts_nothing_and_says_why(empty, tmp_path, capsys):
    out = tmp_path / "fig"
    assert main(["figures", "--project", str(empty), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "set 'workspace' (summit-ledger.toml [charts] sets) has no annotations yet" in err
    assert "nothing to chart yet" in err and "next: no articles yet" in err
    assert not out.exists()


def test_a_young_project_charts_the_sets_that_exist(empty, tmp_path, capsys, data_root):
    """The configured set is still empty, but an imported one is charted when named; the project opens in Python too."""
    project = Project.discover(empty)
    assert project.chart_sets() == [] and project.missing_chart_sets() == ["workspace"]
    assert project.ledger().empty  # no KeyError, no 'no annotation set' error
    shutil.copy(data_root / "documents" / "2021-12-07-biden-putin-video-summit.txt", empty / "documents")
    shutil.copy(data_root / "documents" / "2021-12-07-biden-putin-video-summit.yaml", empty / "documents")
    shutil.copytree(data_root / "annotations" / "reference", empty / "annotations" / "workspace")
    assert project.chart_sets() == ["workspace"] and project.status() == []
    out = tmp_path / "fig"
    assert main(["figures", "--project", str(empty), "--out", str(out), "--n-boot", "0", "--evidence", "span"]) == 0
    assert "rows from 22 annotations (workspace)" in capsys.readouterr().out
    assert (out / "balance_per_summit.svg").is_file()


def test_init_copies_every_notebook_and_a_gitignore(empty):
    shipped = sorted(p.relative_to(REPO / "notebooks").as_posix() for p in (REPO / "notebooks").rglob("*.ipynb"))
    copied = sorted(p.relative_to(empty / "notebooks").as_posix() for p in (empty / "notebooks").rglob("*.ipynb"))
    assert copied == shipped and "05_adjudicate.ipynb" in copied and "teaching/instructor.ipynb" in copied
    assert sorted(CURATED_NOTEBOOKS) == sorted([*shipped, "sanitize.cfg"])
    assert "*.lock" in (empty / ".gitignore").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_lock_files_left_by_writing_commands_are_ignored_by_git(empty, tmp_path):
    page = tmp_path / "a.txt"
    page.write_text("SYNTHETIC TEST ARTICLE: written for the tests, about no real event.\n", encoding="utf-8")
    assert main(["add-article", str(page), "--project", str(empty), "--summit", "2021-06-16-geneva", "--id", "a"]) == 0
    assert list(empty.rglob("*.lock"))  # the lock stays (removing it safely is not possible), ...
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    subprocess.run(["git", "init", "-q", str(empty)], check=True, env=env)
    status = subprocess.run(
        ["git", "-C", str(empty), "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True, env=env
    )
    assert ".lock" not in status.stdout and "documents/a.txt" in status.stdout  # ... and git does not offer it


def test_version_is_printed(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.strip() == "summit-ledger 0.1.0"


def test_a_mistyped_option_is_reported_as_such(empty, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["figures", "--project", str(empty), "--outt", "x"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "unknown option --outt; did you mean --out?" in err
    assert "required" not in err
    with pytest.raises(SystemExit):
        main(["validate", "--quiet"])
    assert "unknown option --quiet; see summit-ledger validate --help" in capsys.readouterr().err


def test_filter_ledger_is_exported():
    assert "filter_ledger" in toolkit.__all__ and callable(toolkit.filter_ledger)


def test_the_unknown_label_hint_is_made_from_the_label():
    from toolkit.formats.labelmap import LabelMap

    _, _, problems = LabelMap().resolve(["Grievance", "Cyber attacks"], file="f.json", line=1, where=None)
    assert '"Grievance": {stance: grievance}' in problems[0].message
    assert '"Cyber attacks": {issue: cyber-attacks}' in problems[1].message


def test_lab_opens_the_projects_notebooks_as_root_too(empty, capsys, monkeypatch):
    monkeypatch.chdir(empty / "notebooks")
    assert main(["lab", "--print-command", "--port", "8899"]) == 0
    cmd = capsys.readouterr().out.split()
    assert f"--notebook-dir={empty / 'notebooks'}" in cmd and "--port=8899" in cmd and "--ServerApp.ip=127.0.0.1" in cmd
    assert ("--allow-root" in cmd) == (os.geteuid() == 0)
    # a kernel whose start failed on a taken port gets new ports: here, and in `make lab` as well
    assert NEW_PORTS_ON_RESTART in cmd
    (lab,) = [line for line in make_commands("lab", "PORT=8899") if "jupyter lab " in line]
    assert NEW_PORTS_ON_RESTART in lab.split()


# --- discovery safety ----------------------------------------------------------------------------------
def test_writing_commands_name_their_project(empty, tmp_path, capsys, monkeypatch):
    page = tmp_path / "a.txt"
    page.write_text("SYNTHETIC TEST ARTICLE: written for the tests.\n", encoding="utf-8")
    monkeypatch.chdir(empty / "documents")
    assert main(["add-article", str(page), "--summit", "2021-06-16-geneva", "--id", "a"]) == 0
    assert f"project: {empty}" in capsys.readouterr().err


def test_a_symlink_out_of_the_project_is_refused_before_anything_is_written(empty, tmp_path, capsys, monkeypatch):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.rmtree(empty / "annotations")
    (empty / "annotations").symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(empty)
    export = tmp_path / "x.csv"
    export.write_text("document_id,start,end\n", encoding="utf-8")
    assert main(["import", "csv", str(export), "--set", "mine"]) == 1
    err = capsys.readouterr().err
    assert f"{empty / 'annotations'}: is a symbolic link to {outside}, outside the project" in err
    assert list(outside.iterdir()) == []


def test_a_log_linked_out_of_the_project_is_refused(empty, tmp_path):
    (empty / "annotations" / "mine").mkdir()
    target = tmp_path / "victim.jsonl"
    target.write_text("", encoding="utf-8")
    (empty / "annotations" / "mine" / "me.jsonl").symlink_to(target)
    with pytest.raises(ProjectNotFound, match="symbolic link"):
        Project.discover(empty)


def test_a_project_folder_writable_by_every_user_is_refused(empty, capsys):
    empty.chmod(0o777)
    try:
        assert main(["validate", str(empty)]) == 1
        err = capsys.readouterr().err
        assert f"{empty}: this project folder is writable by every user" in err and "chmod o-w" in err
    finally:
        empty.chmod(0o755)
    assert main(["validate", str(empty)]) == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "notebook",
    [
        "00_tour.ipynb",
        "01_annotate.ipynb",
        "02_balance_across_summits.ipynb",
        "03_agreement.ipynb",
        "04_bring_your_own_article.ipynb",
        "05_adjudicate.ipynb",
        "06_event_data.ipynb",
        "teaching/instructor.ipynb",
    ],
)
def test_every_notebook_runs_in_an_empty_project_and_says_what_is_missing(empty, notebook, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    path = empty / "notebooks" / notebook
    nb = nbformat.read(path, as_version=4)
    monkeypatch.setenv("SUMMIT_LEDGER_PROJECT", str(empty))
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()  # raises on an error
    texts = ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells if c.cell_type == "code"]
    first = next(t for t in texts if t)
    assert f"This notebook needs what the project {empty} does not have yet" in first and "summit-ledger" in first
    assert all("skipped:" in t for t in texts[texts.index(first) + 1 :] if t)


def test_require_shows_nothing_where_the_data_is(data_root, capsys):
    Project.discover(data_root).require("documents", "set:reference", "set:independent", "briefs")
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="unknown need"):
        Project.discover(data_root).require("everything")


def test_help_texts_speak_of_the_projects_folders():
    import argparse

    from toolkit.commands.main import build_parser

    texts = []

    def walk(parser: argparse.ArgumentParser) -> None:
        texts.append(parser.format_help())
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)

    walk(build_parser())
    assert len(texts) > 15
    for text in texts:
        flat = " ".join(text.split())
        assert not re.search(r"(?<![A-Za-z])data/", flat) and "repository" not in flat, flat[:300]


def test_copied_notebooks_speak_of_this_projects_folder(empty):
    import nbformat

    for name in [n for n in CURATED_NOTEBOOKS if n.endswith(".ipynb")]:
        nb = nbformat.read(empty / "notebooks" / name, as_version=4)
        for cell in nb.cells:
            assert "the repository's data" not in cell.source, name
            assert not re.search(r"(?<![\w<>])data/\w", cell.source), (name, cell.source[:200])


@pytest.mark.slow
def test_notebook_04_leaves_no_temporary_folder_even_when_stopped_halfway(repo_root, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    path = repo_root / "notebooks" / "04_bring_your_own_article.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells = nb.cells[:5]  # the scratch copy is made; the cell that removes it never runs
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("SUMMIT_LEDGER_PROJECT", str(repo_root / "data"))
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()
    assert "scratch copy of the project holds" in "".join(o.get("text", "") for o in nb.cells[2].outputs)
    assert not list(tmp_path.glob("summit-ledger-04-*"))


def test_the_lab_setting_that_keeps_widget_messages_in_order_is_shipped_and_installed(empty, tmp_path, capsys, monkeypatch):
    plugin, key, value = IN_ORDER_SETTING
    source = REPO / LAB_OVERRIDES_SOURCE
    assert json.loads(source.read_text(encoding="utf-8")) == {plugin: {key: value}}
    # the wheel installs it where Lab reads overrides (tests/test_wheel.py checks the wheel itself) ...
    with (REPO / "pyproject.toml").open("rb") as f:
        data_files = tomllib.load(f)["tool"]["setuptools"]["data-files"]
    assert data_files == {"/".join(LAB_OVERRIDES[:-1]): [LAB_OVERRIDES_SOURCE]}
    # ... and make puts it in its venv, which an editable install leaves without it
    assert Path(sys.prefix, *LAB_OVERRIDES).read_bytes() == source.read_bytes()
    assert widget_order_note() is None
    # an environment without it: summit-ledger lab says so, and still opens Lab
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    note = widget_order_note()
    assert note is not None and str(tmp_path) in note and "out of order" in note
    monkeypatch.chdir(empty)
    assert main(["lab", "--print-command"]) == 0
    out, err = capsys.readouterr()
    assert "jupyter" in out and note in err


def test_the_readmes_conda_route_puts_the_lab_setting_where_lab_reads_it(tmp_path):
    """The conda route installs the toolkit in editable mode (no data files): its own line copies the setting."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("### The conda route", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    assert lines[0] == "conda env create -f environment.yml" and lines[-1] == "jupyter lab notebooks/"
    (copy,) = [line for line in lines if LAB_OVERRIDES_SOURCE in line]
    subprocess.run(["bash", "-c", copy], cwd=REPO, env={**os.environ, "CONDA_PREFIX": str(tmp_path)}, check=True, timeout=30)
    assert Path(tmp_path, *LAB_OVERRIDES).read_bytes() == (REPO / LAB_OVERRIDES_SOURCE).read_bytes()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [Path(tmp_path, *LAB_OVERRIDES)]
