"""``summit-ledger lab``: open the project's notebooks in JupyterLab."""

from __future__ import annotations

import argparse
import os
import shutil
import sys

HELP = "open the project's notebooks in JupyterLab (on 127.0.0.1; as root too)"

#: A kernel whose start failed because another program took one of its ports (between the server's pick and the
#: kernel's bind) is restarted on new ports; jupyter_client's default keeps the ports, and every restart fails alike.
#: The class hub's servers, `make lab` and Voila's `make annotate` and `make exercise` run with it too
#: (``deploy/jupyterhub/jupyterhub_config.py``, ``Makefile``).
NEW_PORTS_ON_RESTART = "--KernelManager.cache_ports=False"

#: Where JupyterLab finds the environment's setting overrides, and the project's file there (installed with the
#: wheel, and by `make` into its venv; ``deploy/jupyterlab/README.md``). It turns off Lab's "comms over subshells":
#: with it on, ipykernel 7 handles one widget's messages on the main thread and another's on a subshell thread, so
#: a press of Save can be handled before the passage's codes it follows, and the annotator acts out of order.
LAB_OVERRIDES = ("share", "jupyter", "lab", "settings", "overrides.d", "summit-ledger.json")
LAB_OVERRIDES_SOURCE = "deploy/jupyterlab/summit-ledger.json"  # in the source tree (pyproject.toml's data-files)
IN_ORDER_SETTING = ("@jupyterlab/apputils-extension:kernels-settings", "commsOverSubshells", "disabled")


def widget_order_note() -> str | None:
    """A note when the environment lacks the project's Lab setting (an editable install: pip leaves data files out)."""
    path = os.path.join(sys.prefix, *LAB_OVERRIDES)
    if os.path.isfile(path):
        return None
    return (
        f"note: {path} is missing, so JupyterLab may handle the annotator's clicks out of order. "
        f"Copy {LAB_OVERRIDES_SOURCE} of the source there (make does it for its .venv), "
        "or install the toolkit without -e."
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8888, help="port to listen on (default: 8888, or the next free one)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    parser.add_argument("--print-command", action="store_true", help="print the JupyterLab command and exit")


def lab_command(project_root: os.PathLike | str, *, port: int = 8888, browser: bool = True) -> list[str]:
    """The JupyterLab command line for a project (root needs ``--allow-root``; JupyterLab refuses root without it)."""
    folder = os.path.join(os.fspath(project_root), "notebooks")
    jupyter = shutil.which("jupyter-lab", path=os.path.dirname(sys.executable)) or shutil.which("jupyter-lab")
    cmd = [jupyter or sys.executable, *([] if jupyter else ["-m", "jupyterlab"])]
    cmd += [f"--notebook-dir={folder}", f"--port={port}", "--ServerApp.ip=127.0.0.1", NEW_PORTS_ON_RESTART]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    if not browser:
        cmd.append("--no-browser")
    return cmd


def run(args: argparse.Namespace) -> int:
    import subprocess

    root = args.project.root
    if not (root / "notebooks").is_dir():
        print(
            f"error: {root / 'notebooks'}: no such folder; a project made by `summit-ledger init` has one "
            "(copy the notebooks from a new project made with init)",
            file=sys.stderr,
        )
        return 1
    cmd = lab_command(root, port=args.port, browser=not args.no_browser)
    note = widget_order_note()
    if note:
        print(note, file=sys.stderr)
    if args.print_command:
        print(" ".join(cmd))
        return 0
    print(f"JupyterLab opens the notebooks of {root}; stop it with Ctrl-C (twice), or File > Shut Down.")
    env = {**os.environ, "SUMMIT_LEDGER_PROJECT": str(root)}
    return subprocess.call(cmd, env=env)
