"""VAT classes and items: the minimum the bill needs (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from tui_pos.db.models import Item, VatClass, database
from tui_pos.money import parse_money, parse_percent
from tui_pos.services.errors import NotFound, as_field, check
from tui_pos.services.text import clean, fold, name_key


# -- VAT classes ---------------------------------------------------------------

def list_vat_classes(include_inactive: bool = False) -> list[VatClass]:
    query = VatClass.select().order_by(VatClass.rate.desc(), VatClass.name)
    if not include_inactive:
        query = query.where(VatClass.active == True)  # noqa: E712
    return list(query)


def get_vat_class(vat_class_id: int) -> VatClass:
    row = VatClass.get_or_none(VatClass.id == vat_class_id)
    if row is None:
        raise NotFound("That VAT class does not exist", "vat_class")
    return row


def save_vat_class(name: str, rate: str | Decimal, active: bool = True,
                   vat_class_id: int | None = None) -> VatClass:
    name = clean(name)
    check(bool(name), "Name is required", "name")
    check(len(name) <= 60, "Name is too long (60 characters at most)", "name")
    rate_value = as_field("rate", parse_percent, rate, "VAT rate")
    key = name_key(name)
    clash = VatClass.select().where(VatClass.name_key == key)
    if vat_class_id is not None:
        clash = clash.where(VatClass.id != vat_class_id)
    check(not clash.exists(), f"A VAT class called {name!r} already exists", "name")
    with database.atomic():
        if vat_class_id is None:
            return VatClass.create(name=name, name_key=key, rate=rate_value, active=active)
        row = get_vat_class(vat_class_id)
        row.name, row.name_key, row.rate, row.active = name, key, rate_value, active
        row.save()
        return row


# -- Items -----------------------------------------------------------------------

@dataclass
class ItemInput:
    sku: str
    name: str
    price: str | Decimal
    vat_class_id: int | None
    barcode: str = ""
    discountable: bool = True
    is_labour: bool = False
    active: bool = True


def save_item(data: ItemInput, item_id: int | None = None) -> Item:
    sku = clean(data.sku).upper()
    barcode = clean(data.barcode) or None
    name = clean(data.name)
    check(bool(sku), "SKU is required", "sku")
    check(" " not in sku and len(sku) <= 40, "SKU is one word of at most 40 characters", "sku")
    check(bool(name), "Name is required", "name")
    price = as_field("price", parse_money, data.price, "Price")
    check(data.vat_class_id is not None, "Choose a VAT class", "vat_class")
    get_vat_class(data.vat_class_id)
    if barcode is not None:
        check(barcode.isdigit() and len(barcode) <= 40, "Barcode must be digits only", "barcode")
    others = Item.select()
    if item_id is not None:
        others = others.where(Item.id != item_id)
    check(not others.where(Item.sku == sku).exists(), f"SKU {sku} is already used", "sku")
    if barcode:
        check(not others.where(Item.barcode == barcode).exists(),
              f"Barcode {barcode} is already used", "barcode")
    values = dict(sku=sku, barcode=barcode, name=name, name_key=fold(name), price=price,
                  vat_class=data.vat_class_id, discountable=data.discountable and not data.is_labour,
                  is_labour=data.is_labour, active=data.active)
    with database.atomic():
        if item_id is None:
            return Item.create(**values)
        Item.update(**values).where(Item.id == item_id).execute()
        return Item.get_by_id(item_id)


def find_item(code: str) -> Item:
    """An active item by its SKU or barcode, exactly."""
    code = clean(code)
    check(bool(code), "Type a SKU or barcode", "code")
    item = (Item.select(Item, VatClass).join(VatClass)
            .where((Item.sku == code.upper()) | (Item.barcode == code))
            .where(Item.active == True)  # noqa: E712
            .first())
    if item is None:
        raise NotFound(f"No item with SKU or barcode {code!r}", "code")
    return item


def search_items(query: str, limit: int = 20) -> list[Item]:
    """Items whose SKU, barcode or name starts with (or name contains) the query."""
    q = fold(query)
    base = (Item.select(Item, VatClass).join(VatClass)
            .where(Item.active == True))  # noqa: E712
    if not q:
        return list(base.order_by(Item.name_key).limit(limit))
    upper = q + "\U0010ffff"
    starts = base.where(
        ((Item.name_key >= q) & (Item.name_key < upper))
        | (Item.sku.startswith(q.upper())) | (Item.barcode.startswith(q))
    ).order_by(Item.name_key).limit(limit)
    found = list(starts)
    if len(found) < limit:
        seen = {i.id for i in found}
        contains = base.where(Item.name_key.contains(q)).order_by(Item.name_key).limit(limit)
        found += [i for i in contains if i.id not in seen][: limit - len(found)]
    return found


def list_items(include_inactive: bool = False, limit: int = 200, offset: int = 0) -> list[Item]:
    query = Item.select(Item, VatClass).join(VatClass).order_by(Item.sku)
    if not include_inactive:
        query = query.where(Item.active == True)  # noqa: E712
    return list(query.limit(limit).offset(offset))


def get_item(item_id: int) -> Item:
    try:
        return Item.select(Item, VatClass).join(VatClass).where(Item.id == item_id).get()
    except pw.DoesNotExist:
        raise NotFound("That item does not exist", "item") from None
