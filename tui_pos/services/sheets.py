"""Reading a spreadsheet a shop brings: CSV as shops really save it, and .xlsx.

CSV: any of the delimiters ``,`` ``;`` and tab (taken from the header line),
with or without a UTF-8 byte-order mark, in UTF-8 or else Windows-1252 (what
Excel on a Dutch Windows saves), quoted newlines allowed. .xlsx: read with
openpyxl in read-only mode, the first sheet unless one is named; a formula is
read as the value the spreadsheet program saved with it, never evaluated, and
a formula saved without a value is refused.

Rows are streamed one at a time: a file is never held in memory whole. Every
problem is a ``ValidationError`` whose message names the file's line.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Iterator

from tui_pos.services.errors import ValidationError

MAX_BYTES = 50 * 1024 * 1024  # a shop's customer file is far smaller; refuse before reading
MAX_ROWS = 1_000_000
MAX_COLUMNS = 500
MAX_CELL = 10_000  # characters in one cell: more is a broken quote swallowing the file
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls (Excel 97-2003)
SNIFF_BYTES = 64 * 1024
CHUNK = 1024 * 1024


@dataclass
class Sheet:
    """One table read from a file: its header and, lazily, its rows.

    ``rows()`` yields ``(line, cells)``: the line (CSV) or row (xlsx) number
    where the record starts, and its cells as text, as many as the header.
    """

    path: Path
    kind: str  # "csv" or "xlsx"
    header: list[str]
    encoding: str = ""  # csv: "utf-8" or "cp1252"
    delimiter: str = ""  # csv
    sheet_name: str = ""  # xlsx
    sheet_names: list[str] = field(default_factory=list)  # xlsx: every sheet in the book
    _rows: Iterator[tuple[int, list[str]]] | None = None
    _close: Callable[[], None] | None = None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        rows, self._rows = self._rows, None
        if rows is None:
            raise RuntimeError("the rows of a sheet are read once")
        return rows

    def close(self) -> None:
        """Let go of the file (also when its rows were never read)."""
        if self._close is not None:
            self._close()
            self._close = None

    def describe(self) -> str:
        """'semicolon-separated CSV in Windows-1252' / "sheet 'Klanten' (1 of 3)"."""
        if self.kind == "csv":
            encoding = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}[self.encoding]
            return f"{DELIMITER_NAMES[self.delimiter]}-separated CSV in {encoding}"
        position = self.sheet_names.index(self.sheet_name) + 1
        return f"sheet {self.sheet_name!r} ({position} of {len(self.sheet_names)})"


def open_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """The header of the file at ``path`` and a stream of its rows.

    Refused with a clear message: a missing or unreadable file, an empty one,
    one over ``MAX_BYTES`` (before reading it), a binary file that is neither
    text nor .xlsx, an old .xls, text in neither UTF-8 nor Windows-1252.
    """
    path = Path(path)
    head = _first_bytes(path)
    if head.startswith(XLSX_MAGIC):
        return _open_xlsx(path, sheet)
    if head.startswith(OLD_EXCEL_MAGIC):
        raise ValidationError(f"{path.name} is an old Excel .xls file; save it as .xlsx or "
                              "CSV and import that")
    if sheet is not None:
        raise ValidationError(f"{path.name} is a CSV file, it has no sheets to choose from")
    return _open_csv(path, head)


def read_bytes(path: Path, limit: int | None = None, max_bytes: int | None = None) -> bytes:
    """The first ``limit`` bytes (all with None) of a file there to import: refused
    with a person's message when missing, not a file, empty, over ``max_bytes`` or
    unreadable — before anything is read."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    try:
        if not path.is_file():
            raise ValidationError(f"there is no file {path}" if not path.exists()
                                  else f"{path} is not a file")
        size = path.stat().st_size
        if size == 0:
            raise ValidationError(f"{path.name} is empty")
        if size > max_bytes:
            raise ValidationError(f"{path.name} is {size / 2**20:.0f} MB; files over "
                                  f"{max_bytes // 2**20} MB are not imported (split it)")
        with path.open("rb") as handle:
            return handle.read() if limit is None else handle.read(limit)
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read ({exc.strerror or exc})") from None


def _first_bytes(path: Path) -> bytes:
    return read_bytes(path, SNIFF_BYTES)


# -- CSV -----------------------------------------------------------------------------

def _open_csv(path: Path, head: bytes) -> Sheet:
    if b"\x00" in head:
        raise ValidationError(f"{path.name} is a binary file, not a CSV text file or .xlsx")
    encoding = _encoding(path)
    handle = path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                       newline="")
    try:
        sample = handle.read(SNIFF_BYTES)
        if not sample.strip():
            raise ValidationError(f"{path.name} holds no rows, not even a header")
        delimiter = _delimiter(sample)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        header = _header(reader, path)
    except (ValidationError, csv.Error, UnicodeDecodeError, OSError) as exc:
        handle.close()
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(f"{path.name} line 1: the header cannot be read ({exc})") from None
    return Sheet(path, "csv", header, encoding=encoding, delimiter=delimiter,
                 _rows=_csv_rows(reader, handle, len(header), path.name),
                 _close=handle.close)


def _encoding(path: Path) -> str:
    """'utf-8' if the whole file decodes as UTF-8, else 'cp1252' if that reads it.

    Checked in chunks with an incremental decoder: memory stays flat."""
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"{path.name} is not text in UTF-8 or Windows-1252; save it as "
                          "CSV UTF-8")


def _delimiter(sample: str) -> str:
    """The delimiter that splits the header line into the most columns.

    The header is taken up to its first line break outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in sample:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char in "\r\n":
                break
            if char in counts:
                counts[char] += 1
    return max(DELIMITERS, key=lambda d: counts[d])  # ties: the first, a comma


def _header(reader, path: Path) -> list[str]:
    for cells in reader:
        if any(c.strip() for c in cells):
            if len(cells) > MAX_COLUMNS:
                raise ValidationError(f"{path.name} line {reader.line_num}: {len(cells)} "
                                      f"columns, more than {MAX_COLUMNS}")
            return [_header_cell(c) for c in cells]
    raise ValidationError(f"{path.name} holds no rows, not even a header")


def _header_cell(text) -> str:
    return " ".join(("" if text is None else str(text)).replace("\ufeff", "").split())


def _csv_rows(reader, handle, width: int, name: str) -> Iterator[tuple[int, list[str]]]:
    def lines() -> Iterator[tuple[int, list[str]]]:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ValidationError(f"{name} line {start}: broken quoting ({exc}); check "
                                      "that every quote \" is closed") from None
            yield start, cells

    try:
        yield from _body(lines(), width, name)
    finally:
        handle.close()


def _body(rows: Iterable[tuple[int, list[str]]], width: int,
          name: str) -> Iterator[tuple[int, list[str]]]:
    """The data rows of a file or sheet: blank ones skipped, each fitted to the
    header's width, at most ``MAX_ROWS`` of them."""
    count = 0
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ValidationError(f"{name} has more than {MAX_ROWS:,} rows; split it")
        yield number, _fitted(cells, width, name, number)


def _fitted(cells: list[str], width: int, name: str, line: int) -> list[str]:
    """Exactly ``width`` cells: missing ones at the end are empty; extra ones refused."""
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        raise ValidationError(f"{name} line {line} has {len(cells)} cells but the header "
                              f"has {width} columns (a delimiter or quote out of place?)")
    for cell in cells:
        if len(cell) > MAX_CELL:
            raise ValidationError(f"{name} line {line}: a cell of {len(cell):,} characters; "
                                  "a quote is probably not closed")
    return (cells + [""] * (width - len(cells)))[:width]


# -- .xlsx ---------------------------------------------------------------------------

def _open_xlsx(path: Path, sheet: str | None) -> Sheet:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(f"{path.name} is not a readable .xlsx file ({exc})") from None
    names = list(values.sheetnames)
    if sheet is None:
        chosen = names[0]
    else:
        matches = [n for n in names if n.casefold() == sheet.casefold()]
        if not matches:
            _close(values, formulas)
            raise ValidationError(f"{path.name} has no sheet {sheet!r}; its sheets: "
                                  + ", ".join(repr(n) for n in names))
        chosen = matches[0]
    rows = _xlsx_rows(values[chosen], formulas[chosen], path.name)
    try:
        header_row, header = _xlsx_header(rows, path.name)
    except ValidationError:
        _close(values, formulas)
        raise
    width = len(header)
    return Sheet(path, "xlsx", header, sheet_name=chosen, sheet_names=names,
                 _rows=_xlsx_body(rows, width, path.name, (values, formulas)),
                 _close=lambda: _close(values, formulas))


def _close(*books) -> None:
    for book in books:
        book.close()


def _xlsx_rows(values_sheet, formula_sheet, name: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text); a formula with no saved value is refused."""
    pairs = zip(values_sheet.iter_rows(values_only=True),
                formula_sheet.iter_rows(values_only=True))
    for number, (values, formulas) in enumerate(pairs, start=1):
        cells = []
        for column, (value, formula) in enumerate(zip(values, formulas), start=1):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                raise ValidationError(
                    f"{name} row {number}, column {column}: a formula ({formula[:40]}) saved "
                    "without its value; open the file in a spreadsheet program, save it, "
                    "and import again (formulas are never calculated here)")
            cells.append(_xlsx_text(value))
        yield number, cells


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def _xlsx_header(rows, name: str) -> tuple[int, list[str]]:
    for number, cells in rows:
        if any(c.strip() for c in cells):
            while cells and not cells[-1].strip():
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise ValidationError(f"{name} row {number}: {len(cells)} columns, more "
                                      f"than {MAX_COLUMNS}")
            return number, [_header_cell(c) for c in cells]
    raise ValidationError(f"{name}: the sheet is empty, not even a header")


def _xlsx_body(rows, width: int, name: str, books) -> Iterator[tuple[int, list[str]]]:
    try:
        yield from _body(rows, width, name)
    finally:
        _close(*books)


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    """Rows as CSV text (used for rejects files and tests)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()
