"""Masters: profiles, customer types, VAT classes, items and Business Configuration.
Every refusal names its field and writes nothing."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from decimal import Decimal

import peewee
import pytest

from tui_pos.db.models import (
    BusinessConfig, CustomerProfile, CustomerType, Item, VatClass,
)
from tui_pos.services import catalog, config, custom_fields, customers, masters
from tui_pos.services.catalog import ItemInput
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import NotFound, ValidationError, ValidationErrors
from tests.actors import OWNER

D = Decimal


def refused(field: str, fn, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    assert info.value.field == field
    assert info.value.message
    return info.value


def snapshot(model) -> list[dict]:
    return list(model.select().order_by(model.id).dicts())


# -- Customer Profile ---------------------------------------------------------------

def test_profile_add_and_list(db):
    retail = masters.save_profile(OWNER, "  Retail   shop ")
    assert retail.name == "Retail shop" and retail.active
    masters.save_profile(OWNER, "Online")
    assert [p.name for p in masters.list_profiles()] == ["Online", "Retail shop"]


@pytest.mark.parametrize("name", ["", "   "])
def test_profile_name_is_required(db, name):
    refused("name", masters.save_profile, OWNER, name)
    assert CustomerProfile.select().count() == 0


def test_profile_name_too_long_is_refused(db):
    refused("name", masters.save_profile, OWNER, "x" * 61)
    assert CustomerProfile.select().count() == 0


@pytest.mark.parametrize("clash", ["retail shop", "RETAIL SHOP", "  Retail    Shop ",
                                   "retail\u00a0shop"])
def test_profile_name_is_unique_ignoring_case_and_spacing(db, clash):
    masters.save_profile(OWNER, "Retail Shop")
    before = snapshot(CustomerProfile)
    error = refused("name", masters.save_profile, OWNER, clash)
    assert "already exists" in error.message
    assert snapshot(CustomerProfile) == before


def test_profile_edit_renames_and_keeps_id(db):
    p = masters.save_profile(OWNER, "Retail")
    masters.save_profile(OWNER, "Online")
    edited = masters.save_profile(OWNER, "RETAIL", profile_id=p.id)  # same name, other case: fine
    assert edited.id == p.id and masters.get_profile(p.id).name == "RETAIL"
    before = snapshot(CustomerProfile)
    refused("name", masters.save_profile, OWNER, "online", profile_id=p.id)  # another's name
    assert snapshot(CustomerProfile) == before
    assert CustomerProfile.select().count() == 2


def test_profile_edit_of_a_missing_profile_is_not_found(db):
    with pytest.raises(NotFound):
        masters.save_profile(OWNER, "Ghost", profile_id=999)
    assert CustomerProfile.select().count() == 0


def test_profile_deactivate_and_reactivate(db):
    p = masters.save_profile(OWNER, "Seasonal")
    masters.set_profile_active(OWNER, p.id, False)
    assert not masters.get_profile(p.id).active
    assert [x.name for x in masters.list_profiles(include_inactive=False)] == []
    assert [x.name for x in masters.list_profiles()] == ["Seasonal"]
    masters.set_profile_active(OWNER, p.id, True)
    assert masters.get_profile(p.id).active
    assert [x.name for x in masters.list_profiles(include_inactive=False)] == ["Seasonal"]


@pytest.mark.parametrize("name", ["Retail\tshop", "Zo\x1b[2Jë", "Horeca\x00", "a\u202eb",
                                  "x\x9b1m"])
def test_profile_name_with_a_control_character_is_refused_at_the_name(db, name):
    error = refused("name", masters.save_profile, OWNER, name)
    assert "control character" in error.message and "Profile Name" in error.message
    assert CustomerProfile.select().count() == 0


def test_profile_name_of_exactly_60_characters_is_kept_whole(db):
    name = "é" * 59 + "x"
    assert masters.save_profile(OWNER, name).name == name
    assert masters.list_profiles()[0].name == name


# -- Customer Types -------------------------------------------------------------------

@pytest.mark.parametrize("discount, expected", [("15", D("15.00")), ("0", D("0")),
                                                ("100", D("100")), ("12,5", D("12.50")),
                                                ("", None), (None, None)])
def test_type_discount_accepts_0_to_100(db, discount, expected):
    t = masters.save_type(OWNER, "Staff", discount=discount)
    assert CustomerType.get_by_id(t.id).discount == expected


@pytest.mark.parametrize("discount", ["100.01", "-1", "abc", "10.555"])
def test_type_discount_outside_0_to_100_is_refused(db, discount):
    refused("discount", masters.save_type, OWNER, "Staff", discount=discount)
    assert CustomerType.select().count() == 0


def test_type_unknown_vat_class_is_refused(db):
    refused("vat_class", masters.save_type, OWNER, "Export", vat_class_id=42)
    assert CustomerType.select().count() == 0


def test_type_name_unique_ignoring_case(db):
    masters.save_type(OWNER, "Staff", discount="15")
    refused("name", masters.save_type, OWNER, "STAFF ", discount="10")
    assert [(t.name, t.discount) for t in masters.list_types()] == [("Staff", D("15"))]


def test_type_edit_changes_discount_and_vat_class(db):
    vat0 = catalog.save_vat_class(OWNER, "Nul", "0")
    t = masters.save_type(OWNER, "Wholesale", discount="10")
    masters.save_type(OWNER, "Wholesale", discount="12", vat_class_id=vat0.id, type_id=t.id)
    row = masters.get_type(t.id)
    assert (row.discount, row.vat_class_id) == (D("12"), vat0.id)


def test_type_in_use_cannot_be_deleted_and_the_count_is_given(db):
    staff = masters.save_type(OWNER, "Staff", discount="15")
    for name in ("Daan", "Ruben"):
        customers.save_customer(OWNER, CustomerInput(first_name=name, customer_type_id=staff.id))
    before = snapshot(CustomerType)
    error = refused("customer_type", masters.delete_type, OWNER, staff.id)
    assert "2 customers" in error.message
    assert snapshot(CustomerType) == before
    assert masters.customers_using_type(staff.id) == 2


def test_type_used_by_one_customer_says_so_in_the_singular(db):
    staff = masters.save_type(OWNER, "Staff", discount="15")
    customers.save_customer(OWNER, CustomerInput(first_name="Daan", customer_type_id=staff.id))
    error = refused("customer_type", masters.delete_type, OWNER, staff.id)
    assert "1 customer still uses" in error.message


def test_unused_type_can_be_deleted(db):
    t = masters.save_type(OWNER, "Temp")
    masters.delete_type(OWNER, t.id)
    assert CustomerType.select().count() == 0


def test_type_in_use_can_be_deactivated(db):
    staff = masters.save_type(OWNER, "Staff", discount="15")
    customers.save_customer(OWNER, CustomerInput(first_name="Daan", customer_type_id=staff.id))
    masters.set_type_active(OWNER, staff.id, False)
    assert not masters.get_type(staff.id).active
    assert masters.list_types(include_inactive=False) == []
    assert [t.name for t in masters.list_types()] == ["Staff"]


# -- VAT classes ---------------------------------------------------------------------

def test_vat_class_add(db):
    vc = catalog.save_vat_class(OWNER, "Hoog", "21")
    assert VatClass.get_by_id(vc.id).rate == D("21.00")
    raw = db.execute_sql("SELECT rate FROM vat_class").fetchone()[0]
    assert raw == 2100


@pytest.mark.parametrize("rate", ["101", "100.5", "-9", "hoog", ""])
def test_vat_class_rate_outside_0_to_100_is_refused(db, rate):
    refused("rate", catalog.save_vat_class, OWNER, "Odd", rate)
    assert VatClass.select().count() == 0


def test_vat_class_name_required_and_unique(db):
    catalog.save_vat_class(OWNER, "Hoog", "21")
    before = snapshot(VatClass)
    refused("name", catalog.save_vat_class, OWNER, "", "9")
    refused("name", catalog.save_vat_class, OWNER, "HOOG", "9")
    assert snapshot(VatClass) == before


# -- Items -----------------------------------------------------------------------------

def test_find_item_by_sku_any_case_or_barcode(shop):
    assert catalog.find_item("mug-01").sku == "MUG-01"
    assert catalog.find_item(" 8712345000017 ").sku == "COF-250"


def test_find_unknown_item_is_not_found_at_the_code_field(shop):
    with pytest.raises(NotFound) as info:
        catalog.find_item("NOPE-99")
    assert info.value.field == "code"
    assert "NOPE-99" in info.value.message


def test_find_item_skips_inactive_items(shop):
    mug = shop.items["MUG-01"]
    catalog.save_item(OWNER, ItemInput(sku="MUG-01", name=mug.name, price="12.10",
                                vat_class_id=shop.vat["Hoog"].id, barcode="8712345000048",
                                active=False), item_id=mug.id)
    with pytest.raises(NotFound):
        catalog.find_item("MUG-01")


@pytest.mark.parametrize("price, field", [("-1", "price"), ("-0,01", "price"),
                                          ("1.234", "price"), ("gratis", "price")])
def test_item_bad_price_is_refused(shop, price, field):
    before = snapshot(Item)
    refused(field, catalog.save_item, OWNER, ItemInput(sku="NEW-1", name="New", price=price,
                                                vat_class_id=shop.vat["Hoog"].id))
    assert snapshot(Item) == before


def test_item_duplicate_sku_is_refused_ignoring_case(shop):
    before = snapshot(Item)
    refused("sku", catalog.save_item, OWNER, ItemInput(sku="mug-01", name="Another mug",
                                                price="5", vat_class_id=shop.vat["Hoog"].id))
    assert snapshot(Item) == before


def test_item_duplicate_barcode_is_refused(shop):
    before = snapshot(Item)
    refused("barcode", catalog.save_item, OWNER, ItemInput(
        sku="MUG-02", name="Another mug", price="5", barcode="8712345000048",
        vat_class_id=shop.vat["Hoog"].id))
    assert snapshot(Item) == before


@pytest.mark.parametrize("kwargs, field", [
    (dict(sku="", name="X", price="1"), "sku"),
    (dict(sku="TWO WORDS", name="X", price="1"), "sku"),
    (dict(sku="X-1", name="", price="1"), "name"),
    (dict(sku="X-1", name="X", price="1", barcode="12AB"), "barcode"),
])
def test_item_other_refusals(shop, kwargs, field):
    before = snapshot(Item)
    refused(field, catalog.save_item, OWNER, ItemInput(vat_class_id=shop.vat["Hoog"].id, **kwargs))
    assert snapshot(Item) == before


def test_item_without_vat_class_is_refused(shop):
    before = snapshot(Item)
    refused("vat_class", catalog.save_item, OWNER, ItemInput(sku="X-1", name="X", price="1",
                                                      vat_class_id=None))
    refused("vat_class", catalog.save_item, OWNER, ItemInput(sku="X-1", name="X", price="1",
                                                      vat_class_id=999))
    assert snapshot(Item) == before


def test_labour_is_never_discountable(shop):
    assert shop.items["LAB-REP"].discountable is False
    assert Item.get_by_id(shop.items["LAB-REP"].id).discountable is False


def test_item_edit_keeps_its_own_sku(shop):
    mug = shop.items["MUG-01"]
    catalog.save_item(OWNER, ItemInput(sku="MUG-01", name="Big mug", price="14,95",
                                vat_class_id=shop.vat["Hoog"].id), item_id=mug.id)
    row = catalog.get_item(mug.id)
    assert (row.name, row.price, row.barcode) == ("Big mug", D("14.95"), None)


# -- Business Configuration ------------------------------------------------------------

def test_a_new_store_has_dutch_defaults_and_profiles_hidden(db):
    s = config.get_settings()
    assert s.show_customer_profile is False
    assert s.show_customer_type is True
    assert s.prices_include_vat is True
    assert s.currency == "EUR"
    assert s.vat_rounding == "receipt"
    assert BusinessConfig.select().count() == 1


def test_update_settings_saves_cleaned_values(db):
    vat = catalog.save_vat_class(OWNER, "Hoog", "21")
    s = config.get_settings()
    s.store_name = "  De   Hoek "
    s.currency = "usd"
    s.vat_number = "nl123456789b01"
    s.prices_include_vat = False
    s.vat_rounding = "line"
    s.default_vat_class_id = vat.id
    s.show_customer_profile = True
    config.update_settings(OWNER, s)
    saved = config.get_settings()
    assert (saved.store_name, saved.currency, saved.vat_number) == ("De Hoek", "USD",
                                                                    "NL123456789B01")
    assert saved.prices_include_vat is False and saved.vat_rounding == "line"
    assert saved.default_vat_class_id == vat.id and saved.show_customer_profile is True


@pytest.mark.parametrize("name, value", [
    ("currency", "EURO"), ("currency", "E1"), ("locale", "xx_XX"),
    ("vat_rounding", "never"), ("vat_number", "NL-123!"), ("store_name", "x" * 121),
    ("default_vat_class_id", 999),
])
def test_update_settings_refuses_bad_values_and_writes_nothing(db, name, value):
    before = snapshot(BusinessConfig)
    s = config.get_settings()
    s.store_name = "Changed"  # would be written if anything were
    setattr(s, name, value)
    refused(name, config.update_settings, OWNER, s)
    assert snapshot(BusinessConfig) == before


def test_set_switch_turns_customer_profile_on_and_refuses_unknown_switches(db):
    config.set_switch(OWNER, "show_customer_profile", True)
    assert config.get_settings().show_customer_profile is True
    before = snapshot(BusinessConfig)
    with pytest.raises(ValidationError):
        config.set_switch(OWNER, "store_name", False)
    assert snapshot(BusinessConfig) == before


def test_set_active_switches_any_master_record_and_nothing_else(shop):
    item = catalog.find_item("MUG-01")
    switched = masters.set_active(OWNER, "item", item.id, False)
    assert switched == dataclasses.replace(item, active=False)
    assert catalog.get_item(item.id) == switched  # price, name … untouched
    with pytest.raises(catalog.NotFound):
        catalog.find_item("MUG-01")  # an inactive item is not sold
    masters.set_active(OWNER, "item", item.id, True)
    assert catalog.find_item("MUG-01") == item
    hoog = shop.vat["Hoog"]
    assert masters.set_active(OWNER, "vat_class", hoog.id, False).active is False
    assert catalog.get_vat_class(hoog.id) == dataclasses.replace(hoog, active=False)
    assert masters.set_active(OWNER, "customer_type", shop.types["Staff"].id, False).active is False
    assert masters.set_active(OWNER, "profile", shop.profiles["Retail"].id, False).active is False
    field = custom_fields.save_field(OWNER, "Card", "text")
    assert masters.set_active(OWNER, "custom_field", field.id, False).active is False
    assert custom_fields.list_fields() == []


def test_set_active_of_an_unknown_record_or_master_is_refused(shop):
    before = snapshot(Item)
    with pytest.raises(NotFound):
        masters.set_active(OWNER, "item", 999, False)
    with pytest.raises(ValidationError):
        masters.set_active(OWNER, "sale", 1, False)
    assert snapshot(Item) == before


def test_services_hand_the_screens_plain_frozen_rows(shop):
    rows = [masters.list_profiles()[0], masters.list_types()[0], catalog.list_vat_classes()[0],
            catalog.list_items()[0], catalog.search_items("mug")[0], catalog.find_item("MUG-01"),
            custom_fields.save_field(OWNER, "Card", "text"), custom_fields.list_fields()[0],
            masters.get_type(shop.types["Tax exempt"].id)]
    for row in rows:
        assert dataclasses.is_dataclass(row) and not isinstance(row, peewee.Model)
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.name = "changed"
    exempt = masters.get_type(shop.types["Tax exempt"].id)
    assert (exempt.vat_class_name, exempt.vat_rate) == ("Nul", D("0"))
    staff = masters.get_type(shop.types["Staff"].id)
    assert (staff.vat_class_id, staff.vat_class_name, staff.vat_rate) == (None, "", None)
    mug = catalog.find_item("MUG-01")
    assert (mug.vat_class_name, mug.vat_rate, mug.price) == ("Hoog", D("21"), D("12.10"))


# -- every text bounded, every number parsed, all errors at once ---------------------

@pytest.mark.parametrize("price", ["1e26", "9" * 30, "NaN", "Infinity", "1e999999",
                                   "10000000000", "٣", D("1E+26"), D("NaN")])
def test_item_price_out_of_range_is_a_clear_error_at_the_price(shop, price):
    before = snapshot(Item)
    error = refused("price", catalog.save_item, OWNER, ItemInput(sku="BIG-1", name="Big",
                                                          price=price,
                                                          vat_class_id=shop.vat["Hoog"].id))
    assert error.message.startswith("Price")
    assert snapshot(Item) == before


@pytest.mark.parametrize("kwargs, field", [
    (dict(sku="S" * 41), "sku"), (dict(sku="MUG\x1b02"), "sku"),
    (dict(name="n" * 121), "name"), (dict(name="Mug\x07"), "name"),
    (dict(barcode="1" * 41), "barcode"), (dict(barcode="٣٣٣"), "barcode"),
    (dict(vat_class_id=2**70), "vat_class"),
])
def test_item_text_is_bounded_and_plain(shop, kwargs, field):
    data = dict(sku="NEW-1", name="New", price="1", vat_class_id=shop.vat["Hoog"].id)
    data.update(kwargs)
    before = snapshot(Item)
    refused(field, catalog.save_item, OWNER, ItemInput(**data))
    assert snapshot(Item) == before


def test_item_form_with_many_mistakes_gets_every_error_at_once(shop):
    before = snapshot(Item)
    with pytest.raises(ValidationErrors) as info:
        catalog.save_item(OWNER, ItemInput(sku="mug-01", name="", price="1e26", barcode="12AB",
                                    vat_class_id=None))
    fields = [e.field for e in info.value.errors]
    assert fields == ["sku", "barcode", "name", "price", "vat_class"]
    assert info.value.field == "sku" and "already used" in info.value.message
    assert snapshot(Item) == before


def test_a_single_mistake_is_a_plain_validation_error(shop):
    with pytest.raises(ValidationError) as info:
        catalog.save_item(OWNER, ItemInput(sku="NEW-1", name="New", price="x",
                                    vat_class_id=shop.vat["Hoog"].id))
    assert not isinstance(info.value, ValidationErrors)
    assert info.value.field == "price"


def test_type_with_a_bad_name_and_discount_gets_both_errors(db):
    with pytest.raises(ValidationErrors) as info:
        masters.save_type(OWNER, "", discount="1e5", vat_class_id=-3)
    assert [e.field for e in info.value.errors] == ["name", "discount", "vat_class"]
    assert CustomerType.select().count() == 0


def test_vat_class_rate_with_an_exponent_is_refused(db):
    refused("rate", catalog.save_vat_class, OWNER, "Odd", "2e1")
    refused("name", catalog.save_vat_class, OWNER, "V" * 61, "21")
    assert VatClass.select().count() == 0


def test_custom_field_options_are_bounded_and_plain(db):
    refused("options", custom_fields.save_field, OWNER, "Shop", "choice", options="a\x1b, b")
    refused("options", custom_fields.save_field, OWNER, "Shop", "choice",
            options="a, " + "b" * 61)
    refused("options", custom_fields.save_field, OWNER, "Shop", "choice",
            options=", ".join(f"o{n}" for n in range(400)))
    refused("kind", custom_fields.save_field, OWNER, "Shop", "colour")
    refused("name", custom_fields.save_field, OWNER, "S\x00hop", "text")
    f = custom_fields.save_field(OWNER, "Shop", "choice", options="Centre,\nStation")
    assert custom_fields.get_field(f.id).options == "Centre\nStation"


@pytest.mark.parametrize("name, value", [
    ("store_name", "De Hoek\x1b]0;pwned\x07"), ("address", "x" * 501),
    ("address", "Street 1\x00"), ("receipt_header", "Hi\x1b[2J"),
    ("receipt_footer", "y" * 501), ("vat_number", "NL１２３"), ("currency", "€€€"),
    ("default_vat_class_id", 2**64), ("locale", ["nl_NL"]),
])
def test_settings_text_is_bounded_and_plain(db, name, value):
    before = snapshot(BusinessConfig)
    s = config.get_settings()
    setattr(s, name, value)
    refused(name, config.update_settings, OWNER, s)
    assert snapshot(BusinessConfig) == before


def test_settings_keep_multi_line_address_and_receipt_text(db):
    s = config.get_settings()
    s.address = "Prinsengracht 100  \n1015 EA Amsterdam"
    s.receipt_footer = "Dank je wel!\n\tTot ziens"
    config.update_settings(OWNER, s)
    saved = config.get_settings()
    assert saved.address == "Prinsengracht 100\n1015 EA Amsterdam"
    assert saved.receipt_footer == "Dank je wel!\n\tTot ziens"


def test_settings_with_several_mistakes_get_every_error_at_once(db):
    s = config.get_settings()
    s.store_name, s.currency, s.vat_number = "x" * 121, "EURO", "NL-1!"
    with pytest.raises(ValidationErrors) as info:
        config.update_settings(OWNER, s)
    assert [e.field for e in info.value.errors] == ["store_name", "vat_number", "currency"]


def test_lookups_with_huge_or_odd_queries_find_nothing_and_never_crash(shop):
    for query in ("x" * 100_000, "%", "_", "NOPE\x1b", "'; DROP TABLE item; --"):
        with pytest.raises(NotFound):
            catalog.find_item(query)
        assert catalog.search_items(query) == []
    with pytest.raises(ValidationError):
        catalog.find_item("\x00")  # nothing left to look up
    assert catalog.find_item("mug-01\x1b").sku == "MUG-01"  # control characters dropped
    assert [i.sku for i in catalog.search_items("mug")] == ["MUG-01"]


# -- two terminals at once ---------------------------------------------------------

def other_terminal(db_file: str, sql: str, *params) -> None:
    """Another process's connection to the same file commits a row."""
    other = sqlite3.connect(db_file)
    with other:
        other.execute(sql, params)
    other.close()


def test_a_name_committed_by_another_terminal_is_refused_at_the_name(db, db_file):
    other_terminal(db_file, "INSERT INTO customer_profile (name, name_key, active, created_at)"
                   " VALUES ('Retail', 'retail', 1, '2026-11-25 10:00:00')")
    error = refused("name", masters.save_profile, OWNER, "RETAIL")
    assert "already exists" in error.message
    assert [p.name for p in masters.list_profiles()] == ["Retail"]


def once_free(monkeypatch, module, name: str) -> None:
    """The uniqueness check answers "free" the first time: as it would have just
    before another terminal committed the same name. Later checks are real."""
    real, calls = getattr(module, name), []

    def check(*args):
        calls.append(args)
        return False if len(calls) == 1 else real(*args)

    monkeypatch.setattr(module, name, check)


def test_a_clash_the_database_refuses_becomes_the_same_field_message(db, db_file,
                                                                    monkeypatch):
    once_free(monkeypatch, masters, "name_taken")
    other_terminal(db_file, "INSERT INTO customer_profile (name, name_key, active, created_at)"
                   " VALUES ('Retail', 'retail', 1, '2026-11-25 10:00:00')")
    error = refused("name", masters.save_profile, OWNER, "Retail")
    assert "already exists" in error.message
    assert CustomerProfile.select().count() == 1


def test_an_item_sku_clash_the_database_refuses_is_the_sku_message(shop, db_file,
                                                                  monkeypatch):
    once_free(monkeypatch, catalog, "taken")
    hoog = shop.vat["Hoog"].id
    other_terminal(db_file, "INSERT INTO item (sku, name, name_key, price, vat_class_id,"
                   " discountable, is_labour, active) VALUES ('TEA-01', 'Tea', 'tea', 350, ?,"
                   " 1, 0, 1)", hoog)
    before = snapshot(Item)
    error = refused("sku", catalog.save_item, OWNER, ItemInput(sku="tea-01", name="Green tea",
                                                         price="4", vat_class_id=hoog))
    assert "already used" in error.message
    assert snapshot(Item) == before


def test_a_type_given_to_a_customer_meanwhile_is_not_deleted(shop, db_file, monkeypatch):
    staff = shop.types["Staff"]
    real, calls = masters.customers_using_type, []

    def count(type_id):  # zero at the first look, as before the other terminal's commit
        calls.append(type_id)
        return 0 if len(calls) == 1 else real(type_id)

    monkeypatch.setattr(masters, "customers_using_type", count)
    other_terminal(db_file, "INSERT INTO customer (number, first_name, last_name, company,"
                   " sort_name, email, phone, mobile, address, postcode, city, country,"
                   " customer_type_id, additional, contact_email, contact_sms, contact_phone,"
                   " contact_post, consent_note, newsletter, active, created_at, updated_at)"
                   " VALUES ('9001', 'Daan', '', '', 'daan', '', '', '', '', '', '', '', ?, '',"
                   " 0, 0, 0, 0, '', 0, 1, '2026-11-25', '2026-11-25')", staff.id)
    error = refused("customer_type", masters.delete_type, OWNER, staff.id)
    assert "1 customer still uses" in error.message
    assert masters.get_type(staff.id).name == "Staff"


@pytest.mark.parametrize("save", [
    lambda: masters.save_profile(OWNER, "Retail"),
    lambda: masters.save_type(OWNER, "Staff"),
    lambda: catalog.save_vat_class(OWNER, "Hoog", "21"),
    lambda: custom_fields.save_field(OWNER, "Loyalty card", "text"),
])
def test_terminals_saving_the_same_new_name_at_once_one_wins(db, save):
    n = 6
    start = threading.Barrier(n)
    results: list[object] = []

    def terminal() -> None:
        start.wait()
        try:
            results.append(save())
        except ValidationError as error:
            results.append(error)
        except Exception as error:  # noqa: BLE001 - any other error is what the test catches
            results.append(("crash", error))
        finally:
            db.close()

    threads = [threading.Thread(target=terminal) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(results) == n
    assert len(refusals) == n - 1, results
    assert all(e.field == "name" and "already exists" in e.message for e in refusals)


def test_terminals_saving_the_same_new_sku_at_once_one_wins(shop):
    n = 6
    start = threading.Barrier(n)
    results: list[object] = []
    hoog = shop.vat["Hoog"].id

    def terminal(k: int) -> None:
        start.wait()
        try:
            results.append(catalog.save_item(OWNER, ItemInput(sku="TEA-01", name=f"Tea {k}",
                                                       price="3.50", vat_class_id=hoog)))
        except ValidationError as error:
            results.append(error)
        except Exception as error:  # noqa: BLE001 - any other error is what the test catches
            results.append(("crash", error))
        finally:
            shop.db.close()

    threads = [threading.Thread(target=terminal, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, ValidationError) and r.field == "sku" for r in results) == n - 1
    assert Item.select().where(Item.sku == "TEA-01").count() == 1


def test_largest_price_is_the_widest_price_of_any_item(shop):
    assert catalog.largest_price() == D("60.50")
    catalog.save_item(OWNER, ItemInput(sku="OLD-1", name="Old", price="99999.99", active=False,
                                vat_class_id=shop.vat["Hoog"].id))
    assert catalog.largest_price() == D("99999.99")  # inactive items are listed too


def test_largest_price_of_a_shop_without_items_is_zero(db):
    assert catalog.largest_price() == D("0")


def test_a_sku_is_what_a_scanner_types(db):
    """Found by hypothesis: a SKU '¹' was saved but never found again (search folds
    it to '1'). SKUs are printable ASCII without spaces or '*' (3*SKU means three)."""
    from tui_pos.services import catalog
    from tui_pos.services.catalog import ItemInput
    from tui_pos.services.errors import ValidationError

    vat = catalog.save_vat_class(OWNER, "Hoog", "21")
    for bad in ("¹", "MUG*2", "ÉÉN"):
        with pytest.raises(ValidationError) as info:
            catalog.save_item(OWNER, ItemInput(sku=bad, name="Mug", price="1", vat_class_id=vat.id))
        assert info.value.field == "sku"
    item = catalog.save_item(OWNER, ItemInput(sku="mug-01/b_2.x#", name="Mug", price="1",
                                       vat_class_id=vat.id))
    assert item.sku == "MUG-01/B_2.X#"
    assert catalog.find_item("mug-01/b_2.x#").id == item.id
