"""Receipt printers: each terminal's receipt width and where its receipts go.

A terminal prints through a command (``lp -d PRINTER``: split like a shell
would, run without one, the receipt on its standard input) or by writing to a
device file (``/dev/usb/lp0``). ``send`` never raises and never waits longer
than ``TIMEOUT``: it answers None (printed) or one line saying what went wrong,
so the screen calls it after the sale is saved, in a thread, and shows that line.

The settings are read once per process and terminal (``settings_for`` is on the
path of every sale: the stored receipt is laid out at the terminal's width) and
read again after ``save_settings``.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from dataclasses import dataclass

from tui_pos.db.models import TerminalSetting, database
from tui_pos.services import audit
from tui_pos.services.actors import Actor, require
from tui_pos.services.errors import Errors, check
from tui_pos.services.text import checked, printable

WIDTHS = (32, 42, 48)   # the receipt printers' columns: 58 mm, 80 mm, 80 mm small font
DEFAULT_WIDTH = 42
TIMEOUT = 10            # seconds a print command may take
PRINTER_LENGTH = 250    # TerminalSetting.print_command / print_device
MESSAGE_LENGTH = 200    # a failure is one line, this long at most
CHANGE = "Change this terminal's receipt printer"


@dataclass(frozen=True)
class TerminalSettings:
    terminal: str
    width: int = DEFAULT_WIDTH
    command: str = ""
    device: str = ""

    @property
    def prints(self) -> bool:
        """A printer is set up: a command or a device file."""
        return bool(self.command or self.device)


# -- the settings ----------------------------------------------------------------------------

_cache: dict[str, TerminalSettings] = {}
_cache_database: object = None  # the database the cache was read from


def settings_for(terminal: str) -> TerminalSettings:
    """This terminal's settings (the defaults when none are saved), read once per process."""
    global _cache_database
    if database.obj is not _cache_database:  # another database opened: start again
        _cache.clear()
        _cache_database = database.obj
    found = _cache.get(terminal)
    if found is None:
        found = _cache[terminal] = _read(terminal)
    return found


def _read(terminal: str) -> TerminalSettings:
    row = (TerminalSetting.select(TerminalSetting.receipt_width, TerminalSetting.print_command,
                                  TerminalSetting.print_device)
           .where(TerminalSetting.terminal == terminal).tuples().first())
    if row is None:
        return TerminalSettings(terminal)
    width, command, device = row
    return TerminalSettings(terminal, width if width in WIDTHS else DEFAULT_WIDTH,
                            command or "", device or "")


def forget() -> None:
    """Read every terminal's settings again at their next use."""
    _cache.clear()


def validate(terminal: str, width: int | str, command: str, device: str) -> TerminalSettings:
    """The settings tidied, or every bad field at once."""
    errors = Errors()
    errors.check(str(width).strip() in {str(w) for w in WIDTHS},
                 "Receipt width must be 32, 42 or 48 columns", "width")
    command = errors.take(checked, command, "Print command", "command", PRINTER_LENGTH) or ""
    device = errors.take(checked, device, "Device file", "device", PRINTER_LENGTH) or ""
    command, device = command.strip(), device.strip()
    if command:
        try:
            errors.check(bool(shlex.split(command)), "Print command is empty", "command")
        except ValueError as error:  # an unclosed quote
            errors.check(False, f"Print command cannot be read: {error}", "command")
    errors.check(not (command and device),
                 "Set a print command or a device file, not both", "device")
    errors.raise_any()
    return TerminalSettings(terminal, int(str(width).strip()), command, device)


def save_settings(actor: Actor, width: int | str, command: str = "", device: str = "",
                  terminal: str | None = None) -> TerminalSettings:
    """Save a terminal's printer (``actor``'s own terminal unless named): a manager's
    work, audited with what changed. Raises ValidationError / NeedsApproval, writing
    nothing then."""
    terminal = printable(terminal if terminal is not None else actor.terminal).strip()[:60]
    check(bool(terminal), "This terminal has no name", "terminal")
    new = validate(terminal, width, command, device)
    with database.atomic():
        require(actor, "manager", CHANGE)
        before = _read(terminal)
        changes = audit.diff(_audited(before), _audited(new))
        if changes:
            updated = (TerminalSetting.update(receipt_width=new.width, print_command=new.command,
                                              print_device=new.device)
                       .where(TerminalSetting.terminal == terminal).execute())
            if not updated:
                TerminalSetting.create(terminal=terminal, receipt_width=new.width,
                                       print_command=new.command, print_device=new.device)
            audit.record(actor, "config", f"Terminal settings: {terminal}", changes)
    _cache.pop(terminal, None)
    return new


def _audited(s: TerminalSettings) -> dict:
    return {"receipt_width": s.width, "print_command": s.command, "print_device": s.device}


# -- printing --------------------------------------------------------------------------------

def send(text: str, terminal: str | TerminalSettings) -> str | None:
    """Print ``text`` on the terminal's printer: None when it went, else one line
    saying why not. Never raises; a command is stopped after ``TIMEOUT`` seconds."""
    settings = terminal if isinstance(terminal, TerminalSettings) else settings_for(terminal)
    data = text.encode("utf-8", "replace")
    if settings.command:
        failure = _run(settings.command, data)
    elif settings.device:
        failure = _write(settings.device, data)
    else:
        failure = (f"No receipt printer is set up for {settings.terminal} "
                   "(Tools › Configuration › Terminal Settings)")
    return None if failure is None else _one_line(failure)


def _run(command: str, data: bytes) -> str | None:
    try:
        args = shlex.split(command)
    except ValueError as error:
        return f"Print command cannot be read: {error}"
    if not args:
        return "Print command is empty"
    try:
        process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except FileNotFoundError:
        return f"Print command not found: {args[0]}"
    except OSError as error:  # not executable, too many processes …
        return f"Print command {args[0]} could not start: {error.strerror or error}"
    try:
        _, errors = process.communicate(data, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _stop(process)
        return f"Print command {args[0]} did not finish in {TIMEOUT} s and was stopped"
    if process.returncode != 0:
        said = _first_line(errors.decode("utf-8", "replace"))
        return f"Print command {args[0]} failed (exit {process.returncode})" + (
            f": {said}" if said else "")
    return None


def _stop(process: subprocess.Popen) -> None:
    """Kill the command and whatever it started (its own process group)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()
    if process.stderr is not None:
        process.stderr.close()
    if process.stdin is not None:
        try:
            process.stdin.close()
        except BrokenPipeError:
            pass


def _write(device: str, data: bytes) -> str | None:
    """Append to the device file; never create it (a typo'd path is a failure).
    Opened without waiting: a FIFO nobody reads is refused, not waited for."""
    try:
        fd = os.open(device, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        return f"Printer device {device}: {error.strerror or error}"
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as error:
        return f"Printer device {device}: {error.strerror or error}"
    finally:
        os.close(fd)
    return None


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if printable(line).strip():
            return printable(line).strip()
    return ""


def _one_line(text: str) -> str:
    return " ".join(printable(text).split())[:MESSAGE_LENGTH]
