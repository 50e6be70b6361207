"""A class on a real JupyterHub with real system accounts, end to end, in headless Chromium.

The test (as root, as CI runs) creates an instructors' group, an instructor
and three students with ``useradd``, and removes them afterwards, also after a
failure. The hub logs them in with PAM and starts each server with the local
process spawner as that user, as the guide recommends for graded work; file
permissions are the boundary. The instructor runs every ``summit-ledger
class`` command as their own account, from their project folder, exactly as
``docs/teaching.md`` writes it (checked below). Two students log in in two
browser contexts of one Chromium, code the practice passage and the article
and link an event; the third, hostile, student attacks the class from their
own kernel and files. The instructor closes, collects, grades and releases;
each student then sees their own feedback.

The students' annotations are SYNTHETIC: passages of the seed article chosen
by the test, coded with the reference's codes; they live in a temporary
class folder and are never written to data/. The timings of each step are
printed (``-s``) for the closing note; they are not asserted.
"""

from __future__ import annotations

import csv
import grp
import json
import os
import pwd
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

pytest.importorskip("jupyterhub")
pytest.importorskip("websocket")
pytest.importorskip("playwright")

from _lab import run_all_cells, wait_for_kernel, wait_until  # noqa: E402
from _steps import Steps  # noqa: E402

from toolkit.classroom import load_reference  # noqa: E402
from toolkit.codebook import load_codebook  # noqa: E402

from .accounts import REPO, accounts_unavailable, make_accounts, new_base, reachable_environment  # noqa: E402
from .conftest import in_ci  # noqa: E402
from .harness import Hub  # noqa: E402

pytestmark = pytest.mark.slow
SEED = "2021-12-07-biden-putin-video-summit"
CHROMIUM = os.environ.get("SUMMIT_LEDGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
# the instructor's commands, as docs/teaching.md writes them (its class folder, roster and the seed article)
GUIDE_CLASS, GUIDE_ROSTER = "/srv/summit-class", "/srv/summit-roster.txt"
CREATE = f"summit-ledger class create {GUIDE_CLASS} week1 --articles {SEED} --deadline 2030-06-01T17:00Z"
PRACTICE = f"summit-ledger class practice {GUIDE_CLASS} week1 --document {SEED} --sentences 2-4"
OPEN = f"summit-ledger class open {GUIDE_CLASS} week1"
CLOSE = f"summit-ledger class close {GUIDE_CLASS} week1"
COLLECT = f"summit-ledger class collect {GUIDE_CLASS} week1"
GRADE = f"summit-ledger class grade {GUIDE_CLASS} week1 --out grades.csv --roster {GUIDE_ROSTER}"
RELEASE = f"summit-ledger class release {GUIDE_CLASS} week1 --now"
COMMANDS = [CREATE, PRACTICE, OPEN, CLOSE, COLLECT, GRADE, RELEASE]


@pytest.fixture
def machine():
    """Accounts, an environment they can run, a class folder; all removed afterwards."""
    reason = accounts_unavailable()
    if reason:
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        (pytest.fail if in_ci() else pytest.skip)(f"Chromium not found at {CHROMIUM}")
    base = new_base()
    accounts = None
    try:
        python = reachable_environment(base)
        accounts = make_accounts(base / "homes", 3)
        yield base, python, accounts
    finally:
        left = accounts.remove() if accounts else []
        shutil.rmtree(base, ignore_errors=True)
        for name in accounts.users if accounts else []:
            with pytest.raises(KeyError):
                pwd.getpwnam(name)
        assert not left, left


# Runs in the hostile student's own kernel: every attack, each one line of JSON {attack: [held, detail]}.
HOSTILE = r"""
import errno, json, os, stat
from pathlib import Path
C = Path(os.environ["SUMMIT_LEDGER_CLASS"])
me = os.environ["JUPYTERHUB_USER"]
mine = C / "work" / "week1" / me
out = {}
def tried(name, fn):
    try:
        detail = fn()
        out[name] = [False, str(detail)[:80]]
    except OSError as exc:
        out[name] = [True, errno.errorcode.get(exc.errno, str(exc.errno))]
key = C / "assignments" / "week1" / "key" / "reference.jsonl"
tried("read the key", lambda: key.read_bytes())
tried("list the key folder", lambda: os.listdir(key.parent))
tried("read a classmate's log", lambda: (C / "work" / "week1" / OTHER / f"{OTHER}.jsonl").read_bytes())
tried("list a classmate's folder", lambda: os.listdir(C / "work" / "week1" / OTHER))
tried("write into a classmate's folder", lambda: (C / "work" / "week1" / OTHER / "x.jsonl").write_text("x"))
tried("write beside the students' folders", lambda: (C / "work" / "week1" / "evil").mkdir())
tried("write into the assignment", lambda: (C / "assignments" / "week1" / "assignment.yaml").write_text("state: open"))
tried("write into the students' project", lambda: (C / "project" / "x.txt").write_text("x"))
tried("read a classmate's home", lambda: os.listdir(Path.home().parent / OTHER))
tried("become root", lambda: os.setuid(0))
out["kernel runs as"] = [os.getuid() != 0 and os.getuid() == os.stat(mine).st_uid, str(os.getuid())]
out["no key file in the students' project"] = [
    not any(p.is_file() and p.suffix == ".jsonl" for p in (C / "project").rglob("*")), "project scanned"]
# the files a student controls: links, FIFOs, a device, bad names and bytes
os.symlink(key, mine / f"{me}.jsonl")
os.mkfifo(mine / ".checks.jsonl")
os.symlink("/etc/shadow", mine / f"{OTHER}.jsonl")
os.symlink("/dev/zero", mine / "zero.jsonl")
(mine / os.fsdecode(b"bad\xffname.jsonl")).write_bytes(b"\xff\xfe not utf-8\n")
print(json.dumps(out))
"""

# After the release, in a student's own kernel: still no classmate's files, and the released key is readable.
AFTER = r"""
import json, os
from pathlib import Path
C = Path(os.environ["SUMMIT_LEDGER_CLASS"])
out = {}
for label, path in [("a classmate's log", C / "work" / "week1" / OTHER / f"{OTHER}.jsonl"),
                    ("the collected copies", C / "collected" / "week1" / f"{OTHER}.jsonl"),
                    ("the grades", C / "collected" / "week1" / "status.csv")]:
    try:
        path.read_bytes()
        out[label] = False
    except OSError:
        out[label] = True
out["released key readable"] = (C / "assignments" / "week1" / "released" / "reference.jsonl").exists()
print(json.dumps(out))
"""


# The exercise's first steps in a fresh kernel of a student, after the close and the release.
FRESH = """
from toolkit.classroom.student import StudentWork
work = StudentWork.from_environment()
print(work.assignment_id, work.assignment.state)
print(work.check(pressed=False).to_text())
"""


def select_text(page, widget: int, start: int, end: int) -> None:
    """Drag the mouse over characters ``start``..``end`` of annotator number ``widget`` on the page."""
    locate = """([w, a, b, scroll]) => {
        const box = document.querySelectorAll('.sl-annotator')[w].querySelector('.sl-text');
        function range(off) {
            const runs = [...box.querySelectorAll('.sl-run')];
            const run = runs.filter(r => Number(r.dataset.start) <= off).pop();
            const r = document.createRange();
            r.setStart(run.firstChild, off - Number(run.dataset.start));
            r.setEnd(run.firstChild, off - Number(run.dataset.start) + 1);
            return r;
        }
        function point(off, frac) {
            const rs = range(off).getClientRects(); const q = rs[rs.length - 1];
            return {x: q.left + q.width * frac, y: q.top + q.height / 2};
        }
        if (scroll) {
            box.scrollIntoView({block: 'start'});
            const top = range(a).getBoundingClientRect().top, frame = box.getBoundingClientRect();
            box.scrollTop += top - frame.top - 40;
            return null;
        }
        return [point(a, 0.25), point(b - 1, 0.75)];
    }"""
    page.evaluate(locate, [widget, start, end, True])
    page.wait_for_timeout(200)
    a, b = page.evaluate(locate, [widget, start, end, False])
    page.mouse.move(a["x"], a["y"])
    page.mouse.down()
    page.mouse.move((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2, steps=4)
    page.mouse.move(b["x"], b["y"], steps=4)
    page.mouse.up()
    try:
        wait_until(
            page,
            "(w) => document.querySelectorAll('.sl-annotator')[w].querySelector('.sl-selection').textContent.startsWith('Selected')",
            arg=widget,
            timeout=30_000,
        )
    except Exception as exc:
        page.screenshot(path="/tmp/journey-select.png")
        shown = page.evaluate(
            "(w) => [...document.querySelectorAll('.sl-annotator')[w].querySelectorAll('.sl-selection, .sl-message')]"
            ".map(e => e.textContent)",
            widget,
        )
        raise AssertionError(f"no selection after the drag in annotator {widget}; it shows {shown!r}") from exc


def toggle(root, group: str, label: str) -> None:
    button = root.locator(f".{group} button:has-text('{label}')").first
    active = root.locator(f".{group} button.mod-active:has-text('{label}')")
    for _ in range(3):
        if active.count():
            return
        button.click()
        try:
            active.first.wait_for(timeout=15_000)
            return
        except Exception:  # noqa: BLE001 - a slow first click: try again
            continue
    raise AssertionError(f"{group} {label!r} never became active")


def code(page, widget: int, record: dict, codebook, *, issue: bool = True) -> None:
    """Select ``record``'s passage in annotator ``widget`` and choose its codes (not saved yet)."""
    root = page.locator(".sl-annotator").nth(widget)
    select_text(page, widget, record["start"], record["end"])
    toggle(root, "sl-stance", codebook.stance_labels.get(record["stance"], record["stance"]))
    if issue:
        toggle(root, "sl-issue", codebook.issues[record["issue"]].label)
    for field in ("actor", "target"):
        a = codebook.actors[record[field]]
        root.locator(f".sl-{field} select").select_option(label=f"{a.label} ({a.id})")
    toggle(root, "sl-intensity", f"{record['intensity']} ")


def shown(root) -> list[str]:
    return [m.text_content() or "" for m in root.locator(".sl-message, .sl-selection, .sl-ready").all()]


def save(page, widget: int) -> None:
    """Press Save once the kernel's draft is complete; one press is enough: wait for "Saved".

    The project's Lab setting keeps widget messages in the order the page sent them
    (deploy/jupyterlab/README.md); without it, the press could be handled before the
    codes chosen just before it, or a late selection could clear them.
    """
    root = page.locator(".sl-annotator").nth(widget)
    root.locator(".sl-ready .sl-ready-yes").wait_for(timeout=30_000)
    root.locator("button.sl-save").click()
    try:
        root.locator(".sl-message-save:has-text('Saved')").wait_for(timeout=60_000)
    except Exception as exc:
        page.screenshot(path="/tmp/journey-save.png")
        raise AssertionError(f"one press of Save did not save; annotator {widget} shows {shown(root)!r}") from exc


def link_event(page, root, label: str) -> None:
    """Pick ``label`` in the event menu until the kernel has linked it (its codes fill the draft).

    The widget redraws the menu from the kernel's draft; a pick that reaches
    the kernel during a redraw is overwritten, so it is made again.
    """
    menu = root.locator(".sl-event select")
    for _ in range(6):
        page.wait_for_timeout(1000)  # let the redraws of the new selection settle
        menu.select_option(label=label)
        try:
            root.locator(".sl-stance button.mod-active").wait_for(timeout=5_000)
            return
        except Exception:  # noqa: BLE001
            menu.select_option(index=0)
    raise AssertionError(f"the event {label!r} was never linked; the annotator shows {shown(root)!r}")


def hub_login(page, url: str, name: str, password: str) -> None:
    page.goto(f"{url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")


def open_lab(page, url: str, name: str, notebook: str, timeout: float = 120_000) -> None:
    """Wait until the user's Lab shows ``notebook`` with its kernel idle (the hub's default page).

    Lab's routine dialogs (which kernel to start; a kernel being restarted) are answered as a person would.
    """
    page.wait_for_url(f"**/user/{name}/lab/tree/{notebook}*", timeout=timeout)
    page.wait_for_selector(".jp-Notebook", timeout=timeout)
    wait_for_kernel(page, timeout, where=f"{name}'s {notebook}")


def run_all(page, timeout: float = 180_000) -> None:
    run_all_cells(page, timeout=timeout)


def press(page, button: str, result: str, expect: str) -> str:
    page.click(button)
    wait_until(
        page,
        "([sel, e]) => { const x = document.querySelector(sel); return x && x.innerText.includes(e); }",
        arg=[result, expect],
        timeout=90_000,
    )
    return page.inner_text(result)


def test_a_class_on_a_hub_with_real_accounts(machine, proxy, tmp_path_factory, playwright_driver):
    base, python, accounts = machine
    steps = Steps(tmp_path_factory, "hub class journey")
    teacher, (alice, bob, mallory) = accounts.instructor, accounts.students
    absent = "slabsent" + accounts.group[-6:]  # on the roster, never logged in (no account)
    bin_dir = python.parent
    klass, roster = base / "class", base / "roster.txt"
    t = pwd.getpwnam(teacher)
    project = Path(t.pw_dir) / "summit-project"
    with steps("set-up: accounts, class folder, the instructor's project"):
        klass.mkdir()
        os.chown(klass, t.pw_uid, t.pw_gid)
        shutil.copytree(REPO / "data", project, ignore=shutil.ignore_patterns("workspace", "*.lock"))
        for folder, _dirs, files in os.walk(project):
            os.chown(folder, t.pw_uid, t.pw_gid)
            for f in files:
                os.chown(os.path.join(folder, f), t.pw_uid, t.pw_gid)
        roster.write_text("\n".join([alice, bob, mallory, absent]) + "\n")

    def teach(command: str) -> subprocess.CompletedProcess:
        """Run a guide command as the instructor's account, from their project folder."""
        argv = shlex.split(command.replace(GUIDE_CLASS, str(klass)).replace(GUIDE_ROSTER, str(roster)))
        assert argv[0] == "summit-ledger"
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": t.pw_dir, "LANG": "C.UTF-8"}
        done = subprocess.run(
            [shutil.which("runuser") or "runuser", "-u", teacher, "--", str(bin_dir / "summit-ledger"), *argv[1:]],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        return done

    with steps("instructor: create, practice, open"):
        teach(CREATE)
        teach(PRACTICE)
        teach(OPEN)
    key = klass / "assignments" / "week1" / "key"
    assert key.stat().st_uid == t.pw_uid and key.stat().st_mode & 0o077 == 0
    codebook = load_codebook(project / "codebook.yaml")
    reference = sorted(load_reference("reference", data=REPO / "data"), key=lambda r: r["start"])
    practice_key = [
        json.loads(x) for x in (klass / "assignments" / "week1" / "practice" / "reference.jsonl").read_text().splitlines()
    ]
    practice = yaml.safe_load((klass / "assignments" / "week1" / "assignment.yaml").read_text())["practice"]
    graded = [r for r in reference if r["end"] <= practice["start"] or r["start"] >= practice["end"]]

    with steps("hub: start (PAM login, a server per user)"):
        (base / "hub").mkdir()
        hub = Hub(
            base / "hub",
            klass,
            [alice, bob, mallory, absent],
            [teacher],
            proxy,
            auth="pam",
            python=python,
            config=base / "src" / "deploy" / "jupyterhub" / "jupyterhub_config.py",
            passwords=accounts.passwords,
            env_extra={"SUMMIT_LEDGER_INSTRUCTOR_GROUP": accounts.group},
        )
    browser = None
    try:  # from here on the hub is stopped whatever fails, the browser's start included
        browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        assert hub.login(alice, "not-the-password").login_status != 302
        contexts = {n: browser.new_context(viewport={"width": 1400, "height": 1000}) for n in (alice, bob, teacher)}
        pages = {n: ctx.new_page() for n, ctx in contexts.items()}
        errors: dict[str, list[str]] = {n: [] for n in pages}
        for n, p in pages.items():
            p.on("pageerror", lambda exc, n=n: errors[n].append(str(exc)))
        with steps("two students log in (browser) and their Lab opens the exercise"):
            for n in (alice, bob):
                hub_login(pages[n], hub.url, n, accounts.passwords[n])
            for n in (alice, bob):
                open_lab(pages[n], hub.url, n, "student_exercise.ipynb")
        with steps("both run the exercise"):
            for n in (alice, bob):
                run_all(pages[n])
        page = pages[alice]
        with steps("alice: practice passage and its immediate feedback"):
            code(page, 0, practice_key[0], codebook)
            save(page, 0)
            shown = press(page, ".sl-check-practice", ".sl-practice-result", "reference")
            assert "reference" in shown
        with steps("alice: codes two passages and links them to one event"):
            first, second = graded[0], graded[3]
            code(page, 1, first, codebook)
            root = page.locator(".sl-annotator").nth(1)
            root.locator(".sl-event-label input").fill("Synthetic test event")
            root.locator(".sl-event-type select").select_option(index=1)
            root.locator(".sl-event-date input").fill("2021-12-07")
            root.locator(".sl-ready .sl-ready-yes").wait_for(timeout=30_000)
            # the button is on only once the kernel has every value just entered: one press is enough
            root.locator(".sl-event-ready .sl-ready-yes").wait_for(timeout=60_000)
            root.locator("button.sl-event-button").click()
            root.locator(".sl-message-event:has-text('New event')").wait_for(timeout=60_000)
            save(page, 1)
            select_text(page, 1, second["start"], second["end"])
            root.locator(".sl-ready:has-text('Still to choose')").wait_for(timeout=30_000)
            link_event(page, root, "Synthetic test event")
            save(page, 1)
            before = press(page, ".sl-check-my-work", ".sl-check-result", "not released")
            assert "passage(s) coded" in before and "you did not" not in before
        with steps("bob: codes one passage, checks his work"):
            code(pages[bob], 1, graded[1], codebook)
            save(pages[bob], 1)
            press(pages[bob], ".sl-check-my-work", ".sl-check-result", "not released")
        for n in (alice, bob):  # Lab's news toast never covers the page
            assert pages[n].locator(".jp-toast-container :text('news')").count() == 0
        log = [json.loads(x) for x in (klass / "work/week1" / alice / f"{alice}.jsonl").read_text().splitlines()]
        events = [op for op in log if op.get("kind") == "event"]
        mentions = [op for op in log if op.get("op") == "upsert" and op.get("kind", "mention") == "mention"]
        assert len(events) == 1 and len(mentions) == 2 and {m["event_id"] for m in mentions} == {events[0]["id"]}

        with steps("mallory: every attack from her own kernel and files"):
            token = hub.user_token(mallory)
            hub.spawn(mallory)
            hub.wait_ready(mallory)
            kernel = hub.start_kernel(mallory, token)
            attacks = json.loads(hub.execute(mallory, token, kernel, f"OTHER = {alice!r}\n" + HOSTILE).strip().splitlines()[-1])
        print("\nattacks from the hostile student's kernel:")
        for name, (held, detail) in attacks.items():
            print(f"  {name:<45} {'held' if held else 'BROKEN'} ({detail})")
        assert all(held for held, _ in attacks.values()), attacks

        with steps("instructor: close, collect, grade, release"):
            teach(CLOSE)
            collected = teach(COLLECT)
            graded_out = teach(GRADE)
            teach(RELEASE)
        print(collected.stdout, graded_out.stderr)
        assert "2 student log(s) copied" in collected.stdout
        assert "symbolic link" in collected.stdout and "UnicodeError" not in collected.stdout + collected.stderr
        folder = klass / "collected" / "week1"
        assert folder.stat().st_mode & 0o077 == 0 and all(p.stat().st_mode & 0o077 == 0 for p in folder.iterdir())
        assert sorted(p.name for p in folder.glob("*.jsonl")) == sorted([f"{alice}.jsonl", f"{bob}.jsonl"])
        rows = {r["student"]: r for r in csv.DictReader((project / "grades.csv").open(encoding="utf-8"))}
        assert sorted(rows) == sorted([alice, bob, mallory, absent])
        assert "never logged in" in rows[absent]["note"] and "symbolic link" in rows[mallory]["note"]
        assert rows[alice]["checks"] == "1" and rows[bob]["checks"] == "1" and rows[mallory]["checks"] == "0"
        assert float(rows[alice]["score"]) > 0 and rows[alice]["passages"] == "2"

        with steps("after release: each student checks; a fresh kernel finds the assignment"):
            after = press(page, ".sl-check-my-work", ".sl-check-result", "compared with the reference")
            assert alice in after and bob not in after
            shown_bob = press(pages[bob], ".sl-check-my-work", ".sl-check-result", "compared with the reference")
            assert bob in shown_bob and alice not in shown_bob
            # the exercise's first cell, in a fresh kernel after the close: it finds the closed assignment
            token_b = hub.user_token(bob)
            kernel_b = hub.start_kernel(bob, token_b)
            fresh = hub.execute(bob, token_b, kernel_b, FRESH)
            assert "compared with the reference" in fresh and alice not in fresh
            token_a = hub.user_token(alice)
            kernel_a = hub.start_kernel(alice, token_a)
            still = json.loads(hub.execute(alice, token_a, kernel_a, f"OTHER = {bob!r}\n" + AFTER).strip().splitlines()[-1])
            assert still == {
                "a classmate's log": True,
                "the collected copies": True,
                "the grades": True,
                "released key readable": True,
            }

        with steps("the teacher logs in: the instructor notebook is the first page"):
            hub_login(pages[teacher], hub.url, teacher, accounts.passwords[teacher])
            open_lab(pages[teacher], hub.url, teacher, "instructor.ipynb")
            # the notebook's markdown renders after the kernel reports idle: wait for the heading, then look
            heading = pages[teacher].locator(".jp-Notebook .jp-RenderedMarkdown", has_text="Instructor: compare the class")
            heading.first.wait_for(timeout=60_000)
            assert "Could not find path" not in pages[teacher].content()
        for n, errs in errors.items():
            assert errs == [], (n, errs)
    finally:
        if browser is not None:
            browser.close()
        hub.stop()
        print("\njourney steps:\n" + steps.report())
    assert hub.proc.poll() is not None
    guide = (REPO / "docs" / "teaching.md").read_text(encoding="utf-8")
    assert [c for c in COMMANDS if c not in guide] == []  # the guide shows each command exactly as run here
    assert grp.getgrnam(accounts.group).gr_name == accounts.group  # still there until the fixture removes it
