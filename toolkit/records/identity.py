"""Who is writing: the JupyterHub identity, and the guard that keeps each student to their own file.

On a JupyterHub each single-user server runs with ``JUPYTERHUB_USER`` set to
the logged-in user's name. :func:`hub_user` reads it; :func:`hub_annotator`
turns it into the annotator name the student's file is saved under; and
:func:`check_writer`, called by :class:`toolkit.store.Store` before every
write, refuses to write records under any other name while running under a
hub. The instructor's server is marked with ``SUMMIT_LEDGER_ROLE=instructor``
(the hub configuration sets it for admin users) and is not restricted.

This guard keeps honest mistakes out (a student typing a classmate's name);
the boundary a determined student cannot cross is the operating system's:
with real user accounts each student's folder is owned by that student with
mode 0700 (see ``deploy/jupyterhub/``).
"""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.errors import StoreError
from toolkit.records.annotation import check_annotator

__all__ = ["HUB_USER_ENV", "ROLE_ENV", "IdentityError", "hub_user", "hub_annotator", "is_instructor", "check_writer"]

HUB_USER_ENV = "JUPYTERHUB_USER"
ROLE_ENV = "SUMMIT_LEDGER_ROLE"


class IdentityError(StoreError):
    """A write under a name that is not the logged-in hub user's.

    Attributes
    ----------
    hub_user : str
        The name the hub logged in.
    annotator : str or None
        The name the write was for.
    """

    def __init__(self, message: str, *, hub_user: str, annotator: str | None) -> None:
        super().__init__(message)
        self.hub_user = hub_user
        self.annotator = annotator


def hub_user() -> str | None:
    """The JupyterHub user this process serves (``JUPYTERHUB_USER``), or None outside a hub."""
    name = os.environ.get(HUB_USER_ENV, "").strip()
    return name or None


def is_instructor() -> bool:
    """True when the hub marked this server as the instructor's (``SUMMIT_LEDGER_ROLE=instructor``)."""
    return os.environ.get(ROLE_ENV, "").strip().lower() == "instructor"


def hub_annotator() -> str | None:
    """The annotator name to save under on a hub: the hub user name; None outside a hub.

    Raises
    ------
    IdentityError
        If the hub name cannot be an annotator name (it becomes a file name);
        the instructor must choose user names that can.
    """
    user = hub_user()
    if user is None:
        return None
    if msg := check_annotator(user):
        raise IdentityError(
            f"your hub user name cannot be used to save your work ({msg}); ask your instructor "
            "for an account name made of letters, digits, '-' or '_'",
            hub_user=user,
            annotator=user,
        )
    return user


def check_writer(annotator: object, path: str | Path | None = None) -> None:
    """Refuse a write under ``annotator`` when a hub student is logged in under another name.

    Does nothing outside a hub or for the instructor's server.

    Raises
    ------
    IdentityError
        Naming the file, the name the write was for and the hub user.
    """
    user = hub_user()
    if user is None or is_instructor():
        return
    if annotator != user:
        where = f"{path}: " if path is not None else ""
        raise IdentityError(
            f"{where}you are logged in as {user!r}, so you can only save your own work "
            f"({user}.jsonl), not annotations under {annotator!r}; nothing was written",
            hub_user=user,
            annotator=annotator if isinstance(annotator, str) else None,
        )
