"""``tui-pos customer statement NUMBER``: a credit account's statement on the
command line, as text for the receipt printer (32, 42 or 48 columns) or as CSV
(tui_pos/cli.py adds it beside ``customer export|erase``).

Reading only: nothing is written. Bad input (a customer number, a date) is one
line on stderr, exit 2.
"""

from __future__ import annotations

import sys

WIDTHS = (32, 42, 48)


def add_parsers(customer_commands, with_db) -> None:
    """``statement`` under ``tui-pos customer``."""
    statement = with_db(customer_commands.add_parser(
        "statement", help="a customer's credit account statement for a period"))
    statement.add_argument("number", metavar="NUMBER", help="the customer number")
    statement.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                           help="the first day (default: since the first entry)")
    statement.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                           help="the last day (default: today)")
    statement.add_argument("--format", choices=["text", "csv"], default="text")
    statement.add_argument("--width", type=int, choices=WIDTHS, default=42,
                           help="columns of the text, as the receipt printer's (default 42)")


def run_statement(args) -> int:
    from tui_pos.cli import EXIT_USAGE, say
    from tui_pos.db.connection import close_database, open_database, resolve_target
    from tui_pos.services import accounts
    from tui_pos.services.errors import ValidationError

    open_database(resolve_target(args.db), create=False)
    try:
        try:
            customer_id = accounts.customer_by_number(args.number)
            statement = accounts.statement(customer_id, args.date_from, args.date_to)
        except ValidationError as error:
            say(error.message, sys.stderr)
            return EXIT_USAGE
        if args.format == "csv":
            accounts.statement_csv(statement, sys.stdout)
        else:
            sys.stdout.write(accounts.statement_text(statement, args.width))
    finally:
        close_database()
    return 0
