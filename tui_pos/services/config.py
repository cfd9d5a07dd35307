"""Business Configuration: the store, its money rules and feature switches.

Changing it needs a manager (or above); every change is written to the audit
log ("config") with the changed fields before → after, in the same transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from tui_pos.db.models import BusinessConfig, VatClass, database
from tui_pos.money import parse_percent
from tui_pos.services import audit
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import Errors, ValidationError, as_field, check
from tui_pos.services.masters import is_id
from tui_pos.services.text import checked, digits

CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK")
LOCALES = ("nl_NL", "nl_BE", "en_GB", "en_US", "de_DE", "fr_FR")
VAT_ROUNDING = ("receipt", "line")


@dataclass
class Settings:
    store_name: str = ""
    address: str = ""
    vat_number: str = ""
    currency: str = "EUR"
    locale: str = "nl_NL"
    prices_include_vat: bool = True
    vat_rounding: str = "receipt"
    default_vat_class_id: int | None = None
    receipt_header: str = ""
    receipt_footer: str = ""
    show_customer_profile: bool = False
    show_customer_type: bool = True
    discount_limit: Decimal = Decimal(20)  # a cashier's discount above it needs a manager
    vat_override_needs_manager: bool = True
    idle_minutes: int = 10  # signed out after this long without a key; 0 = never
    cash_rounding: bool = False  # the cash part of a sale rounded to 0.05 (schema 6)


IDLE_MINUTES_MAX = 240
SWITCHES = ("prices_include_vat", "show_customer_profile", "show_customer_type",
            "vat_override_needs_manager", "cash_rounding")


def get_settings() -> Settings:
    row = BusinessConfig.get_or_none(BusinessConfig.id == 1) or BusinessConfig(id=1)
    return Settings(
        store_name=row.store_name, address=row.address, vat_number=row.vat_number,
        currency=row.currency, locale=row.locale,
        prices_include_vat=row.prices_include_vat, vat_rounding=row.vat_rounding,
        default_vat_class_id=row.default_vat_class_id,
        receipt_header=row.receipt_header, receipt_footer=row.receipt_footer,
        show_customer_profile=row.show_customer_profile,
        show_customer_type=row.show_customer_type,
        discount_limit=Decimal(row.discount_limit).quantize(Decimal("0.01")),
        vat_override_needs_manager=row.vat_override_needs_manager,
        idle_minutes=row.idle_minutes,
        cash_rounding=row.cash_rounding,
    )


STORE_NAME_LENGTH = 120
VAT_NUMBER_LENGTH = 40
LONG_TEXT_LENGTH = 500  # the address and the receipt's header and footer, several lines


def validate(settings: Settings) -> Settings:
    """The settings tidied, or every bad field at once (ValidationErrors)."""
    errors = Errors()
    s = Settings(**asdict(settings))
    s.store_name = errors.take(checked, s.store_name, "Store name", "store_name",
                               STORE_NAME_LENGTH)
    s.address = errors.take(checked, s.address, "Address", "address", LONG_TEXT_LENGTH,
                            multiline=True)
    s.vat_number = errors.take(_vat_number, s.vat_number)
    s.currency = errors.take(_currency, s.currency)
    errors.check(isinstance(s.locale, str) and s.locale in LOCALES,
                 f"Locale must be one of {', '.join(LOCALES)}", "locale")
    errors.check(isinstance(s.vat_rounding, str) and s.vat_rounding in VAT_ROUNDING,
                 "VAT rounding must be per receipt or per line", "vat_rounding")
    if s.default_vat_class_id is not None:
        errors.check(is_id(s.default_vat_class_id) and VatClass.get_or_none(
            VatClass.id == s.default_vat_class_id) is not None,
            "That VAT class does not exist", "default_vat_class_id")
    s.receipt_header = errors.take(checked, s.receipt_header, "Receipt header",
                                   "receipt_header", LONG_TEXT_LENGTH, multiline=True)
    s.receipt_footer = errors.take(checked, s.receipt_footer, "Receipt footer",
                                   "receipt_footer", LONG_TEXT_LENGTH, multiline=True)
    s.discount_limit = errors.take(as_field, "discount_limit", parse_percent,
                                   s.discount_limit, "Discount limit")
    s.idle_minutes = errors.take(_idle_minutes, s.idle_minutes)
    errors.raise_any()
    for switch in SWITCHES:
        setattr(s, switch, bool(getattr(s, switch)))
    return s


def _idle_minutes(typed: str | int) -> int:
    """Whole minutes 0–240 (0: never sign out); typed text or a number."""
    message = f"Idle minutes must be a whole number from 0 to {IDLE_MINUTES_MAX} (0: never)"
    if isinstance(typed, bool):
        raise ValidationError(message, "idle_minutes")
    if isinstance(typed, int):
        value = typed
    else:
        text = checked(typed, "Idle minutes", "idle_minutes", 10).strip()
        check(bool(text) and digits(text) == text, message, "idle_minutes")
        value = int(text)
    check(0 <= value <= IDLE_MINUTES_MAX, message, "idle_minutes")
    return value


def _vat_number(typed: str) -> str:
    value = checked(typed, "VAT number", "vat_number", VAT_NUMBER_LENGTH).upper()
    check(not value or (value.isascii() and value.replace(" ", "").isalnum()),
          "VAT number may hold letters and digits only", "vat_number")
    return value


def _currency(typed: str) -> str:
    value = checked(typed, "Currency", "currency", 10).upper()
    check(len(value) == 3 and value.isascii() and value.isalpha(),
          "Currency must be a three-letter code such as EUR", "currency")
    return value


CHANGE = "Change Business Configuration"


def update_settings(actor: Actor, settings: Settings) -> Settings:
    """Validate and save (manager or above); raises ValidationError naming the field,
    or NeedsApproval, and writes nothing then. The changed fields go to the audit log;
    a save that changes nothing writes no entry."""
    with database.atomic():
        s = validate(settings)  # in the transaction: the default VAT class still exists
        require(actor, "manager", CHANGE)
        changes = audit.diff(_audited(get_settings()), _audited(s))
        if not changes:
            return s
        values = asdict(s)
        values["default_vat_class"] = values.pop("default_vat_class_id")
        updated = BusinessConfig.update(**values).where(BusinessConfig.id == 1).execute()
        if not updated:
            BusinessConfig.create(id=1, **values)
        audit.record(actor, "config", "Business Configuration", changes)
    return s


def _audited(s: Settings) -> dict:
    """The settings as the audit log names them (the default VAT class by its name too)."""
    values = asdict(s)
    vat_id = values.pop("default_vat_class_id")
    vat = VatClass.get_or_none(VatClass.id == vat_id) if vat_id is not None else None
    values["default_vat_class"] = f"{vat.name} (#{vat.id})" if vat else None
    values["discount_limit"] = Decimal(values["discount_limit"]).quantize(Decimal("0.01"))
    return values


def set_switch(actor: Actor, name: str, on: bool) -> Settings:
    s = get_settings()
    if not hasattr(s, name) or not name.startswith("show_"):
        raise ValidationError(f"There is no switch called {name}")
    setattr(s, name, on)
    return update_settings(actor, s)
