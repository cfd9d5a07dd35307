"""Receipt printers: a terminal's width and printer (a manager's, audited), and
``printing.send`` to a real process or a device file, which answers a failure in one
line and never raises."""

from __future__ import annotations

import os
import stat
import sys
import time

import pytest

from tui_pos.db.models import AuditEntry, TerminalSetting
from tui_pos.services import printing
from tui_pos.services.errors import NeedsApproval, ValidationError
from tui_pos.services.printing import TerminalSettings, send
from tests.actors import CASHIER, MANAGER

RECEIPT = "Sale 7\n  Stoneware mug 湯呑み  12,10\n"


def script(tmp_path, name: str, body: str) -> str:
    """A tiny executable Python script in tmp_path: a real process to print to."""
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def fake_printer(tmp_path) -> tuple[str, object]:
    """A print command that copies its standard input to a file, and that file."""
    paper = tmp_path / "paper.txt"
    command = script(tmp_path, "lp", f"open({str(paper)!r}, 'wb').write(sys.stdin.buffer.read())")
    return command, paper


# -- sending -----------------------------------------------------------------------------------

def test_a_print_command_gets_the_receipt_on_its_standard_input(tmp_path):
    command, paper = fake_printer(tmp_path)
    # split like a shell would (the quoted argument stays one), but no shell runs it
    assert send(RECEIPT, TerminalSettings("till-1", command=f"{command} -d 'Front desk'")) \
        is None
    assert paper.read_bytes() == RECEIPT.encode("utf-8")


def test_a_device_file_gets_the_receipt_appended(tmp_path):
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    settings = TerminalSettings("till-1", device=str(device))
    assert send(RECEIPT, settings) is None
    assert send("Sale 8\n", settings) is None
    assert device.read_text(encoding="utf-8") == RECEIPT + "Sale 8\n"


def test_a_device_that_is_not_there_is_not_created(tmp_path):
    missing = tmp_path / "usb" / "lp0"
    failure = send(RECEIPT, TerminalSettings("till-1", device=str(missing)))
    assert failure == f"Printer device {missing}: No such file or directory"
    assert not missing.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_device_nobody_reads_is_refused_not_waited_for(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    failure = send(RECEIPT, TerminalSettings("till-1", device=str(fifo)))
    assert failure is not None and failure.startswith(f"Printer device {fifo}: ")
    assert time.monotonic() - started < 5


def test_a_failing_command_says_why_in_one_line(tmp_path):
    command = script(tmp_path, "lp", "sys.stdin.read()\n"
                     "sys.stderr.write('lp: \\x1b[31mno such printer\\nsecond line\\n')\n"
                     "sys.exit(1)")
    failure = send(RECEIPT, TerminalSettings("till-1", command=command))
    assert failure == f"Print command {command} failed (exit 1): lp: [31mno such printer"


def test_a_command_that_is_not_there(tmp_path):
    failure = send(RECEIPT, TerminalSettings("till-1", command="no-such-lp-here -d x"))
    assert failure == "Print command not found: no-such-lp-here"


def test_a_command_that_hangs_is_stopped_after_the_timeout(tmp_path, monkeypatch):
    monkeypatch.setattr(printing, "TIMEOUT", 1)
    pid_file = tmp_path / "pid"
    command = script(tmp_path, "lp", "import os\n"
                     f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
                     "time.sleep(60)")
    started = time.monotonic()
    failure = send(RECEIPT, TerminalSettings("till-1", command=command))
    assert failure == f"Print command {command} did not finish in 1 s and was stopped"
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):  # killed, not left behind
        os.kill(int(pid_file.read_text()), 0)


def test_a_command_that_stops_reading_early_is_its_exit_code(tmp_path):
    command = script(tmp_path, "lp", "sys.exit(3)")
    failure = send(RECEIPT * 20000, TerminalSettings("till-1", command=command))
    assert failure == f"Print command {command} failed (exit 3)"


def test_no_printer_set_up_says_where_to_set_one():
    assert send(RECEIPT, TerminalSettings("till-1")) == (
        "No receipt printer is set up for till-1 (Tools › Configuration › Terminal Settings)")


# -- the terminal's settings ---------------------------------------------------------------------

def test_a_terminal_without_settings_prints_42_columns_nowhere(db):
    s = printing.settings_for("till-1")
    assert (s.width, s.command, s.device, s.prints) == (42, "", "", False)


def test_saving_is_a_managers_work_and_audited(db, tmp_path):
    with pytest.raises(NeedsApproval):
        printing.save_settings(CASHIER, 32, "lp -d front")
    assert TerminalSetting.select().count() == 0
    saved = printing.save_settings(MANAGER, "32", " lp -d front ")
    assert (saved.terminal, saved.width, saved.command, saved.device) == (
        "test-till", 32, "lp -d front", "")
    entry = AuditEntry.get(AuditEntry.subject == "Terminal settings: test-till")
    assert entry.kind == "config" and entry.actor == "test manager"
    assert '"print_command": ["", "lp -d front"]' in entry.changes
    assert '"receipt_width": [42, 32]' in entry.changes
    printing.save_settings(MANAGER, 32, "lp -d front")  # nothing changed: no entry
    assert AuditEntry.select().where(AuditEntry.kind == "config").count() == 1


def test_the_settings_are_read_once_and_again_after_a_save(db):
    assert printing.settings_for("test-till").width == 42
    TerminalSetting.create(terminal="test-till", receipt_width=48)  # behind the cache's back
    assert printing.settings_for("test-till").width == 42  # cached: no query per sale
    printing.save_settings(MANAGER, 32)
    assert printing.settings_for("test-till").width == 32
    printing.forget()
    assert printing.settings_for("test-till").width == 32


@pytest.mark.parametrize("width, command, device, field, message", [
    (40, "", "", "width", "Receipt width must be 32, 42 or 48 columns"),
    ("4x", "", "", "width", "Receipt width must be 32, 42 or 48 columns"),
    (42, "lp 'front", "", "command", "Print command cannot be read"),
    (42, "lp\x1b[2J", "", "command", "Print command"),
    (42, "x" * 251, "", "command", "Print command"),
    (42, "lp", "/dev/usb/lp0", "device", "not both"),
])
def test_bad_settings_are_refused_at_their_field(db, width, command, device, field, message):
    with pytest.raises(ValidationError) as caught:
        printing.save_settings(MANAGER, width, command, device)
    assert caught.value.field == field and message in caught.value.message
    assert TerminalSetting.select().count() == 0
