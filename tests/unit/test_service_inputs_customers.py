"""Hypothesis over every customers service entry that takes text or numbers.

Whatever is typed, pasted or scanned: only ``ValidationError`` leaves the
service, and what was accepted reads back equal to what was typed, cleaned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_pos.money import parse_money, parse_number, parse_percent
from tui_pos.services import custom_fields, customers
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import ValidationError
from tui_pos.services.text import checked, clean, printable
from tests.actors import OWNER

FAST = settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

HOSTILE = ["Zoë [/]", "[b]x[/b]", "[link=x]y[/link]", "[@click=app.quit]", "😀🎉", "王小明",
           "Zoë\x1b[2J", "\x1b]0;title\x07", "a\u202eb", "\x00", "line\nbreak", "tab\there",
           "  spaced   out  ", "x" * 60, "x" * 61, "x" * 121, "x" * 100_000, "", " ",
           "1e999999", "NaN", "-0", "٣", "9" * 27, "2,50", "24-11-1980", "99999-01-01"]

any_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=80),
                     st.text(min_size=55, max_size=130),
                     st.builds(lambda c, n: c * n, st.characters(), st.integers(1, 300)))
any_number = st.one_of(any_text, st.integers(-10**30, 10**30),
                       st.decimals(allow_nan=True, allow_infinity=True), st.booleans())


def accepted(call):
    """The call's result, or None when it refused the input with a ValidationError."""
    try:
        return call()
    except ValidationError as error:
        assert error.message and isinstance(error.message, str)
        return None


TEXT_FIELDS = ["first_name", "last_name", "company", "address", "postcode", "city", "country",
               "additional", "consent_note", "number", "email", "phone", "mobile"]


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_each_text_field_refuses_or_reads_back_cleaned(db, field):
    @FAST
    @given(any_text)
    def run(text):
        data = CustomerInput(**{"company": "Bakkerij", field: text})
        saved = accepted(lambda: customers.save_customer(OWNER, data))
        if saved is None:
            return
        stored = getattr(customers.get_customer(saved.id), field)
        typed = clean(text)
        if field == "email":
            typed = typed.lower()
        if field == "number" and not typed:
            assert stored  # the next free number
        else:
            assert stored == typed
        assert stored == checked(stored, field, field, 250)  # nothing a terminal would act on

    run()


def test_tags_refuse_or_read_back_each_once(db):
    @FAST
    @given(any_text)
    def run(text):
        saved = accepted(lambda: customers.save_customer(OWNER, CustomerInput(company="B", tags=text)))
        if saved is not None:
            assert customers.customer_tags(saved.id) == sorted(
                customers.split_tags(text), key=lambda t: " ".join(t.split()).casefold())

    run()


@pytest.mark.parametrize("field, parse", [("discount", parse_percent),
                                          ("credit_limit", parse_money)])
def test_numbers_refuse_or_read_back_exactly(db, field, parse):
    @FAST
    @given(any_number)
    def run(value):
        saved = accepted(lambda: customers.save_customer(OWNER,
            CustomerInput(company="B", **{field: value})))
        if saved is None:
            return
        stored = getattr(customers.get_customer(saved.id), field)
        if isinstance(value, str) and not value.strip():
            assert stored is None
        else:
            assert stored == parse(value)

    run()


@pytest.mark.parametrize("field", ["birthday", "consent_date"])
def test_dates_refuse_or_read_back_in_range(db, field):
    @FAST
    @given(st.one_of(any_text, st.dates(), st.datetimes()))
    def run(value):
        saved = accepted(lambda: customers.save_customer(OWNER,
            CustomerInput(company="B", **{field: value})))
        if saved is None:
            return
        stored = getattr(customers.get_customer(saved.id), field)
        if stored is not None:
            assert 1900 <= stored.year <= 2100 and stored <= dt.date.today()
            if isinstance(value, dt.date):
                assert stored == (value.date() if isinstance(value, dt.datetime) else value)

    run()


@pytest.fixture
def kinds(db):
    return {kind: custom_fields.save_field(OWNER, f"My {kind}", kind,
                                           options="Morning, Evening" if kind == "choice" else "")
            for kind in ("text", "number", "date", "yesno", "choice")}


@pytest.mark.parametrize("kind", ["text", "number", "date", "yesno", "choice"])
def test_custom_fields_of_each_kind_refuse_or_read_back(kinds, kind):
    f = kinds[kind]

    @FAST
    @given(st.one_of(any_number, st.sampled_from(["yes", "Nee", "evening", "2020-02-29",
                                                  "29-02-2021", "12.5"])))
    def run(value):
        saved = accepted(lambda: customers.save_customer(OWNER,
            CustomerInput(company="B", custom={f.id: value})))
        if saved is None:
            return
        stored = customers.custom_values(saved.id).get(f.id)
        if stored is None:
            return
        assert len(stored) <= 250
        if kind == "text":
            assert stored == clean(str(value)) or isinstance(value, bool)
        elif kind == "number":
            assert Decimal(stored) == parse_number(value if isinstance(value, Decimal)
                                                   else clean(str(value)))
        elif kind == "date":
            assert 1900 <= dt.date.fromisoformat(stored).year <= 2100
        elif kind == "yesno":
            assert stored in ("yes", "no")
        else:
            assert stored in ("Morning", "Evening")

    run()


def test_notes_refuse_or_read_back(db):
    c = customers.save_customer(OWNER, CustomerInput(company="B"))

    @FAST
    @given(any_text, st.sampled_from(["", "Emma", "x" * 61, "E\x1b"]))
    def run(text, author):
        note = accepted(lambda: customers.add_note(replace(OWNER, name=author), c.id, text))
        if note is not None:
            newest = customers.notes(c.id)[0]
            assert newest.text == checked(text, "Note", "note", 4000, multiline=True)
            assert newest.author == printable(author).strip()[:60]

    run()


def test_search_and_lookup_never_raise(db):
    customers.save_customer(OWNER, CustomerInput(first_name="Zoë [/]", last_name="王小明",
                                          tags="vip", additional="M-1"))

    @FAST
    @given(st.one_of(any_text, st.none()))
    def run(query):
        page = customers.search_customers(query)
        assert len(page.hits) <= 20
        found = customers.find_customer_by_number(query)
        assert found is None or found.number

    run()
