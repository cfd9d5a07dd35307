"""Customer Profiles and Customer Types: the two masters that group customers."""

from __future__ import annotations

from decimal import Decimal

import peewee as pw

from tui_pos.db.models import Customer, CustomerProfile, CustomerType, VatClass, database
from tui_pos.money import parse_percent
from tui_pos.services.errors import NotFound, ValidationError, as_field, check
from tui_pos.services.text import clean, name_key


def set_active(row: pw.Model, active: bool) -> pw.Model:
    """(De)activate one master record: profile, type, VAT class, item, custom field."""
    with database.atomic():
        type(row).update(active=active).where(type(row).id == row.id).execute()
    row.active = active
    return row


def _checked_name(model, name: str, record_id: int | None, what: str) -> tuple[str, str]:
    name = clean(name)
    check(bool(name), f"{what} is required", "name")
    check(len(name) <= 60, f"{what} is too long (60 characters at most)", "name")
    key = name_key(name)
    clash = model.select().where(model.name_key == key)
    if record_id is not None:
        clash = clash.where(model.id != record_id)
    check(not clash.exists(), f"{name!r} already exists (names are unique, ignoring case)",
          "name")
    return name, key


# -- Customer Profile (TruePOS) ---------------------------------------------------

def list_profiles(include_inactive: bool = True) -> list[CustomerProfile]:
    query = CustomerProfile.select().order_by(CustomerProfile.name_key)
    if not include_inactive:
        query = query.where(CustomerProfile.active == True)  # noqa: E712
    return list(query)


def get_profile(profile_id: int) -> CustomerProfile:
    row = CustomerProfile.get_or_none(CustomerProfile.id == profile_id)
    if row is None:
        raise NotFound("That customer profile does not exist", "profile")
    return row


def save_profile(name: str, active: bool = True, profile_id: int | None = None) -> CustomerProfile:
    """Add (``profile_id`` None) or edit a profile. Name required, unique ignoring case."""
    name, key = _checked_name(CustomerProfile, name, profile_id, "Profile Name")
    with database.atomic():
        if profile_id is None:
            return CustomerProfile.create(name=name, name_key=key, active=active)
        row = get_profile(profile_id)
        row.name, row.name_key, row.active = name, key, active
        row.save()
        return row


def set_profile_active(profile_id: int, active: bool) -> CustomerProfile:
    return set_active(get_profile(profile_id), active)


# -- Customer Types (Lightspeed "Klanttypen") ----------------------------------------

def list_types(include_inactive: bool = True) -> list[CustomerType]:
    query = (CustomerType.select(CustomerType, VatClass)
             .join(VatClass, pw.JOIN.LEFT_OUTER).order_by(CustomerType.name_key))
    if not include_inactive:
        query = query.where(CustomerType.active == True)  # noqa: E712
    return list(query)


def get_type(type_id: int) -> CustomerType:
    row = CustomerType.get_or_none(CustomerType.id == type_id)
    if row is None:
        raise NotFound("That customer type does not exist", "customer_type")
    return row


def save_type(name: str, discount: str | Decimal | None = None,
              vat_class_id: int | None = None, active: bool = True,
              type_id: int | None = None) -> CustomerType:
    name, key = _checked_name(CustomerType, name, type_id, "Name")
    pct = None
    if discount not in (None, ""):
        pct = as_field("discount", parse_percent, discount, "Discount")
    if vat_class_id is not None:
        check(VatClass.get_or_none(VatClass.id == vat_class_id) is not None,
              "That VAT class does not exist", "vat_class")
    with database.atomic():
        if type_id is None:
            return CustomerType.create(name=name, name_key=key, discount=pct,
                                       vat_class=vat_class_id, active=active)
        row = get_type(type_id)
        row.name, row.name_key, row.discount = name, key, pct
        row.vat_class, row.active = vat_class_id, active
        row.save()
        return row


def set_type_active(type_id: int, active: bool) -> CustomerType:
    return set_active(get_type(type_id), active)


def customers_using_type(type_id: int) -> int:
    return Customer.select().where(Customer.customer_type == type_id).count()


def delete_type(type_id: int) -> None:
    """Delete a type no customer uses; otherwise refuse with the count."""
    row = get_type(type_id)
    used = customers_using_type(type_id)
    if used:
        raise ValidationError(
            f"{used} customer{'s' if used != 1 else ''} still use{'s' if used == 1 else ''} "
            f"the type {row.name!r}; deactivate it instead", "customer_type")
    from tui_pos.db.models import Sale

    if Sale.select().where(Sale.customer_type == type_id).exists():
        raise ValidationError(
            f"Past sales name the type {row.name!r}; deactivate it instead", "customer_type")
    with database.atomic():
        row.delete_instance()
