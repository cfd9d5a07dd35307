"""``tui-pos audit`` and ``tui-pos customer export|erase``: the audit log and a
customer's privacy on the command line (tui_pos/cli.py adds them).

The command line acts as ``cli:<os user>`` with the owner's rights: whoever
can run it on the database can read and write the file anyway. Bad input
(a date, a staff name, a customer number) is one line on stderr, exit 2.
"""

from __future__ import annotations

import sys

KIND_HELP = "one of: config, master, staff, sign-in, sign-in-failed, lock-out, approval, …"


def add_parsers(sub, with_db):
    """Adds ``audit`` and ``customer export|erase``; returns ``customer``'s subcommands
    (tui_pos/cli_accounts.py adds ``statement`` there)."""
    from tui_pos.cli import Parser

    audit = with_db(sub.add_parser("audit", help="print the audit log, newest first"))
    audit.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    audit.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    audit.add_argument("--staff", metavar="NAME",
                       help="entries by (or approved by) this staff member, or cli:<user>")
    audit.add_argument("--kind", metavar="KIND", help=KIND_HELP)
    audit.add_argument("--limit", type=int, default=100, metavar="N",
                       help="entries to print (default 100, at most 10000)")
    audit.add_argument("--before", type=int, metavar="ID",
                       help="the next page: entries older than this id")
    audit.add_argument("--format", choices=["table", "csv"], default="table")

    customer = with_db(sub.add_parser("customer", help="a customer's data: export or erase"))
    what = customer.add_subparsers(dest="what", required=True, parser_class=Parser)
    export = with_db(what.add_parser("export", help="everything held about one customer"))
    export.add_argument("number", metavar="NUMBER", help="the customer number")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--out", metavar="FILE",
                        help="write to this file (owner-only) instead of stdout")
    erase = with_db(what.add_parser(
        "erase", help="anonymise one customer on request (their sales stay for the books)"))
    erase.add_argument("number", metavar="NUMBER", help="the customer number")
    erase.add_argument("--reason", required=True, metavar="TEXT",
                       help="why (kept in the audit log: no names, please)")
    erase.add_argument("--yes", action="store_true",
                       help="do not ask to type the number again")
    return what


def run_audit(args) -> int:
    from tui_pos.cli import EXIT_USAGE, say
    from tui_pos.db.connection import close_database, open_database, resolve_target
    from tui_pos.services import audit
    from tui_pos.services.errors import ValidationError

    if not 1 <= args.limit <= 10_000:
        say("--limit must be between 1 and 10000", sys.stderr)
        return EXIT_USAGE
    open_database(resolve_target(args.db), create=False)
    try:
        try:
            chosen = audit.make_filter(args.date_from, args.date_to, args.staff, args.kind)
        except ValidationError as error:
            say(error.message, sys.stderr)
            return EXIT_USAGE
        rows = audit.entries(chosen, limit=args.limit, before_id=args.before)
    finally:
        close_database()
    if args.format == "csv":
        audit.write_csv(sys.stdout, rows)
    else:
        sys.stdout.write(audit.table(rows) if rows else "No entries\n")
    if len(rows) == args.limit:  # on stderr: stdout stays the log alone
        sys.stdout.flush()  # the table first, then the note, where both go to one screen
        say(f"{len(rows):,} entries shown; older ones: --before {rows[-1].id}", sys.stderr)
    return 0


def run_customer(args) -> int:
    from tui_pos.cli import EXIT_USAGE, say
    from tui_pos.db.connection import close_database, open_database, resolve_target
    from tui_pos.services import privacy
    from tui_pos.services.actors import cli_actor
    from tui_pos.services.errors import ValidationError

    target = resolve_target(args.db)
    open_database(target, create=False)
    try:
        try:
            customer_id = privacy.customer_id_for(args.number)
        except ValidationError as error:
            say(error.message, sys.stderr)
            return EXIT_USAGE
        if args.what == "export":
            return _export(args, customer_id, cli_actor())
        return _erase(args, customer_id, cli_actor(), target)
    finally:
        close_database()


def _export(args, customer_id: int, actor) -> int:
    from tui_pos.cli import say
    from tui_pos.services import privacy

    if args.out:
        path = privacy.export_customer_to(actor, customer_id, args.out, args.format)
        say(f"customer {args.number}: everything held written to {path}")
        return 0
    sys.stdout.write(privacy.render(privacy.export_customer(actor, customer_id), args.format))
    return 0


def _erase(args, customer_id: int, actor, target: str) -> int:
    from tui_pos.cli import EXIT_USAGE, say
    from tui_pos.services import privacy
    from tui_pos.services.errors import ValidationError
    from tui_pos.services.receipts import receipts_folder

    if not args.yes:
        if not sys.stdin.isatty():
            say("not erased: confirm with --yes (nothing can undo an erasure)", sys.stderr)
            return EXIT_USAGE
        typed = input(f"Erase customer {args.number}? Nothing can undo it. "
                      "Type the number again: ")
        if typed.strip() != args.number.strip():
            say("not erased: the number typed differs", sys.stderr)
            return EXIT_USAGE
    try:
        folder = receipts_folder(target)
    except ValidationError:
        folder = None
    done = privacy.erase_customer(actor, customer_id, args.reason, receipts_dir=folder)
    say(f"customer {done.number} erased: {done.notes_removed} notes removed, "
        f"{done.sales_renamed} sales kept with the name replaced"
        + (f", {done.receipts_rewritten} receipt files written again"
           if done.receipts_rewritten else ""))
    if done.receipt_problem:
        say(f"a receipt file still names the customer: {done.receipt_problem}", sys.stderr)
    return 0
