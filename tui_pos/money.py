"""Money, percentages and quantities as exact decimals (SPEC §2).

Everything that is money is a ``Decimal``; it is rounded half-up to the cent
and stored as integer minor units. Parsing functions raise the project's
``ValidationError`` (a ``ValueError``) with a message fit to show a person,
and refuse every value outside what its column holds.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tui_pos.errors import ValidationError

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
QTY_PLACES = Decimal("0.001")


def round_money(value: Decimal) -> Decimal:
    """Round half-up to the cent: 0.005 → 0.01, -0.005 → -0.01."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor(value: Decimal, places: int = 2) -> int:
    """Decimal → integer minor units (cents for places=2), exact."""
    scaled = Decimal(value).scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {places} decimals")
    return int(scaled)


def from_minor(value: int, places: int = 2) -> Decimal:
    return Decimal(int(value)).scaleb(-places).quantize(Decimal(1).scaleb(-places))


# Limits of what the columns hold (integers of minor units, and sane for a shop).
MAX_MONEY = Decimal("10000000000")      # ±10^10, exclusive
MAX_QUANTITY = Decimal("100000")        # ±10^5, exclusive
MAX_NUMBER = Decimal("1000000000000")   # a custom number field: ±10^12, exclusive
MAX_INPUT = 40                          # characters a typed number may have
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _parse_decimal(text: str | Decimal | int, what: str) -> Decimal:
    """A plain decimal number as a person types it: digits, one point or comma.

    Refused, with a message for a person: exponents (1e5), NaN, Infinity,
    digits other than 0-9, thousands separators that make it ambiguous,
    anything longer than ``MAX_INPUT`` characters.
    """
    if isinstance(text, bool):
        raise ValidationError(f"{what} must be a number")
    if isinstance(text, int):
        text = Decimal(text)
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValidationError(f"{what} must be a number")
        return text
    if not isinstance(text, str):
        raise ValidationError(f"{what} must be a number")
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        raise ValidationError(f"{what} is required")
    if len(cleaned) > MAX_INPUT:
        raise ValidationError(f"{what} is too long to be a number")
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")  # Dutch decimal comma: 2,50
    if not _NUMBER_RE.fullmatch(cleaned):
        raise ValidationError(f"{what} must be a number, not {_shown(text)}")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        raise ValidationError(f"{what} must be a number, not {_shown(text)}") from None


def _shown(text: str) -> str:
    """The typed text quoted in a message, control characters dropped, cut short."""
    visible = "".join(c for c in text if c.isprintable())
    return repr(visible if len(visible) <= 20 else visible[:20] + "…")


def _bounded(value: Decimal, limit: Decimal, what: str) -> None:
    if abs(value) >= limit:
        raise ValidationError(f"{what} is too large (less than {limit:,.0f})")


def parse_money(text: str | Decimal | int, what: str = "Amount",
                allow_negative: bool = False) -> Decimal:
    value = _parse_decimal(text, what)
    _bounded(value, MAX_MONEY, what)
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(f"{what} has more than two decimals")
    if value < 0 and not allow_negative:
        raise ValidationError(f"{what} cannot be negative")
    return value.quantize(CENT)


def parse_percent(text: str | Decimal | int, what: str = "Discount") -> Decimal:
    """A percentage 0–100 with at most two decimals."""
    value = _parse_decimal(text, what)
    if value < 0 or value > HUNDRED:
        raise ValidationError(f"{what} must be between 0 and 100 %")
    if value != value.quantize(CENT):
        raise ValidationError(f"{what} has more than two decimals")
    return value.quantize(CENT)


def parse_quantity(text: str | Decimal | int, what: str = "Quantity") -> Decimal:
    """A non-zero quantity with at most three decimals (negative = return)."""
    value = _parse_decimal(text, what)
    _bounded(value, MAX_QUANTITY, what)
    if value == 0:
        raise ValidationError(f"{what} cannot be zero")
    if value != value.quantize(QTY_PLACES):
        raise ValidationError(f"{what} has more than three decimals")
    return value.quantize(QTY_PLACES)


def parse_number(text: str | Decimal | int, what: str = "Number") -> Decimal:
    """A custom number field: at most 12 digits before and 6 after the point."""
    value = _parse_decimal(text, what)
    _bounded(value, MAX_NUMBER, what)
    if value != value.quantize(Decimal("0.000001")):
        raise ValidationError(f"{what} has more than six decimals")
    return value


# Number formats per locale: (decimal mark, thousands separator, date format).
LOCALE_FORMATS: dict[str, tuple[str, str, str]] = {
    "nl_NL": (",", ".", "%d-%m-%Y"),
    "nl_BE": (",", ".", "%d/%m/%Y"),
    "de_DE": (",", ".", "%d.%m.%Y"),
    "fr_FR": (",", "\u202f", "%d/%m/%Y"),
    "en_GB": (".", ",", "%d/%m/%Y"),
    "en_US": (".", ",", "%m/%d/%Y"),
}
PLAIN = "C"  # machine-readable: 1234.56, ISO dates (CSV, files meant for programs)


def _marks(locale: str | None) -> tuple[str, str]:
    if locale is None:
        return ".", ","
    if locale == PLAIN:
        return ".", ""
    decimal, thousands, _ = LOCALE_FORMATS.get(locale, (".", ",", ""))
    return decimal, thousands


def _localised(text: str, locale: str | None) -> str:
    """'1,234.56' (Python's grouping) in the locale's marks."""
    decimal, thousands = _marks(locale)
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def format_money(value: Decimal | None, currency: str = "", locale: str | None = None) -> str:
    """12.1 → '12.10'; with locale 'nl_NL' 1234.5 → '1.234,50'."""
    if value is None:
        return ""
    text = _localised(f"{round_money(value):,.2f}", locale)
    return f"{currency} {text}".strip() if currency else text


def format_percent(value: Decimal | None, locale: str | None = None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{_localised(text, locale)}%"


def format_quantity(value: Decimal, locale: str | None = None) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _localised(text, locale)


def format_date(value, locale: str | None = None) -> str:
    """A date (or datetime's date) as the locale writes it; ISO without a locale."""
    if value is None:
        return ""
    if locale is None or locale == PLAIN or locale not in LOCALE_FORMATS:
        return value.strftime("%Y-%m-%d")
    return value.strftime(LOCALE_FORMATS[locale][2])
