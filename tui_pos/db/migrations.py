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


MIGRATIONS: list[Callable[[pw.Database], None]] = [
    schema_v1.create,  # 1: the first schema (frozen)
    _v2_sale_line_bill_discount,  # 2: the bill discount on top of the line's own
    _v3_import_mappings_and_web_orders,  # 3: saved import mappings, web-shop orders
    _v4_staff_and_audit,  # 4: staff, audit log, sale's cashier and terminal, limits
    _v5_report_summaries,  # 5: a covering index on sale, item sales per day and month
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
