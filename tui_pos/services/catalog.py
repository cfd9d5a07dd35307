"""VAT classes and items: the minimum the bill needs (SPEC §2).

Adding or changing either needs a manager (or above) and is audited ("master").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from tui_pos.db.models import Item, VatClass
from tui_pos.money import parse_money, parse_percent
from tui_pos.services.actors import Actor
from tui_pos.services.errors import Errors, NotFound, ValidationError, as_field, check
from tui_pos.services.masters import checked_name, is_id, logged, require_manager, written
from tui_pos.services.text import checked, fold, query_text

SKU_LENGTH = 40
BARCODE_LENGTH = 40
ITEM_NAME_LENGTH = 120


@dataclass(frozen=True, slots=True)
class VatClassRow:
    """A VAT class as the screens see it."""

    id: int
    name: str
    rate: Decimal
    active: bool


@dataclass(frozen=True, slots=True)
class ItemRow:
    """An item with its VAT class's name and rate, as the screens and the bill see it."""

    id: int
    sku: str
    barcode: str | None
    name: str
    price: Decimal
    vat_class_id: int
    vat_class_name: str
    vat_rate: Decimal
    discountable: bool
    is_labour: bool
    active: bool


def vat_class_row(row: VatClass) -> VatClassRow:
    return VatClassRow(id=row.id, name=row.name, rate=row.rate, active=row.active)


def item_row(row: Item) -> ItemRow:
    """From an Item selected together with its VatClass (no query of its own)."""
    return ItemRow(id=row.id, sku=row.sku, barcode=row.barcode, name=row.name,
                   price=row.price, vat_class_id=row.vat_class_id,
                   vat_class_name=row.vat_class.name, vat_rate=row.vat_class.rate,
                   discountable=row.discountable, is_labour=row.is_labour, active=row.active)


# -- VAT classes ---------------------------------------------------------------

def list_vat_classes(include_inactive: bool = False) -> list[VatClassRow]:
    query = VatClass.select().order_by(VatClass.rate.desc(), VatClass.name)
    if not include_inactive:
        query = query.where(VatClass.active == True)  # noqa: E712
    return [vat_class_row(row) for row in query]


def _vat_class(vat_class_id: int) -> VatClass:
    row = VatClass.get_or_none(VatClass.id == vat_class_id) if is_id(vat_class_id) else None
    if row is None:
        raise NotFound("That VAT class does not exist", "vat_class")
    return row


def get_vat_class(vat_class_id: int) -> VatClassRow:
    return vat_class_row(_vat_class(vat_class_id))


def save_vat_class(actor: Actor, name: str, rate: str | Decimal, active: bool = True,
                   vat_class_id: int | None = None) -> VatClassRow:
    """Add or edit a VAT class (manager or above): a unique name and a rate 0–100 %."""
    def checks() -> tuple[str, str, Decimal]:
        errors = Errors()
        clean_name, key = checked_name(errors, VatClass, name, vat_class_id, "Name")
        rate_value = errors.take(as_field, "rate", parse_percent, rate, "VAT rate")
        errors.raise_any()
        return clean_name, key, rate_value

    def write() -> VatClassRow:
        clean_name, key, rate_value = checks()
        require_manager(actor, "vat_class")
        if vat_class_id is None:
            before = None
            row = VatClass.create(name=clean_name, name_key=key, rate=rate_value,
                                  active=bool(active))
        else:
            row = _vat_class(vat_class_id)
            before = vat_class_row(row)
            row.name, row.name_key, row.rate = clean_name, key, rate_value
            row.active = bool(active)
            row.save()
        logged(actor, "vat_class", before, vat_class_row(row))
        return vat_class_row(row)

    return written(write, checks)


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


SKU_RE = re.compile(r"[!-)+-~]+")  # printable ASCII but space and '*' (3*SKU means three)


def _sku(typed: str) -> str:
    sku = checked(typed, "SKU", "sku", SKU_LENGTH, required=True).upper()
    check(" " not in sku and len(sku) <= SKU_LENGTH,
          f"SKU is one word of at most {SKU_LENGTH} characters", "sku")
    check(bool(SKU_RE.fullmatch(sku)),
          "SKU may hold letters A-Z, digits and signs such as - . / _ (as a scanner types "
          "them), not '*'", "sku")
    return sku


def _barcode(typed: str) -> str | None:
    barcode = checked(typed, "Barcode", "barcode", BARCODE_LENGTH)
    check(barcode.isascii() and (barcode.isdigit() or not barcode),
          "Barcode must be digits only", "barcode")
    return barcode or None


def taken(column: pw.Field, value: str, item_id: int | None) -> bool:
    """Does another item have this SKU or barcode?"""
    others = Item.select().where(column == value)
    if item_id is not None:
        others = others.where(Item.id != item_id)
    return others.exists()


def _item_values(data: ItemInput, item_id: int | None) -> dict:
    """The columns of an item, or every bad field at once (ValidationErrors).
    Run inside the write transaction: it checks SKU and barcode are free."""
    errors = Errors()
    sku = errors.take(_sku, data.sku)
    if sku:
        errors.check(not taken(Item.sku, sku, item_id), f"SKU {sku} is already used", "sku")
    barcode = errors.take(_barcode, data.barcode)
    if barcode:
        errors.check(not taken(Item.barcode, barcode, item_id),
                     f"Barcode {barcode} is already used", "barcode")
    name = errors.take(checked, data.name, "Name", "name", ITEM_NAME_LENGTH, required=True)
    price = errors.take(as_field, "price", parse_money, data.price, "Price")
    if data.vat_class_id is None:
        errors.add(ValidationError("Choose a VAT class", "vat_class"))
    else:
        errors.take(_vat_class, data.vat_class_id)
    errors.raise_any()
    is_labour = bool(data.is_labour)
    return dict(sku=sku, barcode=barcode, name=name, name_key=fold(name)[:ITEM_NAME_LENGTH],
                price=price, vat_class=data.vat_class_id,
                discountable=bool(data.discountable) and not is_labour,
                is_labour=is_labour, active=bool(data.active))


def save_item(actor: Actor, data: ItemInput, item_id: int | None = None) -> ItemRow:
    """Add or edit an item (manager or above); SKU and barcode are checked for clashes
    inside the write."""
    def write() -> int:
        values = _item_values(data, item_id)
        require_manager(actor, "item")
        if item_id is None:
            before, saved = None, Item.create(**values).id
        else:
            before, saved = get_item(item_id), item_id
            Item.update(**values).where(Item.id == item_id).execute()
        logged(actor, "item", before, get_item(saved))
        return saved

    return get_item(written(write, lambda: _item_values(data, item_id), "sku"))


def find_item(code: str) -> ItemRow:
    """An active item by its SKU or barcode, exactly."""
    code = query_text(code if isinstance(code, str) else "")
    check(bool(code), "Type a SKU or barcode", "code")
    item = (Item.select(Item, VatClass).join(VatClass)
            .where((Item.sku == code.upper()) | (Item.barcode == code))
            .where(Item.active == True)  # noqa: E712
            .first())
    if item is None:
        raise NotFound(f"No item with SKU or barcode {code!r}", "code")
    return item_row(item)


def search_items(query: str, limit: int = 20) -> list[ItemRow]:
    """Items whose SKU, barcode or name starts with (or name contains) the query."""
    q = fold(query_text(query if isinstance(query, str) else ""))
    base = (Item.select(Item, VatClass).join(VatClass)
            .where(Item.active == True))  # noqa: E712
    if not q:
        return [item_row(i) for i in base.order_by(Item.name_key).limit(limit)]
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
    return [item_row(i) for i in found]


def list_items(include_inactive: bool = False, limit: int = 200,
               after: str | None = None) -> list[ItemRow]:
    """Items by SKU, ``limit`` at a time; the next page starts after the last row's SKU
    (keyset on the unique SKU index, so the last page costs what the first does)."""
    query = Item.select(Item, VatClass).join(VatClass).order_by(Item.sku)
    if not include_inactive:
        query = query.where(Item.active == True)  # noqa: E712
    if after is not None:
        query = query.where(Item.sku > after)
    return [item_row(i) for i in query.limit(limit)]


def largest_price() -> Decimal:
    """The largest price of any item (inactive ones too), so that a price column
    can be made wide enough for every page of the list."""
    # peewee converts MAX/MIN of a MoneyField back to Decimal (the column's own converter)
    prices = Item.select(pw.fn.MAX(Item.price), pw.fn.MIN(Item.price)).tuples().first()
    if not prices or prices[0] is None:
        return Decimal(0)
    return max(abs(p) for p in prices)


def get_item(item_id: int) -> ItemRow:
    item = (Item.select(Item, VatClass).join(VatClass).where(Item.id == item_id).first()
            if is_id(item_id) else None)
    if item is None:
        raise NotFound("That item does not exist", "item")
    return item_row(item)
