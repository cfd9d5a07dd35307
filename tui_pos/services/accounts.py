"""Credit accounts: a ledger of entries per customer; the balance is their sum.

A customer whose credit limit is None has no credit account: "on account" is
refused for them. An entry's ``amount`` > 0 means the customer owes more (a
charge from an on-account tender), < 0 less (a payment on account, a refund
to account); a manager's adjustment may go either way and always has a reason.

``charge_in_sale`` runs inside the sale's own transaction with the customer's
row locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite holds its write lock
from ``BEGIN IMMEDIATE``), so two tills can never both pass the limit. Going
over it needs a manager (``NeedsApproval``) and leaves an "approval" audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from tui_pos.db.models import AccountEntry, Customer, Sale, database, now
from tui_pos.money import ZERO, format_date, format_money, from_minor, parse_money
from tui_pos.services import audit, config
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import NotFound, ValidationError, as_field, check
from tui_pos.services.receipts import cells, cut_cells
from tui_pos.services.text import checked, printable

WIDTHS = (32, 42, 48)  # receipt printer columns
REASON_LENGTH = 200  # AccountEntry.reason
KIND_WORDS = {"charge": "charge", "payment": "payment", "refund": "refund",
              "adjustment": "adjustment"}
PAYMENT_KINDS = ("cash", "card", "other")  # tenders that can pay an account off


@dataclass(frozen=True)
class AccountInfo:
    """A customer's account as screens show it; ``limit`` None: no credit account."""

    customer_id: int
    number: str
    name: str
    balance: Decimal
    limit: Decimal | None
    available: Decimal | None  # limit - balance (may be negative when over it)

    @property
    def has_account(self) -> bool:
        return self.limit is not None


@dataclass(frozen=True)
class AccountPayment:
    """A payment on account as taken at the till, with its short receipt."""

    entry_id: int
    customer_number: str
    customer_name: str
    amount: Decimal
    method: str
    balance: Decimal
    at: dt.datetime
    receipt_text: str


@dataclass(frozen=True)
class StatementLine:
    at: dt.datetime
    kind: str
    sale_number: int | None
    reason: str
    amount: Decimal
    balance: Decimal  # running balance after this entry


@dataclass(frozen=True)
class Statement:
    customer_id: int
    number: str
    name: str
    start: dt.date | None  # None: from the first entry
    end: dt.date
    opening: Decimal
    lines: tuple[StatementLine, ...]
    closing: Decimal
    limit: Decimal | None


# -- reading --------------------------------------------------------------------------

def _customer(customer_id: int, lock: bool = False) -> Customer:
    if not isinstance(customer_id, int) or isinstance(customer_id, bool):
        raise NotFound("That customer does not exist", "customer")
    query = Customer.select().where(Customer.id == customer_id)
    if lock and database.for_update:  # PostgreSQL; SQLite is locked from BEGIN IMMEDIATE
        query = query.for_update()
    customer = query.first()
    if customer is None:
        raise NotFound("That customer does not exist", "customer")
    return customer


def balance(customer_id: int) -> Decimal:
    """What the customer owes now: the sum of their entries (0 without any). Asked by
    every receipt of a customer with an account: plain SQL, the index on (customer, at)."""
    db = AccountEntry._meta.database
    cents = db.execute_sql("SELECT SUM(amount) FROM account_entry WHERE customer_id = "
                           f"{db.param}", (customer_id,)).fetchone()[0]
    return from_minor(int(cents or 0), 2)


def _summed(where) -> Decimal:
    """SUM(amount) of the entries ``where`` holds (stored in cents), as money."""
    cents = AccountEntry.select(pw.fn.SUM(AccountEntry.amount).coerce(False)).where(where).scalar()
    return from_minor(int(cents or 0), 2)


def _info(customer: Customer) -> AccountInfo:
    owed = balance(customer.id)
    limit = customer.credit_limit
    return AccountInfo(customer.id, customer.number, customer.display_name, owed, limit,
                       None if limit is None else limit - owed)


def account_info(customer_id: int) -> AccountInfo:
    """Balance, limit and what is still available to charge."""
    return _info(_customer(customer_id))


def customer_by_number(number: str) -> int:
    """The id of the customer with this number (for the command line)."""
    text = printable(str(number or "")).strip()[:20]
    row = Customer.select(Customer.id).where(Customer.number == text).first()
    if row is None:
        raise NotFound(f"There is no customer {text!r}", "customer")
    return row.id


def _no_account(customer: Customer) -> ValidationError:
    return ValidationError(f"{customer.display_name} has no credit account (no credit limit "
                           "on their page): on account is refused", "account")


def _positive(amount: str | Decimal, what: str, field: str) -> Decimal:
    value = as_field(field, parse_money, amount, what, allow_negative=True)
    check(value > 0, f"{what} must be more than 0", field)
    return value


def over_limit(info: AccountInfo, amount: Decimal) -> bool:
    return info.limit is not None and info.balance + amount > info.limit


def check_charge(actor: Actor, customer_id: int | None, amount: str | Decimal) -> None:
    """Before a sale is saved (nothing written): refuse on account without a
    customer or without a credit account, and ask for a manager when the
    charge would take the balance over the limit (``NeedsApproval``). The
    sale's transaction checks again with the row locked (``charge_in_sale``)."""
    check(customer_id is not None, "On account needs a customer on the bill", "account")
    value = _positive(amount, "On account", "account")
    customer = _customer(customer_id)
    if customer.credit_limit is None:
        raise _no_account(customer)
    info = _info(customer)
    if over_limit(info, value):
        _approval(actor, info, value)


def _approval(actor: Actor, info: AccountInfo, amount: Decimal) -> Actor | None:
    from tui_pos.services.sales import approval_for  # sales imports this module

    loc = config.get_settings().locale

    def money(value: Decimal) -> str:
        return format_money(value, locale=loc)

    return approval_for(actor, f"On account {money(amount)} takes {info.name}'s balance "
                               f"to {money(info.balance + amount)}, over the limit "
                               f"{money(info.limit)}")


# -- writing, inside a sale -------------------------------------------------------------

def _entry(actor: Actor, customer_id: int, kind: str, amount: Decimal, *,
           sale_id: int | None = None, session_id: int | None = None,
           method_id: int | None = None, reason: str = "") -> int:
    return AccountEntry.insert(
        customer=customer_id, at=now(), kind=kind, amount=amount, sale=sale_id,
        tender_method=method_id, register_session=session_id, reason=reason,
        staff=actor.staff_id, actor=printable(actor.name)[:60],
        terminal=printable(actor.terminal)[:60],
    ).execute()


def _sale_number(sale_id: int | None) -> int | None:
    if sale_id is None:
        return None
    row = Sale.select(Sale.number).where(Sale.id == sale_id).first()
    return row.number if row else None


def charge_in_sale(actor: Actor, customer_id: int | None, amount: str | Decimal,
                   sale_id: int | None, session_id: int | None) -> int:
    """The on-account part of a sale, in the sale's transaction: lock the customer,
    check the limit (over it: a manager, audited), write a "charge". Its entry id."""
    check(customer_id is not None, "On account needs a customer on the bill", "account")
    value = _positive(amount, "On account", "account")
    with database.atomic():  # a savepoint inside the sale's transaction
        customer = _customer(customer_id, lock=True)
        if customer.credit_limit is None:
            raise _no_account(customer)
        info = _info(customer)
        approved = _approval(actor, info, value) if over_limit(info, value) else None
        entry = _entry(actor, customer.id, "charge", value, sale_id=sale_id,
                       session_id=session_id)
        if approved is not None:
            number = _sale_number(sale_id)
            audit.record(approved, "approval",
                         f"Sale {number}, on account over the credit limit of "
                         f"{customer.number}",
                         {"balance": [str(info.balance), str(info.balance + value)],
                          "credit_limit": [str(info.limit), str(info.limit)]})
    return entry


def refund_in_sale(actor: Actor, customer_id: int | None, amount: str | Decimal,
                   sale_id: int | None, session_id: int | None) -> int:
    """A return refunded to the customer's account: a negative "refund" entry
    (``amount`` may be given either way round)."""
    check(customer_id is not None, "A refund to account needs the customer", "account")
    value = as_field("account", parse_money, amount, "Refund to account", allow_negative=True)
    value = abs(value)
    check(value > 0, "Refund to account must be more than 0", "account")
    with database.atomic():
        customer = _customer(customer_id, lock=True)
        if customer.credit_limit is None:
            raise _no_account(customer)
        return _entry(actor, customer.id, "refund", -value, sale_id=sale_id,
                      session_id=session_id)


def reverse_sale(actor: Actor, sale_id: int) -> Decimal:
    """A void: what the sale put on (or took off) each account is taken back by one
    opposite "adjustment" entry per customer. Reversing twice changes nothing.
    Returns the total taken back."""
    number = _sale_number(sale_id)
    reversed_total = ZERO
    with database.atomic():
        nets = (AccountEntry.select(AccountEntry.customer,
                                    pw.fn.SUM(AccountEntry.amount).coerce(False))
                .where(AccountEntry.sale == sale_id)
                .group_by(AccountEntry.customer).tuples())
        for customer_id, net in list(nets):
            net = from_minor(int(net or 0), 2)
            if net == 0:
                continue
            _customer(customer_id, lock=True)
            _entry(actor, customer_id, "adjustment", -net, sale_id=sale_id,
                   reason=f"Sale {number} voided")
            reversed_total += net
    return reversed_total


# -- at the till and in the back office ----------------------------------------------------

def payment_methods() -> list[tuple[int, str]]:
    """(id, name) of the active counter tenders that can pay an account off:
    cash, card and the shop's own (not vouchers, not on account)."""
    from tui_pos.services import tenders

    return [(m.id, m.name) for m in tenders.counter_methods() if m.kind in PAYMENT_KINDS]


def _payment_method(method_id: int | None):
    """The tender (``tenders.MethodRow``) a payment on account is taken with."""
    from tui_pos.services import tenders

    check(method_id is not None, "Choose how the customer pays", "method")
    try:
        method = tenders.get_method(method_id)
    except NotFound:
        raise ValidationError("Choose how the customer pays", "method") from None
    check(method.active and method.counter and method.kind in PAYMENT_KINDS,
          f"{method.name} cannot pay an account off (cash, card or the shop's own "
          "methods can)", "method")
    return method


def take_payment(actor: Actor, customer_id: int | None, amount: str | Decimal,
                 method_id: int | None, width: int | None = None) -> AccountPayment:
    """A payment on account at the till, nothing sold: needs the register open on
    the actor's terminal; the entry records the tender and the session; audited.
    Returns it with a short receipt text (``width`` columns; default the
    terminal's printer width, else 42)."""
    from tui_pos.services import register

    require(actor, "cashier", "Take a payment on account")
    check(customer_id is not None, "Choose the customer who pays", "customer")
    value = _positive(amount, "Payment", "amount")
    method = _payment_method(method_id)
    width = _width(width if width is not None else _printer_width(actor.terminal))
    with database.atomic():
        session_id = register.require_open(actor.terminal)
        customer = _customer(customer_id, lock=True)
        before = balance(customer.id)
        if customer.credit_limit is None and before == 0:
            raise _no_account(customer)
        at = now()
        entry = _entry(actor, customer.id, "payment", -value, session_id=session_id,
                       method_id=method.id)
        after = before - value
        audit.record(actor, "account",
                     f"Payment on account {format_money(value)} by {customer.number} "
                     f"({method.name})", {"balance": [str(before), str(after)]})
    name = customer.display_name
    text = payment_receipt(customer.number, name, value, method.name, after, at,
                           actor, width)
    return AccountPayment(entry, customer.number, name, value, method.name, after, at, text)


def adjust(actor: Actor, customer_id: int | None, amount: str | Decimal,
           reason: str) -> int:
    """A manager's correction of a balance, up (> 0) or down (< 0), with a reason."""
    check(customer_id is not None, "Choose the customer", "customer")
    value = as_field("amount", parse_money, amount, "Adjustment", allow_negative=True)
    check(value != 0, "Adjustment must not be 0", "amount")
    why = checked(reason, "Reason", "reason", REASON_LENGTH, required=True)
    customer = _customer(customer_id)
    require(actor, "manager", f"Adjust {fit_name(customer.display_name)}'s account by "
                              f"{format_money(value)}")
    with database.atomic():
        customer = _customer(customer_id, lock=True)
        before = balance(customer.id)
        if customer.credit_limit is None and before == 0:
            raise _no_account(customer)
        entry = _entry(actor, customer.id, "adjustment", value, reason=why)
        audit.record(actor, "account",
                     f"Account adjustment {format_money(value)} for {customer.number}: {why}",
                     {"balance": [str(before), str(before + value)]})
    return entry


def fit_name(name: str) -> str:
    return name if len(name) <= 40 else name[:39] + "…"


# -- the statement ---------------------------------------------------------------------------

def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min)


def _as_date(value: dt.date | str | None, what: str, field: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError(f"{what} must be a date as YYYY-MM-DD", field) from None


def statement(customer_id: int, start: dt.date | str | None = None,
              end: dt.date | str | None = None) -> Statement:
    """Opening balance (before ``start``), every entry from ``start`` to ``end``
    inclusive with its running balance, and the closing balance."""
    customer = _customer(customer_id)
    first = _as_date(start, "From", "from")
    last = _as_date(end, "To", "to") or dt.date.today()
    check(first is None or first <= last, "From must not be after To", "from")
    until = _day_start(last + dt.timedelta(days=1))
    opening = ZERO
    if first is not None:
        opening = _summed((AccountEntry.customer == customer.id)
                          & (AccountEntry.at < _day_start(first)))
    query = (AccountEntry.select(AccountEntry.at, AccountEntry.kind, Sale.number,
                                 AccountEntry.reason, AccountEntry.amount)
             .join(Sale, pw.JOIN.LEFT_OUTER, on=(AccountEntry.sale == Sale.id))
             .where((AccountEntry.customer == customer.id) & (AccountEntry.at < until)))
    if first is not None:
        query = query.where(AccountEntry.at >= _day_start(first))
    running = opening
    lines = []
    for at, kind, number, reason, amount in query.order_by(AccountEntry.at,
                                                           AccountEntry.id).tuples():
        running += amount
        lines.append(StatementLine(at, kind, number, reason, amount, running))
    return Statement(customer.id, customer.number, customer.display_name, first, last,
                     opening, tuple(lines), running, customer.credit_limit)


def describe(line: StatementLine) -> str:
    """'charge, sale 12' / 'adjustment: goodwill' — what an entry was, in words."""
    text = KIND_WORDS.get(line.kind, line.kind)
    if line.sale_number is not None:
        text += f", sale {line.sale_number}"
    if line.reason:
        text += f": {' '.join(printable(line.reason).split())}"
    return text


def _width(width: int | None) -> int:
    check(width in WIDTHS, f"The width must be one of {', '.join(map(str, WIDTHS))}", "width")
    return width


def _printer_width(terminal: str) -> int:
    try:
        from tui_pos.services import printing
    except ImportError:  # receipts for printers not there yet: the usual width
        return 42
    try:
        found = printing.settings_for(terminal).width
    except (AttributeError, ValidationError, pw.PeeweeException):
        return 42
    return found if found in WIDTHS else 42


def _row(left: str, right: str, width: int) -> list[str]:
    """``left`` and ``right`` on one line, or ``right`` on the next when too wide."""
    left = cut_cells(" ".join(printable(left).split()), width)
    space = width - cells(left) - cells(right)
    if space >= 1:
        return [left + " " * space + right]
    return [left, " " * max(0, width - cells(right)) + right]


def statement_text(st: Statement, width: int = 42, locale: str | None = None) -> str:
    """The statement as plain text for the receipt printer, ``width`` 32, 42 or 48."""
    width = _width(width)
    loc = locale if locale is not None else config.get_settings().locale

    def money(value: Decimal) -> str:
        return format_money(value, locale=loc)

    since = format_date(st.start, loc) if st.start else "the start"
    out = [cut_cells("Account statement", width), "=" * width]
    out.append(cut_cells(f"Customer {' '.join(printable(st.number).split())}", width))
    out.append(cut_cells(" ".join(printable(st.name).split()), width))
    out.append(cut_cells(f"{since} - {format_date(st.end, loc)}", width))
    if st.limit is not None:
        out += _row("Credit limit", money(st.limit), width)
    out.append("-" * width)
    out += _row("Opening balance", money(st.opening), width)
    for line in st.lines:
        when = format_date(line.at, loc)
        out.append(cut_cells(f"{when} {describe(line)}", width))
        out += _row("", f"{money(line.amount)}  {money(line.balance)}", width)
    out.append("-" * width)
    out += _row("Closing balance", money(st.closing), width)
    return "\n".join(out) + "\n"


STATEMENT_COLUMNS = (("date", "date"), ("kind", "text"), ("sale", "integer"),
                     ("reason", "text"), ("amount", "money"), ("balance", "money"))


def statement_csv(st: Statement, out) -> int:
    """The statement as CSV (machine-readable numbers, no cell a spreadsheet would
    run): an opening row, one per entry, a closing row. Returns the entry count."""
    from tui_pos.services.export import Column, write_csv

    columns = [Column(header, kind) for header, kind in STATEMENT_COLUMNS]
    records = [[st.start, "opening", None, "", None, st.opening]]
    records += [[line.at.date(), line.kind, line.sale_number, line.reason, line.amount,
                 line.balance] for line in st.lines]
    records.append([st.end, "closing", None, "", None, st.closing])
    write_csv(out, columns, records)
    return len(st.lines)


# -- the payment's receipt -------------------------------------------------------------------

def payment_receipt(number: str, name: str, amount: Decimal, method: str,
                    balance_after: Decimal, at: dt.datetime, actor: Actor,
                    width: int = 42, locale: str | None = None) -> str:
    """A short receipt for a payment on account (H6's printing sends it)."""
    settings = config.get_settings()
    loc = locale if locale is not None else settings.locale
    out = []
    if printable(settings.store_name).strip():
        store = cut_cells(" ".join(printable(settings.store_name).split()), width)
        out.append(" " * ((width - cells(store)) // 2) + store)
    out.append(cut_cells("Payment on account", width))
    out.append("-" * width)
    out += _row(f"{format_date(at, loc)} {at:%H:%M}", printable(actor.terminal)[:20], width)
    out.append(cut_cells(f"Customer {number}", width))
    out.append(cut_cells(" ".join(printable(name).split()), width))
    out.append(cut_cells(f"Cashier: {' '.join(printable(actor.name).split())}", width))
    out.append("-" * width)
    out += _row(f"Paid ({' '.join(printable(method).split())})",
                format_money(amount, locale=loc), width)
    out += _row("Balance now", format_money(balance_after, locale=loc), width)
    return "\n".join(out) + "\n"
