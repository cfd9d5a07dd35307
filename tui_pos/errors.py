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
