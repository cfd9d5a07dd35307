"""Tenders: splitting a total across methods, change only from cash, cash rounding
to 0.05, vouchers (read-only check, then taken down atomically in the sale), the
payment rows a sale writes, and the tender-method and voucher masters."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest

from tui_pos.db.models import AuditEntry, Payment, Sale, SaleLine, SaleVat, Voucher, database
from tui_pos.services import catalog, config, register, tenders
from tui_pos.services.catalog import ItemInput
from tui_pos.services.errors import NeedsApproval, ValidationError
from tui_pos.services.sales import SaleDraft, complete_sale
from tui_pos.services.tenders import CHANGE_ONLY_IN_CASH, TenderInput, settle
from tests.actors import CASHIER, MANAGER, OWNER

D = Decimal


def method(kind: str) -> int:
    return tenders.method_of_kind(kind).id


def cash(amount="") -> TenderInput:
    return TenderInput(method("cash"), amount)


def card(amount="") -> TenderInput:
    return TenderInput(method("card"), amount)


def voucher(number: str, amount="") -> TenderInput:
    return TenderInput(method("voucher"), amount, number)


def rows_written() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in (Sale, SaleLine, SaleVat, Payment)}


NOTHING = {"Sale": 0, "SaleLine": 0, "SaleVat": 0, "Payment": 0}


@pytest.fixture
def odd(shop):
    """An item at 24.22 incl. 21 % VAT: a total whose cash part rounds to 24.20."""
    catalog.save_item(OWNER, ItemInput(sku="ODD-01", name="Odd lamp", price="24.22",
                                       vat_class_id=shop.vat["Hoog"].id))
    return shop


def bill(code: str = "ODD-01") -> SaleDraft:
    draft = SaleDraft.new()
    draft.add_item(code)
    return draft


def rounding_on() -> None:
    settings = config.get_settings()
    settings.cash_rounding = True
    config.update_settings(OWNER, settings)


# -- settle: the split, by hand ------------------------------------------------------

def test_the_seeded_counter_methods_leave_out_the_web_shop(db):
    assert [(m.name, m.kind) for m in tenders.counter_methods()] == [
        ("Cash", "cash"), ("Card", "card"), ("Voucher", "voucher"), ("On account", "account")]
    assert tenders.method_named("web shop").counter is False


def test_cash_rounding_on_the_cash_part_with_change(db):
    (row,) = settle(D("24.22"), [cash("25")], True)
    # paid as 24.20: recorded 24.22, rounding -0.02; 25.00 handed over, change 0.80
    assert (row.amount, row.tendered, row.change, row.rounding) == (
        D("24.22"), D("25.00"), D("0.80"), D("-0.02"))
    assert row.tendered - row.change == row.amount + row.rounding == D("24.20")


def test_card_ten_then_the_rest_in_cash_rounded(db):
    card_row, cash_row = settle(D("24.22"), [card("10.00"), cash()], True)
    assert (card_row.kind, card_row.amount, card_row.tendered, card_row.change) == (
        "card", D("10.00"), D("10.00"), 0)
    # the rest, 14.22, is paid in cash as 14.20
    assert (cash_row.amount, cash_row.tendered, cash_row.change, cash_row.rounding) == (
        D("14.22"), D("14.20"), 0, D("-0.02"))
    assert card_row.amount + cash_row.amount == D("24.22")


def test_card_then_cash_with_change_and_without_rounding(db):
    rows = settle(D("24.22"), [card("10"), cash("20")], False)
    assert [(r.amount, r.tendered, r.change, r.rounding) for r in rows] == [
        (D("10.00"), D("10.00"), 0, 0), (D("14.22"), D("20.00"), D("5.78"), 0)]
    assert tenders.paid_and_change(rows) == (D("30.00"), D("5.78"))


def test_rounding_goes_half_up_to_five_cents():
    assert [tenders.round_cash(D(x)) for x in ("24.22", "24.23", "24.225", "0.02", "-24.22")] \
        == [D("24.20"), D("24.25"), D("24.25"), D("0.00"), D("-24.20")]


def test_change_from_a_card_is_refused(db):
    with pytest.raises(ValidationError) as info:
        settle(D("24.22"), [card("30")], False)
    assert info.value.message == CHANGE_ONLY_IN_CASH and info.value.field == "tendered"
    with pytest.raises(ValidationError, match=CHANGE_ONLY_IN_CASH):
        settle(D("24.22"), [cash("30"), card("1")], False)


def test_short_says_what_is_still_due(db):
    with pytest.raises(ValidationError) as info:
        settle(D("24.22"), [card("10"), cash("5")], False)
    assert info.value.message == "EUR 9,22 still due" and info.value.field == "tendered"


@pytest.mark.parametrize("typed, words", [("-5", "negative"), ("11210.01", "far more"),
                                          ("1e9", "number"), ("veel", "number")])
def test_negative_or_absurd_tenders_are_refused(db, typed, words):
    # the bound: 100 × 12.10 + 10,000 = 11,210.00
    with pytest.raises(ValidationError) as info:
        settle(D("12.10"), [cash(typed)], False)
    assert words in info.value.message and info.value.field == "tendered"
    (ok,) = settle(D("12.10"), [cash("11210")], False)
    assert ok.change == D("11197.90")


def test_a_return_refunds_negative_amounts_rounded(db):
    (row,) = settle(D("-24.22"), [cash()], True)
    assert (row.amount, row.tendered, row.change, row.rounding) == (
        D("-24.22"), D("-24.20"), 0, D("0.02"))
    card_row, cash_row = settle(D("-24.22"), [card("-10"), cash()], False)
    assert (card_row.amount, cash_row.amount) == (D("-10.00"), D("-14.22"))
    with pytest.raises(ValidationError, match="more than is due"):
        settle(D("-10.00"), [card("-20")], False)


def test_split_sums_to_the_total_and_the_drawer_gets_tendered_minus_change(db):
    """Hypothesis: any total and split — sum(amount) == total; each cash row's
    drawer cash (tendered - change) == amount + rounding."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    cents = st.integers(min_value=0, max_value=10_000_00).map(lambda c: D(c) / 100)

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(total=cents, parts=st.lists(st.tuples(st.sampled_from(["cash", "card"]), cents),
                                       max_size=3),
           last=st.sampled_from(["cash", "card"]), extra=cents, rounding=st.booleans())
    def run(total, parts, last, extra, rounding):
        given_ = [TenderInput(method(kind), str(amount)) for kind, amount in parts]
        given_.append(TenderInput(method(last), str(extra) if last == "cash" else ""))
        try:
            rows = settle(total, given_, rounding)
        except ValidationError:
            return
        assert sum(r.amount for r in rows) == total
        for r in rows:
            assert r.tendered - r.change == r.amount + r.rounding
            assert r.change >= 0 and (r.kind == "cash" or r.change == 0)
            assert abs(r.rounding) <= D("0.02")

    run()


# -- vouchers -----------------------------------------------------------------------

def test_vouchers_unknown_inactive_expired_or_short_are_refused(db):
    tenders.save_voucher(MANAGER, "GC-100", "25.00")
    tenders.save_voucher(MANAGER, "GC-OLD", "25.00", expires="2020-01-31")
    tenders.save_voucher(MANAGER, "GC-OFF", "25.00", active=False)
    for number, words in (("GC-404", "There is no voucher GC-404"),
                          ("GC-OLD", "expired"), ("GC-OFF", "no longer valid")):
        with pytest.raises(ValidationError) as info:
            settle(D("10.00"), [voucher(number, "10")], False)
        assert words in info.value.message and info.value.field == "voucher"
    with pytest.raises(ValidationError) as info:
        settle(D("30.00"), [voucher("GC-100", "30")], False)
    assert info.value.message == "Voucher GC-100 has only EUR 25,00 left"
    # empty amount: the rest, but no more than its balance; cash pays what is left
    v_row, c_row = settle(D("30.00"), [voucher("GC-100"), cash()], False)
    assert (v_row.amount, v_row.voucher_number, c_row.amount) == (D("25.00"), "GC-100",
                                                                   D("5.00"))


def test_a_sale_takes_the_voucher_down_and_a_spent_one_writes_nothing(odd):
    tenders.save_voucher(MANAGER, "GC-7", "30.00")
    done = complete_sale(OWNER, bill(), [voucher("GC-7")])
    assert tenders.voucher_info("GC-7").balance == D("5.78")
    (pay,) = Payment.select().where(Payment.sale == done.id)
    assert (pay.method, pay.amount, pay.voucher_id) == ("voucher", D("24.22"),
                                                        tenders.voucher_info("GC-7").id)
    assert "Voucher GC-7" in done.receipt_text
    before = rows_written()
    with pytest.raises(ValidationError) as info:
        complete_sale(OWNER, bill(), [voucher("GC-7", "10")])
    assert "only EUR 5,78 left" in info.value.message
    assert rows_written() == before and tenders.voucher_info("GC-7").balance == D("5.78")


def test_two_tills_racing_for_a_vouchers_last_balance_one_wins(odd, monkeypatch):
    """Both pass the read-only check, then both write: the UPDATE … WHERE balance
    >= amount lets one through; the other is refused and writes nothing."""
    tenders.save_voucher(MANAGER, "GC-RACE", "30.00")
    both_checked = threading.Barrier(2, timeout=20)
    real_settle = tenders.settle

    def settle_then_wait(*args, **kwargs):
        rows = real_settle(*args, **kwargs)
        both_checked.wait()
        return rows

    monkeypatch.setattr(tenders, "settle", settle_then_wait)
    outcomes: list[object] = []

    def till() -> None:
        try:
            outcomes.append(complete_sale(OWNER, bill(), [voucher("GC-RACE")]).number)
        except ValidationError as refused:
            outcomes.append(refused.message)
        finally:
            database.close()  # this thread's connection

    threads = [threading.Thread(target=till) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, str)]
    assert len(numbers) == 1 and len(refused) == 1, outcomes
    assert "GC-RACE is spent" in refused[0]
    assert tenders.voucher_info("GC-RACE").balance == D("5.78")
    assert Sale.select().count() == 1 and Payment.select().count() == 1


def test_a_voucher_is_a_managers_to_issue_and_audited(db):
    with pytest.raises(NeedsApproval):
        tenders.save_voucher(CASHIER, "GC-1", "10")
    assert Voucher.select().count() == 0
    info = tenders.save_voucher(MANAGER, " GC-1 ", "10,50", expires="2030-12-31", note="Gift")
    assert (info.number, info.initial, info.balance, info.expires) == (
        "GC-1", D("10.50"), D("10.50"), dt.date(2030, 12, 31))
    entry = AuditEntry.select().where(AuditEntry.kind == "master").order_by(
        AuditEntry.id.desc()).first()
    assert "Voucher" in entry.subject and "GC-1" in entry.subject
    with pytest.raises(ValidationError) as info:
        tenders.save_voucher(MANAGER, "GC-1", "5")
    assert info.value.field == "number"
    with pytest.raises(ValidationError) as info:
        tenders.save_voucher(MANAGER, "GC-2", "0")
    assert info.value.field == "value"


# -- tender methods master ----------------------------------------------------------

def test_a_shop_adds_a_method_and_the_counter_offers_it(db):
    with pytest.raises(NeedsApproval):
        tenders.save_tender_method(CASHIER, "Tikkie", "other")
    added = tenders.save_tender_method(MANAGER, "Tikkie", "other")
    assert added.name in [m.name for m in tenders.counter_methods()]
    with pytest.raises(ValidationError) as info:
        tenders.save_tender_method(MANAGER, "tikkie ", "other")
    assert info.value.field == "name"
    with pytest.raises(ValidationError) as info:
        tenders.save_tender_method(MANAGER, "X" * 21, "other")
    assert info.value.field == "name"
    tenders.set_method_active(MANAGER, added.id, False)
    assert added.id not in [m.id for m in tenders.counter_methods()]
    with pytest.raises(ValidationError, match="no longer accepted"):
        settle(D("5.00"), [TenderInput(added.id)], False)


# -- complete_sale with a split ------------------------------------------------------

def test_split_sale_writes_named_payment_rows_with_rounding_and_change(odd):
    rounding_on()
    if register.current_id(OWNER.terminal) is None:
        register.open_register(OWNER, "100.00")
    done = complete_sale(OWNER, bill(), [card("10.00"), cash("20")])
    sale = Sale.get_by_id(done.id)
    # the cash part 14.22 is paid as 14.20: 20.00 handed over, change 5.80
    assert (sale.total, sale.paid, sale.change) == (D("24.22"), D("30.00"), D("5.80"))
    assert sale.register_session_id == register.current_id(OWNER.terminal) is not None
    rows = [(p.method, p.amount, p.tendered, p.change, p.rounding, p.tender_method_id)
            for p in Payment.select().where(Payment.sale == sale).order_by(Payment.id)]
    assert rows == [("card", D("10.00"), D("10.00"), 0, 0, method("card")),
                    ("cash", D("14.22"), D("20.00"), D("5.80"), D("-0.02"), method("cash"))]
    assert sum(r[1] for r in rows) == sale.total
    assert [(p.method, p.amount) for p in done.payments] == [("Card", D("10.00")),
                                                             ("Cash", D("14.22"))]
    text = done.receipt_text.lower()
    for words in ("card", "10,00", "cash", "20,00", "rounding", "-0,02", "change", "5,80"):
        assert words in text


def test_the_old_one_tender_form_rounds_cash_too(odd):
    rounding_on()
    done = complete_sale(OWNER, bill(), tendered="24.20")
    assert (done.paid, done.change) == (D("24.20"), 0)
    assert Payment.get().rounding == D("-0.02")


def test_refused_tenders_write_nothing(odd):
    for given_ in ([card("30")], [card("10"), cash("5")], [cash("-5")],
                   [voucher("NOPE", "5"), cash()]):
        with pytest.raises(ValidationError):
            complete_sale(OWNER, bill(), given_)
    assert rows_written() == NOTHING


def test_on_account_needs_a_customer_on_the_bill(odd):
    with pytest.raises(ValidationError) as info:
        complete_sale(OWNER, bill(), [TenderInput(method("account"))])
    assert "customer" in info.value.message
    assert rows_written() == NOTHING


# -- on account (services/accounts.py charges inside the sale) -----------------------

def account_customer(limit: str | None) -> int:
    from tui_pos.services import customers
    from tui_pos.services.customers import CustomerInput

    return customers.save_customer(OWNER, CustomerInput(
        first_name="Anna", last_name="Bakker", credit_limit=limit or "")).id


def test_on_account_charges_the_customer_in_the_sale(odd):
    from tui_pos.db.models import AccountEntry
    from tui_pos.services import accounts

    anna = account_customer("100.00")
    draft = bill()
    draft.set_customer(anna)
    done = complete_sale(CASHIER, draft, [card("4.22"), TenderInput(method("account"))])
    (entry,) = AccountEntry.select()
    assert (entry.amount, entry.sale_id) == (D("20.00"), done.id)
    assert accounts.balance(anna) == D("20.00")
    assert [(p.kind, p.amount) for p in done.payments] == [("card", D("4.22")),
                                                            ("account", D("20.00"))]
    assert "20,00" in done.receipt_text


def test_on_account_over_the_limit_or_without_an_account_writes_nothing(odd):
    from tui_pos.db.models import AccountEntry

    for limit, error in (("10.00", NeedsApproval), (None, ValidationError)):
        draft = bill()
        draft.set_customer(account_customer(limit))
        with pytest.raises(error):
            complete_sale(CASHIER, draft, [TenderInput(method("account"))])
    assert rows_written() == NOTHING and AccountEntry.select().count() == 0
