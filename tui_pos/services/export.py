"""Safe output to files another program opens: one rule for every CSV cell."""

from __future__ import annotations

from tui_pos.services.text import printable

# A spreadsheet reads a cell starting with these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A text cell for a CSV file: control characters dropped and, if it would
    start a formula, a leading ``'`` as spreadsheet programs expect.

    Only for text columns: numbers (amounts, counts, a negative total) are
    written as they are, so they stay numbers."""
    text = printable("" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# -- Customers, in the layout the importer knows as "tui-pos" --------------------------------

CUSTOMER_PAGE = 1000  # customers read per query: memory stays flat however many there are


def customer_header() -> list[str]:
    """The export's columns: every field of the record, then one per custom field."""
    from tui_pos.services import custom_fields
    from tui_pos.services.layouts import TUI_POS_COLUMNS, TUI_POS_CUSTOM

    return [*TUI_POS_COLUMNS.values(),
            *(TUI_POS_CUSTOM + f.name for f in custom_fields.list_fields(include_inactive=True))]


def customer_rows():
    """Every customer as a row of ``customer_header()``, by number, a page at a time.

    Text goes through ``safe_cell``; numbers, dates (ISO) and yes/no are plain."""
    import peewee as pw

    from tui_pos.db.models import (
        CustomFieldValue, Customer, CustomerProfile, CustomerTag, CustomerType, Tag, VatClass,
    )
    from tui_pos.services import custom_fields
    from tui_pos.services.layouts import TUI_POS_COLUMNS

    field_ids = [f.id for f in custom_fields.list_fields(include_inactive=True)]
    after = 0
    while True:
        page = list(Customer.select(Customer, CustomerType.name.alias("type_name"),
                                    CustomerProfile.name.alias("profile_name"),
                                    VatClass.name.alias("vat_class_name"))
                    .join_from(Customer, CustomerType, pw.JOIN.LEFT_OUTER)
                    .join_from(Customer, CustomerProfile, pw.JOIN.LEFT_OUTER)
                    .join_from(Customer, VatClass, pw.JOIN.LEFT_OUTER)
                    .where(Customer.id > after).order_by(Customer.id)
                    .limit(CUSTOMER_PAGE).dicts())
        if not page:
            return
        ids = [row["id"] for row in page]
        tags: dict[int, list[str]] = {}
        for cid, name in (Tag.select(CustomerTag.customer, Tag.name).join(CustomerTag)
                          .where(CustomerTag.customer.in_(ids)).order_by(Tag.name_key)
                          .tuples()):
            tags.setdefault(cid, []).append(name)
        custom: dict[int, dict[int, str]] = {}
        for cid, fid, value in (CustomFieldValue.select(
                CustomFieldValue.customer, CustomFieldValue.field, CustomFieldValue.value)
                .where(CustomFieldValue.customer.in_(ids)).tuples()):
            custom.setdefault(cid, {})[fid] = value
        for row in page:
            row["customer_type"] = row.pop("type_name") or ""
            row["profile"] = row.pop("profile_name") or ""
            row["vat_class"] = row.pop("vat_class_name") or ""
            row["tags"] = ", ".join(tags.get(row["id"], []))
            values = [_export_cell(row[name]) for name in TUI_POS_COLUMNS]
            values += [safe_cell(custom.get(row["id"], {}).get(fid, "")) for fid in field_ids]
            yield values
        after = ids[-1]


def _export_cell(value: object) -> str:
    import datetime as dt
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dt.date, Decimal, int)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return safe_cell(value)


def write_customers_csv(out) -> int:
    """Write every customer as CSV to the text stream ``out``; returns how many."""
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(customer_header())
    count = 0
    for row in customer_rows():
        writer.writerow(row)
        count += 1
    return count


def export_customers_to(path) -> int:
    """Write the customers CSV to ``path``: owner-only (it holds personal data), and
    atomically, so a failure leaves no half file (and an old file as it was)."""
    import os
    from pathlib import Path

    from tui_pos.services.errors import ValidationError

    target = Path(path)
    temporary = target.with_name(f".{target.name}.partial")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
            count = write_customers_csv(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ValidationError(f"{target} cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count
