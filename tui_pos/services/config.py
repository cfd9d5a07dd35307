"""Business Configuration: the store, its money rules and feature switches."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from tui_pos.db.models import BusinessConfig, VatClass, database
from tui_pos.services.errors import ValidationError, check
from tui_pos.services.text import clean

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
    )


def validate(settings: Settings) -> Settings:
    s = Settings(**asdict(settings))
    s.store_name = clean(s.store_name)
    s.vat_number = clean(s.vat_number).upper()
    s.currency = clean(s.currency).upper()
    check(len(s.store_name) <= 120, "Store name is too long (120 characters at most)", "store_name")
    check(len(s.currency) == 3 and s.currency.isalpha(),
          "Currency must be a three-letter code such as EUR", "currency")
    check(s.locale in LOCALES, f"Locale must be one of {', '.join(LOCALES)}", "locale")
    check(s.vat_rounding in VAT_ROUNDING, "VAT rounding must be per receipt or per line",
          "vat_rounding")
    if s.vat_number:
        check(len(s.vat_number) <= 40 and s.vat_number.replace(" ", "").isalnum(),
              "VAT number may hold letters and digits only", "vat_number")
    if s.default_vat_class_id is not None:
        check(VatClass.get_or_none(VatClass.id == s.default_vat_class_id) is not None,
              "That VAT class does not exist", "default_vat_class_id")
    return s


def update_settings(settings: Settings) -> Settings:
    """Validate and save; raises ValidationError naming the field, writes nothing then."""
    s = validate(settings)
    with database.atomic():
        values = asdict(s)
        values["default_vat_class"] = values.pop("default_vat_class_id")
        updated = BusinessConfig.update(**values).where(BusinessConfig.id == 1).execute()
        if not updated:
            BusinessConfig.create(id=1, **values)
    return s


def set_switch(name: str, on: bool) -> Settings:
    s = get_settings()
    if not hasattr(s, name) or not name.startswith("show_"):
        raise ValidationError(f"There is no switch called {name}")
    setattr(s, name, on)
    return update_settings(s)
