"""The master screens through the keyboard at 80×24: Customer Profile (TruePOS
step 2), Customer Types, Custom Fields, VAT Classes and Items."""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable, Input, Select

from tui_pos.services import catalog, config, custom_fields, customers, masters
from tui_pos.services.catalog import ItemInput
from tui_pos.services.customers import CustomerInput
from tui_pos.ui.app import PosApp
from tui_pos.ui.screens.base import ConfirmScreen
from tui_pos.ui.screens.custom_fields import CustomFieldsScreen
from tui_pos.ui.screens.customer_types import CustomerTypesScreen
from tui_pos.ui.screens.items import ItemsScreen
from tui_pos.ui.screens.menu import MainMenuScreen
from tui_pos.ui.screens.profiles import CustomerProfileScreen
from tui_pos.ui.screens.vat_classes import VatClassesScreen

from tests.ui.keys import SIZE, open_from_menu, screen_text, tab_to
from tests.actors import OWNER


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
    config.set_switch(OWNER, "show_customer_profile", True)
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
    config.set_switch(OWNER, "show_customer_profile", True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Profile")
        await pilot.press("ctrl+n", *"Seasonal")
        await choose(pilot, "status", "Inactive")
        await pilot.press("f4")
        await pilot.pause()
        assert profile_names() == [("Seasonal", False)]
        assert table_rows(app.screen) == [["Seasonal", "Inactive"]]


async def test_empty_and_duplicate_profile_names_are_refused_at_the_field(app):
    config.set_switch(OWNER, "show_customer_profile", True)
    masters.save_profile(OWNER, "Retail")
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
    config.set_switch(OWNER, "show_customer_profile", True)
    masters.save_profile(OWNER, "Retial")
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
    config.set_switch(OWNER, "show_customer_profile", True)
    masters.save_profile(OWNER, "Online")
    masters.save_profile(OWNER, "Retail")
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
    config.set_switch(OWNER, "show_customer_profile", True)
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
        assert "Discount must be between 0 and" in screen_text(app)  # wrapped in the pane
        assert str(masters.list_types()[0].discount) == "15.00"


async def test_delete_a_used_type_is_refused_with_the_count_and_offers_deactivate(app):
    staff = masters.list_types()[0]
    for first in ("Daan", "Ruben"):
        customers.save_customer(OWNER, CustomerInput(first_name=first, last_name="Smit",
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
    customers.save_customer(OWNER, CustomerInput(first_name="Daan", customer_type_id=staff.id))
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
    masters.save_type(OWNER, "Wholesale", discount="10")
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
        assert ["Super", "25,5%", "Active"] in table_rows(screen)  # the store's locale: nl_NL


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
        assert ["NEG-01", "Refund thing", "5,50"] in table_rows(screen)


async def test_items_list_pages_instead_of_loading_everything(app, store):
    for n in range(120):
        catalog.save_item(OWNER, ItemInput(sku=f"BULK-{n:03d}", name=f"Bulk {n}", price="1.00",
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
        assert table_rows(screen)[2] == ["MUG-01", "Stoneware mug (inactive)", "12,10"]
        await pilot.press("enter")
        assert screen.query_one("#sku", Input).value == "MUG-01"


# -- text is text: names the shop types are shown as typed ----------------------------

HOSTILE = ["Zoë [/]", "Horeca [red]VIP[/red]", "[link=x]y[/link]", "[@click=app.quit]",
           "☕ Koffie 😀", "王小明的店"]


async def type_name(pilot, text: str) -> None:
    """Type as a terminal delivers it: a key per character; an emoji, which
    Pilot cannot press by name, arrives as a (bracketed) paste into the field."""
    for char in text:
        if char.isascii() or char.isalnum():
            await pilot.press(char)
        else:
            pilot.app.focused.post_message(events.Paste(char))
            await pilot.pause()


async def add_by_keys(pilot, *fields: tuple[str, str]) -> None:
    """Ctrl+N, then type each (field id, text) into its field, then F4."""
    await pilot.press("ctrl+n")
    for field, text in fields:
        await tab_to(pilot, field)
        await pilot.press("ctrl+u")
        await type_name(pilot, text)
    await pilot.press("f4")
    await pilot.pause()


async def back_to_menu(pilot) -> None:
    for _ in range(4):
        if isinstance(pilot.app.screen, MainMenuScreen):
            return
        await pilot.press("escape")
        await pilot.pause()
    raise AssertionError("Esc did not lead back to the menu")


async def test_hostile_names_typed_into_every_master_are_shown_as_typed(app):
    config.set_switch(OWNER, "show_customer_profile", True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for menu_name, extra in (("Customer Profile", ()), ("Customer Types", ()),
                                 ("VAT Classes", (("rate", "6"),)),
                                 ("Custom Fields", ())):
            await open_from_menu(pilot, menu_name)
            for name in HOSTILE:
                await add_by_keys(pilot, ("name", name), *extra)
                text = screen_text(app)
                assert name in text, (menu_name, name)  # in the list and the form title
                assert f"Saved ✓ {name}" in text
            assert app.is_running
            await back_to_menu(pilot)
    assert [p.name for p in masters.list_profiles()] == sorted(
        HOSTILE, key=lambda n: " ".join(n.split()).casefold())
    assert {t.name for t in masters.list_types()} >= set(HOSTILE)
    assert {v.name for v in catalog.list_vat_classes()} >= set(HOSTILE)
    assert {f.name for f in custom_fields.list_fields()} == set(HOSTILE)


async def test_hostile_item_names_and_vat_class_option_are_shown_as_typed(app, store):
    vat = catalog.save_vat_class(OWNER, "[i]Btw[/i] 🙂", "21")
    long_name = "Mug " + "[/]" * 38 + "xy"  # 120 characters that look like markup
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Items")
        screen = app.screen
        for n, name in enumerate(HOSTILE[:4]):
            await pilot.press("ctrl+n")
            await pilot.press(*f"H-{n}")
            await tab_to(pilot, "name")
            await type_name(pilot, name)
            await tab_to(pilot, "price")
            await pilot.press(*"1,00")
            await choose(pilot, "vat_class", "[i]Btw[/i] 🙂 21%")
            await pilot.press("f4")
            await pilot.pause()
            assert catalog.find_item(f"H-{n}").name == name
            assert [f"H-{n}", name, "1,00"] in table_rows(screen)
            assert name in screen_text(app)
        # the longest name: kept whole in the form, cut with "…" in the list, no crash
        await pilot.press("ctrl+n", *"LONG-1")
        await tab_to(pilot, "name")
        await pilot.press(*long_name)
        await tab_to(pilot, "price")
        await pilot.press(*"2")
        await choose(pilot, "vat_class", "[i]Btw[/i] 🙂 21%")
        await pilot.press("f4")
        await pilot.pause()
        item = catalog.find_item("LONG-1")
        assert item.name == long_name and item.vat_class_id == vat.id
        assert screen.query_one("#name", Input).value == long_name
        line = next(line for line in screen_text(app).splitlines() if line.startswith(" LONG-1"))
        assert "Mug [/][/]" in line and "…" in line  # cut at the column, by cells
        assert app.is_running


async def test_a_confirm_question_quotes_a_hostile_name_literally(app):
    masters.save_type(OWNER, "[@click=app.quit]", discount="5")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Customer Types")
        await pilot.press("delete")  # '[' sorts before letters: the hostile one is first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete the customer type '[@click=app.quit]'?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, CustomerTypesScreen)
        await pilot.press("d")  # deactivate: the toast names it literally
        await pilot.pause()
        assert "[@click=app.quit] is deactivated" in screen_text(app)
        assert app.is_running


# -- found by a new user ---------------------------------------------------------------

async def test_the_largest_prices_are_shown_whole_in_80_columns(app, store):
    hoog = store["vat"]["Hoog"]
    catalog.save_item(OWNER, ItemInput(sku="BIG-1", name="Espresso machine", price="99999.99",
                                vat_class_id=hoog))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Items")
        screen = app.screen
        assert "99.999,99" in screen_text(app)
        assert ["BIG-1", "Espresso machine", "99.999,99"] in table_rows(screen)
        # a bigger price widens the column at once, and the row still fits the screen
        await pilot.press("ctrl+n", *"HUGE-1")
        await tab_to(pilot, "name")
        await pilot.press(*"Roaster")
        await tab_to(pilot, "price")
        await pilot.press(*"9999999999,99")
        await choose(pilot, "vat_class", "Hoog 21%")
        await pilot.press("f4")
        await pilot.pause()
        text = screen_text(app)
        assert "9.999.999.999,99" in text and "99.999,99" in text
        line = next(line for line in text.splitlines() if "9.999.999.999,99" in line)
        assert "HUGE-1" in line and "Roaster" in line and len(line) <= 80


async def test_price_beyond_the_column_is_refused_at_the_price(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Items")
        screen = app.screen
        await pilot.press("ctrl+n", *"BIG-2")
        await tab_to(pilot, "name")
        await pilot.press(*"Too big")
        await tab_to(pilot, "price")
        await pilot.press(*"1e26")
        await choose(pilot, "vat_class", "Hoog 21%")
        await pilot.press("f4")
        await pilot.pause()
        assert error_text(screen, "price").startswith("Price must be a number")
        assert app.focused.id == "price"
        assert "BIG-2" not in [i.sku for i in catalog.list_items(include_inactive=True)]


async def test_every_mistake_of_the_item_form_is_shown_at_once(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Items")
        screen = app.screen
        await pilot.press("ctrl+n", *"mug-01")  # taken
        await tab_to(pilot, "barcode")
        await pilot.press(*"12AB")
        await tab_to(pilot, "price")
        await pilot.press(*"-5")
        await pilot.press("f4")
        await pilot.pause()
        assert "already used" in error_text(screen, "sku")
        assert error_text(screen, "barcode") == "Barcode must be digits only"
        assert error_text(screen, "name") == "Name is required"
        assert "negative" in error_text(screen, "price")
        assert error_text(screen, "vat_class") == "Choose a VAT class"
        assert app.focused.id == "sku"  # the first field that is wrong
        # fix them all: every message goes
        await pilot.press("ctrl+u", *"MUG-02")
        await tab_to(pilot, "barcode")
        await pilot.press("ctrl+u")
        await tab_to(pilot, "name")
        await pilot.press(*"Big mug")
        await tab_to(pilot, "price")
        await pilot.press("ctrl+u", *"3")
        await choose(pilot, "vat_class", "Hoog 21%")
        await pilot.press("f4")
        await pilot.pause()
        assert all(error_text(screen, f) == ""
                   for f in ("sku", "barcode", "name", "price", "vat_class"))
        assert catalog.find_item("MUG-02").name == "Big mug"


async def test_lists_follow_the_store_locale(app, store):
    catalog.save_vat_class(OWNER, "Super", "25.5")
    s = config.get_settings()
    s.locale = "en_US"
    config.update_settings(OWNER, s)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "VAT Classes")
        assert ["Super", "25.5%", "Active"] in table_rows(app.screen)
        await back_to_menu(pilot)
        await open_from_menu(pilot, "Items")
        assert ["MUG-01", "Stoneware mug", "12.10"] in table_rows(app.screen)
        await pilot.press("down", "down", "enter")
        assert app.screen.query_one("#price", Input).value == "12.10"
    s.locale = "de_DE"
    config.update_settings(OWNER, s)
    app = PosApp(database=store["path"], actor=OWNER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "VAT Classes")
        assert ["Super", "25,5%", "Active"] in table_rows(app.screen)


async def test_an_empty_vat_class_list_says_so_in_good_english(db_path):
    from tui_pos.db.connection import close_database, open_database

    open_database(db_path)
    try:
        app = PosApp(database=db_path, actor=OWNER)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await open_from_menu(pilot, "VAT Classes")
            text = screen_text(app)
            assert "No VAT classes yet" in text and "classs" not in text
            await add_by_keys(pilot, ("name", "Hoog"), ("rate", "21"))
            assert "1 VAT class" in screen_text(app)
    finally:
        close_database()


async def test_customer_types_say_when_the_shop_does_not_use_them(app):
    config.set_switch(OWNER, "show_customer_type", False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert "Customer Types  (not used: Show Customer Type is off)" in screen_text(app)
        await open_from_menu(pilot, "Customer Types")
        assert isinstance(app.screen, CustomerTypesScreen)
        text = screen_text(app)
        assert "Show Customer Type is off" in text and "Staff" in text


def test_every_binding_of_the_masters_kit_has_an_id():
    from tui_pos.ui.screens import base, configuration, customer_types, master_list, menu

    classes = [base.PosScreen, base.FormScreen, base.PosModal, base.ConfirmScreen,
               base.HelpScreen, master_list.MasterTable, master_list.MasterListScreen,
               customer_types.CustomerTypesTable, CustomerTypesScreen, CustomFieldsScreen,
               ItemsScreen, CustomerProfileScreen, VatClassesScreen,
               configuration.BusinessConfigScreen, menu.MainMenuScreen]
    missing = [(cls.__name__, b.key) for cls in classes for b in cls.BINDINGS if not b.id]
    assert missing == []
