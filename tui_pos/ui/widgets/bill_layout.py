"""The Sales Bill below 80×24: which columns fit, and a totals line that
always ends with the whole TOTAL amount (never "TOTAL EUR" without it)."""

from __future__ import annotations

from rich.cells import cell_len

DISC_WIDTH = 9  # the Disc column: "12,5% T+B"
ITEM_WIDTH = 24
PADDING = 2  # a DataTable cell's padding, one each side
SCROLLBAR = 2
FULL = (("#", "n", 2), ("Item", "item", ITEM_WIDTH), ("Qty", "qty", 6), ("Price", "price", 8),
        ("Disc", "disc", DISC_WIDTH), ("VAT", "vat", 6), ("Total", "total", 10))
NARROW_DROPS = ("disc", "vat")  # the line detail below the table says both
MIN_ITEM = 12


def _room_for_item(columns, width: int) -> int:
    others = sum(w + PADDING for _, key, w in columns if key != "item")
    return width - SCROLLBAR - others - PADDING


def bill_columns(width: int) -> list[tuple[str, str, int]]:
    """The bill's columns for a screen ``width`` wide: all seven (the Item
    column narrower below 81 columns: at 80 a long bill's scrollbar would cut
    the Total column), without Disc and VAT when the Item column would get
    under 12 cells; the Total column always whole."""
    room = _room_for_item(FULL, width)
    columns = list(FULL)
    if room < MIN_ITEM:
        columns = [c for c in FULL if c[1] not in NARROW_DROPS]
        room = _room_for_item(columns, width)
    item = max(4, min(ITEM_WIDTH, room))
    return [(label, key, item if key == "item" else w) for label, key, w in columns]


def totals_line(parts: list[str], width: int, gap: str = "   ") -> str:
    """``parts`` joined, the first ones left out until the line fits ``width``;
    the last part (the TOTAL) is always kept whole."""
    parts = list(parts)
    while len(parts) > 1 and cell_len(gap.join(parts)) > width:
        parts.pop(0)
    return gap.join(parts)


def _narrow_minimum() -> int:
    columns = [c for c in FULL if c[1] not in NARROW_DROPS]
    return SCROLLBAR + sum(w + PADDING for _, key, w in columns if key != "item") + 4 + PADDING


MIN_WIDTH = _narrow_minimum()  # the narrow columns with a 4-cell Item column
MIN_HEIGHT = 10  # header, customer, info, item, table head and one line, detail, totals, footer


def size_needed(width: int, height: int) -> str:
    """What to say instead of the bill's lines on a terminal too small for
    them ("" when the bill fits): amounts are never shown cut."""
    if width >= MIN_WIDTH and height >= MIN_HEIGHT:
        return ""
    return (f"The bill needs {MIN_WIDTH}×{MIN_HEIGHT} (80×24 is best); "
            f"this terminal is {width}×{height}")
