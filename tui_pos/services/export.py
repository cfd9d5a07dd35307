"""Safe output to files another program opens: one rule for every CSV cell,
and the writers every export shares (CSV, .xlsx, owner-only files)."""

from __future__ import annotations

import re

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


# -- Columns and the writers --------------------------------------------------------------

# What a column holds: how CSV spells it and how a spreadsheet cell stores it.
TEXT, MONEY, PERCENT, QUANTITY, NUMBER, INTEGER, DATE, DATETIME, YESNO = (
    "text", "money", "percent", "quantity", "number", "integer", "date", "datetime", "yesno")
FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_576  # rows in one sheet, the header included
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


class Column:
    """One column of an export: its header and what kind of value it holds."""

    __slots__ = ("header", "kind")

    def __init__(self, header: str, kind: str = TEXT):
        self.header, self.kind = header, kind

    def __repr__(self) -> str:
        return f"Column({self.header!r}, {self.kind!r})"


def csv_cell(kind: str, value: object) -> str:
    """A value as machine-readable CSV text: decimal points, ISO dates, yes/no;
    text through ``safe_cell``."""
    if value is None:
        return ""
    if isinstance(value, str):  # e.g. a custom field's text that is not the number it says
        return safe_cell(value)
    if kind in (MONEY, PERCENT):
        return f"{value:.2f}"
    if kind in (QUANTITY, NUMBER):
        return _plain(value)
    if kind in (DATE, DATETIME):
        return value.isoformat()
    if kind == YESNO:
        return "yes" if value else "no"
    if kind == INTEGER:
        return str(value)
    return safe_cell(value)


def _plain(value) -> str:
    """A decimal without trailing zeros or exponent: 1.500 → 1.5, 100 → 100."""
    from decimal import Decimal

    text = format(Decimal(value).normalize(), "f")
    return "0" if text == "-0" else text


def write_csv(out, columns: list[Column], records) -> int:
    """Header and ``records`` (lists of typed values) as CSV on the text stream
    ``out``; returns how many records."""
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c.header) for c in columns])
    kinds = [c.kind for c in columns]
    count = 0
    for record in records:
        writer.writerow([csv_cell(k, v) for k, v in zip(kinds, record)])
        count += 1
    return count


def write_xlsx(out, sheet: str, columns: list[Column], records) -> int:
    """Header and ``records`` as one sheet of an .xlsx workbook written to the
    binary stream ``out``. The sheet's XML is made here as text and streamed into
    the zip row by row (memory stays flat; about ten times openpyxl's write-only
    mode, which builds a cell object per value). Numbers are numbers with a
    format, dates dates, and text is always an inline string — a name starting
    with ``=`` is never a formula."""
    import zipfile

    from tui_pos.services.errors import ValidationError

    kinds = [c.kind for c in columns]
    letters = [_column_letter(i) for i in range(1, len(columns) + 1)]
    styles = [_XLSX_STYLE.get(kind, 0) for kind in kinds]
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in _xlsx_parts(sheet).items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            buffer: list[str] = [_sheet_head(columns)]
            buffer.append('<row r="1">' + "".join(
                f'<c r="{letter}1" s="1" t="inlineStr"><is><t xml:space="preserve">'
                f'{_xml(xlsx_text(c.header))}</t></is></c>'
                for letter, c in zip(letters, columns)) + "</row>")
            for record in records:
                if count >= XLSX_MAX_ROWS - 1:
                    raise ValidationError(f"more than {XLSX_MAX_ROWS - 1:,} rows, which is "
                                          "what a sheet holds: export a shorter period, or "
                                          "as CSV")
                count += 1
                row = str(count + 1)
                cells = [f'<row r="{row}">']
                for letter, kind, style, value in zip(letters, kinds, styles, record):
                    cells.append(_xlsx_cell(letter + row, kind, style, value))
                cells.append("</row>")
                buffer.append("".join(cells))
                if len(buffer) >= 500:
                    raw.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            buffer.append("</sheetData></worksheet>")
            raw.write("".join(buffer).encode("utf-8"))
    return count


# cell style per kind (styles.xml's cellXfs below): 1 is the bold header
_XLSX_STYLE = {MONEY: 2, PERCENT: 3, INTEGER: 4, DATE: 5, DATETIME: 6}
_EXCEL_EPOCH = 693594  # date(1899, 12, 30).toordinal(): day 0 of Excel's 1900 system


def _xlsx_cell(ref: str, kind: str, style: int, value: object) -> str:
    import datetime as dt
    from decimal import Decimal

    if value is None:
        return ""
    if kind == YESNO:
        value = "yes" if value else "no"
    if kind == TEXT or isinstance(value, str):
        text = xlsx_text(value)
        if not text:
            return ""
        return (f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml(text)}'
                "</t></is></c>")
    if isinstance(value, dt.datetime):
        day = value.date().toordinal() - _EXCEL_EPOCH
        seconds = (value.hour * 3600 + value.minute * 60 + value.second
                   + value.microsecond / 1_000_000)
        number = repr(day + seconds / 86400)
    elif isinstance(value, dt.date):
        number = str(value.toordinal() - _EXCEL_EPOCH)
    elif isinstance(value, Decimal):
        number = _plain(value)
    elif isinstance(value, bool):
        number = "1" if value else "0"
    else:
        number = str(value)
    return f'<c r="{ref}" s="{style}"><v>{number}</v></c>'


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_head(columns: list[Column]) -> str:
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{max(10, min(40, len(c.header) + 2))}" '
        'customWidth="1"/>' for i, c in enumerate(columns, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>')


def _xlsx_parts(sheet: str) -> dict[str, str]:
    """The workbook's fixed parts around its one sheet."""
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    name = _xml(xlsx_text(sheet)[:31]).replace('"', "&quot;") or "Sheet1"
    return {
        "[Content_Types].xml": head + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
        "_rels/.rels": head + (
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": head + (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": head + (
            f'<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
            '</Relationships>'),
        "xl/styles.xml": head + (
            f'<styleSheet xmlns="{main}">'
            '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
            '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            'borderId="0"/></cellStyleXfs><cellXfs count="7">'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
            '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
            'builtinId="0"/></cellStyles></styleSheet>'),
    }


def xlsx_text(value: object) -> str:
    """Text as an .xlsx cell holds it: control characters dropped, and the few
    characters XML cannot carry at all (U+FFFE, U+FFFF, lone surrogates), which
    would make the whole file unreadable."""
    return _NOT_XML.sub("", printable("" if value is None else str(value)))


def write_file(path, columns: list[Column], records, file_format: str = "csv",
               sheet: str = "Export") -> int:
    """Write an export to ``path``: owner-only (it holds personal data and sales),
    and atomically — a temporary file renamed into place — so a failure leaves
    no half file and an old file as it was. Returns how many records."""
    import os
    from pathlib import Path

    from tui_pos.services.errors import ValidationError

    target = Path(path)
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; give a file name")
    if _is_the_database(target):
        raise ValidationError(f"{target} is the database itself; choose another file")
    temporary = target.with_name(f".{target.name}.partial")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        if file_format == "xlsx":
            with os.fdopen(descriptor, "wb") as handle:
                count = write_xlsx(handle, sheet, columns, records)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                count = write_csv(handle, columns, records)
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


def _is_the_database(target) -> bool:
    """Whether ``target`` is the open SQLite database (or its -wal/-shm file):
    an export renamed over it would destroy the store."""
    from pathlib import Path

    from tui_pos.db.models import database

    name = getattr(database.obj, "database", None)
    if not isinstance(name, str) or not name or name.startswith(":"):
        return False
    store = Path(name).resolve()
    here = target.resolve()
    return here in (store, store.with_name(store.name + "-wal"),
                    store.with_name(store.name + "-shm"))


# -- Customers, in the layout the importer knows as "tui-pos" --------------------------------

CUSTOMER_PAGE = 1000  # customers read per query: memory stays flat however many there are
CUSTOMER_KINDS = {"birthday": DATE, "consent_date": DATE, "discount": PERCENT,
                  "credit_limit": MONEY, "contact_email": YESNO, "contact_sms": YESNO,
                  "contact_phone": YESNO, "contact_post": YESNO, "newsletter": YESNO,
                  "active": YESNO}
CUSTOM_KINDS = {"number": NUMBER, "date": DATE}  # the others (text, yes/no, choice) are text


def customer_columns() -> list[Column]:
    """The export's columns: every field of the record, then one per custom field."""
    from tui_pos.services import custom_fields
    from tui_pos.services.layouts import TUI_POS_COLUMNS, TUI_POS_CUSTOM

    return [*(Column(header, CUSTOMER_KINDS.get(name, TEXT))
              for name, header in TUI_POS_COLUMNS.items()),
            *(Column(TUI_POS_CUSTOM + f.name, CUSTOM_KINDS.get(f.kind, TEXT))
              for f in custom_fields.list_fields(include_inactive=True))]


def customer_header() -> list[str]:
    return [c.header for c in customer_columns()]


def customer_records():
    """Every customer as a list of typed values in ``customer_columns()`` order,
    by number, a page at a time (keyset on the id)."""
    import peewee as pw

    from tui_pos.db.models import (
        CustomFieldValue, Customer, CustomerProfile, CustomerTag, CustomerType, Tag, VatClass,
    )
    from tui_pos.services import custom_fields
    from tui_pos.services.layouts import TUI_POS_COLUMNS

    fields = [(f.id, f.kind) for f in custom_fields.list_fields(include_inactive=True)]
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
            values = [row[name] for name in TUI_POS_COLUMNS]
            mine = custom.get(row["id"], {})
            values += [_custom_value(kind, mine.get(fid)) for fid, kind in fields]
            yield values
        after = ids[-1]


def _custom_value(kind: str, value: str | None):
    """A custom field's stored text as its kind (a number, a date); as text if it
    does not read as one."""
    import datetime as dt
    from decimal import Decimal, InvalidOperation

    if not value:
        return None
    try:
        if kind == "number":
            number = Decimal(value)
            return number if number.is_finite() else value
        if kind == "date":
            return dt.date.fromisoformat(value)
    except (InvalidOperation, ValueError):
        return value
    return value


def customer_rows():
    """Every customer as CSV text cells of ``customer_header()``."""
    kinds = [c.kind for c in customer_columns()]
    for record in customer_records():
        yield [csv_cell(k, v) for k, v in zip(kinds, record)]


def write_customers_csv(out) -> int:
    """Write every customer as CSV to the text stream ``out``; returns how many."""
    return write_csv(out, customer_columns(), customer_records())


def export_customers_to(path, file_format: str = "csv") -> int:
    """Write every customer to ``path`` as CSV or .xlsx (owner-only, atomically)."""
    return write_file(path, customer_columns(), customer_records(), file_format,
                      sheet="Customers")
