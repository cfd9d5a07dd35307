"""Customers (Lightspeed "Klanten"): the full record, tags, notes, consent,
custom fields, and search as you type over an indexed table of prefixes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache, partial

import peewee as pw

from tui_pos.db import search as search_index
from tui_pos.db.models import (
    CustomField, CustomFieldValue, Customer, CustomerNote, CustomerProfile,
    CustomerSearchTerm, CustomerTag, CustomerType, Sale, SaleLine, Sequence, Tag, VatClass,
    database, display_name, now,
)
from tui_pos.money import ZERO, parse_money, parse_number, parse_percent
from tui_pos.services import audit
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import Errors, NotFound, ValidationError, as_field, check
from tui_pos.services.masters import is_id
from tui_pos.services.text import checked, clean, digits, fold, name_key, printable, query_text

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE_RE = re.compile(r"^\+?[\d\s\-()/.]+$")
NUMBER_LIKE_RE = re.compile(r"\+?[\d\s\-()/.]+")
_digits = partial(re.compile(r"[^0-9]").sub, "")  # text.digits for a str, regex compiled once
TOP = "\U0010ffff"  # sorts after every other character: the end of a prefix range


FIRST_YEAR, LAST_YEAR = 1900, 2100  # a birthday, consent or custom date outside is a typo
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


def parse_date(text: str | dt.date | None, what: str, fieldname: str) -> dt.date | None:
    """ISO (2026-11-24) or Dutch (24-11-2026, 24/11/2026); empty is None.

    Only real dates between 1900 and 2100, typed with the digits 0-9.
    """
    if text is None or text == "":
        return None
    if isinstance(text, dt.datetime):
        text = text.date()
    if isinstance(text, dt.date):
        day = text
    else:
        typed = checked(text, what, fieldname, 40)
        if not typed:
            return None
        day = _date_from(typed, what, fieldname)
    check(FIRST_YEAR <= day.year <= LAST_YEAR,
          f"{what} must be a date between {FIRST_YEAR} and {LAST_YEAR}", fieldname)
    return day


def _date_from(typed: str, what: str, fieldname: str) -> dt.date:
    if typed.isascii():
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(typed, fmt).date()
            except ValueError:
                continue
    raise ValidationError(f"{what} must be a date like 2026-11-24 or 24-11-2026", fieldname)


# -- The record --------------------------------------------------------------------

@dataclass
class CustomerInput:
    """A customer as typed on a form: strings where a person types."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    number: str = ""  # empty: the next free number
    email: str = ""
    phone: str = ""
    mobile: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    birthday: str | dt.date | None = ""
    customer_type_id: int | None = None
    profile_id: int | None = None
    discount: str | Decimal | None = ""
    vat_class_id: int | None = None
    additional: str = ""
    tags: str = ""  # comma-separated
    contact_email: bool = False
    contact_sms: bool = False
    contact_phone: bool = False
    contact_post: bool = False
    consent_date: str | dt.date | None = ""
    consent_note: str = ""
    newsletter: bool = False
    credit_limit: str | Decimal | None = ""
    active: bool = True
    custom: dict[int, str] = field(default_factory=dict)  # CustomField.id → typed value


TAGS_LIMIT = 1000  # the whole comma-separated line of tags
NOTE_LIMIT = 4000
AUTHOR_LENGTH = CustomerNote._meta.fields["author"].max_length
CUSTOM_TEXT_LIMIT = 250
# Field → how a message names it; the length limit comes from the column.
TEXT_FIELDS = {
    "first_name": "First name", "last_name": "Last name", "company": "Company",
    "address": "Address", "postcode": "Postcode", "city": "City", "country": "Country",
    "additional": "Additional", "consent_note": "Consent note",
}
CONTACT_FIELDS = ("contact_email", "contact_sms", "contact_phone", "contact_post")


def column_limit(name: str) -> int:
    return Customer._meta.fields[name].max_length


LIMITS = {name: column_limit(name) for name in (*TEXT_FIELDS, "number", "email", "phone",
                                                "mobile")}


def checked_line(text, what: str, field: str | None, max_length: int) -> str:
    """``checked`` for one line, the common case without its regexes: text that
    ``str.isprintable`` passes holds none of what ``checked`` refuses (every C0/C1
    control, DEL, line and paragraph separator and bidi override is a Unicode
    "Other" or "Separator" character). Anything else goes through ``checked``."""
    if type(text) is str and text.isprintable():
        value = " ".join(text.split())
        if len(value) <= max_length:
            return value
    return checked(text, what, field, max_length)


@lru_cache(maxsize=8192)
def _fold_word(word: str) -> str:
    return fold(word)


def fold_fast(text: str) -> str:
    """``text.fold``, the same result, cheaper: plain ASCII only lower-cased, other
    text folded a word at a time with the words remembered (names repeat)."""
    if text.isascii():
        return " ".join(text.lower().split())
    words = (w.lower() if w.isascii() else _fold_word(w) for w in text.split())
    return " ".join([w for w in words if w])


def split_tags(text: str) -> list[str]:
    """'vip, Coffee, VIP' → ['vip', 'Coffee']: each tag once, each checked."""
    if text == "":
        return []
    line = checked(text, "Tags", "tags", TAGS_LIMIT)
    limit = Tag._meta.fields["name"].max_length
    seen, tags = set(), []
    for raw in line.split(","):
        tag = clean(raw)
        if tag and name_key(tag) not in seen:
            check(len(tag) <= limit,
                  f"The tag {tag[:20]!r}… is too long ({limit} characters at most)", "tags")
            seen.add(name_key(tag))
            tags.append(tag)
    return tags


def _row_or_none(model, record_id):
    """The row with this id, or None (also for an id no row could have)."""
    return model.get_or_none(model.id == record_id) if is_id(record_id) else None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# The form's order: the first field in error gets the focus.
FIELD_ORDER = ("first_name", "last_name", "company", "number", "email", "phone", "mobile",
               "birthday", "address", "postcode", "city", "country", "customer_type",
               "profile", "discount", "vat_class", "additional", "credit_limit", "tags",
               "consent_date", "consent_note")


def _form_order(error: ValidationError) -> tuple[int, str]:
    field = error.field or ""
    if field in FIELD_ORDER:
        return FIELD_ORDER.index(field), ""
    return len(FIELD_ORDER), field  # the shop's own fields, then the note


def _validated(data: CustomerInput, customer_id: int | None, errors: Errors) -> dict:
    """The record's columns, cleaned; each bad field noted in ``errors``.

    The common all-good record takes ``_validated_at_once``: the very same checks,
    stopping at the first problem; only then are they run again here, to note
    every field's error."""
    try:
        return _validated_at_once(data, customer_id)
    except ValidationError:
        pass
    v: dict = {}
    for name, what in TEXT_FIELDS.items():
        v[name] = errors.take(checked_line, getattr(data, name), what, name, LIMITS[name]) or ""
    if not any(errors.has(name) for name in ("first_name", "last_name", "company")):
        errors.check(bool(v["first_name"] or v["last_name"] or v["company"]),
                     "Give a first name, last name or company", "last_name")
    v["number"] = errors.take(_checked_number, data.number, customer_id) or ""
    v["email"] = errors.take(_checked_email, data.email) or ""
    for name, what in (("phone", "Phone"), ("mobile", "Mobile")):
        v[name] = errors.take(_checked_phone, getattr(data, name), what, name) or ""
    v["birthday"] = errors.take(_past_date, data.birthday, "Birthday", "birthday")
    v["discount"] = errors.take(_optional, "discount", parse_percent, data.discount, "Discount")
    v["credit_limit"] = errors.take(_optional, "credit_limit", parse_money, data.credit_limit,
                                    "Credit limit")
    v["customer_type"] = errors.take(_checked_type, data.customer_type_id)
    v["profile"] = errors.take(_checked_profile, data.profile_id, customer_id)
    v["vat_class"] = errors.take(_checked_vat_class, data.vat_class_id)
    for name in (*CONTACT_FIELDS, "newsletter", "active"):
        v[name] = bool(getattr(data, name))
    v["consent_date"] = errors.take(_past_date, data.consent_date, "Consent date",
                                    "consent_date")
    _check_consent(v, errors)
    v["sort_name"] = fold_fast(f"{v['last_name']} {v['first_name']} {v['company']}")[:250]
    return v


def _validated_at_once(data: CustomerInput, customer_id: int | None) -> dict:
    """``_validated``'s checks in its order, raising the first ValidationError: a record
    this accepts gets exactly the columns ``_validated`` gives it."""
    v: dict = {}
    for name, what in TEXT_FIELDS.items():
        v[name] = checked_line(getattr(data, name), what, name, LIMITS[name])
    check(bool(v["first_name"] or v["last_name"] or v["company"]),
          "Give a first name, last name or company", "last_name")
    v["number"] = _checked_number(data.number, customer_id)
    v["email"] = _checked_email(data.email)
    v["phone"] = _checked_phone(data.phone, "Phone", "phone")
    v["mobile"] = _checked_phone(data.mobile, "Mobile", "mobile")
    v["birthday"] = _past_date(data.birthday, "Birthday", "birthday")
    v["discount"] = _optional("discount", parse_percent, data.discount, "Discount")
    v["credit_limit"] = _optional("credit_limit", parse_money, data.credit_limit,
                                  "Credit limit")
    v["customer_type"] = _checked_type(data.customer_type_id)
    v["profile"] = _checked_profile(data.profile_id, customer_id)
    v["vat_class"] = _checked_vat_class(data.vat_class_id)
    for name in (*CONTACT_FIELDS, "newsletter", "active"):
        v[name] = bool(getattr(data, name))
    v["consent_date"] = _past_date(data.consent_date, "Consent date", "consent_date")
    errors = Errors()
    _check_consent(v, errors)
    errors.raise_any()
    v["sort_name"] = fold_fast(f"{v['last_name']} {v['first_name']} {v['company']}")[:250]
    return v


def _checked_number(typed, customer_id: int | None) -> str:
    number = checked_line(typed, "Customer number", "number", LIMITS["number"])
    check(" " not in number, "Customer number is one word of at most 20 characters", "number")
    if number and _number_taken(number, customer_id):  # told early; checked again when writing
        raise _number_used(number)
    return number


def _checked_email(typed) -> str:
    email = checked_line(typed, "E-mail", "email", LIMITS["email"])
    check(not email or bool(EMAIL_RE.match(email)),
          f"{email!r} is not a valid e-mail address", "email")
    return email.lower()


def _checked_phone(typed, what: str, name: str) -> str:
    value = checked_line(typed, what, name, LIMITS[name])
    check(not value or (bool(PHONE_RE.match(value)) and 6 <= len(_digits(value)) <= 15),
          f"{value!r} is not a valid phone number (6–15 digits, may start with +)", name)
    return value


def _past_date(typed, what: str, fieldname: str) -> dt.date | None:
    day = parse_date(typed, what, fieldname)
    check(day is None or day <= dt.date.today(), f"{what} cannot be in the future", fieldname)
    return day


def _optional(field: str, parse, typed, what: str):
    """A number field that may stay empty (None)."""
    return None if _blank(typed) else as_field(field, parse, typed, what)


def _checked_type(type_id) -> int | None:
    check(type_id is None or _row_or_none(CustomerType, type_id) is not None,
          "That customer type does not exist", "customer_type")
    return type_id


def _checked_profile(profile_id, customer_id: int | None) -> int | None:
    """A profile that exists and is active (or is already the customer's own)."""
    if profile_id is None:
        return None
    profile = _row_or_none(CustomerProfile, profile_id)
    check(profile is not None, "That customer profile does not exist", "profile")
    unchanged = customer_id is not None and Customer.select().where(
        (Customer.id == customer_id) & (Customer.profile == profile_id)).exists()
    check(profile.active or unchanged, f"The profile {profile.name!r} is inactive", "profile")
    return profile_id


def _checked_vat_class(vat_class_id) -> int | None:
    check(vat_class_id is None or _row_or_none(VatClass, vat_class_id) is not None,
          "That VAT class does not exist", "vat_class")
    return vat_class_id


def _check_consent(v: dict, errors: Errors) -> None:
    """Contact preferences only with a consent date, and with a way to reach them."""
    if not errors.has("consent_date"):
        errors.check(v["consent_date"] is not None or not any(v[n] for n in CONTACT_FIELDS),
                     "Record the date the customer gave consent before ticking a contact "
                     "preference", "consent_date")
    if v["contact_email"] and not errors.has("email"):
        errors.check(bool(v["email"]), "E-mail contact needs an e-mail address", "email")
    if v["contact_sms"] and not errors.has("mobile") and not errors.has("phone"):
        errors.check(bool(v["mobile"] or v["phone"]), "SMS contact needs a mobile number",
                     "mobile")


def _validated_custom(values: dict[int, str], errors: Errors) -> dict[int, str | None]:
    out: dict[int, str | None] = {}
    fields = CustomField.select().where(CustomField.active == True)  # noqa: E712
    for f in fields.order_by(CustomField.position, CustomField.id):
        out[f.id] = errors.take(normalise_custom_value, f, (values or {}).get(f.id, ""))
    return out


def normalise_custom_value(f, raw) -> str | None:
    """Check a custom field's value against its kind; the stored text, or None if empty.

    ``f`` is the field as ``custom_fields.list_fields`` gives it (id, name, kind,
    options, required).
    """
    key = f"custom_{f.id}"
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    elif isinstance(raw, (int, Decimal)):
        raw = str(raw)
    text = checked(raw, f.name, key, CUSTOM_TEXT_LIMIT)
    if not text:
        check(not f.required, f"{f.name} is required", key)
        return None
    if f.kind == "number":
        value = as_field(key, parse_number, text, f.name)
        return format((value + 0).normalize(), "f")  # + 0: never "-0"
    if f.kind == "date":
        return parse_date(text, f.name, key).isoformat()
    if f.kind == "yesno":
        lowered = text.lower()
        if lowered in ("yes", "y", "ja", "j", "true", "1"):
            return "yes"
        if lowered in ("no", "n", "nee", "false", "0"):
            return "no"
        raise ValidationError(f"{f.name} must be yes or no", key)
    if f.kind == "choice":
        options = choice_options(f)
        for option in options:
            if name_key(option) == name_key(text):
                return option
        raise ValidationError(f"{f.name} must be one of: {', '.join(options)}", key)
    return text


def choice_options(f) -> list[str]:
    options = f.options.splitlines() if isinstance(f.options, str) else f.options
    return [clean(o) for o in options if clean(o)]


def next_customer_number() -> str:
    """Take the next free number (inside the caller's transaction)."""
    while True:
        Sequence.update(value=Sequence.value + 1).where(Sequence.name == "customer").execute()
        value = Sequence.get(Sequence.name == "customer").value
        number = str(1000 + value)
        if not Customer.select().where(Customer.number == number).exists():
            return number


def author_of(actor: Actor) -> str:
    """A note's author: the actor's name as the note column holds it."""
    require(actor, "cashier", "Write a note")
    return printable(actor.name).strip()[:AUTHOR_LENGTH]


def save_customer(actor: Actor, data: CustomerInput, customer_id: int | None = None,
                  note: str = "") -> CustomerDetail:
    """Create or update a customer with tags, custom fields and an optional note
    (its author: ``actor``).

    Validates everything first and writes nothing when anything is wrong: one
    ValidationError naming its field, or ValidationErrors with one per field. The number is checked again inside
    the write transaction, so two terminals saving the same number at once get
    one customer and one clear message, never a crash. Any signed-in staff may
    edit a customer (no audit entry: personal data stays out of the append-only
    log); deactivating one needs a manager and is logged by number only.
    """
    author = author_of(actor)
    errors = Errors()
    values = _validated(data, customer_id, errors)
    custom = _validated_custom(data.custom, errors)
    tags = errors.take(split_tags, data.tags)
    note = errors.take(checked, note, "Note", "note", NOTE_LIMIT, multiline=True)
    errors.errors.sort(key=_form_order)
    errors.raise_any()  # one ValidationError, or ValidationErrors with every field's
    try:
        with database.atomic():
            was_active = _active_before(customer_id)
            saved = _write(values, customer_id, tags, custom, note, author)
            if was_active is not None and was_active != saved.active:
                _active_changed(actor, saved, was_active)
    except pw.IntegrityError:
        # Another terminal committed between our check and our write (PostgreSQL
        # checks at the insert, not at the start of the transaction).
        if values["number"] and _number_taken(values["number"], customer_id):
            raise _number_used(values["number"]) from None
        raise ValidationError("Another terminal changed this customer's details at the same "
                              "time; look them up and save again") from None
    return get_customer(saved.id)


def _active_before(customer_id: int | None) -> bool | None:
    """The customer's active flag before a save (None for a new customer)."""
    if customer_id is None:
        return None
    found = _row_or_none(Customer, customer_id)
    return None if found is None else bool(found.active)


def _active_changed(actor: Actor, customer: Customer, was_active: bool) -> None:
    """Deactivating needs a manager; either way the change is logged — by the
    customer's NUMBER, never their personal data (it may be erased later)."""
    if was_active:
        require(actor, "manager", f"Deactivate customer {customer.number}")
    audit.record(actor, "customer", f"Customer {customer.number}",
                 {"active": [was_active, bool(customer.active)]})


def _write(values: dict, customer_id: int | None, tags: list[str],
           custom: dict[int, str | None], note: str, author: str) -> Customer:
    """The writes of ``save_customer``, inside its transaction."""
    if values["number"] and _number_taken(values["number"], customer_id):
        raise _number_used(values["number"])
    if customer_id is None:
        if not values["number"]:
            values["number"] = next_customer_number()
        customer = Customer.create(**values)
    else:
        customer = _row(customer_id)
        values["updated_at"] = now()
        if not values["number"]:
            values["number"] = customer.number
        Customer.update(**values).where(Customer.id == customer_id).execute()
        customer = Customer.get_by_id(customer_id)
    _save_tags(customer, tags)
    _save_custom(customer, custom)
    if note:
        CustomerNote.create(customer=customer, text=note, author=author)
    index_customer(customer, tags, custom)
    return customer


def _number_taken(number: str, customer_id: int | None) -> bool:
    clash = Customer.select().where(Customer.number == number)
    if customer_id is not None:
        clash = clash.where(Customer.id != customer_id)
    return clash.exists()


def _number_used(number: str) -> ValidationError:
    return ValidationError(f"Customer number {number} is already used", "number")


def _save_tags(customer: Customer, tags: list[str]) -> None:
    """Link the customer to these tags, creating the new ones.

    Insert-or-ignore, then read: a terminal creating the same new tag at the
    same moment is no error, both end up with the one tag.
    """
    CustomerTag.delete().where(CustomerTag.customer == customer).execute()
    if not tags:
        return
    keys = [name_key(tag) for tag in tags]
    (Tag.insert_many([{"name": tag, "name_key": key} for tag, key in zip(tags, keys)])
     .on_conflict_ignore().execute())
    ids = [tag_id for (tag_id,) in Tag.select(Tag.id).where(Tag.name_key.in_(keys)).tuples()]
    CustomerTag.insert_many([{"customer": customer.id, "tag": tag_id} for tag_id in ids]).execute()


def _save_custom(customer: Customer, custom: dict[int, str | None]) -> None:
    for fid, value in custom.items():
        if value is None:
            CustomFieldValue.delete().where((CustomFieldValue.customer == customer)
                                            & (CustomFieldValue.field == fid)).execute()
        else:
            (CustomFieldValue.insert(customer=customer, field=fid, value=value)
             .on_conflict(conflict_target=[CustomFieldValue.customer, CustomFieldValue.field],
                          update={CustomFieldValue.value: value}).execute())


# -- Search terms ----------------------------------------------------------------------

def search_terms(customer: Customer, tags: list[str], custom_texts: list[str]) -> set[str]:
    """Every normalised prefix a customer is found by."""
    return terms_for(customer.first_name, customer.last_name, customer.company,
                     customer.additional, customer.number, customer.email, customer.phone,
                     customer.mobile, tags, custom_texts)


def terms_for(first_name: str, last_name: str, company: str, additional: str, number: str,
              email: str, phone: str, mobile: str, tags: list[str],
              custom_texts: list[str]) -> set[str]:
    """``search_terms`` from the stored columns' values (an import has no rows yet)."""
    first, last, company = fold_fast(first_name), fold_fast(last_name), fold_fast(company)
    extra = fold_fast(additional)
    terms = {first, last, company, f"{first} {last}".strip(), f"{last} {first}".strip(),
             extra, number.casefold().strip(), email.lower().strip()}
    for text in (first, last, company, extra):
        terms.update(text.split())
    for typed in (phone, mobile):
        found = _digits(typed or "")
        if len(found) >= 3:
            terms.add(found)
    terms.update(fold_fast(tag) for tag in tags)
    for text in custom_texts:
        folded = fold_fast(text)
        terms.add(folded)
        terms.update(folded.split())
    for code in (number, additional, *custom_texts):
        if is_number_like(code):  # typed "2024-0042", looked up by its digits
            terms.add(_digits(code))
    return {t[:250] for t in terms if t}


def index_customer(customer: Customer, tags: list[str] | None = None,
                   custom: dict[int, str | None] | None = None) -> None:
    if tags is None:
        tags = customer_tags(customer.id)
    if custom is None:
        custom = {v.field_id: v.value for v in customer.custom_values}
    text_fields = {f.id for f in CustomField.select(CustomField.id)
                   .where(CustomField.kind.in_(("text", "choice")))}
    texts = [value for fid, value in custom.items() if value and fid in text_fields]
    CustomerSearchTerm.delete().where(CustomerSearchTerm.customer == customer).execute()
    rows = [{"customer": customer.id, "term": t} for t in search_terms(customer, tags, texts)]
    if rows:
        CustomerSearchTerm.insert_many(rows).execute()


def is_number_like(text: str) -> bool:
    """Digits with phone-style separators: "06-1234 5678", "+31 20", "2024-0042"."""
    text = clean(text)
    return bool(NUMBER_LIKE_RE.fullmatch(text)) and bool(digits(text))


def query_prefix(query: str) -> str:
    """What a typed query is looked up as: phone-like input by its digits.

    The query is cut to a sane length and control characters are dropped, so a
    pasted page of text or an escape sequence is just a query that finds no one.
    """
    text = query_text(query)
    if is_number_like(text):
        return digits(text)
    return fold(text)


@dataclass(frozen=True)
class CustomerHit:
    id: int
    number: str
    name: str
    phone: str
    email: str
    city: str
    type_name: str
    profile_id: int | None
    active: bool
    matched: str = ""


@dataclass(frozen=True)
class SearchPage:
    hits: list[CustomerHit]
    cursor: tuple | None  # pass back as ``after`` for the next page; None: no more


def _hit(c: Customer, matched: str = "") -> CustomerHit:
    return CustomerHit(
        id=c.id, number=c.number, name=c.display_name, phone=c.mobile or c.phone,
        email=c.email, city=c.city,
        type_name=c.customer_type.name if c.customer_type_id else "",
        profile_id=c.profile_id, active=c.active, matched=matched)


def search_customers(query: str, limit: int = 20, after: tuple | None = None,
                     include_inactive: bool = False,
                     profile_id: int | None = None) -> SearchPage:
    """One page of customers matching ``query`` by prefix, in term order.

    Empty query: all customers by name. Reads at most a few pages of the
    index, never the whole table; pass ``after=page.cursor`` for the next page.
    """
    prefix = query_prefix(query)
    if not prefix:
        return _list_by_name(limit, after, include_inactive, profile_id)
    batch = limit * 3
    raw = search_index.matching_terms(prefix, batch, active_only=not include_inactive,
                                      profile_id=profile_id, after=after)
    order: dict[int, str] = {}
    cursor = None
    for cid, term in raw:
        if cid not in order:
            order[cid] = term
            cursor = (term, cid)
            if len(order) == limit:
                break
    if len(order) < limit and len(raw) < batch:
        cursor = None
    return SearchPage(_load_hits(order), cursor)


def _load_hits(matched: dict[int, str]) -> list[CustomerHit]:
    """The hits for these ids, in this order: only the columns a hit shows."""
    rows = search_index.hit_rows(list(matched))
    found = {}
    for cid, number, first, last, company, phone, mobile, email, city, profile, active, \
            type_name in rows:
        found[cid] = CustomerHit(id=cid, number=number,
                                 name=display_name(first, last, company, number),
                                 phone=mobile or phone,
                                 email=email, city=city, type_name=type_name or "",
                                 profile_id=profile, active=bool(active), matched=matched[cid])
    return [found[i] for i in matched if i in found]


def _list_by_name(limit, after, include_inactive, profile_id) -> SearchPage:
    query = Customer.select(Customer, CustomerType).join(CustomerType, pw.JOIN.LEFT_OUTER)
    if not include_inactive:
        query = query.where(Customer.active == True)  # noqa: E712
    if profile_id is not None:
        query = query.where(Customer.profile == profile_id)
    if after is not None:
        sort_name, cid = after
        query = query.where((Customer.sort_name > sort_name)
                            | ((Customer.sort_name == sort_name) & (Customer.id > cid)))
    rows = list(query.order_by(Customer.sort_name, Customer.id).limit(limit))
    cursor = (rows[-1].sort_name, rows[-1].id) if len(rows) == limit else None
    return SearchPage([_hit(c) for c in rows], cursor)


# -- Reading and changing one customer ------------------------------------------------

@dataclass(frozen=True)
class CustomValue:
    """One of the shop's own fields on a customer's page: its name and the stored text."""

    field_id: int
    name: str
    value: str  # "" when the customer has none
    active: bool


@dataclass(frozen=True)
class CustomerDetail:
    """Everything the customer's page and form show, names resolved: no lazy loading."""

    id: int
    number: str
    first_name: str
    last_name: str
    company: str
    email: str
    phone: str
    mobile: str
    address: str
    postcode: str
    city: str
    country: str
    birthday: dt.date | None
    customer_type_id: int | None
    type_name: str
    profile_id: int | None
    profile_name: str
    discount: Decimal | None
    vat_class_id: int | None
    vat_class_name: str
    vat_rate: Decimal | None
    additional: str
    contact_email: bool
    contact_sms: bool
    contact_phone: bool
    contact_post: bool
    consent_date: dt.date | None
    consent_note: str
    newsletter: bool
    credit_limit: Decimal | None
    active: bool
    created_at: dt.datetime | None
    tags: tuple[str, ...]
    custom: tuple[CustomValue, ...]  # active fields and any inactive one holding a value

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.company, self.number)

    @property
    def custom_values(self) -> dict[int, str]:
        return {c.field_id: c.value for c in self.custom if c.value}


@dataclass(frozen=True)
class NoteRow:
    created_at: dt.datetime
    author: str
    text: str


def _row(customer_id: int) -> Customer:
    customer = _row_or_none(Customer, customer_id)
    if customer is None:
        raise NotFound("That customer does not exist", "customer")
    return customer


def get_customer(customer_id: int) -> CustomerDetail:
    """The customer with the names of their type, profile and VAT class, tags and
    custom fields; NotFound if there is no such customer."""
    row = _detail_row(customer_id) if is_id(customer_id) else None
    if row is None:
        raise NotFound("That customer does not exist", "customer")
    shown = {name: row[name] for name in DETAIL_COLUMNS}
    return CustomerDetail(
        **shown, customer_type_id=row["customer_type"], profile_id=row["profile"],
        vat_class_id=row["vat_class"], type_name=row["type_name"] or "",
        profile_name=row["profile_name"] or "", vat_class_name=row["vat_class_name"] or "",
        vat_rate=row["vat_rate"], tags=tuple(customer_tags(row["id"])),
        custom=_custom_shown(row["id"]))


# The detail's values read straight from the customer's own columns.
DETAIL_COLUMNS = (
    "id", "number", "first_name", "last_name", "company", "email", "phone", "mobile",
    "address", "postcode", "city", "country", "birthday", "discount", "additional",
    "contact_email", "contact_sms", "contact_phone", "contact_post", "consent_date",
    "consent_note", "newsletter", "credit_limit", "active", "created_at",
)


def _detail_row(customer_id: int) -> dict | None:
    """The customer's columns with the names of its type, profile and VAT class."""
    return (Customer.select(Customer, CustomerType.name.alias("type_name"),
                            CustomerProfile.name.alias("profile_name"),
                            VatClass.name.alias("vat_class_name"),
                            VatClass.rate.alias("vat_rate"))
            .join_from(Customer, CustomerType, pw.JOIN.LEFT_OUTER)
            .join_from(Customer, CustomerProfile, pw.JOIN.LEFT_OUTER)
            .join_from(Customer, VatClass, pw.JOIN.LEFT_OUTER)
            .where(Customer.id == customer_id).dicts().first())


def _custom_shown(customer_id: int) -> tuple[CustomValue, ...]:
    values = custom_values(customer_id)
    fields = CustomField.select(CustomField.id, CustomField.name, CustomField.active) \
        .order_by(CustomField.position, CustomField.id)
    return tuple(CustomValue(f.id, f.name, values.get(f.id, ""), f.active) for f in fields
                 if f.active or f.id in values)


def find_customer_by_number(number: str) -> CustomerDetail | None:
    number = query_text(number)
    if not number:
        return None
    found = Customer.select(Customer.id).where(Customer.number == number).first()
    return get_customer(found.id) if found else None


def customer_tags(customer_id: int) -> list[str]:
    return [t.name for t in Tag.select().join(CustomerTag)
            .where(CustomerTag.customer == customer_id).order_by(Tag.name_key)]


def custom_values(customer_id: int) -> dict[int, str]:
    return {v.field_id: v.value for v in CustomFieldValue.select()
            .where(CustomFieldValue.customer == customer_id)}


def to_input(customer: CustomerDetail) -> CustomerInput:
    """The record as a form shows it, for editing."""
    def text(value) -> str:
        return "" if value is None else str(value)

    return CustomerInput(
        first_name=customer.first_name, last_name=customer.last_name,
        company=customer.company, number=customer.number, email=customer.email,
        phone=customer.phone, mobile=customer.mobile, address=customer.address,
        postcode=customer.postcode, city=customer.city, country=customer.country,
        birthday=text(customer.birthday), customer_type_id=customer.customer_type_id,
        profile_id=customer.profile_id, discount=text(customer.discount),
        vat_class_id=customer.vat_class_id, additional=customer.additional,
        tags=", ".join(customer.tags),
        contact_email=customer.contact_email, contact_sms=customer.contact_sms,
        contact_phone=customer.contact_phone, contact_post=customer.contact_post,
        consent_date=text(customer.consent_date), consent_note=customer.consent_note,
        newsletter=customer.newsletter, credit_limit=text(customer.credit_limit),
        active=customer.active, custom=custom_values(customer.id),
    )


def add_note(actor: Actor, customer_id: int, text: str) -> NoteRow:
    """A note on the customer, kept with the date and ``actor``'s name."""
    author = author_of(actor)
    text = checked(text, "Note", "note", NOTE_LIMIT, multiline=True)
    check(bool(text), "The note is empty", "note")
    _row(customer_id)
    with database.atomic():
        note = CustomerNote.create(customer=customer_id, text=text, author=author)
    return NoteRow(note.created_at, note.author, note.text)


def notes(customer_id: int) -> list[NoteRow]:
    """The customer's notes, newest first."""
    return [NoteRow(*row) for row in
            CustomerNote.select(CustomerNote.created_at, CustomerNote.author, CustomerNote.text)
            .where(CustomerNote.customer == customer_id)
            .order_by(CustomerNote.created_at.desc(), CustomerNote.id.desc()).tuples()]


def set_active(actor: Actor, customer_id: int, active: bool) -> CustomerDetail:
    """Deactivate (a manager's) or reactivate a customer; logged by number."""
    require(actor, "cashier", "Change a customer")
    with database.atomic():
        customer = _row(customer_id)
        was_active = bool(customer.active)
        if was_active != bool(active):
            Customer.update(active=bool(active), updated_at=now()).where(
                Customer.id == customer_id).execute()
            customer.active = bool(active)
            _active_changed(actor, customer, was_active)
    return get_customer(customer_id)


def list_tags() -> list[tuple[str, int]]:
    """Every tag the shop uses, with how many customers carry it."""
    count = pw.fn.COUNT(CustomerTag.id)
    return [(t.name, t.n) for t in Tag.select(Tag.name, count.alias("n"))
            .join(CustomerTag, pw.JOIN.LEFT_OUTER).group_by(Tag.id, Tag.name)
            .order_by(Tag.name_key)]


# -- The customer page ---------------------------------------------------------------------

@dataclass(frozen=True)
class SaleSummary:
    id: int
    number: int
    created_at: dt.datetime
    total: Decimal
    profile_name: str
    lines: int


@dataclass(frozen=True)
class CustomerHistory:
    sales: list[SaleSummary]
    sale_count: int
    total_spent: Decimal
    last_visit: dt.datetime | None


def history(customer_id: int, limit: int = 50) -> CustomerHistory:
    base = Sale.select().where((Sale.customer == customer_id) & (Sale.status == "completed"))
    agg = base.select(pw.fn.COUNT(Sale.id), pw.fn.SUM(Sale.total),
                      pw.fn.MAX(Sale.created_at)).tuples().first()
    count, total_minor, last = agg if agg else (0, None, None)
    total = Sale.total.python_value(total_minor) if total_minor is not None else ZERO
    if isinstance(last, str):
        last = dt.datetime.fromisoformat(last)
    lines = pw.fn.COUNT(SaleLine.id)
    rows = (base.select(Sale.id, Sale.number, Sale.created_at, Sale.total, Sale.profile_name,
                        lines.alias("n_lines"))
            .join(SaleLine, pw.JOIN.LEFT_OUTER, on=(SaleLine.sale == Sale.id))
            .group_by(Sale.id, Sale.number, Sale.created_at, Sale.total, Sale.profile_name)
            .order_by(Sale.created_at.desc(), Sale.id.desc()).limit(limit))
    sales = [SaleSummary(sale.id, sale.number, sale.created_at, sale.total,
                         sale.profile_name, sale.n_lines) for sale in rows]
    return CustomerHistory(sales, count or 0, total, last)
