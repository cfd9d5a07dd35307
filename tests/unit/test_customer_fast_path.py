"""The customer checks' fast paths (used by every save and the bulk import) are the
same rules: each gives what the plain rule gives, or refuses with its message."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_pos.services import customers
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import Errors, ValidationError
from tui_pos.services.text import checked, digits, fold

FAST = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TRICKY = ["Zoë", "José Núñez", "Ĳsbrand", "ß", "ﬁne", "a\u00a0b", "x ¨ y", "¨", "\u0301a",
          "a\u202eb", "\x1c", "tab\there", "\x1b[2J", "a\u2028b", "  spaced   out ", "½",
          "İstanbul", "ΣΑΣ", "王小明", "😀", "06-1234 5678", "+31 (0)20 123", "٣٣٣٣٣٣", ""]
texts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=40),
                  st.lists(st.sampled_from(TRICKY), max_size=4).map(" ".join))


def outcome(call):
    try:
        return call()
    except ValidationError as exc:
        return ("refused", exc.message, exc.field)


@FAST
@given(texts)
def test_fold_fast_is_fold(text):
    assert customers.fold_fast(text) == fold(text)


@FAST
@given(st.one_of(texts, st.none(), st.integers()), st.integers(0, 12))
def test_checked_line_is_checked(text, limit):
    assert outcome(lambda: customers.checked_line(text, "Name", "name", limit)) == \
        outcome(lambda: checked(text, "Name", "name", limit))


def reference_terms(c, tags, custom_texts):
    """``search_terms`` as it was written before the fast path."""
    terms: set[str] = set()
    first, last, company = fold(c.first_name), fold(c.last_name), fold(c.company)
    for word in (first, last, company, f"{first} {last}", f"{last} {first}",
                 fold(c.additional), c.number.casefold(), c.email.lower()):
        terms.add(word.strip())
    for text in (first, last, company, fold(c.additional)):
        terms.update(text.split())
    for phone in (c.phone, c.mobile):
        if len(digits(phone)) >= 3:
            terms.add(digits(phone))
    terms.update(fold(tag) for tag in tags)
    for text in custom_texts:
        terms.add(fold(text))
        terms.update(fold(text).split())
    for code in (c.number, c.additional, *custom_texts):
        if customers.is_number_like(code):
            terms.add(digits(code))
    return {t[:250] for t in terms if t}


@FAST
@given(st.fixed_dictionaries({name: texts for name in (
    "first_name", "last_name", "company", "additional", "number", "email", "phone",
    "mobile")}), st.lists(texts, max_size=3), st.lists(texts, max_size=2))
def test_search_terms_are_the_rules_terms(values, tags, custom_texts):
    class Row:
        pass
    row = Row()
    row.__dict__.update(values)
    assert customers.search_terms(row, tags, custom_texts) == \
        reference_terms(row, tags, custom_texts)


def slow_validated(data):
    """``_validated`` with its fast path switched off: every check through ``Errors``."""
    real = customers._validated_at_once
    customers._validated_at_once = lambda *a: (_ for _ in ()).throw(ValidationError("slow"))
    try:
        errors = Errors()
        v = customers._validated(data, None, errors)
        return v, [(e.message, e.field) for e in errors.errors]
    finally:
        customers._validated_at_once = real


inputs = st.builds(
    CustomerInput, first_name=texts, last_name=texts, company=texts,
    email=st.one_of(texts, st.sampled_from(["a@b.nl", "Klant@Example.NL", "a@b", "@b.nl"])),
    phone=st.one_of(texts, st.sampled_from(["06-12345678", "+31 20 1234567", "12"])),
    mobile=texts, address=texts, city=texts,
    birthday=st.one_of(st.none(), st.sampled_from(["", "1980-11-24", "24-11-1980", "2999-01-01"]),
                       st.dates(dt.date(1850, 1, 1), dt.date(2150, 1, 1))),
    discount=st.sampled_from(["", "10", "100", "101", "x", None]),
    credit_limit=st.sampled_from(["", "50", "1e5", None]),
    contact_email=st.booleans(), contact_sms=st.booleans(),
    consent_date=st.sampled_from(["", "2020-01-01", None]), newsletter=st.booleans())


@FAST
@given(inputs)
def test_validated_at_once_gives_what_the_field_by_field_check_gives(db, data):
    """A record the fast path accepts has no error field by field and the same
    columns; one it refuses is refused field by field too."""
    v_slow, errors = slow_validated(data)
    fast = outcome(lambda: customers._validated_at_once(data, None))
    if isinstance(fast, tuple):
        assert errors
    else:
        assert not errors and fast == v_slow
