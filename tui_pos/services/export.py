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
