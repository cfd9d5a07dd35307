"""Glyphs by terminal: the Linux console's font has Latin-1, box lines and a
few blocks, not › … ▏ ▐ ▌ → ✓ or 🔎. Under ``TERM=linux`` (and other plain
terminals) every character outside that set is drawn as ASCII of the same width.

``plain_terminal()`` decides from ``TERM`` (``TUI_POS_GLYPHS=ascii|unicode``
overrides it); ``ascii_text()`` translates one string; ``AsciiGlyphs`` is the
Textual line filter the app installs, so Textual's own glyphs (the checkbox's
▐X▌, the footer's ▏, the palette's 🔎, scrollbar eighths) are covered too.
"""

from __future__ import annotations

import os
from functools import lru_cache

from rich.cells import cell_len
from rich.segment import Segment
from textual.filter import LineFilter

PLAIN_TERMS = ("linux", "vt100", "vt102", "vt220", "dumb", "ansi", "cons25")

# kept: what the console font has (CP437 and the kernel's default map):
# single and double box lines, full/half-height blocks and shades
KEPT = set("─│┌┐└┘├┤┬┴┼═║╒╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡╢╣╤╥╦╧╨╩╪╫╬█▀▄░▒▓■")

# each replacement has the cell width of what it replaces
FALLBACK = {
    "›": ">", "‹": "<", "»": ">", "«": "<", "…": ".", "—": "-", "–": "-", "‒": "-",
    "→": ">", "←": "<", "↑": "^", "↓": "v", "⏎": "<", "↵": "<",
    "✓": "v", "✔": "v", "✗": "x", "✘": "x", "•": "*", "●": "*", "○": "o",
    "▼": "v", "▲": "^", "▶": ">", "◀": "<", "ⁿ": "n",
    "‘": "'", "’": "'", "“": '"', "”": '"',
    "▐": "[", "▌": "]", "▏": "|", "▎": "|", "▍": "|", "▕": "|", "▔": "-",
    "▁": " ", "▂": " ", "▃": " ", "▅": "█", "▆": "█", "▇": "█",
    "▉": "█", "▊": "█", "▋": "█",
    "╭": "+", "╮": "+", "╰": "+", "╯": "+", "━": "─", "┃": "│",
    "┏": "┌", "┓": "┐", "┗": "└", "┛": "┘",
    "🔎": "> ", "🔍": "> ",
}


def plain_terminal(environ=None) -> bool:
    """Does this terminal need ASCII for what its font lacks?"""
    environ = os.environ if environ is None else environ
    chosen = environ.get("TUI_POS_GLYPHS", "").strip().lower()
    if chosen in ("ascii", "unicode"):
        return chosen == "ascii"
    term = environ.get("TERM", "").lower()
    return any(term == name or term.startswith(name + "-") for name in PLAIN_TERMS)


def _fallback(char: str) -> str:
    if char in FALLBACK:
        return FALLBACK[char]
    return "?" * max(cell_len(char), 1)


@lru_cache(maxsize=4096)
def ascii_text(text: str) -> str:
    """``text`` with every glyph the console font lacks in ASCII, same width."""
    if text.isascii():
        return text
    return "".join(c if ord(c) < 0x100 or c in KEPT else _fallback(c) for c in text)


class AsciiGlyphs(LineFilter):
    """Every line the app draws, in glyphs the Linux console can show."""

    def apply(self, segments: list[Segment], background) -> list[Segment]:
        return [segment if segment.control or segment.text.isascii()
                else Segment(ascii_text(segment.text), segment.style, segment.control)
                for segment in segments]
