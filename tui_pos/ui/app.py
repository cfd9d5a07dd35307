"""The tui-pos App: styles, the screen registry, global keys and the palette."""

from __future__ import annotations

import importlib
import os
import re
from functools import cached_property
import time
from typing import Iterable

from textual import events, work
from textual._context import active_message_pump
from textual.app import App, SystemCommand
from textual.actions import SkipAction
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Input, TextArea

from tui_pos.db.connection import (
    FAILURES as DATABASE_FAILURES, close_database, current_store, open_database,
    resolve_target, unreachable,
)
from tui_pos.paths import style_paths
from tui_pos.ui.glyphs import AsciiGlyphs, plain_terminal
from tui_pos.ui.keymap import ENV as KEYMAP_ENV, KeymapError, load_keymap
from tui_pos.services import config, staff
from tui_pos.services.actors import Actor, terminal_name
from tui_pos.services.errors import ValidationError

# name (as in the menu and the command palette) → (module, class, what it is for)
SCREENS: dict[str, tuple[str, str, str]] = {
    "Business Configuration": ("configuration", "BusinessConfigScreen",
                               "Tools › Configuration: store, VAT, feature switches "
                               "[manager]"),
    "Terminal Settings": ("terminal_settings", "TerminalSettingsScreen",
                          "Tools › Configuration: this terminal's receipt width and printer "
                          "[manager]"),
    "Customer Profile": ("profiles", "CustomerProfileScreen",
                         "Master › Customer: profiles that group customers [manager]"),
    "Customers": ("customers", "CustomersScreen",
                  "Master › Customer: find, add and edit customers"),
    "Customer Types": ("customer_types", "CustomerTypesScreen",
                       "Master › Customer: types with their discount and VAT [manager]"),
    "Custom Fields": ("custom_fields", "CustomFieldsScreen",
                      "Master › Customer: the shop's own customer fields [manager]"),
    "Import Customers": ("import_customers", "ImportCustomersScreen",
                         "Master › Customer: customers from another POS's CSV or .xlsx "
                         "[manager]"),
    "Items": ("items", "ItemsScreen", "Master › Inventory: items and prices [manager]"),
    "VAT Classes": ("vat_classes", "VatClassesScreen",
                    "Master › Inventory: VAT rates [manager]"),
    "Tender Methods": ("tender_methods", "TenderMethodsScreen",
                       "Master › Sales: the ways a sale is paid [manager]"),
    "Vouchers": ("vouchers", "VouchersScreen",
                 "Master › Sales: vouchers and gift cards, their balance [manager]"),
    "Staff": ("staff", "StaffScreen",
              "Master › Staff: who signs in, their role and PIN [manager to change]"),
    "Sales Bill": ("sales_bill", "SalesBillScreen", "Sales: sell to a customer"),
    "Register": ("register", "RegisterScreen",
                 "Sales: this terminal's register, its X report, the Z reports kept"),
    "Reports": ("reports", "ReportsScreen", "Reports: sales by profile, type, customer, day"),
    "Sales Trend": ("sales_trend", "SalesTrendScreen",
                    "Reports: a chart of sales per profile or type by day, week, month"),
    "Void Report": ("returns", "VoidReportScreen",
                    "Reports: voided sales of a date range, who voided and approved, why"),
    "Audit Log": ("audit_log", "AuditLogScreen",
                  "Reports: who changed what, where, approved by whom [manager]"),
}

READ_ONLY = ("This database is read-only for you: you can look and run reports, "
             "nothing can be saved.")
PROFILE_OFF = ("Customer Profile is switched off. Enable Show Customer Profile in "
               "Tools › Configuration › Business Configuration.")
IDLE_CHECK_SECONDS = 15
GONE_QUIET_SECONDS = 5  # the same "not reachable" line is not repeated sooner
# what waits until someone has signed in (the palette, a switch of user)
SIGNED_IN_ONLY = frozenset({"command_palette", "switch_user", "main_menu"})


FKEY = re.compile(r"f\d{1,2}")


class PosApp(App, inherit_bindings=False):
    """Textual's own App keys are not inherited: its Ctrl+Q is XON/XOFF flow
    control on a serial line; tui-pos quits with Ctrl+X (as nano does)."""

    TITLE = "tui-pos"
    CSS_PATH = style_paths()
    ENABLE_COMMAND_PALETTE = True
    # a screen narrower than 80 columns has the class -narrow (styles/*.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    BINDINGS = [
        # Type-ahead over a slow link: Tab (and Enter in a form) move the focus
        # when the key is read, so the keys of the same burst that follow it land
        # in the next field. A screen's own Tab binding would move it only after
        # those keys were already queued for the old field.
        Binding("tab", "focus_next", "Next field", show=False, priority=True,
                id="focus.next"),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True,
                id="focus.previous"),
        Binding("enter", "enter_moves_on", "Next field", show=False, priority=True,
                id="focus.enter_next"),
        Binding("f1", "help", "Help", key_display="F1", id="help"),
        # an open bill stays with its cashier (held, given back at their next sign-in)
        Binding("f10,alt+u", "switch_user", "Switch user", key_display="F10", show=False,
                id="switch_user"),
        # shown in the main menu's Footer (its own binding); here it would push a
        # screen's keys off an 80-column Footer
        Binding("ctrl+x", "quit_pos", "Quit", show=False, priority=True, id="quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="quit.hint"),
    ]

    def __init__(self, database: str | None = None, actor: Actor | None = None,
                 terminal: str | None = None) -> None:
        super().__init__()
        self.database_target = resolve_target(database)
        self.terminal = terminal_name(terminal)
        # Who is signed in: handed to every service that changes data (never a global).
        self.actor: Actor | None = actor
        # bills left open at a switch of user, by the staff id of their cashier
        self.held_bills: dict[int | None, object] = {}
        self.clock = time.monotonic  # a test may give a clock it can advance
        self.last_input = self.clock()
        self.theme = "textual-ansi" if "textual-ansi" in self.available_themes else self.theme
        self.animation_level = "none"

    # -- lifecycle -----------------------------------------------------------------------
    def on_mount(self) -> None:
        open_database(self.database_target, create=False)
        from tui_pos.ui.screens.menu import MainMenuScreen

        self.push_screen(MainMenuScreen())
        store = current_store()
        if store is not None and store.read_only:
            self.sub_title = "read-only"
            self.notify(READ_ONLY, severity="warning", timeout=10)
            return  # nothing is written to a read-only store, receipt files neither
        if self.actor is None:
            self.ask_sign_in()
        else:
            self.show_who()
        self.set_interval(IDLE_CHECK_SECONDS, self.sign_out_if_idle, name="idle sign-out")
        self.repair_receipt_files()

    def on_unmount(self) -> None:
        close_database()

    # -- a database that goes away mid-session -----------------------------------------
    # The server stopped, the network broke, the disk filled up: the statement fails,
    # its transaction keeps nothing, and the cashier reads one line; the till goes on
    # and the next key tries the database again. Textual 8.2 has no public hook for a
    # handler's exception (an unhandled one ends the app with a traceback), so the
    # failure is caught where the app runs handlers: every action (keys, menus, the
    # palette: run_action) and every screen's message handlers (guard_screen).
    _gone_said: str | None = None  # the last "not reachable" line, and when it was shown
    _gone_at = 0.0

    def database_gone(self, reason: str) -> None:
        """Say, once per failure and not again within a few seconds, that the database
        is not reachable, that nothing was saved and whether a bill is still open."""
        line = f"The database is not reachable: {reason} — nothing was saved"
        if any(getattr(getattr(s, "draft", None), "lines", None) for s in self.screen_stack):
            line += "; the bill is still open"
        now = self.clock()
        if line == self._gone_said and now - self._gone_at < GONE_QUIET_SECONDS:
            return
        self._gone_said, self._gone_at = line, now
        self.notify(line, title="Database", severity="error", timeout=15, markup=False)

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except DATABASE_FAILURES as error:
            reason = unreachable(error)
            if reason is None:
                raise
            self.database_gone(reason)
            return True

    def guard_screen(self, screen: object) -> None:
        """Run ``screen``'s message handlers (keys, Enter in a field, a chosen row)
        so that a database that stopped answering is said, not fatal to the screen
        (Textual stops a screen whose handler raised)."""
        handle = getattr(screen, "_on_message", None)
        if not isinstance(screen, Screen) or handle is None or getattr(handle, "guarded", False):
            return

        async def guarded(message) -> None:
            try:
                await handle(message)
            except DATABASE_FAILURES as error:
                reason = unreachable(error)
                if reason is None:
                    raise
                self.database_gone(reason)

        guarded.guarded = True
        screen._on_message = guarded

    def push_screen(self, screen, *args, **kwargs):
        self.guard_screen(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):
        self.guard_screen(screen)
        return super().switch_screen(screen)

    def _handle_exception(self, error: Exception) -> None:
        """Elsewhere: a screen (or pop-up) that could not be built for want of the
        database is closed again, with the line; anything else the database broke
        ends the app with one line and no traceback."""
        failed = active_message_pump.get(None)
        if getattr(failed, "database_gone", False):
            return  # a screen built without the database, closing: what it misses is moot
        reason = unreachable(error)
        if reason is None:
            super()._handle_exception(error)
            return
        if failed is self.screen and len(self.screen_stack) > 2:  # above the menu and sign-in
            failed.database_gone = True
            self.database_gone(reason)
            self.call_later(self.pop_screen)
            return
        self.exit(return_code=1, message=f"tui-pos: the database is not reachable: {reason}; "
                  "nothing was saved")

    @work(thread=True, exclusive=True, group="receipts", exit_on_error=False)
    def repair_receipt_files(self) -> None:
        """Rewrite receipt files a crash left missing or partial, from the sales.
        In a thread: the first check of a big store reads every file once."""
        from tui_pos.services.receipts import repair_receipts

        try:
            report = repair_receipts(self.receipts_dir)
        except ValidationError as error:
            self.call_from_thread(self.notify, f"Receipt files not checked: {error.message}",
                                  severity="error", timeout=10, markup=False)
            return
        finally:
            close_database()  # this thread's connection
        if report.rewritten and not report.first_check:  # a crash's, not a new folder's
            count = len(report.rewritten)
            self.call_from_thread(self.notify, f"{count} receipt file(s) were missing or "
                                  "incomplete and have been written again from the sales.",
                                  timeout=8, markup=False)

    @property
    def receipts_dir(self) -> str:
        """This database's own receipts folder (``shop.db`` → ``shop-receipts/``)."""
        from tui_pos.services.receipts import receipts_folder

        return str(receipts_folder(self.database_target))

    # -- who is signed in ------------------------------------------------------------------
    @property
    def signing_in(self) -> bool:
        """Nobody is signed in yet on a store that can be written: only sign-in works."""
        store = current_store()
        return self.actor is None and not (store is not None and store.read_only)

    def ask_sign_in(self, message: str = "") -> None:
        """The sign-in screen on top of the menu (or "Create the owner" in a store
        without staff); the one signed in there becomes the actor."""
        from tui_pos.ui.screens.sign_in import CreateOwnerScreen, SignInScreen

        screen = SignInScreen(message) if staff.has_staff() else CreateOwnerScreen()
        self.push_screen(screen, self.signed_in)

    def signed_in(self, actor: Actor | None) -> None:
        if actor is None:
            return
        self.actor = actor
        self.last_input = self.clock()
        self.show_who()

    def show_who(self) -> None:
        """The header's second part: "<name> · <terminal>"."""
        self.sub_title = f"{self.actor.name} · {self.terminal}" if self.actor else ""

    def sign_out(self, reason: str = "", message: str = "") -> None:
        """Hold an open bill for its cashier, log the sign-out, back to sign-in."""
        actor = self.actor
        if actor is None:
            return
        self.hold_open_bill(actor)
        staff.sign_out(actor, reason)
        self.actor = None
        self.show_who()
        while len(self.screen_stack) > 2:  # back to the main menu, under the sign-in
            self.pop_screen()
        self.ask_sign_in(message)

    def action_switch_user(self) -> None:
        if self.actor is not None:
            self.sign_out("switch user")

    def hold_open_bill(self, actor: Actor) -> None:
        for screen in self.screen_stack:
            draft = getattr(screen, "draft", None)
            if draft is not None and not draft.is_empty:
                self.held_bills[actor.staff_id] = draft

    def take_held_bill(self):
        """The bill the signed-in cashier left open at a switch of user, if any (once)."""
        if self.actor is None:
            return None
        return self.held_bills.pop(self.actor.staff_id, None)

    def sign_out_if_idle(self) -> None:
        """Sign out after Business Configuration's idle minutes without a key (0: never).
        The command line's and the tests' actors without a staff row stay."""
        if self.actor is None or self.actor.is_system:
            return
        try:
            minutes = staff.idle_minutes()
        except DATABASE_FAILURES as error:
            if unreachable(error) is None:
                raise
            return  # the database is away: the next key says so, the next tick checks again
        if minutes and self.clock() - self.last_input >= minutes * 60:
            self.sign_out("idle", f"Signed out after {minutes} minutes without a key.")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)) and not event.is_forwarded:
            self.last_input = self.clock()
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.signing_in and action in SIGNED_IN_ONLY:
            return False
        return super().check_action(action, parameters)

    # -- navigation --------------------------------------------------------------------
    def screen_enabled(self, name: str) -> bool:
        if name == "Customer Profile":
            return config.get_settings().show_customer_profile
        return True

    def open_screen(self, name: str) -> None:
        """Open a screen by its name, as the menu and the palette do."""
        if self.signing_in:
            return
        if not self.screen_enabled(name):
            self.notify(PROFILE_OFF, severity="warning", timeout=8)
            return
        module_name, class_name, _ = SCREENS[name]
        module = importlib.import_module(f"tui_pos.ui.screens.{module_name}")
        self.push_screen(getattr(module, class_name)())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.signing_in:
            yield SystemCommand("Quit", "Quit tui-pos", self.action_quit_pos)
            return
        for name, (_, _, what) in SCREENS.items():
            # the help is read as markup: "[manager]" must stay as typed
            yield SystemCommand(name, escape(what), lambda name=name: self.open_screen(name))
        yield SystemCommand("Help", "What this screen is for and every key that works on it "
                            "(F1)", self.action_help)
        yield SystemCommand("Main Menu", "Back to the main menu", self.action_main_menu)
        yield SystemCommand("Switch User", "Sign out and let someone else sign in; an open "
                            "bill waits for its cashier (F10)", self.action_switch_user)
        yield SystemCommand("Quit", "Quit tui-pos", self.action_quit_pos)

    def action_main_menu(self) -> None:
        if self.signing_in:
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()

    # -- type-ahead -------------------------------------------------------------------
    def action_focus_next(self) -> None:
        if self._focus_keys_are_the_widgets():
            raise SkipAction()
        self.screen.focus_next()

    def action_focus_previous(self) -> None:
        if self._focus_keys_are_the_widgets():
            raise SkipAction()
        self.screen.focus_previous()

    def _focus_keys_are_the_widgets(self) -> bool:
        """A text area that indents with Tab keeps it."""
        focused = self.focused
        return isinstance(focused, TextArea) and focused.tab_behavior == "indent"

    def action_enter_moves_on(self) -> None:
        """Enter in a one-line field of a form (``ENTER_MOVES_ON``) moves to the
        next field at once; anywhere else Enter does what the widget says."""
        focused = self.focused
        if not (getattr(self.screen, "ENTER_MOVES_ON", False) and type(focused) is Input):
            raise SkipAction()
        self.screen.focus_next()

    # -- global keys ----------------------------------------------------------------------
    def action_help(self) -> None:
        from tui_pos.ui.screens.base import HelpScreen

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        # one line per binding: "F4 / F12 / Ctrl+Y  Pay"; the screen's footer keys
        # first, then its other keys, then the focused widget's shown keys
        groups: dict[tuple, list[str]] = {}
        rank: dict[tuple, int] = {}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            label = binding.tooltip or binding.description or binding.action
            own = active.node is screen or active.node is self
            if binding.action.rsplit(".", 1)[-1] in ("focus_next", "focus_previous"):
                continue  # Tab and Shift+Tab move between fields everywhere
            if not label or (not own and not binding.show):
                continue  # a focused widget's own navigation keys (arrows, Home…)
            group = (id(active.node), binding.action, label)
            display = self.key_name(binding.with_key(key, key_display=None))
            groups.setdefault(group, [])
            if display not in groups[group]:
                groups[group].append(display)
            rank.setdefault(group, 0 if own and binding.show else 1 if own else 2)
        ordered = sorted(groups, key=lambda g: rank[g])  # stable: keeps declaration order
        keys: list[tuple[str, str]] = [(" / ".join(groups[g]), g[2]) for g in ordered]
        keys.append(("Ctrl+P", "Command palette: open any screen by its name"))
        title = getattr(screen, "TITLE", None) or screen.__class__.__name__
        self.push_screen(HelpScreen(title, getattr(screen, "HELP", ""), keys))

    def key_name(self, binding: Binding) -> str:
        """One key as help shows it: "F4", "^Y", "⏎"."""
        name = super().get_key_display(binding)
        if FKEY.fullmatch(binding.key):
            return binding.key.upper()
        return re.sub(r"\^([a-z])$", lambda m: "^" + m[1].upper(), name)

    def get_key_display(self, binding: Binding) -> str:
        """The Footer shows an F-key with its alias, "F4/^Y", so a terminal
        without F-keys knows its key; a keymap that drops the F-key leaves "^Y"."""
        if not FKEY.fullmatch(binding.key):
            return self.key_name(binding.with_key(binding.key, key_display=None))
        keys = self.keys_of(binding)
        fkeys = [k for k in keys if FKEY.fullmatch(k)] or [binding.key]
        shown = [fkeys[0], *[k for k in keys if not FKEY.fullmatch(k)][:1]]
        return "/".join(self.key_name(binding.with_key(k, key_display=None)) for k in shown)

    def keys_of(self, binding: Binding) -> list[str]:
        """Every key bound to the same action on the same screen or widget (the
        screen under a pop-up too: its Footer stays drawn)."""
        for screen in reversed(self.screen_stack):
            active = screen.active_bindings
            node = next((a.node for a in active.values() if a.binding == binding), None)
            if node is not None:
                return [key for key, a in active.items()
                        if a.node is node and a.binding.action == binding.action]
        return [binding.key]

    def action_help_quit(self) -> None:
        """Ctrl+C (a reflex) says how to quit."""
        self.notify("Ctrl+X quits tui-pos (it asks first if a sale is open).",
                    title="Do you want to quit?")

    def on_load(self) -> None:
        """This terminal's keymap file (``--keymap`` / $TUI_POS_KEYMAP); a bad one
        is said in one line and the standard keys stay."""
        path = os.environ.get(KEYMAP_ENV, "").strip()
        if not path:
            return
        try:
            self.set_keymap(load_keymap(path))
        except KeymapError as error:
            self.call_later(self.notify, str(error), severity="error", timeout=20,
                            markup=False)

    def get_line_filters(self):
        """Textual's filters, and ASCII for what the Linux console's font lacks."""
        filters = list(super().get_line_filters())
        if self.ascii_glyphs is not None:
            filters.append(self.ascii_glyphs)
        return filters

    @cached_property
    def ascii_glyphs(self) -> AsciiGlyphs | None:
        return AsciiGlyphs() if plain_terminal() else None

    def open_sale(self) -> bool:
        """Is a sale being rung up on any open Sales Bill?"""
        for screen in self.screen_stack:
            draft = getattr(screen, "draft", None)
            if draft is not None and not draft.is_empty:
                return True
        return bool(self.held_bills)  # a bill held for a cashier who switched away

    def action_quit_pos(self) -> None:
        if not self.open_sale():
            self.exit()
            return
        from tui_pos.ui.screens.base import ConfirmScreen

        def answer(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(ConfirmScreen("A sale is open. Quit and discard it?",
                                       yes="Quit", no="Stay"), answer)
