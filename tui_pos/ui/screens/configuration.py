"""Tools › Configuration › Business Configuration: the store, its money
rules and the feature switches (TruePOS step 1: Show Customer Profile).

F4 (or Ctrl+G, or the Update button) saves through ``config.update_settings``;
a bad value is shown at its field and nothing is written. Only a manager (or
above) may change it: a cashier's save asks for a manager's PIN (``attempt``).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button, Checkbox, Footer, Header, Input, Label, Select, Static, TextArea,
)

from tui_pos.services import config
from tui_pos.ui.literal import literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import SAVE, FormScreen, editable, form_row, select_value, \
    set_select, vat_options
from tui_pos.ui.screens.master_list import saved_stamp
from tui_pos.ui.widgets.tick import Tick

LOCALE_LABELS = {
    "nl_NL": "Nederlands (NL)", "nl_BE": "Nederlands (BE)", "en_GB": "English (UK)",
    "en_US": "English (US)", "de_DE": "Deutsch", "fr_FR": "Français",
}
ROUNDING = [("per receipt, once per rate", "receipt"), ("per line", "line")]
SWITCHES = (
    ("show_customer_profile", "Show Customer Profile",
     "profiles: the master, on the Sales Bill, in reports"),
    ("show_customer_type", "Show Customer Type",
     "off: no types on customers, on the bill or in prices"),
)


def _area(text: str, field: str) -> TextArea:
    return TextArea(text, id=field, compact=True, soft_wrap=True, show_line_numbers=False,
                    highlight_cursor_line=False)


class BusinessConfigScreen(FormScreen):
    TITLE = "Business Configuration"
    HELP = ("The store's details, how prices and VAT are computed, what the receipt "
            "says, and which features are switched on.\n"
            "Tab / Shift+Tab move between fields (the form scrolls with them); Space "
            "ticks a box; Enter opens a list. F4, Ctrl+G or the Update button saves.\n"
            "Show Customer Profile switches on the Customer Profile master (Master › "
            "Customer), the profile on the Sales Bill and the reports by profile.\n"
            "Show Customer Type off means the shop does not use customer types: the "
            "type is hidden on the customer form and the Sales Bill, and a customer's "
            "type no longer changes prices (no type discount, no type VAT class). The "
            "Customer Types master stays (Master › Customer), so the types are kept and "
            "come back when the switch is on again.\n"
            "Locale sets how money, numbers and dates are written on screens and "
            "receipts (12,10 and 24-11-2026 for Nederlands).\n"
            "Staff: a cashier's line or bill discount above the discount limit needs a "
            "manager's PIN, and so does a VAT override when that box is ticked; staff "
            "are signed out after the idle minutes without a key (0: never).\n"
            "Changing this form needs a manager: a cashier's save asks for a manager's "
            "PIN, and every change is written to the audit log.")
    BINDINGS = [SAVE]
    FORM_FIELDS = ("store_name", "address", "vat_number", "currency", "locale",
                   "prices_include_vat", "vat_rounding", "default_vat_class_id",
                   "show_customer_profile", "show_customer_type",
                   "cash_rounding", "discount_limit", "vat_override_needs_manager",
                   "idle_minutes",
                   "receipt_header", "receipt_footer")

    def compose(self) -> ComposeResult:
        s = config.get_settings()
        currencies = list(config.CURRENCIES)
        if s.currency not in currencies:
            currencies.append(s.currency)
        yield Header(icon="")
        with VerticalScroll(id="config-form", classes="form", can_focus=False):
            yield Label("Store", classes="section first")
            yield from form_row("Store name", Input(s.store_name, id="store_name",
                                                    max_length=config.STORE_NAME_LENGTH,
                                                    compact=True))
            yield from form_row("Address", _area(s.address, "address"))
            yield from form_row("VAT number", Input(s.vat_number, id="vat_number",
                                                    max_length=config.VAT_NUMBER_LENGTH,
                                                    compact=True))
            yield Label("Money and VAT", classes="section")
            yield from form_row("Currency", Select([(c, c) for c in currencies], id="currency",
                                                   allow_blank=False, value=s.currency,
                                                   compact=True))
            yield from form_row("Locale", Select(
                [(LOCALE_LABELS.get(code, code), code) for code in config.LOCALES],
                id="locale", allow_blank=False, value=s.locale, compact=True))
            yield from form_row("Prices", Tick("shelf prices include VAT",
                                                   s.prices_include_vat,
                                                   id="prices_include_vat", compact=True))
            yield from form_row("VAT rounding", Select(ROUNDING, id="vat_rounding",
                                                       allow_blank=False,
                                                       value=s.vat_rounding, compact=True))
            default_vat = Select(vat_options(s.default_vat_class_id, s.locale),
                                 id="default_vat_class_id", prompt="(none)", compact=True)
            yield from form_row("Default VAT class", default_vat)
            yield from form_row("Cash", Tick("Cash rounding to 0.05", s.cash_rounding,
                                             id="cash_rounding", compact=True,
                                             tooltip="the cash part of a sale is rounded "
                                             "to 5 cents, as Dutch shops do"))
            yield Label("Features", classes="section")
            for field, label, what in SWITCHES:
                yield from form_row("", Tick(label, getattr(s, field), id=field,
                                             compact=True, tooltip=what))
                yield Static(literal(what), classes="switch-hint")
            yield Label("Staff", classes="section")
            yield from form_row("Discount limit %", Input(
                editable(s.discount_limit, s.locale, places=None), id="discount_limit",
                max_length=10, compact=True,
                tooltip="a cashier's discount above it needs a manager's PIN"))
            yield from form_row("", Tick("VAT override needs a manager",
                                         s.vat_override_needs_manager,
                                         id="vat_override_needs_manager", compact=True))
            yield from form_row("Idle minutes", Input(
                str(s.idle_minutes), id="idle_minutes", max_length=3, restrict=r"[0-9]*",
                compact=True, tooltip="signed out after this long without a key; 0: never"))
            yield Label("Receipt", classes="section")
            yield from form_row("Receipt header", _area(s.receipt_header, "receipt_header"))
            yield from form_row("Receipt footer", _area(s.receipt_footer, "receipt_footer"))
            with Horizontal(classes="form-row buttons"):
                yield Label("")
                yield Button("Update (F4)", id="update", variant="primary", compact=True)
        yield Static("", id="saved", classes="saved")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        set_select(self.query_one("#default_vat_class_id", Select),
                   config.get_settings().default_vat_class_id)
        self.query_one("#store_name", Input).focus()

    def settings_from_form(self) -> config.Settings:
        q = self.query_one
        return config.Settings(
            store_name=q("#store_name", Input).value,
            address=q("#address", TextArea).text.strip("\n"),
            vat_number=q("#vat_number", Input).value,
            currency=select_value(q("#currency", Select)) or "",
            locale=select_value(q("#locale", Select)) or "",
            prices_include_vat=q("#prices_include_vat", Checkbox).value,
            vat_rounding=select_value(q("#vat_rounding", Select)) or "",
            default_vat_class_id=select_value(q("#default_vat_class_id", Select)),
            receipt_header=q("#receipt_header", TextArea).text.strip("\n"),
            receipt_footer=q("#receipt_footer", TextArea).text.strip("\n"),
            show_customer_profile=q("#show_customer_profile", Checkbox).value,
            show_customer_type=q("#show_customer_type", Checkbox).value,
            discount_limit=q("#discount_limit", Input).value,
            vat_override_needs_manager=q("#vat_override_needs_manager", Checkbox).value,
            idle_minutes=q("#idle_minutes", Input).value,
            cash_rounding=q("#cash_rounding", Checkbox).value,
        )

    def save(self) -> bool:
        """Save through ``attempt`` (a cashier is asked for a manager's PIN); returns
        False: ``saved`` marks the form clean once the settings are stored."""
        settings = self.settings_from_form()
        attempt(self, lambda actor: config.update_settings(actor, settings), self.saved)
        return False

    def saved(self, saved: config.Settings) -> None:
        # show what was stored (names and codes are tidied by the service)
        self.query_one("#store_name", Input).value = saved.store_name
        self.query_one("#vat_number", Input).value = saved.vat_number
        self.query_one("#discount_limit", Input).value = editable(
            saved.discount_limit, saved.locale, places=None)
        self.query_one("#idle_minutes", Input).value = str(saved.idle_minutes)
        self.dirty = False
        stamp = saved_stamp("")
        on = [label for field, label, _ in SWITCHES if getattr(saved, field)]
        self.query_one("#saved", Static).update(
            literal(f"{stamp} — switched on: {', '.join(on) if on else 'none'}"))
        self.notify("Business Configuration saved", title=stamp, timeout=3, markup=False)
