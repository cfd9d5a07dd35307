"""A customer's privacy: everything held exported, erasure on request (services/privacy.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from tests.actors import CASHIER, MANAGER, OWNER, staff_team
from tui_pos.db.models import AuditEntry, Customer, CustomerNote, CustomerSearchTerm, Sale
from tui_pos.services import audit, custom_fields, customers, privacy
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import NeedsApproval, NotFound, ValidationError
from tui_pos.services.sales import SaleDraft, complete_sale

D = Decimal


def add_customer(**fields) -> customers.CustomerDetail:
    note = fields.pop("note", "")
    saved = customers.save_customer(OWNER, CustomerInput(**fields))
    if note:
        customers.add_note(OWNER, saved.id, note)
    return saved


def sell(customer_id: int, codes: list[str], day: int = 3, receipts_dir=None):
    draft = SaleDraft.new()
    draft.set_customer(customer_id)
    for code in codes:
        draft.add_item(code)
    return complete_sale(OWNER, draft, at=dt.datetime(2026, 11, day, 10, 0),
                         receipts_dir=receipts_dir)


@pytest.fixture
def zoe(shop):
    """A customer with everything: tags, a custom field, notes, consent and two sales."""
    card_id = custom_fields.save_field(OWNER, "Loyalty card", "text").id
    c = add_customer(first_name="Zoë", last_name="Ölçer", company="Bakkerij Zoë",
                     email="zoe@example.nl", phone="020-555 1234", mobile="06-1234 5678",
                     address="Dorpsstraat 1", postcode="1234 AB", city="Utrecht",
                     country="NL", birthday="1980-02-03", additional="=HYPERLINK(\"x\")",
                     tags="vip, bakery", contact_email=True, contact_sms=True,
                     consent_date="2026-01-15", consent_note="signed at the counter",
                     newsletter=True, custom={card_id: "CARD-778899"},
                     note="Prefers oat milk")
    first = sell(c.id, ["MUG-01", "COF-250"], 3)
    second = sell(c.id, ["MUG-01"], 5)
    return {"customer": c, "sales": [first, second]}


def customer_entries(number: str) -> list[audit.EntryRow]:
    return [e for e in audit.entries(audit.AuditFilter(kind="customer"))
            if e.subject == f"Customer {number}"]


# -- export -----------------------------------------------------------------------------------

def test_the_export_holds_every_part(zoe):
    c = zoe["customer"]
    data = privacy.export_customer(OWNER, c.id)
    assert data["customer"]["first_name"] == "Zoë"
    assert data["customer"]["email"] == "zoe@example.nl"
    assert data["customer"]["birthday"] == dt.date(1980, 2, 3)
    assert data["contact"]["contact_email"] and data["contact"]["contact_sms"]
    assert data["contact"]["consent_date"] == dt.date(2026, 1, 15)
    assert data["contact"]["consent_note"] == "signed at the counter"
    assert data["custom_fields"] == [{"field": "Loyalty card", "value": "CARD-778899"}]
    assert sorted(data["tags"]) == ["bakery", "vip"]
    assert [n["text"] for n in data["notes"]] == ["Prefers oat milk"]
    numbers = [s["number"] for s in data["sales"]]
    assert numbers == [s.number for s in zoe["sales"]]
    first = data["sales"][0]
    assert [line["sku"] for line in first["lines"]] == ["MUG-01", "COF-250"]
    assert first["lines"][0]["unit_price"] == D("12.10")
    assert first["payments"] == [{"method": "cash", "amount": first["total"]}]
    assert first["total"] == D("19.05")


def test_the_json_is_utf8_with_exact_decimals_as_strings(zoe, tmp_path):
    data = privacy.export_customer(OWNER, zoe["customer"].id)
    path = privacy.write_export(data, tmp_path / "zoe.json", "json")
    raw = path.read_bytes()
    assert "Zoë".encode("utf-8") in raw and b"\\u00eb" not in raw
    back = json.loads(raw.decode("utf-8"))
    assert back["sales"][0]["lines"][0]["unit_price"] == "12.10"
    assert back["sales"][0]["total"] == "19.05"
    assert back["customer"]["birthday"] == "1980-02-03"
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_csv_has_titled_sections_and_no_formulas(zoe, tmp_path):
    data = privacy.export_customer(OWNER, zoe["customer"].id)
    path = privacy.write_export(data, tmp_path / "zoe.csv", "csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    sections = ["Record", "Contact and consent", "Custom fields", "Tags", "Notes",
                "Sales", "Sale lines", "Payments"]
    assert [r[0] for r in rows if len(r) == 1 and r[0] in sections] == sections
    assert rows[rows.index(["Tags"]) + 1:rows.index(["Notes"])] == [["Tag"], ["bakery"],
                                                                   ["vip"], []]
    cells = [value for row in rows for value in row]
    assert "'=HYPERLINK(\"x\")" in cells  # the Additional field, made harmless
    assert not any(value.startswith("=") for value in cells)
    assert ["Loyalty card", "CARD-778899"] in rows
    lines = rows[rows.index(["Sale lines"]) + 2:]
    assert lines[0][:3] == [str(zoe["sales"][0].number), "1", "MUG-01"]


def test_an_export_is_in_the_audit_log_with_the_number_only(zoe):
    c = zoe["customer"]
    privacy.export_customer(CASHIER, c.id)
    [entry] = customer_entries(c.number)
    assert entry.actor == CASHIER.name and entry.changes == {"action": [None, "exported"]}
    assert "Zoë" not in entry.subject + entry.changes_text()


def test_an_unknown_customer_is_not_found(shop):
    with pytest.raises(NotFound):
        privacy.export_customer(OWNER, 999_999)
    with pytest.raises(NotFound):
        privacy.customer_id_for("no-such-number")
    assert AuditEntry.select().where(AuditEntry.kind == "customer").count() == 0


def test_an_export_is_never_written_over_a_folder(zoe, tmp_path):
    data = privacy.export_customer(OWNER, zoe["customer"].id)
    with pytest.raises(ValidationError, match="folder"):
        privacy.write_export(data, tmp_path, "json")
    with pytest.raises(ValidationError, match="format"):
        privacy.write_export(data, tmp_path / "x.xml", "xml")


# -- erase ------------------------------------------------------------------------------------

def test_erase_anonymises_the_record_and_keeps_the_sales_renamed(zoe):
    c = zoe["customer"]
    done = privacy.erase_customer(MANAGER, c.id, "asked by e-mail")
    assert (done.number, done.sales_renamed, done.notes_removed) == (c.number, 2, 1)
    row = Customer.get_by_id(c.id)
    assert row.display_name == f"Erased customer {c.number}"
    assert (row.email, row.phone, row.mobile, row.address, row.postcode, row.city,
            row.country, row.company, row.additional) == ("",) * 9
    assert row.birthday is None and not row.active
    assert not (row.contact_email or row.contact_sms or row.newsletter)
    assert row.consent_note == "consent history: 3"  # e-mail, SMS and the newsletter
    detail = customers.get_customer(c.id)
    assert detail.tags == () and detail.custom_values == {}
    assert CustomerNote.select().where(CustomerNote.customer == c.id).count() == 0
    sales = list(Sale.select().where(Sale.customer == c.id).order_by(Sale.number))
    assert [s.number for s in sales] == [s.number for s in zoe["sales"]]
    assert [s.total for s in sales] == [s.total for s in zoe["sales"]]
    for sale in sales:
        assert sale.customer_name == f"Erased customer {c.number}"
        assert "Zoë" not in sale.receipt_text and "Ölçer" not in sale.receipt_text
        assert f"Customer: Erased customer {c.number} ({c.number})" in sale.receipt_text


def test_after_erase_the_search_no_longer_finds_them(zoe):
    c = zoe["customer"]
    for typed in ("Zoë", "olcer", "zoe@example.nl", "0612345678", "vip", "CARD-778899"):
        assert c.id in {h.id for h in customers.search_customers(
            typed, include_inactive=True).hits}, typed
    privacy.erase_customer(MANAGER, c.id, "asked at the counter")
    for typed in ("Zoë", "olcer", "zoe@example.nl", "0612345678", "vip", "CARD-778899",
                  "Bakkerij", "Utrecht"):
        assert c.id not in {h.id for h in customers.search_customers(
            typed, include_inactive=True).hits}, typed
    terms = [t.term for t in CustomerSearchTerm.select()
             .where(CustomerSearchTerm.customer == c.id)]
    assert not any("zo" in t or "olcer" in t for t in terms)


def test_the_erasure_is_audited_with_the_number_and_the_approver(zoe):
    team = staff_team()
    c = zoe["customer"]
    cashier = team["Cas"]
    with pytest.raises(NeedsApproval):
        privacy.erase_customer(cashier, c.id, "customer's request")
    approved = cashier.approved_by(audit_approver(team["Mona"]))
    privacy.erase_customer(approved, c.id, "customer's request")
    [entry] = customer_entries(c.number)
    assert (entry.actor, entry.approver) == ("Cas", "Mona")
    assert entry.changes == {"action": [None, "erased"], "reason": [None, "customer's request"]}
    assert "Zoë" not in entry.subject + entry.changes_text()


def audit_approver(actor):
    from tui_pos.services.actors import Approver

    return Approver(staff_id=actor.staff_id, name=actor.name, role=actor.role)


def test_a_cashier_is_refused_and_nothing_changes(zoe):
    c = zoe["customer"]
    with pytest.raises(NeedsApproval) as refused:
        privacy.erase_customer(CASHIER, c.id, "asked")
    assert refused.value.role == "manager"
    assert customers.get_customer(c.id) == c
    assert CustomerNote.select().where(CustomerNote.customer == c.id).count() == 1
    assert customer_entries(c.number) == []


def test_a_failed_erase_writes_nothing(zoe, monkeypatch):
    c = zoe["customer"]

    def broken(customer_id, number):
        raise ValidationError("the disk failed half-way")

    monkeypatch.setattr(privacy, "_rename_sales", broken)
    with pytest.raises(ValidationError, match="half-way"):
        privacy.erase_customer(MANAGER, c.id, "asked")
    assert customers.get_customer(c.id) == c
    assert CustomerNote.select().where(CustomerNote.customer == c.id).count() == 1
    assert {s.customer_name for s in Sale.select().where(Sale.customer == c.id)} == {
        c.display_name}
    assert customer_entries(c.number) == []


def test_erasing_twice_says_so(zoe):
    c = zoe["customer"]
    privacy.erase_customer(MANAGER, c.id, "asked")
    with pytest.raises(ValidationError, match=f"Customer {c.number} is already erased"):
        privacy.erase_customer(MANAGER, c.id, "asked again")
    assert len(customer_entries(c.number)) == 1


def test_a_reason_is_required_and_checked(zoe):
    c = zoe["customer"]
    for reason in ("", "   ", "x" * 201, "evil\x1b[2J"):
        with pytest.raises(ValidationError) as bad:
            privacy.erase_customer(MANAGER, c.id, reason)
        assert bad.value.field == "reason"
    assert Customer.get_by_id(c.id).first_name == "Zoë"


def test_receipt_files_on_disk_are_written_again_without_the_name(shop, tmp_path):
    folder = tmp_path / "pos-receipts"
    c = add_customer(first_name="Piet", last_name="Puk")
    sale = sell(c.id, ["MUG-01"], receipts_dir=folder)
    file = folder / f"receipt-{sale.number:06d}.txt"
    assert "Piet Puk" in file.read_text(encoding="utf-8")
    done = privacy.erase_customer(OWNER, c.id, "asked", receipts_dir=folder)
    assert done.receipts_rewritten == 1
    text = file.read_text(encoding="utf-8")
    assert "Piet" not in text and f"Erased customer {c.number}" in text


def test_other_customers_are_untouched(zoe):
    other = add_customer(first_name="Anna", last_name="Jansen", email="anna@example.nl",
                         note="Anna's note")
    sell(other.id, ["MUG-01"])
    privacy.erase_customer(MANAGER, zoe["customer"].id, "asked")
    assert customers.get_customer(other.id) == other
    assert [n.text for n in customers.notes(other.id)] == ["Anna's note"]
    assert other.id in {h.id for h in customers.search_customers("anna").hits}


# -- the writers, for any text ------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(st.text(max_size=30), st.decimals(min_value=-10**6, max_value=10**6, places=2,
                                          allow_nan=False, allow_infinity=False))
def test_the_writers_keep_any_text_and_amount(text, amount):
    data = {"exported_at": dt.datetime(2026, 11, 25, 12, 0),
            "customer": {"number": "1001", "first_name": text, "discount": amount},
            "contact": {"consent_note": text}, "custom_fields": [{"field": text, "value": text}],
            "tags": [text], "notes": [{"at": dt.datetime(2026, 1, 1), "author": "x",
                                       "text": text}], "sales": []}
    back = json.loads(privacy.to_json(data))
    assert back["customer"]["first_name"] == text
    assert Decimal(back["customer"]["discount"]) == amount
    for row in csv.reader(io.StringIO(privacy.to_csv(data))):
        for value in row:
            assert not value.startswith(("=", "+", "@")) or value == ""


def test_an_export_that_cannot_be_written_leaves_no_audit_entry(zoe, tmp_path):
    c = zoe["customer"]
    with pytest.raises(ValidationError, match="cannot be written"):
        privacy.export_customer_to(OWNER, c.id, tmp_path / "no-such-folder" / "x.json")
    assert customer_entries(c.number) == []
    path = privacy.export_customer_to(OWNER, c.id, tmp_path / "zoe.json")
    assert json.loads(path.read_text(encoding="utf-8"))["customer"]["number"] == c.number
    assert len(customer_entries(c.number)) == 1


def test_a_locked_database_is_a_clear_message_and_nothing_changes(zoe, monkeypatch):
    import peewee as pw

    c = zoe["customer"]

    def locked(customer_id, number):
        raise pw.OperationalError("database is locked")

    monkeypatch.setattr(privacy, "_rename_sales", locked)
    with pytest.raises(ValidationError, match="The erasure failed, nothing was changed"):
        privacy.erase_customer(MANAGER, c.id, "asked")
    assert customers.get_customer(c.id) == c
    assert customer_entries(c.number) == []
