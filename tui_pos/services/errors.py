"""Errors the services raise for a person to read."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input: ``field`` names where it was typed, ``message`` says what is wrong."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ValidationError):
    """Something the input names does not exist."""


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
