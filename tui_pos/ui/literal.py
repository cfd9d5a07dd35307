"""Text is text: what a person typed or the database holds, shown literally.

Every screen shows names, notes and other stored text through these helpers,
never as a bare ``str`` that a widget would read as markup. Control
characters are dropped before anything reaches the terminal, and cutting to
a width counts terminal cells (a CJK character takes two) without ever
cutting inside anything.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.content import Content

from tui_pos.services.text import printable


def fit(value: object, width: int | None = None) -> str:
    """Plain text, control characters dropped, cut to ``width`` cells with '…'."""
    text = printable("" if value is None else str(value))
    if width is None or cell_len(text) <= width:
        return text
    if width <= 1:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1).rstrip() + "…"


def literal(value: object, width: int | None = None, style: str = "") -> Content:
    """For Static, Label, Select and OptionList prompts: never read as markup."""
    return Content.styled(fit(value, width), style) if style else Content(fit(value, width))


def cell(value: object, width: int | None = None, style: str = "",
         justify: str = "left") -> Text:
    """For DataTable cells (a ``str`` cell would be parsed as markup)."""
    return Text(fit(value, width), style=style, justify=justify, no_wrap=True,
                overflow="ellipsis")
