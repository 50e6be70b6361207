"""Print a scratch folder in memory for a test run (``make test``), or nothing to keep the default ``TMPDIR``.

The suite writes several hundred megabytes of scratch files (logs of 20,000 records, compactions, a wheel and its
venv, copies of the data folder) and the store fsyncs after every write. On a tmpfs neither costs disk work: about
a tenth less CPU for the same tests on the project's 2-core machine. ``/dev/shm`` is used only when it is a tmpfs
that allows running programs (a venv's scripts run from there), has room (:data:`MIN_FREE`) and a folder of this
user's own can be made there; otherwise nothing is printed and the tests use the usual temporary folder.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

SHM = Path("/dev/shm")
MIN_FREE = 4 * 1024**3  # a run fills up to about 0.7 GB there (the Makefile keeps only the last run's folders)


def _mount_options(path: Path) -> list[str] | None:
    """The type and options of the mount at ``path`` (``/proc/mounts``), or None if it is not a mount point."""
    try:
        lines = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) >= 4 and fields[1] == str(path):
            return [fields[2], *fields[3].split(",")]
    return None


def scratch() -> Path | None:
    mount = _mount_options(SHM)
    if mount is None or mount[0] != "tmpfs" or "noexec" in mount[1:] or "ro" in mount[1:]:
        return None
    try:
        st = os.statvfs(SHM)
        if st.f_bavail * st.f_frsize < MIN_FREE:
            return None
        folder = SHM / f"summit-ledger-tests-{os.getuid()}"
        folder.mkdir(mode=0o711, exist_ok=True)
        info = folder.lstat()  # a folder someone else made, or a link, is not ours to use
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return None
        # others may pass through (tests run commands as other users in folders they open to them), never list or write
        os.chmod(folder, 0o711)
    except OSError:
        return None
    return folder


if __name__ == "__main__":
    found = scratch()
    if found is not None:
        sys.stdout.write(f"{found}\n")
