"""The command line and staff: `tui-pos init` makes a real store's owner (given, or asked
with the PIN twice), refuses without a way to ask, the demo store's staff, `--demo`
signed in as its cashier, and `--terminal`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli_run import one_line, run
from tui_pos import cli
from tui_pos.db.connection import close_database, open_database
from tui_pos.services import audit, demo, staff


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    for name in ("TUI_POS_DATABASE", "TUI_POS_OWNER_NAME", "TUI_POS_TERMINAL"):
        monkeypatch.delenv(name, raising=False)


def staff_in(path: str) -> list[tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT name, role FROM staff ORDER BY name").fetchall()
    finally:
        con.close()


def test_init_takes_the_owner_from_the_command_line(tmp_path, capsys):
    path = str(tmp_path / "shop.db")
    code, out, err = run(capsys, "--terminal", "back-office", "init", "--db", path,
                         "--owner-name", "Olga", "--owner-pin", "2468", owner_pin=None)
    assert code == 0 and err == ""
    assert "owner Olga created" in out and "2468" not in out
    assert staff_in(path) == [("Olga", "owner")]
    open_database(path)
    try:
        olga = staff.find_staff("Olga")
        assert staff.sign_in(olga.id, "2468", "till-1").role == "owner"
        entry = audit.entries(audit.AuditFilter(kind="staff"))[0]
        assert entry.actor.startswith("cli:") and entry.terminal == "back-office"
        assert entry.subject == "new staff Olga"
    finally:
        close_database()


def test_the_pin_may_come_from_the_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TUI_POS_OWNER_NAME", "Eva")
    path = str(tmp_path / "shop.db")
    code, out, err = run(capsys, "init", "--db", path, owner_pin="1357")
    assert code == 0 and "owner Eva created" in out
    assert staff_in(path) == [("Eva", "owner")]


def test_no_terminal_and_no_pin_is_one_line_exit_2_and_nothing_written(tmp_path, capsys):
    folder = tmp_path / "new"
    path = folder / "shop.db"
    code, out, err = run(capsys, "init", "--create", "--db", str(path), owner_pin=None)
    assert code == 2 and out == ""
    assert "--owner-pin" in one_line(err)
    assert not path.exists() and not folder.exists()


@pytest.mark.parametrize("pin, message", [("1111", "one digit repeated"), ("12", "4 to 12"),
                                          ("12a4", "digits only")])
def test_a_poor_owner_pin_is_refused_and_nothing_written(tmp_path, capsys, pin, message):
    path = tmp_path / "shop.db"
    code, out, err = run(capsys, "init", "--db", str(path), "--owner-pin", pin,
                         owner_pin=None)
    assert code == 1 and out == ""
    assert message in one_line(err)
    assert not path.exists()


def test_a_second_init_asks_no_owner(tmp_path, capsys):
    path = str(tmp_path / "shop.db")
    assert run(capsys, "init", "--db", path)[0] == 0
    code, out, err = run(capsys, "init", "--db", path, owner_pin=None)
    assert code == 0 and err == "" and "owner" not in out
    assert staff_in(path) == [("Owner", "owner")]


def test_at_a_terminal_init_asks_the_name_and_the_pin_twice(tmp_path, capsys, monkeypatch):
    typed = iter(["2468", "2468"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "Olga")
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    path = str(tmp_path / "shop.db")
    code, out, err = run(capsys, "init", "--db", path, owner_pin=None)
    assert code == 0, err
    assert staff_in(path) == [("Olga", "owner")]


def test_two_different_pins_at_the_terminal_write_nothing(tmp_path, capsys, monkeypatch):
    typed = iter(["2468", "2486"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "Olga")
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    path = tmp_path / "shop.db"
    code, out, err = run(capsys, "init", "--db", str(path), owner_pin=None)
    assert code == 1 and "the two PINs differ" in one_line(err)
    assert not path.exists()


def test_the_demo_store_has_the_staff_the_readme_lists(tmp_path, capsys):
    path = str(tmp_path / "demo.db")
    assert run(capsys, "init", "--demo", "--db", path, owner_pin=None)[0] == 0
    assert staff_in(path) == sorted((name, role) for name, role, _ in demo.DEMO_STAFF)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for name, role, pin in demo.DEMO_STAFF:
        assert f"{name} ({role}, PIN {pin})" in readme
    con = sqlite3.connect(path)
    tills = con.execute("SELECT DISTINCT cashier, terminal FROM sale ORDER BY 1").fetchall()
    con.close()
    assert tills == [("Joris", "till-2"), ("Sanne", "till-1")]  # each sale its cashier's
    open_database(path)
    try:
        for name, _, pin in demo.DEMO_STAFF:
            assert staff.sign_in(staff.find_staff(name).id, pin, "till-1").name == name
    finally:
        close_database()


def started_app(monkeypatch) -> list:
    """PosApp.run replaced: the app the command line would start, not run."""
    apps = []
    monkeypatch.setattr("tui_pos.ui.app.PosApp.run", lambda self: apps.append(self))
    return apps


def test_demo_opens_signed_in_as_its_cashier_at_the_terminal_named(tmp_path, capsys,
                                                                    monkeypatch):
    apps = started_app(monkeypatch)
    path = str(tmp_path / "demo.db")
    code, out, err = run(capsys, "--demo", "--terminal", "till-7", "--db", path)
    assert code == 0, err
    app = apps[0]
    assert (app.actor.name, app.actor.role, app.actor.terminal) == ("Sanne", "cashier",
                                                                    "till-7")
    assert app.terminal == "till-7"
    open_database(path)
    try:
        entry = audit.entries(audit.AuditFilter(kind="sign-in"))[0]
        assert (entry.actor, entry.terminal) == ("Sanne", "till-7")
    finally:
        close_database()


def test_a_real_store_opens_with_nobody_signed_in(tmp_path, capsys, monkeypatch):
    apps = started_app(monkeypatch)
    path = str(tmp_path / "shop.db")
    assert run(capsys, "init", "--db", path)[0] == 0
    monkeypatch.setenv("TUI_POS_TERMINAL", "counter-2")
    assert run(capsys, "--db", path)[0] == 0
    assert apps[0].actor is None and apps[0].terminal == "counter-2"


def test_the_terminal_option_is_on_the_top_level_parser():
    args = cli.build_parser().parse_args(["--terminal", "till-3", "report"])
    assert args.terminal == "till-3"


def test_an_owner_given_to_init_of_a_store_with_staff_is_said_to_be_unused(tmp_path, capsys):
    path = str(tmp_path / "shop.db")
    run(capsys, "init", "--db", path, "--owner-name", "Olga", "--owner-pin", "2468",
        owner_pin=None)
    code, out, err = run(capsys, "init", "--db", path, "--owner-name", "Mallory",
                         "--owner-pin", "1357", owner_pin=None)
    assert code == 0 and "is ready" in out
    assert "already has staff" in one_line(err) and "1357" not in err
    assert staff_in(path) == [("Olga", "owner")]  # nobody else became an owner
