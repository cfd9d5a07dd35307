"""The project's own error for bad input, below every layer.

Parsers of money and numbers (``tui_pos.money``) raise it as well as the
services, so it lives here, beneath both; ``tui_pos.services.errors`` is
where the services and screens import it from.
"""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input: ``field`` names where it was typed, ``message`` says what is wrong."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ValidationError):
    """Something the input names does not exist."""


class NeedsApproval(ValidationError):
    """The actor's role is too low for ``action``: someone with ``role`` (or above)
    must approve it. A screen answers with a manager-PIN pop-up and tries again
    with the approver recorded (``Actor.approved_by``)."""

    def __init__(self, action: str, role: str = "manager"):
        super().__init__(f"{action}: needs a {role}'s approval")
        self.action = action
        self.role = role


class NotAllowed(ValidationError):
    """Refused outright, whoever approves (e.g. the last owner demoted)."""
