"""Register sessions, X and Z reports (issue 8, part 5): hand-worked figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui_pos.db.models import CashMovement, RegisterCount, RegisterSession, Sale, Sequence
from tui_pos.services import register
from tui_pos.services.actors import Actor
from tui_pos.services.errors import NeedsApproval, NotAllowed, NotFound, ValidationError
from tui_pos.services.sales import SaleDraft, complete_sale
from tests.actors import MANAGER

D = Decimal
# a terminal the test databases do not open (tests/registers.py opens "test-till" …)
TILL = Actor(staff_id=None, name="test cashier", role="cashier", terminal="counter-3")


def sell(actor: Actor, *skus: str, method: str = "cash", tendered: str = "") -> int:
    draft = SaleDraft.new()
    for sku in skus:
        draft.add_item(sku)
    done = complete_sale(actor, draft, tendered=tendered, method=method)
    return done.id


def session_rows() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in (RegisterSession, RegisterCount,
                                                     CashMovement, Sale)} | {
        "z": Sequence.get(Sequence.name == "z").value}


@pytest.fixture
def day(shop):
    """Float 100, cash 24.20 (50 handed over), card 12.10, paid out 5.00."""
    session = register.open_register(TILL, "100")
    sell(TILL, "MUG-01", "MUG-01", tendered="50")
    sell(TILL, "MUG-01", method="card")
    register.paid_out(TILL, "5.00", "window cleaner")
    return session


# -- current_id / require_open -------------------------------------------------------------
def test_require_open_refuses_a_closed_register_and_says_what_to_do(db):
    assert register.current_id("nowhere") is None
    with pytest.raises(ValidationError) as raised:
        register.require_open("nowhere")
    assert raised.value.field == "register"
    assert "nowhere" in raised.value.message and "Open register" in raised.value.message


def test_require_open_gives_the_open_session_of_that_terminal_only(db):
    row = RegisterSession.create(terminal="lane-9", open_on="lane-9", opened_by_name="t",
                                 opening_float=0)
    assert register.require_open("lane-9") == row.id
    assert register.current_id("lane-8") is None


# -- opening ---------------------------------------------------------------------------------
def test_a_cashier_opens_the_register_with_a_counted_float(db):
    info = register.open_register(TILL, "100,00")
    assert info.opening_float == D("100.00") and info.terminal == "counter-3" and info.is_open
    assert register.current("counter-3") == info
    assert register.current("elsewhere") is None


def test_a_second_open_on_one_terminal_is_refused_with_a_clear_message(db):
    register.open_register(TILL, "100")
    before = session_rows()
    with pytest.raises(ValidationError) as raised:
        register.open_register(TILL, "50")
    assert "already open" in raised.value.message and raised.value.field == "register"
    assert session_rows() == before
    other = Actor(staff_id=None, name="x", role="cashier", terminal="counter-4")
    assert register.open_register(other, "0").terminal == "counter-4"  # another may


@pytest.mark.parametrize("amount", ["-1", "abc", "1e3", "NaN", "12.345"])
def test_a_bad_float_is_refused_and_nothing_opens(db, amount):
    with pytest.raises(ValidationError) as raised:
        register.open_register(TILL, amount)
    assert raised.value.field == "float"
    assert register.current("counter-3") is None


def test_nobody_signed_in_cannot_open(db):
    with pytest.raises(NotAllowed):
        register.open_register(None, "100")


# -- paid in / out, no sale -----------------------------------------------------------------
def test_paid_in_out_need_a_reason_an_amount_and_an_open_register(db):
    with pytest.raises(ValidationError) as raised:
        register.paid_in(TILL, "10", "change from the bank")
    assert raised.value.field == "register"
    register.open_register(TILL, "20")
    for amount, reason, field in [("10", "", "reason"), ("10", "a\x1b[2Jb", "reason"),
                                  ("0", "x", "amount"), ("-5", "x", "amount"),
                                  ("10", "x" * 201, "reason")]:
        with pytest.raises(ValidationError) as raised:
            register.paid_in(TILL, amount, reason)
        assert raised.value.field == field
    assert CashMovement.select().count() == 0
    register.paid_in(TILL, "10", "change from the bank")
    register.no_sale(TILL)
    report = register.x_report(register.require_open("counter-3"))
    assert (report.paid_in, report.no_sales, report.expected_cash) == (D("10"), 1, D("30"))


def test_paid_out_more_than_the_drawer_holds_is_refused(db):
    register.open_register(TILL, "20")
    with pytest.raises(ValidationError) as raised:
        register.paid_out(TILL, "20.01", "flowers")
    assert raised.value.field == "amount" and "20,00" in raised.value.message.replace(".", ",")
    assert CashMovement.select().count() == 0
    register.paid_out(TILL, "20.00", "flowers")
    assert register.x_report(register.require_open("counter-3")).expected_cash == D("0")


# -- the X report ------------------------------------------------------------------------------
def test_x_report_hand_worked(day):
    report = register.x_report(day.id)
    assert (report.sales_count, report.gross, report.vat, report.net) == (
        2, D("36.30"), D("6.30"), D("30.00"))  # 3 mugs of 12.10 incl. 21 %: 3 × 2.10 VAT
    assert [(v.rate, v.base, v.vat) for v in report.vat_rates] == [
        (D("21.00"), D("30.00"), D("6.30"))]
    tenders = {t.method: t for t in report.tenders}
    assert tenders["Cash"].sales == D("24.20") and tenders["Card"].sales == D("12.10")
    assert tenders["Cash"].expected == D("119.20")  # 100 + 24.20 − 5.00 (change not kept)
    assert report.expected_cash == D("119.20") and tenders["Card"].expected == D("12.10")
    assert (report.paid_out, report.paid_in, report.returns_count, report.voids_count) == (
        D("5.00"), D("0"), 0, 0)
    text = register.z_text(report, 42)
    assert "X REPORT" in text and "119.20" in text
    assert all(len(line) <= 42 for line in text.splitlines())
    assert session_rows()["RegisterCount"] == 0  # read-only


def test_x_report_counts_discounts_by_source_returns_and_voids(day, shop):
    from tui_pos.services import customers
    from tui_pos.services.customers import CustomerInput
    staff_customer = customers.save_customer(TILL, CustomerInput(
        first_name="Daan", last_name="Smit", customer_type_id=shop.types["Staff"].id))
    draft = SaleDraft.new()
    draft.set_customer(staff_customer.id)
    draft.add_item("MUG-01")
    draft.set_bill_discount(MANAGER, "10")
    complete_sale(TILL, draft, method="card")
    report = register.x_report(day.id)
    # 15 % of 12.10 = 1.815 → 1.82 (type), then 10 % of 10.28 → 1.03 (bill)
    assert dict(report.discounts) == {"type": D("1.82"), "bill": D("1.03")}
    sold = Sale.get(Sale.number == 1)
    Sale.update(kind="return").where(Sale.id == sold.id).execute()  # counted as a return
    report = register.x_report(day.id)
    assert (report.returns_count, report.returns_total, report.sales_count) == (1, D("24.20"), 2)


# -- the Z close -------------------------------------------------------------------------------
def test_z_close_with_a_difference(day):
    z = register.close_register(TILL, {"cash": "119.00", "Card": "12.10"})
    assert z.z_number == 1
    counts = {c.method: (c.expected, c.counted, c.difference) for c in z.counts}
    assert counts == {"Cash": (D("119.20"), D("119.00"), D("-0.20")),
                      "Card": (D("12.10"), D("12.10"), D("0.00"))}
    assert z.difference == D("-0.20")
    row = RegisterSession.get_by_id(day.id)
    assert row.open_on is None and row.closed_at is not None and row.z_number == 1
    assert "Z REPORT 1" in row.z_report_text and "-0,20" in row.z_report_text
    assert register.current("counter-3") is None
    again = register.z_by_number(1)
    assert again.text == row.z_report_text and again.difference == D("-0.20")
    assert [z.z_number for z in register.list_z()] == [1]
    # the next session gets the next number and starts from zero
    register.open_register(TILL, "50")
    assert register.close_register(TILL, {"Cash": "50"}).z_number == 2


def test_an_uncounted_tender_is_refused_and_nothing_is_written(day):
    before = session_rows()
    with pytest.raises(ValidationError) as raised:
        register.close_register(TILL, {"Cash": "119.20"})
    assert "Card" in raised.value.message and raised.value.field == "count:Card"
    with pytest.raises(ValidationError) as raised:
        register.close_register(TILL, {"Cash": "lots", "Card": "12.10"})
    assert raised.value.field == "count:Cash"
    assert session_rows() == before
    assert register.current("counter-3") is not None


def test_a_card_refunded_more_than_taken_counts_negative_and_the_z_closes(day):
    """Found by the random-kill test: yesterday's card sale returned today leaves the
    card batch negative; the Z takes that count (a drawer's cash cannot be negative)."""
    from tui_pos.services import returns

    card_sale = Sale.get_by_id(sell(TILL, "MUG-01", "MUG-01", method="card"))
    z = register.close_register(TILL, {"Cash": "119.20", "Card": "36.30"})
    register.open_register(TILL, "100")
    line = returns.returnable(card_sale.number).lines[0]
    returns.complete_return(TILL, card_sale.number, [(line.id, "2")])
    expected = {t.method: t.expected for t in
                register.x_report(register.require_open("counter-3")).tenders}
    assert expected["Card"] == D("-24.20")
    with pytest.raises(ValidationError) as raised:
        register.close_register(TILL, {"Cash": "-1", "Card": "-24.20"})
    assert raised.value.field == "count:Cash"
    second = register.close_register(TILL, {"Cash": "100", "Card": "-24.20"})
    assert second.z_number == z.z_number + 1
    assert [(c.method, c.counted) for c in second.counts if c.method == "Card"] == [
        ("Card", D("-24.20"))]


def test_closing_a_closed_register_is_refused(db):
    with pytest.raises(ValidationError) as raised:
        register.close_register(TILL, {"Cash": "0"})
    assert raised.value.field == "register"
    with pytest.raises(NotFound):
        register.z_by_number(7)


def test_a_sale_with_no_open_register_is_refused_and_nothing_is_written(shop):
    before = session_rows()
    with pytest.raises(ValidationError) as raised:
        sell(TILL, "MUG-01")
    assert raised.value.field == "register"
    assert session_rows() == before


# -- the command line ------------------------------------------------------------------------
def test_register_and_z_on_the_command_line(db_file, capsys):
    from tests.cli_run import one_line, run

    assert run(capsys, "--db", db_file, "init", "--owner-name", "Olga")[0] == 0
    code, out, _ = run(capsys, "--db", db_file, "register", "open", "--terminal", "lane-3",
                       "--float", "50")
    assert code == 0 and "open on lane-3" in out
    code, _, err = run(capsys, "--db", db_file, "register", "open", "--terminal", "lane-3",
                       "--float", "50")
    assert code != 0 and "already open" in one_line(err)
    code, out, _ = run(capsys, "--db", db_file, "report", "x", "--terminal", "lane-3")
    assert code == 0 and "X REPORT" in out and "50,00" in out
    code, _, err = run(capsys, "--db", db_file, "register", "close", "--terminal", "lane-3")
    assert code != 0 and "Count the Cash" in one_line(err)
    code, out, _ = run(capsys, "--db", db_file, "register", "close", "--terminal", "lane-3",
                       "--count", "Cash=49.50")
    assert code == 0 and "Z REPORT 1" in out and "-0,50" in out
    code, out, _ = run(capsys, "--db", db_file, "report", "z", "1", "--width", "32")
    assert code == 0 and "Z REPORT 1" in out
    assert max(len(line) for line in out.splitlines()) <= 32
    code, _, err = run(capsys, "--db", db_file, "report", "z", "9")
    assert code != 0 and "no Z report 9" in one_line(err)


# -- a Z killed mid-write leaves all of it or none -------------------------------------------
KILLED_MID_Z = r"""
import os, sys
from tui_pos.db.connection import open_database
from tui_pos.db import bulk
from tui_pos.services import register
from tui_pos.services.actors import Actor

open_database(sys.argv[1])
real_next = bulk.next_value
def next_then_die(model, name):
    value = real_next(model, name)
    if name == "z":
        os._exit(9)  # killed after the session was marked closed and the Z number taken
    return value
bulk.next_value = next_then_die
register.close_register(Actor(None, "Cas", "cashier", "counter-3"), {"Cash": "100"})
"""


def test_a_z_killed_mid_write_leaves_the_register_open_and_nothing_written(db_file):
    import subprocess
    import sys

    from tui_pos.db.connection import close_database, open_database

    open_database(db_file)
    register.open_register(TILL, "100")
    close_database()
    done = subprocess.run([sys.executable, "-c", KILLED_MID_Z, db_file])
    assert done.returncode == 9
    open_database(db_file)
    try:
        assert register.current("counter-3") is not None  # still open, as before the Z
        assert RegisterCount.select().count() == 0
        assert Sequence.get(Sequence.name == "z").value == 0
        assert register.close_register(TILL, {"Cash": "100"}).z_number == 1  # and closes now
    finally:
        close_database()
