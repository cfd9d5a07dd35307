"""Pilot tests: a real SQLite file per test, the app at 80×24."""

from __future__ import annotations

import pytest

from tui_pos.db.connection import close_database, open_database
from tui_pos.services import catalog, masters
from tui_pos.services.catalog import ItemInput
from tests.actors import OWNER
from tests.registers import open_registers



@pytest.fixture
def db_path(db_target):
    return db_target


@pytest.fixture
def store(db_path):
    """A small store: VAT 21/9/0, three items (one not discountable), no sales.

    The services run on the same file the app opens; the app re-binds the
    database when it starts.
    """
    open_database(db_path)
    open_registers()  # a sale needs an open register on its terminal (tests/registers.py)
    vat = {name: catalog.save_vat_class(OWNER, name, rate)
           for name, rate in (("Hoog", "21"), ("Laag", "9"), ("Nul", "0"))}
    catalog.save_item(OWNER, ItemInput(sku="MUG-01", barcode="8712345000048",
                                       name="Stoneware mug", price="12.10",
                                       vat_class_id=vat["Hoog"].id))
    catalog.save_item(OWNER, ItemInput(sku="COF-250", barcode="8712345000017",
                                       name="Coffee beans 250 g", price="6.95",
                                       vat_class_id=vat["Laag"].id))
    catalog.save_item(OWNER, ItemInput(sku="GIFT-25", name="Gift card 25", price="25.00",
                                       vat_class_id=vat["Nul"].id, discountable=False))
    masters.save_type(OWNER, "Staff", discount="15")
    yield {"path": db_path, "vat": {k: v.id for k, v in vat.items()}}
    close_database()


@pytest.fixture
def app(store):
    from tui_pos.ui.app import PosApp

    return PosApp(database=store["path"], actor=OWNER)
