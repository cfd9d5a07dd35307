"""Nothing is lost: a killed process mid-sale leaves no half sale; several
terminals selling at once get unique, gap-free numbers."""

from __future__ import annotations

import subprocess
import sys
import threading
from decimal import Decimal

from tui_pos.db.connection import close_database, open_database
from tui_pos.db.models import Sale, SaleLine, Sequence, database
from tui_pos.services import catalog
from tui_pos.services.catalog import ItemInput
from tui_pos.services.sales import SaleDraft, complete_sale
from tests.actors import OWNER
from tests.registers import open_register, open_registers

KILLED_MID_SALE = r"""
import os, sys
from tui_pos.db.connection import open_database
from tui_pos.db import bulk, models
from tui_pos.services.actors import cli_actor
from tui_pos.services.sales import SaleDraft, complete_sale

OWNER = cli_actor("crash-test")
open_database(sys.argv[1])
real_insert = bulk.insert_rows
def insert_then_die(model, *args, **kwargs):
    if model is models.SaleVat:
        os._exit(9)  # the terminal is killed after the sale and its lines were inserted
    return real_insert(model, *args, **kwargs)
bulk.insert_rows = insert_then_die
draft = SaleDraft.new()
draft.add_item("MUG-01", "2")
complete_sale(OWNER, draft)
"""


def make_store(path: str) -> None:
    open_database(path)
    open_registers()  # a sale needs an open register on its terminal
    open_register("crash-test")  # the killed process's (cli_actor("crash-test"))
    vat = catalog.save_vat_class(OWNER, "Hoog", "21")
    catalog.save_item(OWNER, ItemInput(sku="MUG-01", name="Mug", price="12.10",
                                       vat_class_id=vat.id))


def test_a_killed_process_mid_sale_leaves_no_trace(tmp_path):
    path = str(tmp_path / "pos.db")
    make_store(path)
    close_database()
    result = subprocess.run([sys.executable, "-c", KILLED_MID_SALE, path])
    assert result.returncode == 9
    open_database(path)
    try:
        assert Sale.select().count() == 0
        assert SaleLine.select().count() == 0
        assert Sequence.get(Sequence.name == "sale").value == 0
        draft = SaleDraft.new()
        draft.add_item("MUG-01")
        assert complete_sale(OWNER, draft).number == 1  # the next sale goes through normally
    finally:
        close_database()


def test_terminals_selling_at_once_get_unique_numbers(tmp_path):
    path = str(tmp_path / "pos.db")
    make_store(path)
    errors: list[BaseException] = []

    def terminal() -> None:
        try:
            for _ in range(15):
                draft = SaleDraft.new()
                draft.add_item("MUG-01", "1")
                complete_sale(OWNER, draft, tendered="20")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            database.close()  # this thread's connection

    threads = [threading.Thread(target=terminal) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        numbers = sorted(s.number for s in Sale.select(Sale.number))
        assert numbers == list(range(1, 46))
        assert SaleLine.select().count() == 45
        assert sum(s.total for s in Sale.select()) == Decimal("12.10") * 45
    finally:
        close_database()


def test_a_locked_database_refuses_the_sale_clearly_and_keeps_the_bill(tmp_path):
    import sqlite3

    import pytest

    from tui_pos.services.errors import ValidationError

    path = str(tmp_path / "pos.db")
    make_store(path)
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another terminal holds the write lock
    try:
        database.execute_sql("PRAGMA busy_timeout = 50")
        with pytest.raises(ValidationError) as refused:
            complete_sale(OWNER, draft)
        assert refused.value.field == "method"
        assert "could not be saved" in refused.value.message
        assert "still open" in refused.value.message
    finally:
        other.execute("ROLLBACK")
        other.close()
    try:
        assert Sale.select().count() == 0
        assert len(draft.lines) == 1
        assert complete_sale(OWNER, draft).number == 1  # once the lock is gone it goes through
    finally:
        close_database()
