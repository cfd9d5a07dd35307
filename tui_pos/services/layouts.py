"""The column layouts of customer files, as data: our field → their header.

A layout is recognised on sight by its ``signature`` (headers that must all
be present, compared ignoring case and spacing). A hand-made mapping is the
same thing without a signature, so the TUI's "map by hand" plugs in as
``Layout("by hand", {...})``.

The vendors' headers are those of their published customer templates and
exports: Shopify's customer CSV (the current one with "Accepts Email
Marketing" and "Default Address …" columns, and the classic one before it),
Square's customer directory export, Open Source Point of Sale's
``import_customers.csv``, and Lightspeed Retail (R-Series)'s customer export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from tui_pos.services.errors import ValidationError
from tui_pos.services.text import name_key

# Our fields a file can fill. ``address2`` is joined to ``address``; ``note``
# becomes a customer note; ``discount_type`` only says how to read ``discount``.
FIELDS = (
    "number", "first_name", "last_name", "company", "email", "phone", "mobile", "address",
    "address2", "postcode", "city", "country", "birthday", "customer_type", "profile",
    "discount", "discount_type", "vat_class", "additional", "tags", "contact_email",
    "contact_sms", "contact_phone", "contact_post", "consent_date", "consent_note",
    "newsletter", "credit_limit", "active", "note",
)
NAME_FIELDS = ("first_name", "last_name", "company")
CUSTOM_PREFIX = "custom:"  # a layout's key for a custom field: "custom:Shoe size"


@dataclass(frozen=True)
class Layout:
    """How one kind of file names our fields.

    ``columns``: our field → their header, or several headers where the first
    non-empty cell of a row counts (Shopify's "Phone", then its address phone).
    ``date_order``: how a date like 03/04/2026 is read first ("dmy" or "mdy").
    """

    name: str
    columns: Mapping[str, str | tuple[str, ...]]
    signature: tuple[str, ...] = ()
    date_order: str = "dmy"

    def headers(self, our_field: str) -> tuple[str, ...]:
        found = self.columns.get(our_field, ())
        return (found,) if isinstance(found, str) else tuple(found)


# tui-pos's own export: every field, readable headers, custom fields as "Custom: <name>".
TUI_POS_COLUMNS = {
    "number": "Customer number", "first_name": "First name", "last_name": "Last name",
    "company": "Company", "email": "E-mail", "phone": "Phone", "mobile": "Mobile",
    "address": "Address", "postcode": "Postcode", "city": "City", "country": "Country",
    "birthday": "Birthday", "customer_type": "Customer type", "profile": "Customer profile",
    "discount": "Discount %", "vat_class": "VAT class", "additional": "Additional",
    "tags": "Tags", "contact_email": "Contact by e-mail", "contact_sms": "Contact by SMS",
    "contact_phone": "Contact by phone", "contact_post": "Contact by post",
    "consent_date": "Consent date", "consent_note": "Consent note",
    "newsletter": "Newsletter", "credit_limit": "Credit limit", "active": "Active",
}
TUI_POS_CUSTOM = "Custom: "  # header prefix of a custom field in tui-pos's export

TUI_POS = Layout("tui-pos", TUI_POS_COLUMNS,
                 signature=("Customer number", "Customer profile", "Contact by post",
                            "Consent date"))

SHOPIFY = Layout("Shopify", {
    "number": "Customer ID",  # only in Shopify's export, not its import template
    "first_name": "First Name", "last_name": "Last Name", "email": "Email",
    "newsletter": "Accepts Email Marketing", "company": "Default Address Company",
    "address": "Default Address Address1", "address2": "Default Address Address2",
    "city": "Default Address City", "country": "Default Address Country Code",
    "postcode": "Default Address Zip", "phone": ("Phone", "Default Address Phone"),
    "tags": "Tags", "note": "Note",
}, signature=("First Name", "Last Name", "Email", "Accepts Email Marketing",
              "Default Address Company"))

SHOPIFY_CLASSIC = Layout("Shopify (classic)", {
    "first_name": "First Name", "last_name": "Last Name", "email": "Email",
    "company": "Company", "address": "Address1", "address2": "Address2", "city": "City",
    "country": "Country", "postcode": "Zip", "phone": "Phone",
    "newsletter": "Accepts Marketing", "tags": "Tags", "note": "Note",
}, signature=("First Name", "Last Name", "Email", "Accepts Marketing", "Province Code"))

SQUARE = Layout("Square", {
    "number": "Reference ID", "first_name": "First Name", "last_name": "Last Name",
    "email": "Email Address", "phone": "Phone Number", "company": "Company Name",
    "address": "Street Address 1", "address2": "Street Address 2", "city": "City",
    "postcode": "Postal Code", "birthday": "Birthday", "note": "Memo",
    "newsletter": "Email Subscription Status",
}, signature=("Reference ID", "First Name", "Last Name", "Email Address", "Phone Number"),
    date_order="mdy")

OSPOS = Layout("Open Source Point of Sale", {
    "first_name": "First Name", "last_name": "Last Name", "email": "Email",
    "phone": "Phone Number", "address": "Address 1", "address2": "Address2", "city": "City",
    "postcode": "Zip", "country": "Country", "note": "Comments", "company": "Company",
    "number": "Account Number", "discount": "Discount", "discount_type": "Discount_Type",
}, signature=("First Name", "Last Name", "Gender", "Phone Number", "Address 1",
              "Account Number"))

LIGHTSPEED_R = Layout("Lightspeed Retail (R-Series)", {
    "number": "Customer ID", "first_name": "First Name", "last_name": "Last Name",
    "company": "Company", "customer_type": "Customer Type",
    "address": ("Address 1", "Address1"), "address2": ("Address 2", "Address2"),
    "city": "City", "postcode": ("Zip", "ZIP/Postal Code", "Postal Code"),
    "country": "Country", "phone": ("Home Phone", "Home", "Work Phone", "Work"),
    "mobile": ("Mobile", "Mobile Phone"), "email": ("Email", "Primary Email"),
    "birthday": ("Birthday", "Date of Birth", "DOB"), "note": ("Note", "Notes"),
    "tags": "Tags",
}, signature=("Customer ID", "First Name", "Last Name", "Title", "Company", "Customer Type"))

KNOWN = (TUI_POS, SHOPIFY, SHOPIFY_CLASSIC, SQUARE, LIGHTSPEED_R, OSPOS)

# Headers of product and sales lists: a file with two of these is not a customer list.
NOT_CUSTOMERS = {name_key(h) for h in (
    "SKU", "Price", "Quantity", "Qty", "Order", "Order ID", "Order Number", "Order Name",
    "Item", "Item Name", "Product", "Product Name", "Barcode", "UPC", "EAN", "Handle",
    "Variant SKU", "Variant Price", "Lineitem name", "Lineitem quantity", "Lineitem price",
    "Unit Price", "Stock", "Inventory", "Cost", "Sale ID", "Receipt", "Line Total",
    "Item Kit", "Category", "Supplier", "Variation Name", "Token",
)}


@dataclass(frozen=True)
class ColumnMap:
    """A layout applied to one file's header: our field → the column indexes to read."""

    layout: Layout
    columns: dict[str, tuple[int, ...]]
    custom: dict[str, int] = field(default_factory=dict)  # custom field name → column
    ignored: tuple[str, ...] = ()  # the file's headers nothing reads


def recognise(header: list[str], filename: str, by_hand: Layout | None = None) -> ColumnMap:
    """The layout of a file from its header, or a ValidationError that lists the
    columns found and what a customer file needs."""
    keys = [name_key(h) for h in header]
    present = set(keys)
    product_words = [h for h, k in zip(header, keys) if k in NOT_CUSTOMERS]
    if by_hand is None and len(product_words) >= 2:
        raise ValidationError(
            f"{filename} looks like a product or sales list, not customers (it has the "
            f"columns {', '.join(product_words[:5])}); nothing was imported")
    layout = by_hand or _best(present)
    if layout is None:
        raise ValidationError(_unrecognised(filename, header, present))
    return _applied(layout, header, keys, filename)


def _best(present: set[str]) -> Layout | None:
    fitting = [layout for layout in KNOWN
               if all(name_key(h) in present for h in layout.signature)]
    if not fitting:
        return None
    return max(fitting, key=lambda l: sum(name_key(h) in present for f in l.columns
                                          for h in l.headers(f)))


def _unrecognised(filename: str, header: list[str], present: set[str]) -> str:
    found = ", ".join(repr(h) for h in header[:30] if h) or "none"
    if len(header) > 30:
        found += f" … ({len(header)} columns)"
    needs = "; ".join(f"{layout.name}: {', '.join(repr(h) for h in layout.signature)}"
                      for layout in KNOWN)
    return (f"{filename}: these columns are not a customer layout tui-pos knows. Found: "
            f"{found}. Needed, the columns one of these layouts is recognised by — {needs}. "
            "(Comma, semicolon and tab separated files are all read.)")


def _applied(layout: Layout, header: list[str], keys: list[str], filename: str) -> ColumnMap:
    index = {}
    for position, key in enumerate(keys):
        if key and key not in index:
            index[key] = position
    columns: dict[str, tuple[int, ...]] = {}
    for our_field in layout.columns:
        if our_field.startswith(CUSTOM_PREFIX):
            continue
        if our_field not in FIELDS:
            raise ValidationError(f"the mapping names {our_field!r}, which is not a customer "
                                  "field")
        found = tuple(index[name_key(h)] for h in layout.headers(our_field)
                      if name_key(h) in index)
        if found:
            columns[our_field] = found
        elif layout.signature == () and layout.headers(our_field):
            raise ValidationError(f"{filename} has no column {layout.headers(our_field)[0]!r}")
    custom = {f[len(CUSTOM_PREFIX):]: index[name_key(h)]
              for f, h in layout.columns.items()
              if f.startswith(CUSTOM_PREFIX) and name_key(h) in index}
    if layout is TUI_POS:
        prefix = name_key(TUI_POS_CUSTOM)
        for position, (head, key) in enumerate(zip(header, keys)):
            if key.startswith(prefix):
                custom[head[len(TUI_POS_CUSTOM):].strip()] = position
    if not any(f in columns for f in NAME_FIELDS):
        raise ValidationError(f"{filename}: no column gives a name (first name, last name "
                              "or company), so no customer could be read")
    used = {i for found in columns.values() for i in found} | set(custom.values())
    ignored = tuple(h for i, h in enumerate(header) if i not in used and h)
    return ColumnMap(layout, columns, custom, ignored)
