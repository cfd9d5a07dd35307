"""Park and recall: an open bill put aside (in the database) and taken back later.

``park`` writes the draft as JSON in a ``ParkedBill`` row with the next "parked"
number; ``recall`` rebuilds the draft and deletes the row in one transaction, so
of two tills recalling the same bill one gets it and the other is told it was
already recalled. A parked bill survives a restart: it is only a row.

The state keeps every line as the bill had it (item, SKU, name, quantity, unit
price, the item's VAT), the cashier's overrides (discount, VAT class) with the
manager's approval each had, the bill discount and VAT with theirs, the
customer and the profile. Decimals are strings, so they come back exactly.

Recalled as parked (``reprice=False``): the lines at their parked prices. An
item deactivated (or gone) since is refused with a message naming it — the
parked bill stays — because a cashier must not sell what the shop stopped
selling without noticing. Re-priced (``reprice=True``): today's price, name
and VAT of each item, and an item no longer sold is left off with a note.
A customer deactivated or erased since: the bill comes back without them (a
note says so); likewise an inactive profile.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from tui_pos.db import bulk
from tui_pos.db.models import CustomerProfile, Item, ParkedBill, Sequence, VatClass, database
from tui_pos.services import audit
from tui_pos.services.actors import Actor, Approver, require
from tui_pos.services.errors import NotFound, ValidationError, check
from tui_pos.services.pricing import VatChoice
from tui_pos.services.sales import DraftLine, SaleDraft
from tui_pos.services.text import checked, fold, printable, query_text

NOTE_LENGTH = 200
STATE_VERSION = 1
LIST_LIMIT = 200


@dataclass(frozen=True)
class ParkedRow:
    """One parked bill as the recall list shows it."""

    number: int
    parked_at: dt.datetime
    terminal: str
    cashier: str
    customer_name: str
    note: str
    total: Decimal
    lines: int


@dataclass(frozen=True)
class Recalled:
    """A recalled bill: the draft, the number it was parked under, and what changed
    on the way back (a customer no longer active, an item left off)."""

    draft: SaleDraft
    number: int
    notes: tuple[str, ...] = ()


# -- the draft as JSON ----------------------------------------------------------------

def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _vat(choice: VatChoice | None) -> dict | None:
    return None if choice is None else {"name": choice.name, "rate": str(choice.rate)}


def _unvat(data: dict | None) -> VatChoice | None:
    return None if data is None else VatChoice(data["name"], Decimal(data["rate"]))


def _approval(actor: Actor | None) -> dict | None:
    """Who asked for an override and the manager who approved it."""
    if actor is None:
        return None
    approver = actor.approver
    return {"staff_id": actor.staff_id, "name": actor.name, "role": actor.role,
            "terminal": actor.terminal,
            "approver": None if approver is None else {
                "staff_id": approver.staff_id, "name": approver.name, "role": approver.role}}


def _unapproval(data: dict | None) -> Actor | None:
    if data is None:
        return None
    given = data.get("approver")
    approver = None if given is None else Approver(given["staff_id"], given["name"],
                                                   given["role"])
    return Actor(staff_id=data["staff_id"], name=data["name"], role=data["role"],
                 terminal=data.get("terminal", ""), approver=approver)


def _line_state(line: DraftLine) -> dict:
    return {
        "item_id": line.item_id, "sku": line.sku, "name": line.name,
        "quantity": _dec(line.quantity), "unit_price": _dec(line.unit_price),
        "item_vat": _vat(line.item_vat), "discountable": line.discountable,
        "is_labour": line.is_labour,
        "discount_override": _dec(line.discount_override),
        "vat_override": _vat(line.vat_override), "vat_override_id": line.vat_override_id,
        "discount_approval": _approval(line.discount_approval),
        "vat_approval": _approval(line.vat_approval),
    }


def draft_state(draft: SaleDraft) -> str:
    """The draft as the JSON a parked bill keeps."""
    return json.dumps({
        "version": STATE_VERSION,
        "customer_id": draft.customer.id if draft.customer else None,
        "profile_id": draft.profile_id,
        "bill_discount": _dec(draft.bill_discount),
        "bill_vat": _vat(draft.bill_vat), "bill_vat_id": draft.bill_vat_id,
        "bill_discount_approval": _approval(draft.bill_discount_approval),
        "bill_vat_approval": _approval(draft.bill_vat_approval),
        "lines": [_line_state(line) for line in draft.lines],
    }, ensure_ascii=False, sort_keys=True)


# -- park ------------------------------------------------------------------------------

def park(actor: Actor, draft: SaleDraft, note: str = "") -> int:
    """Put the bill aside under the next parked number (returned). An empty bill
    cannot be parked. Writes an audit entry "park" in the same transaction."""
    require(actor, "cashier", "Park a bill")
    check(bool(draft.lines), "The bill has no lines: there is nothing to park", "code")
    note = checked(note, "Note", "note", NOTE_LENGTH)
    bill = draft.priced()
    customer = draft.customer
    state = draft_state(draft)
    with database.atomic():
        number = bulk.next_value(Sequence, "parked")
        ParkedBill.create(
            number=number, terminal=printable(actor.terminal)[:60], staff=actor.staff_id,
            cashier=printable(actor.name)[:60], parked_at=dt.datetime.now().replace(microsecond=0),
            customer=customer.id if customer else None,
            customer_name=customer.name[:250] if customer else "",
            note=note, total=bill.total, lines=len(draft.lines), state=state)
        audit.record(actor, "park", f"Parked bill {number}",
                     {"total": [None, str(bill.total)], "lines": [None, len(draft.lines)],
                      "note": [None, note]})
    return number


# -- the list ------------------------------------------------------------------------------

def list_parked(terminal: str | None = None, query: str = "") -> list[ParkedRow]:
    """The parked bills, newest first (from every terminal unless one is named);
    ``query`` matches the number or the customer's name (any part, any case)."""
    rows = ParkedBill.select().order_by(ParkedBill.parked_at.desc(), ParkedBill.number.desc())
    if terminal:
        rows = rows.where(ParkedBill.terminal == terminal)
    q = fold(query_text(query if isinstance(query, str) else ""))
    found = []
    for row in rows:
        if q and not (q == str(row.number) or q in fold(row.customer_name)):
            continue
        found.append(ParkedRow(number=row.number, parked_at=row.parked_at,
                               terminal=row.terminal, cashier=row.cashier,
                               customer_name=row.customer_name, note=row.note,
                               total=row.total, lines=row.lines))
        if len(found) >= LIST_LIMIT:
            break
    return found


# -- recall ------------------------------------------------------------------------------

def recall(actor: Actor, number: int, reprice: bool = False) -> SaleDraft:
    """The parked bill ``number`` back as a draft (its row deleted). See
    ``recall_bill`` for the notes on what changed on the way back."""
    return recall_bill(actor, number, reprice).draft


def recall_bill(actor: Actor, number: int, reprice: bool = False) -> Recalled:
    """Rebuild the parked bill and delete its row in one transaction, with an
    audit entry "recall". Refused (nothing changed) when it was recalled already,
    or — recalled as parked — when one of its items is no longer sold."""
    require(actor, "cashier", "Recall a parked bill")
    check(isinstance(number, int) and not isinstance(number, bool),
          "Choose a parked bill by its number", "parked")
    with database.atomic():
        row = ParkedBill.get_or_none(ParkedBill.number == number)
        if row is None:
            raise _gone(number)
        notes: list[str] = []
        draft = _rebuild(json.loads(row.state), reprice, notes)
        deleted = ParkedBill.delete().where(ParkedBill.number == number).execute()
        if deleted != 1:  # another till took it between our read and our delete
            raise _gone(number)
        audit.record(actor, "recall", f"Parked bill {number}",
                     {"total": [str(row.total), str(draft.priced().total)],
                      "reprice": [None, bool(reprice)], "parked_on": [None, row.terminal]})
    return Recalled(draft, number, tuple(notes))


def _gone(number: int) -> ValidationError:
    last = Sequence.get_or_none(Sequence.name == "parked")
    if last is not None and 0 < number <= last.value:
        return ValidationError(f"Parked bill {number} was already recalled", "parked")
    return NotFound(f"There is no parked bill {number}", "parked")


def _rebuild(state: dict, reprice: bool, notes: list[str]) -> SaleDraft:
    draft = SaleDraft.new()
    _customer(draft, state, notes)
    for data in state["lines"]:
        line = _line(data, reprice, notes)
        if line is not None:
            draft.lines.append(line)
    check(bool(draft.lines), "None of the parked bill's items is sold any more", "parked")
    draft.bill_discount = _undec(state["bill_discount"])
    draft.bill_discount_approval = _unapproval(state["bill_discount_approval"])
    draft.bill_vat_id = state["bill_vat_id"]
    draft.bill_vat = _current_vat(state["bill_vat_id"]) if reprice else _unvat(state["bill_vat"])
    draft.bill_vat_approval = _unapproval(state["bill_vat_approval"])
    if draft.bill_vat is None:
        draft.bill_vat_id = draft.bill_vat_approval = None
    problem = draft._too_large()
    check(problem is None, f"{problem} at today's prices", "parked")
    return draft


def _customer(draft: SaleDraft, state: dict, notes: list[str]) -> None:
    """The customer and profile as parked, when still there and active."""
    customer_id = state["customer_id"]
    if customer_id is not None:
        try:
            draft.set_customer(customer_id)
        except ValidationError as error:  # deactivated, or erased since
            notes.append(f"The bill comes back without its customer: {error.message}")
    profile_id = state["profile_id"]
    draft.profile_id = None
    if profile_id is not None:
        profile = CustomerProfile.get_or_none(CustomerProfile.id == profile_id)
        if profile is not None and profile.active:
            draft.profile_id = profile_id
        else:
            notes.append("The bill's customer profile is no longer active: left off")


def _line(data: dict, reprice: bool, notes: list[str]) -> DraftLine | None:
    """One parked line back: as parked, or at today's price (None: left off)."""
    item = (Item.select(Item, VatClass).join(VatClass)
            .where(Item.id == data["item_id"]).first())
    if item is None or not item.active:
        name = printable(data["name"])
        if not reprice:
            raise ValidationError(
                f"{name} ({data['sku']}) is no longer sold: recall at today's prices "
                "to leave it off", "parked")
        notes.append(f"{name} ({data['sku']}) is no longer sold: left off")
        return None
    line = DraftLine(
        item_id=data["item_id"], sku=data["sku"], name=data["name"],
        quantity=Decimal(data["quantity"]), unit_price=Decimal(data["unit_price"]),
        item_vat=_unvat(data["item_vat"]), discountable=data["discountable"],
        is_labour=data["is_labour"],
        discount_override=_undec(data["discount_override"]),
        vat_override=_unvat(data["vat_override"]), vat_override_id=data["vat_override_id"],
        discount_approval=_unapproval(data["discount_approval"]),
        vat_approval=_unapproval(data["vat_approval"]))
    if reprice:
        line.sku, line.name, line.unit_price = item.sku, item.name, item.price
        line.item_vat = VatChoice(item.vat_class.name, item.vat_class.rate)
        line.discountable = item.discountable and not item.is_labour
        line.is_labour = item.is_labour
        if not line.discountable:
            line.discount_override = line.discount_approval = None
        if line.vat_override_id is not None:
            line.vat_override = _current_vat(line.vat_override_id)
            if line.vat_override is None:
                line.vat_override_id = line.vat_approval = None
    return line


def _current_vat(vat_class_id: int | None) -> VatChoice | None:
    if vat_class_id is None:
        return None
    vc = VatClass.get_or_none(VatClass.id == vat_class_id)
    return VatChoice(vc.name, vc.rate) if vc else None
