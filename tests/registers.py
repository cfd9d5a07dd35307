"""Open registers for tests: a sale needs an open register session on its terminal.

``open_registers()`` opens one (float 100.00) on each terminal the tests sell
from — ``tests.actors``' "test-till", ``staff_team``'s "till-1" and "till-2",
and this machine's own name (a signed-in Pilot app's, ``terminal_name()``) — in
the open database; a terminal already open is left as it is. tests/conftest.py's
``db`` and tests/ui/conftest.py's ``store`` call it.
"""

from __future__ import annotations

from decimal import Decimal

from tui_pos.services import register
from tui_pos.services.actors import Actor, terminal_name

TEST_TERMINALS = ("test-till", "till-1", "till-2")
FLOAT = Decimal("100.00")


def open_register(terminal: str, float_amount: str | Decimal = FLOAT) -> int:
    """The open session's id on ``terminal``, opening it first if need be."""
    session_id = register.current_id(terminal)
    if session_id is None:
        opener = Actor(staff_id=None, name="test opener", role="cashier", terminal=terminal)
        session_id = register.open_register(opener, float_amount).id
    return session_id


def open_registers(terminals=None) -> dict[str, int]:
    """Open the tests' terminals' registers (``TEST_TERMINALS`` and this machine's)."""
    if terminals is None:
        terminals = dict.fromkeys((*TEST_TERMINALS, terminal_name()))
    return {terminal: open_register(terminal) for terminal in terminals}
