"""The Sales Bill service: the open draft, pricing on every change, and
complete_sale saving all of it or nothing, with sequential numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tui_pos.db.models import Payment, Sale, SaleLine, SaleVat, Sequence
from tui_pos.services import config, customers, masters
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import NotFound, ValidationError
from tui_pos.services.actors import Actor
from tui_pos.services.sales import (
    SaleDraft, change_due, complete_sale, get_sale, parse_tender, sale_lines,
)
from tests.actors import OWNER

D = Decimal


def written() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in (Sale, SaleLine, SaleVat, Payment)} | {
        "sequence": Sequence.get(Sequence.name == "sale").value}


NOTHING = {"Sale": 0, "SaleLine": 0, "SaleVat": 0, "Payment": 0, "sequence": 0}


def customer(shop, type_name: str | None = None, profile: str | None = None,
             **kwargs) -> int:
    return customers.save_customer(OWNER, CustomerInput(
        first_name=kwargs.pop("first_name", "Daan"), last_name="Smit",
        customer_type_id=shop.types[type_name].id if type_name else None,
        profile_id=shop.profiles[profile].id if profile else None, **kwargs)).id


# -- the open draft -----------------------------------------------------------------

def test_add_by_sku_and_barcode_with_quantity(shop):
    draft = SaleDraft.new()
    draft.add_item("mug-01", "2")
    draft.add_item("8712345000017", "3")
    assert [(x.sku, x.quantity) for x in draft.lines] == [("MUG-01", D("2")), ("COF-250", D("3"))]
    bill = draft.priced()
    assert [p.gross for p in bill.lines] == [D("24.20"), D("20.85")]
    assert bill.total == D("45.05")


def test_scanning_the_same_item_again_adds_to_its_line(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.add_item("8712345000048", "2,5")
    assert len(draft.lines) == 1 and draft.lines[0].quantity == D("3.5")


@pytest.mark.parametrize("qty, words", [("0", "zero"), ("0,000", "zero"), ("twee", "number"),
                                        ("", "required"), ("1.0001", "decimals")])
def test_zero_or_non_numeric_quantity_is_refused(shop, qty, words):
    draft = SaleDraft.new()
    with pytest.raises(ValidationError) as info:
        draft.add_item("MUG-01", qty)
    assert info.value.field == "quantity"
    assert words in info.value.message
    assert draft.lines == []


def test_unknown_code_is_refused_at_the_code_field(shop):
    draft = SaleDraft.new()
    with pytest.raises(NotFound) as info:
        draft.add_item("NOPE")
    assert info.value.field == "code" and draft.lines == []


def test_set_quantity_to_zero_is_refused_and_keeps_the_old_one(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01", "2")
    with pytest.raises(ValidationError) as info:
        draft.set_quantity(0, "0")
    assert info.value.field == "quantity"
    assert draft.lines[0].quantity == D("2")


def test_a_non_discountable_line_refuses_a_line_discount(shop):
    draft = SaleDraft.new()
    draft.add_item("GIFT-25")
    with pytest.raises(ValidationError) as info:
        draft.set_line_discount(OWNER, 0, "10")
    assert info.value.field == "discount"
    assert draft.lines[0].discount_override is None


def test_line_discount_out_of_range_is_refused(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    with pytest.raises(ValidationError) as info:
        draft.set_line_discount(OWNER, 0, "150")
    assert info.value.field == "discount"
    assert draft.priced().total == D("12.10")


def test_attaching_a_staff_customer_reprices_and_removing_reprices_back(shop):
    daan = customer(shop, "Staff")
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.add_item("GIFT-25")
    draft.add_item("LAB-REP")
    assert draft.priced().total == D("97.60")
    draft.set_customer(daan)
    bill = draft.priced()
    mug, gift, labour = bill.lines
    assert (mug.discount_percent, mug.discount_source, mug.amount) == (D("15"), "type",
                                                                       D("10.28"))
    assert gift.discount_amount == 0 and labour.discount_amount == 0  # never discounted
    assert bill.total == D("95.78")
    draft.set_customer(None)
    assert draft.priced().total == D("97.60")
    assert draft.priced().discount_total == 0


def test_a_tax_exempt_customer_pays_net_prices(shop):
    lars = customer(shop, "Tax exempt", first_name="Lars")
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_customer(lars)
    bill = draft.priced()
    assert bill.total == D("10.00") and bill.vat_total == 0
    assert bill.lines[0].vat_source == "type"


def test_the_customers_own_discount_beats_the_type(shop):
    daan = customer(shop, "Staff", discount="20")
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_customer(daan)
    (line,) = draft.priced().lines
    assert (line.discount_percent, line.discount_source) == (D("20"), "customer")
    draft.set_line_discount(OWNER, 0, "5")
    assert draft.priced().lines[0].discount_source == "override"
    assert draft.priced().total == D("11.49")  # 12.10 − 0.605 → 0.61


def test_profile_follows_the_customer_and_an_inactive_one_is_refused(shop):
    retail, wholesale = shop.profiles["Retail"].id, shop.profiles["Wholesale"].id
    anna = customer(shop, profile="Retail", first_name="Anna")
    draft = SaleDraft.new()
    draft.set_customer(anna)
    assert draft.profile_id == retail
    masters.set_profile_active(OWNER, wholesale, False)
    with pytest.raises(ValidationError) as info:
        draft.set_profile(wholesale)
    assert info.value.field == "profile"
    assert draft.profile_id == retail
    draft.set_profile(None)
    assert draft.profile_id is None


def test_a_customers_inactive_profile_is_not_carried_into_a_new_sale(shop):
    anna = customer(shop, profile="Wholesale", first_name="Anna")
    masters.set_profile_active(OWNER, shop.profiles["Wholesale"].id, False)
    draft = SaleDraft.new()
    draft.set_customer(anna)
    assert draft.profile_id is None


def test_an_inactive_customer_cannot_be_attached(shop):
    anna = customer(shop, first_name="Anna")
    customers.set_active(OWNER, anna, False)
    draft = SaleDraft.new()
    with pytest.raises(ValidationError) as info:
        draft.set_customer(anna)
    assert info.value.field == "customer" and draft.customer is None


def test_prices_excl_vat_follow_business_configuration(shop):
    s = config.get_settings()
    s.prices_include_vat = False
    config.update_settings(OWNER, s)
    draft = SaleDraft.new()
    draft.add_item("MUG-01")  # 12.10 excl. → VAT 2.54
    bill = draft.priced()
    assert bill.vat_total == D("2.54") and bill.total == D("14.64")


# -- bounds: nothing typed can overflow the bill ------------------------------------------

NINES = "9" * 27


@pytest.mark.parametrize("entry, words", [
    ("1e25*MUG-01", "must be a number"), ("NaN*MUG-01", "must be a number"),
    ("1000000*MUG-01", "too large"), ("١٢*MUG-01", "must be a number"),
    ("*MUG-01", "required"), ("3*", "Type a SKU"), ("3*" + "X" * 5000, "No item"),
])
def test_a_bad_quantity_or_code_in_the_item_field_is_refused_there(shop, entry, words):
    draft = SaleDraft.new()
    draft.add_entry("MUG-01")
    with pytest.raises(ValidationError) as info:
        draft.add_entry(entry)
    assert words in info.value.message and info.value.field == "code"
    assert [(x.sku, x.quantity) for x in draft.lines] == [("MUG-01", D("1"))]


def test_the_quantity_syntax_adds_that_many(shop):
    draft = SaleDraft.new()
    draft.add_entry("3*MUG-01")
    draft.add_entry("2,5*8712345000017", "7")  # typed in the item field: wins over Qty
    draft.add_entry("COF-250", "2")
    assert [(x.sku, x.quantity) for x in draft.lines] == [("MUG-01", D("3")),
                                                         ("COF-250", D("4.5"))]


@pytest.mark.parametrize("qty", ["1e25", "NaN", "Infinity", "100000", "-100000", NINES])
def test_out_of_range_quantities_are_refused_at_the_quantity(shop, qty):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    with pytest.raises(ValidationError) as info:
        draft.add_item("MUG-01", qty)
    assert info.value.field == "quantity"
    with pytest.raises(ValidationError):
        draft.set_quantity(0, qty)
    assert draft.lines[0].quantity == D("1")


def big_item(shop, price: str = "9999999999.99", vat: str = "Hoog"):
    from tui_pos.services import catalog
    from tui_pos.services.catalog import ItemInput

    return catalog.save_item(OWNER, ItemInput(sku="YACHT", name="A yacht", price=price,
                                       vat_class_id=shop.vat[vat].id))


def test_a_line_larger_than_a_sale_holds_is_refused_and_the_bill_kept(shop):
    big_item(shop, "9999999999")
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    with pytest.raises(ValidationError) as info:
        draft.add_item("YACHT", "99999")
    assert "the line would be too large" in info.value.message.lower()
    assert [x.sku for x in draft.lines] == ["MUG-01"]
    draft.remove_line(0)
    draft.add_item("YACHT")
    with pytest.raises(ValidationError) as info:
        draft.add_item("YACHT", "2")  # onto the same line: 2 × 9,999,999,999
    assert "the line would be too large" in info.value.message.lower()
    with pytest.raises(ValidationError):
        draft.set_quantity(0, "3")
    assert [(x.sku, x.quantity) for x in draft.lines] == [("YACHT", D("1"))]
    assert complete_sale(OWNER, draft).total == D("9999999999.00")


def test_a_bill_total_larger_than_a_sale_holds_is_refused(shop):
    big_item(shop, "6000000000")
    draft = SaleDraft.new()
    draft.add_item("YACHT")
    from tui_pos.services import catalog
    from tui_pos.services.catalog import ItemInput
    catalog.save_item(OWNER, ItemInput(sku="SHIP", name="A ship", price="5000000000",
                                vat_class_id=shop.vat["Hoog"].id))
    with pytest.raises(ValidationError) as info:
        draft.add_item("SHIP")
    assert "the bill would be too large" in info.value.message.lower()
    assert [x.sku for x in draft.lines] == ["YACHT"]
    assert complete_sale(OWNER, draft).total == D("6000000000.00")


def test_a_vat_change_that_would_overflow_a_line_is_refused_and_undone(shop):
    from tui_pos.services import catalog

    big_item(shop, "9000000000", vat="Nul")
    hundred = catalog.save_vat_class(OWNER, "Luxury", "100")
    draft = SaleDraft.new()
    draft.add_item("YACHT")
    with pytest.raises(ValidationError) as info:
        draft.set_line_vat(OWNER, 0, hundred.id)  # re-based: 9,000,000,000 × 2
    assert info.value.field == "vat" and draft.lines[0].vat_override is None
    with pytest.raises(ValidationError):
        draft.set_bill_vat(OWNER, hundred.id)
    assert draft.bill_vat is None and draft.priced().total == D("9000000000.00")


@pytest.mark.parametrize("tendered", [NINES, "1e25", "NaN", "Infinity", "-5", "١٢",
                                      "9999999999.999", "x" * 100_000])
def test_bad_cash_is_refused_at_the_cash_field(shop, tendered):
    with pytest.raises(ValidationError) as info:
        change_due(D("12.10"), tendered)
    assert info.value.field == "tendered"


def test_the_change_of_a_refund_stays_within_what_a_sale_holds():
    with pytest.raises(ValidationError) as info:
        parse_tender("9999999999", D("-9999999999"))
    assert info.value.field == "tendered"
    assert parse_tender("  ", D("5.00")) == D("5.00")
    assert change_due(D("5.00"), "20") == D("15.00")


def test_anything_typed_into_the_bill_raises_only_validation_errors(shop):
    """Hypothesis: arbitrary text into every entry of the open bill and the
    payment; only ValidationError escapes, and a refused change leaves the bill
    as it was."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    big_item(shop)
    texts = st.one_of(
        st.text(max_size=60),
        st.from_regex(r"[ +-]?[0-9]{0,30}([.,][0-9]{0,5})?", fullmatch=True),
        st.sampled_from(["1e25", "NaN", "-Infinity", "sNaN", "١٢", NINES, "99999", "0",
                         "-1", "0.0001", "1,5", "1.234,5"]),
    )
    codes = st.one_of(texts, st.sampled_from(["MUG-01", "YACHT", "GIFT-25", "8712345000017"]))
    entries = st.one_of(codes, st.builds(lambda q, c: f"{q}*{c}", texts, codes))

    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(steps=st.lists(st.tuples(st.sampled_from(
        ["entry", "item", "qty", "line_discount", "bill_discount", "tender", "change"]),
        entries, texts), max_size=8))
    def run(steps):
        draft = SaleDraft.new()
        for action, entry, text in steps:
            before = [(x.sku, x.quantity, x.discount_override) for x in draft.lines]
            try:
                if action == "entry":
                    draft.add_entry(entry, text)
                elif action == "item":
                    draft.add_item(entry, text)
                elif action == "qty":
                    draft.set_quantity(0, text)
                elif action == "line_discount":
                    draft.set_line_discount(OWNER, 0, text)
                elif action == "bill_discount":
                    draft.set_bill_discount(OWNER, text)
                elif action == "tender":
                    parse_tender(text, draft.priced().total)
                else:
                    change_due(draft.priced().total, text)
            except ValidationError:
                assert [(x.sku, x.quantity, x.discount_override) for x in draft.lines] == before
            bill = draft.priced()
            assert abs(bill.total) < D("1e10")

    run()


# -- Show Customer Type off: types are not used ------------------------------------------

def test_with_show_customer_type_off_the_type_is_not_applied_nor_recorded(shop):
    staff = customer(shop, "Staff")
    exempt = customer(shop, "Tax exempt", first_name="Els")
    config.set_switch(OWNER, "show_customer_type", False)
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_customer(staff)
    assert draft.customer.type_name == "" and draft.customer.type_discount is None
    assert draft.priced().total == D("12.10")
    draft.set_customer(exempt)
    assert draft.customer.type_vat is None and draft.priced().total == D("12.10")
    sale = get_sale(complete_sale(OWNER, draft).number)
    assert sale.customer_type_id is None and sale.customer_type_name == ""

    config.set_switch(OWNER, "show_customer_type", True)
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_customer(staff)
    assert draft.customer.type_name == "Staff"
    assert draft.priced().total == D("10.28")


# -- completing ----------------------------------------------------------------------

def test_complete_sale_writes_sale_lines_vat_and_payment_with_change(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.add_item("COF-250", "3")
    at = dt.datetime(2026, 3, 14, 10, 30)
    emma = Actor(staff_id=None, name="Emma", role="cashier", terminal="till-2")
    done = complete_sale(emma, draft, tendered="50", at=at)
    assert (done.number, done.total, done.paid, done.change) == (1, D("32.95"), D("50.00"),
                                                                 D("17.05"))
    sale = get_sale(1)
    assert (sale.total, sale.paid, sale.change, sale.vat_total) == (D("32.95"), D("50.00"),
                                                                    D("17.05"), D("3.82"))
    assert sale.business_date == dt.date(2026, 3, 14) and sale.cashier == "Emma"
    assert (sale.staff_id, sale.terminal) == (None, "till-2")
    assert sale.profile is None and sale.profile_name == "" and sale.customer is None
    lines = sale_lines(sale.id)
    assert [(x.position, x.sku, x.quantity, x.amount, x.vat_rate) for x in lines] == [
        (1, "MUG-01", D("1"), D("12.10"), D("21")),
        (2, "COF-250", D("3"), D("20.85"), D("9")),
    ]
    vat = sorted((v.rate, v.base, v.vat, v.total) for v in sale.vat_lines)
    assert vat == [(D("9"), D("19.13"), D("1.72"), D("20.85")),
                   (D("21"), D("10.00"), D("2.10"), D("12.10"))]
    (payment,) = sale.payments
    # the amount it paid of the sale; the cash handed over and the change apart
    assert (payment.method, payment.amount, payment.tendered, payment.change) == (
        "cash", D("32.95"), D("50.00"), D("17.05"))
    assert change_due(D("32.95"), "50") == D("17.05")


def test_sale_numbers_are_sequential(shop):
    numbers = []
    for _ in range(3):
        draft = SaleDraft.new()
        draft.add_item("MUG-01")
        numbers.append(complete_sale(OWNER, draft).number)
    assert numbers == [1, 2, 3]
    assert [s.number for s in Sale.select().order_by(Sale.id)] == [1, 2, 3]
    assert Sequence.get(Sequence.name == "sale").value == 3


def test_empty_tender_means_exact_and_card_pays_the_total(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    exact = complete_sale(OWNER, draft)
    assert (exact.paid, exact.change) == (D("12.10"), D("0"))
    card = complete_sale(OWNER, draft, tendered="5", method="card")
    assert (card.paid, card.change) == (D("12.10"), D("0"))
    assert Payment.select().where(Payment.method == "card").get().amount == D("12.10")


@pytest.mark.parametrize("tendered", ["10", "12,09", "0"])
def test_tendered_less_than_total_is_refused_and_nothing_written(shop, tendered):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    with pytest.raises(ValidationError) as info:
        complete_sale(OWNER, draft, tendered=tendered)
    assert info.value.field == "tendered"
    assert "less than the total" in info.value.message
    assert written() == NOTHING


@pytest.mark.parametrize("kwargs, field", [(dict(tendered="veel"), "tendered"),
                                           (dict(tendered="-5"), "tendered"),
                                           (dict(method="cheque"), "method")])
def test_bad_payment_is_refused_and_nothing_written(shop, kwargs, field):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    with pytest.raises(ValidationError) as info:
        complete_sale(OWNER, draft, **kwargs)
    assert info.value.field == field
    assert written() == NOTHING


def test_an_empty_bill_cannot_be_completed(shop):
    with pytest.raises(ValidationError):
        complete_sale(OWNER, SaleDraft.new())
    assert written() == NOTHING


def test_a_profile_made_inactive_during_the_sale_is_refused_at_completion(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_profile(shop.profiles["Retail"].id)
    masters.set_profile_active(OWNER, shop.profiles["Retail"].id, False)
    with pytest.raises(ValidationError) as info:
        complete_sale(OWNER, draft)
    assert info.value.field == "profile"
    assert written() == NOTHING


def test_completed_sale_keeps_its_snapshot_when_the_type_changes_later(shop):
    staff = shop.types["Staff"]
    daan = customer(shop, "Staff", profile="Retail")
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_customer(daan)
    done = complete_sale(OWNER, draft)
    assert done.total == D("10.28")

    masters.save_type(OWNER, "Personeel", discount="50", type_id=staff.id)
    masters.save_profile(OWNER, "Winkel", profile_id=shop.profiles["Retail"].id)
    customers.save_customer(OWNER, CustomerInput(first_name="Daniel", last_name="Smit",
                                          customer_type_id=staff.id), daan)

    sale = get_sale(done.number)
    assert (sale.total, sale.discount_total) == (D("10.28"), D("1.82"))
    assert (sale.customer_type_name, sale.profile_name, sale.customer_name) == (
        "Staff", "Retail", "Daan Smit")
    (line,) = sale_lines(sale.id)
    assert (line.discount_percent, line.discount_source, line.amount) == (D("15"), "type",
                                                                          D("10.28"))
    # while a new sale for the same customer gets the new discount
    fresh = SaleDraft.new()
    fresh.add_item("MUG-01")
    fresh.set_customer(daan)
    assert fresh.priced().total == D("6.05")


def test_receipt_text_names_the_sale_and_its_total(shop):
    s = config.get_settings()
    s.store_name, s.receipt_footer = "De Hoek", "Dank je wel!"
    config.update_settings(OWNER, s)
    draft = SaleDraft.new()
    draft.add_item("MUG-01", "2")
    draft.set_customer(customer(shop, "Staff"))
    done = complete_sale(OWNER, draft, tendered="30")
    text = done.receipt_text
    assert "Sale 1" in text
    assert "TOTAL EUR" in text and "20,57" in text  # 24.20 − 3.63, in the store's nl_NL
    assert "Change" in text and "9,43" in text
    assert "De Hoek" in text and "Dank je wel!" in text
    assert "discount 15% (type)" in text
    assert get_sale(1).receipt_text == text
    assert all(len(row) <= 42 for row in text.splitlines())  # the default printer width
    assert done.receipt_path is None


def test_a_bill_discount_comes_on_top_of_the_staff_discount_and_is_recorded(shop):
    """SPEC §2: Staff −15 %, then 5 % off the bill; labour is never discounted."""
    draft = SaleDraft.new()
    draft.add_item("MUG-01", "2")
    draft.add_item("LAB-REP")
    draft.set_customer(customer(shop, "Staff"))
    draft.set_bill_discount(OWNER, "5")
    done = complete_sale(OWNER, draft, tendered="100")
    assert (done.total, done.change) == (D("80.04"), D("19.96"))
    sale = get_sale(done.number)
    assert (sale.bill_discount, sale.discount_total, sale.vat_total, sale.total) == (
        D("5"), D("4.66"), D("13.89"), D("80.04"))
    mugs, labour = sale_lines(sale.id)
    assert (mugs.gross, mugs.discount_percent, mugs.discount_source, mugs.discount_amount,
            mugs.bill_discount_percent, mugs.bill_discount_amount, mugs.amount) == (
        D("24.20"), D("15"), "type", D("3.63"), D("5"), D("1.03"), D("19.54"))
    assert (labour.discount_source, labour.discount_amount, labour.bill_discount_percent,
            labour.bill_discount_amount, labour.amount) == ("none", 0, None, 0, D("60.50"))
    rows = done.receipt_text.splitlines()
    # 42 columns; the discounts line up under the line amounts, before the VAT rate
    assert "  discount 15% (type)".ljust(33) + "-3,63" in rows
    assert "  bill discount 5%".ljust(33) + "-1,03" in rows
    assert "You saved".ljust(38) + "4,66" in rows
    assert sum("bill discount" in row for row in rows) == 1  # the mugs only, not labour
    assert all(len(row) <= 42 for row in rows)


def test_a_bill_discount_of_zero_records_no_bill_discount_on_the_lines(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_bill_discount(OWNER, "0")
    done = complete_sale(OWNER, draft)
    (line,) = sale_lines(get_sale(done.number).id)
    assert (line.bill_discount_percent, line.bill_discount_amount, line.amount) == (
        None, 0, D("12.10"))
    assert "bill discount" not in done.receipt_text


def test_a_discounted_return_shows_its_discounts_with_one_sign(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01", "-1")
    draft.set_customer(customer(shop, "Staff"))
    draft.set_bill_discount(OWNER, "5")
    rows = complete_sale(OWNER, draft).receipt_text.splitlines()
    # −12.10 + 1.82 (15 %) + 0.51 (5 % of −10.28) = −9.77 refunded
    assert "  discount 15% (type)".ljust(34) + "1,82" in rows
    assert "  bill discount 5%".ljust(34) + "0,51" in rows
    assert not any("--" in row for row in rows if "discount" in row)


def test_receipts_dir_gets_a_file(shop, tmp_path):
    folder = tmp_path / "receipts"
    draft = SaleDraft.new()
    draft.add_item("COF-250")
    done = complete_sale(OWNER, draft, receipts_dir=folder)
    path = Path(done.receipt_path)
    assert path == folder / "receipt-000001.txt"
    assert path.read_text(encoding="utf-8") == done.receipt_text


def test_a_failure_mid_transaction_leaves_nothing(shop, monkeypatch):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.add_item("COF-250")

    from tui_pos.db import bulk

    real_insert = bulk.insert_rows

    def broken(model, *args, **kwargs):
        if model is SaleVat:  # after the sale and its lines went in
            raise RuntimeError("disk on fire")
        return real_insert(model, *args, **kwargs)

    monkeypatch.setattr(bulk, "insert_rows", broken)
    with pytest.raises(RuntimeError):
        complete_sale(OWNER, draft, tendered="50")
    assert written() == NOTHING
    monkeypatch.undo()
    assert complete_sale(OWNER, draft, tendered="50").number == 1  # the next one goes through
    assert SaleLine.select().count() == 2
