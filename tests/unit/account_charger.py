"""One till charging (or paying) one customer's account: the subprocess of
test_accounts.py's eight-process test.

Usage: ``python account_charger.py DATABASE CUSTOMER_ID TERMINAL charge|pay AMOUNT TIMES``.
It opens the store, says ``ready``, waits for ``go`` on stdin, then does its
part TIMES times — a charge inside its own transaction as a sale would
(``charge_in_sale`` in ``database.atomic()``), or a payment on account — and
prints ``done OK REFUSED`` (refused: over the limit without a manager).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace

from tui_pos.db.connection import open_database
from tui_pos.db.models import TenderMethod, database
from tui_pos.errors import NeedsApproval
from tui_pos.services import accounts
from tui_pos.services.actors import Actor


def say(line: str) -> None:
    os.write(1, f"{line}\n".encode())


def main() -> None:
    target, customer, terminal, what, amount, times = sys.argv[1:7]
    customer_id = int(customer)
    cashier = Actor(staff_id=None, name=f"cashier {terminal}", role="cashier",
                    terminal=terminal)
    open_database(target, migrate=False)
    cash = TenderMethod.get(TenderMethod.kind == "cash").id
    say("ready")
    if sys.stdin.readline().strip() != "go":
        return
    done = refused = 0
    for _ in range(int(times)):
        try:
            if what == "charge":
                with database.atomic():  # the sale's own transaction
                    accounts.charge_in_sale(replace(cashier), customer_id, amount, None, None)
            else:
                accounts.take_payment(cashier, customer_id, amount, cash, width=32)
            done += 1
        except NeedsApproval:
            refused += 1
    database.close()
    say(f"done {done} {refused}")


if __name__ == "__main__":
    main()
