"""Web-shop orders: a paid order creates or matches its customer and records a sale
at the order's prices under the "Web shop" profile, once; unpaid orders are skipped,
bad ones refused by number while the good ones are recorded; bad files refused whole."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from decimal import Decimal as D
from pathlib import Path

import peewee as pw
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.cli_run import one_line, run
from tui_pos.db.models import Customer, CustomerProfile, Payment, Sale, SaleLine, SaleVat, \
    WebOrder
from tui_pos.services import catalog, config, customers, masters, sales, webshop
from tui_pos.services.catalog import ItemInput
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import ValidationError
from tests.actors import OWNER

DATA = Path(__file__).parent.parent / "data" / "webshop"
TABLES = ("customer", "sale", "sale_line", "sale_vat", "payment", "web_order",
          "customer_profile", "customer_search_term")


@pytest.fixture
def webshop_store(shop):
    """The test shop with the item the web shop uses for shipping."""
    catalog.save_item(OWNER, ItemInput(sku="SHIP-NL", name="Shipping NL", price="6.95",
                                vat_class_id=shop.vat["Hoog"].id, discountable=False))
    return shop


def counts(db_file: str) -> dict[str, int]:
    con = sqlite3.connect(db_file)
    try:
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    finally:
        con.close()


def order(number="WS-1", paid=True, paid_at="2026-11-20T14:03:00", lines=None, **customer):
    person = {"first_name": "Jan", "last_name": "Jansen", "email": "jan@example.nl"}
    person.update(customer)
    return {"order_number": number, "paid": paid, "paid_at": paid_at, "customer": person,
            "lines": lines if lines is not None else
            [{"sku": "MUG-01", "quantity": 1, "unit_price": "11.50"}]}


def write(tmp_path: Path, *orders, name="orders.json", **top) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"orders": list(orders), **top}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def reasons(report) -> dict[str, str]:
    return {p.order: p.reason for p in report.refused}


def sale_of(number: str) -> Sale:
    return Sale.get_by_id(WebOrder.get(WebOrder.order_number == number).sale_id)


# -- The example file --------------------------------------------------------------------

def test_example_file_records_the_paid_orders(webshop_store):
    report = webshop.import_orders(OWNER, DATA / "orders.json")
    assert report.recorded == ["WS-10021", "WS-10024"]
    assert report.unpaid == ["WS-10022"] and report.already == []
    assert reasons(report) == {"WS-10023": "line 1: No item with SKU or barcode 'NO-SUCH-SKU'"}
    assert report.customers_created == 1  # the second order's e-mail matched the first's
    assert report.summary().startswith(
        "2 recorded, 1 skipped (unpaid), 0 already imported, 1 refused; each order is its "
        "own transaction")

    zoe = customers.get_customer(Customer.get(Customer.email == "zoe@example.nl").id)
    assert (zoe.first_name, zoe.last_name, zoe.phone) == ("Zoë", "Ölçer", "+31 6 1234 5678")
    assert (zoe.address, zoe.postcode, zoe.city) == ("Hoofdstraat 1", "3511 AB", "Utrecht")
    assert (zoe.newsletter, zoe.contact_email, zoe.consent_date) == \
        (True, True, dt.date(2026, 11, 20))  # the opt-in, with the order's date
    assert zoe.profile_id is None  # the sale is the web shop's, not the customer

    sale = sale_of("WS-10021")
    assert sale.created_at == dt.datetime(2026, 11, 20, 14, 3)
    assert sale.business_date == dt.date(2026, 11, 20)
    assert (sale.customer_id, sale.customer_name) == (zoe.id, "Zoë Ölçer")
    assert (sale.profile.name, sale.profile_name, sale.cashier) == \
        ("Web shop", "Web shop", "web shop")
    assert (sale.total, sale.paid, sale.change, sale.discount_total) == \
        (D("34.90"), D("34.90"), 0, 0)
    lines = [(li.sku, li.quantity, li.unit_price, li.vat_rate, li.amount)
             for li in SaleLine.select().where(SaleLine.sale == sale).order_by(
                 SaleLine.position)]
    assert lines == [("MUG-01", 2, D("11.50"), 21, D("23.00")),  # web price, not 12.10
                     ("COF-250", 1, D("6.95"), 9, D("6.95")),
                     ("SHIP-NL", 1, D("4.95"), 21, D("4.95"))]
    vat = {v.rate: (v.base, v.vat) for v in SaleVat.select().where(SaleVat.sale == sale)}
    assert vat == {21: (D("23.10"), D("4.85")), 9: (D("6.38"), D("0.57"))}
    assert [p.method for p in Payment.select().where(Payment.sale == sale)] == ["web shop"]
    assert "Paid (web shop)" in sale.receipt_text
    assert sale_of("WS-10024").customer_id == zoe.id


def test_the_same_file_twice_records_nothing_new(webshop_store, db_file):
    webshop.import_orders(OWNER, DATA / "orders.json")
    before = counts(db_file)
    again = webshop.import_orders(OWNER, DATA / "orders.json")
    assert counts(db_file) == before
    assert again.recorded == [] and again.already == ["WS-10021", "WS-10024"]
    assert again.unpaid == ["WS-10022"] and list(reasons(again)) == ["WS-10023"]


def test_cli_lists_unpaid_and_refused_orders_and_says_each_is_its_own_transaction(
        webshop_store, db_file, capsys):
    code, out, err = run(capsys, "import", "orders", str(DATA / "orders.json"),
                         "--db", db_file)
    assert code == 1  # an order was refused: a cron job notices
    assert err == ("tui-pos: orders.json order WS-10023: line 1: No item with SKU or "
                   "barcode 'NO-SUCH-SKU'\n")
    assert out.splitlines() == [
        "tui-pos: skipped, not paid: WS-10022",
        "tui-pos: orders.json: 4 orders: 2 recorded, 1 skipped (unpaid), 0 already "
        "imported, 1 refused; each order is its own transaction: the refused ones were "
        "not recorded, the others were"]
    code, out, err = run(capsys, "import", "orders", str(DATA / "orders.json"),
                         "--db", db_file)
    assert "0 recorded, 1 skipped (unpaid), 2 already imported, 1 refused" in out


def test_a_csv_with_one_row_per_line_is_read_like_the_json(webshop_store, db_file):
    report = webshop.import_orders(OWNER, DATA / "orders.csv")  # semicolons, a BOM, "yes"/"no"
    assert (report.recorded, report.unpaid, list(reasons(report))) == \
        (["WS-10021", "WS-10024"], ["WS-10022"], ["WS-10023"])
    sale = sale_of("WS-10021")
    assert (sale.total, sale.created_at) == (D("34.90"), dt.datetime(2026, 11, 20, 14, 3))
    assert SaleLine.select().where(SaleLine.sale == sale).count() == 3
    zoe = customers.get_customer(sale.customer_id)
    assert (zoe.first_name, zoe.newsletter, zoe.city) == ("Zoë", True, "Utrecht")
    before = counts(db_file)
    assert webshop.import_orders(OWNER, DATA / "orders.csv").already == ["WS-10021", "WS-10024"]
    assert counts(db_file) == before


def test_an_xlsx_sheet_of_orders_is_read_too(webshop_store, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["order_number", "paid", "paid_at", "first_name", "last_name", "email",
                  "sku", "quantity", "unit_price"])
    sheet.append(["X-1", "TRUE", "2026-11-20T10:00:00", "Jan", "Jansen", "jan@example.nl",
                  "MUG-01", 3, "11.50"])
    sheet.append(["X-2", "maybe", "2026-11-20T10:00:00", "Jan", "Jansen", "jan@example.nl",
                  "MUG-01", 1, "11.50"])
    book.save(tmp_path / "orders.xlsx")
    report = webshop.import_orders(OWNER, tmp_path / "orders.xlsx")
    assert report.recorded == ["X-1"] and sale_of("X-1").total == D("34.50")
    assert reasons(report) == {"X-2": "paid must be true or false"}


# -- Customers ---------------------------------------------------------------------------

def test_a_customer_is_matched_by_phone_filled_in_and_never_doubled(webshop_store, tmp_path):
    known = customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="Jansen",
                                                  phone="06-1234 5678"))
    path = write(tmp_path, order(email="jan@example.nl", phone="06 12345678",
                                 newsletter=True, paid_at="2026-11-02T10:00:00"))
    report = webshop.import_orders(OWNER, path)
    assert report.recorded == ["WS-1"] and report.customers_created == 0
    assert Customer.select().count() == 1
    jan = customers.get_customer(known.id)
    assert jan.phone == "06-1234 5678"  # theirs is kept; the empty e-mail is filled
    assert (jan.email, jan.newsletter, jan.contact_email, jan.consent_date) == \
        ("jan@example.nl", True, True, dt.date(2026, 11, 2))
    assert jan.consent_note == "Newsletter opt-in with web order WS-1"
    assert sale_of("WS-1").customer_id == known.id


def test_no_opt_in_records_no_consent_and_never_withdraws_it(webshop_store, tmp_path):
    path = write(tmp_path, order("WS-1", newsletter=False),
                 order("WS-2", email="piet@example.nl", newsletter=True))
    webshop.import_orders(OWNER, path)
    jan = customers.get_customer(Customer.get(Customer.email == "jan@example.nl").id)
    assert (jan.newsletter, jan.contact_email, jan.consent_date) == (False, False, None)
    webshop.import_orders(OWNER, write(tmp_path, order("WS-3", email="piet@example.nl",
                                                newsletter=False), name="later.json"))
    piet = customers.get_customer(Customer.get(Customer.email == "piet@example.nl").id)
    assert (piet.newsletter, piet.contact_email) == (True, True)


def test_the_web_price_wins_over_the_customers_discount_and_vat_class(webshop_store,
                                                                     tmp_path):
    staff = customers.save_customer(OWNER, CustomerInput(
        first_name="Jan", last_name="Jansen", email="jan@example.nl",
        customer_type_id=webshop_store.types["Tax exempt"].id, discount="15"))
    webshop.import_orders(OWNER, write(tmp_path, order()))
    sale = sale_of("WS-1")
    line = SaleLine.get(SaleLine.sale == sale)
    assert (sale.customer_id, sale.customer_type_name) == (staff.id, "Tax exempt")
    assert (line.unit_price, line.discount_amount, line.vat_rate, sale.total) == \
        (D("11.50"), 0, 21, D("11.50"))


def test_a_deactivated_customer_is_reported_and_nothing_recorded(webshop_store, tmp_path,
                                                                 db_file):
    gone = customers.save_customer(OWNER, CustomerInput(last_name="Jansen", email="jan@example.nl"))
    customers.set_active(OWNER, gone.id, False)
    before = counts(db_file)
    report = webshop.import_orders(OWNER, write(tmp_path, order()))
    assert reasons(report) == {"WS-1": "Jansen is deactivated"}
    before["customer_profile"] += 1  # "Web shop", made before the first order
    assert counts(db_file) == before  # and the customer's empty fields not filled either
    assert customers.get_customer(gone.id).first_name == ""


# -- The Web shop profile ----------------------------------------------------------------

def test_the_profile_is_made_once_and_an_inactive_one_refuses_the_file(webshop_store,
                                                                       tmp_path):
    webshop.import_orders(OWNER, write(tmp_path, order("WS-1")))
    webshop.import_orders(OWNER, write(tmp_path, order("WS-2"), name="two.json"))
    profiles = CustomerProfile.select().where(CustomerProfile.name == "Web shop")
    assert [p.active for p in profiles] == [True]
    masters.set_profile_active(OWNER, profiles[0].id, False)
    with pytest.raises(ValidationError, match="'Web shop' is inactive"):
        webshop.import_orders(OWNER, write(tmp_path, order("WS-3"), name="three.json"))
    assert not WebOrder.select().where(WebOrder.order_number == "WS-3").exists()


# -- Bad orders: refused by number, the others recorded ------------------------------------

BAD_ORDERS = {
    "B-qty": (dict(lines=[{"sku": "MUG-01", "quantity": "1e3", "unit_price": "1.00"}]),
              "line 1: Quantity"),
    "B-zero": (dict(lines=[{"sku": "MUG-01", "quantity": 0, "unit_price": "1.00"}]),
               "line 1: Quantity cannot be zero"),
    "B-minus": (dict(lines=[{"sku": "MUG-01", "quantity": -1, "unit_price": "1.00"}]),
                "line 1: quantity must be more than zero"),
    "B-huge": (dict(lines=[{"sku": "MUG-01", "quantity": 1, "unit_price": "99999999999"}]),
               "line 1: Unit price is too large"),
    "B-cents": (dict(lines=[{"sku": "MUG-01", "quantity": 1, "unit_price": "1.005"}]),
                "line 1: Unit price has more than two decimals"),
    "B-float": (dict(lines=[{"sku": "MUG-01", "quantity": 1, "unit_price": 1.5}]),
                'line 1: Unit price must be a decimal string like "12.10"'),
    "B-nolines": (dict(lines=[]), "the order has no lines"),
    "B-noname": (dict(first_name="", last_name=""), "the customer's name is missing"),
    "B-nomail": (dict(email=""), "the customer's e-mail is missing"),
    "B-badmail": (dict(email="jan.example.nl"), "'jan.example.nl' is not a valid e-mail"),
    "B-when": (dict(paid_at="20-11-2026"), "paid_at '20-11-2026' is not an ISO date"),
    "B-future": (dict(paid_at="2999-01-01T00:00:00"), "is in the future"),
    "B-escape": (dict(first_name="Zo\x1b[31më"), "First name holds a control character"),
    "B-bidi": (dict(last_name="Jan\u202esen"), "Last name holds a control character"),
    "B-nul": (dict(lines=[{"sku": "MUG\x00", "quantity": 1, "unit_price": "1.00"}]),
              "line 1: SKU holds a control character"),
}


def test_each_bad_order_is_refused_with_its_number_and_the_good_ones_recorded(
        webshop_store, tmp_path):
    bad = [order(number, **fields) for number, (fields, _) in BAD_ORDERS.items()]
    path = write(tmp_path, order("GOOD-1"), *bad, order("GOOD-2", email="piet@example.nl"),
                 order("GOOD-1", email="again@example.nl"))
    report = webshop.import_orders(OWNER, path)
    assert report.recorded == ["GOOD-1", "GOOD-2"]
    found = reasons(report)
    for number, (_, reason) in BAD_ORDERS.items():
        assert reason in found[number], (number, found[number])
    assert found["GOOD-1"] == "the same order number is earlier in the file"
    assert not Customer.select().where(Customer.email == "again@example.nl").exists()
    assert Sale.select().count() == 2 == WebOrder.select().count()


def test_orders_without_a_usable_number_are_refused_by_their_place(webshop_store, tmp_path):
    path = write(tmp_path, order(""), "not an order", order("WS\x07"), order(12345))
    report = webshop.import_orders(OWNER, path)
    assert reasons(report) == {"#1": "Order number is required",
                               "#2": "an order must be a JSON object",
                               "#3": "Order number holds a control character; type plain "
                                     "text"}
    assert report.recorded == ["12345"]  # a number the shop writes as a JSON integer


def test_a_total_that_does_not_match_the_lines_refuses_the_order(webshop_store, tmp_path):
    right, wrong = order("WS-1"), order("WS-2")
    right["total"], wrong["total"] = "11.50", "11.00"
    report = webshop.import_orders(OWNER, write(tmp_path, right, wrong))
    assert report.recorded == ["WS-1"]
    assert reasons(report) == {"WS-2": "the lines add up to 11.50 but the order's total "
                                       "is 11.00"}


def test_markup_in_names_is_stored_as_typed(webshop_store, tmp_path):
    webshop.import_orders(OWNER, write(tmp_path, order(first_name="[b]Jan[/b]",
                                                last_name="$(rm -rf /)")))
    assert sale_of("WS-1").customer_name == "[b]Jan[/b] $(rm -rf /)"


# -- Bad files: refused whole, one line, nothing written ------------------------------------

@pytest.mark.parametrize("content, message", [
    (b"", "orders.json is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "orders.json is a binary file"),
    (b"order,paid\nWS-1,yes\n", "orders.json is neither JSON nor a sheet of web-shop "
     "orders: the columns order_number, paid_at, first_name, last_name, email, sku, "
     "quantity, unit_price are missing"),
    (b'{"orders": [}', "orders.json is not valid JSON (line 1 column 13"),
    (b'{"orders": ["\xff"]}', "orders.json is not UTF-8 text"),
    (b"PK\x03\x04 not really a workbook", "orders.json is not a readable .xlsx file"),
    (b'{"orders": [{"order_number": NaN}]}', "not a JSON file of orders tui-pos can read"),
    (b'[{"order_number": "WS-1"}]', 'is JSON but not a file of orders: expected {"orders"'),
    (b'{"format": "shopify 2", "orders": []}', "says it is in another format"),
    (b'{"orders": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
     "not a JSON file of orders tui-pos can read"),
    (b'{"orders": [{"order_number": ' + b"9" * 5000 + b"}]}",
     "not a JSON file of orders tui-pos can read"),
])
def test_a_file_that_is_not_orders_is_refused_in_one_line(webshop_store, db_file, tmp_path,
                                                          capsys, content, message):
    path = tmp_path / "orders.json"
    path.write_bytes(content)
    before = counts(db_file)
    code, out, err = run(capsys, "import", "orders", str(path), "--db", db_file)
    assert code == 1 and out == "" and message in one_line(err)
    assert counts(db_file) == before


def test_a_huge_file_is_refused_before_it_is_read(webshop_store, tmp_path, monkeypatch):
    path = write(tmp_path, order())
    monkeypatch.setattr(webshop, "MAX_BYTES", path.stat().st_size - 1)
    with pytest.raises(ValidationError, match="files over 0 MB are not imported"):
        webshop.import_orders(OWNER, path)


def test_prices_in_the_other_vat_convention_refuse_the_file(webshop_store, tmp_path):
    path = write(tmp_path, order(), prices_include_vat=False)
    with pytest.raises(ValidationError, match="gives prices excl. VAT but this store's "
                                              "prices are incl. VAT"):
        webshop.import_orders(OWNER, path)
    assert config.get_settings().prices_include_vat and not Sale.select().exists()


# -- The sale and its web_order row: together or not at all ---------------------------------

def test_a_failure_writing_the_web_order_row_leaves_no_sale_and_no_customer(
        webshop_store, tmp_path, db_file, monkeypatch):
    real = sales.bulk.insert_rows

    def crash_at_web_order(model, *args, **kwargs):
        if model is WebOrder:  # after the sale, its lines, VAT and payment were inserted
            raise pw.OperationalError("disk I/O error")
        return real(model, *args, **kwargs)

    before = counts(db_file)
    monkeypatch.setattr(sales.bulk, "insert_rows", crash_at_web_order)
    report = webshop.import_orders(OWNER, write(tmp_path, order()))
    assert "could not be saved (disk I/O error)" in reasons(report)["WS-1"]
    after = counts(db_file)
    profile_made = {"customer_profile": before["customer_profile"] + 1}
    assert after == {**before, **profile_made}  # no customer, sale or web_order row


def test_complete_sale_refuses_an_order_number_recorded_before(webshop_store):
    def web_draft():
        draft = sales.SaleDraft.new()
        draft.add_item("MUG-01", "1", unit_price="9.99")
        return draft

    first = sales.complete_sale(OWNER, web_draft(), method=sales.WEB_SHOP, web_order="WS-9")
    assert first.total == D("9.99")
    with pytest.raises(ValidationError, match="Web-shop order WS-9 is already recorded"):
        sales.complete_sale(OWNER, web_draft(), method=sales.WEB_SHOP, web_order="WS-9")
    assert Sale.select().count() == 1 == WebOrder.select().count()
    assert WebOrder.get().sale_id == first.id


def test_a_line_at_a_given_price_merges_only_with_the_same_price(webshop_store):
    draft = sales.SaleDraft.new()
    draft.add_item("MUG-01", "1")
    draft.add_item("MUG-01", "1", unit_price="11.50")
    draft.add_item("MUG-01", "2", unit_price="11.50")
    assert [(line.quantity, line.unit_price) for line in draft.lines] == \
        [(1, D("12.10")), (3, D("11.50"))]
    with pytest.raises(ValidationError) as error:
        draft.add_item("MUG-01", "1", unit_price="-1")
    assert error.value.field == "price"


def test_the_counter_does_not_offer_web_shop_as_a_payment(webshop_store):
    assert sales.WEB_SHOP in sales.PAYMENT_METHODS
    assert sales.WEB_SHOP not in sales.COUNTER_METHODS


# -- Whatever the file holds: a report or one ValidationError ---------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=8)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=JSON_VALUES, paid=JSON_VALUES, paid_at=JSON_VALUES, person=JSON_VALUES,
       lines=JSON_VALUES)
def test_any_json_gives_a_report_never_a_crash(webshop_store, tmp_path, number, paid,
                                               paid_at, person, lines):
    path = tmp_path / "any.json"
    path.write_text(json.dumps({"orders": [{"order_number": number, "paid": paid,
                                            "paid_at": paid_at, "customer": person,
                                            "lines": lines}]}))
    report = webshop.import_orders(OWNER, path)
    assert report.orders == 1
    assert len(report.recorded) + len(report.unpaid) + len(report.already) \
        + len(report.refused) == 1
