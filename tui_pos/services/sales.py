"""The Sales Bill: an open bill in memory, priced on every change, and
``complete_sale`` that saves it in one transaction with the next number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Sequence as SequenceOf

import peewee as pw

from tui_pos.db import bulk
from tui_pos.db.models import (
    BusinessConfig, Customer, CustomerProfile, CustomerType, Sale, SaleLine, SaleVat,
    Sequence, VatClass, WebOrder, database, now,
)
from tui_pos.money import format_money, format_percent, parse_money, parse_percent, \
    parse_quantity
from tui_pos.money import MAX_MONEY, MAX_QUANTITY
from tui_pos.services import audit, catalog, config, item_sales, register
from tui_pos.services import tenders as tendering
from tui_pos.services import printing, receipt_text as receipt_layout
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import NeedsApproval, NotFound, ValidationError, as_field, check
from tui_pos.services.pricing import (
    LineInput, PricedBill, PricingContext, VatChoice, price_bill,
)
from tui_pos.services.receipts import ReceiptNotSaved, write_receipt
from tui_pos.services.tenders import PaymentRow, TenderInput
from tui_pos.services.text import printable

COUNTER_METHODS = ("cash", "card")  # what the payment screen offers
WEB_SHOP = "web shop"  # paid online; recorded by `tui-pos import orders` (services/webshop)
PAYMENT_METHODS = (*COUNTER_METHODS, WEB_SHOP)


@dataclass
class DraftLine:
    item_id: int
    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    item_vat: VatChoice
    discountable: bool
    is_labour: bool = False
    discount_override: Decimal | None = None
    vat_override: VatChoice | None = None
    vat_override_id: int | None = None
    # Who approved an override beyond the limit (the approved actor), kept until the
    # sale's audit entry is written; dropped when the override goes back within it.
    discount_approval: Actor | None = None
    vat_approval: Actor | None = None

    def as_input(self) -> LineInput:
        return LineInput(self.quantity, self.unit_price, self.item_vat, self.discountable,
                         self.discount_override, self.vat_override)


@dataclass
class AttachedCustomer:
    id: int
    number: str
    name: str
    type_id: int | None
    type_name: str
    type_discount: Decimal | None
    type_vat: VatChoice | None
    discount: Decimal | None
    vat: VatChoice | None
    profile_id: int | None
    credit_limit: Decimal | None


def _vat_choice(vat_class_id: int | None) -> VatChoice | None:
    if vat_class_id is None:
        return None
    if not isinstance(vat_class_id, int) or isinstance(vat_class_id, bool):
        return None
    vc = VatClass.get_or_none(VatClass.id == vat_class_id)
    return VatChoice(vc.name, vc.rate) if vc else None


def attach_info(customer_id: int, use_type: bool | None = None) -> AttachedCustomer:
    """The customer as the bill needs them.

    With *Show Customer Type* off (``use_type`` False; by default the switch
    decides) customer types are not used: the type's discount and VAT class do
    not apply and the sale does not record a type.
    """
    if use_type is None:
        use_type = config.get_settings().show_customer_type
    customer = None
    if isinstance(customer_id, int) and not isinstance(customer_id, bool):
        customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise NotFound("That customer does not exist", "customer")
    check(customer.active, f"{customer.display_name} is deactivated", "customer")
    ctype = None
    if use_type and customer.customer_type_id:
        ctype = CustomerType.get_or_none(CustomerType.id == customer.customer_type_id)
    return AttachedCustomer(
        id=customer.id, number=customer.number, name=customer.display_name,
        type_id=ctype.id if ctype else None, type_name=ctype.name if ctype else "",
        type_discount=ctype.discount if ctype else None,
        type_vat=_vat_choice(ctype.vat_class_id) if ctype else None,
        discount=customer.discount, vat=_vat_choice(customer.vat_class_id),
        profile_id=customer.profile_id, credit_limit=customer.credit_limit,
    )


def is_item_code(text: str) -> bool:
    """Whether ``text`` is exactly an active item's SKU or barcode (a scan)."""
    try:
        catalog.find_item(text)
    except ValidationError:
        return False
    return True


LINE_TOO_LARGE = f"The line would be too large (an amount must stay under {MAX_MONEY:,.0f})"
BILL_TOO_LARGE = f"The bill would be too large (its total must stay under {MAX_MONEY:,.0f})"
QUANTITY_TOO_LARGE = f"The line would be too large (a quantity under {MAX_QUANTITY:,.0f})"


# -- Overrides beyond the limit need a manager -------------------------------------------

@dataclass(frozen=True)
class OverrideRules:
    """Business Configuration's limits on the cashier's overrides (schema 4)."""

    discount_limit: Decimal  # a line or bill discount above this needs a manager
    vat_needs_manager: bool  # any VAT override needs a manager


def override_rules(settings: config.Settings | None = None) -> OverrideRules:
    """The discount limit and the VAT-override switch, from the settings when they
    carry them, else from the configuration row."""
    if settings is not None and hasattr(settings, "discount_limit"):
        return OverrideRules(Decimal(settings.discount_limit),
                             bool(getattr(settings, "vat_override_needs_manager", True)))
    row = BusinessConfig.get_or_none(BusinessConfig.id == 1) or BusinessConfig(id=1)
    return OverrideRules(Decimal(row.discount_limit), bool(row.vat_override_needs_manager))


def approval_for(actor: Actor, action: str) -> Actor | None:
    """An override that needs a manager, by ``actor``: None when the actor is a
    manager themselves, the actor (with its approver) when a manager approved it;
    ``NeedsApproval(action)`` when nobody has yet."""
    require(actor, "manager", action)
    return None if actor.unapproved().may("manager") else actor


@dataclass(frozen=True)
class ApprovedOverride:
    """One override a manager approved, as the sale's audit entry records it."""

    actor: Actor  # who asked, with the approver
    what: str  # "line 1 COF-250: discount 30 %"
    changes: dict


@dataclass
class SaleDraft:
    """The bill in front of the cashier. Every change re-prices it (``priced``).

    No change can make a line or the bill larger than the sale's columns hold
    (``MAX_MONEY``): such a change is refused and the bill stays as it was.
    """

    prices_include_vat: bool = True
    vat_rounding: str = "receipt"
    lines: list[DraftLine] = field(default_factory=list)
    customer: AttachedCustomer | None = None
    profile_id: int | None = None
    bill_discount: Decimal | None = None
    bill_vat: VatChoice | None = None
    bill_vat_id: int | None = None
    bill_discount_approval: Actor | None = None
    bill_vat_approval: Actor | None = None
    settings: config.Settings | None = field(default=None, repr=False, compare=False)
    _priced: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def new(cls) -> "SaleDraft":
        s = config.get_settings()
        return cls(prices_include_vat=s.prices_include_vat, vat_rounding=s.vat_rounding,
                   settings=s)

    # -- what is on it ------------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return not self.lines and self.customer is None

    @property
    def uses_types(self) -> bool:
        """Business Configuration's *Show Customer Type*: off = types are not used."""
        settings = self.settings or config.get_settings()
        return settings.show_customer_type

    def context(self) -> PricingContext:
        c = self.customer
        return PricingContext(
            prices_include_vat=self.prices_include_vat, vat_rounding=self.vat_rounding,
            customer_discount=c.discount if c else None, customer_vat=c.vat if c else None,
            type_discount=c.type_discount if c else None, type_vat=c.type_vat if c else None,
            bill_discount=self.bill_discount, bill_vat=self.bill_vat,
        )

    def priced(self) -> PricedBill:
        """The bill priced; priced again only when something that prices it changed."""
        key = (self.context(), tuple(line.as_input() for line in self.lines))
        if self._priced is None or self._priced[0] != key:
            self._priced = (key, price_bill(list(key[1]), key[0]))
        return self._priced[1]

    # -- keeping it within what a sale holds -----------------------------------------------
    BILL_STATE = ("customer", "profile_id", "bill_discount", "bill_vat", "bill_vat_id",
                  "bill_discount_approval", "bill_vat_approval")

    def _snapshot(self) -> tuple:
        return ([(line, replace(line)) for line in self.lines],
                {name: getattr(self, name) for name in self.BILL_STATE})

    def _restore(self, before: tuple) -> None:
        lines, state = before
        for name, value in state.items():
            setattr(self, name, value)
        for line, was in lines:
            vars(line).update(vars(was))
        self.lines[:] = [line for line, _ in lines]

    def _within_limits(self, change, field_name: str):
        """Make ``change()``; refuse it, and undo it, if a line or the bill would
        hold an amount the sale's columns cannot."""
        before = self._snapshot()
        result = change()
        problem = self._too_large()
        if problem:
            self._restore(before)
            raise ValidationError(problem, field_name)
        return result

    def _all_or_nothing(self, *changes) -> None:
        """Make each change; if one is refused, or any needs a manager, undo them all.
        Everything that needs a manager is asked at once (one PIN approves it all)."""
        before = self._snapshot()
        needed: list[NeedsApproval] = []
        try:
            for change in changes:
                try:
                    change()
                except NeedsApproval as asked:
                    needed.append(asked)
        except ValidationError:
            self._restore(before)
            raise
        if needed:
            self._restore(before)
            raise NeedsApproval(" and ".join(n.action for n in needed), needed[0].role)

    @property
    def rules(self) -> OverrideRules:
        return override_rules(self.settings)

    def _too_large(self) -> str | None:
        bill = self.priced()
        for line in bill.lines:
            if max(abs(line.gross), abs(line.amount)) >= MAX_MONEY:
                return LINE_TOO_LARGE
        totals = (bill.gross_total, bill.subtotal, bill.vat_total, bill.total)
        if max(abs(amount) for amount in totals) >= MAX_MONEY:
            return BILL_TOO_LARGE
        return None

    # -- customer and profile ---------------------------------------------------------
    def set_customer(self, customer_id: int | None) -> None:
        """Attach (or with None remove) a customer; the profile follows theirs."""
        if customer_id is None:
            self.customer = None
            self.profile_id = None
            return
        customer = attach_info(customer_id, use_type=self.uses_types)
        profile = customer.profile_id
        if profile is not None and not CustomerProfile.select().where(
                (CustomerProfile.id == profile) & (CustomerProfile.active == True)).exists():  # noqa: E712
            profile = None

        def attach() -> None:
            self.customer, self.profile_id = customer, profile

        self._within_limits(attach, "customer")

    def set_profile(self, profile_id: int | None) -> None:
        if profile_id is not None:
            profile = None
            if isinstance(profile_id, int) and not isinstance(profile_id, bool):
                profile = CustomerProfile.get_or_none(CustomerProfile.id == profile_id)
            check(profile is not None, "That customer profile does not exist", "profile")
            check(profile.active, f"The profile {profile.name!r} is inactive", "profile")
        self.profile_id = profile_id

    # -- lines ------------------------------------------------------------------------
    def add_entry(self, entry: str, quantity: str | Decimal = "1") -> DraftLine:
        """What the item field got: a SKU or barcode, or ``3*SKU`` (three of it;
        a quantity typed there wins over ``quantity`` and is refused at "code")."""
        if not isinstance(entry, str):
            raise ValidationError("Type a SKU or barcode", "code")
        if "*" in entry:
            typed, _, entry = entry.partition("*")
            try:
                quantity = parse_quantity(typed)
            except ValidationError as error:
                raise ValidationError(error.message, "code") from None
        return self.add_item(entry, quantity)

    def add_item(self, code: str, quantity: str | Decimal = "1",
                 unit_price: str | Decimal | None = None) -> DraftLine:
        """Add by SKU or barcode. Scanning the same item again adds to its line.

        ``unit_price``: a price agreed elsewhere (a paid web-shop order) instead
        of the shelf price; lines merge only at the same price."""
        qty = as_field("quantity", parse_quantity, quantity)
        item = catalog.find_item(code)
        if unit_price is not None:
            item = replace(item, price=as_field("price", parse_money, unit_price, "Unit price"))
        return self._within_limits(lambda: self._add(item, qty), "quantity")

    def add_item_id(self, item_id: int, quantity: str | Decimal = "1") -> DraftLine:
        qty = as_field("quantity", parse_quantity, quantity)
        item = catalog.get_item(item_id)
        check(item.active, f"{item.name} is no longer sold", "code")
        return self._within_limits(lambda: self._add(item, qty), "quantity")

    def _add(self, item: catalog.ItemRow, qty: Decimal) -> DraftLine:
        for line in self.lines:
            if (line.item_id == item.id and line.discount_override is None
                    and line.vat_override is None and line.unit_price == item.price):
                new_qty = line.quantity + qty
                check(new_qty != 0, "That would make the quantity zero; remove the line instead",
                      "quantity")
                check(abs(new_qty) < MAX_QUANTITY, QUANTITY_TOO_LARGE, "quantity")
                line.quantity = new_qty
                return line
        line = DraftLine(item_id=item.id, sku=item.sku, name=item.name, quantity=qty,
                         unit_price=item.price,
                         item_vat=VatChoice(item.vat_class_name, item.vat_rate),
                         discountable=item.discountable and not item.is_labour,
                         is_labour=item.is_labour)
        self.lines.append(line)
        return line

    def _line(self, index: int) -> DraftLine:
        if (not isinstance(index, int) or isinstance(index, bool)
                or not 0 <= index < len(self.lines)):
            raise ValidationError("There is no such line on the bill", "line")
        return self.lines[index]

    def set_quantity(self, index: int, quantity: str | Decimal) -> None:
        line = self._line(index)
        qty = as_field("quantity", parse_quantity, quantity)

        def change() -> None:
            line.quantity = qty

        self._within_limits(change, "quantity")

    def remove_line(self, index: int) -> None:
        self._line(index)
        del self.lines[index]

    def set_line_discount(self, actor: Actor, index: int,
                          percent: str | Decimal | None) -> None:
        """The cashier's discount on one line; None or '' takes the override off.
        Above Business Configuration's limit it needs a manager (``NeedsApproval``)."""
        line = self._line(index)
        if _blank(percent):
            line.discount_override = line.discount_approval = None
            return
        value = as_field("discount", parse_percent, percent, "Discount")
        check(line.discountable, f"{line.name} is not discountable", "discount")
        if value == line.discount_override:
            return  # unchanged: an approval it had stands
        approval = None
        limit = self.rules.discount_limit
        if value > limit:
            approval = approval_for(actor, f"{format_percent(value)} discount on {line.name} "
                                           f"(above {format_percent(limit)})")
        line.discount_override, line.discount_approval = value, approval

    def set_line_vat(self, actor: Actor, index: int, vat_class_id: int | None) -> None:
        """A VAT class for one line (None: automatic); a manager's when the
        configuration says VAT overrides need one."""
        line = self._line(index)
        choice = _vat_choice(vat_class_id)
        check(vat_class_id is None or choice is not None, "That VAT class does not exist", "vat")
        new_id = vat_class_id if choice else None
        if new_id == line.vat_override_id and choice == line.vat_override:
            return  # unchanged
        approval = None
        if choice is not None and self.rules.vat_needs_manager:
            approval = approval_for(actor, f"VAT {choice.name} on {line.name}")

        def change() -> None:
            line.vat_override, line.vat_override_id, line.vat_approval = choice, new_id, approval

        self._within_limits(change, "vat")

    def edit_line(self, actor: Actor, index: int, quantity: str | Decimal,
                  discount: str | Decimal | None, vat_class_id: int | None) -> None:
        """The line pop-up's fields at once: all applied, or (refused, or waiting
        for a manager) none of them."""
        self._all_or_nothing(lambda: self.set_quantity(index, quantity),
                             lambda: self.set_line_discount(actor, index, discount),
                             lambda: self.set_line_vat(actor, index, vat_class_id))

    def set_bill_discount(self, actor: Actor, percent: str | Decimal | None) -> None:
        """A discount on the whole bill; above the limit it needs a manager."""
        if _blank(percent):
            self.bill_discount = self.bill_discount_approval = None
            return
        value = as_field("discount", parse_percent, percent, "Bill discount")
        if value == self.bill_discount:
            return
        approval = None
        limit = self.rules.discount_limit
        if value > limit:
            approval = approval_for(actor, f"{format_percent(value)} discount on the bill "
                                           f"(above {format_percent(limit)})")
        self.bill_discount, self.bill_discount_approval = value, approval

    def set_bill_vat(self, actor: Actor, vat_class_id: int | None) -> None:
        choice = _vat_choice(vat_class_id)
        check(vat_class_id is None or choice is not None, "That VAT class does not exist", "vat")
        new_id = vat_class_id if choice else None
        if new_id == self.bill_vat_id and choice == self.bill_vat:
            return
        approval = None
        if choice is not None and self.rules.vat_needs_manager:
            approval = approval_for(actor, f"VAT {choice.name} on the whole bill")

        def change() -> None:
            self.bill_vat, self.bill_vat_id, self.bill_vat_approval = choice, new_id, approval

        self._within_limits(change, "vat")

    def adjust_bill(self, actor: Actor, discount: str | Decimal | None,
                    vat_class_id: int | None) -> None:
        """The bill pop-up's discount and VAT at once: both applied, or neither."""
        self._all_or_nothing(lambda: self.set_bill_discount(actor, discount),
                             lambda: self.set_bill_vat(actor, vat_class_id))

    def approvals(self, actor: Actor) -> list[ApprovedOverride]:
        """The overrides beyond the limits, each with its manager's approval: the one
        given when it was made, else ``actor``'s own right or approver
        (``NeedsApproval`` when there is none). Empty when nothing needs one."""
        rules = self.rules
        found: list[ApprovedOverride] = []

        def need(given: Actor | None, action: str, what: str, changes: dict) -> None:
            approved = given if given is not None else approval_for(actor, action)
            if approved is not None:
                found.append(ApprovedOverride(approved, what, changes))

        for n, line in enumerate(self.lines, 1):
            where = f"line {n} {line.sku}"
            if line.discount_override is not None and line.discount_override > rules.discount_limit:
                pct = format_percent(line.discount_override)
                need(line.discount_approval, f"{pct} discount on {line.name}",
                     f"{where}: discount {pct}",
                     {"discount": [None, str(line.discount_override)]})
            if line.vat_override is not None and rules.vat_needs_manager:
                need(line.vat_approval, f"VAT {line.vat_override.name} on {line.name}",
                     f"{where}: VAT {line.vat_override.name}",
                     {"vat": [line.item_vat.name, line.vat_override.name]})
        if self.bill_discount is not None and self.bill_discount > rules.discount_limit:
            pct = format_percent(self.bill_discount)
            need(self.bill_discount_approval, f"{pct} discount on the bill",
                 f"bill: discount {pct}", {"bill_discount": [None, str(self.bill_discount)]})
        if self.bill_vat is not None and rules.vat_needs_manager:
            need(self.bill_vat_approval, f"VAT {self.bill_vat.name} on the whole bill",
                 f"bill: VAT {self.bill_vat.name}", {"bill_vat": [None, self.bill_vat.name]})
        return found


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- Completing a sale -----------------------------------------------------------------

@dataclass(frozen=True)
class CompletedSale:
    id: int
    number: int
    total: Decimal
    paid: Decimal
    change: Decimal
    receipt_text: str
    receipt_path: str | None
    receipt_error: str | None = None  # the file could not be written (the sale is saved)
    payments: tuple[PaymentRow, ...] = ()


SALE_FIELDS = (
    Sale.number, Sale.created_at, Sale.business_date, Sale.status, Sale.cashier, Sale.staff,
    Sale.terminal, Sale.customer,
    Sale.customer_number, Sale.customer_name, Sale.customer_type, Sale.customer_type_name,
    Sale.profile, Sale.profile_name, Sale.prices_include_vat, Sale.bill_discount,
    Sale.subtotal, Sale.discount_total, Sale.vat_total, Sale.total, Sale.paid, Sale.change,
    Sale.receipt_text, Sale.kind, Sale.register_session,
)
LINE_FIELDS = (
    SaleLine.sale, SaleLine.position, SaleLine.item, SaleLine.sku, SaleLine.name,
    SaleLine.quantity, SaleLine.unit_price, SaleLine.discountable, SaleLine.gross,
    SaleLine.discount_percent, SaleLine.discount_source, SaleLine.discount_amount,
    SaleLine.vat_class_name, SaleLine.vat_rate, SaleLine.vat_source, SaleLine.amount,
    SaleLine.bill_discount_percent, SaleLine.bill_discount_amount,
)
PROFILE_FIELDS = (CustomerProfile.name, CustomerProfile.active)
VAT_FIELDS = (SaleVat.sale, SaleVat.rate, SaleVat.base, SaleVat.vat, SaleVat.total)
PAYMENT_FIELDS = tendering.PAYMENT_FIELDS  # with tender_method and voucher (schema 6)
WEB_ORDER_FIELDS = (WebOrder.order_number, WebOrder.sale, WebOrder.imported_at)


@dataclass(frozen=True)
class SaleHeader:
    """What a sale records about who and when — snapshots, not live joins."""

    created_at: dt.datetime
    cashier: str
    customer_id: int | None
    customer_number: str
    customer_name: str
    customer_type_id: int | None
    customer_type_name: str
    profile_id: int | None
    profile_name: str
    paid: Decimal
    change: Decimal
    staff_id: int | None = None
    terminal: str = ""


def parse_tender(text: str | Decimal, total: Decimal) -> Decimal:
    """Cash handed over; empty means exactly the total. Bounded like every
    amount of a sale, and so is the change it leaves."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return total
    paid = as_field("tendered", parse_money, text, "Cash received", allow_negative=total < 0)
    check(abs(paid - total) < MAX_MONEY, "Cash received is too large for this bill", "tendered")
    return paid


def change_due(total: Decimal, tendered: str | Decimal) -> Decimal:
    """Change to hand back (negative: the customer is short)."""
    return parse_tender(tendered, total) - total


def complete_sale(actor: Actor, draft: SaleDraft,
                  tenders: SequenceOf[TenderInput] | None = None,
                  receipts_dir: str | Path | None = None, at: dt.datetime | None = None,
                  web_order: str | None = None, *, tendered: str | Decimal = "",
                  method: str = "cash") -> CompletedSale:
    """Save the bill as a sale — all of it or nothing — with the next number.

    ``tenders``: how it is paid (``TenderInput``s, split as ``tendering.settle``
    says); without them the old one-tender form: ``method`` "cash" (``tendered``
    handed over, empty = exact), "card" or "web shop".
    The sale records ``actor`` as its cashier (name, staff member, terminal) and
    the terminal's open register session. Overrides beyond the limits need a
    manager's approval (given on the bill, or ``actor``'s own); each approved one
    gets an "approval" audit entry in the sale's own transaction. ``web_order``:
    the web-shop order number this sale records, written in the sale's own
    transaction (``WebOrder``), so neither is ever saved without the other."""
    require(actor, "cashier", "Complete a sale")
    check(bool(draft.lines), "The bill has no lines", "code")
    if isinstance(tenders, (str, Decimal)):  # the old positional form (tendered)
        tenders, tendered = None, tenders
    bill = draft.priced()
    total = bill.total
    settings = draft.settings or config.get_settings()
    rounding = bool(getattr(settings, "cash_rounding", False))
    if tenders is None:
        tenders = _one_tender(tendered, method, total, rounding)
    payments = tendering.settle(total, tenders, rounding)
    customer = draft.customer
    if any(p.kind == "account" for p in payments):
        check(customer is not None, "On account needs a customer on the bill — attach one "
              "first (F2)", "method")
    paid, change = tendering.paid_and_change(payments)
    profile_name = ""
    if draft.profile_id is not None:  # still there and active? (SQL built once: hot path)
        profile = bulk.select_one(CustomerProfile, PROFILE_FIELDS, CustomerProfile.id,
                                  draft.profile_id)
        check(profile is not None, "That customer profile does not exist", "profile")
        profile_name, active = profile
        check(active, f"The profile {profile_name!r} is inactive", "profile")
    approvals = draft.approvals(actor)  # NeedsApproval before anything is written
    created = at or now()
    header = SaleHeader(
        created_at=created, cashier=printable(actor.name)[:60],
        staff_id=actor.staff_id, terminal=printable(actor.terminal)[:60],
        customer_id=customer.id if customer else None,
        customer_number=customer.number if customer else "",
        customer_name=customer.name if customer else "",
        customer_type_id=customer.type_id if customer else None,
        customer_type_name=customer.type_name if customer else "",
        profile_id=draft.profile_id,
        profile_name=profile_name,
        paid=paid, change=change,
    )
    # One transaction, a few statements whose SQL text is built once (db.bulk).
    try:
        number, sale_id, text = _save_sale(draft, bill, header, settings, payments, total,
                                           web_order, approvals, actor)
    except pw.OperationalError as exc:  # e.g. the database stayed locked: nothing was written
        raise ValidationError(f"The sale could not be saved ({exc}); the bill is still open "
                              "— try again.", "method") from None
    except pw.IntegrityError:  # the unique order number: recorded before (nothing written)
        if web_order is None:
            raise
        raise ValidationError(f"Web-shop order {web_order} is already recorded",
                              "web_order") from None
    path, error = save_receipt(number, text, receipts_dir)
    return CompletedSale(sale_id, number, total, header.paid, header.change, text, path, error,
                         tuple(payments))


def _one_tender(tendered: str | Decimal, method: str, total: Decimal,
                rounding: bool) -> list[TenderInput]:
    """The old form — one method by its name, cash handed over — as a tender list,
    refused with the old messages."""
    check(method in PAYMENT_METHODS, f"Payment method must be one of "
          f"{', '.join(PAYMENT_METHODS)}", "method")
    if method == "cash":
        paid = parse_tender(tendered, total)
        due = tendering.round_cash(total) if rounding else total
        if total >= 0 and not _blank(tendered):
            check(paid >= due, f"Cash received {format_money(paid)} is less than the total "
                  f"{format_money(due)}", "tendered")
        return [TenderInput(tendering.method_of_kind("cash").id, tendered)]
    if method == WEB_SHOP:
        return [TenderInput(tendering.method_named(WEB_SHOP).id)]
    return [TenderInput(tendering.method_of_kind(method).id)]


def _save_sale(draft: SaleDraft, bill: PricedBill, header: SaleHeader,
               settings: config.Settings, payments: list[PaymentRow], total: Decimal,
               web_order: str | None = None,
               approvals: list[ApprovedOverride] = (),
               actor: Actor | None = None) -> tuple[int, int, str]:
    created, paid, change, cashier = header.created_at, header.paid, header.change, header.cashier
    with database.atomic():
        # a sale needs an open register on its terminal (nothing written otherwise); a
        # web-shop order does not
        session_id = None if web_order is not None else register.require_open(header.terminal)
        number = bulk.next_value(Sequence, "sale")
        text = receipt_text(number, header, draft, bill, settings, payments)
        sale_id = bulk.insert_rows(Sale, SALE_FIELDS, [(
            number, created, created.date(), "completed", cashier, header.staff_id,
            header.terminal, header.customer_id,
            header.customer_number, header.customer_name, header.customer_type_id,
            header.customer_type_name, header.profile_id, header.profile_name,
            bill.prices_include_vat, draft.bill_discount, bill.subtotal, bill.discount_total,
            bill.vat_total, total, paid, change, text, "sale", session_id,
        )], returning="id")
        bulk.insert_rows(SaleLine, LINE_FIELDS, [
            (sale_id, i + 1, d.item_id, d.sku, d.name, p.quantity, p.unit_price,
             p.discountable, p.gross, p.discount_percent, p.discount_source,
             p.discount_amount, p.vat.name, p.vat.rate, p.vat_source, p.amount,
             p.bill_discount_percent, p.bill_discount_amount)
            for i, (d, p) in enumerate(zip(draft.lines, bill.lines))
        ])
        bulk.insert_rows(SaleVat, VAT_FIELDS, [(sale_id, r.rate, r.base, r.vat, r.total)
                                               for r in bill.vat_summary])
        tendering.write_payments(sale_id, payments)
        on_account = [p for p in payments if p.kind == "account"]
        if on_account:
            from tui_pos.services import accounts  # here: accounts uses approval_for
            for p in on_account:
                accounts.charge_in_sale(actor, header.customer_id, p.amount, sale_id,
                                        session_id)
            balance = accounts.balance(header.customer_id)
            text = receipt_text(number, header, draft, bill, settings, payments, balance)
            Sale.update(receipt_text=text).where(Sale.id == sale_id).execute()
        item_sales.record(sale_id, created.date())  # the by-item report's sums
        if web_order is not None:
            bulk.insert_rows(WebOrder, WEB_ORDER_FIELDS, [(web_order, sale_id, now())])
        for approved in approvals:  # no sale, no entry: the same transaction
            audit.record(approved.actor, "approval", f"Sale {number}, {approved.what}",
                         approved.changes)
    return number, sale_id, text


def save_receipt(number: int, text: str,
                 receipts_dir: str | Path | None) -> tuple[str | None, str | None]:
    """Write the receipt file after the commit: (its path, None), or (None, why
    not). A failure here never undoes the sale; the next start or a reprint
    writes the file again from ``Sale.receipt_text``."""
    if receipts_dir is None:
        return None, None
    try:
        return str(write_receipt(receipts_dir, number, text)), None
    except ReceiptNotSaved as error:
        return None, error.message


WIDTH = printing.DEFAULT_WIDTH  # a terminal without settings; each has its own (printing)


def receipt_text(number: int, sale: SaleHeader, draft: SaleDraft, bill: PricedBill,
                 settings: config.Settings, payments: SequenceOf[PaymentRow] = (),
                 balance: Decimal | None = None, *, kind: str = "sale",
                 return_of: int | None = None) -> str:
    """The stored receipt, laid out for the sale's terminal's printer (32, 42 or 48
    columns; services/receipt_text.py): every tender, the customer's account balance
    (``balance`` after an on-account charge, else as it is), a return's original sale.

    Names are plain text (markup stays literal), control characters removed,
    cut by terminal cells (a CJK character takes two)."""
    known = draft.customer  # attached with their credit limit: no look-up without one
    if balance is None and (known is None or known.id != sale.customer_id
                            or known.credit_limit is not None):
        balance = receipt_layout.balance_now(sale.customer_id)
    data = receipt_layout.from_bill(number, sale, draft, bill, settings, payments, balance,
                                    kind=kind, return_of=return_of)
    return receipt_layout.render(data, receipt_layout.width_for(sale.terminal))


def get_sale(number: int) -> Sale:
    sale = Sale.get_or_none(Sale.number == number)
    if sale is None:
        raise NotFound(f"There is no sale {number}", "sale")
    return sale


def sale_lines(sale_id: int) -> list[SaleLine]:
    return list(SaleLine.select().where(SaleLine.sale == sale_id).order_by(SaleLine.position))

