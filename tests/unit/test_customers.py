"""Customers: the full record, its validation, tags, notes, custom fields and search."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from tui_pos.db.models import (
    CustomFieldValue, Customer, CustomerNote, CustomerSearchTerm, CustomerTag, Tag,
)
from tui_pos.services import custom_fields, customers, masters
from tui_pos.services.customers import CustomerInput, search_customers
from tui_pos.services.errors import ValidationError
from tests.actors import CASHIER, OWNER

D = Decimal
TABLES = (Customer, CustomerTag, Tag, CustomerNote, CustomFieldValue, CustomerSearchTerm)


def counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in TABLES}


def refused(field: str, data: CustomerInput, customer_id: int | None = None,
            **kwargs) -> ValidationError:
    before = counts()
    before_rows = list(Customer.select().order_by(Customer.id).dicts())
    with pytest.raises(ValidationError) as info:
        customers.save_customer(OWNER, data, customer_id, **kwargs)
    assert info.value.field == field
    assert info.value.message
    assert counts() == before
    assert list(Customer.select().order_by(Customer.id).dicts()) == before_rows
    return info.value


def add(**kwargs) -> customers.CustomerDetail:
    return customers.save_customer(OWNER, CustomerInput(**kwargs))


def names(page) -> list[str]:
    return [h.name for h in page.hits]


# -- the record and its validation ----------------------------------------------------

def test_full_record_is_saved(shop):
    today = dt.date.today()
    c = customers.save_customer(OWNER, CustomerInput(
        first_name=" Jan ", last_name="de  Vries", company="", email="Jan@DeVries.NL",
        phone="06-12345678", mobile="+31 6 1234 5678", address="Prinsengracht 1",
        postcode="1015 EA", city="Amsterdam", country="Nederland", birthday="24-11-1980",
        customer_type_id=shop.types["Staff"].id, profile_id=shop.profiles["Retail"].id,
        discount="5", vat_class_id=shop.vat["Laag"].id, additional="M-2400",
        tags="vip, coffee", contact_email=True, consent_date=today.isoformat(),
        consent_note="Signed at the counter", newsletter=True, credit_limit="500",
    ))
    row = customers.get_customer(c.id)
    assert (row.first_name, row.last_name, row.email) == ("Jan", "de Vries", "jan@devries.nl")
    assert row.birthday == dt.date(1980, 11, 24)
    assert row.discount == D("5") and row.credit_limit == D("500.00")
    assert row.type_name == "Staff" and row.profile_id == shop.profiles["Retail"].id
    assert row.profile_name == "Retail"
    assert (row.vat_class_id, row.vat_class_name, row.vat_rate) == (shop.vat["Laag"].id, "Laag",
                                                                    D("9"))
    assert row.contact_email and row.consent_date == today and row.newsletter
    assert row.number == "1001"  # auto: the first number
    assert customers.customer_tags(c.id) == ["coffee", "vip"] == list(row.tags)
    assert c == row  # save hands back what get_customer reads
    form = customers.to_input(row)
    assert form.tags == "coffee, vip" and form.discount == "5.00"


def test_a_name_or_company_is_required(db):
    refused("last_name", CustomerInput(email="a@b.nl"))


@pytest.mark.parametrize("email", ["jan", "jan@", "jan@devries", "jan @devries.nl",
                                   "@devries.nl", "jan@@devries.nl"])
def test_invalid_email_is_refused(db, email):
    error = refused("email", CustomerInput(first_name="Jan", email=email))
    assert "e-mail" in error.message


@pytest.mark.parametrize("field, phone", [("phone", "call me"), ("phone", "12345"),
                                          ("mobile", "06-1234-567a"),
                                          ("mobile", "1234567890123456")])
def test_invalid_phone_is_refused(db, field, phone):
    error = refused(field, CustomerInput(first_name="Jan", **{field: phone}))
    assert "phone" in error.message


@pytest.mark.parametrize("discount", ["101", "-1", "veel", "5.555"])
def test_discount_outside_0_to_100_is_refused(db, discount):
    refused("discount", CustomerInput(first_name="Jan", discount=discount))


def test_negative_credit_limit_is_refused(db):
    refused("credit_limit", CustomerInput(first_name="Jan", credit_limit="-10"))


@pytest.mark.parametrize("preference", ["contact_email", "contact_sms", "contact_phone",
                                        "contact_post"])
def test_contact_preference_without_consent_date_is_refused(db, preference):
    error = refused("consent_date", CustomerInput(first_name="Jan", email="jan@devries.nl",
                                                  mobile="0612345678",
                                                  **{preference: True}))
    assert "consent" in error.message


def test_consent_date_in_the_future_or_malformed_is_refused(db):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    refused("consent_date", CustomerInput(first_name="Jan", email="jan@devries.nl",
                                          contact_email=True, consent_date=tomorrow))
    refused("consent_date", CustomerInput(first_name="Jan", consent_date="31-02-2020"))


def test_birthday_in_the_future_is_refused(db):
    refused("birthday", CustomerInput(first_name="Jan",
                                      birthday=dt.date.today() + dt.timedelta(days=1)))


def test_duplicate_customer_number_is_refused(db):
    add(first_name="Jan", number="K-1")
    error = refused("number", CustomerInput(first_name="Anna", number="K-1"))
    assert "K-1" in error.message


def test_editing_keeps_its_own_number_and_refuses_anothers(db):
    jan = add(first_name="Jan", number="K-1")
    anna = add(first_name="Anna", number="K-2")
    customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="de Vries",
                                          number="K-1"), jan.id)
    assert customers.get_customer(jan.id).last_name == "de Vries"
    refused("number", CustomerInput(first_name="Jan", number="K-2"), jan.id)
    assert customers.get_customer(anna.id).number == "K-2"


def test_unknown_type_or_profile_or_inactive_profile_is_refused(shop):
    refused("customer_type", CustomerInput(first_name="Jan", customer_type_id=999))
    refused("profile", CustomerInput(first_name="Jan", profile_id=999))
    masters.set_profile_active(OWNER, shop.profiles["Wholesale"].id, False)
    refused("profile", CustomerInput(first_name="Jan", profile_id=shop.profiles["Wholesale"].id))


def test_auto_numbers_are_sequential_and_skip_taken_ones(db):
    a = add(first_name="A")
    add(first_name="B", number="1002")  # typed by hand
    c = add(first_name="C")
    assert (a.number, c.number) == ("1001", "1003")


# -- custom fields ------------------------------------------------------------------

@pytest.fixture
def fields(db):
    return {
        "card": custom_fields.save_field(OWNER, "Loyalty card", "text"),
        "children": custom_fields.save_field(OWNER, "Children", "number"),
        "anniversary": custom_fields.save_field(OWNER, "Anniversary", "date"),
        "vegan": custom_fields.save_field(OWNER, "Vegan", "yesno"),
        "time": custom_fields.save_field(OWNER, "Contact time", "choice",
                                         options="Morning, Afternoon, Evening"),
    }


def test_custom_fields_of_every_kind_are_normalised(fields):
    f = fields
    c = add(first_name="Jan", custom={f["card"].id: " LC 9000 ", f["children"].id: "2,50",
                                      f["anniversary"].id: "24-11-2020", f["vegan"].id: "ja",
                                      f["time"].id: "evening"})
    assert customers.custom_values(c.id) == {
        f["card"].id: "LC 9000", f["children"].id: "2.5", f["anniversary"].id: "2020-11-24",
        f["vegan"].id: "yes", f["time"].id: "Evening",
    }


@pytest.mark.parametrize("kind, value", [
    ("children", "two"), ("children", "NaN"), ("anniversary", "soon"),
    ("anniversary", "31-02-2020"), ("vegan", "maybe"), ("time", "Night"),
])
def test_custom_field_value_of_the_wrong_kind_is_refused(fields, kind, value):
    f = fields[kind]
    error = refused(f"custom_{f.id}", CustomerInput(first_name="Jan", custom={f.id: value}))
    assert f.name in error.message


def test_required_custom_field_is_refused_when_empty(db):
    f = custom_fields.save_field(OWNER, "Card", "text", required=True)
    refused(f"custom_{f.id}", CustomerInput(first_name="Jan"))


def test_a_bad_custom_value_on_edit_leaves_the_old_one(fields):
    f = fields["children"]
    c = add(first_name="Jan", custom={f.id: "3"})
    refused(f"custom_{f.id}", CustomerInput(first_name="Jan", custom={f.id: "three"}), c.id)
    assert customers.custom_values(c.id) == {f.id: "3"}


# -- tags and notes ------------------------------------------------------------------

def test_tags_are_stored_once_and_listed_with_counts(db):
    a = add(first_name="A", tags="vip, coffee, VIP,  Coffee ")
    add(first_name="B", tags="Vip, tea")
    assert customers.customer_tags(a.id) == ["coffee", "vip"]
    assert Tag.select().count() == 3
    assert customers.list_tags() == [("coffee", 1), ("tea", 1), ("vip", 2)]


def test_editing_tags_replaces_them(db):
    a = add(first_name="A", tags="vip, coffee")
    customers.save_customer(OWNER, CustomerInput(first_name="A", tags="tea"), a.id)
    assert customers.customer_tags(a.id) == ["tea"]
    assert dict(customers.list_tags()) == {"coffee": 0, "tea": 1, "vip": 0}


def test_notes_keep_author_and_timestamp_newest_first(db):
    before = dt.datetime.now().replace(microsecond=0)
    c = customers.save_customer(replace(CASHIER, name="Daan"), CustomerInput(first_name="Jan"),
                                note="Prefers oat milk")
    customers.add_note(replace(CASHIER, name=" Emma "), c.id, "  Asked about grinders ")
    notes = customers.notes(c.id)
    assert [(n.text, n.author) for n in notes] == [("Asked about grinders", "Emma"),
                                                   ("Prefers oat milk", "Daan")]
    for n in notes:
        assert isinstance(n.created_at, dt.datetime)
        assert before <= n.created_at <= dt.datetime.now()


def test_an_empty_note_is_refused(db):
    c = add(first_name="Jan")
    with pytest.raises(ValidationError) as info:
        customers.add_note(OWNER, c.id, "   ")
    assert info.value.field == "note"
    assert CustomerNote.select().count() == 0


# -- search ---------------------------------------------------------------------------

@pytest.fixture
def people(fields):
    f = fields
    return {
        "jan": add(first_name="Jan", last_name="de Vries", phone="06-12345678",
                   email="jan@devries.nl", tags="vip, coffee", additional="M-2400",
                   custom={f["card"].id: "LC9000"}),
        "anna": add(first_name="Anna", last_name="Jansen", phone="030-2345678",
                    email="anna.jansen@example.nl", tags="tea", additional="M-2401"),
        "jose": add(first_name="José", last_name="Núñez", email="jose@example.es",
                    number="C-77"),
        "bakker": add(company="Bakkerij Bakker", phone="+31 20 555 1234", tags="horeca"),
    }


@pytest.mark.parametrize("query, who", [
    ("jan", {"jan", "anna"}),      # first name Jan, last name Jansen
    ("Jans", {"anna"}),
    ("de vr", {"jan"}),            # last name with a space
    ("vries", {"jan"}),            # a word inside the last name
    ("jan de vries", {"jan"}),     # full name
    ("anna jansen", {"anna"}),
    ("jansen anna", {"anna"}),     # last name first
    ("06-1234", {"jan"}),          # phone typed with dashes
    ("0612345678", {"jan"}),
    ("+31 20 555", {"bakker"}),
    ("jan@dev", {"jan"}),          # e-mail
    ("ANNA.JANSEN@", {"anna"}),
    ("vip", {"jan"}),              # tag
    ("horeca", {"bakker"}),
    ("M-2401", {"anna"}),          # Additional: membership number
    ("m-24", {"jan", "anna"}),
    ("lc90", {"jan"}),             # custom text field
    ("c-77", {"jose"}),            # customer number
    ("jose", {"jose"}),            # accents folded
    ("nunez", {"jose"}),
    ("NÚÑ", {"jose"}),
    ("bakkerij", {"bakker"}),      # company
    ("zzz", set()),
])
def test_search_finds_by_every_field(people, query, who):
    page = search_customers(query)
    assert {h.id for h in page.hits} == {people[k].id for k in who}
    assert len(page.hits) == len(who)  # each customer once


def test_search_by_auto_number(people):
    number = people["anna"].number
    page = search_customers(number)
    assert [h.id for h in page.hits] == [people["anna"].id]


def test_inactive_customers_are_hidden_unless_asked_for(people):
    customers.set_active(OWNER, people["jan"].id, False)
    assert search_customers("de vries").hits == []
    hits = search_customers("de vries", include_inactive=True).hits
    assert [(h.id, h.active) for h in hits] == [(people["jan"].id, False)]
    assert people["jan"].id not in {h.id for h in search_customers("").hits}
    assert people["jan"].id in {h.id for h in search_customers("", include_inactive=True).hits}


def test_search_filters_by_profile(shop):
    retail = shop.profiles["Retail"].id
    a = add(first_name="Anna", profile_id=retail)
    add(first_name="Annie")
    assert [h.id for h in search_customers("ann", profile_id=retail).hits] == [a.id]


def test_edits_are_searchable_at_once_and_old_terms_gone(people):
    jan = people["jan"]
    customers.save_customer(OWNER, CustomerInput(first_name="Johan", last_name="de Vries"), jan.id)
    assert [h.id for h in search_customers("johan").hits] == [jan.id]
    assert search_customers("vip").hits == []
    assert search_customers("jan@dev").hits == []


def _all_pages(query: str, limit: int) -> list[list[int]]:
    pages, after = [], None
    for _ in range(50):
        page = search_customers(query, limit=limit, after=after)
        pages.append([h.id for h in page.hits])
        if page.cursor is None:
            return pages
        after = page.cursor
    raise AssertionError("paging never ended")


@pytest.mark.parametrize("query", ["jansen", "jan", ""])
def test_paging_returns_every_match_once(db, query):
    ids = {add(first_name=f"Jan{n:02d}", last_name="Jansen", email=f"j{n}@jansen.nl",
               tags="jansen-fan").id for n in range(23)}
    add(first_name="Piet", last_name="Pietersen")  # matches only the empty query
    pages = _all_pages(query, limit=5)
    seen = [cid for page in pages for cid in page]
    assert len(seen) == len(set(seen)), "a customer was shown twice"
    if query:
        assert set(seen) == ids
    else:
        assert len(seen) == 24 and ids <= set(seen)
    assert all(len(page) <= 5 for page in pages)
    assert [len(p) for p in pages[:4]] == [5, 5, 5, 5]


def test_empty_query_lists_by_name(people):
    # by last name, then first name, then company, accents folded
    page = search_customers("", limit=2)
    assert names(page) == ["Bakkerij Bakker", "Jan de Vries"]
    last = search_customers("", limit=2, after=page.cursor)
    assert names(last) == ["Anna Jansen", "José Núñez"]


@pytest.mark.parametrize("typed", ["2024-0042", "2024 0042", "20240042", "2024-00"])
def test_numbers_with_separators_are_found_as_typed(fields, typed):
    """A membership number, customer number or card typed with dashes or spaces is
    looked up by its digits, like a phone number; it must still be found."""
    by_additional = add(first_name="Anna", additional="2024-0042")
    by_number = add(first_name="Bram", number="2024-0042-7")
    by_card = add(first_name="Cees", custom={fields["card"].id: "2024 0042 99"})
    found = {h.id for h in search_customers(typed).hits}
    assert found == {by_additional.id, by_number.id, by_card.id}


def test_history_lists_the_customers_sales_newest_first_with_totals(shop):
    from tui_pos.services.sales import SaleDraft, complete_sale

    jan = customers.save_customer(OWNER, CustomerInput(first_name="Jan", last_name="de Vries"))
    other = customers.save_customer(OWNER, CustomerInput(first_name="Anna", last_name="Jansen"))

    def sell(customer_id, codes, day):
        draft = SaleDraft.new()
        draft.set_customer(customer_id)
        for code in codes:
            draft.add_item(code)
        return complete_sale(OWNER, draft, at=dt.datetime(2026, 11, day, 10, 0))

    first = sell(jan.id, ["MUG-01", "COF-250"], 3)
    sell(other.id, ["MUG-01"], 4)
    last = sell(jan.id, ["MUG-01"], 5)
    seen = customers.history(jan.id)
    assert [(s.number, s.lines) for s in seen.sales] == [(last.number, 1), (first.number, 2)]
    assert seen.sale_count == 2
    assert seen.total_spent == first.total + last.total == Decimal("31.15")
    assert seen.last_visit == dt.datetime(2026, 11, 5, 10, 0)
    assert customers.history(customers.save_customer(OWNER,
        CustomerInput(last_name="Nieuw")).id).sale_count == 0


# -- text is text, lengths and numbers bounded ------------------------------------------

@pytest.mark.parametrize("field, limit", [
    ("first_name", 60), ("last_name", 60), ("company", 120), ("address", 120),
    ("postcode", 20), ("city", 60), ("country", 60), ("additional", 120),
    ("consent_note", 200),
])
def test_each_text_field_takes_its_column_and_refuses_more(db, field, limit):
    full = add(**{"first_name": "Jan", field: "x" * limit})
    assert getattr(customers.get_customer(full.id), field) == "x" * limit
    error = refused(field, CustomerInput(**{"first_name": "Jan", field: "x" * 100_000}))
    assert f"too long ({limit} characters at most)" in error.message


def test_a_hundred_thousand_character_name_is_refused_with_its_field(db):
    error = refused("first_name", CustomerInput(first_name="x" * 100_000))
    assert error.message == "First name is too long (60 characters at most)"


@pytest.mark.parametrize("field", ["first_name", "last_name", "company", "city", "email",
                                   "phone", "additional", "consent_note", "number", "tags"])
def test_a_control_character_is_refused_at_its_field(db, field):
    data = CustomerInput(**{"last_name": "Visser", field: "Zoë\x1b[2J"})
    error = refused(field, data)
    assert "control character" in error.message


def test_email_phone_and_number_lengths_are_bounded(db):
    refused("email", CustomerInput(first_name="Jan", email="a" * 120 + "@x.nl"))
    refused("phone", CustomerInput(first_name="Jan", phone="0" * 31))
    refused("number", CustomerInput(first_name="Jan", number="K" * 21))


def test_tags_each_bounded_and_the_line_too(db):
    refused("tags", CustomerInput(first_name="Jan", tags="x" * 61))
    refused("tags", CustomerInput(first_name="Jan", tags="ab, " * 300))
    a = add(first_name="Jan", tags="x" * 60)
    assert customers.customer_tags(a.id) == ["x" * 60]


@pytest.mark.parametrize("field", ["birthday", "consent_date"])
@pytest.mark.parametrize("typed", ["99999-01-01", "1899-12-31", "01-01-0001", "2024-13-01",
                                   "٢٠٢٠-01-01", "2020-01-01" * 10, "24-11-1980\x1b"])
def test_only_real_dates_in_a_sane_range_are_taken(db, field, typed):
    refused(field, CustomerInput(first_name="Jan", **{field: typed}))


def test_a_date_object_out_of_range_is_refused(db):
    refused("birthday", CustomerInput(first_name="Jan", birthday=dt.date(1, 1, 1)))


@pytest.mark.parametrize("typed", ["1e999999", "1e5", "NaN", "Infinity", "9" * 41,
                                   "1000000000000", "٣", "1.0000001"])
def test_custom_number_refuses_what_it_cannot_hold(fields, typed):
    f = fields["children"]
    refused(f"custom_{f.id}", CustomerInput(first_name="Jan", custom={f.id: typed}))


def test_custom_text_and_dates_are_bounded(fields):
    card, day = fields["card"], fields["anniversary"]
    refused(f"custom_{card.id}", CustomerInput(first_name="Jan", custom={card.id: "x" * 251}))
    refused(f"custom_{card.id}", CustomerInput(first_name="Jan", custom={card.id: "a\x07b"}))
    refused(f"custom_{day.id}", CustomerInput(first_name="Jan", custom={day.id: "3000-01-01"}))
    c = add(first_name="Jan", custom={card.id: "x" * 250, fields["children"].id: "-0"})
    assert customers.custom_values(c.id) == {card.id: "x" * 250, fields["children"].id: "0"}


@pytest.mark.parametrize("field, typed", [("credit_limit", "1e26"), ("credit_limit", "9" * 27),
                                          ("discount", "1e2"), ("discount", "NaN")])
def test_credit_limit_and_discount_bounded(db, field, typed):
    refused(field, CustomerInput(first_name="Jan", **{field: typed}))


def test_notes_are_bounded_and_keep_their_lines(db):
    c = add(first_name="Jan")
    with pytest.raises(ValidationError) as info:
        customers.add_note(OWNER, c.id, "x" * 4001)
    assert info.value.field == "note" and "4000" in info.value.message
    with pytest.raises(ValidationError) as info:
        customers.add_note(OWNER, c.id, "beep\x1b]0;pwned\x07")
    assert info.value.field == "note"
    customers.add_note(OWNER, c.id, "line one\nline two")
    assert [n.text for n in customers.notes(c.id)] == ["line one\nline two"]
    refused("note", CustomerInput(first_name="Anna"), note="\x1b[2J")


def test_a_huge_or_hostile_query_finds_no_one_quickly(people):
    import time

    started = time.perf_counter()
    for query in ("j" * 10_000, "jan\x1b[2J", "\x00\x1b", "jan" + "\u202e" * 50):
        search_customers(query)
        assert customers.find_customer_by_number(query) is None
    assert time.perf_counter() - started < 1
    assert {h.id for h in search_customers("jan\x1b").hits} == {people["jan"].id,
                                                                people["anna"].id}
    number = people["anna"].number
    assert customers.find_customer_by_number(f" {number}\x07").id == people["anna"].id


# -- two terminals at once ---------------------------------------------------------------

def _at_once(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads started together (each its own connection);
    what each returned or raised."""
    import threading

    from tui_pos.db.models import database

    start = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test asserts on what was raised
            results[i] = exc
        finally:
            database.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_terminals_saving_the_same_number_at_once_one_wins_the_rest_are_told(db):
    results = _at_once(6, lambda i: customers.save_customer(OWNER,
        CustomerInput(first_name=f"Terminal{i}", number="1001")).id)
    won = [r for r in results if isinstance(r, int)]
    lost = [r for r in results if not isinstance(r, int)]
    assert len(won) == 1, results
    assert all(isinstance(r, ValidationError) and r.field == "number"
               and r.message == "Customer number 1001 is already used" for r in lost), lost
    assert Customer.select().where(Customer.number == "1001").count() == 1


def test_a_number_taken_after_the_check_is_the_same_field_message(db, monkeypatch):
    """As on PostgreSQL: the other terminal's insert lands after our check, and the
    database's unique index refuses ours."""
    add(first_name="Other", number="K-1")
    real = customers._number_taken
    misses = [False, False]  # the early check and the one in the transaction miss it
    monkeypatch.setattr(customers, "_number_taken",
                        lambda number, cid: misses.pop(0) if misses else real(number, cid))
    with pytest.raises(ValidationError) as info:
        customers.save_customer(OWNER, CustomerInput(first_name="Mine", number="K-1"))
    assert (info.value.field, info.value.message) == ("number",
                                                      "Customer number K-1 is already used")
    assert Customer.select().count() == 1


def test_terminals_creating_the_same_new_tag_at_once_both_succeed(db):
    results = _at_once(4, lambda i: customers.save_customer(OWNER,
        CustomerInput(first_name=f"Terminal{i}", tags="vip, Nieuw, koffie")).id)
    assert all(isinstance(r, int) for r in results), results
    assert Tag.select().count() == 3
    for cid in results:
        assert customers.customer_tags(cid) == ["koffie", "Nieuw", "vip"]


def test_a_tag_another_terminal_just_created_is_shared(db):
    Tag.create(name="VIP", name_key="vip")  # written by the other terminal
    a = add(first_name="Jan", tags="vip")
    assert Tag.select().count() == 1
    assert customers.customer_tags(a.id) == ["VIP"]


# -- what the screens get: plain values, not rows ----------------------------------------

def test_screens_get_frozen_values_with_names_resolved(fields):
    import dataclasses

    c = add(first_name="Jan", custom={fields["card"].id: "LC1"}, tags="vip")
    custom_fields.save_field(OWNER, "Old field", "text", active=False)
    detail = customers.get_customer(c.id)
    assert dataclasses.is_dataclass(detail) and not isinstance(detail, Customer)
    with pytest.raises(dataclasses.FrozenInstanceError):
        detail.first_name = "x"
    assert (detail.type_name, detail.profile_name, detail.vat_class_name) == ("", "", "")
    assert [(v.name, v.value) for v in detail.custom] == [
        ("Loyalty card", "LC1"), ("Children", ""), ("Anniversary", ""), ("Vegan", ""),
        ("Contact time", "")]  # the inactive field without a value is left out
    assert detail.custom_values == {fields["card"].id: "LC1"}
    customers.add_note(replace(OWNER, name="Emma"), c.id, "Hello")
    [note] = customers.notes(c.id)
    assert isinstance(note, customers.NoteRow) and (note.author, note.text) == ("Emma", "Hello")
    assert customers.set_active(OWNER, c.id, False).active is False
    assert customers.find_customer_by_number(c.number) == customers.get_customer(c.id)
    with pytest.raises(ValidationError):
        customers.get_customer(10**30)


def test_every_bad_field_is_reported_at_once_in_the_forms_order(fields):
    from tui_pos.services.errors import ValidationErrors

    children = fields["children"]
    data = CustomerInput(first_name="x" * 61, email="nope", phone="call me", discount="150",
                         birthday="99999-01-01", tags="t" * 61, contact_sms=True,
                         custom={children.id: "1e999999"})
    with pytest.raises(ValidationErrors) as info:
        customers.save_customer(OWNER, data, note="\x1b[2J")
    assert [e.field for e in info.value.errors] == [
        "first_name", "email", "phone", "birthday", "discount", "tags", "consent_date",
        f"custom_{children.id}", "note"]
    assert info.value.field == "first_name"  # a caller that knows one error sees the first
    assert counts() == {name: 0 for name in counts()}
