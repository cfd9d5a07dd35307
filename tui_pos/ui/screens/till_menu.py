"""The Till menu on the Sales Bill (F8 or Ctrl+G): everything a cashier does at the
counter besides ringing up a bill — park and recall, a payment on account, a return,
a void, a reprint, the register's paid in/out, X and Z — one key away, each with its
letter, so no terminal needs an F-key beyond the one that opens it.

Each entry is (letter, label, the Sales Bill action it runs). The bill screen runs
the chosen action with ``run_action``; an action it does not have yet is left out.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui_pos.ui.literal import literal
from tui_pos.ui.screens.base import PosModal

# (letter, label, action on SalesBillScreen) — one line per feature, in counter order
TILL_ACTIONS: list[tuple[str, str, str]] = [
    ("p", "Park this bill", "park_bill"),
    ("r", "Recall a parked bill", "recall_bill"),
    ("a", "Payment on account", "account_payment"),
    ("t", "Return items", "return_items"),
    ("v", "Void a sale", "void_sale"),
    ("e", "Reprint a receipt", "reprint_receipt"),
    ("o", "Open register", "open_register"),
    ("i", "Paid in", "paid_in"),
    ("u", "Paid out", "paid_out"),
    ("n", "No sale", "no_sale"),
    ("x", "X report", "x_report"),
    ("z", "Close register (Z)", "close_register"),
]


class TillMenu(PosModal[str]):
    """Pick a till action with its letter, or the arrows and Enter; Esc: back to the bill."""

    DEFAULT_CSS = """
    TillMenu OptionList { height: auto; max-height: 18; width: 50; }
    """

    def __init__(self, available: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.available = available

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Till — press a letter", classes="dialog-question")
            yield OptionList(*(Option(literal(f"{letter.upper()}  {label}"), id=action)
                               for letter, label, action in self.available), id="till-actions")

    def on_mount(self) -> None:
        menu = self.query_one(OptionList)
        menu.highlighted = 0  # Enter on the first at once, the arrows from there
        menu.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event) -> None:
        key = (event.character or "").lower()
        for letter, _label, action in self.available:
            if key and key == letter.lower():
                event.stop()
                self.dismiss(action)
                return

