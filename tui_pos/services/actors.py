"""Who acts: one value handed to every service that changes data.

An ``Actor`` is never read from a global: screens pass the signed-in staff
member's, the command line passes ``cli_actor()``. ``require`` is the one
place a role is checked; a service calls it inside its transaction, before
it writes, and records the approver (if any) in its audit entry.
"""

from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass, replace

from tui_pos.errors import NeedsApproval, NotAllowed

ROLES = ("cashier", "manager", "owner")  # each includes the rights of those before it
TERMINAL_LENGTH = 60


def rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else -1


@dataclass(frozen=True)
class Approver:
    staff_id: int
    name: str
    role: str


@dataclass(frozen=True)
class Actor:
    """The person (or the command line) doing something, where, and who approved it.

    ``staff_id`` is None for the command line's system actor ("cli:<os user>").
    """

    staff_id: int | None
    name: str
    role: str
    terminal: str = ""
    approver: Approver | None = None

    @property
    def is_system(self) -> bool:
        return self.staff_id is None

    def may(self, role: str) -> bool:
        """True when this actor, or its approver, holds ``role`` or above."""
        if rank(self.role) >= rank(role):
            return True
        return self.approver is not None and rank(self.approver.role) >= rank(role)

    def approved_by(self, approver: Approver) -> "Actor":
        """This actor with ``approver`` recorded (checked by ``staff.approve``)."""
        return replace(self, approver=approver)

    def unapproved(self) -> "Actor":
        return replace(self, approver=None)

    @property
    def approver_name(self) -> str:
        return self.approver.name if self.approver else ""


def require(actor: Actor, role: str, action: str) -> None:
    """Raise ``NeedsApproval(action, role)`` unless ``actor`` (or its approver) may."""
    if not isinstance(actor, Actor):
        raise NotAllowed(f"{action}: nobody is signed in")
    if not actor.may(role):
        raise NeedsApproval(action, role)


def terminal_name(given: str | None = None) -> str:
    """``--terminal NAME``, else ``TUI_POS_TERMINAL``, else the host name; printable, cut."""
    name = given or os.environ.get("TUI_POS_TERMINAL") or socket.gethostname() or "till"
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name or "till")[:TERMINAL_LENGTH]


def cli_actor(terminal: str | None = None) -> Actor:
    """The command line acts as ``cli:<os user>`` with the owner's rights: whoever can
    run it can read and write the database file anyway (the docs say so)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    name = "".join(ch for ch in f"cli:{user}" if ch.isprintable())[:60]
    return Actor(staff_id=None, name=name, role="owner", terminal=terminal_name(terminal))
