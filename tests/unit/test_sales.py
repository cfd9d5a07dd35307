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
from tui_pos.services.sales import SaleDraft, change_due, complete_sale, get_sale, sale_lines

D = Decimal


def written() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in (Sale, SaleLine, SaleVat, Payment)} | {
        "sequence": Sequence.get(Sequence.name == "sale").value}


NOTHING = {"Sale": 0, "SaleLine": 0, "SaleVat": 0, "Payment": 0, "sequence": 0}


def customer(shop, type_name: str | None = None, profile: str | None = None,
             **kwargs) -> int:
    return customers.save_customer(CustomerInput(
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
        draft.set_line_discount(0, "10")
    assert info.value.field == "discount"
    assert draft.lines[0].discount_override is None


def test_line_discount_out_of_range_is_refused(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    with pytest.raises(ValidationError) as info:
        draft.set_line_discount(0, "150")
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
    draft.set_line_discount(0, "5")
    assert draft.priced().lines[0].discount_source == "override"
    assert draft.priced().total == D("11.49")  # 12.10 − 0.605 → 0.61


def test_profile_follows_the_customer_and_an_inactive_one_is_refused(shop):
    retail, wholesale = shop.profiles["Retail"].id, shop.profiles["Wholesale"].id
    anna = customer(shop, profile="Retail", first_name="Anna")
    draft = SaleDraft.new()
    draft.set_customer(anna)
    assert draft.profile_id == retail
    masters.set_profile_active(wholesale, False)
    with pytest.raises(ValidationError) as info:
        draft.set_profile(wholesale)
    assert info.value.field == "profile"
    assert draft.profile_id == retail
    draft.set_profile(None)
    assert draft.profile_id is None


def test_a_customers_inactive_profile_is_not_carried_into_a_new_sale(shop):
    anna = customer(shop, profile="Wholesale", first_name="Anna")
    masters.set_profile_active(shop.profiles["Wholesale"].id, False)
    draft = SaleDraft.new()
    draft.set_customer(anna)
    assert draft.profile_id is None


def test_an_inactive_customer_cannot_be_attached(shop):
    anna = customer(shop, first_name="Anna")
    customers.set_active(anna, False)
    draft = SaleDraft.new()
    with pytest.raises(ValidationError) as info:
        draft.set_customer(anna)
    assert info.value.field == "customer" and draft.customer is None


def test_prices_excl_vat_follow_business_configuration(shop):
    s = config.get_settings()
    s.prices_include_vat = False
    config.update_settings(s)
    draft = SaleDraft.new()
    draft.add_item("MUG-01")  # 12.10 excl. → VAT 2.54
    bill = draft.priced()
    assert bill.vat_total == D("2.54") and bill.total == D("14.64")


# -- completing ----------------------------------------------------------------------

def test_complete_sale_writes_sale_lines_vat_and_payment_with_change(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.add_item("COF-250", "3")
    at = dt.datetime(2026, 3, 14, 10, 30)
    done = complete_sale(draft, tendered="50", cashier="Emma", at=at)
    assert (done.number, done.total, done.paid, done.change) == (1, D("32.95"), D("50.00"),
                                                                 D("17.05"))
    sale = get_sale(1)
    assert (sale.total, sale.paid, sale.change, sale.vat_total) == (D("32.95"), D("50.00"),
                                                                    D("17.05"), D("3.82"))
    assert sale.business_date == dt.date(2026, 3, 14) and sale.cashier == "Emma"
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
    assert (payment.method, payment.amount) == ("cash", D("50.00"))
    assert change_due(D("32.95"), "50") == D("17.05")


def test_sale_numbers_are_sequential(shop):
    numbers = []
    for _ in range(3):
        draft = SaleDraft.new()
        draft.add_item("MUG-01")
        numbers.append(complete_sale(draft).number)
    assert numbers == [1, 2, 3]
    assert [s.number for s in Sale.select().order_by(Sale.id)] == [1, 2, 3]
    assert Sequence.get(Sequence.name == "sale").value == 3


def test_empty_tender_means_exact_and_card_pays_the_total(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    exact = complete_sale(draft)
    assert (exact.paid, exact.change) == (D("12.10"), D("0"))
    card = complete_sale(draft, tendered="5", method="card")
    assert (card.paid, card.change) == (D("12.10"), D("0"))
    assert Payment.select().where(Payment.method == "card").get().amount == D("12.10")


@pytest.mark.parametrize("tendered", ["10", "12,09", "0"])
def test_tendered_less_than_total_is_refused_and_nothing_written(shop, tendered):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    with pytest.raises(ValidationError) as info:
        complete_sale(draft, tendered=tendered)
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
        complete_sale(draft, **kwargs)
    assert info.value.field == field
    assert written() == NOTHING


def test_an_empty_bill_cannot_be_completed(shop):
    with pytest.raises(ValidationError):
        complete_sale(SaleDraft.new())
    assert written() == NOTHING


def test_a_profile_made_inactive_during_the_sale_is_refused_at_completion(shop):
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_profile(shop.profiles["Retail"].id)
    masters.set_profile_active(shop.profiles["Retail"].id, False)
    with pytest.raises(ValidationError) as info:
        complete_sale(draft)
    assert info.value.field == "profile"
    assert written() == NOTHING


def test_completed_sale_keeps_its_snapshot_when_the_type_changes_later(shop):
    staff = shop.types["Staff"]
    daan = customer(shop, "Staff", profile="Retail")
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_customer(daan)
    done = complete_sale(draft)
    assert done.total == D("10.28")

    masters.save_type("Personeel", discount="50", type_id=staff.id)
    masters.save_profile("Winkel", profile_id=shop.profiles["Retail"].id)
    customers.save_customer(CustomerInput(first_name="Daniel", last_name="Smit",
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
    config.update_settings(s)
    draft = SaleDraft.new()
    draft.add_item("MUG-01", "2")
    draft.set_customer(customer(shop, "Staff"))
    done = complete_sale(draft, tendered="30")
    text = done.receipt_text
    assert "Sale 1" in text
    assert "TOTAL EUR" in text and "20,57" in text  # 24.20 − 3.63, in the store's nl_NL
    assert "Change" in text and "9,43" in text
    assert "De Hoek" in text and "Dank je wel!" in text
    assert "discount 15% (type)" in text
    assert get_sale(1).receipt_text == text
    assert all(len(row) <= 40 for row in text.splitlines())
    assert done.receipt_path is None


def test_receipts_dir_gets_a_file(shop, tmp_path):
    folder = tmp_path / "receipts"
    draft = SaleDraft.new()
    draft.add_item("COF-250")
    done = complete_sale(draft, receipts_dir=folder)
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
        complete_sale(draft, tendered="50")
    assert written() == NOTHING
    monkeypatch.undo()
    assert complete_sale(draft, tendered="50").number == 1  # the next one goes through
    assert SaleLine.select().count() == 2
