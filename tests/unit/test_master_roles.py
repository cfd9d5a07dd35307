"""Who may change Business Configuration and the masters, and what the audit log keeps.

A cashier is refused with ``NeedsApproval`` and nothing is written; a manager
(or a cashier approved by one) may, and each change leaves one entry with the
changed fields before → after, the actor, the terminal and the approver. A save
that changes nothing, and a save refused for bad input, leave no entry.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from tests.actors import CASHIER, MANAGER, OWNER, PINS, staff_team
from tui_pos.db.models import AuditEntry, BusinessConfig, CustomerType, Item, VatClass
from tui_pos.services import audit, catalog, config, custom_fields, masters, setup, staff
from tui_pos.services.catalog import ItemInput
from tui_pos.services.errors import NeedsApproval, ValidationError


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch):
    monkeypatch.setattr(staff, "SCRYPT_N", 2**10)


def log(kind: str | None = None) -> list[audit.EntryRow]:
    """The audit entries, oldest first (of ``kind`` when given)."""
    return list(reversed(audit.entries(audit.AuditFilter(kind=kind), limit=1000)))


def refused(call, *args, **kwargs) -> NeedsApproval:
    before = AuditEntry.select().count()
    with pytest.raises(NeedsApproval) as info:
        call(*args, **kwargs)
    assert info.value.role == "manager"
    assert AuditEntry.select().count() == before, "a refused change wrote an entry"
    return info.value


def approved_cashier() -> tuple:
    """Cas (cashier) approved by Mona (manager), through the real PIN check."""
    team = staff_team()
    cas = team["Cas"]
    mona = staff.find_staff("Mona")
    return staff.approve(cas, mona.id, PINS["Mona"], "Change item"), team


# -- every master: a cashier is refused, nothing written ------------------------------

def test_a_cashier_cannot_add_or_change_any_master_and_nothing_is_written(shop):
    hoog = shop.vat["Hoog"]
    refused(masters.save_profile, CASHIER, "Online")
    refused(masters.save_type, CASHIER, "Friends", discount="5")
    refused(catalog.save_vat_class, CASHIER, "Super", "30")
    refused(catalog.save_item, CASHIER, ItemInput(sku="NEW-1", name="New", price="1.00",
                                                  vat_class_id=hoog.id))
    refused(custom_fields.save_field, CASHIER, "Loyalty card", "text")
    refused(catalog.save_item, CASHIER, ItemInput(sku="MUG-01", name="Cheap mug", price="0.01",
                                                  vat_class_id=hoog.id),
            item_id=shop.items["MUG-01"].id)
    assert catalog.get_item(shop.items["MUG-01"].id).price == Decimal("12.10")
    assert [p.name for p in masters.list_profiles()] == ["Retail", "Wholesale"]
    assert VatClass.select().count() == 3 and custom_fields.list_fields() == []


@pytest.mark.parametrize("kind", ["profile", "customer_type", "vat_class", "item"])
def test_a_cashier_cannot_deactivate_a_master_record(shop, kind):
    record = {"profile": shop.profiles["Retail"], "customer_type": shop.types["Staff"],
              "vat_class": shop.vat["Laag"], "item": shop.items["MUG-01"]}[kind]
    error = refused(masters.set_active, CASHIER, kind, record.id, False)
    assert "deactivate" in error.action.lower()
    _, get = masters._masters()[kind]
    assert get(record.id).active is True


def test_a_cashier_cannot_delete_a_type(shop):
    refused(masters.delete_type, CASHIER, shop.types["Tax exempt"].id)
    assert CustomerType.get_or_none(CustomerType.id == shop.types["Tax exempt"].id)


# -- the audit entries -----------------------------------------------------------------

def test_a_managers_new_profile_is_logged_with_every_field(db):
    row = masters.save_profile(MANAGER, "Online")
    [entry] = log("master")
    assert entry.actor == "test manager" and entry.terminal == "test-till"
    assert entry.approver == ""
    assert f"#{row.id}" in entry.subject and "Online" in entry.subject
    assert "Customer profile" in entry.subject and "added" in entry.subject
    assert entry.changes == {"name": [None, "Online"], "active": [None, True]}


def test_an_edit_logs_only_the_changed_fields_before_and_after(shop):
    mug = shop.items["MUG-01"]
    catalog.save_item(MANAGER, ItemInput(sku="MUG-01", barcode="8712345000048",
                                         name="Stoneware mug", price="13.50",
                                         vat_class_id=shop.vat["Laag"].id), item_id=mug.id)
    entry = log("master")[-1]
    assert entry.changes == {"price": ["12.10", "13.50"], "vat_class_name": ["Hoog", "Laag"]}
    assert "Item" in entry.subject and "MUG-01" in entry.subject and "changed" in entry.subject


def test_an_unchanged_save_writes_no_entry(shop):
    before = AuditEntry.select().count()
    staff_type = shop.types["Staff"]
    masters.save_type(MANAGER, "Staff", discount="15", type_id=staff_type.id)
    masters.save_profile(MANAGER, "Retail", profile_id=shop.profiles["Retail"].id)
    catalog.save_vat_class(MANAGER, "Hoog", "21", vat_class_id=shop.vat["Hoog"].id)
    config.update_settings(MANAGER, config.get_settings())
    masters.set_active(MANAGER, "item", shop.items["MUG-01"].id, True)  # already active
    assert AuditEntry.select().count() == before


def test_a_change_refused_for_bad_input_writes_no_entry(shop):
    before = AuditEntry.select().count()
    with pytest.raises(ValidationError):
        masters.save_profile(MANAGER, "")
    with pytest.raises(ValidationError):
        catalog.save_item(MANAGER, ItemInput(sku="MUG-01", name="Dup", price="1",
                                             vat_class_id=shop.vat["Hoog"].id))
    with pytest.raises(ValidationError):
        catalog.save_vat_class(MANAGER, "Odd", "101")
    with pytest.raises(ValidationError):
        custom_fields.save_field(MANAGER, "Colour", "choice", options="Red")
    with pytest.raises(ValidationError):
        config.update_settings(MANAGER, config.Settings(idle_minutes=241))
    assert AuditEntry.select().count() == before


def test_deactivating_and_reactivating_are_logged(shop):
    mug = shop.items["MUG-01"]
    masters.set_active(MANAGER, "item", mug.id, False)
    masters.set_active(MANAGER, "item", mug.id, True)
    first, second = log("master")[-2:]
    assert first.changes == {"active": [True, False]}
    assert second.changes == {"active": [False, True]}
    assert catalog.get_item(mug.id).active is True


def test_deleting_a_type_is_logged_with_what_it_was(shop):
    exempt = shop.types["Tax exempt"]
    masters.delete_type(MANAGER, exempt.id)
    entry = log("master")[-1]
    assert "deleted" in entry.subject and "Tax exempt" in entry.subject
    assert entry.changes == {"name": ["Tax exempt", None], "vat_class_name": ["Nul", None],
                             "active": [True, None]}


def test_a_custom_field_and_a_vat_class_are_logged(db):
    field = custom_fields.save_field(MANAGER, "Colour", "choice", options="Red, Blue")
    custom_fields.save_field(MANAGER, "Colour", "choice", options="Red, Blue, Green",
                             field_id=field.id)
    vat = catalog.save_vat_class(OWNER, "Hoog", "21")
    added, changed, vat_entry = log("master")
    assert added.changes["kind"] == [None, "choice"]
    assert changed.changes == {"options": ["Red\nBlue", "Red\nBlue\nGreen"]}
    assert vat_entry.changes == {"name": [None, "Hoog"], "rate": [None, "21.00"],
                                 "active": [None, True]}
    assert f"#{vat.id}" in vat_entry.subject and vat_entry.actor == "test owner"


def test_a_cashier_approved_by_a_manager_may_and_the_approver_is_recorded(shop):
    approved, team = approved_cashier()
    mug = shop.items["MUG-01"]
    masters.set_active(approved, "item", mug.id, False)
    entry = log("master")[-1]
    assert entry.actor == "Cas" and entry.approver == "Mona" and entry.terminal == "till-1"
    row = AuditEntry.get(AuditEntry.id == entry.id)
    assert row.staff_id == team["Cas"].staff_id and row.approver_id == team["Mona"].staff_id
    assert catalog.get_item(mug.id).active is False


def test_an_approvers_wrong_pin_lets_nothing_through(shop):
    team = staff_team()
    mona = staff.find_staff("Mona")
    with pytest.raises(ValidationError):
        staff.approve(team["Cas"], mona.id, "0000", "Change item")
    logged = len(log("master"))
    refused(masters.set_active, team["Cas"], "item", shop.items["MUG-01"].id, False)
    assert len(log("master")) == logged
    assert catalog.get_item(shop.items["MUG-01"].id).active is True


# -- Business Configuration --------------------------------------------------------------

def test_a_cashier_cannot_change_business_configuration(db):
    s = config.get_settings()
    s.store_name = "Cashier's shop"
    refused(config.update_settings, CASHIER, s)
    refused(config.set_switch, CASHIER, "show_customer_profile", True)
    assert config.get_settings().store_name == ""
    assert config.get_settings().show_customer_profile is False


def test_a_configuration_change_is_logged_before_and_after(db):
    vat = catalog.save_vat_class(OWNER, "Hoog", "21")
    s = config.get_settings()
    s.store_name, s.default_vat_class_id = "De Hoek", vat.id
    s.discount_limit, s.idle_minutes, s.vat_override_needs_manager = "25,5", "0", False
    saved = config.update_settings(MANAGER, s)
    assert (saved.discount_limit, saved.idle_minutes) == (Decimal("25.50"), 0)
    [entry] = log("config")
    assert entry.subject == "Business Configuration" and entry.actor == "test manager"
    assert entry.changes == {
        "store_name": ["", "De Hoek"],
        "default_vat_class": [None, f"Hoog (#{vat.id})"],
        "discount_limit": ["20.00", "25.50"],
        "idle_minutes": [10, 0],
        "vat_override_needs_manager": [True, False],
    }
    again = config.get_settings()
    assert (again.discount_limit, again.idle_minutes) == (Decimal("25.50"), 0)
    assert again.vat_override_needs_manager is False
    config.set_switch(OWNER, "show_customer_profile", True)
    assert log("config")[-1].changes == {"show_customer_profile": [False, True]}


@pytest.mark.parametrize("field, value", [
    ("discount_limit", "101"), ("discount_limit", "-1"), ("discount_limit", "1e2"),
    ("discount_limit", "abc"), ("idle_minutes", "241"), ("idle_minutes", "-5"),
    ("idle_minutes", "1.5"), ("idle_minutes", "٣"), ("idle_minutes", ""),
    ("idle_minutes", True), ("idle_minutes", 999),
])
def test_the_staff_settings_refuse_out_of_range_values_at_their_field(db, field, value):
    s = config.get_settings()
    stored = list(BusinessConfig.select().dicts())
    setattr(s, field, value)
    with pytest.raises(ValidationError) as info:
        config.update_settings(OWNER, s)
    assert field in {e.field for e in getattr(info.value, "errors", None) or [info.value]}
    assert list(BusinessConfig.select().dicts()) == stored
    assert AuditEntry.select().count() == 0


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.text(max_size=12), st.integers(-10**6, 10**6)))
def test_idle_minutes_are_a_whole_number_from_0_to_240_or_refused(typed):
    try:
        value = config.validate(config.Settings(idle_minutes=typed)).idle_minutes
    except ValidationError as error:
        assert error.message
        return
    assert isinstance(value, int) and 0 <= value <= 240
    assert value == int(typed.strip() if isinstance(typed, str) else typed)


def test_setting_up_a_new_store_needs_a_manager_and_is_logged(db):
    refused(setup.create_standard_vat_classes, CASHIER)
    assert VatClass.select().count() == 0
    made = setup.create_standard_vat_classes(OWNER)
    assert list(made) == ["Hoog", "Laag", "Nul"]
    assert [e.changes["name"][1] for e in log("master")] == ["Hoog", "Laag", "Nul"]
    assert log("config")[-1].changes == {"default_vat_class": [None, f"Hoog (#{made['Hoog'].id})"]}


def test_items_and_types_are_unchanged_by_a_refused_cashier(shop):
    before = list(Item.select().dicts()), list(CustomerType.select().dicts())
    refused(masters.save_type, CASHIER, "Staff", discount="50",
            type_id=shop.types["Staff"].id)
    refused(masters.set_type_active, CASHIER, shop.types["Staff"].id, False)
    refused(masters.set_profile_active, CASHIER, shop.profiles["Retail"].id, False)
    assert (list(Item.select().dicts()), list(CustomerType.select().dicts())) == before
