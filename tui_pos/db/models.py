"""The peewee models: every table of tui-pos.

Money, percentages and quantities are exact (see ``fields``). Completed
sales keep snapshots of names, rates and discounts, never live joins, so a
later change to a customer, type or VAT class does not rewrite history.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from tui_pos.db.fields import MoneyField, PercentField, QuantityField

database = pw.DatabaseProxy()


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def display_name(first: str, last: str, company: str, number: str) -> str:
    """How a customer is named on screens and receipts: 'Jan de Vries (Bakkerij)'."""
    name = f"{first} {last}".strip()
    if company:
        return f"{name} ({company})" if name else company
    return name or number


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = pw.IntegerField(primary_key=True)
    applied_at = pw.DateTimeField(default=now)


class Sequence(BaseModel):
    """Named counters for sale and customer numbers, bumped by an UPDATE inside the
    transaction that uses the number (SQLite's write lock, PostgreSQL's row lock)."""

    name = pw.CharField(primary_key=True, max_length=40)
    value = pw.BigIntegerField(default=0)


class VatClass(BaseModel):
    name = pw.CharField(max_length=60)
    name_key = pw.CharField(max_length=60, unique=True)
    rate = PercentField()
    active = pw.BooleanField(default=True)


class BusinessConfig(BaseModel):
    """One row (id 1): the store and its switches."""

    store_name = pw.CharField(max_length=120, default="")
    address = pw.TextField(default="")
    vat_number = pw.CharField(max_length=40, default="")
    currency = pw.CharField(max_length=3, default="EUR")
    locale = pw.CharField(max_length=10, default="nl_NL")
    prices_include_vat = pw.BooleanField(default=True)
    vat_rounding = pw.CharField(max_length=10, default="receipt")  # or "line"
    default_vat_class = pw.ForeignKeyField(VatClass, null=True, on_delete="SET NULL")
    receipt_header = pw.TextField(default="")
    receipt_footer = pw.TextField(default="")
    show_customer_profile = pw.BooleanField(default=False)
    show_customer_type = pw.BooleanField(default=True)
    # Schema 4: a cashier's line/bill discount above this needs a manager; so does a
    # VAT override when the switch is on; signed-in staff are signed out after idle_minutes
    # without a key (0: never).
    discount_limit = PercentField(default=20)
    vat_override_needs_manager = pw.BooleanField(default=True)
    idle_minutes = pw.IntegerField(default=10)
    # Schema 6: round the cash part of a payment to 0.05 (as Dutch shops do).
    cash_rounding = pw.BooleanField(default=False)


class Item(BaseModel):
    sku = pw.CharField(max_length=40, unique=True)
    barcode = pw.CharField(max_length=40, null=True, unique=True)
    name = pw.CharField(max_length=120)
    name_key = pw.CharField(max_length=120, index=True)
    price = MoneyField()
    vat_class = pw.ForeignKeyField(VatClass, on_delete="RESTRICT")
    discountable = pw.BooleanField(default=True)
    is_labour = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)


class CustomerProfile(BaseModel):
    name = pw.CharField(max_length=60)
    name_key = pw.CharField(max_length=60, unique=True)
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=now)


class CustomerType(BaseModel):
    name = pw.CharField(max_length=60)
    name_key = pw.CharField(max_length=60, unique=True)
    discount = PercentField(null=True)
    vat_class = pw.ForeignKeyField(VatClass, null=True, on_delete="RESTRICT")
    active = pw.BooleanField(default=True)


class Customer(BaseModel):
    number = pw.CharField(max_length=20, unique=True)
    first_name = pw.CharField(max_length=60, default="")
    last_name = pw.CharField(max_length=60, default="")
    company = pw.CharField(max_length=120, default="")
    sort_name = pw.CharField(max_length=250, default="")  # normalised, for listing
    email = pw.CharField(max_length=120, default="")
    phone = pw.CharField(max_length=30, default="")
    mobile = pw.CharField(max_length=30, default="")
    address = pw.CharField(max_length=120, default="")
    postcode = pw.CharField(max_length=20, default="")
    city = pw.CharField(max_length=60, default="")
    country = pw.CharField(max_length=60, default="")
    birthday = pw.DateField(null=True)
    customer_type = pw.ForeignKeyField(CustomerType, null=True, on_delete="RESTRICT")
    profile = pw.ForeignKeyField(CustomerProfile, null=True, on_delete="RESTRICT")
    discount = PercentField(null=True)
    vat_class = pw.ForeignKeyField(VatClass, null=True, on_delete="RESTRICT")
    additional = pw.CharField(max_length=120, default="")
    contact_email = pw.BooleanField(default=False)
    contact_sms = pw.BooleanField(default=False)
    contact_phone = pw.BooleanField(default=False)
    contact_post = pw.BooleanField(default=False)
    consent_date = pw.DateField(null=True)
    consent_note = pw.CharField(max_length=200, default="")
    newsletter = pw.BooleanField(default=False)
    credit_limit = MoneyField(null=True)
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("sort_name", "id"), False),)

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.company, self.number)


class Tag(BaseModel):
    name = pw.CharField(max_length=60)
    name_key = pw.CharField(max_length=60, unique=True)


class CustomerTag(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="customer_tags", on_delete="CASCADE")
    tag = pw.ForeignKeyField(Tag, backref="customer_tags", on_delete="CASCADE")

    class Meta:
        indexes = ((("customer", "tag"), True),)


class CustomerNote(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="notes", on_delete="CASCADE")
    created_at = pw.DateTimeField(default=now)
    author = pw.CharField(max_length=60, default="")
    text = pw.TextField()


class CustomField(BaseModel):
    """A customer field the shop defines itself."""

    KINDS = ("text", "number", "date", "yesno", "choice")

    name = pw.CharField(max_length=60)
    name_key = pw.CharField(max_length=60, unique=True)
    kind = pw.CharField(max_length=10)
    options = pw.TextField(default="")  # choice: one option per line
    required = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)
    position = pw.IntegerField(default=0)


class CustomFieldValue(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="custom_values", on_delete="CASCADE")
    field = pw.ForeignKeyField(CustomField, backref="values", on_delete="CASCADE")
    value = pw.TextField()  # normalised: ISO date, plain decimal, "yes"/"no"

    class Meta:
        indexes = ((("customer", "field"), True),)


class CustomerSearchTerm(BaseModel):
    """Normalised words a customer is found by (indexed prefix search)."""

    customer = pw.ForeignKeyField(Customer, on_delete="CASCADE", index=True)
    term = pw.CharField(max_length=250)

    class Meta:
        primary_key = False
        indexes = ((("term", "customer"), False),)


class Staff(BaseModel):
    """Someone who signs in: owner ⊃ manager ⊃ cashier. The PIN only as a salted slow hash."""

    ROLES = ("cashier", "manager", "owner")

    name = pw.CharField(max_length=60)
    name_key = pw.CharField(max_length=60, unique=True)
    role = pw.CharField(max_length=10)
    pin_hash = pw.CharField(max_length=200)
    active = pw.BooleanField(default=True)
    failed_pins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=now)


class AuditEntry(BaseModel):
    """One change, sign-in or approval: written in the change's own transaction, never
    updated or deleted by the program. ``changes`` is JSON {field: [before, after]}."""

    at = pw.DateTimeField(default=now, index=True)
    kind = pw.CharField(max_length=30)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    actor = pw.CharField(max_length=60)  # the name as it was, or "cli:<os user>"
    terminal = pw.CharField(max_length=60, default="")
    approver = pw.ForeignKeyField(Staff, null=True, backref="approvals", on_delete="RESTRICT")
    approver_name = pw.CharField(max_length=60, default="")
    subject = pw.CharField(max_length=250, default="")
    changes = pw.TextField(default="")

    class Meta:
        indexes = ((("kind", "at"), False), (("staff", "at"), False))


class TenderMethod(BaseModel):
    """A way to pay (schema 6): cash, card, voucher, on account, or one the shop adds.
    ``counter``: offered at the till (the web shop's is not)."""

    KINDS = ("cash", "card", "voucher", "account", "other")

    name = pw.CharField(max_length=20)
    name_key = pw.CharField(max_length=20, unique=True)
    kind = pw.CharField(max_length=10)
    opens_drawer = pw.BooleanField(default=False)
    counter = pw.BooleanField(default=True)
    active = pw.BooleanField(default=True)
    position = pw.IntegerField(default=0)


class Voucher(BaseModel):
    """A voucher or gift card, by number; ``balance`` is what is left on it, taken
    down by an UPDATE inside the sale that uses it (and given back by a void)."""

    number = pw.CharField(max_length=40, unique=True)
    initial = MoneyField()
    balance = MoneyField()
    active = pw.BooleanField(default=True)
    expires = pw.DateField(null=True)
    note = pw.CharField(max_length=120, default="")
    created_at = pw.DateTimeField(default=now)


class RegisterSession(BaseModel):
    """One terminal's register from opening (a counted float) to its Z close.

    ``open_on`` is the terminal while the session is open and NULL once closed: its
    unique index allows one open session per terminal on both engines."""

    terminal = pw.CharField(max_length=60)
    open_on = pw.CharField(max_length=60, null=True, unique=True)
    opened_at = pw.DateTimeField(default=now)
    opened_by = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    opened_by_name = pw.CharField(max_length=60)
    opening_float = MoneyField()
    closed_at = pw.DateTimeField(null=True)
    closed_by = pw.ForeignKeyField(Staff, null=True, backref="closed_sessions",
                                   on_delete="RESTRICT")
    closed_by_name = pw.CharField(max_length=60, default="")
    z_number = pw.BigIntegerField(null=True, unique=True)
    z_report_text = pw.TextField(default="")

    class Meta:
        indexes = ((("terminal", "opened_at"), False),)


class RegisterCount(BaseModel):
    """What the Z close counted per tender, beside what the books expected."""

    session = pw.ForeignKeyField(RegisterSession, backref="counts", on_delete="RESTRICT")
    method = pw.CharField(max_length=20)
    expected = MoneyField()
    counted = MoneyField()

    class Meta:
        indexes = ((("session", "method"), True),)


class CashMovement(BaseModel):
    """Money in or out of a drawer without a sale: paid in, paid out (``amount`` is
    positive for both), or a no-sale (the drawer opened, amount 0)."""

    KINDS = ("paid_in", "paid_out", "no_sale")

    session = pw.ForeignKeyField(RegisterSession, backref="movements", on_delete="RESTRICT")
    at = pw.DateTimeField(default=now)
    kind = pw.CharField(max_length=10)
    amount = MoneyField()
    reason = pw.CharField(max_length=200, default="")
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    staff_name = pw.CharField(max_length=60)


class Sale(BaseModel):
    number = pw.BigIntegerField(unique=True)
    created_at = pw.DateTimeField(default=now, index=True)
    business_date = pw.DateField(index=True)
    status = pw.CharField(max_length=12, default="completed")
    cashier = pw.CharField(max_length=60, default="")
    customer = pw.ForeignKeyField(Customer, null=True, backref="sales", on_delete="RESTRICT")
    customer_number = pw.CharField(max_length=20, default="")
    customer_name = pw.CharField(max_length=250, default="")
    customer_type = pw.ForeignKeyField(CustomerType, null=True, on_delete="RESTRICT")
    customer_type_name = pw.CharField(max_length=60, default="")
    profile = pw.ForeignKeyField(CustomerProfile, null=True, on_delete="RESTRICT")
    profile_name = pw.CharField(max_length=60, default="")
    prices_include_vat = pw.BooleanField()
    bill_discount = PercentField(null=True)
    subtotal = MoneyField()       # sum of line amounts
    discount_total = MoneyField()
    vat_total = MoneyField()
    total = MoneyField()
    paid = MoneyField()
    change = MoneyField()
    receipt_text = pw.TextField(default="")
    # Schema 4: who rang it up (``cashier`` keeps the name as it was) and where.
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    terminal = pw.CharField(max_length=60, default="", constraints=[pw.SQL("DEFAULT ''")])
    # Schema 6: "sale" or "return" (negative lines; ``return_of`` the original sale
    # when there was a receipt); status "completed" or "void" (see SaleVoid); the
    # register session it was rung up in (None: web-shop orders, older sales).
    kind = pw.CharField(max_length=10, default="sale", constraints=[pw.SQL("DEFAULT 'sale'")])
    return_of = pw.ForeignKeyField("self", null=True, backref="returns", on_delete="RESTRICT")
    register_session = pw.ForeignKeyField(RegisterSession, null=True, backref="sales",
                                          on_delete="RESTRICT")

    class Meta:
        # the second covers the reports grouped by sale (schema 5): a range of days is
        # read from the index alone, no sale row
        indexes = ((("business_date", "profile"), False),
                   (("business_date", "status", "customer", "profile", "customer_type",
                     "total", "vat_total", "discount_total"), False))


class SaleLine(BaseModel):
    sale = pw.ForeignKeyField(Sale, backref="lines", on_delete="CASCADE")
    position = pw.IntegerField()
    item = pw.ForeignKeyField(Item, null=True, on_delete="SET NULL")
    sku = pw.CharField(max_length=40)
    name = pw.CharField(max_length=120)
    quantity = QuantityField()
    unit_price = MoneyField()
    discountable = pw.BooleanField()
    gross = MoneyField()
    discount_percent = PercentField()  # the line's own discount
    # override/customer/type/none ("bill" on lines sold before schema version 2)
    discount_source = pw.CharField(max_length=10)
    discount_amount = MoneyField()
    vat_class_name = pw.CharField(max_length=60)
    vat_rate = PercentField()
    vat_source = pw.CharField(max_length=10)  # override/bill/customer/type/item
    amount = MoneyField()  # the line total after both discounts: incl. or excl. VAT
    # The bill discount on top of the line's own (schema 2); None: none on this line.
    # default=0 is peewee's, not a column DEFAULT: migration step 2 makes the column
    # exactly as create_tables does ("INTEGER NOT NULL"), old lines filled with 0.
    bill_discount_percent = PercentField(null=True)
    bill_discount_amount = MoneyField(default=0)
    # Schema 6: on a return's line, the sold line it takes back (quantities returned
    # per original line are summed from these).
    returned_from = pw.ForeignKeyField("self", null=True, backref="returned_by",
                                       on_delete="RESTRICT")


class SaleVat(BaseModel):
    sale = pw.ForeignKeyField(Sale, backref="vat_lines", on_delete="CASCADE")
    rate = PercentField()
    base = MoneyField()
    vat = MoneyField()
    total = MoneyField()


class Payment(BaseModel):
    """One tender of a sale. ``amount``: what it paid of the sale (negative: refunded);
    ``tendered`` and ``change``: the cash handed over and given back (schema 6;
    for other tenders tendered = amount, change 0). ``method``: the tender's name
    as it was; ``rounding``: the cash rounding on this tender (0.05 rule)."""

    sale = pw.ForeignKeyField(Sale, backref="payments", on_delete="CASCADE")
    method = pw.CharField(max_length=20)
    amount = MoneyField()
    tendered = MoneyField(default=0)
    change = MoneyField(default=0)
    rounding = MoneyField(default=0)
    tender_method = pw.ForeignKeyField(TenderMethod, null=True, on_delete="RESTRICT")
    voucher = pw.ForeignKeyField(Voucher, null=True, on_delete="RESTRICT")


class SaleVoid(BaseModel):
    """Why and by whom a sale was voided (its status is then "void")."""

    sale = pw.ForeignKeyField(Sale, unique=True, on_delete="RESTRICT")
    at = pw.DateTimeField(default=now)
    reason = pw.CharField(max_length=200)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    staff_name = pw.CharField(max_length=60)
    approver_name = pw.CharField(max_length=60, default="")
    register_session = pw.ForeignKeyField(RegisterSession, null=True, on_delete="RESTRICT")


class AccountEntry(BaseModel):
    """One entry of a customer's credit account; the balance is their sum.
    ``amount`` > 0: the customer owes more (a charge); < 0: less (a payment,
    a refund to account). A payment taken at a till records its tender and session."""

    KINDS = ("charge", "payment", "refund", "adjustment")

    customer = pw.ForeignKeyField(Customer, backref="account_entries", on_delete="RESTRICT")
    at = pw.DateTimeField(default=now)
    kind = pw.CharField(max_length=12)
    amount = MoneyField()
    sale = pw.ForeignKeyField(Sale, null=True, on_delete="RESTRICT")
    tender_method = pw.ForeignKeyField(TenderMethod, null=True, on_delete="RESTRICT")
    register_session = pw.ForeignKeyField(RegisterSession, null=True, on_delete="RESTRICT")
    reason = pw.CharField(max_length=200, default="")
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    actor = pw.CharField(max_length=60)
    terminal = pw.CharField(max_length=60, default="")

    class Meta:
        indexes = ((("customer", "at"), False),)


class ParkedBill(BaseModel):
    """An open bill put aside (schema 6): ``state`` is the draft as JSON (lines,
    customer, profile, overrides with their approvals); deleted when recalled."""

    number = pw.BigIntegerField(unique=True)
    terminal = pw.CharField(max_length=60)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    cashier = pw.CharField(max_length=60)
    parked_at = pw.DateTimeField(default=now)
    customer = pw.ForeignKeyField(Customer, null=True, on_delete="SET NULL")
    customer_name = pw.CharField(max_length=250, default="")
    note = pw.CharField(max_length=200, default="")
    total = MoneyField()
    lines = pw.IntegerField()
    state = pw.TextField()

    class Meta:
        indexes = ((("terminal", "parked_at"), False),)


class TerminalSetting(BaseModel):
    """Per terminal: the receipt printer's width (32, 42 or 48 columns) and where
    receipts go — a print command (``lp -d PRINTER``) or a device file."""

    terminal = pw.CharField(max_length=60, unique=True)
    receipt_width = pw.IntegerField(default=42)
    print_command = pw.CharField(max_length=250, default="")
    print_device = pw.CharField(max_length=250, default="")


class ImportMapping(BaseModel):
    """A column mapping made by hand for a file layout tui-pos did not know,
    saved by name for the next import: our field → the file's header (JSON)."""

    name = pw.CharField(max_length=60)
    name_key = pw.CharField(max_length=60, unique=True)
    columns = pw.TextField()
    created_at = pw.DateTimeField(default=now)


class WebOrder(BaseModel):
    """A paid web-shop order that was recorded as a sale: each order number once."""

    order_number = pw.CharField(max_length=60, unique=True)
    sale = pw.ForeignKeyField(Sale, on_delete="RESTRICT")
    imported_at = pw.DateTimeField(default=now)


class ItemSalesDay(BaseModel):
    """Completed sale lines summed per day, SKU, profile and customer type (0: none),
    written with each sale (services/item_sales.py), read by the *by item* report."""

    business_date = pw.DateField()
    sku = pw.CharField(max_length=40)
    profile_id = pw.IntegerField()
    customer_type_id = pw.IntegerField()
    quantity = QuantityField()
    gross = MoneyField()
    vat = MoneyField()
    discount = MoneyField()
    lines = pw.IntegerField()

    class Meta:
        indexes = (
            (("business_date", "sku", "profile_id", "customer_type_id"), True),
            # a filtered report reads these alone (covering): no row lookups
            (("profile_id", "business_date", "sku", "quantity", "gross", "vat",
              "discount"), False),
            (("customer_type_id", "business_date", "sku", "quantity", "gross", "vat",
              "discount"), False),
        )


class ItemSalesMonth(BaseModel):
    """The same sums per month (its first day) and SKU, for the whole months of a range;
    ``last_line_id``: the newest line, whose name labels an item deleted since."""

    month = pw.DateField()
    sku = pw.CharField(max_length=40)
    quantity = QuantityField()
    gross = MoneyField()
    vat = MoneyField()
    discount = MoneyField()
    lines = pw.IntegerField()
    last_line_id = pw.BigIntegerField()

    class Meta:
        indexes = ((("month", "sku"), True),)


class CustomerSalesDay(BaseModel):
    """Completed sales summed per day, customer, profile and customer type (0: none) —
    schema 7, written with each sale, return and void (services/item_sales.py), read by
    the reports grouped by customer, profile, type or day when no staff or terminal
    filter asks for the sales themselves."""

    business_date = pw.DateField()
    customer_id = pw.IntegerField()
    profile_id = pw.IntegerField()
    customer_type_id = pw.IntegerField()
    sales = pw.IntegerField()
    gross = MoneyField()
    vat = MoneyField()
    discount = MoneyField()

    class Meta:
        indexes = (
            (("business_date", "customer_id", "profile_id", "customer_type_id"), True),
            # a year by customer reads this index alone (covering): no row lookups
            (("business_date", "customer_id", "sales", "gross", "vat", "discount",
              "profile_id", "customer_type_id"), False),
        )


ALL_MODELS = [
    SchemaVersion, Sequence, VatClass, BusinessConfig, Item, CustomerProfile,
    CustomerType, Customer, Tag, CustomerTag, CustomerNote, CustomField,
    CustomFieldValue, CustomerSearchTerm, Staff, AuditEntry, TenderMethod, Voucher,
    RegisterSession, RegisterCount, CashMovement, Sale, SaleLine, SaleVat, Payment, SaleVoid,
    AccountEntry, ParkedBill, TerminalSetting, ImportMapping, WebOrder, ItemSalesDay,
    ItemSalesMonth, CustomerSalesDay,
]
