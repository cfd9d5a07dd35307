"""Register sessions per terminal: open with a counted float, paid in/out,
no-sale, X report at any time, Z close counting every tender.

A sale, a return, an account payment at a till, paid in/out and a no-sale need
an open session on the actor's terminal: ``require_open(terminal)`` gives its
id or refuses with a message telling the cashier what to do. The session row
and its CashMovement / RegisterCount rows are the record (no audit entries).
"""

from __future__ import annotations

from tui_pos.db.models import RegisterSession
from tui_pos.services.errors import ValidationError


def current_id(terminal: str) -> int | None:
    """The open session's id on ``terminal``, or None."""
    row = (RegisterSession.select(RegisterSession.id)
           .where(RegisterSession.open_on == terminal).tuples().first())
    return row[0] if row else None


def require_open(terminal: str) -> int:
    """The open session's id on ``terminal``, or a ValidationError (field "register")."""
    session_id = current_id(terminal)
    if session_id is None:
        raise ValidationError(
            f"The register on {terminal or 'this terminal'} is not open — open it with its "
            "float first (Till menu › Open register)", "register")
    return session_id
