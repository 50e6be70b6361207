"""``summit-ledger class ACTION CLASS_DIR ASSIGNMENT ...``: run a class's assignments on one server.

Actions: create, assign, practice, open, close, collect, release, grade, status.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = (
    "run a class: create an assignment (the answer key is withheld), assign articles or outlets to groups, "
    "set a practice passage, open, close, collect every student's log, release the key, export grades"
)
#: Each action takes --project itself (see add_arguments), so the CLI adds none to ``class``.
NO_PROJECT = True


def _weights(text: str) -> dict[str, float]:
    from toolkit.classroom.course import check_weights
    from toolkit.errors import DataError

    out: dict[str, object] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"{part!r}: write NAME=WEIGHT, e.g. span_f1=0.5,agreement=0.3,coverage=0.2")
        out[name.strip()] = value.strip()
    try:
        return check_weights(out, where="--weights")
    except DataError as exc:
        raise argparse.ArgumentTypeError(exc.problems[0].message) from None


def _sentences(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write FIRST-LAST, e.g. 2-4") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.add_argument("class_dir", metavar="CLASS_DIR", help="the class folder shared on the server")
        p.add_argument("assignment", metavar="ASSIGNMENT", help="assignment name (lower-case letters, digits, - or _)")
        p.add_argument(
            "--project",
            "--data",
            dest="project",
            metavar="DIR",
            default=None,
            help="the instructor's project (default: discovered as for every command)",
        )
        return p

    p = action("create", "create an assignment from articles of the project; its key is withheld from students")
    p.add_argument("--articles", nargs="+", required=True, metavar="DOC_ID", help="document ids to code")
    p.add_argument("--reference", default="reference", help="the key: set name, folder or .jsonl (default reference)")
    p.add_argument("--title", default=None)
    p.add_argument("--deadline", default=None, help="ISO date-time (UTC unless given); the key is released after it")
    p.add_argument(
        "--weights", type=_weights, default=None, help="rubric weights, e.g. span_f1=0.5,agreement=0.3,coverage=0.2 (the default)"
    )
    p.add_argument("--suggestions", action="store_true", help="offer keyword suggestions of the issue (off by default)")
    p = action("assign", "give a group of students their own articles (by id or by outlet)")
    p.add_argument("--group", required=True)
    p.add_argument("--students", nargs="+", required=True, metavar="NAME")
    p.add_argument("--articles", nargs="*", default=[], metavar="DOC_ID")
    p.add_argument("--outlets", nargs="*", default=[], metavar="TEXT", help="articles whose source mentions TEXT")
    p = action("practice", "use a passage of a real article as the calibration round (immediate feedback, never graded)")
    p.add_argument("--document", required=True, metavar="DOC_ID")
    p.add_argument("--sentences", type=_sentences, required=True, metavar="FIRST-LAST", help="1-based, inclusive")
    action("open", "let students save")
    action("close", "stop students saving")
    p = action("collect", "read every student's log, copy them to collected/ASSIGNMENT/, print each file's status")
    p = action("release", "release the answer key (or only feedback) after the deadline, or now with --now")
    p.add_argument("--what", choices=["key", "feedback"], default="key")
    p.add_argument("--now", action="store_true", help="release before the deadline (on demand)")
    p = action("grade", "score every student with the rubric and write the LMS CSV")
    p.add_argument("--out", required=True, metavar="CSV", help="the grades CSV (formula-safe cells)")
    p.add_argument(
        "--roster",
        metavar="FILE",
        default=None,
        help="one student user name a line: each gets a row, also those who never logged in",
    )
    p.add_argument(
        "--confusion",
        metavar="CSV",
        default=None,
        help="also write every student's actor and direction confusion table (long form)",
    )
    action("status", "print the assignment: state, deadline, release, groups, students who saved")


def run(args: argparse.Namespace) -> int:
    # grading and its tables are imported by the one action that grades: the others start without pandas
    from toolkit.classroom import instructor
    from toolkit.classroom.course import ClassFolder, read_roster

    course = ClassFolder(Path(args.class_dir))
    aid = args.assignment
    if args.action == "create":
        a = instructor.create_assignment(
            course,
            aid,
            args.articles,
            data=args.project,
            reference=args.reference,
            title=args.title,
            deadline=args.deadline,
            weights=args.weights,
            suggestions=args.suggestions,
        )
        print(
            f"created {a.id!r} with {len(a.articles)} article(s); key withheld in {course.key_dir(aid)}; "
            f"students' project: {course.project}"
        )
    elif args.action == "assign":
        a = instructor.assign(course, aid, args.group, args.students, articles=args.articles, outlets=args.outlets)
        g = a.groups[args.group]
        print(f"group {args.group!r}: {', '.join(g.members)} code {', '.join(g.articles)}")
    elif args.action == "practice":
        a = instructor.set_practice(course, aid, args.document, *args.sentences)
        p = a.practice
        if p is None:  # set_practice always sets it
            raise ValueError("no practice passage was set")
        print(f"practice: {p.document} characters {p.start}-{p.end}")
    elif args.action in ("open", "close"):
        a = course.set_state(aid, "open" if args.action == "open" else "closed")
        print(f"{a.id}: {a.state}")
    elif args.action == "collect":
        files = instructor.collect(course, aid)
        print(files.status_frame().to_string(index=False) if files.files else "no student has saved yet")
        print(f"{len(files.annotators)} student log(s) copied to {course.collected_dir(aid)}")
    elif args.action == "release":
        a = instructor.release(course, aid, args.what, now=args.now)
        print(f"{a.id}: {a.release} released at {a.released_at}")
    elif args.action == "grade":
        from toolkit.classroom import grading
        from toolkit.classroom.export import write_csv
        from toolkit.classroom.intake import collect

        a = course.load(aid)
        files, taken = collect(course, aid)
        key = instructor.reference_for(course, aid, released=False)
        roster = set(taken.folders) | {m for g in a.groups.values() for m in g.members}
        if args.roster:
            roster |= set(read_roster(args.roster))
        table = grading.grade_table(files, key, a, taken.checks, roster=sorted(roster), notes=taken.student_notes())
        write_csv(table, args.out)
        if args.confusion:
            write_csv(grading.confusion_long(files, key, a), args.confusion)
        for f in files.files:
            if f.status not in ("ok",):
                print(f"warning: {f.path}: {f.status}: {f.message}", file=sys.stderr)
        print(f"{len(table)} student(s) graded -> {args.out}")
    else:
        a = course.load(aid)
        work = course.work_dir(aid)
        saved = sorted(p.name for p in work.iterdir() if (p / f"{p.name}.jsonl").exists()) if work.exists() else []
        print(
            f"{a.id}: {a.title}\nstate: {a.state}\ndeadline: {a.deadline or '-'}\nrelease: {a.release}"
            f"{' at ' + a.released_at if a.released_at else ''}\nsuggestions: {'on' if a.suggestions else 'off'}\n"
            f"articles: {', '.join(a.articles)}\npractice: {'yes' if a.practice else 'no'}"
        )
        for name, g in a.groups.items():
            print(f"group {name}: {', '.join(g.members)} -> {', '.join(g.articles)}")
        print(f"students who saved: {len(saved)}")
    return 0
