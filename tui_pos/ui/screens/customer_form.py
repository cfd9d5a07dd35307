"""The customer record as a form, and the customer search pop-up.

``CustomerFormScreen`` is the whole record (Lightspeed "Klant": Type, Korting,
BTW, Aanvullend, Tags, contact preferences with consent, the shop's custom
fields, a note). It is a pop-up so that the Sales Bill can use it for
"+ New → details → Assign to sale"; it dismisses with the customer's id, or
None when cancelled.

``CustomerSearchPopup`` is the search as a pop-up: Enter chooses, F2 adds a
new customer, Esc closes. Both are what the Sales Bill pushes.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select

from tui_pos.services import config, custom_fields, customers, masters
from tui_pos.services.customers import CustomerInput
from tui_pos.ui.literal import fit, literal
from tui_pos.ui.screens.approval import attempt
from tui_pos.ui.screens.base import (
    ConfirmScreen, PosModal, SnapshotDirty, editable, form_row, option, select_value,
    vat_options,
)
from tui_pos.ui.widgets.customer_search import CustomerSearch
from tui_pos.ui.widgets.tick import Tick  # an X only when ticked: reads without colour

DATE_HINT = "YYYY-MM-DD"
LABEL_CELLS = 12  # the label column (13) less its padding


def cell(label: str, widget: Widget, wide: bool = False) -> Vertical:
    """One labelled field (the kit's ``form_row``) with its error line below, as one
    of the form's two columns; ``widget.id`` is the service's field. The label may
    be the shop's own (a custom field's name): shown literally."""
    return Vertical(*form_row(fit(label, LABEL_CELLS), widget),
                    classes="cf-cell -wide" if wide else "cf-cell")


def row(*cells: Widget) -> Horizontal:
    return Horizontal(*cells, classes="cf-row")


def rows_of_two(cells: list[Widget]) -> list[Horizontal]:
    return [row(*cells[i:i + 2]) for i in range(0, len(cells), 2)]


def split_name(text: str) -> tuple[str, str]:
    """What was typed in a search, as (first name, last name): one word is a last name."""
    words = text.split()
    if len(words) <= 1:
        return "", text.strip()
    return words[0], " ".join(words[1:])


def typed_into(data: CustomerInput, text: str) -> CustomerInput:
    """Put what was typed in a search into the field it looks like."""
    text = text.strip()
    if not text:
        return data
    if "@" in text:
        data.email = text
    elif customers.query_prefix(text).isdigit() and not any(c.isalpha() for c in text):
        data.phone = text
    else:
        data.first_name, data.last_name = split_name(text)
    return data


def _options(rows, current_id: int | None) -> list[tuple[Text, int]]:
    """Select options from master rows: the active ones and the one already chosen,
    their names shown literally."""
    return [(option(r.name if r.active else f"{r.name} (inactive)"), r.id) for r in rows
            if r.active or r.id == current_id]


class CustomerFormScreen(SnapshotDirty, PosModal[int | None]):
    """Add or edit a customer; F4 saves (or assigns to the sale) and dismisses with
    the id (None when cancelled)."""

    ENTER_MOVES_ON = True  # Enter in a field moves on, as Tab does (the app's binding)

    TITLE = "Customer"
    HELP = ("The whole customer record. Leave Number empty for the next free number. "
            "Contact preferences are recorded only with the customer's explicit consent: "
            "give the date they agreed. Tags are separated by commas and are all "
            "searchable. A note is kept with the date and your name.\n"
            "Tab or Enter moves to the next field, Shift+Tab back; F4 saves; Esc cancels.")
    BINDINGS = [
        Binding("f4,ctrl+g", "save", "Save", key_display="F4", id="customer_form.save"),
        Binding("f4,ctrl+g", "assign", "Assign to sale", key_display="F4",
                id="customer_form.assign"),
        Binding("f1", "app.help", "Help", id="customer_form.help"),
    ]

    def __init__(self, customer_id: int | None = None, assign_to_sale: bool = False,
                 initial_name: str = "") -> None:
        super().__init__(classes="customer-form-screen")
        self.customer_id = customer_id
        self.assign_to_sale = assign_to_sale
        settings = config.get_settings()
        self.show_type = settings.show_customer_type
        self.show_profile = settings.show_customer_profile
        self.locale = settings.locale
        if customer_id is None:
            self.data = typed_into(CustomerInput(), initial_name)
            self.record_name = ""
        else:
            record = customers.get_customer(customer_id)
            self.data = customers.to_input(record)
            # numbers back into their fields as the store writes them (12,5 in nl_NL)
            self.data.discount = editable(record.discount, self.locale, places=None)
            self.data.credit_limit = editable(record.credit_limit, self.locale)
            self.record_name = fit(f"{record.number} {record.display_name}", 60)
        self.fields = custom_fields.list_fields()  # id, name, kind, options, required

    # -- layout -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        d = self.data
        if self.customer_id is not None:
            title = f"Edit customer {self.record_name}"
        elif self.assign_to_sale:
            title = "New customer for this sale"
        else:
            title = "New customer"
        with Vertical(id="customer-form"):
            with Horizontal(id="cf-top"):
                yield Label(literal(title), id="cf-title")
                yield Button("Assign to sale (F4)" if self.assign_to_sale else "Save (F4)",
                             id="save", variant="primary", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)
            with VerticalScroll(id="cf-body"):
                yield from rows_of_two([
                    cell("First name", self._input("first_name", d.first_name)),
                    cell("Last name", self._input("last_name", d.last_name)),
                    cell("Company", self._input("company", d.company)),
                    cell("Number", self._input("number", d.number, "automatic")),
                    cell("E-mail", self._input("email", d.email)),
                    cell("Phone", self._input("phone", d.phone)),
                    cell("Mobile", self._input("mobile", d.mobile)),
                    cell("Birthday", self._input("birthday", d.birthday, DATE_HINT)),
                    cell("Address", self._input("address", d.address)),
                    cell("Postcode", self._input("postcode", d.postcode)),
                    cell("City", self._input("city", d.city)),
                    cell("Country", self._input("country", d.country)),
                ])
                yield Label("Prices", classes="cf-section")
                pricing: list[Widget] = []
                if self.show_type:
                    pricing.append(cell("Type", self._select(
                        "customer_type", _options(masters.list_types(), d.customer_type_id),
                        d.customer_type_id, "No type")))
                if self.show_profile:
                    pricing.append(cell("Profile", self._select(
                        "profile", _options(masters.list_profiles(), d.profile_id),
                        d.profile_id, "No profile")))
                pricing += [
                    cell("Discount %", self._input("discount", d.discount,
                                                   "from the type" if self.show_type else "none")),
                    cell("VAT class", self._select(
                        "vat_class", vat_options(d.vat_class_id, self.locale),
                        d.vat_class_id, "from type/item" if self.show_type else "from the item")),
                    cell("Additional", self._input("additional", d.additional,
                                                   "membership no.")),
                    cell("Credit limit", self._input("credit_limit", d.credit_limit, "none")),
                ]
                yield from rows_of_two(pricing)
                yield row(cell("Tags", self._input("tags", d.tags, "comma, separated"),
                               wide=True))
                yield Label("Contact — only with the customer's explicit consent",
                            classes="cf-section")
                with Horizontal(classes="cf-checks"):
                    yield Tick("E-mail", d.contact_email, id="contact_email", compact=True)
                    yield Tick("SMS", d.contact_sms, id="contact_sms", compact=True)
                    yield Tick("Phone", d.contact_phone, id="contact_phone", compact=True)
                    yield Tick("Post", d.contact_post, id="contact_post", compact=True)
                    yield Tick("Newsletter", d.newsletter, id="newsletter", compact=True)
                yield from rows_of_two([
                    cell("Consent on", self._input("consent_date", d.consent_date, DATE_HINT)),
                    cell("Consent note", self._input("consent_note", d.consent_note,
                                                     "how they agreed")),
                ])
                if self.fields:
                    yield Label("The shop's own fields", classes="cf-section")
                    yield from rows_of_two([self._custom_cell(f) for f in self.fields])
                yield Label("Note and status", classes="cf-section")
                yield row(cell("Note", self._input("note", "", "kept with date and your name"),
                               wide=True))
                with Horizontal(classes="cf-checks"):
                    yield Tick("Active (can be chosen for sales)", d.active, id="active",
                                   compact=True)
        yield Footer()

    def _input(self, field: str, value, placeholder: str = "") -> Input:
        return Input("" if value is None else str(value), id=field, compact=True,
                     placeholder=placeholder)

    def _select(self, field: str, options: list[tuple[str, int]], value, prompt: str) -> Select:
        known = {v for _, v in options}
        return Select(options, id=field, compact=True, prompt=prompt, allow_blank=True,
                      value=value if value in known else Select.NULL)

    def _custom_cell(self, f) -> Widget:
        key = f"custom_{f.id}"
        value = self.data.custom.get(f.id) or ""
        name = f"{f.name}*" if f.required else f.name
        if f.kind == "yesno":
            return cell(name, Tick("yes", value == "yes", id=key, compact=True))
        if f.kind == "choice":
            choices = customers.choice_options(f)
            if value and value not in choices:
                choices.append(value)  # an option the shop has since removed
            options = [(option(o), o) for o in choices]
            return cell(name, Select(options, id=key, compact=True, prompt="—",
                                     value=value or Select.NULL))
        hint = {"number": "a number", "date": DATE_HINT}.get(f.kind, "")
        return cell(name, self._input(key, value, hint))

    def on_mount(self) -> None:
        self.query_one("#first_name", Input).focus()
        self.call_after_refresh(self.mark_clean)  # unsaved changes: the kit's snapshot

    # -- values -----------------------------------------------------------------------
    def _text(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _checked(self, field: str) -> bool:
        return self.query_one(f"#{field}", Checkbox).value

    def collect(self) -> CustomerInput:
        """The form as the service's CustomerInput (hidden fields keep their values)."""
        d = self.data
        custom: dict[int, str | bool] = {}
        for f in self.fields:
            widget = self.query_one(f"#custom_{f.id}")
            if isinstance(widget, Checkbox):
                custom[f.id] = widget.value
            elif isinstance(widget, Select):
                custom[f.id] = select_value(widget) or ""
            else:
                custom[f.id] = widget.value
        return CustomerInput(
            first_name=self._text("first_name"), last_name=self._text("last_name"),
            company=self._text("company"), number=self._text("number"),
            email=self._text("email"), phone=self._text("phone"),
            mobile=self._text("mobile"), address=self._text("address"),
            postcode=self._text("postcode"), city=self._text("city"),
            country=self._text("country"), birthday=self._text("birthday"),
            customer_type_id=(select_value(self.query_one("#customer_type", Select))
                              if self.show_type else d.customer_type_id),
            profile_id=(select_value(self.query_one("#profile", Select))
                        if self.show_profile else d.profile_id),
            discount=self._text("discount"),
            vat_class_id=select_value(self.query_one("#vat_class", Select)),
            additional=self._text("additional"), tags=self._text("tags"),
            contact_email=self._checked("contact_email"),
            contact_sms=self._checked("contact_sms"),
            contact_phone=self._checked("contact_phone"),
            contact_post=self._checked("contact_post"),
            consent_date=self._text("consent_date"),
            consent_note=self._text("consent_note"),
            newsletter=self._checked("newsletter"),
            credit_limit=self._text("credit_limit"),
            active=self._checked("active"),
            custom=custom,
        )

    # -- actions ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # F4 is bound twice, so that the footer names what it does on this form.
        if action == "save":
            return not self.assign_to_sale
        if action == "assign":
            return self.assign_to_sale
        return True

    def action_save(self) -> None:
        """Saved as the signed-in staff member (the note's author); deactivating
        the customer here asks a manager's PIN first."""
        self.clear_errors()
        data, note = self.collect(), self._text("note")
        attempt(self, lambda actor: customers.save_customer(actor, data, self.customer_id,
                                                            note=note),
                self.saved)

    def saved(self, customer) -> None:
        if self.customer_id is None and not self.assign_to_sale:
            self.notify(f"Customer {customer.number} saved", timeout=3, markup=False)
        self.dismiss(customer.id)

    def action_assign(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        question = ("Discard this new customer?" if self.customer_id is None
                    else "You have unsaved changes. Leave without saving?")
        self.app.push_screen(ConfirmScreen(question, yes="Discard", no="Keep editing"), answer)


    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "cancel":
            self.action_cancel()


class CustomerSearchPopup(PosModal[int | None]):
    """Find a customer for the sale: Enter chooses (dismisses with the id), F2 adds a
    new one, Esc closes (None)."""

    TITLE = "Find customer"
    HELP = ("Type part of a name, the customer number, a phone number, an e-mail "
            "address, a tag or the membership number. ↓ moves into the list, Enter "
            "chooses. F2 adds a new customer with what you typed.")
    BINDINGS = [
        Binding("f2,ctrl+n", "new", "+ New", key_display="F2", id="customer_popup.new"),
        Binding("f1", "app.help", "Help", id="customer_popup.help"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__(classes="customer-popup-screen")
        self.initial_query = query

    def compose(self) -> ComposeResult:
        with Vertical(id="customer-popup", classes="dialog"):
            yield Label("Find customer — Enter chooses · F2 new · Esc closes",
                        classes="dialog-title")
            yield CustomerSearch(self.initial_query, page_size=20)

    @property
    def search(self) -> CustomerSearch:
        return self.query_one(CustomerSearch)

    def on_customer_search_chosen(self, event: CustomerSearch.Chosen) -> None:
        event.stop()
        self.dismiss(event.customer_id)

    def action_new(self) -> None:
        typed = self.search.query_input.value

        def created(customer_id: int | None) -> None:
            if customer_id is not None:
                self.dismiss(customer_id)
            else:
                self.search.query_input.focus()

        self.app.push_screen(CustomerFormScreen(assign_to_sale=True, initial_name=typed),
                             created)
