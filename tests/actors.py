"""Actors for tests: who acts is an argument of every service that changes data.

``OWNER`` / ``MANAGER`` / ``CASHIER`` are actors without a staff row (like the
command line's): enough for a service test that only needs a role. ``staff_team``
makes real staff rows (PINs below) and returns their signed-in actors, for tests
of approvals, sign-in and what the audit log records.
"""

from __future__ import annotations

from tui_pos.services import staff
from tui_pos.services.actors import Actor, cli_actor

OWNER = Actor(staff_id=None, name="test owner", role="owner", terminal="test-till")
MANAGER = Actor(staff_id=None, name="test manager", role="manager", terminal="test-till")
CASHIER = Actor(staff_id=None, name="test cashier", role="cashier", terminal="test-till")

PINS = {"Olga": "2468", "Mona": "1357", "Cas": "9753", "Chris": "8642"}
ROLES = {"Olga": "owner", "Mona": "manager", "Cas": "cashier", "Chris": "cashier"}


def staff_team(terminal: str = "till-1") -> dict[str, Actor]:
    """Olga (owner), Mona (manager), Cas and Chris (cashiers), in the open database."""
    system = cli_actor("test")
    actors = {}
    for name, role in ROLES.items():
        row = staff.save_staff(system, name, role, PINS[name])
        actors[name] = staff.actor_for(row, terminal)
    return actors
