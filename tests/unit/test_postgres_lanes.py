"""Two lanes selling at once on one store (SQLite and PostgreSQL alike): every
sale saved, each with its own number, and the by-item sums still add up."""

from __future__ import annotations

import threading
from dataclasses import replace

import peewee as pw

from tests.actors import CASHIER
from tests.registers import open_registers
from tui_pos.db.models import Sale, SaleLine, database
from tui_pos.errors import ValidationError
from tui_pos.services.sales import SaleDraft, complete_sale

LANES = 2
SALES_EACH = 12


def test_two_lanes_selling_at_once_never_share_a_number_or_lose_a_sale(shop, tmp_path):
    start = threading.Barrier(LANES)
    numbers: list[int] = []
    failures: list[BaseException] = []

    def lane(name: str) -> None:
        cashier = replace(CASHIER, name=name, terminal=name)
        try:
            start.wait(30)
            for i in range(SALES_EACH):
                draft = SaleDraft.new()
                draft.add_item("MUG-01", str(1 + i % 3))
                draft.add_item("COF-250")  # both lanes write the same item's sums
                numbers.append(complete_sale(cashier, draft,
                                             receipts_dir=tmp_path / name).number)
        except (ValidationError, pw.DatabaseError, threading.BrokenBarrierError) as exc:
            failures.append(exc)
        finally:
            database.close()  # this thread's own connection

    open_registers([f"lane-{n}" for n in range(LANES)])  # a sale needs an open register
    lanes = [threading.Thread(target=lane, args=(f"lane-{n}",)) for n in range(LANES)]
    for t in lanes:
        t.start()
    for t in lanes:
        t.join(120)
    assert failures == []
    assert sorted(numbers) == list(range(1, LANES * SALES_EACH + 1))
    assert Sale.select().count() == LANES * SALES_EACH
    assert SaleLine.select().count() == 2 * LANES * SALES_EACH
    sold = {row.terminal: row.count for row in Sale.select(
        Sale.terminal, pw.fn.COUNT(Sale.id).alias("count")).group_by(Sale.terminal)}
    assert sold == {f"lane-{n}": SALES_EACH for n in range(LANES)}
    assert summed("item_sales_day") == summed("sale_line") == summed("item_sales_month")


def summed(table: str) -> dict[str, tuple[int, int]]:
    """Per SKU: the quantity and the number of lines, as ``table`` holds them."""
    lines = "COUNT(*)" if table == "sale_line" else "SUM(lines)"
    return {sku: (int(quantity), int(count)) for sku, quantity, count in database.execute_sql(
        f"SELECT sku, SUM(quantity), {lines} FROM {table} GROUP BY sku").fetchall()}
