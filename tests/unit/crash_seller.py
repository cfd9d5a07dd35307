"""A till that sells until it is killed: the subprocess of test_crash.py.

Usage: ``python crash_seller.py DATABASE RECEIPTS_FOLDER``. It imports tui-pos
once, then for each ``go`` line on stdin forks a worker that does what the
app does — open the store, repair the receipt files (the start-up check),
complete sales one after another with their receipt files — saying each step
on stdout. The test SIGKILLs workers at random moments. Forking makes a
kill-and-restart cost milliseconds instead of a Python start-up.

A sale is paid in cash, by card, split card + cash, or (for the store's one
credit customer) on account, alone or split with a card. Now and then a worker
takes one item back against one of the latest receipts (``return NUMBER``: a
return is numbered as a sale), and now and then it closes its register with a Z
(counted as expected) and opens it again (``z NUMBER``).

Lines on stdout: ``worker PID``, ``repaired N``, ``ready``, ``sale NUMBER``, ``return NUMBER``,
``z NUMBER``, ``error MESSAGE`` (a receipt file not saved), ``exit PID CODE`` (from the
parent, after the worker died; CODE is -9 after SIGKILL).
"""

from __future__ import annotations

import os
import random
import sys
import traceback

from tui_pos.db.connection import open_database
from tui_pos.db.models import Customer, Sale
from tui_pos.services.receipts import repair_receipts
from tui_pos.services import register, returns, tenders
from tui_pos.services.tenders import TenderInput
from tui_pos.services.actors import cli_actor
from tui_pos.services.sales import SaleDraft, complete_sale

SKUS = ("MUG-01", "COF-250", "GIFT-25")


def say(line: str) -> None:
    os.write(1, f"{line}\n".encode())  # one write: lines of two processes never mix


def sell(database: str, folder: str) -> None:
    say(f"worker {os.getpid()}")
    open_database(database)
    say(f"repaired {len(repair_receipts(folder).rewritten)}")
    actor = cli_actor("crash")
    if register.current_id(actor.terminal) is None:  # a sale needs the register open
        register.open_register(actor, "1000.00")
    say("ready")
    rng = random.Random(os.getpid())
    account = Customer.get(Customer.number == "900").id  # the credit customer
    while True:
        if rng.random() < 0.4 and take_back(rng, folder):  # a return against a receipt
            continue
        if rng.random() < 0.05:
            close_and_reopen(actor)
            continue
        draft = SaleDraft.new()
        for _ in range(rng.randint(1, 3)):
            draft.add_item(rng.choice(SKUS), str(rng.randint(1, 3)))
        paid_by = payment(rng, draft, account)
        done = complete_sale(cli_actor("crash"), draft, paid_by, receipts_dir=folder)
        if done.receipt_error:
            say(f"error {done.receipt_error}")
        say(f"sale {done.number}")


def payment(rng: random.Random, draft: SaleDraft, account: int) -> list[TenderInput]:
    """Cash, card, card + cash, on account, or card + on account (the customer attached)."""
    cash, card = (tenders.method_of_kind(kind).id for kind in ("cash", "card"))
    on_account = tenders.method_of_kind("account").id
    way = rng.choice(("cash", "card", "split", "account", "card+account"))
    if way in ("account", "card+account"):
        draft.set_customer(account)
    part = "1.00"  # the card's part of a split; the rest in cash or on account
    return {"cash": [TenderInput(cash, "1000")], "card": [TenderInput(card)],
            "split": [TenderInput(card, part), TenderInput(cash, "1000")],
            "account": [TenderInput(on_account)],
            "card+account": [TenderInput(card, part), TenderInput(on_account)]}[way]


def close_and_reopen(actor) -> None:
    """The Z: every tender counted as the books expect, then a new session."""
    session = register.require_open(actor.terminal)
    expected = {t.method: str(t.expected) for t in register.x_report(session).tenders}
    z = register.close_register(actor, expected)
    say(f"z {z.z_number}")
    register.open_register(actor, "1000.00")


def take_back(rng: random.Random, folder: str) -> bool:
    """Return one unit of a line still left on one of the latest sales, refunded to
    its original tender; False when there is nothing to take back."""
    latest = [n for (n,) in Sale.select(Sale.number)
              .where((Sale.kind == "sale") & (Sale.status == "completed"))
              .order_by(Sale.number.desc()).limit(10).tuples()]
    if not latest:
        return False
    number = rng.choice(latest)
    left = [line for line in returns.returnable(number).lines if line.returnable >= 1]
    if not left:
        return False
    done = returns.complete_return(cli_actor("crash"), number,
                                   [(rng.choice(left).id, "1")], receipts_dir=folder)
    if done.receipt_error:
        say(f"error {done.receipt_error}")
    say(f"return {done.number}")
    return True


def main() -> None:
    database, folder = sys.argv[1:3]
    for command in sys.stdin:
        if command.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:  # the worker: sells until killed
            try:
                sell(database, folder)
            except BaseException:  # a bug: the test sees the exit code and this trace
                traceback.print_exc()
            finally:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        say(f"exit {pid} {os.waitstatus_to_exitcode(status)}")


if __name__ == "__main__":
    main()
