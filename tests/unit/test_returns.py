"""Voids and returns (issue #6 part 4): a void by a manager of today's sale in the
open register session, reversing accounts, vouchers and the item sums; returns
against a receipt at the prices, discounts and VAT actually charged (a full
return reverses the sale exactly), refunds to the original tender, account or a
voucher; a return without a receipt needs a manager; bad input writes nothing.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_pos.db.models import (
    AccountEntry, AuditEntry, ItemSalesDay, ItemSalesMonth, Payment, RegisterSession, Sale,
    SaleLine, SaleVat, SaleVoid, Voucher,
)
from tui_pos.errors import NeedsApproval, NotFound, ValidationError
from tui_pos.services import accounts, customers, item_sales, register, reports, returns, \
    tenders
from tui_pos.services.customers import CustomerInput
from tui_pos.services.sales import SaleDraft, complete_sale
from tui_pos.services.tenders import TenderInput
from tui_pos.services.actors import Approver
from tests.actors import CASHIER, MANAGER, OWNER, staff_team

D = Decimal


@pytest.fixture
def till(shop):
    """The shop with the register open on the test actors' terminal (float 100.00)."""
    if register.current_id(CASHIER.terminal) is None:
        register.open_register(CASHIER, "100.00")
    return shop


def method(kind: str) -> int:
    return tenders.method_of_kind(kind).id


def sell(*lines, customer=None, bill_discount=None, tender=None, actor=CASHIER):
    draft = SaleDraft.new()
    if customer is not None:
        draft.set_customer(customer)
    for sku, qty in lines:
        draft.add_item(sku, qty)
    if bill_discount is not None:
        draft.set_bill_discount(MANAGER, bill_discount)
    return complete_sale(actor, draft, tender or [TenderInput(method("cash"))])


def counts() -> dict[str, int]:
    models = (Sale, SaleLine, SaleVat, Payment, SaleVoid, AccountEntry, AuditEntry,
              ItemSalesDay, ItemSalesMonth)
    return {m.__name__: m.select().count() for m in models}


def item_sums() -> tuple[list, list]:
    day = sorted(ItemSalesDay.select(ItemSalesDay.business_date, ItemSalesDay.sku,
                                     ItemSalesDay.quantity, ItemSalesDay.gross,
                                     ItemSalesDay.vat, ItemSalesDay.discount,
                                     ItemSalesDay.lines).tuples())
    month = sorted(ItemSalesMonth.select(ItemSalesMonth.month, ItemSalesMonth.sku,
                                         ItemSalesMonth.quantity, ItemSalesMonth.gross,
                                         ItemSalesMonth.vat, ItemSalesMonth.discount,
                                         ItemSalesMonth.lines).tuples())
    return day, month


def assert_sums_as_rebuilt() -> None:
    """The kept by-item sums equal what summing the sale lines again gives."""
    kept = item_sums()
    today = dt.date.today()
    item_sales.rebuild(today, today)
    assert item_sums() == kept


def staff_customer(limit: str | None = None) -> int:
    from tui_pos.db.models import CustomerType

    staff_type = CustomerType.get(CustomerType.name == "Staff").id
    data = CustomerInput(first_name="Sam", last_name="Staff", customer_type_id=staff_type,
                         credit_limit="" if limit is None else limit)
    return customers.save_customer(OWNER, data).id


# -- voids ----------------------------------------------------------------------------------------

def test_a_manager_voids_todays_sale_it_stays_void_and_leaves_the_reports(till):
    kept = sell(("MUG-01", "2"), ("COF-250", "1"))
    voided = sell(("MUG-01", "1"))
    done = returns.void_sale(MANAGER, voided.number, "  Rang up twice ")
    sale = Sale.get(Sale.number == voided.number)
    assert (sale.status, done.reason, done.total) == ("void", "Rang up twice", D("12.10"))
    row = SaleVoid.get(SaleVoid.sale == sale.id)
    assert (row.reason, row.staff_name, row.register_session_id) == (
        "Rang up twice", "test manager", sale.register_session_id)
    entry = AuditEntry.select().where(AuditEntry.kind == "void").get()
    assert str(voided.number) in entry.subject and "Rang up twice" in entry.changes
    by_day = reports.sales_by("day")
    assert [(r.sales, r.total) for r in by_day] == [(1, kept.total)]
    assert_sums_as_rebuilt()
    [listed] = reports.voided_sales()
    assert (listed.number, listed.reason, listed.total) == (voided.number, "Rang up twice",
                                                             D("12.10"))


def test_a_cashier_needs_a_managers_approval_and_the_approver_is_recorded(till):
    team = staff_team(CASHIER.terminal)
    sale = sell(("MUG-01", "1"), actor=team["Cas"])
    before = counts()
    with pytest.raises(NeedsApproval):
        returns.void_sale(team["Cas"], sale.number, "Wrong item")
    assert counts() == before
    mona = team["Mona"]
    approved = team["Cas"].approved_by(Approver(mona.staff_id, mona.name, mona.role))
    done = returns.void_sale(approved, sale.number, "Wrong item")
    assert done.approver == "Mona"
    row = SaleVoid.get()
    assert (row.staff_name, row.approver_name) == ("Cas", "Mona")
    entry = AuditEntry.select().where(AuditEntry.kind == "void").get()
    assert entry.approver_name == "Mona"
    [listed] = reports.voided_sales(dt.date.today(), dt.date.today())
    assert (listed.cashier, listed.voided_by, listed.approver) == ("Cas", "Cas", "Mona")


@pytest.mark.parametrize("reason", ["", "   ", "bad\x1b[2J", "x" * 201])
def test_a_void_without_a_proper_reason_is_refused_and_writes_nothing(till, reason):
    sale = sell(("MUG-01", "1"))
    before = counts()
    with pytest.raises(ValidationError) as refused:
        returns.void_sale(MANAGER, sale.number, reason)
    assert refused.value.field == "reason"
    assert counts() == before
    assert Sale.get(Sale.number == sale.number).status == "completed"


def test_voiding_twice_an_unknown_or_another_days_sale_is_refused(till):
    sale = sell(("MUG-01", "1"))
    shown = returns.voidable(str(sale.number))
    assert (shown.number, shown.kind, shown.total) == (sale.number, "sale", D("12.10"))
    returns.void_sale(MANAGER, sale.number, "Test")
    before = counts()
    with pytest.raises(ValidationError, match="already void"):
        returns.void_sale(MANAGER, sale.number, "Again")
    with pytest.raises(NotFound):
        returns.void_sale(MANAGER, 999, "Nothing")
    for typed in ("12a", "-3", "", "٣"):
        with pytest.raises(ValidationError):
            returns.void_sale(MANAGER, typed, "Nothing")
    other = sell(("COF-250", "1"))
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="only today's sales"):
        returns.void_sale(MANAGER, other.number, "Late", today=tomorrow)
    for typed in (sale.number, 999, "x"):  # the pop-up's look says the same
        with pytest.raises(ValidationError):
            returns.voidable(typed)
    assert (SaleVoid.select().count(), AuditEntry.select().count()) == (
        before["SaleVoid"], before["AuditEntry"])
    assert Sale.get(Sale.number == other.number).status == "completed"


def test_a_sale_of_a_closed_session_or_without_one_cannot_be_voided(till):
    old = sell(("MUG-01", "1"))
    Sale.update(register_session=None).where(Sale.number == old.number).execute()
    with pytest.raises(ValidationError, match="not rung up in a register session"):
        returns.void_sale(MANAGER, old.number, "Old")
    sale = sell(("MUG-01", "1"))
    RegisterSession.update(open_on=None, closed_at=dt.datetime.now()).execute()
    with pytest.raises(ValidationError, match="session is closed"):
        returns.void_sale(MANAGER, sale.number, "After Z")
    assert SaleVoid.select().count() == 0


def test_a_void_reverses_the_account_charge_and_gives_the_voucher_back(till):
    anna = staff_customer(limit="500")
    Voucher.create(number="GC-1", initial=D("20"), balance=D("20"))
    sale = sell(("MUG-01", "3"), customer=anna,
                tender=[TenderInput(method("voucher"), "10.00", "GC-1"),
                        TenderInput(method("account"))])
    assert Voucher.get().balance == D("10.00")
    assert accounts.balance(anna) == sale.total - D("10.00")
    returns.void_sale(MANAGER, sale.number, "Customer changed their mind")
    assert Voucher.get().balance == D("20.00")
    assert accounts.balance(anna) == D("0.00")
    assert_sums_as_rebuilt()


# -- what can be returned ---------------------------------------------------------------------------

def test_returnable_lists_sold_already_returned_and_left(till):
    sale = sell(("MUG-01", "3"), ("COF-250", "2"))
    before = returns.returnable(sale.number)
    assert [(l.sku, l.sold, l.returned, l.returnable) for l in before.lines] == [
        ("MUG-01", D("3"), D("0"), D("3")), ("COF-250", D("2"), D("0"), D("2"))]
    returns.complete_return(CASHIER, sale.number, [("MUG-01", "1")])
    after = returns.returnable(str(sale.number))
    assert [(l.returned, l.returnable) for l in after.lines] == [(D("1"), D("2")),
                                                                 (D("0"), D("2"))]
    assert after.payments[0].kind == "cash"


# -- returns against a receipt --------------------------------------------------------------------

def test_a_return_takes_the_price_discounts_and_vat_actually_charged(till):
    """Staff customer 15 % plus a 10 % bill discount: 3 mugs at 12.10 and 2 coffee."""
    sam = staff_customer()
    sale = sell(("MUG-01", "3"), ("COF-250", "2"), customer=sam, bill_discount="10")
    mug = SaleLine.get((SaleLine.sale == sale.id) & (SaleLine.sku == "MUG-01"))
    assert (mug.gross, mug.discount_amount, mug.bill_discount_amount, mug.amount) == (
        D("36.30"), D("5.45"), D("3.09"), D("27.76"))
    back = returns.complete_return(CASHIER, sale.number, [(mug.id, "1")])
    line = SaleLine.get(SaleLine.sale == back.id)
    # a third of each, rounded half-up to the cent
    assert (line.quantity, line.amount, line.discount_amount, line.bill_discount_amount) == (
        D("-1"), D("-9.25"), D("-1.82"), D("-1.03"))
    assert line.gross == line.amount + line.discount_amount + line.bill_discount_amount
    assert (line.returned_from_id, line.discount_source, line.unit_price) == (
        mug.id, "type", D("12.10"))
    ret = Sale.get_by_id(back.id)
    assert (ret.kind, ret.return_of_id, ret.total, ret.customer_id) == (
        "return", sale.id, D("-9.25"), sam)
    [vat] = SaleVat.select().where(SaleVat.sale == back.id)
    assert (vat.rate, vat.vat, vat.total) == (D("21"), D("-1.61"), D("-9.25"))
    assert back.total == D("-9.25") and back.number == sale.number + 1
    [pay] = Payment.select().where(Payment.sale == back.id)
    assert (pay.method, pay.amount, pay.tendered, pay.change) == ("cash", D("-9.25"),
                                                                  D("-9.25"), D("0"))
    assert "RETURN" in back.receipt_text and "-9,25" in back.receipt_text
    assert AuditEntry.select().where(AuditEntry.kind == "refund").count() == 1
    assert_sums_as_rebuilt()


@pytest.mark.parametrize("rounding", ["receipt", "line"])
def test_returning_everything_in_pieces_reverses_the_sale_exactly(till, rounding):
    from tui_pos.db.models import BusinessConfig

    BusinessConfig.update(vat_rounding=rounding).execute()
    sam = staff_customer()
    sale = sell(("MUG-01", "3"), ("COF-250", "7"), ("LAB-REP", "1"), customer=sam,
                bill_discount="7")
    lines = {l.sku: l.id for l in SaleLine.select().where(SaleLine.sale == sale.id)}
    pieces = [[(lines["MUG-01"], "1"), (lines["COF-250"], "3")],
              [(lines["MUG-01"], "1"), (lines["COF-250"], "1"), (lines["LAB-REP"], "1")],
              [(lines["MUG-01"], "1"), (lines["COF-250"], "3")]]
    made = [returns.complete_return(CASHIER, sale.number, piece) for piece in pieces]
    ids = [m.id for m in made]

    def summed(model, column, sale_ids):
        return sum((getattr(r, column) for r in model.select().where(model.sale << sale_ids)),
                   D("0"))

    for column in ("amount", "gross", "discount_amount", "bill_discount_amount", "quantity"):
        assert summed(SaleLine, column, ids) == -summed(SaleLine, column, [sale.id]), column
    original = {v.rate: (v.base, v.vat, v.total) for v in
                SaleVat.select().where(SaleVat.sale == sale.id)}
    back: dict = {}
    for v in SaleVat.select().where(SaleVat.sale << ids):
        b = back.setdefault(v.rate, [D(0), D(0), D(0)])
        b[0] += v.base
        b[1] += v.vat
        b[2] += v.total
    assert {r: tuple(-x for x in v) for r, v in back.items()} == original
    assert sum(m.total for m in made) == -sale.total
    assert not returns.returnable(sale.number).anything_left
    assert_sums_as_rebuilt()


def test_a_full_return_at_once_mirrors_the_original_vat_rows(till):
    sale = sell(("MUG-01", "2"), ("COF-250", "5"), ("GIFT-25", "1"))
    left = returns.returnable(sale.number)
    back = returns.complete_return(CASHIER, sale.number,
                                   [(l.id, l.returnable) for l in left.lines])
    rows = lambda sid: sorted((v.rate, v.base, v.vat, v.total)  # noqa: E731
                              for v in SaleVat.select().where(SaleVat.sale == sid))
    assert rows(back.id) == [(r, -b, -v, -t) for r, b, v, t in rows(sale.id)]
    assert back.total == -sale.total


@pytest.mark.parametrize("qty", ["3", "2.5", "0", "-1", "abc", "1e3"])
def test_returning_more_than_is_left_or_a_bad_quantity_writes_nothing(till, qty):
    sale = sell(("MUG-01", "2"))
    returns.complete_return(CASHIER, sale.number, [("MUG-01", "1")]) if qty == "2.5" else None
    before = counts()
    with pytest.raises(ValidationError):
        returns.complete_return(CASHIER, sale.number, [("MUG-01", qty)])
    assert counts() == before


def test_a_return_of_an_unknown_receipt_a_void_sale_or_a_return_is_refused(till):
    sale = sell(("MUG-01", "2"))
    back = returns.complete_return(CASHIER, sale.number, [("MUG-01", "1")])
    voided = sell(("COF-250", "1"))
    returns.void_sale(MANAGER, voided.number, "Test")
    before = counts()
    for number, message in ((12345, "no sale"), (back.number, "itself a return"),
                            (voided.number, "voided"), ("x1", "digits")):
        with pytest.raises(ValidationError, match=message):
            returns.complete_return(CASHIER, number, [("MUG-01", "1")])
    with pytest.raises(ValidationError, match="no line"):
        returns.complete_return(CASHIER, sale.number, [("COF-250", "1")])
    with pytest.raises(ValidationError):
        returns.complete_return(CASHIER, sale.number, [])
    assert counts() == before


def test_a_return_needs_the_register_open(till):
    sale = sell(("MUG-01", "1"))
    RegisterSession.update(open_on=None, closed_at=dt.datetime.now()).execute()
    before = counts()
    with pytest.raises(ValidationError, match="not open"):
        returns.complete_return(CASHIER, sale.number, [("MUG-01", "1")])
    assert counts() == before


# -- the refund ------------------------------------------------------------------------------------

def test_the_refund_goes_back_to_the_original_tenders_by_default(till):
    sale = sell(("MUG-01", "3"), tender=[TenderInput(method("card"), "20.00"),
                                         TenderInput(method("cash"))])
    back = returns.complete_return(CASHIER, sale.number, [("MUG-01", "3")])
    paid = [(p.method, p.amount) for p in Payment.select().where(Payment.sale == back.id)
            .order_by(Payment.id)]
    assert paid == [("card", D("-20.00")), ("cash", D("-16.30"))]


def test_a_cash_refund_needs_the_cash_in_the_drawer(till):
    sale = sell(("LAB-REP", "3"), tender=[TenderInput(method("card"))])  # 181.50 by card
    before = counts()
    with pytest.raises(ValidationError, match="drawer holds"):
        returns.complete_return(CASHIER, sale.number, [("LAB-REP", "3")],
                                [TenderInput(method("cash"))])
    assert counts() == before
    back = returns.complete_return(CASHIER, sale.number, [("LAB-REP", "1")],
                                   [TenderInput(method("cash"))])
    assert back.total == D("-60.50")
    session = register.require_open(CASHIER.terminal)
    assert returns.cash_in_drawer(session) == D("39.50")


def test_a_refund_to_account_or_onto_a_voucher(till):
    anna = staff_customer(limit="300")
    sale = sell(("MUG-01", "4"), customer=anna, tender=[TenderInput(method("account"))])
    owed = accounts.balance(anna)
    returns.complete_return(CASHIER, sale.number, [("MUG-01", "1")])  # default: to account
    assert accounts.balance(anna) == owed - D("10.29")
    Voucher.create(number="GC-9", initial=D("25"), balance=D("0"))
    back = returns.complete_return(CASHIER, sale.number, [("MUG-01", "1")],
                                   [TenderInput(method("voucher"), "", "GC-9")])
    assert Voucher.get(Voucher.number == "GC-9").balance == -back.total
    # voiding that return takes the credit off the voucher again
    returns.void_sale(MANAGER, back.number, "Wrong refund")
    assert Voucher.get(Voucher.number == "GC-9").balance == D("0.00")
    assert returns.returnable(sale.number).lines[0].returnable == D("3")


def test_a_sale_with_returns_is_voided_only_after_them(till):
    sale = sell(("MUG-01", "2"))
    back = returns.complete_return(CASHIER, sale.number, [("MUG-01", "1")])
    with pytest.raises(ValidationError, match="has returns"):
        returns.void_sale(MANAGER, sale.number, "Undo")
    returns.void_sale(MANAGER, back.number, "Undo the return")
    returns.void_sale(MANAGER, sale.number, "Undo the sale")
    assert_sums_as_rebuilt()
    assert reports.sales_by("day") == []


# -- without a receipt ------------------------------------------------------------------------------

def test_a_return_without_a_receipt_needs_a_manager_and_takes_todays_price(till):
    before = counts()
    with pytest.raises(NeedsApproval):
        returns.complete_return(CASHIER, None, [("COF-250", "2")], reason="No receipt")
    assert counts() == before
    back = returns.complete_return(MANAGER, None, [("COF-250", "2")], reason="No receipt")
    sale = Sale.get_by_id(back.id)
    assert (sale.kind, sale.return_of_id, sale.total) == ("return", None, D("-13.90"))
    line = SaleLine.get(SaleLine.sale == back.id)
    assert (line.quantity, line.amount, line.returned_from_id) == (D("-2"), D("-13.90"), None)
    [vat] = SaleVat.select().where(SaleVat.sale == back.id)
    assert (vat.rate, vat.vat) == (D("9"), D("-1.15"))
    assert "RETURN" in back.receipt_text
    entry = AuditEntry.select().where(AuditEntry.kind == "refund").get()
    assert "No receipt" in entry.changes


def test_the_void_report_lists_a_range_of_days_and_refuses_a_bad_one(till):
    sale = sell(("MUG-01", "1"))
    returns.void_sale(MANAGER, sale.number, "Test")
    today = dt.date.today()
    assert [r.number for r in reports.voided_sales(today.isoformat(), today)] == [sale.number]
    assert reports.voided_sales(today + dt.timedelta(days=1)) == []
    assert reports.voided_sales(None, today - dt.timedelta(days=1)) == []
    for start, end in (("2026-13-01", None), (today, today - dt.timedelta(days=1))):
        with pytest.raises(ValidationError):
            reports.voided_sales(start, end)


def test_a_refund_onto_a_new_voucher_number_issues_that_voucher(till):
    sale = sell(("COF-250", "2"))
    before = counts()
    with pytest.raises(ValidationError):  # no number typed: refused, nothing issued
        returns.complete_return(CASHIER, sale.number, [("COF-250", "1")],
                                [TenderInput(method("voucher"), "", "  ")])
    assert counts() == before and Voucher.select().count() == 0
    returns.complete_return(CASHIER, sale.number, [("COF-250", "1")],
                            [TenderInput(method("voucher"), "", "REF-0001")])
    voucher = Voucher.get(Voucher.number == "REF-0001")
    assert (voucher.initial, voucher.balance) == (D("6.95"), D("6.95"))
    with pytest.raises(ValidationError):  # more back than is left: the new voucher goes too
        returns.complete_return(CASHIER, sale.number, [("COF-250", "2")],
                                [TenderInput(method("voucher"), "", "REF-0002")])
    assert Voucher.select().count() == 1


def test_a_customers_sales_newest_first_without_voids_or_returns(till):
    anna = staff_customer()
    first = sell(("MUG-01", "1"), customer=anna)
    sell(("MUG-01", "1"))  # someone else's
    second = sell(("MUG-01", "1"), ("COF-250", "1"), customer=anna)
    voided = sell(("COF-250", "1"), customer=anna)
    returns.void_sale(MANAGER, voided.number, "Test")
    returns.complete_return(CASHIER, first.number, [("MUG-01", "1")])
    assert [(s.number, s.lines) for s in returns.customer_sales(anna)] == [
        (second.number, 2), (first.number, 1)]
    with pytest.raises(NotFound):
        returns.customer_sales("1")


def test_items_typed_for_a_return_without_a_receipt(till):
    assert returns.item_entries(" MUG-01, 2*COF-250 ,,") == [("MUG-01", "1"), ("COF-250", "2")]
    for bad in ("", " , ", "MUG\x1b-01", None):
        with pytest.raises(ValidationError):
            returns.item_entries(bad)
    before = counts()
    for entries, reason in (([("MUG-01", "1")], ""), ([("NOPE", "1")], "why"),
                            ([("MUG-01", "0")], "why")):
        with pytest.raises(ValidationError):
            returns.complete_return(MANAGER, None, entries, reason=reason)
    assert counts() == before


def test_two_tills_returning_the_last_unit_at_once_only_one_gets_it(till):
    """Each thread has its own connection; the sale row is locked (FOR UPDATE on
    PostgreSQL, the write lock from BEGIN IMMEDIATE on SQLite) while what is left is
    read, so the second till finds nothing left."""
    import threading

    from tui_pos.db.models import database

    sale = sell(("MUG-01", "1"))
    barrier, results = threading.Barrier(2), []

    def till_returns() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(returns.complete_return(CASHIER, sale.number, [("MUG-01", "1")]))
        except ValidationError as refused:
            results.append(refused)
        finally:
            database.close()

    threads = [threading.Thread(target=till_returns) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done = [r for r in results if not isinstance(r, ValidationError)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "cannot come back" in refused[0].message
    assert Sale.select().where(Sale.kind == "return").count() == 1


@given(quantities=st.lists(st.integers(1, 7), min_size=3, max_size=3),
       bill_discount=st.sampled_from([None, "5", "10", "12.5"]),
       staff=st.booleans(), rounding=st.sampled_from(["receipt", "line"]),
       cuts=st.lists(st.integers(0, 2), min_size=21, max_size=21))
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_sale_returned_in_any_pieces_nets_to_nothing(till, quantities, bill_discount,
                                                         staff, rounding, cuts):
    from tui_pos.db.models import BusinessConfig

    BusinessConfig.update(vat_rounding=rounding).execute()
    customer = staff_customer() if staff else None
    skus = ("MUG-01", "COF-250", "LAB-REP")
    sale = sell(*zip(skus, map(str, quantities)), customer=customer,
                bill_discount=bill_discount)
    lines = {l.sku: l.id for l in SaleLine.select().where(SaleLine.sale == sale.id)}
    pieces: list[list] = [[], [], []]  # each unit of each line goes to one of three returns
    unit = iter(cuts)
    for sku, qty in zip(skus, quantities):
        for _ in range(qty):
            pieces[next(unit, 0)].append(sku)
    made = []
    for piece in pieces:
        counted = {sku: piece.count(sku) for sku in set(piece)}
        if counted:
            made.append(returns.complete_return(CASHIER, sale.number, [
                (lines[sku], str(n)) for sku, n in counted.items()]))
    ids = [m.id for m in made]
    assert sum(m.total for m in made) == -sale.total
    for column in ("amount", "discount_amount", "bill_discount_amount"):
        back = sum((getattr(l, column) for l in SaleLine.select().where(SaleLine.sale << ids)),
                   D(0))
        sold = sum((getattr(l, column) for l in SaleLine.select().where(
            SaleLine.sale == sale.id)), D(0))
        assert back == -sold, column
    for rate, vat in ((v.rate, v.vat) for v in SaleVat.select().where(SaleVat.sale == sale.id)):
        back = sum((v.vat for v in SaleVat.select().where((SaleVat.sale << ids)
                                                          & (SaleVat.rate == rate))), D(0))
        assert back == -vat, rate


RETURN_RECEIPT = """\
------------------------------------------
Sale 2                    24-11-2026 15:05
RETURN of sale 1
Customer: Sam Staff (1001)
Cashier: test cashier      Till: test-till
------------------------------------------
Stoneware mug
  -1 x 12,10                    -12,10 21%
  discount 15% (type)             1,82
  bill discount 10%               1,03
Coffee beans 250 g
  -2 x 6,95                     -13,90  9%
  discount 15% (type)             2,09
  bill discount 10%               1,18
------------------------------------------
TOTAL EUR                           -19,88
Refund (Card)                       -19,88

Rate          base         VAT       total
21%          -7,64       -1,61       -9,25
9%           -9,75       -0,88      -10,63
"""


def test_a_hand_worked_dutch_return_receipt(till):
    """Sold: 3 mugs at 12,10 (21 %) and 2 coffee at 6,95 (9 %) to a staff customer
    (15 %) with a 10 % bill discount on top; the mug line cost 36,30 - 5,45 - 3,09 =
    27,76. Back: one mug, a third of each: 9,25 (discounts 1,82 and 1,03), VAT
    9,25 × 21/121 = 1,61; both coffees, exactly as charged: 10,63, VAT 0,88."""
    sam = staff_customer()
    draft = SaleDraft.new()
    draft.set_customer(sam)
    draft.add_item("MUG-01", "3")
    draft.add_item("COF-250", "2")
    draft.set_bill_discount(MANAGER, "10")
    sale = complete_sale(CASHIER, draft, [TenderInput(method("cash"))],
                         at=dt.datetime(2026, 11, 24, 14, 30))
    lines = {l.sku: l.id for l in SaleLine.select().where(SaleLine.sale == sale.id)}
    back = returns.complete_return(CASHIER, sale.number, [(lines["MUG-01"], "1"),
                                                          (lines["COF-250"], "2")],
                                   [TenderInput(method("card"))],
                                   at=dt.datetime(2026, 11, 24, 15, 5))
    assert back.receipt_text == RETURN_RECEIPT
    assert Sale.get_by_id(back.id).receipt_text == RETURN_RECEIPT


def test_a_return_without_a_receipt_to_a_customers_account(till):
    anna = staff_customer(limit="100")
    back = returns.complete_return(MANAGER, None, [("MUG-01", "1")], [
        TenderInput(method("account"))], reason="Bought last year", customer_id=anna)
    sale = Sale.get_by_id(back.id)
    assert (sale.customer_id, sale.customer_name) == (anna, "Sam Staff")
    assert accounts.balance(anna) == D("-12.10")  # today's shelf price, no discount
    before = counts()
    with pytest.raises(ValidationError):  # nobody to refund to
        returns.complete_return(MANAGER, None, [("MUG-01", "1")], [
            TenderInput(method("account"))], reason="Who?")
    with pytest.raises(NotFound):
        returns.complete_return(MANAGER, None, [("MUG-01", "1")], [
            TenderInput(method("account"))], reason="Who?", customer_id=999)
    assert counts() == before


def test_pricing_a_return_refuses_a_line_or_quantity_that_is_not_there(till):
    sale = sell(("MUG-01", "2"))
    left = returns.returnable(sale.number)
    line = left.lines[0].id
    assert returns.price_return(left, {line: D("2")}).total == D("-24.20")
    for wanted in ({line + 99: D("1")}, {line: D("3")}, {line: D("0")}, {line: "1"}):
        with pytest.raises(ValidationError):
            returns.price_return(left, wanted)


@given(text=st.text(max_size=60))
@settings(max_examples=60)
def test_typed_receipt_numbers_and_items_parse_or_say_why(text):
    """Whatever is typed: a number / entries, or a ValidationError — nothing else."""
    try:
        assert returns.parse_sale_number(text) > 0
    except ValidationError as refused:
        assert refused.field == "number"
    try:
        entries = returns.item_entries(text)
        assert entries and all(isinstance(sku, str) and isinstance(q, str)
                               for sku, q in entries)
    except ValidationError as refused:
        assert refused.field == "items"


def test_a_cash_refund_is_rounded_to_five_cents_when_the_shop_rounds_cash(till):
    from tui_pos.db.models import BusinessConfig

    BusinessConfig.update(cash_rounding=True).execute()
    sam = staff_customer()
    sale = sell(("MUG-01", "4"), customer=sam, tender=[TenderInput(method("card"))])
    session = register.require_open(CASHIER.terminal)
    drawer = returns.cash_in_drawer(session)
    back = returns.complete_return(CASHIER, sale.number, [("MUG-01", "1")],
                                   [TenderInput(method("cash"))])
    [paid] = Payment.select().where(Payment.sale == back.id)
    # 10,29 back; 10,30 handed out of the drawer
    assert (paid.amount, paid.tendered, paid.rounding) == (D("-10.29"), D("-10.30"),
                                                           D("-0.01"))
    assert (back.total, back.paid, Sale.get_by_id(back.id).paid) == (
        D("-10.29"), D("-10.30"), D("-10.30"))
    assert returns.cash_in_drawer(session) == drawer - D("10.30")
