"""The project door: discovery like git, the cached Project handle, `init`, and no writes outside a project."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.commands.main import main
from toolkit.commands.scaffold import CURATED_NOTEBOOKS, init_project
from toolkit.errors import DataError
from toolkit.paths import CONFIG_NAME, ProjectNotFound, data_dir, find_project
from toolkit.project import Project

SEED = "2021-12-07-biden-putin-video-summit"


@pytest.fixture
def clean_env(monkeypatch):
    for var in ("SUMMIT_LEDGER_PROJECT", "SUMMIT_LEDGER_DATA"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def demo(tmp_path, clean_env) -> Path:
    return init_project(tmp_path / "demo", demo=True)


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --- discovery -----------------------------------------------------------------------
def test_discovery_order(tmp_path, demo, monkeypatch, data_root):
    deep = demo / "notebooks" / "sub"
    deep.mkdir()
    assert find_project(cwd=deep) == demo  # nearest summit-ledger.toml upward
    assert find_project(cwd=data_root.parent / "notebooks") == data_root  # inside the checkout: its data/
    other = init_project(tmp_path / "other")
    monkeypatch.setenv("SUMMIT_LEDGER_DATA", str(other))
    assert find_project(cwd=deep) == other  # the old variable still works
    monkeypatch.setenv("SUMMIT_LEDGER_PROJECT", str(demo))
    assert find_project(cwd=tmp_path) == demo  # the new one wins over the old
    assert find_project(other, cwd=deep) == other  # an explicit folder wins over all
    monkeypatch.chdir(deep)
    assert data_dir() == demo  # data_dir() is discovery


def test_outside_any_project_is_one_clear_error(tmp_path, clean_env):
    with pytest.raises(ProjectNotFound) as info:
        find_project(cwd=tmp_path)
    assert len(info.value.problems) == 1
    assert "summit-ledger init" in str(info.value) and "--project" in str(info.value)
    with pytest.raises(ProjectNotFound, match="not a Summit Ledger project"):
        find_project(tmp_path)


def test_bad_environment_variable_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMIT_LEDGER_PROJECT", str(tmp_path / "gone"))
    with pytest.raises(ProjectNotFound, match=r"\$SUMMIT_LEDGER_PROJECT: no such folder"):
        find_project(cwd=tmp_path)


# --- the Project handle ----------------------------------------------------------------
def test_project_loads_once_and_rereads_a_changed_file(demo):
    p = Project.discover(cwd=demo)
    assert Project.discover(demo) is p and os.fspath(p) == str(p.root)
    cb, docs = p.codebook, p.documents
    assert p.codebook is cb and p.documents is docs and SEED in docs
    assert p.config["name"] == "demo" and p.chart_sets() == ["reference"]
    text = (demo / "codebook.yaml").read_text(encoding="utf-8")
    (demo / "codebook.yaml").write_text(text + "\n# changed\n", encoding="utf-8")
    assert p.codebook is not cb and p.codebook.version == cb.version
    assert p.summits is p.summits and len(p.briefs) > 0


def test_project_hands_out_stores_ledgers_and_checks_set_names(demo):
    p = Project.discover(demo)
    assert p.store("reference").annotators() == ["reference"]
    ledger = p.ledger(sets=["reference"], include_briefs=False)
    n_records = len(p.store("reference").annotations())
    assert len(ledger) >= n_records > 0 and set(ledger["language"]) == {"en"}  # joint acts expand to 2 rows
    assert all(r.ok for r in p.validate())
    for bad in ("../escape", "a/b", "", ".hidden"):
        with pytest.raises(ValueError):
            p.store(bad)


def test_every_set_warns_when_a_document_is_coded_twice(demo, recwarn):
    p = Project.discover(demo)
    p.ledger()  # the chart sets: one coder per document, no warning
    p.ledger(sets=["reference"])
    assert not [w for w in recwarn if "more than one annotation set" in str(w.message)]
    with pytest.warns(UserWarning, match=r"1 document\(s\) are coded in more than one annotation set: " + SEED):
        everything = p.ledger(None)
    assert set(everything["set"]) >= {"reference", "independent"}


def test_the_command_line_shows_a_warning_as_a_plain_note(demo, tmp_path, capsys):
    assert main(["figures", "--project", str(demo), "--out", str(tmp_path / "f"), "--sets", "all"]) == 0
    err = capsys.readouterr().err
    assert "note: 1 document(s) are coded in more than one annotation set" in err and "--sets" in err
    assert "UserWarning" not in err and "project.py" not in err


def test_project_import_export_and_agreement(demo, tmp_path):
    p = Project.discover(demo)
    out = tmp_path / "ref.jsonl"
    p.export("doccano", out, sets=["reference"])
    rep = p.import_("doccano", out, set_name="round-trip")
    assert len(rep.written) == 22
    assert (demo / "annotations" / "round-trip").is_dir()
    view = p.agreement(["independent"], reference="reference")
    assert "alpha" in view.to_text(top=1).lower()


def test_bad_config_is_named(demo):
    (demo / CONFIG_NAME).write_text('name = 3\n[charts]\nsets = ["../x"]\n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        _ = Project(demo).config
    assert {p.field for p in info.value.problems} == {"name", "charts.sets"}


# --- init ------------------------------------------------------------------------------
def test_init_plain_and_demo(tmp_path, clean_env, data_root):
    plain = init_project(tmp_path / "plain")
    assert sorted(p.name for p in plain.iterdir()) == [
        ".gitignore",
        "annotations",
        "codebook.yaml",
        "documents",
        "notebooks",
        CONFIG_NAME,
        "summits.yaml",
    ]
    assert not any((plain / "documents").iterdir()) and not any((plain / "annotations").iterdir())
    copied = sorted(p.relative_to(plain / "notebooks").as_posix() for p in (plain / "notebooks").rglob("*") if p.is_file())
    assert copied == sorted(CURATED_NOTEBOOKS)
    demo = init_project(tmp_path / "demo", demo=True)
    ours, shipped = _snapshot(demo), _snapshot(data_root)
    shipped = {
        k: v
        for k, v in shipped.items()
        if not k.startswith("annotations/workspace/") and not k.endswith((".lock", ".bak", ".torn"))
    }
    assert {k: v for k, v in ours.items() if not k.startswith("notebooks/") and k not in (CONFIG_NAME, ".gitignore")} == {
        k: v for k, v in shipped.items() if k != CONFIG_NAME
    }


def test_init_refuses_a_folder_with_files_and_leaves_it_alone(tmp_path, clean_env):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path / "taken")]) == 1
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no staging folder left behind


# --- the CLI ---------------------------------------------------------------------------
def test_cli_project_and_data_are_aliases(demo, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--project", str(demo)]) == 0
    assert main(["validate", "--data", str(demo)]) == 0
    assert main(["validate"]) == 1  # tmp_path is no project
    monkeypatch.setenv("SUMMIT_LEDGER_PROJECT", str(demo))
    assert main(["validate"]) == 0  # validate honours the variable
    assert str(demo) in capsys.readouterr().out


def test_commands_run_elsewhere_never_write_into_the_repository(tmp_path, repo_root, data_root, demo):
    """From a folder outside any project, every writing command fails with one error and data/ is untouched."""
    before = _snapshot(data_root)
    outside = tmp_path / "scratch"
    outside.mkdir()
    (outside / "a.txt").write_text("Synthetic test text about a summit.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMIT_LEDGER_")}
    exported = tmp_path / "ref.jsonl"
    assert main(["export", "doccano", "--out", str(exported), "--set", "reference", "--project", str(demo)]) == 0
    commands = [
        ["import", "doccano", str(exported), "--set", "roundtrip"],
        ["add-article", "a.txt", "--id", "synthetic-a", "--summit", "2021-12-07-video"],
        ["add-articles", "manifest.csv"],
        [
            "add-summit",
            "--id",
            "2030-01-01-x",
            "--date",
            "2030-01-01",
            "--place",
            "X",
            "--format",
            "video",
            "--parties",
            "US",
            "Russia",
            "--label",
            "X",
            "--source",
            "https://example.org",
        ],
        ["reanchor", SEED],
        ["figures", "--out", "f", "--n-boot", "0"],
        ["export", "csv", "--out", "x.csv"],
        ["validate"],
    ]
    for cmd in commands:
        proc = subprocess.run(
            [sys.executable, "-m", "toolkit.commands.main", *cmd], cwd=outside, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 1, (cmd, proc.stdout, proc.stderr)
        assert proc.stderr.count("error:") == 1 and "summit-ledger init" in proc.stderr, (cmd, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert _snapshot(data_root) == before
    assert sorted(p.name for p in outside.iterdir()) == ["a.txt"]
    # ... and inside a project they write into that project only.
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit.commands.main", "import", "doccano", str(exported), "--set", "rt"],
        cwd=demo / "notebooks",
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert (demo / "annotations" / "rt").is_dir() and _snapshot(data_root) == before


def test_project_figures_use_the_configured_sets(demo, tmp_path, capsys):
    p = Project.discover(demo)
    files = p.figures(tmp_path / "f", n_boot=0, evidence="span")
    assert {f.name for f in files} >= {"balance_per_summit.csv", "balance_per_summit.svg", "balance_per_summit.png"}
    import re

    assert re.search(r"\b\d+ rows from \d+ annotations \(reference\)", capsys.readouterr().out)


def test_validate_checks_the_stated_codebook_version(demo):
    text = (demo / CONFIG_NAME).read_text(encoding="utf-8")
    stated = Project(demo).codebook.version
    (demo / CONFIG_NAME).write_text(text.replace(f'codebook_version = "{stated}"', 'codebook_version = "0.9"'), encoding="utf-8")
    problems = [p for r in Project(demo).validate() for p in r.problems]
    assert [(p.field, p.file) for p in problems] == [("codebook_version", str(demo / CONFIG_NAME))]


def test_store_at_and_with_documents_keep_the_projects_data(demo, tmp_path):
    p = Project(demo)
    store = p.store_at(tmp_path / "hand-in")
    assert store.codebook is p.codebook and store.summits is p.summits
    doc = p.documents[SEED]
    cut = dataclasses.replace(doc, id=f"{SEED}--practice", text=doc.text[:200])
    view = p.with_documents({cut.id: cut})
    assert list(view.documents) == [cut.id] and view.codebook is p.codebook and view.root == p.root
    assert list(p.documents) == [SEED]  # the project itself is unchanged
    assert list(view.store_at(tmp_path / "practice").documents) == [cut.id]
