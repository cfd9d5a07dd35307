"""Register sessions per terminal: open with a counted float, paid in/out,
no-sale, X report at any time, Z close counting every tender.

A sale, a return, an account payment at a till, paid in/out and a no-sale need
an open session on the actor's terminal: ``require_open(terminal)`` gives its
id or refuses with a message telling the cashier what to do. The session row
and its CashMovement / RegisterCount rows are the record (no audit entries).

The X and Z reports are a handful of aggregate queries over the session's rows
(integer cents summed in SQL), never a loop over its sales.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

import peewee as pw

from tui_pos.db import bulk
from tui_pos.db.models import (
    CashMovement, RegisterCount, RegisterSession, Sequence, TenderMethod, database, now,
)
from tui_pos.money import format_money, parse_money
from tui_pos.services import config
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import NotFound, ValidationError, as_field, check
from tui_pos.services.text import checked, printable

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
REASON_LENGTH = 200  # CashMovement.reason
BOOK_KINDS = ("account", "voucher")  # tenders the books hold: nothing in the drawer to count


def current_id(terminal: str) -> int | None:
    """The open session's id on ``terminal``, or None (asked by every sale: its SQL is
    built once, ``db.bulk``)."""
    row = bulk.select_one(RegisterSession, (RegisterSession.id,), RegisterSession.open_on,
                          terminal)
    return row[0] if row else None


def require_open(terminal: str) -> int:
    """The open session's id on ``terminal``, or a ValidationError (field "register")."""
    session_id = current_id(terminal)
    if session_id is None:
        raise ValidationError(
            f"The register on {terminal or 'this terminal'} is not open — open it with its "
            "float first (Till menu › Open register)", "register")
    return session_id


# -- sessions --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionInfo:
    id: int
    terminal: str
    opened_at: dt.datetime
    opened_by: str
    opening_float: Decimal
    closed_at: dt.datetime | None = None
    closed_by: str = ""
    z_number: int | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def _info(row: RegisterSession) -> SessionInfo:
    return SessionInfo(row.id, row.terminal, row.opened_at, row.opened_by_name,
                       row.opening_float, row.closed_at, row.closed_by_name, row.z_number)


def current(terminal: str) -> SessionInfo | None:
    """The open session on ``terminal``, or None."""
    row = RegisterSession.get_or_none(RegisterSession.open_on == terminal)
    return _info(row) if row else None


def session_info(session_id: int) -> SessionInfo:
    row = RegisterSession.get_or_none(RegisterSession.id == session_id)
    if row is None:
        raise NotFound("That register session does not exist")
    return _info(row)


def open_register(actor: Actor, float_amount: str | Decimal) -> SessionInfo:
    """Open the register on the actor's terminal with the counted float (cashier may)."""
    require(actor, "cashier", "Open the register")
    terminal = printable(actor.terminal)[:60]
    check(bool(terminal), "This till has no terminal name; start it with --terminal NAME",
          "register")
    amount = as_field("float", parse_money, float_amount, "Float")
    try:
        with database.atomic():
            row = RegisterSession.create(
                terminal=terminal, open_on=terminal, opened_at=now(),
                opened_by=actor.staff_id, opened_by_name=printable(actor.name)[:60],
                opening_float=amount)
    except pw.IntegrityError:  # the unique open_on: another session is open here
        raise ValidationError(f"The register on {terminal} is already open — close it "
                              "with its Z first", "register") from None
    return _info(row)


def _movement(actor: Actor, kind: str, amount: Decimal, reason: str) -> int:
    session_id = require_open(actor.terminal)
    return CashMovement.create(session=session_id, at=now(), kind=kind, amount=amount,
                               reason=reason, staff=actor.staff_id,
                               staff_name=printable(actor.name)[:60]).id


def _amount_and_reason(amount, reason) -> tuple[Decimal, str]:
    value = as_field("amount", parse_money, amount, "Amount")
    check(value > 0, "Amount must be more than zero", "amount")
    text = checked(reason, "Reason", "reason", REASON_LENGTH, required=True)
    return value, text


def paid_in(actor: Actor, amount: str | Decimal, reason: str) -> int:
    """Cash put in the drawer without a sale (change from the bank…), with a reason."""
    require(actor, "cashier", "Paid in")
    value, text = _amount_and_reason(amount, reason)
    with database.atomic():
        return _movement(actor, "paid_in", value, text)


def paid_out(actor: Actor, amount: str | Decimal, reason: str) -> int:
    """Cash taken from the drawer without a sale (the window cleaner…), with a reason;
    never more than the cash the drawer should hold."""
    require(actor, "cashier", "Paid out")
    value, text = _amount_and_reason(amount, reason)
    with database.atomic():
        session_id = require_open(actor.terminal)
        in_drawer = x_report(session_id).expected_cash
        check(value <= in_drawer, f"Paid out {format_money(value)} is more than the cash in "
              f"the drawer ({format_money(in_drawer)})", "amount")
        return _movement(actor, "paid_out", value, text)


def no_sale(actor: Actor) -> int:
    """The drawer opened without a sale: recorded (counted on the X and Z)."""
    require(actor, "cashier", "Open the drawer (no sale)")
    with database.atomic():
        return _movement(actor, "no_sale", ZERO, "")


# -- the X report ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TenderTotal:
    """One tender on the report: what sales and account payments took by it."""
    method: str
    kind: str
    sales: Decimal = ZERO      # payments of completed sales and returns (amount applied)
    rounding: Decimal = ZERO   # cash rounding (cash only)
    count: int = 0
    account: Decimal = ZERO    # payments on account taken by this tender
    expected: Decimal = ZERO   # what should be there at the close

    @property
    def countable(self) -> bool:
        return self.kind not in BOOK_KINDS


@dataclass(frozen=True)
class VatTotal:
    rate: Decimal
    base: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class RegisterReport:
    session: SessionInfo
    sales_count: int
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_rates: tuple[VatTotal, ...]
    tenders: tuple[TenderTotal, ...]
    discounts: tuple[tuple[str, Decimal], ...]  # (source, amount): line sources + "bill"
    returns_count: int
    returns_total: Decimal
    voids_count: int
    voids_total: Decimal
    no_sales: int
    paid_in: Decimal
    paid_out: Decimal
    made_at: dt.datetime = field(default_factory=now)

    @property
    def expected_cash(self) -> Decimal:
        return sum((t.expected for t in self.tenders if t.kind == "cash"), ZERO)


@dataclass(frozen=True)
class CountRow:
    method: str
    expected: Decimal
    counted: Decimal

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected


@dataclass(frozen=True)
class ZReport:
    z_number: int
    report: RegisterReport
    counts: tuple[CountRow, ...]
    text: str = ""

    @property
    def difference(self) -> Decimal:
        return sum((c.difference for c in self.counts), ZERO)


def _cents(value) -> Decimal:
    return (Decimal(int(value or 0)) * CENT).quantize(CENT)


def _rows(sql: str, *params) -> list[tuple]:
    return list(database.execute_sql(sql.replace("?", database.param), params).fetchall())


DONE = "s.register_session_id = ? AND s.status = 'completed'"


def _sales(session_id: int) -> tuple:
    return _rows("SELECT SUM(CASE WHEN s.kind = 'sale' THEN 1 ELSE 0 END), "
                 "SUM(s.total), SUM(s.vat_total), "
                 "SUM(CASE WHEN s.kind = 'return' THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN s.kind = 'return' THEN s.total ELSE 0 END) "
                 f"FROM sale AS s WHERE {DONE}", session_id)[0]


def _vat_rates(session_id: int) -> tuple[VatTotal, ...]:
    rows = _rows("SELECT v.rate, SUM(v.base), SUM(v.vat), SUM(v.total) FROM sale_vat AS v "
                 f"JOIN sale AS s ON s.id = v.sale_id WHERE {DONE} "
                 "GROUP BY v.rate ORDER BY v.rate DESC", session_id)
    return tuple(VatTotal(_cents(r), _cents(b), _cents(v), _cents(t)) for r, b, v, t in rows)


def _discounts(session_id: int) -> tuple[tuple[str, Decimal], ...]:
    rows = _rows("SELECT l.discount_source, SUM(l.discount_amount), "
                 "SUM(l.bill_discount_amount) FROM sale_line AS l "
                 f"JOIN sale AS s ON s.id = l.sale_id WHERE {DONE} "
                 "GROUP BY l.discount_source ORDER BY l.discount_source", session_id)
    sources: dict[str, Decimal] = {}
    bill = ZERO
    for source, amount, bill_amount in rows:
        if amount:
            sources[source] = sources.get(source, ZERO) + _cents(amount)
        bill += _cents(bill_amount)
    if bill:
        sources["bill"] = sources.get("bill", ZERO) + bill
    return tuple(sources.items())


def _methods() -> dict[str, tuple[str, str, int]]:
    """name_key → (name, kind, position) of every tender method."""
    return {key: (name, kind, pos) for key, name, kind, pos in TenderMethod.select(
        TenderMethod.name_key, TenderMethod.name, TenderMethod.kind, TenderMethod.position
    ).tuples()}


def _tenders(session_id: int, float_amount: Decimal, paid_in: Decimal,
             paid_out: Decimal) -> tuple[TenderTotal, ...]:
    methods = _methods()
    by_id = {i: k for i, k in TenderMethod.select(TenderMethod.id, TenderMethod.name_key)
             .tuples()}
    totals: dict[str, TenderTotal] = {}

    def add(key: str, **more) -> None:
        key = key.casefold()
        if key not in totals:
            name, kind, _ = methods.get(key, (key, "cash" if key == "cash" else "other", 99))
            totals[key] = TenderTotal(name, kind)
        t = totals[key]
        totals[key] = replace(t, **{k: getattr(t, k) + v for k, v in more.items()})

    for method_id, method, amount, rounding, count in _rows(
            "SELECT p.tender_method_id, p.method, SUM(p.amount), SUM(p.rounding), COUNT(*) "
            f"FROM payment AS p JOIN sale AS s ON s.id = p.sale_id WHERE {DONE} "
            "GROUP BY p.tender_method_id, p.method", session_id):
        add(by_id.get(method_id, method), sales=_cents(amount), rounding=_cents(rounding),
            count=int(count))
    for method_id, amount in _rows(
            "SELECT e.tender_method_id, SUM(e.amount) FROM account_entry AS e "
            "WHERE e.register_session_id = ? AND e.kind = 'payment' "
            "GROUP BY e.tender_method_id", session_id):
        add(by_id.get(method_id, "cash"), account=-_cents(amount))
    if not any(t.kind == "cash" for t in totals.values()):
        add("cash")  # the float is always there to count
    done = []
    for key, t in totals.items():
        expected = t.sales + t.rounding + t.account
        if t.kind == "cash":
            expected += float_amount + paid_in - paid_out
        done.append(replace(t, expected=expected))
    return tuple(sorted(done, key=lambda t: (methods.get(t.method.casefold(), ("", "", 99))[2],
                                             t.method)))


def x_report(session_id: int) -> RegisterReport:
    """The session so far (read-only, any time)."""
    session = session_info(session_id)
    count, gross, vat, returns_count, returns_total = _sales(session_id)
    moves = dict(((k, (n, a)) for k, n, a in _rows(
        "SELECT kind, COUNT(*), SUM(amount) FROM cash_movement WHERE session_id = ? "
        "GROUP BY kind", session_id)))
    paid_in = _cents(moves.get("paid_in", (0, 0))[1])
    paid_out = _cents(moves.get("paid_out", (0, 0))[1])
    voids = _rows("SELECT COUNT(*), SUM(s.total) FROM sale_void AS v JOIN sale AS s "
                  "ON s.id = v.sale_id WHERE v.register_session_id = ? "
                  "OR (v.register_session_id IS NULL AND s.register_session_id = ?)",
                  session_id, session_id)[0]
    gross, vat = _cents(gross), _cents(vat)
    return RegisterReport(
        session=session, sales_count=int(count or 0), net=gross - vat, vat=vat, gross=gross,
        vat_rates=_vat_rates(session_id),
        tenders=_tenders(session_id, session.opening_float, paid_in, paid_out),
        discounts=_discounts(session_id), returns_count=int(returns_count or 0),
        returns_total=_cents(returns_total), voids_count=int(voids[0] or 0),
        voids_total=_cents(voids[1]), no_sales=int(moves.get("no_sale", (0, 0))[0]),
        paid_in=paid_in, paid_out=paid_out)


# -- the Z close -----------------------------------------------------------------------------
def _counted(report: RegisterReport, counted: dict[str, str]) -> tuple[CountRow, ...]:
    given = {str(k).strip().casefold(): v for k, v in counted.items()}
    rows = []
    for t in report.tenders:
        if not t.countable:
            rows.append(CountRow(t.method, t.expected, t.expected))
            continue
        text = given.get(t.method.casefold())
        if text is None or (isinstance(text, str) and not text.strip()):
            raise ValidationError(f"Count the {t.method} takings before closing "
                                  f"(expected {format_money(t.expected)})",
                                  f"count:{t.method}")
        # a card batch can be negative (more refunded than taken); a drawer cannot
        value = as_field(f"count:{t.method}", parse_money, text, f"Counted {t.method}",
                         allow_negative=t.kind != "cash")
        rows.append(CountRow(t.method, t.expected, value))
    return tuple(rows)


def close_register(actor: Actor, counted: dict[str, str | Decimal],
                   width: int = 42) -> ZReport:
    """Close the register on the actor's terminal with the counted amount per tender:
    the Z report — numbered, its text kept (in the store's locale) — or a
    ValidationError and nothing written."""
    require(actor, "cashier", "Close the register")
    locale = config.get_settings().locale
    with database.atomic():
        session_id = require_open(actor.terminal)
        report = x_report(session_id)
        counts = _counted(report, counted)
        closed = (RegisterSession.update(open_on=None)
                  .where((RegisterSession.id == session_id)
                         & RegisterSession.open_on.is_null(False)).execute())
        check(closed == 1, "This register was closed meanwhile", "register")
        z_number = bulk.next_value(Sequence, "z")
        at = now()
        name = printable(actor.name)[:60]
        session = replace(report.session, closed_at=at, closed_by=name, z_number=z_number)
        report = replace(report, session=session, made_at=at)
        z = ZReport(z_number, report, counts)
        z = replace(z, text=z_text(z, width, locale))
        RegisterCount.insert_many(
            [(session_id, c.method[:20], c.expected, c.counted) for c in counts],
            fields=[RegisterCount.session, RegisterCount.method, RegisterCount.expected,
                    RegisterCount.counted]).execute()
        RegisterSession.update(closed_at=at, closed_by=actor.staff_id, closed_by_name=name,
                               z_number=z_number, z_report_text=z.text).where(
            RegisterSession.id == session_id).execute()
    return z


def z_by_number(number: int) -> ZReport:
    """A kept Z report, rebuilt from the closed session and its counts."""
    row = RegisterSession.get_or_none(RegisterSession.z_number == number)
    if row is None:
        raise NotFound(f"There is no Z report {number}")
    report = replace(x_report(row.id), made_at=row.closed_at)
    counts = tuple(CountRow(c.method, c.expected, c.counted) for c in
                   RegisterCount.select().where(RegisterCount.session == row.id)
                   .order_by(RegisterCount.id))
    return ZReport(number, report, counts, row.z_report_text)


@dataclass(frozen=True)
class ZRow:
    z_number: int
    terminal: str
    opened_at: dt.datetime
    closed_at: dt.datetime
    closed_by: str


def list_z(limit: int = 200) -> list[ZRow]:
    """The latest Z reports, newest first."""
    query = (RegisterSession.select(RegisterSession.z_number, RegisterSession.terminal,
                                    RegisterSession.opened_at, RegisterSession.closed_at,
                                    RegisterSession.closed_by_name)
             .where(RegisterSession.z_number.is_null(False))
             .order_by(RegisterSession.z_number.desc()).limit(limit).tuples())
    return [ZRow(*row) for row in query]


# -- as text (screen, printer, CLI) ------------------------------------------------------------
def _line(left: str, right: str, width: int) -> str:
    left = printable(left)
    room = max(1, width - len(right) - 1)
    return f"{left[:room]:<{room}} {right}"


def z_text(report: RegisterReport | ZReport, width: int = 42,
           locale: str | None = None) -> str:
    """The X (a RegisterReport) or Z (a ZReport) as plain text ``width`` columns wide,
    amounts in ``locale``'s marks (the store's: ``config.get_settings().locale``)."""
    z = report if isinstance(report, ZReport) else None
    r = z.report if z else report

    def m(value: Decimal) -> str:
        return format_money(value, locale=locale)
    s = r.session
    out = [("Z REPORT %d" % z.z_number if z else "X REPORT (not closed)").center(width),
           _line("Terminal", printable(s.terminal), width),
           _line("Opened", f"{s.opened_at:%Y-%m-%d %H:%M}", width),
           _line("  by", printable(s.opened_by), width)]
    if z and s.closed_at:
        out += [_line("Closed", f"{s.closed_at:%Y-%m-%d %H:%M}", width),
                _line("  by", printable(s.closed_by), width)]
    else:
        out.append(_line("Printed", f"{r.made_at:%Y-%m-%d %H:%M}", width))
    rule = "-" * width
    out += [rule, _line("Sales", str(r.sales_count), width),
            _line("Returns", f"{r.returns_count}  {m(r.returns_total)}", width),
            _line("Voids", f"{r.voids_count}  {m(r.voids_total)}", width),
            _line("Net", m(r.net), width), _line("VAT", m(r.vat), width),
            _line("Gross", m(r.gross), width), rule, "VAT per rate"]
    out += [_line(f"  {v.rate.normalize():f} %", f"{m(v.base)} + {m(v.vat)}", width)
            for v in r.vat_rates]
    if r.discounts:
        out += [rule, "Discounts given"]
        out += [_line(f"  {source}", m(amount), width) for source, amount in r.discounts]
    out += [rule, "Tenders"]
    for t in r.tenders:
        out.append(_line(f"  {t.method} ({t.count})", m(t.sales), width))
        if t.rounding:
            out.append(_line("    rounding", m(t.rounding), width))
        if t.account:
            out.append(_line("    on account", m(t.account), width))
    out += [rule, _line("Float", m(s.opening_float), width),
            _line("Paid in", m(r.paid_in), width), _line("Paid out", m(r.paid_out), width),
            _line("No sales", str(r.no_sales), width), rule, "Expected"]
    out += [_line(f"  {t.method}", m(t.expected), width) for t in r.tenders]
    if z:
        out += [rule, "Counted / difference"]
        for c in z.counts:
            out.append(_line(f"  {c.method}", f"{m(c.counted)} {m(c.difference):>8}", width))
        out.append(_line("Difference", m(z.difference), width))
    return "\n".join(line.rstrip() for line in out) + "\n"
