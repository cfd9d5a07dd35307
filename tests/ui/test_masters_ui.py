"""The master screens through the keyboard at 80×24: Customer Profile (TruePOS
step 2), Customer Types, Custom Fields, VAT Classes and Items."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select

from tui_pos.services import catalog, config, custom_fields, customers, masters
from tui_pos.services.catalog import ItemInput
from tui_pos.services.customers import CustomerInput
from tui_pos.ui.screens.base import ConfirmScreen
from tui_pos.ui.screens.custom_fields import CustomFieldsScreen
from tui_pos.ui.screens.customer_types import CustomerTypesScreen
from tui_pos.ui.screens.items import ItemsScreen
from tui_pos.ui.screens.menu import MainMenuScreen
from tui_pos.ui.screens.profiles import CustomerProfileScreen
from tui_pos.ui.screens.vat_classes import VatClassesScreen

from tests.ui.keys import SIZE, open_from_menu, screen_text, tab_to


def error_text(screen, field: str) -> str:
    label = screen.query_one(f"#{field}-error")
    return str(label.render()) if label.display else ""


def table_rows(screen) -> list[list[str]]:
    table = screen.query_one("#list", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def choose(pilot, select_id: str, label: str) -> None:
    """Focus a Select with Tab, open it with Enter, move to ``label``, Enter."""
    await tab_to(pilot, select_id)
    select = pilot.app.focused
    assert isinstance(select, Select)
    await pilot.press("enter")
    await pilot.pause()
    overlay = pilot.app.focused
    for _ in range(20):
        option = overlay.get_option_at_index(overlay.highlighted)
        if str(option.prompt) == label:
            break
        await pilot.press("down")
    else:
        raise AssertionError(f"{label} is not offered in #{select_id}")
    await pilot.press("enter")
    await pilot.pause()


def profile_names() -> list[tuple[str, bool]]:
    return [(p.name, p.active) for p in masters.list_profiles()]


# -- Customer Profile -----------------------------------------------------------------

async def test_switch_off_the_menu_refuses_customer_profile(app):
    assert not config.get_settings().show_customer_profile
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert "(off: enable in Business Configuration)" in screen_text(app)
        await open_from_menu(pilot, "Customer Profile")
        assert isinstance(app.screen, MainMenuScreen)
        assert "Customer Profile is switched off" in screen_text(app)


async def test_switch_off_the_screen_itself_shows_the_message(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.push_screen(CustomerProfileScreen())  # somehow opened while off
        await pilot.pause()
        screen = app.screen
        text = screen_text(app)
        assert "Customer Profile is switched off" in text
        assert not screen.query("#list")
        await pilot.press("ctrl+n", "f4")
        await pilot.pause()
        assert masters.list_profiles() == []


async def test_step_2_add_new_profile_active_and_save(app):
    config.set_switch("show_customer_profile", True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Profile")
        screen = app.screen
        assert isinstance(screen, CustomerProfileScreen)
        assert "No profiles yet" in screen_text(app)
        await pilot.press("ctrl+n")  # Add New Profile
        assert app.focused.id == "name"
        assert "Add New Profile" in screen_text(app)
        await pilot.press(*"Retail")
        await choose(pilot, "status", "Active")
        await pilot.press("f4")
        await pilot.pause()
        assert profile_names() == [("Retail", True)]
        assert table_rows(screen) == [["Retail", "Active"]]
        text = screen_text(app)
        assert "Saved ✓ Retail" in text and "Edit profile: Retail" in text
        # a second one from the list with "a"
        await pilot.press("ctrl+l", "a", *"Wholesale", "f4")
        await pilot.pause()
        assert profile_names() == [("Retail", True), ("Wholesale", True)]
        assert [row[0] for row in table_rows(screen)] == ["Retail", "Wholesale"]


async def test_a_new_profile_can_be_saved_inactive(app):
    config.set_switch("show_customer_profile", True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Profile")
        await pilot.press("ctrl+n", *"Seasonal")
        await choose(pilot, "status", "Inactive")
        await pilot.press("f4")
        await pilot.pause()
        assert profile_names() == [("Seasonal", False)]
        assert table_rows(app.screen) == [["Seasonal", "Inactive"]]


async def test_empty_and_duplicate_profile_names_are_refused_at_the_field(app):
    config.set_switch("show_customer_profile", True)
    masters.save_profile("Retail")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Profile")
        screen = app.screen
        await pilot.press("ctrl+n", "f4")
        await pilot.pause()
        assert error_text(screen, "name") == "Profile Name is required"
        assert "Profile Name is required" in screen_text(app)
        assert app.focused.id == "name"
        assert profile_names() == [("Retail", True)]

        await pilot.press(*"  RETAIL ", "f4")
        await pilot.pause()
        assert "already exists" in error_text(screen, "name")
        assert "already exists" in screen_text(app)
        assert profile_names() == [("Retail", True)]
        assert len(table_rows(screen)) == 1
        assert "Saved ✓" not in screen_text(app)

        # fixing the name clears the message and saves
        await pilot.press("ctrl+u", *"Retail Plus", "f4")
        await pilot.pause()
        assert error_text(screen, "name") == ""
        assert profile_names() == [("Retail", True), ("Retail Plus", True)]


async def test_edit_a_profile_with_enter_and_rename_it(app):
    config.set_switch("show_customer_profile", True)
    masters.save_profile("Retial")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Profile")
        screen = app.screen
        assert app.focused.id == "list"
        await pilot.press("enter")
        assert app.focused.id == "name"
        assert screen.query_one("#name", Input).value == "Retial"
        await pilot.press("ctrl+u", *"Retail", "f4")
        await pilot.pause()
        assert profile_names() == [("Retail", True)]
        assert table_rows(screen) == [["Retail", "Active"]]


async def test_deactivate_and_reactivate_a_profile_with_d(app):
    config.set_switch("show_customer_profile", True)
    masters.save_profile("Online")
    masters.save_profile("Retail")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Profile")
        screen = app.screen
        await pilot.press("down", "d")  # the second row: Retail
        await pilot.pause()
        assert profile_names() == [("Online", True), ("Retail", False)]
        assert table_rows(screen) == [["Online", "Active"], ["Retail", "Inactive"]]
        assert "Retail is deactivated" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert profile_names() == [("Online", True), ("Retail", True)]
        assert table_rows(screen)[1] == ["Retail", "Active"]


async def test_unsaved_profile_form_asks_before_leaving(app):
    config.set_switch("show_customer_profile", True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Profile")
        screen = app.screen
        await pilot.press("ctrl+n", *"Half typed", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert masters.list_profiles() == []


# -- Customer Types -------------------------------------------------------------------

async def test_add_a_customer_type_with_discount_and_vat_class(app, store):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Types")
        screen = app.screen
        assert isinstance(screen, CustomerTypesScreen)
        await pilot.press("ctrl+n", *"Export")
        await tab_to(pilot, "discount")
        await pilot.press(*"5")
        await choose(pilot, "vat_class", "Nul 0%")
        await pilot.press("f4")
        await pilot.pause()
        row = next(t for t in masters.list_types() if t.name == "Export")
        assert str(row.discount) == "5.00" and row.vat_class_id == store["vat"]["Nul"]
        assert ["Export", "5%", "0%", "Active"] in table_rows(screen)


async def test_customer_type_discount_over_100_is_refused_at_the_field(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Types")
        screen = app.screen
        await pilot.press("enter")  # edit Staff
        await tab_to(pilot, "discount")
        await pilot.press("ctrl+u", *"150", "f4")
        await pilot.pause()
        assert "between 0 and 100" in error_text(screen, "discount")
        assert "between 0 and 100" in screen_text(app)
        assert str(masters.list_types()[0].discount) == "15.00"


async def test_delete_a_used_type_is_refused_with_the_count_and_offers_deactivate(app):
    staff = masters.list_types()[0]
    for first in ("Daan", "Ruben"):
        customers.save_customer(CustomerInput(first_name=first, last_name="Smit",
                                              customer_type_id=staff.id))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Types")
        screen = app.screen
        assert app.focused.id == "list"
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete the customer type 'Staff'?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        # refused: the count, and the offer to deactivate instead
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "2 customers still use the type 'Staff'" in text
        assert "Deactivate 'Staff' now?" in text
        assert masters.customers_using_type(staff.id) == 2
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        row = masters.get_type(staff.id)
        assert row.active is False
        assert table_rows(screen) == [["Staff", "15%", "", "Inactive"]]


async def test_delete_a_used_type_and_keep_it(app):
    staff = masters.list_types()[0]
    customers.save_customer(CustomerInput(first_name="Daan", customer_type_id=staff.id))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Types")
        await pilot.press("delete", "y")
        await pilot.pause()
        assert "1 customer still uses" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert masters.get_type(staff.id).active is True
        assert "1 customer still uses" in screen_text(app)  # still said, as a toast


async def test_delete_an_unused_type(app):
    masters.save_type("Wholesale", discount="10")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Types")
        screen = app.screen
        assert [r[0] for r in table_rows(screen)] == ["Staff", "Wholesale"]
        await pilot.press("down", "delete", "y")
        await pilot.pause()
        assert [t.name for t in masters.list_types()] == ["Staff"]
        assert [r[0] for r in table_rows(screen)] == ["Staff"]


# -- VAT classes ------------------------------------------------------------------------

async def test_vat_rate_150_is_refused_at_the_field(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "VAT Classes")
        screen = app.screen
        assert isinstance(screen, VatClassesScreen)
        await pilot.press("ctrl+n", *"Super")
        await tab_to(pilot, "rate")
        await pilot.press(*"150", "f4")
        await pilot.pause()
        assert error_text(screen, "rate") == "VAT rate must be between 0 and 100 %"
        assert "VAT rate must be between 0 and 100 %" in screen_text(app)
        assert app.focused.id == "rate"
        names = [v.name for v in catalog.list_vat_classes(include_inactive=True)]
        assert "Super" not in names
        await pilot.press("ctrl+u", *"25.5", "f4")
        await pilot.pause()
        saved = [v for v in catalog.list_vat_classes() if v.name == "Super"]
        assert len(saved) == 1 and str(saved[0].rate) == "25.50"
        assert ["Super", "25.5%", "Active"] in table_rows(screen)


async def test_deactivate_a_vat_class_with_d(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "VAT Classes")
        screen = app.screen
        assert [r[0] for r in table_rows(screen)] == ["Hoog", "Laag", "Nul"]
        await pilot.press("end", "d")
        await pilot.pause()
        nul = [v for v in catalog.list_vat_classes(include_inactive=True) if v.name == "Nul"]
        assert nul[0].active is False and str(nul[0].rate) == "0.00"
        assert table_rows(screen)[2] == ["Nul", "0%", "Inactive"]
        assert [v.name for v in catalog.list_vat_classes()] == ["Hoog", "Laag"]


# -- Custom fields ---------------------------------------------------------------------

async def test_add_a_choice_custom_field(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Custom Fields")
        screen = app.screen
        assert isinstance(screen, CustomFieldsScreen)
        assert app.focused.id == "name"  # an empty list starts on the form
        await pilot.press(*"Favourite shop")
        await choose(pilot, "kind", "Choice")
        await tab_to(pilot, "options")
        await pilot.press(*"Centre", "f4")
        await pilot.pause()
        assert "at least two options" in error_text(screen, "options")
        assert custom_fields.list_fields(include_inactive=True) == []
        await pilot.press(*", Station", "f4")
        await pilot.pause()
        (field,) = custom_fields.list_fields()
        assert (field.name, field.kind, field.options) == ("Favourite shop", "choice",
                                                           "Centre\nStation")
        assert table_rows(screen) == [["Favourite shop", "Choice", "", "Active"]]


# -- Items ---------------------------------------------------------------------------

async def test_item_with_negative_price_is_refused_at_the_price(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Items")
        screen = app.screen
        assert isinstance(screen, ItemsScreen)
        await pilot.press("ctrl+n", *"NEG-01")
        await tab_to(pilot, "name")
        await pilot.press(*"Refund thing")
        await tab_to(pilot, "price")
        await pilot.press(*"-5")
        await choose(pilot, "vat_class", "Hoog 21%")
        await pilot.press("f4")
        await pilot.pause()
        assert "negative" in error_text(screen, "price").lower()
        assert app.focused.id == "price"
        assert "NEG-01" not in [i.sku for i in catalog.list_items(include_inactive=True)]
        await tab_to(pilot, "price")
        await pilot.press("ctrl+u", *"5.50", "f4")
        await pilot.pause()
        item = catalog.find_item("NEG-01")
        assert str(item.price) == "5.50" and item.name == "Refund thing"
        assert ["NEG-01", "Refund thing", "5.50"] in table_rows(screen)


async def test_items_list_pages_instead_of_loading_everything(app, store):
    for n in range(120):
        catalog.save_item(ItemInput(sku=f"BULK-{n:03d}", name=f"Bulk {n}", price="1.00",
                                    vat_class_id=store["vat"]["Hoog"]))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Items")
        table = app.screen.query_one("#list", DataTable)
        assert table.row_count == 50
        assert "50+" in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert table.row_count == 100
        await pilot.press("end")
        await pilot.pause()
        assert table.row_count == 123  # 120 + the store's 3: all loaded now
        await pilot.press("end")
        await pilot.pause()
        assert table.row_count == 123
        assert "123 items" in screen_text(app)


async def test_deactivate_an_item_keeps_the_loaded_page(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Items")
        screen = app.screen
        # sorted by SKU: COF-250, GIFT-25, MUG-01
        await pilot.press("down", "down", "d")
        await pilot.pause()
        assert catalog.list_items(include_inactive=True)[2].active is False
        assert table_rows(screen)[2] == ["MUG-01", "Stoneware mug (inactive)", "12.10"]
        await pilot.press("enter")
        assert screen.query_one("#sku", Input).value == "MUG-01"
