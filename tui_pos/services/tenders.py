"""Tenders: the ways a sale is paid, splitting a total across them, vouchers.

A sale is paid by a list of tenders (``TenderInput``). ``settle`` turns them into
``PaymentRow``s — what each paid of the sale (``amount``), what was handed over
(``tendered``) and given back (``change``, only ever from cash) and the cash
rounding to 0.05 when Business Configuration asks for it — or refuses them with
a message for the cashier. ``write_payments`` writes them inside the sale's
transaction and takes voucher balances down atomically.

Meanings (docs: notes/checkout.md): sum(amount) == the sale's total; cash into
the drawer = tendered - change = amount + rounding.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from tui_pos.db import bulk
from tui_pos.db.models import Payment, TenderMethod, Voucher, database
from tui_pos.money import MAX_MONEY, ZERO, format_date, format_money, parse_money
from tui_pos.services import audit
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import Errors, NotFound, ValidationError, as_field, check
from tui_pos.services.text import checked, name_key

NAME_LENGTH = 20  # TenderMethod.name
VOUCHER_LENGTH = 40  # Voucher.number
NOTE_LENGTH = 120  # Voucher.note
KINDS = TenderMethod.KINDS  # cash, card, voucher, account, other
KIND_LABELS = {"cash": "Cash", "card": "Card", "voucher": "Voucher", "account": "On account",
               "other": "Other"}
STEP = Decimal("0.05")  # cash rounding
CHANGE_ONLY_IN_CASH = "Change is given only in cash"
PAYMENT_FIELDS = (Payment.sale, Payment.method, Payment.amount, Payment.tendered,
                  Payment.change, Payment.rounding, Payment.tender_method, Payment.voucher)


@dataclass(frozen=True)
class TenderInput:
    """One tender as the cashier gave it. ``amount`` empty: the rest still due."""

    method_id: int
    amount: str | Decimal = ""
    voucher: str = ""


@dataclass(frozen=True)
class PaymentRow:
    """One payment of a sale as it is written (``Payment``) and printed."""

    method_id: int | None
    method: str  # the tender's name as shown: "Cash", "Card", "Voucher"
    kind: str
    amount: Decimal  # what it paid of the sale (a refund: negative)
    tendered: Decimal  # handed over (cash); = amount for other tenders
    change: Decimal  # given back, only from cash
    rounding: Decimal = ZERO  # the cash rounding on this tender
    voucher_id: int | None = None
    voucher_number: str = ""  # for the receipt


@dataclass(frozen=True)
class MethodRow:
    id: int
    name: str
    kind: str
    opens_drawer: bool
    counter: bool
    active: bool
    position: int = 0


@dataclass(frozen=True)
class VoucherInfo:
    id: int
    number: str
    initial: Decimal
    balance: Decimal
    active: bool
    expires: dt.date | None
    note: str
    expired: bool


# -- Tender methods (a master; the rows are cached per process) ------------------------

_CACHE: dict = {"db": None, "at": 0.0, "rows": {}}
CACHE_SECONDS = 30.0  # another terminal's change shows within this


def _row(m: TenderMethod) -> MethodRow:
    return MethodRow(m.id, m.name, m.kind, m.opens_drawer, m.counter, m.active, m.position)


def _methods() -> dict[int, MethodRow]:
    """Every method by id, read once per process (and again after a save, after
    ``CACHE_SECONDS``, or on another database)."""
    db = database.obj
    if _CACHE["db"] is not db or time.monotonic() - _CACHE["at"] > CACHE_SECONDS:
        rows = TenderMethod.select().order_by(TenderMethod.position, TenderMethod.id)
        _CACHE.update(db=db, at=time.monotonic(), rows={m.id: _row(m) for m in rows})
    return _CACHE["rows"]


def forget_methods() -> None:
    _CACHE["db"] = None


def list_methods(include_inactive: bool = True) -> list[MethodRow]:
    rows = sorted(_methods().values(), key=lambda m: (m.position, m.id))
    return [m for m in rows if include_inactive or m.active]


def counter_methods() -> list[MethodRow]:
    """The active methods a till offers, in their order (not the web shop's)."""
    return [m for m in list_methods(False) if m.counter]


def get_method(method_id: int) -> MethodRow:
    ok = isinstance(method_id, int) and not isinstance(method_id, bool)
    row = _methods().get(method_id) if ok else None
    if row is None and ok:
        forget_methods()  # added on another terminal just now?
        row = _methods().get(method_id)
    if row is None:
        raise NotFound("That payment method does not exist", "method")
    return row


def method_of_kind(kind: str) -> MethodRow:
    """The first active counter method of ``kind`` ("cash", "card", …)."""
    for m in counter_methods():
        if m.kind == kind:
            return m
    raise ValidationError(f"No active payment method of the kind {kind!r}", "method")


def method_named(name: str) -> MethodRow:
    """The method called ``name`` (ignoring case), active or not."""
    key = name_key(name)
    for m in list_methods():
        if name_key(m.name) == key:
            return m
    raise ValidationError(f"There is no payment method called {name!r}", "method")


AUDITED_METHOD = ("name", "kind", "opens_drawer", "active", "position")


def save_tender_method(actor: Actor, name: str, kind: str = "other", opens_drawer: bool = False,
                       active: bool = True, position: int | str | None = None,
                       method_id: int | None = None) -> MethodRow:
    """Add (``method_id`` None) or change a payment method. Manager; audited.
    Name ≤ 20 characters, unique ignoring case; the kind of a method in use stays."""
    def checks() -> tuple[str, str, int | None]:
        errors = Errors()
        clean = errors.take(checked, name, "Name", "name", NAME_LENGTH, required=True)
        errors.check(kind in KINDS, f"Kind must be one of {', '.join(KINDS)}", "kind")
        pos = None
        if position not in (None, ""):
            try:
                pos = int(str(position).strip())
                errors.check(0 <= pos < 10000, "Position must be 0–9999", "position")
            except ValueError:
                errors.add(ValidationError("Position must be a whole number", "position"))
        key = name_key(clean or "")
        if clean:
            clash = TenderMethod.select().where(TenderMethod.name_key == key)
            if method_id is not None:
                clash = clash.where(TenderMethod.id != method_id)
            errors.check(not clash.exists(), f"{clean!r} already exists", "name")
        errors.raise_any()
        return clean, key, pos

    with database.atomic():
        clean, key, pos = checks()
        require(actor, "manager", "Change payment methods")
        if method_id is None:
            before = None
            top = TenderMethod.select().order_by(TenderMethod.position.desc()).first()
            row = TenderMethod.create(name=clean, name_key=key, kind=kind,
                                      opens_drawer=bool(opens_drawer), active=bool(active),
                                      counter=True,
                                      position=pos if pos is not None else
                                      (top.position + 1 if top else 1))
        else:
            row = TenderMethod.get_or_none(TenderMethod.id == method_id) \
                if isinstance(method_id, int) else None
            if row is None:
                raise NotFound("That payment method does not exist", "name")
            before = _row(row)
            if kind != row.kind:
                used = Payment.select().where(Payment.tender_method == row.id).exists()
                check(not used, "This method has been used in sales; its kind stays", "kind")
            row.name, row.name_key, row.kind = clean, key, kind
            row.opens_drawer, row.active = bool(opens_drawer), bool(active)
            if pos is not None:
                row.position = pos
            row.save()
        after = _row(row)
        _log(actor, "Payment method", before, after, AUDITED_METHOD, after.name)
    forget_methods()
    return after


def set_method_active(actor: Actor, method_id: int, active: bool) -> MethodRow:
    m = get_method(method_id)
    return save_tender_method(actor, m.name, m.kind, m.opens_drawer, active, m.position,
                              method_id=m.id)


def _log(actor: Actor, label: str, before, after, fields, name: str) -> None:
    old = {f: asdict(before)[f] for f in fields} if before is not None else {}
    new = {f: asdict(after)[f] for f in fields}
    changes = audit.diff(old, new)
    if changes:
        verb = "added" if before is None else "changed"
        audit.record(actor, "master", f"{label} #{after.id} {name} {verb}", changes)


# -- Vouchers ---------------------------------------------------------------------------

def _voucher_info(v: Voucher, today: dt.date | None = None) -> VoucherInfo:
    today = today or dt.date.today()
    return VoucherInfo(v.id, v.number, v.initial, v.balance, v.active, v.expires, v.note,
                       v.expires is not None and v.expires < today)


def _number(number: str, field: str = "voucher") -> str:
    return checked(number, "Voucher number", field, VOUCHER_LENGTH, required=True)


def voucher_info(number: str) -> VoucherInfo:
    """The voucher by its number (balance, active, expired) or NotFound."""
    clean = _number(number)
    v = Voucher.get_or_none(Voucher.number == clean)
    if v is None:
        raise NotFound(f"There is no voucher {clean}", "voucher")
    return _voucher_info(v)


def list_vouchers(query: str = "", limit: int = 500) -> list[VoucherInfo]:
    rows = Voucher.select().order_by(Voucher.created_at.desc(), Voucher.id.desc())
    if query.strip():
        rows = rows.where(Voucher.number.contains(query.strip()[:VOUCHER_LENGTH]))
    return [_voucher_info(v) for v in rows.limit(limit)]


def get_voucher(voucher_id: int) -> VoucherInfo:
    v = Voucher.get_or_none(Voucher.id == voucher_id) if isinstance(voucher_id, int) else None
    if v is None:
        raise NotFound("That voucher does not exist", "voucher")
    return _voucher_info(v)


AUDITED_VOUCHER = ("number", "initial", "balance", "active", "expires", "note")


def _parse_date(text: str | dt.date | None) -> dt.date | None:
    if text is None or isinstance(text, dt.date):
        return text
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError("Expires must be a date like 2026-12-31", "expires")


def save_voucher(actor: Actor, number: str, value: str | Decimal, expires=None,
                 note: str = "", active: bool = True,
                 voucher_id: int | None = None) -> VoucherInfo:
    """Issue a voucher (``voucher_id`` None: its value is its balance) or change one
    (number, expiry, note, active; the value of an issued voucher stays). Manager;
    audited."""
    errors = Errors()
    clean = errors.take(_number, number, "number")
    amount = errors.take(as_field, "value", parse_money, value, "Value")
    if amount is not None:
        errors.check(amount > 0, "Value must be more than zero", "value")
    when = errors.take(_parse_date, expires)
    clean_note = errors.take(checked, note, "Note", "note", NOTE_LENGTH)
    errors.raise_any()
    with database.atomic():
        clash = Voucher.select().where(Voucher.number == clean)
        if voucher_id is not None:
            clash = clash.where(Voucher.id != voucher_id)
        check(not clash.exists(), f"Voucher {clean} already exists", "number")
        require(actor, "manager", "Issue or change vouchers")
        if voucher_id is None:
            before = None
            row = Voucher.create(number=clean, initial=amount, balance=amount,
                                 active=bool(active), expires=when, note=clean_note)
        else:
            row = Voucher.get_or_none(Voucher.id == voucher_id) \
                if isinstance(voucher_id, int) else None
            if row is None:
                raise NotFound("That voucher does not exist", "number")
            before = _voucher_info(row)
            row.number, row.expires, row.note = clean, when, clean_note
            row.active = bool(active)
            row.save()
        after = _voucher_info(row)
        _log(actor, "Voucher", before, after, AUDITED_VOUCHER, after.number)
    return after


def set_voucher_active(actor: Actor, voucher_id: int, active: bool) -> VoucherInfo:
    v = get_voucher(voucher_id)
    return save_voucher(actor, v.number, v.initial, v.expires, v.note, active, voucher_id=v.id)


def _usable_voucher(number: str, amount: Decimal, refund: bool) -> VoucherInfo:
    """The voucher for a tender of ``amount``, or a clear message (read-only)."""
    info = voucher_info(number)
    check(info.active, f"Voucher {info.number} is no longer valid", "voucher")
    if refund:
        return info
    check(not info.expired, f"Voucher {info.number} expired on {format_date(info.expires)}",
          "voucher")
    check(info.balance > 0, f"Voucher {info.number} is spent (nothing left on it)", "voucher")
    check(info.balance >= amount, f"Voucher {info.number} has only "
          f"{_shown(info.balance)} left", "voucher")
    return info


# -- Settling a total -----------------------------------------------------------------

def _shown(value: Decimal) -> str:
    """An amount for a message, as the store shows money: "EUR 14,22"."""
    from tui_pos.services import config

    settings = config.get_settings()
    return f"{settings.currency} {format_money(value, locale=settings.locale)}"


def round_cash(value: Decimal) -> Decimal:
    """To the nearest 0.05, halves up (24.22 → 24.20, 24.23 → 24.25)."""
    return ((value / STEP).quantize(Decimal(1), rounding=ROUND_HALF_UP) * STEP).quantize(
        Decimal("0.01"))


def absurd_limit(total: Decimal) -> Decimal:
    """No tender may be more than this: 100 × the total + 10,000."""
    return abs(total) * 100 + 10000


def _amount(text: str | Decimal, total: Decimal, refund: bool) -> Decimal | None:
    """The typed amount as a magnitude, or None for empty (the rest)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    value = as_field("tendered", parse_money, text, "Amount", allow_negative=refund)
    value = abs(value)
    if value > absurd_limit(total):
        raise ValidationError(f"{_shown(value)} is far more than this bill "
                              f"({_shown(abs(total))}); check the amount", "tendered")
    return value


def settle(total: Decimal, tenders: Sequence[TenderInput],
           cash_rounding: bool = False) -> list[PaymentRow]:
    """Split ``total`` across ``tenders``, all of it, or refuse (see ``settle_so_far``)."""
    check(bool(tenders), "Add a tender", "tendered")
    rows, due = settle_so_far(total, tenders, cash_rounding)
    if due > 0:
        what = "still to refund" if total < 0 else "still due"
        raise ValidationError(f"{_shown(due)} {what}", "tendered")
    kept = [r for r in rows if r.amount or r.tendered]
    return kept or rows[:1]


def settle_so_far(total: Decimal, tenders: Sequence[TenderInput],
                  cash_rounding: bool = False) -> tuple[list[PaymentRow], Decimal]:
    """The tenders so far and what is still due after them (a magnitude), or a
    refusal with a message. Tenders go in their order.

    Empty amount: the rest still due (a voucher: at most its balance). Cash may
    be more than is due (change); no other tender may. A return (total < 0): the
    tenders are refunds (amounts typed either sign) and nothing may exceed what
    is to be refunded. With ``cash_rounding`` the cash that settles the rest is
    rounded to 0.05. sum(amount) == total."""
    total = Decimal(total)
    refund = total < 0
    sign = -1 if refund else 1
    due = abs(total)
    rows: list[PaymentRow] = []
    voucher_use: dict[int, Decimal] = {}
    for tender in tenders:
        method = get_method(tender.method_id)
        check(method.active, f"{method.name} is no longer accepted", "method")
        typed = _amount(tender.amount, total, refund)
        if method.kind == "cash":
            rows.append(_cash(method, typed, due, sign, cash_rounding))
        else:
            amount = due if typed is None else typed
            voucher = None
            if method.kind == "voucher":
                check(bool(str(tender.voucher or "").strip()), "Type the voucher's number",
                      "voucher")
                voucher = voucher_info(tender.voucher)
                if typed is None and not refund:
                    amount = min(due, max(voucher.balance - voucher_use.get(voucher.id, ZERO),
                                          ZERO))
                used = voucher_use.get(voucher.id, ZERO) + amount
                voucher = _usable_voucher(tender.voucher, used, refund)
                voucher_use[voucher.id] = used
            if amount > due:
                check(refund is False, "A refund cannot be more than is due", "tendered")
                raise ValidationError(CHANGE_ONLY_IN_CASH, "tendered")
            value = sign * amount
            rows.append(PaymentRow(method.id, method.name, method.kind, value, value, ZERO,
                                   ZERO, voucher.id if voucher else None,
                                   voucher.number if voucher else ""))
        due -= abs(rows[-1].amount)
    return rows, due


def _cash(method: MethodRow, typed: Decimal | None, due: Decimal, sign: int,
          rounding: bool) -> PaymentRow:
    """Cash against what is ``due`` (a magnitude): the rest with change, or a part."""
    to_pay = round_cash(due) if rounding else due
    handed = to_pay if typed is None else typed
    if handed >= to_pay:  # settles the rest
        if sign < 0:
            check(handed == to_pay, "A refund cannot be more than is due", "tendered")
        change = handed - to_pay
        check(change < MAX_MONEY, "Cash received is too large for this bill", "tendered")
        return PaymentRow(method.id, method.name, "cash", sign * due, sign * handed,
                          sign * change, sign * (to_pay - due))
    return PaymentRow(method.id, method.name, "cash", sign * handed, sign * handed, ZERO, ZERO)


def paid_and_change(rows: Sequence[PaymentRow]) -> tuple[Decimal, Decimal]:
    """The sale's ``paid`` (all tendered) and ``change`` (all given back)."""
    return (sum((r.tendered for r in rows), ZERO), sum((r.change for r in rows), ZERO))


# -- Writing (inside the caller's transaction) ----------------------------------------

def write_payments(sale_id: int, rows: Sequence[PaymentRow]) -> None:
    """The sale's payment rows; a voucher's balance is taken down in the same
    statement that checks it (two tills cannot both spend its last euro)."""
    for r in rows:
        if r.voucher_id is not None and r.amount > 0:
            taken = (Voucher.update(balance=Voucher.balance - r.amount)
                     .where((Voucher.id == r.voucher_id) & (Voucher.balance >= r.amount)
                            & (Voucher.active == True))  # noqa: E712
                     .execute())
            if not taken:
                number = r.voucher_number or str(r.voucher_id)
                raise ValidationError(f"Voucher {number} is spent (another till used it "
                                      "just now); nothing was saved", "voucher")
    bulk.insert_rows(Payment, PAYMENT_FIELDS, [
        (sale_id, name_key(r.method)[:20], r.amount, r.tendered, r.change, r.rounding,
         r.method_id, r.voucher_id) for r in rows])


def give_back_vouchers(sale_id: int) -> None:
    """A void: what the sale took off vouchers goes back on them."""
    for voucher_id, amount in (Payment.select(Payment.voucher, Payment.amount)
                               .where((Payment.sale == sale_id) & Payment.voucher.is_null(False)
                                      & (Payment.amount > 0)).tuples()):
        credit_voucher(voucher_id, amount)


def credit_voucher(voucher_id: int, amount: Decimal) -> None:
    """Put ``amount`` (its size) back on a voucher — a void or a refund to it."""
    amount = abs(Decimal(amount))
    Voucher.update(balance=Voucher.balance + amount).where(Voucher.id == voucher_id).execute()
