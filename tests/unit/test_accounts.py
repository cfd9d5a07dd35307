"""Credit accounts (issue #6 part 2): the ledger, the limit checked inside the
sale's transaction, payments on account at the till, a manager's adjustments,
the statement on screen / for the printer / as CSV — and bad input refused
with nothing written. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import select
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui_pos
from tui_pos.db.models import AccountEntry, AuditEntry, RegisterSession, TenderMethod, database
from tui_pos.errors import NeedsApproval, NotAllowed, ValidationError
from tui_pos.services import accounts, customers, register, staff
from tui_pos.services.customers import CustomerInput
from tests.actors import CASHIER, MANAGER, OWNER, PINS, staff_team

D = Decimal
CHARGER = Path(__file__).with_name("account_charger.py")


def customer(limit: str | None = "100", last: str = "Visser") -> int:
    data = CustomerInput(first_name="Anna", last_name=last,
                         credit_limit="" if limit is None else limit)
    return customers.save_customer(OWNER, data).id


def open_till(terminal: str = CASHIER.terminal) -> int:
    """The open register's session on ``terminal``, opened here if it is not yet."""
    found = register.current_id(terminal)
    if found is not None:
        return found
    return RegisterSession.create(terminal=terminal, open_on=terminal,
                                  opened_by_name="test", opening_float=D("0")).id


def method(kind: str) -> int:
    return TenderMethod.get(TenderMethod.kind == kind).id


def charge(actor, customer_id, amount, sale_id=None, session_id=None):
    with database.atomic():  # as complete_sale does: the sale's own transaction
        return accounts.charge_in_sale(actor, customer_id, amount, sale_id, session_id)


def counts() -> tuple[int, int]:
    return AccountEntry.select().count(), AuditEntry.select().count()


# -- the limit ---------------------------------------------------------------------------

def test_a_charge_within_the_limit_is_an_entry_and_the_balance_is_the_sum(db):
    anna = customer("100")
    charge(CASHIER, anna, "30.00")
    charge(CASHIER, anna, D("45.50"))
    info = accounts.account_info(anna)
    assert (info.balance, info.limit, info.available) == (D("75.50"), D("100.00"), D("24.50"))
    assert accounts.balance(anna) == D("75.50")
    entries = list(AccountEntry.select().order_by(AccountEntry.id))
    assert [(e.kind, e.amount, e.actor) for e in entries] == [
        ("charge", D("30.00"), "test cashier"), ("charge", D("45.50"), "test cashier")]


def test_exactly_up_to_the_limit_needs_no_manager(db):
    anna = customer("100")
    charge(CASHIER, anna, "100")
    assert accounts.balance(anna) == D("100.00")


def test_over_the_limit_a_cashier_needs_a_manager_and_nothing_is_written(db):
    anna = customer("100")
    charge(CASHIER, anna, "90")
    before = counts()
    with pytest.raises(NeedsApproval) as asked:
        charge(CASHIER, anna, "10.01")
    assert "over the limit" in asked.value.message
    with pytest.raises(NeedsApproval):
        accounts.check_charge(CASHIER, anna, "10.01")
    assert counts() == before
    assert accounts.balance(anna) == D("90.00")


def test_over_the_limit_approved_by_a_manager_is_written_with_an_approval_entry(db):
    team = staff_team("till-1")
    anna = customer("50")
    approved = staff.approve(team["Cas"], team["Mona"].staff_id, PINS["Mona"],
                             "on account over the limit", "manager")
    charge(approved, anna, "80")
    assert accounts.balance(anna) == D("80.00")
    entry = AuditEntry.select().where(AuditEntry.kind == "approval").get()
    assert entry.approver_name == "Mona" and entry.actor == "Cas"
    assert "over the credit limit" in entry.subject


def test_a_manager_charging_over_the_limit_approves_it_themselves(db):
    anna = customer("10")
    charge(MANAGER, anna, "25")
    assert accounts.balance(anna) == D("25.00")


def test_no_credit_limit_means_no_credit_account_and_on_account_is_refused(db):
    walk_in = customer(None)
    before = counts()
    for attempt in (lambda: charge(OWNER, walk_in, "5"),
                    lambda: accounts.check_charge(OWNER, walk_in, "5")):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "no credit account" in refused.value.message
        assert not isinstance(refused.value, NeedsApproval)
    assert counts() == before
    assert not accounts.account_info(walk_in).has_account


def test_on_account_without_a_customer_is_refused(db):
    before = counts()
    with pytest.raises(ValidationError, match="needs a customer"):
        charge(CASHIER, None, "5")
    with pytest.raises(ValidationError, match="needs a customer"):
        accounts.check_charge(CASHIER, None, "5")
    assert counts() == before


@pytest.mark.parametrize("amount", ["0", "-5", "1e3", "NaN", "12345678901", "1.001", "abc",
                                    D("Infinity")])
def test_a_charge_of_nothing_negative_or_absurd_is_refused(db, amount):
    anna = customer("100")
    before = counts()
    with pytest.raises(ValidationError):
        charge(MANAGER, anna, amount)
    assert counts() == before


# -- refunds and voids ----------------------------------------------------------------------

def test_a_refund_to_account_is_a_negative_entry_either_way_round(db):
    anna = customer("100")
    charge(CASHIER, anna, "40")
    with database.atomic():
        accounts.refund_in_sale(CASHIER, anna, "15", None, None)
        accounts.refund_in_sale(CASHIER, anna, D("-5"), None, None)
    kinds = [(e.kind, e.amount) for e in AccountEntry.select().order_by(AccountEntry.id)]
    assert kinds[1:] == [("refund", D("-15.00")), ("refund", D("-5.00"))]
    assert accounts.balance(anna) == D("20.00")


def test_reversing_a_sale_takes_its_entries_back_once(db):
    from tui_pos.db.models import Sale

    anna = customer("100")
    sale = Sale.create(number=7, business_date=dt.date.today(), prices_include_vat=True,
                       subtotal=0, discount_total=0, vat_total=0, total=D("30"),
                       paid=D("30"), change=0)
    charge(CASHIER, anna, "30", sale_id=sale.id)
    charge(CASHIER, anna, "12")  # another sale's: stays
    assert accounts.reverse_sale(MANAGER, sale.id) == D("30.00")
    assert accounts.reverse_sale(MANAGER, sale.id) == D("0")
    assert accounts.balance(anna) == D("12.00")
    undone = AccountEntry.select().where(AccountEntry.kind == "adjustment").get()
    assert (undone.amount, undone.sale_id, undone.reason) == (D("-30.00"), sale.id,
                                                            "Sale 7 voided")


# -- a payment on account at the till ----------------------------------------------------------

def test_a_payment_on_account_records_tender_session_audit_and_a_receipt(db):
    anna = customer("100")
    charge(CASHIER, anna, "60")
    session = open_till()
    paid = accounts.take_payment(CASHIER, anna, "25,50", method("cash"), width=32)
    entry = AccountEntry.get(AccountEntry.id == paid.entry_id)
    assert (entry.kind, entry.amount, entry.tender_method_id, entry.register_session_id) == (
        "payment", D("-25.50"), method("cash"), session)
    assert paid.balance == accounts.balance(anna) == D("34.50")
    logged = AuditEntry.select().where(AuditEntry.kind == "account").get()
    assert "25.50" in logged.subject and "Payment on account" in logged.subject
    lines = paid.receipt_text.splitlines()
    assert all(len(line) <= 32 for line in lines)
    assert any("25,50" in line for line in lines) and any("34,50" in line for line in lines)


def test_a_payment_needs_the_register_open_and_writes_nothing_without(db):
    anna = customer("100")
    charge(CASHIER, anna, "60")
    before = counts()
    elsewhere = replace(CASHIER, terminal="till-never-opened")
    with pytest.raises(ValidationError, match="not open") as refused:
        accounts.take_payment(elsewhere, anna, "10", method("card"), width=42)
    assert refused.value.field == "register"
    assert counts() == before


@pytest.mark.parametrize("amount", ["0", "-10", "", "1e2", "99999999999", "NaN", "1,2,3"])
def test_a_payment_of_nothing_negative_or_absurd_is_refused(db, amount):
    anna = customer("100")
    open_till()
    before = counts()
    with pytest.raises(ValidationError) as refused:
        accounts.take_payment(CASHIER, anna, amount, method("cash"), width=42)
    assert refused.value.field == "amount"
    assert counts() == before


@pytest.mark.parametrize("kind", ["voucher", "account"])
def test_a_voucher_or_on_account_cannot_pay_an_account_off(db, kind):
    anna = customer("100")
    open_till()
    with pytest.raises(ValidationError, match="cannot pay an account off"):
        accounts.take_payment(CASHIER, anna, "10", method(kind), width=42)
    assert [name for _, name in accounts.payment_methods()] == ["Cash", "Card"]


def test_a_payment_for_a_customer_without_an_account_or_nobody_is_refused(db):
    walk_in = customer(None)
    open_till()
    before = counts()
    with pytest.raises(ValidationError, match="no credit account"):
        accounts.take_payment(CASHIER, walk_in, "10", method("cash"), width=42)
    with pytest.raises(ValidationError, match="Choose the customer"):
        accounts.take_payment(CASHIER, None, "10", method("cash"), width=42)
    assert counts() == before


# -- adjustments -----------------------------------------------------------------------------

def test_an_adjustment_needs_a_manager_and_a_reason(db):
    anna = customer("100")
    charge(CASHIER, anna, "20")
    before = counts()
    with pytest.raises(NeedsApproval):
        accounts.adjust(CASHIER, anna, "-5", "goodwill")
    for reason in ("", "   ", "bad\x1b[31m", "x" * 201):
        with pytest.raises(ValidationError) as refused:
            accounts.adjust(MANAGER, anna, "-5", reason)
        assert refused.value.field == "reason"
    with pytest.raises(ValidationError):
        accounts.adjust(MANAGER, anna, "0", "nothing")
    with pytest.raises(NotAllowed):
        accounts.adjust(None, anna, "-5", "goodwill")
    assert counts() == before
    accounts.adjust(MANAGER, anna, "-5", "goodwill: late delivery")
    assert accounts.balance(anna) == D("15.00")
    logged = AuditEntry.select().where(AuditEntry.kind == "account").get()
    assert "goodwill: late delivery" in logged.subject


# -- the statement ------------------------------------------------------------------------------

def dated(entry_id: int, day: dt.date) -> None:
    AccountEntry.update(at=dt.datetime.combine(day, dt.time(10, 30))).where(
        AccountEntry.id == entry_id).execute()


def test_a_statement_has_the_opening_balance_the_entries_and_the_closing(db):
    anna = customer("500")
    open_till()
    days = [dt.date(2026, 11, d) for d in (2, 10, 12, 20, 28)]
    ids = [charge(CASHIER, anna, "100"),
           charge(CASHIER, anna, "50"),
           accounts.take_payment(CASHIER, anna, "70", method("card"), width=42).entry_id,
           accounts.adjust(MANAGER, anna, "-2.50", "=HYPERLINK(\"evil\")"),
           charge(CASHIER, anna, "9.95")]
    for entry_id, day in zip(ids, days):
        dated(entry_id, day)
    st_ = accounts.statement(anna, dt.date(2026, 11, 10), "2026-11-20")
    assert st_.opening == D("100.00")
    assert [(line.kind, line.amount, line.balance) for line in st_.lines] == [
        ("charge", D("50.00"), D("150.00")), ("payment", D("-70.00"), D("80.00")),
        ("adjustment", D("-2.50"), D("77.50"))]
    assert st_.closing == D("77.50")
    whole = accounts.statement(anna, None, dt.date(2026, 11, 30))
    assert whole.opening == 0 and whole.closing == accounts.balance(anna) == D("87.45")

    for width in accounts.WIDTHS:
        text = accounts.statement_text(st_, width, locale="nl_NL")
        assert all(len(line) <= width for line in text.splitlines()), width
        assert "Opening balance" in text and text.rstrip().endswith("77,50")

    out = io.StringIO()
    assert accounts.statement_csv(st_, out) == 3
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["date", "kind", "sale", "reason", "amount", "balance"]
    assert rows[1] == ["2026-11-10", "opening", "", "", "", "100.00"]
    assert rows[4][3] == "'=HYPERLINK(\"evil\")"  # never a formula
    assert rows[4][4:] == ["-2.50", "77.50"]  # numbers stay numbers
    assert rows[-1] == ["2026-11-20", "closing", "", "", "", "77.50"]


def test_a_statement_refuses_a_bad_period_or_width(db):
    anna = customer("100")
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        accounts.statement(anna, "10-11-2026")
    with pytest.raises(ValidationError, match="after"):
        accounts.statement(anna, "2026-11-20", "2026-11-10")
    with pytest.raises(ValidationError, match="width"):
        accounts.statement_text(accounts.statement(anna), 40)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["charge", "pay", "adjust"]),
                          st.decimals(min_value=D("0.01"), max_value=D("500"), places=2)),
                max_size=8))
def test_the_statement_always_reconciles_with_the_balance(db, steps):
    AccountEntry.delete().execute()
    anna = accounts.customer_by_number(customers.get_customer(customer_for_hypothesis()).number)
    open_till()
    for what, amount in steps:
        if what == "charge":
            charge(MANAGER, anna, amount)
        elif what == "pay":
            accounts.take_payment(CASHIER, anna, amount, method("cash"), width=42)
        else:
            accounts.adjust(MANAGER, anna, -amount, "correction")
    st_ = accounts.statement(anna)
    assert st_.closing == accounts.balance(anna)
    running = st_.opening
    for line in st_.lines:
        running += line.amount
        assert line.balance == running
    assert accounts.account_info(anna).available == D("300.00") - st_.closing


def customer_for_hypothesis() -> int:
    found = [c.id for c in customers.search_customers("Hypo", limit=1).hits]
    return found[0] if found else customer("300", last="Hypo")


# -- eight tills at once -------------------------------------------------------------------------

def test_eight_processes_charging_one_customer_never_pass_the_limit(db_target, db):
    """Six tills charge 7.00 at a time, two take 5.00 payments, all at once: the
    balance after every entry, in the order they were written, stays within the
    limit, and every charge that was not refused is there."""
    anna = customer("100")
    for n in (6, 7):
        open_till(f"lane-{n}")
    database.close()
    env = dict(os.environ, PYTHONPATH=str(Path(tui_pos.__file__).parents[1]))
    tills = []
    for n in range(8):
        what, amount = ("charge", "7.00") if n < 6 else ("pay", "5.00")
        tills.append(subprocess.Popen(
            [sys.executable, str(CHARGER), db_target, str(anna), f"lane-{n}", what, amount,
             "6"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env))
    try:
        for till in tills:
            assert read_line(till) == "ready"
        for till in tills:
            till.stdin.write(b"go\n")
            till.stdin.flush()
        results = [read_line(till).split() for till in tills]
    finally:
        for till in tills:
            till.stdin.close()
            till.wait(60)
    charged = sum(int(r[1]) for r in results[:6])
    paid = sum(int(r[1]) for r in results[6:])
    assert paid == 12 and all(r[2] == "0" for r in results[6:])
    assert sum(int(r[2]) for r in results[:6]) == 36 - charged  # the rest refused
    entries = list(AccountEntry.select().where(AccountEntry.customer == anna)
                   .order_by(AccountEntry.id))
    assert len(entries) == charged + paid
    running = D(0)
    for entry in entries:
        running += entry.amount
        assert running <= D("100"), "a charge passed the limit"
    assert running == accounts.balance(anna) == 7 * charged - 60
    assert charged >= 14  # at least the limit's worth was charged


def read_line(process, timeout: float = 120) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "a till said nothing"
    line = process.stdout.readline().decode().strip()
    assert line, f"a till stopped (exit {process.poll()})"
    return line


# -- tui-pos customer statement ----------------------------------------------------------------

@pytest.fixture
def account_store(db_file, monkeypatch):
    """A SQLite store where customer 1001 owes 60.00 and paid 25.00 of it."""
    from tui_pos.db.connection import close_database, open_database

    monkeypatch.delenv("TUI_POS_DATABASE", raising=False)
    open_database(db_file)
    try:
        anna = customer("100")
        first = charge(CASHIER, anna, "60")
        dated(first, dt.date(2026, 10, 1))
        open_till()
        paid = accounts.take_payment(CASHIER, anna, "25", method("cash"), width=42)
        dated(paid.entry_id, dt.date(2026, 11, 3))
        accounts.adjust(MANAGER, anna, "1.50", "+cmd|' /C calc'!A0")
        number = customers.get_customer(anna).number
    finally:
        close_database()
    return {"path": db_file, "number": number}


def test_the_statement_on_the_command_line_as_text_and_csv(account_store, capsys):
    from tests.cli_run import run

    path, number = account_store["path"], account_store["number"]
    code, out, err = run(capsys, "customer", "statement", number, "--db", path,
                         "--from", "2026-11-01", "--to", "2026-11-30", "--width", "32")
    assert code == 0, err
    assert all(len(line) <= 32 for line in out.splitlines())
    assert "Opening balance" in out and out.rstrip().endswith("36,50")  # 60 - 25 + 1.50
    assert [line.split()[-1] for line in out.splitlines() if "balance" in line] == [
        "60,00", "36,50"]
    assert "\x1b" not in out and all(line == line.rstrip() for line in out.splitlines())
    code, out, err = run(capsys, "customer", "statement", number, "--db", path,
                         "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert [r[1] for r in rows[1:]] == ["opening", "charge", "payment", "adjustment", "closing"]
    assert rows[4][3] == "'+cmd|' /C calc'!A0"  # a spreadsheet would run it: quoted
    assert rows[-1][-1] == "36.50"


@pytest.mark.parametrize("argv, says", [
    (["nobody"], "no customer"),
    (["{number}", "--from", "1-11-2026"], "YYYY-MM-DD"),
    (["{number}", "--from", "2026-12-01", "--to", "2026-11-01"], "after"),
])
def test_a_bad_statement_request_is_one_line_and_exit_2(account_store, capsys, argv, says):
    from tests.cli_run import one_line, run

    argv = [a.format(number=account_store["number"]) for a in argv]
    code, out, err = run(capsys, "customer", "statement", *argv, "--db",
                         account_store["path"])
    assert code == 2 and out == ""
    assert says in one_line(err)


def test_a_statement_width_the_printer_cannot_take_is_refused(account_store, capsys):
    from tests.cli_run import run

    code, _, err = run(capsys, "customer", "statement", account_store["number"], "--db",
                       account_store["path"], "--width", "40")
    assert code == 2 and "--width" in err


# -- on account in a sale (complete_sale, H1's side of the contract) ------------------------------

def on_account_sale(actor, customer_id, *codes, cash: str | None = None):
    from tui_pos.services.sales import SaleDraft, complete_sale
    from tui_pos.services.tenders import TenderInput

    draft = SaleDraft.new()
    if customer_id is not None:
        draft.set_customer(customer_id)
    for code in codes:
        draft.add_item(code)
    tenders = [TenderInput(method("account"))]
    if cash is not None:
        tenders.insert(0, TenderInput(method("cash"), cash))
    return complete_sale(actor, draft, tenders)


def sale_counts() -> tuple[int, int, int]:
    from tui_pos.db.models import Sale

    return Sale.select().count(), AccountEntry.select().count(), AuditEntry.select().count()


def test_an_on_account_sale_charges_the_customer_in_its_own_transaction(shop):
    anna = customer("100")
    done = on_account_sale(CASHIER, anna, "MUG-01", "COF-250", cash="5.00")  # 19.05 in all
    entry = AccountEntry.get()
    assert (entry.kind, entry.amount, entry.sale_id) == ("charge", D("14.05"), done.id)
    assert entry.register_session_id == register.current_id(CASHIER.terminal)
    assert accounts.balance(anna) == D("14.05")
    assert [line.sale_number for line in accounts.statement(anna).lines] == [done.number]


def test_an_on_account_sale_over_the_limit_waits_for_a_manager_and_writes_nothing(shop):
    anna = customer("20")
    on_account_sale(CASHIER, anna, "MUG-01")  # 12.10
    before = sale_counts()
    with pytest.raises(NeedsApproval):
        on_account_sale(CASHIER, anna, "MUG-01")  # 24.20 > 20
    assert sale_counts() == before
    team = staff_team("test-till")
    approved = staff.approve(team["Cas"], team["Mona"].staff_id, PINS["Mona"],
                             "on account over the limit", "manager")
    done = on_account_sale(approved, anna, "MUG-01")
    assert accounts.balance(anna) == D("24.20")
    logged = AuditEntry.select().where(AuditEntry.kind == "approval").get()
    assert logged.subject.startswith(f"Sale {done.number}") and logged.approver_name == "Mona"


def test_an_on_account_sale_without_an_account_or_a_customer_is_refused(shop):
    walk_in = customer(None)
    before = sale_counts()
    with pytest.raises(ValidationError, match="no credit account"):
        on_account_sale(CASHIER, walk_in, "MUG-01")
    with pytest.raises(ValidationError, match="needs a customer"):
        on_account_sale(CASHIER, None, "MUG-01")
    assert sale_counts() == before


def test_statement_text_cuts_by_terminal_cells_and_prints_names_as_typed(db):
    from tui_pos.services.receipts import cells

    wide = customers.save_customer(OWNER, CustomerInput(
        first_name="[b]Li[/b]", last_name="陳" * 30, credit_limit="50")).id
    charge(CASHIER, wide, "12.34")
    accounts.adjust(MANAGER, wide, "-0.34", "咖啡 " * 40)
    for width in accounts.WIDTHS:
        text = accounts.statement_text(accounts.statement(wide), width, locale="nl_NL")
        assert all(cells(line) <= width for line in text.splitlines()), width
        assert "[b]Li[/b] 陳" in text and text.rstrip().endswith("12,00")


def test_the_shops_own_tender_can_take_a_payment_and_an_inactive_one_cannot(db):
    from tui_pos.services import tenders

    tikkie = tenders.save_tender_method(OWNER, "Tikkie", "other")
    assert [name for _, name in accounts.payment_methods()] == ["Cash", "Card", "Tikkie"]
    anna = customer("100")
    charge(CASHIER, anna, "30")
    open_till()
    accounts.take_payment(CASHIER, anna, "10", tikkie.id, width=42)
    tenders.set_method_active(OWNER, tikkie.id, False)
    assert [name for _, name in accounts.payment_methods()] == ["Cash", "Card"]
    with pytest.raises(ValidationError, match="cannot pay an account off"):
        accounts.take_payment(CASHIER, anna, "10", tikkie.id, width=42)
    with pytest.raises(ValidationError, match="Choose how"):
        accounts.take_payment(CASHIER, anna, "10", 99999, width=42)
    assert accounts.balance(anna) == D("20.00")
