"""The demo store: VAT classes, items, profiles, types, customers and a month of sales."""

from __future__ import annotations

import datetime as dt
import random

from tui_pos.db.models import Customer, Item, database
from tui_pos.services import (
    catalog, config, custom_fields, customers, masters, register, setup, staff,
)
from tui_pos.services.actors import Actor
from tui_pos.services.catalog import ItemInput
from tui_pos.services.customers import CustomerInput
from tui_pos.services.sales import SaleDraft, complete_sale

ITEMS = [
    # sku, barcode, name, price, vat, discountable, labour
    ("COF-250", "8712345000017", "Coffee beans 250 g", "6.95", "Laag", True, False),
    ("TEA-100", "8712345000024", "Green tea 100 g", "4.50", "Laag", True, False),
    ("BRD-01", "8712345000031", "Sourdough bread", "3.95", "Laag", True, False),
    ("MUG-01", "8712345000048", "Stoneware mug", "12.10", "Hoog", True, False),
    ("GRN-01", "8712345000055", "Coffee grinder", "49.95", "Hoog", True, False),
    ("BOOK-01", "9789012345672", "Barista handbook", "24.99", "Laag", True, False),
    ("GIFT-25", "8712345000062", "Gift card 25", "25.00", "Nul", False, False),
    ("LAB-REP", "", "Repair labour (per hour)", "60.50", "Hoog", False, True),
]

PEOPLE = [
    ("Jan", "de Vries", "", "Retail", "", "06-12345678", "jan@devries.nl", "Amsterdam", "vip, coffee"),
    ("Anna", "Jansen", "", "Retail", "", "06-23456789", "anna.jansen@example.nl", "Utrecht", "tea"),
    ("Pieter", "Bakker", "Bakkerij Bakker", "Wholesale", "Wholesale", "020-5551234",
     "inkoop@bakkerijbakker.nl", "Haarlem", "horeca"),
    ("Sophie", "Visser", "", "Online", "", "06-34567890", "sophie@visser.nl", "Leiden", "newsletter"),
    ("Daan", "Smit", "", "Retail", "Staff", "06-45678901", "daan@dehoek.nl", "Amsterdam", "staff"),
    ("Emma", "Meijer", "", "Retail", "", "06-56789012", "emma.meijer@example.nl", "Delft", ""),
    ("Lars", "Andersen", "Nordic Export AB", "Wholesale", "Tax exempt", "+46 8 123 456",
     "lars@nordicexport.se", "Stockholm", "export"),
    ("Fleur", "de Boer", "", "Online", "", "06-67890123", "fleur@deboer.nl", "Rotterdam", "coffee"),
    ("Mohamed", "El Amrani", "", "Retail", "", "06-78901234", "m.elamrani@example.nl",
     "Amsterdam", "vip"),
    ("Noor", "Mulder", "", "", "", "06-89012345", "", "Zaandam", ""),
    ("Ruben", "Dekker", "", "Retail", "Staff", "06-90123456", "ruben@dehoek.nl", "Amsterdam", "staff"),
    ("Julia", "Bos", "Café Bos", "Wholesale", "Wholesale", "010-5554321", "info@cafebos.nl",
     "Rotterdam", "horeca, coffee"),
]


def demo_vat_classes(actor: Actor) -> dict:
    """The Dutch standard classes (Hoog 21 %, Laag 9 %, Nul 0 %), made the way
    ``tui-pos init`` makes them for a new store; those already there are kept."""
    setup.create_standard_vat_classes(actor)
    vat = {v.name: v for v in catalog.list_vat_classes(include_inactive=True)}
    for name, rate in setup.standard_vat_classes("nl_NL"):
        if name not in vat:
            vat[name] = catalog.save_vat_class(actor, name, rate)
    return vat


def demo_configuration(actor: Actor) -> dict:
    """The demo store's VAT classes and its Business Configuration; returns the
    VAT classes by name."""
    vat = demo_vat_classes(actor)
    s = config.get_settings()
    s.store_name = "De Hoek — koffie & thee"
    s.address = "Prinsengracht 100\n1015 EA Amsterdam"
    s.vat_number = "NL123456789B01"
    s.default_vat_class_id = vat["Hoog"].id
    s.receipt_footer = "Dank je wel! Thank you!"
    s.show_customer_profile = True
    config.update_settings(actor, s)
    return vat

# The demo store's staff and PINs, as the README lists them; `tui-pos --demo` opens
# signed in as its cashier, so a first look needs no PIN (a real store always asks).
DEMO_STAFF = [("Eva", "owner", "2468"), ("Mark", "manager", "1357"),
              ("Sanne", "cashier", "1234"), ("Joris", "cashier", "5678")]
DEMO_CASHIER = "Sanne"


def add_demo_staff(actor: Actor) -> None:
    """The demo staff, each unless the store already has someone of that name
    (``actor`` makes an owner: an owner, such as the command line)."""
    for name, role, pin in DEMO_STAFF:
        if staff.find_staff(name) is None:
            staff.save_staff(actor, name, role, pin)


def demo_tills() -> list[Actor]:
    """The demo's sales are rung up by its cashiers, each at a till of their own."""
    cashiers = [name for name, role, _ in DEMO_STAFF if role == "cashier"]
    return [staff.actor_for(staff.find_staff(name), f"till-{n}")
            for n, name in enumerate(cashiers, start=1)]


def demo_pin(name: str) -> str:
    return next(pin for who, _, pin in DEMO_STAFF if who == name)


def build_demo_store(actor: Actor, sales_days: int = 30, seed: int = 7) -> bool:
    """Fill an empty, migrated database with the demo store, all of it in one
    transaction (a failure, e.g. a full disk, leaves none of it). Returns
    False, adding nothing, when the store already has items or customers. ``actor``
    (a manager or above) is recorded in the audit log as who set the store up."""
    with database.atomic():
        if Customer.select().exists() or Item.select().exists():
            return False
        add_demo_staff(actor)
        _fill_demo_store(actor, sales_days, seed)
    return True


def _fill_demo_store(actor: Actor, sales_days: int, seed: int) -> None:
    vat = demo_configuration(actor)
    for sku, barcode, name, price, vat_name, discountable, labour in ITEMS:
        catalog.save_item(actor, ItemInput(
            sku=sku, barcode=barcode, name=name, price=price, vat_class_id=vat[vat_name].id,
            discountable=discountable, is_labour=labour))
    profiles = {name: masters.save_profile(actor, name)
                for name in ("Retail", "Wholesale", "Online")}
    masters.save_profile(actor, "Seasonal 2025", active=False)
    types = {
        "Staff": masters.save_type(actor, "Staff", discount="15"),
        "Wholesale": masters.save_type(actor, "Wholesale", discount="10"),
        "Tax exempt": masters.save_type(actor, "Tax exempt", vat_class_id=vat["Nul"].id),
    }
    membership = custom_fields.save_field(actor, "Loyalty card", "text")
    custom_fields.save_field(actor, "Preferred contact time", "choice",
                             options="Morning, Afternoon, Evening")
    today = dt.date.today()
    people = []
    for n, (first, last, company, profile, ctype, phone, email, city, tags) in enumerate(PEOPLE):
        consent = today - dt.timedelta(days=200) if email else ""
        people.append(customers.save_customer(actor, CustomerInput(
            first_name=first, last_name=last, company=company, phone=phone, email=email,
            city=city, country="Sweden" if city == "Stockholm" else "Nederland",
            profile_id=profiles[profile].id if profile else None,
            customer_type_id=types[ctype].id if ctype else None,
            additional=f"M-{2400 + n}", tags=tags,
            contact_email=bool(email), consent_date=consent,
            consent_note="Signed at the counter" if email else "",
            newsletter="newsletter" in tags,
            credit_limit="500" if company else "",
            custom={membership.id: f"LC{9000 + n}"},
        ), note="Demo customer" if n == 0 else ""))
    rng = random.Random(seed)
    items = list(Item.select())
    tills = demo_tills()
    for till in tills:  # the month's sales in one register session per till, Z-closed after
        register.open_register(till, "150")
    for day in range(sales_days, 0, -1):
        for _ in range(rng.randint(1, 3)):
            draft = SaleDraft.new()
            who = rng.choice(people + [None, None])
            if who is not None:
                draft.set_customer(who.id)
            for item in rng.sample(items, rng.randint(1, 3)):
                draft.add_item_id(item.id, str(rng.randint(1, 3)))
            at = dt.datetime.combine(today - dt.timedelta(days=day),
                                     dt.time(rng.randint(9, 17), rng.randint(0, 59)))
            complete_sale(tills[day % len(tills)], draft, at=at)
    for till in tills:  # counted exactly: a new user's own till starts closed (open it first)
        report = register.x_report(register.require_open(till.terminal))
        register.close_register(till, {t.method: t.expected for t in report.tenders
                                       if t.countable})
