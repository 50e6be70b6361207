"""Real system accounts for the hub tests, and a place they can reach: the class, the toolkit, Python.

With PAM login and the local process spawner each student's server runs as
that student's system account, so file permissions are the boundary. The
test (run as root) creates the accounts with ``useradd`` (random names,
passwords set with ``chpasswd``) and removes them and their homes with
``userdel -r`` afterwards, also after a failure.

The checkout and its ``.venv`` may sit under a folder no other user can enter
(a CI clone under a 0700 home, a pyenv Python under ``/root``). So
:func:`reachable_environment` builds, under a fresh folder in ``/var/tmp`` or
``/tmp`` (mode 0755), a virtual environment of a Python every user can run
(the running one if its folder is open to all, else the system's Python of the
same version), with the test venv's packages linked in (hard links: no copy
when on the same disk), the toolkit's source, its notebooks and the hub
configuration copied beside it.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def accounts_unavailable() -> str | None:
    """Why real accounts cannot be made here (None when they can)."""
    if os.geteuid() != 0:
        return "real-account hub tests need root (CI runs as root)"
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "chpasswd", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    try:
        import pamela  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - any failure to load libpam means no PAM login
        return f"PAM is not usable here ({exc})"
    return None


def open_to_all(path: Path) -> bool:
    """True when any user can reach ``path``: every folder above it searchable, the file readable."""
    path = path.resolve()
    for folder in [*reversed(path.parents), path] if path.is_dir() else reversed(path.parents):
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return path.is_dir() or bool(path.stat().st_mode & stat.S_IROTH)


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60)


@dataclass
class Accounts:
    """An instructors' group, one instructor and some students, each with a password; all removed by :meth:`remove`."""

    group: str
    instructor: str
    students: list[str]
    home_root: Path
    passwords: dict[str, str] = field(default_factory=dict)
    made: list[str] = field(default_factory=list)
    group_made: bool = False

    @property
    def users(self) -> list[str]:
        return [self.instructor, *self.students]

    def create(self) -> Accounts:
        self.home_root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.home_root, 0o755)
        _run("groupadd", self.group)
        self.group_made = True
        for name in self.users:
            groups = ["-G", self.group] if name == self.instructor else []
            _run("useradd", "-m", "-d", str(self.home_root / name), "-s", "/bin/sh", *groups, "-K", "UMASK=077", name)
            self.made.append(name)
            self.passwords[name] = secrets.token_urlsafe(12)
        chpasswd = "".join(f"{n}:{p}\n" for n, p in self.passwords.items())
        subprocess.run(["chpasswd"], input=chpasswd, check=True, capture_output=True, text=True, timeout=60)
        return self

    def pids(self, name: str) -> list[int]:
        """Processes running as ``name`` (to stop what a test left running, by PID)."""
        import pwd

        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            return []
        out = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid == uid:
                        out.append(int(entry.name))
                except OSError:
                    continue
        return out

    def remove(self) -> list[str]:
        """Remove every account made (and its home) and the group; returns what could not be removed."""
        import signal

        left = []
        for name in self.made:
            # userdel refuses (exit 8) while a process of the user is still exiting, and a killed server's
            # kernel may be a moment behind: kill until none is left, then remove the account
            deadline = time.monotonic() + 20
            while True:
                for pid in self.pids(name):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                done = subprocess.run(["userdel", "-r", name], capture_output=True, text=True, timeout=60)
                if done.returncode != 8 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            if done.returncode not in (0, 12):  # 12: the home could not be removed (removed below)
                left.append(f"user {name}: {done.stderr.strip()}")
            shutil.rmtree(self.home_root / name, ignore_errors=True)
        self.made.clear()
        if self.group_made:
            done = subprocess.run(["groupdel", self.group], capture_output=True, text=True, timeout=60)
            if done.returncode != 0:
                left.append(f"group {self.group}: {done.stderr.strip()}")
            self.group_made = False
        return left


def make_accounts(home_root: Path, n_students: int) -> Accounts:
    """Names with a random suffix (lower-case letters and digits: valid user and annotator names)."""
    tag = secrets.token_hex(3)
    return Accounts(
        group=f"slins{tag}",
        instructor=f"slt{tag}",
        students=[f"sls{k}{tag}" for k in range(1, n_students + 1)],
        home_root=home_root,
    ).create()


def new_base() -> Path:
    """A fresh folder every user can enter, on the venv's disk when possible (so links cost nothing)."""
    venv_dev = Path(sys.prefix).stat().st_dev
    parents = [Path(p) for p in ("/var/tmp", "/tmp") if Path(p).is_dir()]
    parents.sort(key=lambda p: p.stat().st_dev != venv_dev)
    base = Path(tempfile.mkdtemp(prefix="summit-hub-", dir=parents[0]))
    os.chmod(base, 0o755)
    return base


def _python_for_all() -> Path:
    """A Python of this version that every user can run."""
    here = Path(sys._base_executable if hasattr(sys, "_base_executable") else sys.executable).resolve()  # type: ignore[attr-defined]
    if open_to_all(here) and open_to_all(Path(sys.base_prefix) / "lib"):
        return here
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for folder in ("/usr/bin", "/usr/local/bin"):
        candidate = Path(folder) / version
        if candidate.exists() and open_to_all(candidate):
            return candidate
    raise RuntimeError(f"no {version} that every user can run (the running one is under a closed folder: {here})")


def _link_tree(src: Path, dst: Path) -> None:
    """Hard links of every file of ``src`` under ``dst`` (copies across disks); folders 0755, files made readable."""

    def link(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            shutil.copy2(a, b)

    shutil.copytree(src, dst, copy_function=link, symlinks=True, dirs_exist_ok=True)
    for folder, _dirs, files in os.walk(dst):
        os.chmod(folder, 0o755)
        for f in files:
            p = os.path.join(folder, f)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode) and not st.st_mode & stat.S_IROTH:
                os.chmod(p, st.st_mode | stat.S_IROTH | (stat.S_IXOTH if st.st_mode & stat.S_IXUSR else 0))


def reachable_environment(base: Path) -> Path:
    """``base/env``: a venv every user can run, with this venv's packages and the toolkit from ``base/src``.

    Returns the venv's ``bin/python``. ``base/src`` holds ``toolkit/``,
    ``notebooks/teaching/`` and ``deploy/jupyterhub/`` as in the checkout.
    """
    env, src = base / "env", base / "src"
    python = _python_for_all()
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(env)], check=True, timeout=120)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    here_site = Path(sys.prefix) / "lib" / version / "site-packages"
    site = env / "lib" / version / "site-packages"
    _link_tree(here_site, site)
    for extra in ("share", "etc"):
        if (Path(sys.prefix) / extra).is_dir():
            _link_tree(Path(sys.prefix) / extra, env / extra)
    for p in site.glob("__editable__*summit_ledger*"):
        p.unlink()
    (site / "summit_ledger_src.pth").write_text(f"{src}\n")
    for part in ("toolkit", "notebooks/teaching", "deploy/jupyterhub"):
        shutil.copytree(REPO / part, src / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for folder, _dirs, _files in os.walk(src):
        os.chmod(folder, 0o755)
    # the scripts (jupyterhub, jupyterhub-singleuser, summit-ledger, ...) with this environment's Python
    old = f"#!{Path(sys.prefix) / 'bin'}/python"
    for script in (Path(sys.prefix) / "bin").iterdir():
        target = env / "bin" / script.name
        if target.exists() or script.is_symlink() or not script.is_file():
            continue
        head = script.read_bytes()[:200]
        if not head.startswith(old.encode()):
            continue
        text = script.read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        target.write_text(f"#!{env / 'bin' / 'python'}\n{rest}", encoding="utf-8")
        os.chmod(target, 0o755)
    for folder, _dirs, _files in os.walk(env / "bin"):
        os.chmod(folder, 0o755)
    return env / "bin" / "python"
