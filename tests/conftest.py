"""Shared fixtures: a fresh, real SQLite file per test (no mocked database).

``db`` opens an empty, migrated database; ``shop`` fills it with a small
Dutch store (VAT 21/9/0, a few items, two types, two profiles).
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from hypothesis import settings

from tui_pos.db.connection import close_database, open_database

# Property tests: the same examples on every run of the test command, so CI is
# repeatable; `HYPOTHESIS_PROFILE=explore` searches new ones (run it while working).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture
def db_file(tmp_path):
    return str(tmp_path / "pos.db")


@pytest.fixture
def db(db_file):
    database = open_database(db_file)
    yield database
    close_database()


@pytest.fixture
def shop(db):
    from tui_pos.services import catalog, masters
    from tui_pos.services.catalog import ItemInput

    vat = {name: catalog.save_vat_class(name, rate)
           for name, rate in (("Hoog", "21"), ("Laag", "9"), ("Nul", "0"))}
    items = {
        "MUG-01": catalog.save_item(ItemInput(
            sku="MUG-01", barcode="8712345000048", name="Stoneware mug", price="12.10",
            vat_class_id=vat["Hoog"].id)),
        "COF-250": catalog.save_item(ItemInput(
            sku="COF-250", barcode="8712345000017", name="Coffee beans 250 g", price="6.95",
            vat_class_id=vat["Laag"].id)),
        "GIFT-25": catalog.save_item(ItemInput(
            sku="GIFT-25", name="Gift card 25", price="25.00", vat_class_id=vat["Nul"].id,
            discountable=False)),
        "LAB-REP": catalog.save_item(ItemInput(
            sku="LAB-REP", name="Repair labour", price="60.50", vat_class_id=vat["Hoog"].id,
            is_labour=True)),
    }
    types = {
        "Staff": masters.save_type("Staff", discount="15"),
        "Tax exempt": masters.save_type("Tax exempt", vat_class_id=vat["Nul"].id),
    }
    profiles = {name: masters.save_profile(name) for name in ("Retail", "Wholesale")}
    return SimpleNamespace(db=db, vat=vat, items=items, types=types, profiles=profiles)
