"""``tests/_scratch.py``: the in-memory scratch folder ``make test`` uses, only where it is safe to."""

from __future__ import annotations

import os
from types import SimpleNamespace

import _scratch
import pytest


@pytest.fixture
def shm(tmp_path, monkeypatch):
    """A stand-in for /dev/shm: a tmpfs with room unless a test says otherwise."""
    monkeypatch.setattr(_scratch, "SHM", tmp_path)
    monkeypatch.setattr(_scratch, "_mount_options", lambda path: ["tmpfs", "rw", "nosuid", "nodev"])
    monkeypatch.setattr(_scratch.os, "statvfs", lambda path: SimpleNamespace(f_bavail=_scratch.MIN_FREE // 4096, f_frsize=4096))
    return tmp_path


def test_a_roomy_tmpfs_gives_a_folder_of_this_user_only(shm):
    folder = _scratch.scratch()
    assert folder == shm / f"summit-ledger-tests-{os.getuid()}"
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o711  # others pass through, never list or write
    assert _scratch.scratch() == folder  # the next run uses it again


@pytest.mark.parametrize(
    "mount", [None, ["ext4", "rw"], ["tmpfs", "rw", "noexec"], ["tmpfs", "ro"]], ids=["none", "disk", "noexec", "read-only"]
)
def test_no_folder_where_programs_cannot_run_or_nothing_is_in_memory(shm, monkeypatch, mount):
    monkeypatch.setattr(_scratch, "_mount_options", lambda path: mount)
    assert _scratch.scratch() is None


def test_no_folder_without_room(shm, monkeypatch):
    monkeypatch.setattr(
        _scratch.os, "statvfs", lambda path: SimpleNamespace(f_bavail=_scratch.MIN_FREE // 4096 - 1, f_frsize=4096)
    )
    assert _scratch.scratch() is None


def test_a_folder_left_open_to_others_is_closed_and_a_link_is_not_used(shm, tmp_path_factory):
    name = f"summit-ledger-tests-{os.getuid()}"
    (shm / name).mkdir(mode=0o777)
    os.chmod(shm / name, 0o777)
    assert _scratch.scratch() == shm / name and (shm / name).stat().st_mode & 0o777 == 0o711
    os.rmdir(shm / name)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    os.chmod(elsewhere, 0o700)
    (shm / name).symlink_to(elsewhere)
    assert _scratch.scratch() is None


def test_the_real_mount_table_is_read():
    found = _scratch._mount_options(_scratch.Path("/proc"))
    assert found is None or found[0] == "proc"
