"""Master › Inventory › Items: SKU, barcode, name, price, VAT class and
whether discounts apply. The list pages: it never loads every item."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Input, Select

from tui_pos.money import format_money
from tui_pos.services import catalog, config, masters
from tui_pos.services.actors import Actor
from tui_pos.services.catalog import ItemInput, ItemRow
from tui_pos.ui.literal import fit
from tui_pos.ui.screens.base import editable, form_row, select_value, set_select, vat_options
from tui_pos.ui.screens.master_list import MasterListScreen, Row, fill_width
from tui_pos.ui.widgets.tick import Tick

SKU_WIDTH = 9


class ItemsScreen(MasterListScreen):
    TITLE = "Items"
    HELP = ("Items and labour the shop sells. The price is the shelf price (with or "
            "without VAT as Business Configuration says). Not discountable items and "
            "labour never get a customer or type discount.\n"
            "Ctrl+N (or a in the list) adds; Enter edits; F4 saves; d deactivates or "
            "reactivates. The list loads more items as the cursor reaches its end.")
    NOUN = "item"
    FIRST_FIELD = "sku"
    PAGE_SIZE = 50
    COLUMNS = (("SKU", "sku", SKU_WIDTH), ("Name", "name", None), ("Price", "price", 9))
    RIGHT_ALIGNED = frozenset({"price"})
    FORM_FIELDS = ("sku", "barcode", "name", "price", "vat_class", "discountable",
                   "is_labour", "active")
    BINDINGS = [
        Binding("ctrl+n", "add_new", "Add New Item", id="master.new"),
    ]

    def compose_form(self) -> ComposeResult:
        yield from form_row("SKU", Input(id="sku", max_length=catalog.SKU_LENGTH, compact=True))
        yield from form_row("Barcode", Input(id="barcode", max_length=catalog.BARCODE_LENGTH,
                                             placeholder="digits", compact=True))
        yield from form_row("Name", Input(id="name", max_length=catalog.ITEM_NAME_LENGTH,
                                          compact=True))
        yield from form_row("Price", Input(id="price", placeholder="0.00", max_length=16,
                                           compact=True))
        yield from form_row("VAT class", Select(vat_options(locale=self.locale), id="vat_class",
                                                prompt="(choose)", compact=True))
        yield from form_row("Discountable", Tick("discounts apply", True, id="discountable",
                                                 compact=True))
        yield from form_row("Labour", Tick("is labour", False, id="is_labour", compact=True))
        yield from form_row("Active", Tick("on sale", True, id="active", compact=True))

    def columns(self) -> tuple[tuple[str, str, int | None], ...]:
        """The price column as wide as the largest price of the shop (in its locale),
        the name column takes what is left of the pane: every page fits, no cut digits."""
        price = max(len("Price"), len(format_money(catalog.largest_price(), locale=self.locale)))
        return fill_width((("SKU", "sku", SKU_WIDTH), ("Name", "name", None),
                           ("Price", "price", price)), self.LIST_PANE)

    def fetch_page(self, after: str | None, limit: int | None) -> tuple[list[Row], str | None]:
        """A page of items by SKU: the next starts after the last SKU shown (keyset)."""
        items = catalog.list_items(include_inactive=True, limit=limit or 50, after=after)
        return [self.cells(item) for item in items], (items[-1].sku if items else after)

    def cells(self, item: ItemRow) -> Row:
        name = Text(fit(item.name), no_wrap=True, overflow="ellipsis")
        if not item.active:
            name = Text(f"{fit(item.name)} (inactive)", no_wrap=True, overflow="ellipsis")
        price = Text(format_money(item.price, locale=self.locale), justify="right",
                     no_wrap=True)
        return item.id, (item.sku, name, price)

    def is_active(self, record_id: int) -> bool:
        return catalog.get_item(record_id).active

    def fill_form(self, record_id: int | None) -> str:
        q = self.query_one
        vat = q("#vat_class", Select)
        if record_id is None:
            for field in ("sku", "barcode", "name", "price"):
                q(f"#{field}", Input).value = ""
            vat.set_options(vat_options(locale=self.locale))
            set_select(vat, config.get_settings().default_vat_class_id)
            q("#discountable", Checkbox).value = True
            q("#is_labour", Checkbox).value = False
            q("#active", Checkbox).value = True
            return "Add New Item"
        item = catalog.get_item(record_id)
        q("#sku", Input).value = item.sku
        q("#barcode", Input).value = item.barcode or ""
        q("#name", Input).value = item.name
        q("#price", Input).value = editable(item.price, self.locale)
        vat.set_options(vat_options(item.vat_class_id, self.locale))
        set_select(vat, item.vat_class_id)
        q("#discountable", Checkbox).value = item.discountable
        q("#is_labour", Checkbox).value = item.is_labour
        q("#active", Checkbox).value = item.active
        return f"Edit item: {item.sku}"

    def form_input(self, active: bool | None = None) -> ItemInput:
        q = self.query_one
        return ItemInput(
            sku=q("#sku", Input).value, barcode=q("#barcode", Input).value,
            name=q("#name", Input).value, price=q("#price", Input).value,
            vat_class_id=select_value(q("#vat_class", Select)),
            discountable=q("#discountable", Checkbox).value,
            is_labour=q("#is_labour", Checkbox).value,
            active=q("#active", Checkbox).value if active is None else active)

    def save_record(self, actor: Actor, record_id: int | None) -> tuple[int, str]:
        item = catalog.save_item(actor, self.form_input(), item_id=record_id)
        return item.id, item.sku

    def after_save(self, record_id: int) -> None:
        # keep the pages already loaded: redraw the row, or for a new item start again
        self.refit_columns(select_id=record_id)
        if self.move_to(record_id):
            self.update_row(*self.cells(catalog.get_item(record_id)))
            return
        self.reload(select_id=record_id)
        if not self.move_to(record_id):
            self.notify("Saved. The list is sorted by SKU; it is further down.", timeout=4)

    def set_active(self, actor: Actor, record_id: int, active: bool) -> str:
        return masters.set_active(actor, "item", record_id, active).sku

    def after_active_change(self, record_id: int, active: bool) -> None:
        # keep the loaded pages; just redraw this row
        self.update_row(*self.cells(catalog.get_item(record_id)))
        if self.editing_id == record_id:
            was_dirty = self.dirty
            self.query_one("#active", Checkbox).value = active
            if not was_dirty:
                self.dirty = False
