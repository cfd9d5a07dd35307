"""Customers, notes and imports take the actor: notes carry their author,
deactivating needs a manager and is logged by number only, imports need a
manager and leave one "import" entry with the file and its counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_pos.db.models import AuditEntry, Customer, CustomerNote, Sale
from tui_pos.services import audit, customers, importer, staff, webshop
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import NeedsApproval
from tests.actors import CASHIER, MANAGER, OWNER, PINS, staff_team

DATA = Path(__file__).parent.parent / "data" / "import"


def logged(kind: str) -> list[audit.EntryRow]:
    return audit.entries(audit.AuditFilter(kind=kind))


# -- customers and notes ----------------------------------------------------------------

def test_a_note_is_written_by_whoever_is_signed_in(db):
    team = staff_team()
    c = customers.save_customer(team["Cas"], CustomerInput(first_name="Jan"), note="First visit")
    customers.add_note(team["Chris"], c.id, "Asked for oat milk")
    assert [(n.author, n.text) for n in customers.notes(c.id)] == [
        ("Chris", "Asked for oat milk"), ("Cas", "First visit")]


def test_a_cashier_edits_a_customer_without_an_audit_entry(db):
    c = customers.save_customer(CASHIER, CustomerInput(first_name="Jan", email="jan@example.nl"))
    data = customers.to_input(c)
    data.city = "Delft"
    assert customers.save_customer(CASHIER, data, c.id).city == "Delft"
    assert AuditEntry.select().count() == 0  # personal data stays out of the log


def test_deactivating_needs_a_manager_and_nothing_changes_without(db):
    c = customers.save_customer(CASHIER, CustomerInput(first_name="Jan", last_name="Smit"))
    with pytest.raises(NeedsApproval):
        customers.set_active(CASHIER, c.id, False)
    data = customers.to_input(c)
    data.active = False
    with pytest.raises(NeedsApproval):
        customers.save_customer(CASHIER, data, c.id)
    assert Customer.get_by_id(c.id).active and AuditEntry.select().count() == 0


def test_a_deactivation_is_logged_by_number_never_by_name(db):
    team = staff_team()
    c = customers.save_customer(CASHIER, CustomerInput(first_name="Jan", last_name="Smit",
                                                      email="jan@example.nl"))
    approved = staff.approve(team["Cas"], team["Mona"].staff_id, PINS["Mona"], "deactivate")
    assert customers.set_active(approved, c.id, False).active is False
    customers.set_active(team["Cas"], c.id, True)  # reactivating: anyone, still logged
    entries = logged("customer")
    assert [(e.subject, e.changes, e.approver) for e in entries] == [
        (f"Customer {c.number}", {"active": [False, True]}, ""),
        (f"Customer {c.number}", {"active": [True, False]}, "Mona"),
    ]
    stored = " ".join(e.subject + e.changes for e in AuditEntry.select())
    assert "Jan" not in stored and "Smit" not in stored and "example" not in stored


def test_deactivating_through_the_form_is_logged_too(db):
    c = customers.save_customer(MANAGER, CustomerInput(first_name="Jan"))
    data = customers.to_input(c)
    data.active = False
    customers.save_customer(MANAGER, data, c.id)
    [entry] = logged("customer")
    assert entry.subject == f"Customer {c.number}" and entry.actor == MANAGER.name


# -- imports ------------------------------------------------------------------------------

def test_importing_customers_needs_a_manager_but_a_dry_run_does_not(db):
    with pytest.raises(NeedsApproval):
        importer.import_customers(CASHIER, DATA / "ospos_customers.csv", good_rows_only=True)
    report = importer.import_customers(CASHIER, DATA / "ospos_customers.csv", dry_run=True)
    assert report.added > 0
    assert Customer.select().count() == 0 and AuditEntry.select().count() == 0


def test_an_import_leaves_one_entry_with_the_file_and_its_counts(db, tmp_path):
    path = tmp_path / "klanten.csv"
    path.write_text("First Name,Last Name,Email,Accepts Email Marketing,Default Address Company\n"
                    + "".join(f"Klant{n},Smit,klant{n}@example.nl,no,\n" for n in range(5)),
                    encoding="utf-8")
    report = importer.import_customers(MANAGER, path, batch=2)  # three batches
    assert (report.added, report.rows_written) == (5, 5)
    [entry] = logged("import")
    assert entry.subject == "Customers from klanten.csv"
    assert entry.actor == MANAGER.name
    assert entry.changes["added"] == [None, 5] and entry.changes["written"] == [None, 5]
    assert entry.changes["rejected"] == [None, 0]
    assert "Klant" not in json.dumps(entry.changes)  # counts, no personal data
    again = importer.import_customers(MANAGER, path)  # changes nothing: no entry either
    assert again.unchanged == 5 and not again.written and len(logged("import")) == 1


def write_orders(tmp_path: Path) -> Path:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": [
        {"order_number": "WS-1", "paid": True, "paid_at": "2026-11-20T14:03:00",
         "customer": {"first_name": "Jan", "last_name": "Jansen", "email": "jan@example.nl"},
         "lines": [{"sku": "MUG-01", "quantity": 1, "unit_price": "11.50"}]},
        {"order_number": "WS-2", "paid": False, "paid_at": "2026-11-20T15:00:00",
         "customer": {"first_name": "Piet", "last_name": "Bos", "email": "piet@example.nl"},
         "lines": [{"sku": "MUG-01", "quantity": 1, "unit_price": "11.50"}]},
    ]}), encoding="utf-8")
    return path


def test_importing_orders_needs_a_manager_and_is_logged(shop, tmp_path):
    path = write_orders(tmp_path)
    entries_before = AuditEntry.select().count()  # the shop's masters
    with pytest.raises(NeedsApproval):
        webshop.import_orders(CASHIER, path)
    assert Sale.select().count() == 0 and AuditEntry.select().count() == entries_before
    report = webshop.import_orders(OWNER, path)
    assert report.recorded == ["WS-1"] and report.unpaid == ["WS-2"]
    [entry] = logged("import")
    assert entry.subject == "Web-shop orders from orders.json"
    assert entry.changes["recorded"] == [None, 1] and entry.changes["unpaid"] == [None, 1]
    sale = Sale.get()
    assert (sale.cashier, sale.terminal) == ("web shop", OWNER.terminal)
    assert CustomerNote.select().count() == 0
