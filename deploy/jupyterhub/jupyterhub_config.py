# JupyterHub configuration for a Summit Ledger class on one machine.
#
# Every setting comes from an environment variable, so the same file serves a lab machine, a department
# server and the automated test (see README.md beside this file):
#
#   SUMMIT_LEDGER_CLASS        the class folder made by `summit-ledger class create` (required)
#   SUMMIT_LEDGER_HUB_AUTH     pam (default: real system accounts), native (NativeAuthenticator sign-up),
#                              or dummy (any user name, one shared password: tests and demos only)
#   SUMMIT_LEDGER_HUB_PASSWORD the shared password for dummy (required with dummy)
#   SUMMIT_LEDGER_ROSTER       text file, one student user name a line (the only students allowed in)
#   SUMMIT_LEDGER_INSTRUCTORS  comma-separated instructor user names (hub admins; may collect and release)
#   SUMMIT_LEDGER_HUB_URL      where the hub listens (default http://127.0.0.1:8000)
#   SUMMIT_LEDGER_HUB_STATE    folder for the hub's database, cookie secret and (dummy) user homes
#   SUMMIT_LEDGER_PROXY        path of configurable-http-proxy (default: found on PATH)
#   SUMMIT_LEDGER_HUB_VIEW     lab (default) or voila: where each student's server opens the exercise
#   SUMMIT_LEDGER_INSTRUCTOR_GROUP  with pam: the system group given read access to student folders
#   SUMMIT_LEDGER_HUB_DEMO     1 to let dummy or native run as root (a demo: every kernel is root and can read the key)
#
# To add settings (a service token, TLS, resource limits), write your own config file that starts with
# load_subconfig('/path/to/this/jupyterhub_config.py') and then sets what you need.
#
# With pam each student's server runs as that student's system account, and their folder in the class is
# created owned by them with mode 2770 and the instructors' group: no other student can read or write it.
# With dummy every server runs as the hub's own account; only the toolkit's check (the logged-in name must
# equal the annotator name) separates students, which is enough for a test or a demo, not for a graded class:
# a student's code can read the key and a classmate's work. Run as root, dummy and native refuse to start unless
# SUMMIT_LEDGER_HUB_DEMO=1 says that this is understood.
import grp
import os
import pwd
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

CLASS = Path(os.environ["SUMMIT_LEDGER_CLASS"]).resolve()
AUTH = os.environ.get("SUMMIT_LEDGER_HUB_AUTH", "pam")
STATE = Path(os.environ.get("SUMMIT_LEDGER_HUB_STATE", "/var/lib/summit-ledger-hub")).resolve()
INSTRUCTORS = {n.strip() for n in os.environ.get("SUMMIT_LEDGER_INSTRUCTORS", "").split(",") if n.strip()}
TEACHING = Path(__file__).resolve().parents[2] / "notebooks" / "teaching"
EXERCISE = TEACHING / "student_exercise.ipynb"
INSTRUCTOR_NOTEBOOK = TEACHING / "instructor.ipynb"
# Lab's "get Jupyter news?" toast covers part of the page: each user's Lab starts with it switched off
LAB_SETTINGS = (".jupyter/lab/user-settings/@jupyterlab/apputils-extension", "notification.jupyterlab-settings")
LAB_SETTINGS_TEXT = '{"fetchNews": "false", "checkForUpdates": false}\n'
STATE.mkdir(parents=True, exist_ok=True)

c.JupyterHub.bind_url = os.environ.get("SUMMIT_LEDGER_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True
if os.environ.get("SUMMIT_LEDGER_PROXY"):
    c.ConfigurableHTTPProxy.command = [os.environ["SUMMIT_LEDGER_PROXY"]]

# --------------------------------------------------------------------------- who may log in
if AUTH != "pam" and os.getuid() == 0 and os.environ.get("SUMMIT_LEDGER_HUB_DEMO") != "1":
    sys.exit(
        f"SUMMIT_LEDGER_HUB_AUTH={AUTH} run as root starts every student's kernel as root, so any student can read "
        "the answer key and classmates' work. For a graded class use pam (real accounts); for a demo set "
        "SUMMIT_LEDGER_HUB_DEMO=1."
    )
if AUTH == "dummy":
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = os.environ["SUMMIT_LEDGER_HUB_PASSWORD"]
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
elif AUTH == "native":
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.JupyterHub.spawner_class = "simple"  # sign-up accounts are not system accounts
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
else:
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.open_sessions = False  # no login session per server (pam_systemd is absent on many servers)
    c.JupyterHub.spawner_class = "localprocess"
roster = os.environ.get("SUMMIT_LEDGER_ROSTER")
if roster:
    c.Authenticator.allowed_users = {line.strip() for line in Path(roster).read_text().splitlines() if line.strip()}
c.Authenticator.admin_users = INSTRUCTORS

# --------------------------------------------------------------------------- each student's server
# The single-user server of the Python running the hub, so it has the toolkit installed.
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
# lab: the exercise in JupyterLab (code visible); voila: the same notebook as a page with no code
VIEW = os.environ.get("SUMMIT_LEDGER_HUB_VIEW", "lab")
c.Spawner.default_url = "/voila/render/student_exercise.ipynb" if VIEW == "voila" else "/lab/tree/student_exercise.ipynb"
# no Jupyter news fetched, so Lab's news toast has nothing to show (the user setting below switches its prompt off).
# Each kernel's ports are chosen afresh at each start: a server picks free ports, and the kernel binds them a moment
# later; when a class starts its kernels at once, another program can take one in between and the kernel dies. Its
# server restarts it with new ports only if the ports were not kept for the kernel (jupyter_client keeps them by
# default, so all five restarts fail on the same port and the student's kernel stays dead).
c.Spawner.args = ["--LabApp.news_url=None", "--KernelManager.cache_ports=False"]
if AUTH != "pam" and os.getuid() == 0:
    # dummy and native run every server as the hub's account; Jupyter refuses root unless told
    c.Spawner.args = [*c.Spawner.args, "--allow-root"]
c.Spawner.environment = {"SUMMIT_LEDGER_CLASS": str(CLASS), "SUMMIT_LEDGER_DATA": str(CLASS / "project")}


def _open_assignments():
    import yaml

    for f in sorted((CLASS / "assignments").glob("*/assignment.yaml")):
        if (yaml.safe_load(f.read_text()) or {}).get("state") == "open":
            yield f.parent.name


def _give(path, uid, gid=-1):
    if uid is not None:
        os.chown(path, uid, gid)


def _home_file(home, uid, parts, write):
    """Create ``home/parts`` (folders too) if missing, owned by the user."""
    target = home.joinpath(*parts)
    if target.exists() or target.is_symlink():
        return
    folder = target.parent
    missing = [p for p in [folder, *folder.parents] if not p.exists() and p.is_relative_to(home)]
    folder.mkdir(parents=True, exist_ok=True)
    for p in missing:
        _give(p, uid)
    write(target)
    _give(target, uid)


def prepare_student(spawner):
    """Before a server starts: the user's first page, the student's folder in each open assignment, the role."""
    from toolkit.classroom.course import ClassFolder, copy_notebook_without_outputs
    from toolkit.records import check_annotator

    name = spawner.user.name
    uid = pwd.getpwnam(name).pw_uid if AUTH == "pam" else None
    home = Path(getattr(spawner, "home_dir", "") or pwd.getpwnam(name).pw_dir)
    home.mkdir(parents=True, exist_ok=True)
    _home_file(home, uid, LAB_SETTINGS, lambda p: p.write_text(LAB_SETTINGS_TEXT))
    if name in INSTRUCTORS:
        spawner.environment["SUMMIT_LEDGER_ROLE"] = "instructor"
        if INSTRUCTOR_NOTEBOOK.exists():  # the teacher's first page: the instructor notebook, in their home
            _home_file(home, uid, (INSTRUCTOR_NOTEBOOK.name,), lambda p: copy_notebook_without_outputs(INSTRUCTOR_NOTEBOOK, p))
            spawner.default_url = f"/lab/tree/{INSTRUCTOR_NOTEBOOK.name}"
        return
    if msg := check_annotator(name):
        raise ValueError(f"user {name!r} cannot take part in the class: {msg}")
    course = ClassFolder(CLASS)
    gid = None
    if AUTH == "pam":
        gid = grp.getgrnam(os.environ.get("SUMMIT_LEDGER_INSTRUCTOR_GROUP", "summit-instructors")).gr_gid
    for aid in _open_assignments():
        course.prepare_student(aid, name, uid=uid, gid=gid)
    if EXERCISE.exists():  # the stored outputs quote the shipped reference: the student's copy has none
        _home_file(home, uid, (EXERCISE.name,), lambda p: copy_notebook_without_outputs(EXERCISE, p))


c.Spawner.pre_spawn_hook = prepare_student
