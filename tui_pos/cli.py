"""The command line. Only the TUI path imports Textual.

Errors: one clear line on stderr, a non-zero exit, nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_USAGE = 2
EXIT_ERROR = 1
GROUPS = ("profile", "type", "customer", "day", "item")
RANGES = ("today", "this-week", "this-month", "last-30-days")


def one_line(text: object) -> str:
    """Text for the terminal: no control characters, no line breaks."""
    from tui_pos.services.text import printable

    return " ".join(printable(str(text)).split())


def say(message: object, stream=None) -> None:
    print(f"tui-pos: {one_line(message)}", file=stream or sys.stdout)


def refuse(message: object) -> int:
    say(message, sys.stderr)
    return EXIT_ERROR


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        say(message, sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    db_help = ("database file, sqlite:///PATH or postgresql:// URL "
               "(default: $TUI_POS_DATABASE or the user data dir)")
    parser = Parser(prog="tui-pos", description="A keyboard-first point of sale.")
    parser.add_argument("--db", metavar="PATH|URL", help=db_help)
    parser.add_argument("--demo", action="store_true",
                        help="open the TUI on a fresh demo store")
    parser.add_argument("--terminal", metavar="NAME",
                        help="this till's name on sales and in the audit log "
                        "(default: $TUI_POS_TERMINAL or the host name)")
    parser.add_argument("--keymap", metavar="FILE",
                        help="this terminal's keys: a TOML file of binding id = key "
                        "(default: $TUI_POS_KEYMAP)")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    def with_db(p):
        p.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=db_help)
        return p

    init = with_db(sub.add_parser("init", help="create or migrate the database"))
    init.add_argument("--demo", action="store_true", help="fill a new database with the demo store")
    init.add_argument("--create", action="store_true",
                      help="create the database's folder if it is missing")
    init.add_argument("--owner-name", metavar="NAME",
                      help="a new store's owner (default: asked, or $TUI_POS_OWNER_NAME)")
    init.add_argument("--owner-pin", metavar="PIN",
                      help="the owner's PIN, 4-12 digits, for scripts (else asked twice; "
                      "$TUI_POS_OWNER_PIN keeps it out of the process list)")

    report = with_db(sub.add_parser("report", help="print a report"))
    report.add_argument("report", nargs="?", default="sales", choices=["sales", "z", "x"],
                        help="sales (the default); z NUMBER: a kept Z report again; "
                        "x: the open register's X report (--terminal)")
    report.add_argument("number", nargs="?", metavar="NUMBER", help="the Z report's number")
    report.add_argument("--width", type=int, default=42,
                        help="z/x: columns of the text (default 42; 32 to 80)")
    report.add_argument("--by", choices=GROUPS, help="group the sales by this")
    report.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    report.add_argument("--range", choices=RANGES,
                        help="a quick range ending today (instead of --from/--to)")
    report.add_argument("--limit", type=int, default=100, metavar="N",
                        help="rows per page, top N by gross (default 100)")
    report.add_argument("--after", metavar="CURSOR",
                        help="the next page: the cursor printed under the previous one")
    report.add_argument("--format", choices=["table", "csv"], default="table")
    for flag, what in (("--profile", "customer profile"), ("--type", "customer type"),
                       ("--staff", "staff member who rang the sales up"),
                       ("--terminal", "terminal the sales were made on")):
        report.add_argument(flag, dest=f"only_{flag[2:]}", metavar="NAME",
                            help=f"only the sales of this {what}")

    add_import_parser(sub, with_db)
    add_export_parser(sub, with_db)
    from tui_pos.cli_privacy import add_parsers as add_privacy_parsers

    customer_commands = add_privacy_parsers(sub, with_db)  # audit, customer export|erase
    from tui_pos.cli_accounts import add_parsers as add_account_parsers

    add_account_parsers(customer_commands, with_db)  # customer statement
    from tui_pos.cli_register import add_parsers as add_register_parsers

    add_register_parsers(sub, with_db)  # register open|close|status
    return parser


def add_import_parser(sub, with_db) -> None:
    imports = with_db(sub.add_parser("import",
                                     help="import customers or web-shop orders from a file"))
    what = imports.add_subparsers(dest="what", parser_class=Parser, required=True)
    customers = with_db(what.add_parser(
        "customers", help="customers from CSV or .xlsx (Shopify, Square, Lightspeed, "
        "Open Source POS or tui-pos layout)"))
    customers.add_argument("file", metavar="FILE")
    customers.add_argument("--dry-run", action="store_true",
                           help="check the file and say what would change; write nothing")
    customers.add_argument("--good-rows-only", action="store_true",
                           help="import the good rows even if some are bad")
    customers.add_argument("--rejects", metavar="FILE",
                           help="write the bad rows, with the reason, to this CSV file")
    customers.add_argument("--create-missing", action="store_true",
                           help="create customer types, profiles and tags the file names")
    customers.add_argument("--sheet", metavar="NAME", help="the sheet of an .xlsx file "
                           "(default: the first)")
    customers.add_argument("--mapping", metavar="NAME", help="read the columns with a "
                           "mapping saved by name in the TUI's Import Customers")
    orders = with_db(what.add_parser(
        "orders", help="paid web-shop orders from JSON, CSV or .xlsx (docs/webshop-orders.md)"))
    orders.add_argument("file", metavar="FILE")


def add_export_parser(sub, with_db) -> None:
    served = with_db(sub.add_parser(
        "serve", help="serve the program to a browser on this machine (textual-serve)"))
    served.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    served.add_argument("--port", type=port_number, default=8000, metavar="N",
                        help="port to listen on (default: 8000)")

    exports = with_db(sub.add_parser("export", help="export customers or sales as CSV or .xlsx"))
    what = exports.add_subparsers(dest="what", parser_class=Parser, required=True)
    customers = with_db(what.add_parser("customers", help="every customer, every field"))
    sales = with_db(what.add_parser("sales", help="sales, one row per line or per sale"))
    sales.add_argument("--per", choices=["line", "sale"], default="line",
                       help="one row per sale line (the default) or per sale")
    sales.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    sales.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    for p in (customers, sales):
        p.add_argument("--format", choices=["csv", "xlsx"], default="csv",
                       help="csv (the default) or xlsx (needs --out)")
        p.add_argument("--out", metavar="FILE",
                       help="write to this file (owner-only) instead of stdout")


def demo_location() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("tui-pos", appauthor=False)) / "demo.db")


class Refused(Exception):
    """The command did what it could and stops with this message, non-zero."""


def fill_with_demo(shown: str) -> None:
    """Build the demo store in the open database; a failure removes a new store."""
    from tui_pos.db.connection import (
        DatabaseError, current_store, discard_new_store, disk_problem,
    )
    from tui_pos.services.actors import cli_actor
    from tui_pos.services.demo import build_demo_store
    from tui_pos.services.errors import ValidationError
    import peewee as pw

    try:
        built = build_demo_store(cli_actor())
    except (pw.PeeweeException, OSError, ValidationError) as exc:
        new = current_store().is_new
        discard_new_store()
        problem = disk_problem(exc) or f"the demo store could not be built ({exc})"
        raise DatabaseError(f"{problem}: could not write {shown}; "
                            + ("nothing was kept" if new else "the demo store was not added")
                            ) from None
    if not built:
        raise Refused(f"{shown} already has data; the demo store was not added")


def fresh_demo(target: str | None) -> str:
    """A new demo store: at --db if given (must be new or empty), else recreated
    in the user data dir."""
    from tui_pos.db.connection import close_database, normalise_target, open_database

    if target is None:
        target = demo_location()
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
        open_database(target, create=True, create_folder=True, read_only=False)
    else:
        target = normalise_target(target)
        open_database(target, create=True, read_only=False)
    fill_with_demo(target)
    close_database()
    return target


class NoOwner(Exception):
    """A real store without staff, and no way to ask for its owner: exit 2."""


def owner_given(args) -> tuple[str, str] | None:
    """The owner's name and PIN from the command line (or the environment), checked
    before anything is written; None when they are to be asked."""
    import os

    from tui_pos.services import staff
    from tui_pos.services.text import checked

    pin = args.owner_pin if args.owner_pin is not None else os.environ.get("TUI_POS_OWNER_PIN")
    if pin is None:
        return None
    name = args.owner_name or os.environ.get("TUI_POS_OWNER_NAME") or "Owner"
    name = checked(name, "Owner", "owner-name", staff.NAME_LENGTH, required=True)
    return name, staff.check_pin_rules(pin, "owner-pin")


def ask_owner(args) -> tuple[str, str]:
    """Name and PIN (twice, not echoed) from the person at the terminal."""
    import getpass

    from tui_pos.services import staff
    from tui_pos.services.errors import ValidationError
    from tui_pos.services.text import checked

    if not sys.stdin.isatty():
        raise NoOwner("a new store needs its owner: give --owner-name NAME --owner-pin PIN "
                      "(or run `tui-pos init` in a terminal to be asked)")
    name = args.owner_name or input("The owner's name: ")
    name = checked(name, "Owner", "owner-name", staff.NAME_LENGTH, required=True)
    pin = staff.check_pin_rules(getpass.getpass("The owner's PIN (4-12 digits): "))
    if getpass.getpass("The PIN again: ") != pin:
        raise ValidationError("the two PINs differ: nothing was written", "owner-pin")
    return name, pin


def first_owner(args) -> str | None:
    """A store without staff gets its owner (given or asked); the owner's name, or None
    when the store already has staff. A new store is removed again if this fails."""
    from tui_pos.db.connection import discard_new_store
    from tui_pos.services import staff
    from tui_pos.services.actors import cli_actor
    from tui_pos.services.errors import ValidationError

    if staff.has_staff():
        if getattr(args, "owner_pin", None) or getattr(args, "owner_name", None):
            say("this store already has staff: the owner given is not used "
                "(owners add staff in Master › Staff)", sys.stderr)
        return None
    try:
        name, pin = owner_given(args) or ask_owner(args)
        return staff.create_first_owner(cli_actor(args.terminal), name, pin).name
    except (NoOwner, ValidationError, KeyboardInterrupt, EOFError, OSError):
        # no owner (refused, a typo, Ctrl+C): no new store either
        discard_new_store()
        raise


def run_init(args) -> int:
    from tui_pos.db.connection import (
        close_database, is_default, normalise_target, open_database, resolve_target, shown,
    )
    from tui_pos.db.migrations import LATEST
    from tui_pos.services.actors import cli_actor
    from tui_pos.services.setup import create_standard_vat_classes

    target = normalise_target(resolve_target(args.db))
    open_database(target, create=True, create_folder=args.create or is_default(args.db),
                  read_only=False)
    ready = f"{shown(target)} is ready (schema version {LATEST})"
    try:
        if args.demo:
            fill_with_demo(shown(target))
            say(f"{ready}, with the demo store")
            return 0
        owner = first_owner(args)
        made = create_standard_vat_classes(cli_actor())
    finally:
        close_database()
    if owner:
        ready += f"; owner {owner} created (sign in with the PIN)"
    if made:
        names = ", ".join(f"{v.name} {v.rate.normalize():f} %" for v in made.values())
        ready += f"; VAT classes created: {names}"
    say(ready)
    return 0


def run_report(args) -> int:
    from tui_pos.db.connection import close_database, open_database, resolve_target
    from tui_pos.services import config, reports

    if args.report in ("z", "x"):
        from tui_pos.cli_register import run_report as run_register_report

        return run_register_report(args)
    if args.by is None:
        return refuse(f"group the report by something: `tui-pos report {args.report} "
                      f"--by {'|'.join(GROUPS)}`")
    if args.range and (args.date_from or args.date_to):
        return refuse("give either --range or --from/--to, not both")
    # a typo writes nothing: dates, page size and cursor are checked before the database
    start, end = (reports.quick_range(args.range) if args.range
                  else reports.date_range(args.date_from, args.date_to))
    reports.check_page_request(args.by, args.limit, args.after)
    open_database(resolve_target(args.db), create=False)  # read-only if it cannot be written
    try:
        where = reports.named_filter(args.only_profile, args.only_type, args.only_staff,
                                     args.only_terminal)
        page = reports.sales_page(args.by, start, end, where, limit=args.limit,
                                  after=args.after)
        if args.format == "csv":
            sys.stdout.write(reports.page_csv(page))
        else:
            settings = config.get_settings()
            sys.stdout.write(reports.page_table(page, settings.currency, settings.locale))
    finally:
        close_database()
    if page.next_cursor is not None:  # on stderr: stdout stays the report alone
        say(f"{len(page.rows):,} of {page.groups:,} rows; the next page: "
            f"--after {page.next_cursor}", sys.stderr)
    return 0


SHOWN_ROWS = 50  # bad rows listed on the terminal; all of them go to --rejects


def run_import(args) -> int:
    from tui_pos.db.connection import close_database, open_database, resolve_target
    from tui_pos.services.actors import cli_actor
    from tui_pos.services.importer import import_customers

    if args.what == "orders":
        return run_import_orders(args)
    open_database(resolve_target(args.db), create=False)
    try:
        from tui_pos.services.mappings import get_mapping

        by_hand = get_mapping(args.mapping).layout() if args.mapping else None
        report = import_customers(
            cli_actor(getattr(args, "terminal", None)), args.file, dry_run=args.dry_run, good_rows_only=args.good_rows_only,
            create_missing=args.create_missing, rejects=args.rejects, sheet=args.sheet,
            by_hand=by_hand, progress=progress_on_terminal())
    finally:
        close_database()
    for problem in report.problems[:SHOWN_ROWS]:
        say(f"{report.file} line {problem.line}: {problem.reason}", sys.stderr)
    if report.rejected > SHOWN_ROWS:
        say(f"… and {report.rejected - SHOWN_ROWS:,} more bad rows"
            + (f" (all in {report.rejects_file})" if report.rejects_file else
               " (list them all with --rejects FILE)"), sys.stderr)
    read = f"{report.file}: {report.layout} layout, {report.source}, {report.rows:,} rows"
    if report.refused:
        return refuse(f"{read}; {report.rejected:,} bad rows, so nothing was imported "
                      "(fix them, or import the rest with --good-rows-only)")
    say(f"{read}: {report.summary()}" + (" (dry run: nothing written)" if report.dry_run
                                          else ""))
    if report.ignored_columns:
        say("columns not imported: " + ", ".join(report.ignored_columns))
    return 0


def run_import_orders(args) -> int:
    """Each paid order its own transaction; non-zero when any order was refused."""
    from tui_pos.db.connection import close_database, open_database, resolve_target
    from tui_pos.services.actors import cli_actor
    from tui_pos.services.webshop import import_orders

    open_database(resolve_target(args.db), create=False)
    try:
        report = import_orders(cli_actor(getattr(args, "terminal", None)), args.file)
    finally:
        close_database()
    for problem in report.refused[:SHOWN_ROWS]:
        say(f"{report.file} order {problem.order}: {problem.reason}", sys.stderr)
    if len(report.refused) > SHOWN_ROWS:
        say(f"… and {len(report.refused) - SHOWN_ROWS:,} more refused orders", sys.stderr)
    if report.unpaid:
        shown = ", ".join(report.unpaid[:SHOWN_ROWS])
        more = len(report.unpaid) - SHOWN_ROWS
        say(f"skipped, not paid: {shown}" + (f" and {more:,} more" if more > 0 else ""))
    say(f"{report.file}: {report.orders:,} orders: {report.summary()}")
    return EXIT_ERROR if report.refused else 0


def progress_on_terminal():
    """Rows counted on stderr when it is a terminal (a cron job's log stays clean)."""
    if not sys.stderr.isatty():
        return None

    def show(phase: str, rows: int) -> None:
        sys.stderr.write(f"\r{phase} {rows:,} rows")
        sys.stderr.flush()
    return show


def run_export(args) -> int:
    from tui_pos.db.connection import close_database, open_database, resolve_target
    from tui_pos.services import export, export_sales
    from tui_pos.services.reports import date_range

    if args.format == "xlsx" and not args.out:
        return refuse("an .xlsx file is binary: name it with --out FILE")
    if args.what == "sales":
        date_range(args.date_from, args.date_to)  # a typo writes nothing
    open_database(resolve_target(args.db), create=False)
    try:
        if args.what == "sales":
            dates = (args.date_from, args.date_to)
            if args.out:
                count = export_sales.export_sales_to(args.out, args.per, *dates, args.format)
                say(f"{count:,} {'sale lines' if args.per == 'line' else 'sales'} "
                    f"written to {args.out}")
            else:
                export_sales.write_sales_csv(sys.stdout, args.per, *dates)
        elif args.out:
            count = export.export_customers_to(args.out, args.format)
            say(f"{count:,} customers written to {args.out}")
        else:
            export.write_customers_csv(sys.stdout)
    except BrokenPipeError:  # `| head` stopped reading: not a failure
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        close_database()
    return 0


def demo_cashier(target: str, terminal: str | None):
    """`--demo` opens signed in as the demo store's cashier: a first look needs no PIN."""
    from tui_pos.db.connection import close_database, open_database
    from tui_pos.services import demo, staff
    from tui_pos.services.actors import terminal_name

    open_database(target, create=False)
    try:
        row = staff.find_staff(demo.DEMO_CASHIER)
        return staff.sign_in(row.id, demo.demo_pin(row.name), terminal_name(terminal))
    finally:
        close_database()


def port_number(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {text[:20]!r}")
    return int(text)


def run_serve(args) -> int:
    from tui_pos import serve
    from tui_pos.db.connection import (
        close_database, normalise_target, open_database, resolve_target,
    )

    target = normalise_target(resolve_target(args.db))
    open_database(target, create=False)  # a bad store fails here, not in every browser tab
    close_database()
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        return refuse("tui-pos serve needs textual-serve: pip install 'tui-pos[serve]'")
    say(f"serving tui-pos on http://{args.host}:{args.port} (Ctrl+C stops)", sys.stderr)
    serve.serve(target, args.host, args.port, args.terminal or "browser",
                getattr(args, "keymap", None), warn=lambda text: say(text, sys.stderr))
    return 0


def run_tui(args) -> int:
    from tui_pos.db.connection import (
        close_database, normalise_target, open_database, resolve_target,
    )

    actor = None
    if args.demo:
        target = fresh_demo(args.db)
        actor = demo_cashier(target, args.terminal)
    else:
        target = normalise_target(resolve_target(args.db))
        open_database(target, create=False)  # fail here, before the screen is taken over
        close_database()
    from tui_pos.ui.app import PosApp

    if args.keymap:  # read by the app as it loads; a bad file is said on the screen
        os.environ["TUI_POS_KEYMAP"] = args.keymap
    PosApp(database=target, actor=actor, terminal=args.terminal).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    import peewee as pw

    from tui_pos.db.connection import DatabaseError
    from tui_pos.services.errors import ValidationError

    args = build_parser().parse_args(argv)
    try:
        if args.command == "init":
            return run_init(args)
        if args.command == "report":
            return run_report(args)
        if args.command == "import":
            return run_import(args)
        if args.command == "export":
            return run_export(args)
        if args.command == "serve":
            return run_serve(args)
        if args.command == "register":
            from tui_pos.cli_register import run_register

            return run_register(args)
        if args.command == "customer" and args.what == "statement":
            from tui_pos.cli_accounts import run_statement

            return run_statement(args)
        if args.command in ("audit", "customer"):
            from tui_pos import cli_privacy

            return (cli_privacy.run_audit if args.command == "audit"
                    else cli_privacy.run_customer)(args)
        return run_tui(args)
    except NoOwner as exc:
        say(exc, sys.stderr)
        return EXIT_USAGE
    except (DatabaseError, ValidationError, Refused) as exc:
        return refuse(exc)
    except (pw.PeeweeException, OSError) as exc:  # a damaged file, a server gone: any engine
        return refuse(f"the database failed: {exc}")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
