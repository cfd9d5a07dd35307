"""The command line. Only the TUI path imports Textual.

Errors: one clear line on stderr, a non-zero exit, nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_USAGE = 2
EXIT_ERROR = 1


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        print(f"tui-pos: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    db_help = "database file or postgresql:// URL (default: $TUI_POS_DATABASE or the user data dir)"
    parser = Parser(prog="tui-pos", description="A keyboard-first point of sale.")
    parser.add_argument("--db", metavar="PATH|URL", help=db_help)
    parser.add_argument("--demo", action="store_true",
                        help="open the TUI on a fresh demo store")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    def with_db(p):
        p.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=db_help)
        return p

    init = with_db(sub.add_parser("init", help="create or migrate the database"))
    init.add_argument("--demo", action="store_true", help="fill a new database with the demo store")

    report = with_db(sub.add_parser("report", help="print a report"))
    report.add_argument("report", choices=["sales"])
    report.add_argument("--by", required=True, choices=["profile", "type", "customer", "day"])
    report.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    report.add_argument("--format", choices=["table", "csv"], default="table")
    return parser


def demo_location() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("tui-pos", appauthor=False)) / "demo.db")


def fresh_demo(target: str | None) -> str:
    """A new demo store: at --db if given (must be new or empty), else recreated."""
    from tui_pos.db.connection import close_database, open_database
    from tui_pos.services.demo import build_demo_store

    if target is None:
        target = demo_location()
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
    open_database(target)
    build_demo_store()
    close_database()
    return target


def run_init(args) -> int:
    from tui_pos.db.connection import open_database, resolve_target
    from tui_pos.db.migrations import LATEST
    from tui_pos.services.demo import build_demo_store

    target = resolve_target(args.db)
    open_database(target)
    if args.demo:
        build_demo_store()
    print(f"tui-pos: {target} is ready (schema version {LATEST})"
          + (", with the demo store" if args.demo else ""))
    return 0


def run_report(args) -> int:
    from tui_pos.db.connection import open_database
    from tui_pos.services import config, reports

    start, end = reports.date_range(args.date_from, args.date_to)  # a typo writes nothing
    open_database(args.db)
    rows = reports.sales_by(args.by, start, end)
    if args.format == "csv":
        sys.stdout.write(reports.as_csv(args.by, rows))
    else:
        sys.stdout.write(reports.as_table(args.by, rows, config.get_settings().currency))
    return 0


def run_tui(args) -> int:
    from tui_pos.db.connection import close_database, open_database, resolve_target

    target = fresh_demo(args.db) if args.demo else resolve_target(args.db)
    open_database(target)  # fail here, before the screen is taken over
    close_database()
    from tui_pos.ui.app import PosApp

    PosApp(database=target).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    from tui_pos.db.connection import DatabaseError
    from tui_pos.services.errors import ValidationError

    args = build_parser().parse_args(argv)
    try:
        if args.command == "init":
            return run_init(args)
        if args.command == "report":
            return run_report(args)
        return run_tui(args)
    except (DatabaseError, ValidationError) as exc:
        print(f"tui-pos: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
