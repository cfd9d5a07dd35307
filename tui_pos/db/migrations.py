"""Forward-only schema migrations, recorded in ``schema_version``.

Each step is a function taking the database; ``MIGRATIONS[n]`` brings the
schema from version n to n + 1. Steps are frozen once shipped: a change to
the schema is a new step at the end (``playhouse.migrate`` operations or
plain SQL), never an edit of an old one, and never ``create_tables`` of the
live models — version 1 is built from its own frozen copy
(``schema_v1``). ``tests/unit/test_schema.py`` proves that a new database
and one migrated from every earlier version end with the same schema, and
that the live models match it.

Beware SQLite's table rebuild: ``add_column`` of a NOT NULL column, and
``add_not_null``, copy the table and drop the old one, and the drop deletes
every child row of an ``ON DELETE CASCADE`` key (step 4 lost payments that
way until the test's row counts caught it). Add such columns to a parent
table with a column DEFAULT instead, as step 4 does for ``sale.terminal``.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import peewee as pw
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations

from tui_pos.db import models as m
from tui_pos.db import schema_v1


def _v2_sale_line_bill_discount(db: pw.Database) -> None:
    """2: each sale line records its share of the bill discount (SPEC §2).

    The bill discount used to replace a line's discount; now it comes on top,
    so a line keeps both. Lines sold before keep their values: no bill part
    (0), and a discount_source "bill" stays readable as it was recorded.

    ``add_column`` of a NOT NULL field with a default adds the column
    nullable, fills it with 0, then makes it NOT NULL (SQLite: by rebuilding
    the table); the default is peewee's, not the column's, exactly as
    ``create_tables`` makes ``MoneyField(default=0)`` — "INTEGER NOT NULL"
    without a DEFAULT — so a migrated and a new database end the same.
    """
    migrator = SchemaMigrator.from_database(db)
    run_operations(
        migrator.add_column("sale_line", "bill_discount_percent",
                            pw.BigIntegerField(null=True)),
        migrator.add_column("sale_line", "bill_discount_amount",
                            pw.BigIntegerField(default=0)),
    )


def _v3_import_mappings_and_web_orders(db: pw.Database) -> None:
    """3: hand-made import mappings saved by name; web-shop orders recorded once.

    New tables, made from frozen copies of their models (never the live ones).
    """

    class Base(pw.Model):
        class Meta:
            legacy_table_names = False

    class Sale(Base):  # only for the foreign key's target
        pass

    class ImportMapping(Base):
        name = pw.CharField(max_length=60)
        name_key = pw.CharField(max_length=60, unique=True)
        columns = pw.TextField()
        created_at = pw.DateTimeField()

    class WebOrder(Base):
        order_number = pw.CharField(max_length=60, unique=True)
        sale = pw.ForeignKeyField(Sale, on_delete="RESTRICT")
        imported_at = pw.DateTimeField()

    with db.bind_ctx([Sale, ImportMapping, WebOrder]):
        db.create_tables([ImportMapping, WebOrder])


def _v4_staff_and_audit(db: pw.Database) -> None:
    """4: staff who sign in, the audit log, who rang up each sale and where,
    and the manager's limits in Business Configuration.

    New tables from frozen copies; new columns with playhouse.migrate (a NOT NULL
    column with a default is filled with it, as in step 2).
    """

    class Base(pw.Model):
        class Meta:
            legacy_table_names = False

    class Staff(Base):
        name = pw.CharField(max_length=60)
        name_key = pw.CharField(max_length=60, unique=True)
        role = pw.CharField(max_length=10)
        pin_hash = pw.CharField(max_length=200)
        active = pw.BooleanField(default=True)
        failed_pins = pw.IntegerField(default=0)
        locked_until = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

    class AuditEntry(Base):
        at = pw.DateTimeField(index=True)
        kind = pw.CharField(max_length=30)
        staff = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
        actor = pw.CharField(max_length=60)
        terminal = pw.CharField(max_length=60, default="")
        approver = pw.ForeignKeyField(Staff, null=True, backref="approvals",
                                      on_delete="RESTRICT")
        approver_name = pw.CharField(max_length=60, default="")
        subject = pw.CharField(max_length=250, default="")
        changes = pw.TextField(default="")

        class Meta:
            indexes = ((("kind", "at"), False), (("staff", "at"), False))

    with db.bind_ctx([Staff, AuditEntry]):
        db.create_tables([Staff, AuditEntry])
        migrator = SchemaMigrator.from_database(db)
        run_operations(
            migrator.add_column("business_config", "discount_limit",
                                pw.BigIntegerField(default=2000)),  # 20.00 %
            migrator.add_column("business_config", "vat_override_needs_manager",
                                pw.BooleanField(default=True)),
            migrator.add_column("business_config", "idle_minutes",
                                pw.IntegerField(default=10)),
            migrator.add_column("sale", "staff_id",
                                pw.ForeignKeyField(Staff, null=True, field=Staff.id,
                                                   on_delete="RESTRICT")),
        )
    # Not through add_column: a NOT NULL column would make SQLite rebuild ``sale``, and
    # dropping the old table would take its lines and payments with it (ON DELETE CASCADE).
    # A column DEFAULT adds it in place, on SQLite and PostgreSQL alike.
    db.execute_sql('ALTER TABLE "sale" ADD COLUMN "terminal" VARCHAR(60) NOT NULL DEFAULT \'\'')


def _v5_report_summaries(db: pw.Database) -> None:
    """5: reports over a year stay fast (issue 9).

    An index on ``sale`` that covers the reports grouped by sale (by customer over a
    year reads 150k index entries, no row), and two summary tables of
    the completed sale lines — per day, SKU, profile and customer type, and per month
    and SKU — filled here from the lines already sold (one INSERT … SELECT per month;
    portable SQL, the same integer VAT and gross as the line-level report), then kept
    up by every sale (services/item_sales.py).
    """

    class Base(pw.Model):
        class Meta:
            legacy_table_names = False

    class ItemSalesDay(Base):
        business_date = pw.DateField()
        sku = pw.CharField(max_length=40)
        profile_id = pw.IntegerField()
        customer_type_id = pw.IntegerField()
        quantity = pw.BigIntegerField()
        gross = pw.BigIntegerField()
        vat = pw.BigIntegerField()
        discount = pw.BigIntegerField()
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

    class ItemSalesMonth(Base):
        month = pw.DateField()
        sku = pw.CharField(max_length=40)
        quantity = pw.BigIntegerField()
        gross = pw.BigIntegerField()
        vat = pw.BigIntegerField()
        discount = pw.BigIntegerField()
        lines = pw.IntegerField()
        last_line_id = pw.BigIntegerField()

        class Meta:
            indexes = ((("month", "sku"), True),)

    with db.bind_ctx([ItemSalesDay, ItemSalesMonth]):
        db.create_tables([ItemSalesDay, ItemSalesMonth])
    migrator = SchemaMigrator.from_database(db)
    run_operations(migrator.add_index(
        "sale", ("business_date", "status", "customer_id", "profile_id", "customer_type_id",
                 "total", "vat_total", "discount_total"), False))
    _v5_fill_item_sales(db)


def _v5_fill_item_sales(db: pw.Database) -> None:
    vat = ("CASE WHEN s.prices_include_vat THEN "
           "(l.amount * l.vat_rate * 2 + (10000 + l.vat_rate)) / (2 * (10000 + l.vat_rate)) "
           "ELSE (l.amount * l.vat_rate * 2 + 10000) / 20000 END")
    sums = (f"SUM(l.quantity), SUM(CASE WHEN s.prices_include_vat THEN l.amount "
            f"ELSE l.amount + {vat} END), SUM({vat}), "
            "SUM(l.discount_amount + l.bill_discount_amount), COUNT(*)")
    p = db.param
    lines = ("FROM sale_line AS l JOIN sale AS s ON s.id = l.sale_id WHERE "
             f"s.status = 'completed' AND s.business_date >= {p} AND s.business_date <= {p}")
    low, high = db.execute_sql("SELECT MIN(business_date), MAX(business_date) FROM sale "
                               "WHERE status = 'completed'").fetchone()
    if low is None:
        return
    month = dt.date.fromisoformat(str(low)[:7] + "-01")
    high = dt.date.fromisoformat(str(high)[:10])
    while month <= high:
        following = (month + dt.timedelta(days=31)).replace(day=1)
        span = (month.isoformat(), (following - dt.timedelta(days=1)).isoformat())
        db.execute_sql(
            "INSERT INTO item_sales_day (business_date, sku, profile_id, customer_type_id, "
            "quantity, gross, vat, discount, lines) SELECT s.business_date, l.sku, "
            f"COALESCE(s.profile_id, 0), COALESCE(s.customer_type_id, 0), {sums} {lines} "
            "GROUP BY s.business_date, l.sku, s.profile_id, s.customer_type_id", span)
        db.execute_sql(
            "INSERT INTO item_sales_month (month, sku, quantity, gross, vat, discount, lines, "
            f"last_line_id) SELECT {p}, l.sku, {sums}, MAX(l.id) {lines} GROUP BY l.sku",
            (month, *span))
        month = following


def _v6_checkout(db: pw.Database) -> None:
    """6: a whole day at the counter (issue 8, the team's #6).

    Tender methods (seeded: Cash, Card, Voucher, On account, and Web shop for the
    orders ``tui-pos import orders`` records), vouchers, register sessions with their
    counts and cash movements, voids, credit-account entries, parked bills and the
    per-terminal receipt settings: new tables from frozen copies. ``sale`` gains its
    kind (sale/return), the sale it returns and its register session; ``sale_line``
    the line it takes back; ``payment`` the cash tendered, the change, the rounding,
    its tender method and voucher; Business Configuration the cash-rounding switch.

    Payments recorded before stored the cash handed over as ``amount``: now
    ``amount`` is what the tender paid of the sale, so an old cash payment becomes
    tendered = the old amount, change = the sale's change, amount = the difference.
    """

    class Base(pw.Model):
        class Meta:
            legacy_table_names = False

    class Staff(Base):  # as it is, to point keys at
        pass

    class Customer(Base):
        pass

    class Sale(Base):
        pass

    class SaleLine(Base):
        pass

    class TenderMethod(Base):
        name = pw.CharField(max_length=20)
        name_key = pw.CharField(max_length=20, unique=True)
        kind = pw.CharField(max_length=10)
        opens_drawer = pw.BooleanField(default=False)
        counter = pw.BooleanField(default=True)
        active = pw.BooleanField(default=True)
        position = pw.IntegerField(default=0)

    class Voucher(Base):
        number = pw.CharField(max_length=40, unique=True)
        initial = pw.BigIntegerField()
        balance = pw.BigIntegerField()
        active = pw.BooleanField(default=True)
        expires = pw.DateField(null=True)
        note = pw.CharField(max_length=120, default="")
        created_at = pw.DateTimeField()

    class RegisterSession(Base):
        terminal = pw.CharField(max_length=60)
        open_on = pw.CharField(max_length=60, null=True, unique=True)
        opened_at = pw.DateTimeField()
        opened_by = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
        opened_by_name = pw.CharField(max_length=60)
        opening_float = pw.BigIntegerField()
        closed_at = pw.DateTimeField(null=True)
        closed_by = pw.ForeignKeyField(Staff, null=True, backref="closed_sessions",
                                       on_delete="RESTRICT")
        closed_by_name = pw.CharField(max_length=60, default="")
        z_number = pw.BigIntegerField(null=True, unique=True)
        z_report_text = pw.TextField(default="")

        class Meta:
            indexes = ((("terminal", "opened_at"), False),)

    class RegisterCount(Base):
        session = pw.ForeignKeyField(RegisterSession, on_delete="RESTRICT")
        method = pw.CharField(max_length=20)
        expected = pw.BigIntegerField()
        counted = pw.BigIntegerField()

        class Meta:
            indexes = ((("session", "method"), True),)

    class CashMovement(Base):
        session = pw.ForeignKeyField(RegisterSession, on_delete="RESTRICT")
        at = pw.DateTimeField()
        kind = pw.CharField(max_length=10)
        amount = pw.BigIntegerField()
        reason = pw.CharField(max_length=200, default="")
        staff = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
        staff_name = pw.CharField(max_length=60)

    class SaleVoid(Base):
        sale = pw.ForeignKeyField(Sale, unique=True, on_delete="RESTRICT")
        at = pw.DateTimeField()
        reason = pw.CharField(max_length=200)
        staff = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
        staff_name = pw.CharField(max_length=60)
        approver_name = pw.CharField(max_length=60, default="")
        register_session = pw.ForeignKeyField(RegisterSession, null=True,
                                              on_delete="RESTRICT")

    class AccountEntry(Base):
        customer = pw.ForeignKeyField(Customer, on_delete="RESTRICT")
        at = pw.DateTimeField()
        kind = pw.CharField(max_length=12)
        amount = pw.BigIntegerField()
        sale = pw.ForeignKeyField(Sale, null=True, on_delete="RESTRICT")
        tender_method = pw.ForeignKeyField(TenderMethod, null=True, on_delete="RESTRICT")
        register_session = pw.ForeignKeyField(RegisterSession, null=True,
                                              on_delete="RESTRICT")
        reason = pw.CharField(max_length=200, default="")
        staff = pw.ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
        actor = pw.CharField(max_length=60)
        terminal = pw.CharField(max_length=60, default="")

        class Meta:
            indexes = ((("customer", "at"), False),)

    class ParkedBill(Base):
        number = pw.BigIntegerField(unique=True)
        terminal = pw.CharField(max_length=60)
        staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
        cashier = pw.CharField(max_length=60)
        parked_at = pw.DateTimeField()
        customer = pw.ForeignKeyField(Customer, null=True, on_delete="SET NULL")
        customer_name = pw.CharField(max_length=250, default="")
        note = pw.CharField(max_length=200, default="")
        total = pw.BigIntegerField()
        lines = pw.IntegerField()
        state = pw.TextField()

        class Meta:
            indexes = ((("terminal", "parked_at"), False),)

    class TerminalSetting(Base):
        terminal = pw.CharField(max_length=60, unique=True)
        receipt_width = pw.IntegerField(default=42)
        print_command = pw.CharField(max_length=250, default="")
        print_device = pw.CharField(max_length=250, default="")

    new = [TenderMethod, Voucher, RegisterSession, RegisterCount, CashMovement, SaleVoid,
           AccountEntry, ParkedBill, TerminalSetting]
    with db.bind_ctx([Staff, Customer, Sale, SaleLine, *new]):
        db.create_tables(new)
        migrator = SchemaMigrator.from_database(db)
        run_operations(
            migrator.add_column("business_config", "cash_rounding",
                                pw.BooleanField(default=False)),
            migrator.add_column("sale", "return_of_id",
                                pw.ForeignKeyField(Sale, null=True, field=Sale.id,
                                                   on_delete="RESTRICT")),
            migrator.add_column("sale", "register_session_id",
                                pw.ForeignKeyField(RegisterSession, null=True,
                                                   field=RegisterSession.id,
                                                   on_delete="RESTRICT")),
            migrator.add_column("sale_line", "returned_from_id",
                                pw.ForeignKeyField(SaleLine, null=True, field=SaleLine.id,
                                                   on_delete="RESTRICT")),
            migrator.add_column("payment", "tendered", pw.BigIntegerField(default=0)),
            migrator.add_column("payment", "change", pw.BigIntegerField(default=0)),
            migrator.add_column("payment", "rounding", pw.BigIntegerField(default=0)),
            migrator.add_column("payment", "tender_method_id",
                                pw.ForeignKeyField(TenderMethod, null=True,
                                                   field=TenderMethod.id,
                                                   on_delete="RESTRICT")),
            migrator.add_column("payment", "voucher_id",
                                pw.ForeignKeyField(Voucher, null=True, field=Voucher.id,
                                                   on_delete="RESTRICT")),
        )
        # as step 4's ``terminal``: a column DEFAULT adds it in place (no rebuild of sale)
        db.execute_sql('ALTER TABLE "sale" ADD COLUMN "kind" VARCHAR(10) NOT NULL '
                       "DEFAULT 'sale'")
        TenderMethod.insert_many(
            [("Cash", "cash", "cash", True, True, 1), ("Card", "card", "card", False, True, 2),
             ("Voucher", "voucher", "voucher", False, True, 3),
             ("On account", "on account", "account", False, True, 4),
             ("Web shop", "web shop", "other", False, False, 5)],
            fields=[TenderMethod.name, TenderMethod.name_key, TenderMethod.kind,
                    TenderMethod.opens_drawer, TenderMethod.counter, TenderMethod.position],
        ).execute()
    p = db.param
    db.execute_sql('UPDATE "payment" SET "tendered" = "amount"')
    db.execute_sql('UPDATE "payment" SET "change" = (SELECT s."change" FROM "sale" AS s '
                   'WHERE s."id" = "payment"."sale_id") WHERE "method" = ' + p, ("cash",))
    db.execute_sql('UPDATE "payment" SET "amount" = "tendered" - "change"')
    db.execute_sql('UPDATE "payment" SET "tender_method_id" = (SELECT t."id" FROM '
                   '"tender_method" AS t WHERE t."name_key" = "payment"."method")')
    for name in ("z", "parked"):
        db.execute_sql(f'INSERT INTO "sequence" ("name", "value") VALUES ({p}, 0)', (name,))


def _v7_customer_sales_day(db: pw.Database) -> None:
    """7: the reports by customer (and by profile, type, day) over a year read a summary
    of the sales per day, customer, profile and type — ~90k rows a year on a 1M-line
    store instead of 150k sales (issue 9: ≤ 100 ms) — filled here from the completed
    sales already made (one INSERT … SELECT), then kept by every sale, return and void
    (services/item_sales.py)."""

    class Base(pw.Model):
        class Meta:
            legacy_table_names = False

    class CustomerSalesDay(Base):
        business_date = pw.DateField()
        customer_id = pw.IntegerField()
        profile_id = pw.IntegerField()
        customer_type_id = pw.IntegerField()
        sales = pw.IntegerField()
        gross = pw.BigIntegerField()
        vat = pw.BigIntegerField()
        discount = pw.BigIntegerField()

        class Meta:
            indexes = (
                (("business_date", "customer_id", "profile_id", "customer_type_id"), True),
                (("business_date", "customer_id", "sales", "gross", "vat", "discount",
                  "profile_id", "customer_type_id"), False),
            )

    with db.bind_ctx([CustomerSalesDay]):
        db.create_tables([CustomerSalesDay])
    db.execute_sql(
        "INSERT INTO customer_sales_day (business_date, customer_id, profile_id, "
        "customer_type_id, sales, gross, vat, discount) SELECT business_date, "
        "COALESCE(customer_id, 0), COALESCE(profile_id, 0), COALESCE(customer_type_id, 0), "
        "COUNT(*), SUM(total), SUM(vat_total), SUM(discount_total) FROM sale "
        "WHERE status = 'completed' GROUP BY business_date, COALESCE(customer_id, 0), "
        "COALESCE(profile_id, 0), COALESCE(customer_type_id, 0)")


MIGRATIONS: list[Callable[[pw.Database], None]] = [
    schema_v1.create,  # 1: the first schema (frozen)
    _v2_sale_line_bill_discount,  # 2: the bill discount on top of the line's own
    _v3_import_mappings_and_web_orders,  # 3: saved import mappings, web-shop orders
    _v4_staff_and_audit,  # 4: staff, audit log, sale's cashier and terminal, limits
    _v5_report_summaries,  # 5: a covering index on sale, item sales per day and month
    _v6_checkout,  # 6: tenders, vouchers, registers, voids, accounts, parked bills
    _v7_customer_sales_day,  # 7: sales per day and customer, for the reports by sale
]

LATEST = len(MIGRATIONS)


VERSION_TABLE = "schema_version"


def current_version(db: pw.Database) -> int:
    if not db.table_exists(VERSION_TABLE):
        return 0
    value = db.execute_sql(f'SELECT MAX("version") FROM "{VERSION_TABLE}"').fetchone()[0]
    return value or 0


def migrate(db: pw.Database, backup: Callable[[], object] | None = None,
            target: int | None = None) -> int:
    """Apply every missing step up to ``target`` (default: the latest), each in
    its own transaction. Returns the version."""
    version = current_version(db)
    goal = LATEST if target is None else target
    if version > LATEST:
        raise pw.DatabaseError(
            f"this database is schema version {version}, newer than this tui-pos ({LATEST})"
        )
    if version < goal and version > 0 and backup is not None:
        backup()
    while version < goal:
        with db.atomic():
            MIGRATIONS[version](db)
            version += 1
            db.execute_sql(f'INSERT INTO "{VERSION_TABLE}" ("version", "applied_at") '
                           f"VALUES ({db.param}, {db.param})", (version, m.now()))
    return version
