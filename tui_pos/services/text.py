"""Normalising names for unique keys and search terms."""

from __future__ import annotations

import re
import unicodedata


def name_key(name: str) -> str:
    """The key that makes names unique ignoring case and spacing."""
    return " ".join(name.split()).casefold()


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def fold(text: str) -> str:
    """Lower case without accents: 'Ölçer José' → 'olcer jose'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")
