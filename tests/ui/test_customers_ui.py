"""Customers through the keyboard at 80×24: the list, the form, the page, the pop-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from textual import events
from textual.widgets import Checkbox, Input, Select
from textual.widgets._select import SelectOverlay

from tui_pos.db.models import Customer, CustomerNote
from tui_pos.services import config, custom_fields, customers, masters
from tui_pos.services.customers import CustomerInput
from tui_pos.ui.literal import fit
from tui_pos.ui.screens.base import FieldError
from tui_pos.ui.screens.customer_form import CustomerFormScreen, CustomerSearchPopup
from tui_pos.ui.screens.customers import CustomerPageScreen, CustomersScreen
from tui_pos.ui.widgets.customer_search import CustomerSearch

from tests.ui.keys import SIZE, screen_text, type_text
from tests.actors import OWNER


async def type_into(pilot, field: str, text: str) -> None:
    """Move to a field as Tab would and type, as a person does."""
    widget = pilot.app.screen.query_one(f"#{field}")
    widget.focus()
    await pilot.pause()
    if isinstance(widget, Input):
        await pilot.press("ctrl+u")
    await pilot.press(*text)


async def tick(pilot, field: str) -> None:
    box = pilot.app.screen.query_one(f"#{field}", Checkbox)
    box.focus()
    await pilot.press("space")
    assert box.value


async def open_customers(app, pilot) -> CustomerSearch:
    app.open_screen("Customers")
    await pilot.pause()
    assert isinstance(app.screen, CustomersScreen)
    return app.screen.query_one(CustomerSearch)


async def search_for(pilot, search: CustomerSearch, text: str) -> list[str]:
    """Clear the search box, type ``text`` key by key; the names found."""
    search.query_input.focus()
    await pilot.press("ctrl+u", *text)
    await pilot.pause()
    return [hit.name for hit in search.hits]


async def open_new_form(app, pilot) -> CustomerFormScreen:
    await open_customers(app, pilot)
    await pilot.press("f2")
    await pilot.pause()
    assert isinstance(app.screen, CustomerFormScreen)
    return app.screen


def error_text(screen, field: str) -> str:
    label = screen.query_one(f"#{field}-error", FieldError)
    return str(label.render()) if label.has_class("-shown") else ""


def make_customer(first: str, last: str, **extra) -> int:
    return customers.save_customer(OWNER, CustomerInput(first_name=first, last_name=last, **extra)).id


# -- Create with the full record, then find ------------------------------------------

async def test_create_full_customer_then_find_by_name_tag_and_membership(app, store):
    masters.save_type(OWNER, "Wholesale", discount="10")
    loyalty = custom_fields.save_field(OWNER, "Shoe size", "number")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        for field, text in [
            ("first_name", "Marieke"), ("last_name", "Hoogendijk"), ("company", "Atelier M"),
            ("email", "Marieke@Example.nl"), ("phone", "020-1234567"),
            ("mobile", "06-11223344"), ("birthday", "1984-03-09"),
            ("address", "Prinsengracht 12"), ("postcode", "1015 AB"), ("city", "Amsterdam"),
            ("country", "Nederland"), ("discount", "12.5"), ("additional", "M-77331"),
            ("credit_limit", "250"), ("tags", "vip, koffieclub"),
            ("consent_date", "2026-01-05"), ("consent_note", "signed at the counter"),
            (f"custom_{loyalty.id}", "42"), ("note", "Likes the blue mugs"),
        ]:
            await type_into(pilot, field, text)
        await tick(pilot, "contact_email")
        await tick(pilot, "newsletter")
        wholesale = masters.list_types()[[t.name for t in masters.list_types()]
                                          .index("Wholesale")].id
        form.query_one("#customer_type", Select).value = wholesale
        vat_select = form.query_one("#vat_class", Select)
        vat_select.value = store["vat"]["Nul"]
        await pilot.press("f4")
        await pilot.pause()

        # Saved: the customer's page opens, like Lightspeed's "Wijzigingen opslaan".
        assert isinstance(app.screen, CustomerPageScreen)
        c = Customer.get(Customer.last_name == "Hoogendijk")
        assert (c.first_name, c.company, c.email) == ("Marieke", "Atelier M",
                                                      "marieke@example.nl")
        assert (c.phone, c.mobile, c.city, c.postcode) == ("020-1234567", "06-11223344",
                                                           "Amsterdam", "1015 AB")
        assert c.birthday == dt.date(1984, 3, 9)
        assert c.discount == Decimal("12.5") and c.credit_limit == Decimal("250")
        assert c.customer_type_id == wholesale and c.vat_class_id == store["vat"]["Nul"]
        assert c.additional == "M-77331" and c.contact_email and c.newsletter
        assert c.consent_date == dt.date(2026, 1, 5)
        assert c.number  # given automatically
        assert customers.customer_tags(c.id) == ["koffieclub", "vip"]
        assert customers.custom_values(c.id) == {loyalty.id: "42"}
        [note] = customers.notes(c.id)
        assert note.text == "Likes the blue mugs" and note.author == OWNER.name  # who is signed in
        page_text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "M-77331" in page_text and "Likes the blue mugs" in page_text
        assert "Account balance" in page_text

        await pilot.press("escape")
        await pilot.pause()
        search = app.screen.query_one(CustomerSearch)
        assert await search_for(pilot, search, "hoogen") == [c.display_name]
        assert await search_for(pilot, search, "koffie") == [c.display_name]
        assert await search_for(pilot, search, "M-773") == [c.display_name]
        assert await search_for(pilot, search, "nobody-like-this") == []


async def test_search_follows_every_key_and_enter_opens_the_page(app, store):
    anna = make_customer("Anna", "Jansen")
    make_customer("Jan", "de Vries")
    make_customer("Piet", "Bakker")
    async with app.run_test(size=SIZE) as pilot:
        search = await open_customers(app, pilot)
        assert len(search.hits) == 3
        await pilot.press("j")
        await pilot.pause()
        assert sorted(h.name for h in search.hits) == ["Anna Jansen", "Jan de Vries"]
        await pilot.press(*"ans")
        await pilot.pause()
        assert [h.id for h in search.hits] == [anna]
        await pilot.press("enter")  # the only hit
        await pilot.pause()
        assert isinstance(app.screen, CustomerPageScreen)
        assert app.screen.customer_id == anna


async def test_list_pages_lazily_and_never_shows_a_customer_twice(app, store):
    for i in range(75):
        make_customer(f"Klant{i:02d}", "Paging", tags="stamgast")
    async with app.run_test(size=SIZE) as pilot:
        search = await open_customers(app, pilot)
        await search_for(pilot, search, "paging")
        table = search.table
        assert table.row_count == search.page_size < 75  # one page, not the table
        await pilot.press("down")  # into the table
        await pilot.press("end")  # to the last row: the next page comes
        await pilot.pause()
        assert table.row_count == 2 * search.page_size
        await pilot.press("end")
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        ids = [hit.id for hit in search.hits]
        assert len(ids) == 75 and len(set(ids)) == 75
        assert not search.has_more


async def test_deactivated_customers_hidden_until_f8(app, store):
    gone = make_customer("Oud", "Klant", active=False)
    async with app.run_test(size=SIZE) as pilot:
        search = await open_customers(app, pilot)
        assert await search_for(pilot, search, "oud") == []
        await pilot.press("f8")
        await pilot.pause()
        assert [h.id for h in search.hits] == [gone]


# -- Refused input: the message at the field, nothing written --------------------------

async def test_invalid_email_shown_at_the_field_and_nothing_written(app, store):
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        await type_into(pilot, "last_name", "Bakker")
        await type_into(pilot, "email", "piet@@bakker")
        await type_into(pilot, "city", "Haarlem")
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is form
        assert "not a valid e-mail address" in error_text(form, "email")
        assert app.focused is form.query_one("#email")
        assert Customer.select().count() == 0


async def test_contact_preference_without_consent_date_refused(app, store):
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        await type_into(pilot, "last_name", "Visser")
        await type_into(pilot, "mobile", "06-12345678")
        await tick(pilot, "contact_sms")
        await pilot.press("f4")
        await pilot.pause()
        assert "consent" in error_text(form, "consent_date")
        assert app.focused is form.query_one("#consent_date")
        assert Customer.select().count() == 0
        # With the date it is accepted.
        await pilot.press(*"2026-02-01", "f4")
        await pilot.pause()
        assert Customer.get(Customer.last_name == "Visser").contact_sms


async def test_custom_number_field_refuses_text(app, store):
    size = custom_fields.save_field(OWNER, "Shoe size", "number")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        await type_into(pilot, "last_name", "Smit")
        await type_into(pilot, f"custom_{size.id}", "abc")
        await pilot.press("f4")
        await pilot.pause()
        assert "must be a number" in error_text(form, f"custom_{size.id}")
        assert app.focused is form.query_one(f"#custom_{size.id}")
        assert Customer.select().count() == 0


async def test_duplicate_number_and_bad_discount_refused(app, store):
    make_customer("Eerste", "Klant", number="K-1")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        await type_into(pilot, "last_name", "Tweede")
        await type_into(pilot, "number", "K-1")
        await pilot.press("f4")
        await pilot.pause()
        assert "already used" in error_text(form, "number")
        await type_into(pilot, "number", "K-2")
        await type_into(pilot, "discount", "150")
        await pilot.press("f4")
        await pilot.pause()
        assert error_text(form, "number") == ""
        assert error_text(form, "discount")
        assert app.focused is form.query_one("#discount")
        assert Customer.select().count() == 1


# -- Feature switches ------------------------------------------------------------------

async def test_profile_field_only_with_the_switch_and_only_active_profiles(app, store):
    retail = masters.save_profile(OWNER, "Retail")
    masters.save_profile(OWNER, "Old chain", active=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        assert not form.query("#profile")  # switch off: no profile field at all
        await pilot.press("escape")
        await pilot.pause()
        config.set_switch(OWNER, "show_customer_profile", True)
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen
        profile = form.query_one("#profile", Select)
        profile.focus()
        await pilot.press("enter")  # open the list
        await pilot.pause()
        overlay = profile.query_one(SelectOverlay)
        offered = [str(overlay.get_option_at_index(i).prompt)
                   for i in range(overlay.option_count)]
        assert offered == ["No profile", "Retail"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert profile.value == retail.id
        await type_into(pilot, "last_name", "Dekker")
        await pilot.press("f4")
        await pilot.pause()
        assert Customer.get(Customer.last_name == "Dekker").profile_id == retail.id


async def test_type_hidden_everywhere_while_its_switch_is_off(app, store):
    """Show Customer Type off: the shop does not use types. No Type field on the
    form, no Type column in the lists, no Type line on the page."""
    staff = masters.list_types()[0]
    cid = make_customer("Daan", "Smit", customer_type_id=staff.id)
    config.set_switch(OWNER, "show_customer_type", False)
    async with app.run_test(size=SIZE) as pilot:
        search = await open_customers(app, pilot)
        assert [str(c.label) for c in search.table.columns.values()] == [
            "Number", "Name", "Phone", "E-mail", "City"]
        assert search.table.virtual_size.width <= search.table.scrollable_content_region.width
        assert "Staff" not in screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen
        assert not form.query("#customer_type")
        assert form.query("#discount")
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(CustomerPageScreen(cid))
        await pilot.pause()
        shown = screen_text(app)
        assert "Type" not in shown and "Staff" not in shown and "from the type" not in shown
        await pilot.press("e")  # editing keeps the hidden type
        await pilot.pause()
        await type_into(pilot, "city", "Gouda")
        await pilot.press("f4")
        await pilot.pause()
        assert Customer.get_by_id(cid).customer_type_id == staff.id
        app.push_screen(CustomerSearchPopup("daan"))
        await pilot.pause()
        assert [str(c.label) for c in app.screen.search.table.columns.values()][-1] == "City"


async def test_with_types_on_the_list_and_page_show_the_type(app, store):
    staff = masters.list_types()[0]
    cid = make_customer("Daan", "Smit", customer_type_id=staff.id)
    async with app.run_test(size=SIZE) as pilot:
        search = await open_customers(app, pilot)
        assert [str(c.label) for c in search.table.columns.values()][-1] == "Type"
        assert "Staff" in screen_text(app)
        app.push_screen(CustomerPageScreen(cid))
        await pilot.pause()
        assert "Staff" in screen_text(app)


async def test_every_bad_field_shown_at_once_and_focus_on_the_first(app, store):
    size = custom_fields.save_field(OWNER, "Shoe size", "number")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        await type_into(pilot, "last_name", "Bakker")
        await type_into(pilot, "email", "piet@@bakker")
        await type_into(pilot, "discount", "150")
        await type_into(pilot, f"custom_{size.id}", "1e999999")
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is form
        assert "not a valid e-mail address" in error_text(form, "email")
        assert "between 0 and 100" in error_text(form, "discount")
        assert "must be a number" in error_text(form, f"custom_{size.id}")
        assert app.focused is form.query_one("#email")  # the first, in the form's order
        assert Customer.select().count() == 0
        await type_into(pilot, "email", "piet@bakker.nl")
        await pilot.press("f4")
        await pilot.pause()
        assert error_text(form, "email") == ""  # fixed: its message goes
        assert error_text(form, "discount") and app.focused is form.query_one("#discount")


# -- Edit from the page, notes, deactivate ----------------------------------------------

async def test_page_edit_note_and_deactivate(app, store):
    cid = make_customer("Emma", "Meijer", city="Delft")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CustomerPageScreen(cid))
        await pilot.pause()
        page = app.screen
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CustomerFormScreen)
        await type_into(pilot, "city", "Leiden")
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is page
        assert Customer.get_by_id(cid).city == "Leiden"
        assert "Leiden" in str(page.query_one("#cp-left").render())

        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Allergic to nuts", "enter")
        await pilot.pause()
        assert app.screen is page
        assert [n.text for n in customers.notes(cid)] == ["Allergic to nuts"]
        assert "Allergic to nuts" in str(page.query_one("#cp-notes").render())

        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not Customer.get_by_id(cid).active
        await pilot.press("d", "y")
        await pilot.pause()
        assert Customer.get_by_id(cid).active


async def test_escape_asks_before_dropping_typed_details(app, store):
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        await type_into(pilot, "last_name", "Bos")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not form  # the question
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.screen is form
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, CustomersScreen)
        assert Customer.select().count() == 0


# -- The pop-up the Sales Bill uses -----------------------------------------------------

async def test_popup_returns_the_chosen_customer(app, store):
    make_customer("Jan", "de Vries")
    anna = make_customer("Anna", "Jansen")
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CustomerSearchPopup("jan"), results.append)
        await pilot.pause()
        popup = app.screen
        assert popup.query_one("#customer-query", Input).value == "jan"
        assert len(popup.search.hits) == 2
        await pilot.press(*"sen")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert results == [anna]

        app.push_screen(CustomerSearchPopup(), results.append)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert results == [anna, None]


async def test_popup_new_customer_assigned_to_sale_with_a_note(app, store):
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CustomerSearchPopup("Sanne de Wit"), results.append)
        await pilot.pause()
        assert app.screen.search.hits == []
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CustomerFormScreen) and form.assign_to_sale
        assert form.query_one("#first_name", Input).value == "Sanne"
        assert form.query_one("#last_name", Input).value == "de Wit"
        footer_keys = {b.binding.description for b in form.active_bindings.values()}
        assert "Assign to sale" in footer_keys and "Save" not in footer_keys
        await type_into(pilot, "note", "Wants the red kettle on order")
        await pilot.press("f4")
        await pilot.pause()
        [new_id] = results
        c = Customer.get_by_id(new_id)
        assert (c.first_name, c.last_name) == ("Sanne", "de Wit")
        note = CustomerNote.get(CustomerNote.customer == new_id)
        assert note.text == "Wants the red kettle on order" and note.author == OWNER.name
        assert not isinstance(app.screen, (CustomerFormScreen, CustomerSearchPopup))


async def test_assign_form_cancelled_returns_none(app, store):
    results: list = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CustomerFormScreen(assign_to_sale=True, initial_name="Noor"),
                        results.append)
        await pilot.pause()
        await pilot.press("escape")  # nothing typed beyond the name given: no question
        await pilot.pause()
        assert results == [None]
        assert Customer.select().count() == 0


async def test_brackets_typed_anywhere_are_text_not_markup(app, store):
    odd = make_customer("Jan [bold]", "[/x] de Vries")
    async with app.run_test(size=SIZE) as pilot:
        search = await open_customers(app, pilot)
        assert await search_for(pilot, search, "[/x") == ["Jan [bold] [/x] de Vries"]
        assert await search_for(pilot, search, "[/nothing]") == []
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen
        await type_into(pilot, "last_name", "Bob")
        await type_into(pilot, "email", "[/x]@")
        await pilot.press("f4")
        await pilot.pause()
        assert "[/x]@" in error_text(form, "email")
        await pilot.press("escape", "y")
        await pilot.pause()
        app.push_screen(CustomerPageScreen(odd))
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not Customer.get_by_id(odd).active
        assert isinstance(app.screen, CustomerPageScreen)


async def test_new_customer_after_a_search_that_found_no_one_starts_with_the_name(app, store):
    make_customer("Anna", "Jansen")
    async with app.run_test(size=SIZE) as pilot:
        search = await open_customers(app, pilot)
        await search_for(pilot, search, "anna")
        await pilot.press("f2")  # found someone: an empty form
        await pilot.pause()
        assert app.screen.query_one("#last_name", Input).value == ""
        await pilot.press("escape")
        await pilot.pause()
        await search_for(pilot, search, "Wim Kok")
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert (form.query_one("#first_name", Input).value,
                form.query_one("#last_name", Input).value) == ("Wim", "Kok")
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, CustomerPageScreen)
        assert Customer.get_by_id(app.screen.customer_id).last_name == "Kok"


async def test_enter_moves_to_the_next_field_in_the_form(app, store):
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        assert app.focused is form.query_one("#first_name")
        await pilot.press(*"Lotte", "enter", *"Smit", "enter")
        await pilot.pause()
        assert app.focused is form.query_one("#company")
        assert form.query_one("#last_name", Input).value == "Smit"
        assert Customer.select().count() == 0  # Enter never saves


async def test_hidden_profile_is_kept_when_editing(app, store):
    retail = masters.save_profile(OWNER, "Retail")
    cid = make_customer("Daan", "Smit", profile_id=retail.id)
    assert not config.get_settings().show_customer_profile
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CustomerPageScreen(cid))
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert not app.screen.query("#profile")
        await type_into(pilot, "city", "Gouda")
        await pilot.press("f4")
        await pilot.pause()
        saved = Customer.get_by_id(cid)
        assert saved.city == "Gouda" and saved.profile_id == retail.id


async def test_list_fits_80_columns_without_sideways_scrolling(app, store):
    for i in range(40):  # enough for a vertical scrollbar
        make_customer(f"Wilhelmina{i:02d}", "van der Zwaluwenstein", city="Hoogezand-Sappemeer",
                      email=f"wilhelmina{i}@zwaluwenstein-example.nl", phone="+31 6 1234 5678")
    async with app.run_test(size=SIZE) as pilot:
        for screen in ("list", "popup"):
            if screen == "list":
                search = await open_customers(app, pilot)
            else:
                app.push_screen(CustomerSearchPopup())
                await pilot.pause()
                search = app.screen.search
            table = search.table
            assert table.row_count and table.show_vertical_scrollbar
            assert table.virtual_size.width <= table.scrollable_content_region.width


# -- Text is text: hostile names everywhere a customer shows ---------------------------

HOSTILE = {  # first name → last name
    "Zoë [/]": "Visser",
    "[b]x[/b]": "Bold",
    "[link=x]y[/link]": "Link",
    "[@click=app.quit]": "Quit",
    "Emoji😀🎉": "Feest",
    "王小明": "王",
}
LONG_NAME = "Wilhelmina" + "x" * 50  # 60 characters, the column's limit


def hostile_shop() -> dict[str, int]:
    """Customers with hostile names, tags, notes, custom values, type and profile."""
    config.set_switch(OWNER, "show_customer_profile", True)
    ctype = masters.save_type(OWNER, "[red]VIP[/red] [/]", discount="5")
    profile = masters.save_profile(OWNER, "Horeca [/] 王")
    card = custom_fields.save_field(OWNER, "Kaart [/]", "text")
    ids = {}
    for first, last in HOSTILE.items():
        ids[first] = customers.save_customer(
            replace(OWNER, name="[b]Emma[/b]"), CustomerInput(first_name=first, last_name=last, additional=f"{first} #1",
                          tags=f"{first}, [i]tag[/i]", customer_type_id=ctype.id,
                          profile_id=profile.id, custom={card.id: f"{first} [/]"}),
            note=f"Note {first} [/b]").id
    ids[LONG_NAME] = make_customer(LONG_NAME, "")
    return ids


async def test_hostile_names_found_shown_and_edited_literally(app, store):
    ids = hostile_shop()
    async with app.run_test(size=SIZE) as pilot:
        search = await open_customers(app, pilot)
        for first, last in HOSTILE.items():
            search.query_input.focus()
            await pilot.press("ctrl+u")
            await type_text(pilot, first)
            await pilot.pause()
            assert [h.id for h in search.hits] == [ids[first]], first
            assert first[:12] in screen_text(app)
            await pilot.press("enter")  # the only hit: the page
            await pilot.pause()
            page = app.screen
            assert isinstance(page, CustomerPageScreen)
            shown = screen_text(app)
            for text in (first, f"Note {first} [/b]", "[b]Emma[/b]", "[red]VIP[/red] [/]",
                         "Horeca [/] 王", "[i]tag[/i]", "Kaart [/]", f"{first} [/]"):
                assert text in shown, (first, text)
            await pilot.press("e")  # edit: the form shows the values as typed
            await pilot.pause()
            form = app.screen
            assert isinstance(form, CustomerFormScreen)
            assert form.query_one("#first_name", Input).value == first
            assert form.query_one("#additional", Input).value == f"{first} #1"
            await type_into(pilot, "city", "Zwolle [/]")
            await pilot.press("f4")
            await pilot.pause()
            assert app.screen is page
            assert "Zwolle [/]" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
        assert Customer.get_by_id(ids["王小明"]).city == "Zwolle [/]"

        await search_for(pilot, search, "wilhelmina")
        # cut to its column by terminal cells, not wrapped or broken
        assert fit(LONG_NAME, search.table.columns["name"].width) in screen_text(app)


async def test_a_hostile_customer_typed_into_the_form_is_shown_as_typed(app, store):
    card = custom_fields.save_field(OWNER, "Kaart", "text")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        for field, text in [("first_name", "[@click=app.quit]"), ("last_name", "Zoë [/]"),
                            ("additional", "[link=x]y[/link]"), ("tags", "[b]x[/b], vip"),
                            (f"custom_{card.id}", "[i]42[/i]"), ("note", "Houdt van [/] 王小明")]:
            await paste_into(pilot, field, text)
        await pilot.press("f4")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, CustomerPageScreen)
        shown = screen_text(app)
        for text in ("[@click=app.quit] Zoë [/]", "[link=x]y[/link]", "[b]x[/b], vip",
                     "[i]42[/i]", "Houdt van [/] 王小明"):
            assert text in shown, text
        c = Customer.get(Customer.last_name == "Zoë [/]")
        assert (c.first_name, c.additional) == ("[@click=app.quit]", "[link=x]y[/link]")
        assert customers.custom_values(c.id) == {card.id: "[i]42[/i]"}


async def test_type_and_profile_names_are_literal_in_the_form_selects(app, store):
    ids = hostile_shop()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CustomerPageScreen(ids["Zoë [/]"]))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        for select_id, name in (("customer_type", "[red]VIP[/red] [/]"),
                                ("profile", "Horeca [/] 王")):
            select = form.query_one(f"#{select_id}", Select)
            select.focus()
            await pilot.press("enter")  # open the list
            await pilot.pause()
            overlay = select.query_one(SelectOverlay)
            offered = [str(overlay.get_option_at_index(i).prompt)
                       for i in range(overlay.option_count)]
            assert name in offered
            assert name in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()


async def test_hostile_names_in_the_bills_search_popup(app, store):
    ids = hostile_shop()
    async with app.run_test(size=SIZE) as pilot:
        app.open_screen("Sales Bill")
        await pilot.pause()
        bill = app.screen
        for first in ("[@click=app.quit]", "Zoë [/]", "王小明"):
            await pilot.press("f2")
            await pilot.pause()
            popup = app.screen
            assert isinstance(popup, CustomerSearchPopup)
            await pilot.press("ctrl+u")
            await type_text(pilot, first)
            await pilot.pause()
            assert [h.id for h in popup.search.hits] == [ids[first]]
            assert first in screen_text(app)
            await pilot.press("escape")  # (attaching is the bill's own test)
            await pilot.pause()
            assert app.screen is bill  # still running: no click quit the app


async def paste_into(pilot, field: str, text: str) -> None:
    """Paste into a field (a terminal's bracketed paste), replacing what it held."""
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.focus()
    await pilot.press("ctrl+u")
    widget.post_message(events.Paste(text))
    await pilot.pause()


async def test_too_long_name_and_control_character_refused_at_their_fields(app, store):
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(app, pilot)
        await paste_into(pilot, "first_name", "x" * 100_000)
        await type_into(pilot, "last_name", "Visser")
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen is form
        assert error_text(form, "first_name") == "First name is too long (60 characters at most)"
        assert app.focused is form.query_one("#first_name")
        await paste_into(pilot, "first_name", "Zoë")
        await paste_into(pilot, "city", "Zoë\x1b[2J")
        await pilot.press("f4")
        await pilot.pause()
        assert error_text(form, "first_name") == ""
        assert "control character" in error_text(form, "city")
        assert app.focused is form.query_one("#city")
        assert Customer.select().count() == 0


async def test_page_and_form_write_numbers_and_dates_as_the_store_does(app, store):
    assert config.get_settings().locale == "nl_NL"
    cid = make_customer("Eva", "Kok", discount="12.5", credit_limit="1234.5",
                        birthday="1980-11-24")
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CustomerPageScreen(cid))
        await pilot.pause()
        shown = screen_text(app)
        assert "12,5%" in shown and "EUR 1.234,50" in shown and "24-11-1980" in shown
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#discount", Input).value == "12,5"
        assert form.query_one("#credit_limit", Input).value == "1234,50"
        await pilot.press("escape")  # nothing changed: no question
        await pilot.pause()
        assert isinstance(app.screen, CustomerPageScreen)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("f4")  # saved as shown: the same numbers
        await pilot.pause()
        c = Customer.get_by_id(cid)
        assert (c.discount, c.credit_limit) == (Decimal("12.5"), Decimal("1234.50"))
