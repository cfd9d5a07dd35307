"""Customer Profiles and Customer Types: the two masters that group customers.

Also what every master shares: adding, changing, (de)activating or deleting a
master record needs a manager (or above) and writes a "master" audit entry with
the changed fields before → after, in the same transaction (``logged``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Callable, TypeVar

import peewee as pw

from tui_pos.db.models import (
    Customer, CustomerProfile, CustomerType, CustomField, Item, Sale, VatClass, database,
)
from tui_pos.money import parse_percent
from tui_pos.services import audit
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import Errors, NotFound, ValidationError, as_field
from tui_pos.services.text import checked, name_key

NAME_LENGTH = 60  # the name columns of profiles, types, VAT classes and custom fields
MAX_ID = 2**63 - 1  # what an SQLite INTEGER holds
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ProfileRow:
    """A customer profile as the screens see it."""

    id: int
    name: str
    active: bool


@dataclass(frozen=True, slots=True)
class TypeRow:
    """A customer type with its VAT class's name and rate (empty/None: the item's own)."""

    id: int
    name: str
    discount: Decimal | None
    vat_class_id: int | None
    vat_class_name: str
    vat_rate: Decimal | None
    active: bool


def profile_row(row: CustomerProfile) -> ProfileRow:
    return ProfileRow(id=row.id, name=row.name, active=row.active)


def type_row(row: CustomerType) -> TypeRow:
    vat = row.vat_class if row.vat_class_id is not None else None
    return TypeRow(id=row.id, name=row.name, discount=row.discount,
                   vat_class_id=row.vat_class_id, vat_class_name=vat.name if vat else "",
                   vat_rate=vat.rate if vat else None, active=row.active)


def _masters() -> dict[str, tuple[type[pw.Model], Callable[[int], object]]]:
    from tui_pos.services import catalog, custom_fields

    return {
        "profile": (CustomerProfile, get_profile),
        "customer_type": (CustomerType, get_type),
        "vat_class": (VatClass, catalog.get_vat_class),
        "item": (Item, catalog.get_item),
        "custom_field": (CustomField, custom_fields.get_field),
    }


# How the audit log and the approval pop-up name each master.
LABELS = {
    "profile": "Customer profile",
    "customer_type": "Customer type",
    "vat_class": "VAT class",
    "item": "Item",
    "custom_field": "Custom field",
}
# The fields of a master row the audit log compares (ids and sort keys left out).
AUDITED = {
    "profile": ("name", "active"),
    "customer_type": ("name", "discount", "vat_class_name", "active"),
    "vat_class": ("name", "rate", "active"),
    "item": ("sku", "barcode", "name", "price", "vat_class_name", "discountable",
             "is_labour", "active"),
    "custom_field": ("name", "kind", "options", "required", "active"),
}


def require_manager(actor: Actor, kind: str, verb: str = "Change") -> None:
    """Masters are a manager's: NeedsApproval("Change item") etc. for a cashier."""
    require(actor, "manager", f"{verb} {LABELS[kind].lower()}")


def logged(actor: Actor, kind: str, before: object | None, after: object | None) -> None:
    """Write the "master" audit entry of one change of a master row (None before:
    added; None after: deleted). Nothing changed: no entry. Call it in the change's
    transaction."""
    fields = AUDITED[kind]
    old = {f: asdict(before)[f] for f in fields} if before is not None else {}
    new = {f: asdict(after)[f] for f in fields} if after is not None else dict.fromkeys(old)
    changes = audit.diff(old, new)
    if not changes:
        return
    row = after if after is not None else before
    label = getattr(row, "sku", "") or getattr(row, "name", "")
    verb = "added" if before is None else "deleted" if after is None else "changed"
    audit.record(actor, "master", f"{LABELS[kind]} #{row.id} {label} {verb}", changes)


def set_active(actor: Actor, kind: str, record_id: int, active: bool):
    """(De)activate one master record — ``kind`` is profile, customer_type, vat_class,
    item or custom_field — and return it as the screens see it. Manager or above."""
    masters = _masters()
    if kind not in masters:
        raise ValidationError(f"There is no master called {kind!r}")
    model, get = masters[kind]
    with database.atomic():
        before = get(record_id)  # NotFound for an unknown id
        require_manager(actor, kind, "Activate" if active else "Deactivate")
        if before.active == bool(active):
            return before
        model.update(active=bool(active)).where(model.id == record_id).execute()
        after = get(record_id)
        logged(actor, kind, before, after)
    return after


def is_id(value: object) -> bool:
    """A record id a screen may hand over: a whole number the database can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def name_taken(model, key: str, record_id: int | None) -> bool:
    """Does another record of ``model`` have this name key?"""
    clash = model.select().where(model.name_key == key)
    if record_id is not None:
        clash = clash.where(model.id != record_id)
    return clash.exists()


def checked_name(errors: Errors, model, name: str, record_id: int | None,
                 what: str) -> tuple[str, str]:
    """The cleaned name and its key; a missing, too long or taken name is noted
    in ``errors`` at the field "name". Call it inside the write transaction."""
    value = errors.take(checked, name, what, "name", NAME_LENGTH, required=True)
    if value is None:
        return "", ""
    key = name_key(value)
    errors.check(not name_taken(model, key, record_id),
                 f"{value!r} already exists (names are unique, ignoring case)", "name")
    return value, key


def written(write: Callable[[], T], recheck: Callable[[], object], field: str = "name") -> T:
    """Run ``write`` (its checks and its write) in one transaction.

    Uniqueness is checked inside that transaction; should the database still
    refuse the row (another terminal committed the same name in between, which
    PostgreSQL allows), ``recheck`` runs the checks again, now seeing that row,
    and raises the same field error the screen shows for any clash.
    """
    try:
        with database.atomic():
            return write()
    except pw.IntegrityError:
        recheck()
        raise ValidationError("Another terminal saved a clashing record just now; "
                              "check the list and save again", field) from None


# -- Customer Profile (TruePOS) ---------------------------------------------------

def list_profiles(include_inactive: bool = True) -> list[ProfileRow]:
    query = CustomerProfile.select().order_by(CustomerProfile.name_key)
    if not include_inactive:
        query = query.where(CustomerProfile.active == True)  # noqa: E712
    return [profile_row(row) for row in query]


def _profile(profile_id: int) -> CustomerProfile:
    row = CustomerProfile.get_or_none(CustomerProfile.id == profile_id) if is_id(profile_id) \
        else None
    if row is None:
        raise NotFound("That customer profile does not exist", "profile")
    return row


def get_profile(profile_id: int) -> ProfileRow:
    return profile_row(_profile(profile_id))


def save_profile(actor: Actor, name: str, active: bool = True,
                 profile_id: int | None = None) -> ProfileRow:
    """Add (``profile_id`` None) or edit a profile (manager or above). Name required,
    unique ignoring case."""
    def checks() -> tuple[str, str]:
        errors = Errors()
        result = checked_name(errors, CustomerProfile, name, profile_id, "Profile Name")
        errors.raise_any()
        return result

    def write() -> ProfileRow:
        clean_name, key = checks()
        require_manager(actor, "profile")
        if profile_id is None:
            before = None
            row = CustomerProfile.create(name=clean_name, name_key=key, active=bool(active))
        else:
            row = _profile(profile_id)
            before = profile_row(row)
            row.name, row.name_key, row.active = clean_name, key, bool(active)
            row.save()
        logged(actor, "profile", before, profile_row(row))
        return profile_row(row)

    return written(write, checks)


def set_profile_active(actor: Actor, profile_id: int, active: bool) -> ProfileRow:
    return set_active(actor, "profile", profile_id, active)


# -- Customer Types (Lightspeed "Klanttypen") ----------------------------------------

def _types():
    return (CustomerType.select(CustomerType, VatClass)
            .join(VatClass, pw.JOIN.LEFT_OUTER).order_by(CustomerType.name_key))


def list_types(include_inactive: bool = True) -> list[TypeRow]:
    query = _types()
    if not include_inactive:
        query = query.where(CustomerType.active == True)  # noqa: E712
    return [type_row(row) for row in query]


def _type(type_id: int) -> CustomerType:
    row = _types().where(CustomerType.id == type_id).first() if is_id(type_id) else None
    if row is None:
        raise NotFound("That customer type does not exist", "customer_type")
    return row


def get_type(type_id: int) -> TypeRow:
    return type_row(_type(type_id))


def save_type(actor: Actor, name: str, discount: str | Decimal | None = None,
              vat_class_id: int | None = None, active: bool = True,
              type_id: int | None = None) -> TypeRow:
    """Add or edit a type (manager or above); every bad field is reported at once."""
    def checks() -> tuple[str, str, Decimal | None]:
        errors = Errors()
        clean_name, key = checked_name(errors, CustomerType, name, type_id, "Name")
        pct = None
        if discount not in (None, ""):
            pct = errors.take(as_field, "discount", parse_percent, discount, "Discount")
        if vat_class_id is not None:
            errors.check(is_id(vat_class_id)
                         and VatClass.get_or_none(VatClass.id == vat_class_id) is not None,
                         "That VAT class does not exist", "vat_class")
        errors.raise_any()
        return clean_name, key, pct

    def write() -> int:
        clean_name, key, pct = checks()
        require_manager(actor, "customer_type")
        if type_id is None:
            before = None
            saved = CustomerType.create(name=clean_name, name_key=key, discount=pct,
                                        vat_class=vat_class_id, active=bool(active)).id
        else:
            row = _type(type_id)
            before = type_row(row)
            row.name, row.name_key, row.discount = clean_name, key, pct
            row.vat_class, row.active = vat_class_id, bool(active)
            row.save()
            saved = row.id
        logged(actor, "customer_type", before, get_type(saved))
        return saved

    return get_type(written(write, checks))


def set_type_active(actor: Actor, type_id: int, active: bool) -> TypeRow:
    return set_active(actor, "customer_type", type_id, active)


def customers_using_type(type_id: int) -> int:
    return Customer.select().where(Customer.customer_type == type_id).count()


def delete_type(actor: Actor, type_id: int) -> None:
    """Delete a type no customer uses (manager or above); otherwise refuse with the count."""
    def checks() -> CustomerType:
        row = _type(type_id)
        used = customers_using_type(type_id)
        if used:
            raise ValidationError(
                f"{used} customer{'s' if used != 1 else ''} still "
                f"use{'s' if used == 1 else ''} the type {row.name!r}; deactivate it instead",
                "customer_type")
        if Sale.select().where(Sale.customer_type == type_id).exists():
            raise ValidationError(
                f"Past sales name the type {row.name!r}; deactivate it instead",
                "customer_type")
        return row

    def write() -> None:
        row = checks()
        require_manager(actor, "customer_type", "Delete")
        before = type_row(row)
        row.delete_instance()
        logged(actor, "customer_type", before, None)

    written(write, checks, "customer_type")
