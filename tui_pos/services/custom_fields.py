"""The shop's own customer fields: text, number, date, yes/no, choice."""

from __future__ import annotations

from tui_pos.db.models import CustomField, database
from tui_pos.services.errors import NotFound, check
from tui_pos.services.text import clean, name_key

KIND_LABELS = {
    "text": "Text",
    "number": "Number",
    "date": "Date",
    "yesno": "Yes/No",
    "choice": "Choice",
}


def list_fields(include_inactive: bool = False) -> list[CustomField]:
    query = CustomField.select().order_by(CustomField.position, CustomField.id)
    if not include_inactive:
        query = query.where(CustomField.active == True)  # noqa: E712
    return list(query)


def get_field(field_id: int) -> CustomField:
    row = CustomField.get_or_none(CustomField.id == field_id)
    if row is None:
        raise NotFound("That custom field does not exist", "field")
    return row


def save_field(name: str, kind: str, options: str = "", required: bool = False,
               active: bool = True, field_id: int | None = None) -> CustomField:
    name = clean(name)
    check(bool(name), "Name is required", "name")
    check(len(name) <= 60, "Name is too long (60 characters at most)", "name")
    check(kind in KIND_LABELS, f"Kind must be one of {', '.join(KIND_LABELS.values())}", "kind")
    key = name_key(name)
    clash = CustomField.select().where(CustomField.name_key == key)
    if field_id is not None:
        clash = clash.where(CustomField.id != field_id)
    check(not clash.exists(), f"A custom field called {name!r} already exists", "name")
    lines = [clean(o) for o in (options or "").replace(",", "\n").splitlines() if clean(o)]
    if kind == "choice":
        check(len(lines) >= 2, "A choice needs at least two options, separated by commas",
              "options")
        check(len({name_key(o) for o in lines}) == len(lines), "Options must differ", "options")
    else:
        lines = []
    with database.atomic():
        if field_id is None:
            position = (CustomField.select().count() or 0) + 1
            return CustomField.create(name=name, name_key=key, kind=kind,
                                      options="\n".join(lines), required=required,
                                      active=active, position=position)
        row = get_field(field_id)
        check(row.kind == kind or not row.values.exists(),
              "Customers already have values for this field; its kind cannot change", "kind")
        row.name, row.name_key, row.kind = name, key, kind
        row.options, row.required, row.active = "\n".join(lines), required, active
        row.save()
        return row
