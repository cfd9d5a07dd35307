"""Errors the services raise for a person to read."""

from __future__ import annotations

from tui_pos.errors import NotFound, ValidationError

__all__ = ["NotFound", "ValidationError", "as_field", "check"]


def check(condition: bool, message: str, field: str | None = None) -> None:
    if not condition:
        raise ValidationError(message, field)


def as_field(field: str, parse, value, *args, **kwargs):
    """Run a money/percent parser, turning its ValueError into a ValidationError."""
    try:
        return parse(value, *args, **kwargs)
    except ValidationError as exc:
        if exc.field is None:
            exc.field = field
        raise
    except ValueError as exc:
        raise ValidationError(str(exc), field) from None
