"""Errors the services raise for a person to read."""

from __future__ import annotations

from tui_pos.errors import NeedsApproval, NotAllowed, NotFound, ValidationError

__all__ = ["Errors", "NeedsApproval", "NotAllowed", "NotFound", "ValidationError",
           "ValidationErrors", "as_field", "check"]


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


class ValidationErrors(ValidationError):
    """Several fields wrong at once. ``errors`` holds one ValidationError per field,
    in the form's order; ``message`` and ``field`` are the first one's, so a caller
    that knows only ValidationError still shows something right."""

    def __init__(self, errors: list[ValidationError]):
        super().__init__(errors[0].message, errors[0].field)
        self.errors = list(errors)


class Errors:
    """Collects each field's first error so a form can show them all at once.

    ``value = errors.take(parse, ...)`` returns the parsed value, or None after
    noting the error; ``errors.raise_any()`` then raises the one error, or a
    ValidationErrors holding all of them.
    """

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def take(self, parse, *args, **kwargs):
        try:
            return parse(*args, **kwargs)
        except ValidationError as exc:
            self.add(exc)
            return None

    def check(self, condition: bool, message: str, field: str | None = None) -> None:
        if not condition:
            self.add(ValidationError(message, field))

    def add(self, error: ValidationError) -> None:
        if isinstance(error, ValidationErrors):
            for one in error.errors:
                self.add(one)
        elif error.field is None or not self.has(error.field):
            self.errors.append(error)

    def has(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(self.errors)
