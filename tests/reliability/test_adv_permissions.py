"""Adversarial suite, area *permissions and the command line*: read-only folders, unreadable files, bad options.

File modes are set with chmod; as root (CI) the command then runs as an
unprivileged user, since root ignores modes, and a read-only bind mount is
tried too (skipped, with the reason, where mounting is refused). Every case
is one ``error:`` line naming the path, exit 1, no traceback, and the data
folder unchanged (issue 10, defect 10). The add-summit cases are defect 11.
Synthetic inputs only.
"""

from __future__ import annotations

import re

import pytest
from adversarial import (
    SEED,
    SEED_SUMMIT,
    as_other_user,
    copy_data,
    exported,
    op,
    open_scratch,
    read_only_mount,
    refused,
    run,
    snapshot,
    world_readable,
    write_log,
)


@pytest.fixture(scope="module", autouse=True)
def imports_loaded_first():
    """Load, as the test's own user, the libraries the commands import lazily.

    The cases below run a command as another user to test the *data's* permissions. Where
    Python itself lives under a folder that user cannot read (a pyenv under /root), a
    first-time import would fail there instead, and the outcome would depend on which
    test happened to import scipy before; so import it up front.
    """
    import scipy.stats  # noqa: F401  (intervals and bootstrap; pulls numpy's lazy submodules)
    import vl_convert  # noqa: F401  (figures)


@pytest.fixture
def scratch():
    with open_scratch() as d:
        data = copy_data(d / "data")
        work = d / "work"
        work.mkdir()
        world_readable(d)
        yield data, work


def doccano(data, work):
    out = exported(data, work, "doccano")
    out.chmod(0o644)
    return out


def summit_argv(data, **over):
    opts = {
        "--id": "2022-03-01-synthetic",
        "--date": "2022-03-01",
        "--place": "Test",
        "--format": "phone",
        "--label": "Synthetic",
        "--source": "https://example.org/x",
    }
    opts.update(over)
    argv = ["add-summit"]
    for k, v in opts.items():
        argv += [k, v]
    return argv + ["--parties", "US", "Russia", "--data", data]


def denied(argv, capsys, *roots, path=None, match=r"permission denied|read-only"):
    """Run as another user (when root): one error naming ``path``; nothing changed."""
    before = snapshot(*roots)
    with as_other_user():
        res = run(argv, capsys)
    assert "Traceback" not in res.out + res.err
    assert res.rc == 1, res.out + res.err
    assert len(res.problems) == 1, res.problems
    assert re.search(match, res.problems[0], re.I), res.problems[0]
    if path is not None:
        assert res.problems[0].startswith(str(path)), res.problems[0]
    assert snapshot(*roots) == before
    return res


# --- read-only folders and unreadable files (chmod) ----------------------------------------------
def test_import_into_read_only_annotations(scratch, capsys):
    data, work = scratch
    src = doccano(data, work)
    (data / "annotations").chmod(0o555)
    denied(["import", "doccano", src, "--set", "imp", "--data", data], capsys, data, work, path=data / "annotations" / "imp")


def test_import_into_read_only_set(scratch, capsys):
    data, work = scratch
    src = doccano(data, work)
    (data / "annotations" / "reference").chmod(0o555)
    (data / "annotations" / "reference" / "reference.jsonl").chmod(0o444)
    denied(["import", "doccano", src, "--set", "reference", "--annotator", "new-coder", "--data", data], capsys, data, work)


def test_add_summit_read_only_data(scratch, capsys):
    data, work = scratch
    data.chmod(0o555)
    (data / "summits.yaml").chmod(0o444)
    denied(summit_argv(data), capsys, data, work)


def test_add_article_read_only_documents(scratch, capsys):
    data, work = scratch
    art = work / "a.txt"
    art.write_text("Synthetic test article.\n", encoding="utf-8")
    art.chmod(0o644)
    (data / "documents").chmod(0o555)
    denied(
        ["add-article", art, "--id", "2021-12-08-synthetic", "--summit", SEED_SUMMIT, "--data", data],
        capsys,
        data,
        work,
        path=data / "documents",
    )


def test_reanchor_read_only_annotations(scratch, capsys):
    data, work = scratch
    txt = data / "documents" / f"{SEED}.txt"
    txt.write_text(txt.read_text(encoding="utf-8").replace("Geneva", "Genf", 1), encoding="utf-8")
    for p in (data / "annotations").rglob("*"):
        p.chmod(0o555 if p.is_dir() else 0o444)
    (data / "documents").chmod(0o555)
    denied(["reanchor", SEED, "--data", data], capsys, data, work)


@pytest.mark.parametrize("command", ["validate", "export", "agreement"])
def test_unreadable_log(command, scratch, capsys):
    data, work = scratch
    log = data / "annotations" / "reference" / "reference.jsonl"
    log.chmod(0o000)
    argv = {
        "validate": ["validate", data],
        "export": ["export", "csv", "--out", work / "o.csv", "--set", "reference", "--data", data],
        "agreement": [
            "agreement",
            data / "annotations" / "independent",
            "--reference",
            "reference",
            "--data",
            data,
            "--no-progress",
        ],
    }[command]
    denied(argv, capsys, data, path=log)


@pytest.mark.parametrize("name", ["codebook.yaml", "summits.yaml"])
def test_unreadable_yaml(name, scratch, capsys):
    data, work = scratch
    (data / name).chmod(0o000)
    denied(["export", "csv", "--out", work / "o.csv", "--data", data], capsys, data, path=data / name)


def test_unreadable_import_file(scratch, capsys):
    data, work = scratch
    src = doccano(data, work)
    src.chmod(0o000)
    denied(["import", "doccano", src, "--set", "imp", "--data", data], capsys, data, work, path=src)


def test_unreadable_label_map(scratch, capsys):
    data, work = scratch
    src = doccano(data, work)
    lmap = work / "map.yaml"
    lmap.write_text("labels: {}\n", encoding="utf-8")
    lmap.chmod(0o000)
    denied(["import", "doccano", src, "--set", "imp", "--map", lmap, "--data", data], capsys, data, work, path=lmap)


@pytest.mark.parametrize("fmt", ["csv", "ledger-csv", "doccano", "parquet"])
def test_export_into_read_only_folder(fmt, scratch, capsys):
    data, work = scratch
    out_dir = work / "ro"
    out_dir.mkdir()
    out_dir.chmod(0o555)
    denied(["export", fmt, "--out", out_dir / "o.out", "--set", "reference", "--data", data], capsys, data, work, path=out_dir)


def test_figures_into_read_only_folder(scratch, capsys):
    data, work = scratch
    work.chmod(0o555)
    denied(["figures", "--out", work / "figs", "--n-boot", "10", "--data", data], capsys, data, work, path=work / "figs")


# --- a read-only file system (bind mount) ----------------------------------------------------------
@pytest.mark.parametrize("command", ["import", "add-summit", "add-article"])
def test_read_only_mount(command, tmp_path, capsys):
    data = copy_data(tmp_path / "data")
    work = tmp_path / "work"
    work.mkdir()
    src = doccano(data, work)
    art = work / "a.txt"
    art.write_text("Synthetic test article.\n", encoding="utf-8")
    argv = {
        "import": ["import", "doccano", src, "--set", "imp", "--data", data],
        "add-summit": summit_argv(data),
        "add-article": ["add-article", art, "--id", "2021-12-08-synthetic", "--summit", SEED_SUMMIT, "--data", data],
    }[command]
    with read_only_mount(data):
        before = snapshot(data)
        res = run(argv, capsys)
        assert "Traceback" not in res.err and res.rc == 1, res.out + res.err
        assert len(res.problems) == 1 and re.search(r"read-only", res.problems[0], re.I), res.problems
        assert snapshot(data) == before


# --- add-summit writes YAML with a serializer (defect 11) -------------------------------------------
INJECTIONS = {
    "date-newline-key": {"--date": '2022-03-01"\n  label: INJECTED\n  zz: "'},
    "date-backreference": {"--date": "2022-01-01\\1"},
    "date-week-form": {"--date": "2022-W09-2"},
    "date-compact": {"--date": "20220301"},
    "date-impossible": {"--date": "2022-02-30"},
    "date-with-time": {"--date": "2022-03-01T10:00"},
    "date-trailing-newline": {"--date": "2022-03-01\n"},
    "date-arabic-digits": {"--date": "\u0662\u0660\u0662\u0662-03-01"},
}


@pytest.mark.parametrize("case", sorted(INJECTIONS))
def test_add_summit_refuses_a_bad_date(case, tmp_path, capsys):
    data = copy_data(tmp_path / "data")
    refused(
        summit_argv(data, **INJECTIONS[case]), capsys, data, file=data / "summits.yaml", field="date", match="not an ISO date"
    )


FIELD_INJECTIONS = {
    "place": 'Test"\n  label: INJECTED\n  zz: "',
    "label": "x\n- id: 2099-01-01-injected\n  date: '2099-01-01'",
    "summary": "a: b\n  format: hologram",
    "source": "https://example.org/x\n  - https://evil.example",
}


@pytest.mark.parametrize("field", sorted(FIELD_INJECTIONS))
def test_add_summit_values_are_serialised_not_pasted(field, tmp_path, capsys):
    from toolkit.corpus import load_summits

    data = copy_data(tmp_path / "data")
    value = FIELD_INJECTIONS[field]
    res = run(summit_argv(data, **{f"--{field}": value}), capsys)
    if res.rc == 0:
        summits = load_summits(data / "summits.yaml")
        new = summits["2022-03-01-synthetic"]
        assert "2099-01-01-injected" not in summits and "INJECTED" not in new.label
        got = {"place": new.place, "label": new.label}.get(field)
        assert got in (None, value)
    else:
        assert "Traceback" not in res.err and len(res.problems) == 1


def test_add_summit_date_injection_of_defect_11(tmp_path, capsys):
    """Defect 11: ``--date '2022-01-01"\\n  label: INJECTED\\n  zz: "'`` added keys to summits.yaml."""
    data = copy_data(tmp_path / "data")
    before = (data / "summits.yaml").read_bytes()
    res = run(summit_argv(data, **{"--date": '2022-03-01"\n  label: INJECTED\n  zz: "'}), capsys)
    assert res.rc == 1 and (data / "summits.yaml").read_bytes() == before
    assert b"INJECTED" not in (data / "summits.yaml").read_bytes()


def test_add_summit_good_date_round_trips(tmp_path, capsys):
    from toolkit.corpus import load_summits

    data = copy_data(tmp_path / "data")
    assert run(summit_argv(data), capsys).rc == 0
    assert 'date: "2022-03-01"' in (data / "summits.yaml").read_text(encoding="utf-8")
    assert str(load_summits(data / "summits.yaml")["2022-03-01-synthetic"].date) == "2022-03-01"


# --- the command line itself ---------------------------------------------------------------------------
def test_unexpected_error_is_one_line(monkeypatch, tmp_path, capsys):
    """Anything the toolkit did not foresee still gives one line and exit 1; --debug shows the traceback."""
    import toolkit.commands.validate as cmd

    def boom(args):
        raise ZeroDivisionError("synthetic failure")

    monkeypatch.setattr(cmd, "run", boom)
    res = run(["validate", tmp_path], capsys)
    assert res.rc == 1 and "Traceback" not in res.err
    assert res.err.strip() == (
        "error: unexpected ZeroDivisionError: synthetic failure (please report it; rerun with --debug for the traceback)"
    )
    with pytest.raises(ZeroDivisionError):
        run(["--debug", "validate", tmp_path], capsys)


def test_recursion_error_is_one_line(monkeypatch, tmp_path, capsys):
    import toolkit.commands.validate as cmd

    def deep(args):
        return deep(args)

    monkeypatch.setattr(cmd, "run", deep)
    res = run(["validate", tmp_path], capsys)
    assert res.rc == 1 and res.err.strip() == "error: the input is nested too deeply to read"


def test_data_option_is_a_file(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("synthetic\n")
    refused(["export", "csv", "--out", tmp_path / "o.csv", "--data", f], capsys, tmp_path, file=f, match="a file, not a folder")


def test_a_very_long_error_is_cut(tmp_path, capsys):
    data = copy_data(tmp_path / "data")
    write_log(data, op(issue="x" * 100_000))
    res = run(["validate", data], capsys)
    assert res.rc == 1 and all(len(line) < 1000 for line in res.out.splitlines())
