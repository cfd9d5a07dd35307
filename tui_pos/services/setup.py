"""Setting up a new store: what it needs before the first item can be saved."""

from __future__ import annotations

from tui_pos.db.models import VatClass, database
from tui_pos.services import catalog, config
from tui_pos.services.actors import Actor

# The standard VAT classes per store locale, the first being the default.
STANDARD_VAT_CLASSES: dict[str, tuple[tuple[str, str], ...]] = {
    "nl_NL": (("Hoog", "21"), ("Laag", "9"), ("Nul", "0")),
    "nl_BE": (("Standaard", "21"), ("Verlaagd 12", "12"), ("Verlaagd 6", "6"), ("Nul", "0")),
    "de_DE": (("Regelsatz", "19"), ("Ermäßigt", "7"), ("Null", "0")),
    "fr_FR": (("Normal", "20"), ("Intermédiaire", "10"), ("Réduit", "5.5"),
              ("Particulier", "2.1"), ("Zéro", "0")),
    "en_GB": (("Standard", "20"), ("Reduced", "5"), ("Zero", "0")),
    "en_US": (("No VAT", "0"),),
}
FALLBACK_LOCALE = "nl_NL"


def standard_vat_classes(locale: str | None = None) -> tuple[tuple[str, str], ...]:
    """(name, rate) of the country's standard classes for ``locale``, default first."""
    return STANDARD_VAT_CLASSES.get(locale or FALLBACK_LOCALE,
                                    STANDARD_VAT_CLASSES[FALLBACK_LOCALE])


def create_standard_vat_classes(actor: Actor) -> dict[str, catalog.VatClassRow]:
    """Create the store country's standard VAT classes and make the first the
    default in Business Configuration, if the store has no VAT class at all.

    Returns the classes created by name (empty when the store had some). Needs a
    manager (or above), like any VAT class; each class is audited."""
    with database.atomic():
        if VatClass.select().exists():
            return {}
        settings = config.get_settings()
        created = {name: catalog.save_vat_class(actor, name, rate)
                   for name, rate in standard_vat_classes(settings.locale)}
        settings.default_vat_class_id = next(iter(created.values())).id
        config.update_settings(actor, settings)
    return created
