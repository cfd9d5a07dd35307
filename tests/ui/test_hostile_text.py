"""Text is text, on every screen: names that look like markup, emoji, wide CJK
and names at their full length are stored, then shown literally wherever they
appear — masters, customer page, the bill and its pop-ups, the receipt and the
reports — and no screen crashes.

The names are made through the services (each master's own Pilot tests type
them); this walk opens every screen and pop-up that shows them with the keys
a cashier and a manager press.
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import OptionList

from tests.ui.keys import SIZE, open_from_menu, screen_text, type_text
from tui_pos.services import catalog, config, custom_fields, customers, masters
from tui_pos.services.catalog import ItemInput
from tui_pos.services.customers import CustomerInput
from tui_pos.services.sales import SaleDraft, complete_sale
from tests.actors import OWNER

HOSTILE = ["Zoë [/]", "[b]x[/b]", "[link=x]y[/link]", "[@click=app.quit]q", "☕ Koffie 😀",
           "王小明 顾客"]
LONG_ITEM = "Mug " + "[/]" * 38 + "xy"  # 120 characters of markup-looking text


def hostile_store(vat_id: int) -> dict:
    s = config.get_settings()
    s.store_name = "[bold]Koffie[/bold] & [red]Co[/red]"
    s.show_customer_profile = True
    config.update_settings(OWNER, s)
    profiles = [masters.save_profile(OWNER, name) for name in HOSTILE]
    masters.save_profile(OWNER, "Horeca VIP")
    masters.save_profile(OWNER, "Horeca [red]VIP[/red]")
    types = [masters.save_type(OWNER, name, discount="5") for name in HOSTILE[:3]]
    catalog.save_vat_class(OWNER, "[i]Btw[/i] 🙂", "21")
    custom_fields.save_field(OWNER, "[u]Lid[/u]nr", "text")
    items = []
    for i, name in enumerate([*HOSTILE, LONG_ITEM]):
        items.append(catalog.save_item(OWNER, ItemInput(
            sku=f"H-{i}", name=name, price="1.00", vat_class_id=vat_id)))
    people = []
    for i, name in enumerate(HOSTILE):
        people.append(customers.save_customer(OWNER, CustomerInput(
            first_name=name, last_name=f"Klant{i}", tags=f"[t{i}]tag",
            customer_type_id=types[i % 3].id, profile_id=profiles[i].id,
            additional=f"[/]{i}"), note=f"[note]{i}[/note]"))
    vip = customers.save_customer(OWNER, CustomerInput(
        first_name="Vera", last_name="Vip",
        customer_type_id=masters.save_type(OWNER, "[red]VIP[/red] [/]", discount="10").id,
        profile_id=masters.save_profile(OWNER, "Horeca [/] 王").id))
    return {"profiles": profiles, "items": items, "people": people, "vip": vip}


def sell_each(data) -> None:
    for i, person in enumerate(data["people"]):
        draft = SaleDraft.new()
        draft.set_customer(person.id)
        draft.add_item(f"H-{i}")
        complete_sale(OWNER, draft, at=dt.datetime.now().replace(microsecond=0))


async def back_to_menu(pilot) -> None:
    for _ in range(6):
        if pilot.app.screen.query("#menu"):
            return
        await pilot.press("escape")
        await pilot.pause()


async def test_every_master_screen_shows_hostile_names_literally(app, store):
    data = hostile_store(store["vat"]["Hoog"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[bold]Koffie[/bold]" in text  # the store name on the main menu
        for screen, expected in (
                ("Customer Profile", HOSTILE + ["Horeca [red]VIP[/red]", "Horeca VIP"]),
                ("Customer Types", HOSTILE[:3]),
                ("VAT Classes", ["[i]Btw[/i] 🙂"]),
                ("Custom Fields", ["[u]Lid[/u]nr"]),
                ("Items", HOSTILE[:3])):
            await open_from_menu(pilot, screen)
            text = screen_text(app)
            for name in expected:
                assert name in text, (screen, name)
            await back_to_menu(pilot)
        await open_from_menu(pilot, "Business Configuration")
        assert "[bold]Koffie[/bold] & [red]Co[/red]" in screen_text(app)
        await back_to_menu(pilot)
        assert app.is_running
    assert len(data["items"]) == 7


async def test_customers_and_their_page_show_hostile_text_literally(app, store):
    data = hostile_store(store["vat"]["Hoog"])
    sell_each(data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_from_menu(pilot, "Customers")
        await type_text(pilot, "klant")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        for name in ("Zoë [/] Klant0", "[b]x[/b] Klant1", "[link=x]y[/link]…", "王小明 顾客"):
            assert name in text, name
        await pilot.press("down")  # into the list
        await pilot.press("enter")  # the first one's page
        await pilot.pause()
        text = screen_text(app)
        assert "Zoë [/] Klant0" in text
        assert "[note]0[/note]" in text and "[t0]tag" in text and "Zoë [/]" in text
        assert app.is_running


async def test_a_sale_with_hostile_names_from_bill_to_receipt_and_reports(app, store):
    data = hostile_store(store["vat"]["Hoog"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_from_menu(pilot, "Sales Bill")
        await type_text(pilot, "vera")
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Vera Vip" in text and "[red]VIP[/red] [/]" in text and "Horeca [/] 王" in text
        await pilot.press("ctrl+r")  # remove the customer again
        await pilot.pause()
        for _ in range(4):  # back to the customer field, as a cashier would
            if app.focused.id == "customer":
                break
            await pilot.press("shift+tab")
        assert app.focused.id == "customer"
        await type_text(pilot, "klant1")
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "[b]x[/b] Klant1" in text
        assert "[b]x[/b]" in text  # the profile, in the select, literally
        assert app.focused.id == "code"  # the next scan goes to the item field
        for i in range(7):
            await type_text(pilot, f"H-{i}")
            await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        for name in HOSTILE[:4]:
            assert name in text, name
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "[link=x]y[/link]" in text and "[bold]Koffie[/bold]" in text  # the receipt
        await pilot.press("enter")
        await pilot.pause()
        await back_to_menu(pilot)
        await open_from_menu(pilot, "Reports")
        await pilot.press("f5")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the report is added up in a worker
        await pilot.pause()
        text = screen_text(app)
        assert "[b]x[/b]" in text  # sales by profile
        assert app.is_running
    assert len(data["people"]) == len(HOSTILE)
