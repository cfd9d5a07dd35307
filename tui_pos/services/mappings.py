"""Column mappings made by hand, saved by name, and the import's preview.

A file whose layout tui-pos does not know is mapped by hand: for each of our
fields, which of the file's headers fills it. Such a mapping is saved by name
(table ``import_mapping``: our field → their header, as JSON) and offered
again for a file that has the same headers. It is used as a
``layouts.Layout`` without a signature, which the importer takes as
``by_hand``.

``preview`` is what the import screen shows before anything is checked or
written: the file's first rows and how its columns map (a known layout, a
saved mapping that fits, or nothing yet).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from tui_pos.db.models import ImportMapping, database
from tui_pos.services import audit, layouts, masters
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import Errors, NotFound, ValidationError
from tui_pos.services.sheets import open_sheet
from tui_pos.services.text import checked, name_key

NAME_LENGTH = 60  # ImportMapping.name's max_length
HEADER_LENGTH = 200  # a header longer than this is no header a mapping should name
PREVIEW_ROWS = 5

# Our fields as a person reads them, in the order the hand-mapping form shows them.
FIELD_LABELS = {
    "number": "Customer number", "first_name": "First name", "last_name": "Last name",
    "company": "Company", "email": "E-mail", "phone": "Phone", "mobile": "Mobile",
    "address": "Address", "address2": "Address line 2", "postcode": "Postcode",
    "city": "City", "country": "Country", "birthday": "Birthday",
    "customer_type": "Customer type", "profile": "Customer profile",
    "discount": "Discount %", "discount_type": "Discount type", "vat_class": "VAT class",
    "additional": "Additional", "tags": "Tags", "contact_email": "Contact by e-mail",
    "contact_sms": "Contact by SMS", "contact_phone": "Contact by phone",
    "contact_post": "Contact by post", "consent_date": "Consent date",
    "consent_note": "Consent note", "newsletter": "Newsletter",
    "credit_limit": "Credit limit", "active": "Active", "note": "Note",
}
assert set(FIELD_LABELS) == set(layouts.FIELDS)


def field_label(our_field: str) -> str:
    if our_field.startswith(layouts.CUSTOM_PREFIX):
        return f"Custom: {our_field[len(layouts.CUSTOM_PREFIX):]}"
    return FIELD_LABELS.get(our_field, our_field)


# -- Saved mappings ---------------------------------------------------------------------

@dataclass(frozen=True)
class SavedMapping:
    id: int
    name: str
    columns: Mapping[str, str]  # our field → their header

    def layout(self) -> layouts.Layout:
        """The mapping as the importer's ``by_hand`` layout."""
        return layouts.Layout(self.name, dict(self.columns))

    def fits(self, header: list[str] | tuple[str, ...]) -> bool:
        """Does a file with this header have every column the mapping reads?"""
        present = {name_key(h) for h in header}
        return bool(self.columns) and all(name_key(h) in present
                                          for h in self.columns.values())


def checked_columns(columns: Mapping[str, str]) -> dict[str, str]:
    """Our field → their header, each header checked; empty choices dropped.
    A mapping must give a name (first name, last name or company)."""
    out: dict[str, str] = {}
    for our_field, header in columns.items():
        if our_field not in layouts.FIELDS and not our_field.startswith(layouts.CUSTOM_PREFIX):
            raise ValidationError(f"{our_field!r} is not a customer field", "columns")
        text = checked(header, f"The column for {field_label(our_field)}", "columns",
                       HEADER_LENGTH)
        if text:
            out[our_field] = text
    if not any(f in out for f in layouts.NAME_FIELDS):
        raise ValidationError("Map at least one of First name, Last name or Company: "
                              "without a name no customer can be read", "columns")
    return out


def save_mapping(actor: Actor, name: str, columns: Mapping[str, str]) -> SavedMapping:
    """Save a hand-made mapping under ``name`` (unique ignoring case); a manager's
    work, as imports are, and in the audit log."""
    def checks() -> tuple[str, str, dict[str, str]]:
        errors = Errors()
        value, key = masters.checked_name(errors, ImportMapping, name, None, "Mapping name")
        mapped = errors.take(checked_columns, columns)
        errors.raise_any()
        return value, key, mapped

    def write() -> SavedMapping:
        value, key, mapped = checks()
        require(actor, "manager", "Saving an import mapping")
        row = ImportMapping.create(name=value, name_key=key, columns=json.dumps(mapped))
        audit.record(actor, "master", f"Import mapping #{row.id} {value} added",
                     audit.diff({}, {"name": value, "columns": json.dumps(mapped)}))
        return SavedMapping(row.id, row.name, mapped)

    return masters.written(write, checks)


def rename_mapping(actor: Actor, mapping_id: int, name: str) -> SavedMapping:
    """Give a saved mapping another name (unique ignoring case); its columns stay."""
    def checks() -> tuple[ImportMapping, str, str]:
        row = ImportMapping.get_or_none(ImportMapping.id == mapping_id)
        if row is None:
            raise NotFound("That saved mapping is gone (deleted elsewhere?)", "mapping")
        errors = Errors()
        value, key = masters.checked_name(errors, ImportMapping, name, row.id, "Mapping name")
        errors.raise_any()
        return row, value, key

    def write() -> SavedMapping:
        row, value, key = checks()
        require(actor, "manager", "Renaming an import mapping")
        ImportMapping.update(name=value, name_key=key).where(
            ImportMapping.id == row.id).execute()
        if value != row.name:
            audit.record(actor, "master", f"Import mapping #{row.id} {value} renamed",
                         audit.diff({"name": row.name}, {"name": value}))
        row.name = value
        found = _saved(row)
        return found if found is not None else SavedMapping(row.id, value, {})

    return masters.written(write, checks)


def delete_mapping(actor: Actor, mapping_id: int) -> None:
    """Forget a saved mapping (files already imported with it are not touched)."""
    with database.atomic():
        row = ImportMapping.get_or_none(ImportMapping.id == mapping_id)
        if row is None:
            raise NotFound("That saved mapping is gone (deleted elsewhere?)", "mapping")
        require(actor, "manager", "Deleting an import mapping")
        ImportMapping.delete().where(ImportMapping.id == row.id).execute()
        audit.record(actor, "master", f"Import mapping #{row.id} {row.name} deleted")


def _saved(row: ImportMapping) -> SavedMapping | None:
    try:
        columns = json.loads(row.columns)
    except ValueError:  # not JSON: not a mapping this program saved
        return None
    if not isinstance(columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
        return None
    return SavedMapping(row.id, row.name, columns)


def list_mappings() -> list[SavedMapping]:
    """Every saved mapping, by name."""
    rows = ImportMapping.select().order_by(ImportMapping.name_key)
    return [m for m in map(_saved, rows) if m is not None]


def get_mapping(name: str) -> SavedMapping:
    """The mapping saved as ``name`` (ignoring case and spacing)."""
    row = ImportMapping.get_or_none(ImportMapping.name_key == name_key(str(name)))
    found = _saved(row) if row is not None else None
    if found is None:
        raise NotFound(f"There is no saved mapping {name!r}", "mapping")
    return found


def mapping_for(header: list[str] | tuple[str, ...]) -> SavedMapping | None:
    """The saved mapping to offer for a file with this header: of those whose
    every column the file has, the one that reads the most columns."""
    fitting = [m for m in list_mappings() if m.fits(header)]
    return max(fitting, key=lambda m: len(m.columns), default=None)


# -- The preview ------------------------------------------------------------------------

@dataclass(frozen=True)
class Preview:
    """A file's first rows and how its columns map, before any check.

    ``layout`` is the recognised layout's (or the hand mapping's) name, "" when
    there is none yet; ``problem`` then says why, and ``can_map`` whether a
    mapping by hand could fix it (not for a product list). ``pairs`` are
    (our field, their header) in the file's order; ``saved`` is the saved
    mapping that fits this header, if any.
    """

    file: str
    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    layout: str = ""
    pairs: tuple[tuple[str, str], ...] = ()
    values: tuple[tuple[str, ...], ...] = ()  # per row, the text of each pair's field
    ignored: tuple[str, ...] = ()
    problem: str = ""
    can_map: bool = False
    saved: SavedMapping | None = None
    sheets: tuple[str, ...] = ()


def preview(path: str | Path, by_hand: layouts.Layout | None = None,
            rows: int = PREVIEW_ROWS, sheet: str | None = None) -> Preview:
    """The first ``rows`` rows of the file and its column mapping.

    A file that cannot be read raises ValidationError. An unknown layout is no
    error here: the preview says so and offers a saved mapping that fits.
    """
    table = open_sheet(path, sheet)
    try:
        header = tuple(table.header)
        first = []
        for line, cells in table.rows():
            first.append((line, tuple(cells)))
            if len(first) >= rows:
                break
        base = dict(file=table.path.name, source=table.describe(), header=header,
                    rows=tuple(first), sheets=tuple(table.sheet_names))
    finally:
        table.close()
    saved = mapping_for(header)
    try:
        cmap = layouts.recognise(list(header), base["file"], by_hand)
    except ValidationError as error:
        return Preview(**base, problem=error.message, can_map=not _product_list(header),
                       saved=saved)
    return Preview(**base, layout=cmap.layout.name, pairs=_pairs(cmap, header),
                   values=tuple(_values(cmap, cells) for _, cells in first),
                   ignored=cmap.ignored, saved=saved)


def _product_list(header: tuple[str, ...]) -> bool:
    return sum(name_key(h) in layouts.NOT_CUSTOMERS for h in header) >= 2


def _order(cmap: layouts.ColumnMap) -> list[tuple[str, tuple[int, ...]]]:
    fields = list(cmap.columns.items())
    fields += [(f"{layouts.CUSTOM_PREFIX}{name}", (position,))
               for name, position in cmap.custom.items()]
    return sorted(fields, key=lambda item: item[1][0])


def _pairs(cmap: layouts.ColumnMap, header: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((our_field, " / ".join(header[p] for p in positions))
                 for our_field, positions in _order(cmap))


def _values(cmap: layouts.ColumnMap, cells: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for _, positions in _order(cmap):
        value = ""
        for position in positions:  # the first filled of several columns, as the import reads
            value = cells[position]
            if value.strip():
                break
        out.append(value)
    return tuple(out)
