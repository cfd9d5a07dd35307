"""Text rules: normalising names for keys and search, and refusing what is not text.

Whatever a person types or a file brings passes ``checked`` before it is
stored: control characters (C0 except tab/newline where allowed, ESC, DEL,
C1) are refused and every field has a length limit. Output meant for a
terminal or a file goes through ``printable``.
"""

from __future__ import annotations

import re
import unicodedata

from tui_pos.services.errors import ValidationError

# C0 controls, DEL and C1 controls; tab and newline are allowed in multi-line fields.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# plus the Unicode line/paragraph separators, bidirectional overrides and lone
# surrogates (half a character: not text, and no database can store it)
_INVISIBLE = re.compile(r"[\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

QUERY_LIMIT = 100  # a search or lookup query is cut to this many characters


def name_key(name: str) -> str:
    """The key that makes names unique ignoring case and spacing."""
    return " ".join(name.split()).casefold()


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def has_controls(text: str, multiline: bool = False) -> bool:
    pattern = _CONTROLS_MULTILINE if multiline else _CONTROLS
    return bool(pattern.search(text) or _INVISIBLE.search(text))


def checked(text: object, what: str, field: str | None, max_length: int,
            multiline: bool = False, required: bool = False) -> str:
    """Typed text made safe to store, or a ValidationError naming the field.

    One line: runs of whitespace become one space. ``multiline``: each line is
    trimmed at its end and tabs and newlines are kept.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValidationError(f"{what} must be text", field)
    if has_controls(text, multiline):
        raise ValidationError(f"{what} holds a control character; type plain text", field)
    if multiline:
        value = "\n".join(line.rstrip() for line in text.strip().splitlines())
    else:
        value = clean(text)
    if required and not value:
        raise ValidationError(f"{what} is required", field)
    if len(value) > max_length:
        raise ValidationError(f"{what} is too long ({max_length} characters at most)", field)
    return value


def query_text(text: str | None) -> str:
    """A search or lookup query: control characters dropped, cut to a sane length."""
    return clean(printable(text or ""))[:QUERY_LIMIT]


def printable(text: str) -> str:
    """Text safe to write to a terminal or a file: control characters removed
    (tab and newline kept)."""
    text = _CONTROLS_MULTILINE.sub("", text)
    return _INVISIBLE.sub("", text)


def fold(text: str) -> str:
    """Lower case without accents: 'Ölçer José' → 'olcer jose'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text or "")
