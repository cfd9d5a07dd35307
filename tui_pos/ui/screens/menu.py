"""The main menu, shaped like the seed's: Tools, Master, Sales, Reports."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from tui_pos.services import config
from tui_pos.ui.literal import literal

MENU: list[tuple[str, list[str]]] = [
    ("Tools › Configuration", ["Business Configuration", "Terminal Settings"]),
    ("Master › Customer", ["Customers", "Customer Profile", "Customer Types", "Custom Fields",
                           "Import Customers"]),
    ("Master › Inventory", ["Items", "VAT Classes"]),
    ("Master › Sales", ["Tender Methods", "Vouchers"]),
    ("Master › Staff", ["Staff"]),
    ("Sales", ["Sales Bill", "Register"]),
    ("Reports", ["Reports", "Sales Trend", "Void Report", "Audit Log"]),
]
# marked, not hidden: a cashier opening the Audit Log, or saving a change in the
# others, is asked for a manager's PIN on the spot
NEEDS_MANAGER = {"Audit Log", "Business Configuration", "Customer Profile", "Customer Types",
                 "Custom Fields", "Import Customers", "Items", "VAT Classes", "Staff",
                 "Terminal Settings", "Tender Methods", "Vouchers"}
MANAGER_MARK = "  [manager]"


class MainMenuScreen(Screen):
    TITLE = "Main Menu"
    HELP = ("Arrow keys move, Enter opens. Every screen is also in the command "
            "palette (Ctrl+P) by its name. F2 (or Ctrl+G) opens the Sales Bill directly.\n"
            "[manager] marks what needs a manager: a cashier may look, and a change "
            "asks for a manager's PIN on the spot.")
    BINDINGS = [
        # not priority: the menu has no field that could take F2 first
        Binding("f2,ctrl+g", "open('Sales Bill')", "Sales Bill", key_display="F2",
                id="menu.sales"),
        Binding("enter", "select", "Open", show=False, id="menu.open"),
        Binding("ctrl+x", "app.quit_pos", "Quit", id="menu.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield Static(id="store-name")
        yield OptionList(id="menu")
        yield Footer()

    def on_mount(self) -> None:
        self.build()
        self.query_one("#menu", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.build()

    def build(self) -> None:
        settings = config.get_settings()
        store = settings.store_name or "New store"
        # the store's name as typed: never read as markup, no control characters
        self.query_one("#store-name", Static).update(literal(store))
        menu = self.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        for heading, names in MENU:
            menu.add_option(Option(heading, disabled=True))
            for name in names:
                label = f"   {name}"
                if name == "Customer Profile" and not settings.show_customer_profile:
                    label += "  (off: enable in Business Configuration)"
                elif name == "Customer Types" and not settings.show_customer_type:
                    label += "  (not used: Show Customer Type is off)"
                if name in NEEDS_MANAGER:
                    label += MANAGER_MARK
                menu.add_option(Option(literal(label), id=name))  # "[manager]" as typed
        if highlighted is None:
            menu.highlighted = 1
        else:
            menu.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.open_screen(event.option.id)

    def action_open(self, name: str) -> None:
        self.app.open_screen(name)
