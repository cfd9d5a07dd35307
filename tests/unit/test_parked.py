"""Park and recall (services/parked.py): a bill put aside comes back exactly —
lines, prices, overrides with their manager's approvals, customer, profile — or
at today's prices when the cashier asks; recalled once only."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tui_pos.db.models import AuditEntry, ParkedBill, database
from tui_pos.services import catalog, customers, parked, staff
from tui_pos.services.actors import Actor
from tui_pos.services.catalog import ItemInput
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import NotFound, ValidationError
from tui_pos.services.sales import SaleDraft
from tests.actors import CASHIER, OWNER, PINS, staff_team

D = Decimal


def bill(*skus: str) -> SaleDraft:
    draft = SaleDraft.new()
    for sku in skus:
        draft.add_entry(sku)
    return draft


def item_id(shop, sku: str) -> int:
    return shop.items[sku].id


def set_item(shop, sku: str, **changes) -> None:
    """Change an item as the Items screen would (price, active…)."""
    row = catalog.get_item(item_id(shop, sku))
    values = dict(sku=row.sku, barcode=row.barcode, name=row.name, price=str(row.price),
                  vat_class_id=row.vat_class_id, discountable=row.discountable,
                  is_labour=row.is_labour, active=row.active)
    values.update(changes)
    catalog.save_item(OWNER, ItemInput(**values), row.id)


def comparable(draft: SaleDraft) -> tuple:
    """Everything a bill holds that pricing or the sale's audit reads."""
    c = draft.customer
    return (c.id if c else None, draft.profile_id, draft.bill_discount, draft.bill_vat,
            draft.bill_vat_id, draft.bill_discount_approval, draft.bill_vat_approval,
            [vars(line) for line in draft.lines])


# -- park ---------------------------------------------------------------------------------

def test_park_writes_the_bill_with_its_number_total_and_an_audit_entry(shop):
    jan = customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="Bos"))
    draft = bill("2*MUG-01", "COF-250")
    draft.set_customer(jan.id)
    number = parked.park(CASHIER, draft, "  back in 5   minutes ")
    assert number == 1
    row = ParkedBill.get(ParkedBill.number == 1)
    assert (row.terminal, row.cashier, row.customer_id, row.customer_name) == (
        "test-till", "test cashier", jan.id, "Jan Bos")
    assert (row.note, row.total, row.lines) == ("back in 5 minutes", D("31.15"), 2)
    state = json.loads(row.state)
    assert D(state["lines"][0]["quantity"]) == 2 and state["lines"][0]["unit_price"] == "12.10"
    entry = AuditEntry.get(AuditEntry.kind == "park")
    assert entry.subject == "Parked bill 1" and entry.actor == "test cashier"
    assert parked.park(CASHIER, bill("MUG-01")) == 2  # several per terminal


def test_an_empty_bill_cannot_be_parked(shop):
    with pytest.raises(ValidationError, match="nothing to park"):
        parked.park(CASHIER, SaleDraft.new())
    assert ParkedBill.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.kind == "park").count() == 0


def test_a_note_with_control_characters_or_too_long_is_refused(shop):
    with pytest.raises(ValidationError) as bad:
        parked.park(CASHIER, bill("MUG-01"), "hello\x1b[31m")
    assert bad.value.field == "note"
    with pytest.raises(ValidationError, match="200 characters"):
        parked.park(CASHIER, bill("MUG-01"), "x" * 201)
    assert ParkedBill.select().count() == 0


def test_hostile_text_in_the_note_is_kept_literally(shop):
    note = "[bold red]Mrs Smith[/] <script> $(rm -rf /) 'x'; DROP TABLE sale;--"
    number = parked.park(CASHIER, bill("MUG-01"), note)
    assert parked.list_parked()[0].note == note
    assert parked.list_parked(query=str(number))[0].number == number


# -- the list -----------------------------------------------------------------------------

def test_the_list_is_newest_first_and_filters_by_number_customer_and_terminal(shop):
    jan = customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="Bos"))
    marie = customers.save_customer(OWNER, CustomerInput(first_name="Marie", last_name="Öz"))
    a = bill("MUG-01")
    a.set_customer(jan.id)
    b = bill("COF-250", "COF-250")
    b.set_customer(marie.id)
    other_till = Actor(None, "Chris", "cashier", "till-2")
    first = parked.park(CASHIER, a, "first")
    second = parked.park(other_till, b)
    third = parked.park(CASHIER, bill("GIFT-25"))
    rows = parked.list_parked()
    assert [r.number for r in rows] == [third, second, first]
    assert (rows[1].terminal, rows[1].cashier, rows[1].customer_name, rows[1].total,
            rows[1].lines) == ("till-2", "Chris", "Marie Öz", D("13.90"), 1)
    assert [r.number for r in parked.list_parked(query="bos")] == [first]
    assert [r.number for r in parked.list_parked(query="marie oz")] == [second]  # accents
    assert [r.number for r in parked.list_parked(query=str(third))] == [third]
    assert [r.number for r in parked.list_parked(terminal="till-2")] == [second]
    assert parked.list_parked(query="nobody") == []


# -- recall -------------------------------------------------------------------------------

def test_recall_gives_the_bill_back_and_deletes_it_with_an_audit_entry(shop):
    draft = bill("2*MUG-01", "COF-250")
    before = comparable(draft)
    number = parked.park(CASHIER, draft)
    back = parked.recall(CASHIER, number)
    assert comparable(back) == before
    assert back.priced().total == D("31.15")
    assert ParkedBill.select().count() == 0
    entry = AuditEntry.get(AuditEntry.kind == "recall")
    assert entry.subject == f"Parked bill {number}"


def test_every_override_and_approval_survives_the_round_trip(shop):
    team = staff_team()
    cas = team["Cas"]
    asked = staff.approve(cas, team["Mona"].staff_id, PINS["Mona"], "override")
    jan = customers.save_customer(OWNER, CustomerInput(
        first_name="Jan", last_name="Bos", customer_type_id=shop.types["Staff"].id,
        profile_id=shop.profiles["Wholesale"].id))
    draft = bill("3*MUG-01", "COF-250", "LAB-REP")
    draft.set_customer(jan.id)
    draft.set_profile(shop.profiles["Retail"].id)  # changed on the bill: kept so
    draft.set_line_discount(asked, 0, "30")  # beyond the limit: Mona approved
    draft.set_line_vat(asked, 1, shop.vat["Nul"].id)
    draft.set_bill_discount(asked, "25")
    draft.set_bill_vat(asked, shop.vat["Laag"].id)
    before = comparable(draft)
    total = draft.priced().total
    number = parked.park(cas, draft, "Jan fetches his wallet")
    back = parked.recall(team["Chris"], number)  # another cashier, another till
    assert comparable(back) == before
    assert back.priced().total == total
    line = back.lines[0]
    assert line.discount_override == D("30")
    assert line.discount_approval.approver.name == "Mona"
    assert line.discount_approval.approver.staff_id == team["Mona"].staff_id
    assert back.bill_vat_approval.approver.name == "Mona"
    # the manager's approval still counts: Chris completes without asking again
    assert len(back.approvals(team["Chris"])) == 4


def test_recall_twice_the_second_is_told_it_was_already_recalled(shop):
    number = parked.park(CASHIER, bill("MUG-01"))
    parked.recall(CASHIER, number)
    with pytest.raises(ValidationError, match=f"Parked bill {number} was already recalled"):
        parked.recall(Actor(None, "Chris", "cashier", "till-2"), number)
    assert AuditEntry.select().where(AuditEntry.kind == "recall").count() == 1
    with pytest.raises(NotFound, match="There is no parked bill 99"):
        parked.recall(CASHIER, 99)


def test_two_tills_racing_one_gets_it_the_other_is_refused_and_nothing_is_written(
        shop, monkeypatch):
    """The other till deletes the row between this one's read and its delete (as a
    committed recall elsewhere would): this recall is refused and writes nothing."""
    number = parked.park(CASHIER, bill("MUG-01"))
    rebuild = parked._rebuild

    def other_till_first(*args):
        draft = rebuild(*args)
        ParkedBill.delete().where(ParkedBill.number == number).execute()
        return draft

    monkeypatch.setattr(parked, "_rebuild", other_till_first)
    with pytest.raises(ValidationError, match="already recalled"):
        parked.recall(CASHIER, number)
    assert AuditEntry.select().where(AuditEntry.kind == "recall").count() == 0
    assert ParkedBill.select().count() == 1  # rolled back with the refusal


def test_two_tills_recall_the_same_bill_at_once_one_gets_it(shop, engine, monkeypatch):
    """Two threads, each its own connection. On PostgreSQL both have read the row
    before either deletes it (a barrier holds them): the second delete waits for the
    first commit and finds nothing. SQLite's write lock lets only one in at a time."""
    number = parked.park(CASHIER, bill("MUG-01"))
    both_read = threading.Barrier(2, timeout=20) if engine == "postgresql" else None
    rebuild = parked._rebuild

    def read_together(*args):
        draft = rebuild(*args)
        if both_read is not None:
            both_read.wait()
        return draft

    monkeypatch.setattr(parked, "_rebuild", read_together)
    results: list[str] = []

    def till(name: str) -> None:
        try:
            parked.recall(Actor(None, name, "cashier", name), number)
            results.append("recalled")
        except ValidationError as error:
            results.append(error.message)
        finally:
            database.close()

    threads = [threading.Thread(target=till, args=(name,)) for name in ("till-1", "till-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [f"Parked bill {number} was already recalled", "recalled"]
    assert ParkedBill.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.kind == "recall").count() == 1


def test_recall_as_parked_keeps_the_old_price_reprice_takes_todays(shop):
    first = parked.park(CASHIER, bill("2*MUG-01"))
    second = parked.park(CASHIER, bill("2*MUG-01"))
    set_item(shop, "MUG-01", price="13.00", name="Stoneware mug XL")
    as_parked = parked.recall(CASHIER, first)
    assert as_parked.lines[0].unit_price == D("12.10")
    assert as_parked.priced().total == D("24.20")
    today = parked.recall(CASHIER, second, reprice=True)
    assert (today.lines[0].unit_price, today.lines[0].name) == (D("13.00"), "Stoneware mug XL")
    assert today.lines[0].quantity == 2
    assert today.priced().total == D("26.00")


def test_an_item_no_longer_sold_is_refused_as_parked_and_left_off_repriced(shop):
    number = parked.park(CASHIER, bill("MUG-01", "COF-250"))
    set_item(shop, "COF-250", active=False)
    with pytest.raises(ValidationError, match=r"Coffee beans 250 g \(COF-250\) is no longer "
                                              "sold"):
        parked.recall(CASHIER, number)
    assert ParkedBill.select().count() == 1  # still parked
    back = parked.recall_bill(CASHIER, number, reprice=True)
    assert [line.sku for line in back.draft.lines] == ["MUG-01"]
    assert any("COF-250" in note and "left off" in note for note in back.notes)
    assert ParkedBill.select().count() == 0


def test_a_customer_deactivated_since_the_bill_comes_back_without_them(shop):
    jan = customers.save_customer(OWNER, CustomerInput(
        first_name="Jan", last_name="Bos", customer_type_id=shop.types["Staff"].id))
    draft = bill("MUG-01")
    draft.set_customer(jan.id)
    assert draft.priced().total == D("10.28")  # the staff discount
    number = parked.park(CASHIER, draft)
    customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="Bos",
                                                 customer_type_id=shop.types["Staff"].id,
                                                 active=False), jan.id)
    back = parked.recall_bill(CASHIER, number)
    assert back.draft.customer is None
    assert back.draft.priced().total == D("12.10")
    assert any("without its customer" in note and "Jan Bos" in note for note in back.notes)


def test_an_erased_customer_leaves_the_list_and_the_recalled_bill(shop):
    from tui_pos.services import privacy

    jan = customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="Bos"))
    draft = bill("MUG-01")
    draft.set_customer(jan.id)
    number = parked.park(CASHIER, draft)
    privacy.erase_customer(OWNER, jan.id, "asked to be forgotten")
    row = parked.list_parked()[0]
    assert "Bos" not in row.customer_name and jan.number in row.customer_name
    assert parked.list_parked(query="Bos") == []
    back = parked.recall_bill(CASHIER, number)
    assert back.draft.customer is None and back.notes


def test_profile_inactive_since_is_left_off_with_a_note(shop):
    draft = bill("MUG-01")
    draft.set_profile(shop.profiles["Retail"].id)
    number = parked.park(CASHIER, draft)
    from tui_pos.services import masters
    masters.save_profile(OWNER, "Retail", active=False, profile_id=shop.profiles["Retail"].id)
    back = parked.recall_bill(CASHIER, number)
    assert back.draft.profile_id is None
    assert any("profile" in note for note in back.notes)


def test_park_and_recall_need_a_signed_in_actor(shop):
    with pytest.raises(ValidationError):
        parked.park(None, bill("MUG-01"))  # type: ignore[arg-type]
    number = parked.park(CASHIER, bill("MUG-01"))
    with pytest.raises(ValidationError):
        parked.recall(None, number)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        parked.recall(CASHIER, "1")  # type: ignore[arg-type]


# -- exact round trip ---------------------------------------------------------------------

quantities = st.decimals(min_value=D("-999.999"), max_value=D("999.999"), places=3,
                         allow_nan=False, allow_infinity=False).filter(lambda q: q != 0)
prices = st.decimals(min_value=D("0"), max_value=D("9999.99"), places=2,
                     allow_nan=False, allow_infinity=False)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(quantities, prices), min_size=1, max_size=4),
       discount=st.one_of(st.none(), st.decimals(min_value=0, max_value=20, places=1)))
def test_quantities_and_prices_come_back_exactly(shop, lines, discount):
    draft = SaleDraft.new()
    for quantity, price in lines:
        draft.add_item("MUG-01", quantity, unit_price=price)
    draft.set_bill_discount(CASHIER, discount)
    before = comparable(draft)
    total = draft.priced().total
    number = parked.park(CASHIER, draft)
    assert ParkedBill.get(ParkedBill.number == number).total == total
    back = parked.recall(CASHIER, number)
    assert comparable(back) == before
    assert back.priced().total == total
