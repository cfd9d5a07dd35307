"""The shop's own customer fields: text, number, date, yes/no, choice.

Adding or changing one needs a manager (or above) and is audited ("master").
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_pos.db.models import CustomField
from tui_pos.services.actors import Actor
from tui_pos.services.errors import Errors, NotFound
from tui_pos.services.masters import checked_name, is_id, logged, require_manager, written
from tui_pos.services.text import checked, clean, name_key

KIND_LABELS = {
    "text": "Text",
    "number": "Number",
    "date": "Date",
    "yesno": "Yes/No",
    "choice": "Choice",
}
KINDS = tuple(KIND_LABELS)
OPTIONS_LENGTH = 1000  # all the options of a choice, as typed
OPTION_LENGTH = 60     # one option


@dataclass(frozen=True, slots=True)
class FieldRow:
    """A custom field as the screens see it; ``options``: a choice's, one a line."""

    id: int
    name: str
    kind: str
    options: str
    required: bool
    active: bool
    position: int

    @property
    def choices(self) -> list[str]:
        return [o for o in self.options.splitlines() if o]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def field_row(row: CustomField) -> FieldRow:
    return FieldRow(id=row.id, name=row.name, kind=row.kind, options=row.options,
                    required=row.required, active=row.active, position=row.position)


def list_fields(include_inactive: bool = False) -> list[FieldRow]:
    query = CustomField.select().order_by(CustomField.position, CustomField.id)
    if not include_inactive:
        query = query.where(CustomField.active == True)  # noqa: E712
    return [field_row(row) for row in query]


def _field(field_id: int) -> CustomField:
    row = CustomField.get_or_none(CustomField.id == field_id) if is_id(field_id) else None
    if row is None:
        raise NotFound("That custom field does not exist", "field")
    return row


def get_field(field_id: int) -> FieldRow:
    return field_row(_field(field_id))


def choice_lines(options: str) -> list[str]:
    """The options of a choice as typed (commas or one a line), each cleaned."""
    typed = checked(options, "Options", "options", OPTIONS_LENGTH, multiline=True)
    return [clean(o) for o in typed.replace(",", "\n").splitlines() if clean(o)]


def save_field(actor: Actor, name: str, kind: str, options: str = "",
               required: bool = False, active: bool = True,
               field_id: int | None = None) -> FieldRow:
    """Add or edit a field (manager or above); every bad field of the form is reported
    at once."""
    def checks() -> tuple[str, str, list[str], CustomField | None]:
        errors = Errors()
        clean_name, key = checked_name(errors, CustomField, name, field_id, "Name")
        errors.check(isinstance(kind, str) and kind in KIND_LABELS,
                     f"Kind must be one of {', '.join(KIND_LABELS.values())}", "kind")
        lines = errors.take(choice_lines, options) or []
        if kind == "choice" and not errors.has("options"):
            errors.check(len(lines) >= 2, "A choice needs at least two options, separated "
                         "by commas", "options")
            errors.check(all(len(o) <= OPTION_LENGTH for o in lines),
                         f"Each option is at most {OPTION_LENGTH} characters", "options")
            errors.check(len({name_key(o) for o in lines}) == len(lines),
                         "Options must differ", "options")
        row = _field(field_id) if field_id is not None else None
        if row is not None:
            errors.check(row.kind == kind or not row.values.exists(),
                         "Customers already have values for this field; its kind cannot "
                         "change", "kind")
        errors.raise_any()
        return clean_name, key, lines if kind == "choice" else [], row

    def write() -> FieldRow:
        clean_name, key, lines, row = checks()
        require_manager(actor, "custom_field")
        before = field_row(row) if row is not None else None
        if row is None:
            position = (CustomField.select().count() or 0) + 1
            row = CustomField.create(name=clean_name, name_key=key, kind=kind,
                                     options="\n".join(lines), required=bool(required),
                                     active=bool(active), position=position)
        else:
            row.name, row.name_key, row.kind = clean_name, key, kind
            row.options, row.required = "\n".join(lines), bool(required)
            row.active = bool(active)
            row.save()
        logged(actor, "custom_field", before, field_row(row))
        return field_row(row)

    return written(write, checks)
