"""Money, percentages and quantities as exact decimals (SPEC §2).

Everything that is money is a ``Decimal``; it is rounded half-up to the cent
and stored as integer minor units. Parsing functions raise ``ValueError``
with a message fit to show a person.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def _parse_decimal(text: str | Decimal | int, what: str) -> Decimal:
    if isinstance(text, (Decimal, int)):
        return Decimal(text)
    cleaned = str(text).strip().replace(" ", "")
    if not cleaned:
        raise ValueError(f"{what} is required")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # Dutch decimal comma: 2,50
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, not {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"{what} must be a number, not {text!r}")
    return value


def parse_money(text: str | Decimal | int, what: str = "Amount",
                allow_negative: bool = False) -> Decimal:
    value = _parse_decimal(text, what)
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValueError(f"{what} has more than two decimals")
    if value < 0 and not allow_negative:
        raise ValueError(f"{what} cannot be negative")
    if abs(value) >= Decimal("10000000000"):
        raise ValueError(f"{what} is too large")
    return value.quantize(CENT)


def parse_percent(text: str | Decimal | int, what: str = "Discount") -> Decimal:
    """A percentage 0–100 with at most two decimals."""
    value = _parse_decimal(text, what)
    if value < 0 or value > HUNDRED:
        raise ValueError(f"{what} must be between 0 and 100 %")
    if value != value.quantize(CENT):
        raise ValueError(f"{what} has more than two decimals")
    return value.quantize(CENT)


def parse_quantity(text: str | Decimal | int, what: str = "Quantity") -> Decimal:
    """A non-zero quantity with at most three decimals (negative = return)."""
    value = _parse_decimal(text, what)
    if value == 0:
        raise ValueError(f"{what} cannot be zero")
    if value != value.quantize(QTY_PLACES):
        raise ValueError(f"{what} has more than three decimals")
    if abs(value) >= Decimal("1000000"):
        raise ValueError(f"{what} is too large")
    return value.quantize(QTY_PLACES)


def format_money(value: Decimal | None, currency: str = "") -> str:
    if value is None:
        return ""
    text = f"{round_money(value):,.2f}"
    return f"{currency} {text}".strip() if currency else text


def format_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def format_quantity(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
