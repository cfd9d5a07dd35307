"""``tui-pos register open|close|status`` and ``tui-pos report z NUMBER`` /
``report x``: a terminal's register on the command line (tui_pos/cli.py adds them).

The command line acts as ``cli:<os user>`` on the terminal ``--terminal`` names
(default $TUI_POS_TERMINAL or the host name), so a script can open the register
of the till it is about to sell from. Bad input is one line on stderr, exit 2.
"""

from __future__ import annotations

import sys

WIDTH_HELP = "columns of the text (default 42: a receipt printer; 32 to 80)"


def add_parsers(sub, with_db) -> None:
    from tui_pos.cli import Parser

    reg = with_db(sub.add_parser("register", help="open, close or show a terminal's register"))
    what = reg.add_subparsers(dest="what", required=True, parser_class=Parser)
    opening = with_db(what.add_parser("open", help="open the register with its counted float"))
    opening.add_argument("--terminal", dest="register_terminal", metavar="NAME")
    opening.add_argument("--float", dest="float_amount", required=True, metavar="AMOUNT",
                         help="the cash counted into the drawer")
    closing = with_db(what.add_parser(
        "close", help="close the register: the Z report with what was counted per tender"))
    closing.add_argument("--terminal", dest="register_terminal", metavar="NAME")
    closing.add_argument("--count", action="append", default=[], metavar="TENDER=AMOUNT",
                         help="counted per tender, e.g. --count Cash=119.20 --count Card=12.10")
    closing.add_argument("--width", type=int, default=42, help=WIDTH_HELP)
    status = with_db(what.add_parser("status", help="is the register open, and its X report"))
    status.add_argument("--terminal", dest="register_terminal", metavar="NAME")
    status.add_argument("--width", type=int, default=42, help=WIDTH_HELP)


def _width(args) -> int:
    from tui_pos.services.errors import ValidationError

    width = getattr(args, "width", None) or 42
    if not 32 <= width <= 80:
        raise ValidationError("--width must be between 32 and 80")
    return width


def _locale() -> str | None:
    from tui_pos.services import config

    return config.get_settings().locale


def _actor(args):
    from tui_pos.services.actors import cli_actor

    return cli_actor(getattr(args, "register_terminal", None)
                     or getattr(args, "only_terminal", None) or args.terminal)


def _counts(pairs: list[str]) -> dict[str, str]:
    from tui_pos.services.errors import ValidationError

    counted = {}
    for pair in pairs:
        method, sep, amount = pair.partition("=")
        if not sep or not method.strip():
            raise ValidationError(f"--count {pair!r}: give it as TENDER=AMOUNT, e.g. Cash=100")
        counted[method.strip()] = amount
    return counted


def run_register(args) -> int:
    from tui_pos.cli import say
    from tui_pos.db.connection import close_database, open_database, resolve_target
    from tui_pos.services import register

    width = _width(args)
    counted = _counts(args.count) if args.what == "close" else {}
    open_database(resolve_target(args.db), create=False)
    try:
        actor = _actor(args)
        if args.what == "open":
            info = register.open_register(actor, args.float_amount)
            say(f"register open on {info.terminal} with float {info.opening_float}")
        elif args.what == "close":
            z = register.close_register(actor, counted, width)
            sys.stdout.write(z.text)
        else:
            info = register.current(actor.terminal)
            if info is None:
                say(f"the register on {actor.terminal} is closed")
            else:
                report = register.x_report(info.id)
                sys.stdout.write(register.z_text(report, width, _locale()))
    finally:
        close_database()
    return 0


def run_report(args) -> int:
    """``report z NUMBER``: a kept Z again; ``report x``: the open register's X."""
    from tui_pos.cli import refuse
    from tui_pos.db.connection import close_database, open_database, resolve_target
    from tui_pos.services import register

    width = _width(args)
    if args.report == "z" and (args.number is None or not str(args.number).isdigit()):
        return refuse("give the Z report's number: `tui-pos report z NUMBER`")
    open_database(resolve_target(args.db), create=False)
    try:
        if args.report == "z":
            z = register.z_by_number(int(args.number))
            same = width == 42 and z.text
            text = z.text if same else register.z_text(z, width, _locale())
            sys.stdout.write(text)
            return 0
        actor = _actor(args)
        info = register.current(actor.terminal)
        if info is None:
            return refuse(f"the register on {actor.terminal} is not open: no X report")
        sys.stdout.write(register.z_text(register.x_report(info.id), width, _locale()))
    finally:
        close_database()
    return 0
