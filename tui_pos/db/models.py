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


class SaleVat(BaseModel):
    sale = pw.ForeignKeyField(Sale, backref="vat_lines", on_delete="CASCADE")
    rate = PercentField()
    base = MoneyField()
    vat = MoneyField()
    total = MoneyField()


class Payment(BaseModel):
    sale = pw.ForeignKeyField(Sale, backref="payments", on_delete="CASCADE")
    method = pw.CharField(max_length=20)
    amount = MoneyField()


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


ALL_MODELS = [
    SchemaVersion, Sequence, VatClass, BusinessConfig, Item, CustomerProfile,
    CustomerType, Customer, Tag, CustomerTag, CustomerNote, CustomField,
    CustomFieldValue, CustomerSearchTerm, Staff, AuditEntry, Sale, SaleLine, SaleVat, Payment,
    ImportMapping, WebOrder, ItemSalesDay, ItemSalesMonth,
]
