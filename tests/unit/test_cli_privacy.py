"""``tui-pos audit`` and ``tui-pos customer export|erase``, run in-process."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3

import pytest

from tests.actors import PINS, staff_team
from tests.registers import open_registers
from tests.cli_run import one_line, run
from tests.actors import OWNER
from tests.unit.test_privacy import add_customer, sell
from tui_pos.db.connection import close_database, open_database
from tui_pos.services import catalog, staff
from tui_pos.services.catalog import ItemInput


@pytest.fixture(autouse=True)
def no_env_database(monkeypatch):
    monkeypatch.delenv("TUI_POS_DATABASE", raising=False)


@pytest.fixture
def store(db_file):
    """A store with staff, one item and Zoë, who bought it once."""
    open_database(db_file)
    try:
        open_registers()  # a sale needs an open register on its terminal
        team = staff_team()
        staff.sign_in(team["Mona"].staff_id, PINS["Mona"], "till-2")
        vat = catalog.save_vat_class(OWNER, "Hoog", "21")
        catalog.save_item(OWNER, ItemInput(sku="MUG-01", name="Stoneware mug",
                                           price="12.10", vat_class_id=vat.id))
        zoe = add_customer(first_name="Zoë", last_name="Ölçer", email="zoe@example.nl",
                           note="=1+1 not a formula")
        sale = sell(zoe.id, ["MUG-01"])
    finally:
        close_database()
    return {"path": db_file, "number": zoe.number, "sale": sale.number}


def rows_of(path: str, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# -- audit ------------------------------------------------------------------------------------

def test_audit_prints_the_newest_entries_first_as_a_table(store, capsys):
    code, out, err = run(capsys, "audit", "--db", store["path"])
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["When", "Kind", "Who", "Terminal", "Approver"]
    newest = rows_of(store["path"], "SELECT kind, actor, subject FROM audit_entry "
                                    "ORDER BY id DESC")
    for line, (kind, actor, subject) in zip(lines[1:], newest):
        assert line.split()[2:4] == [kind, actor.split()[0]] and subject in line
    assert len(lines) == 1 + rows_of(store["path"], "SELECT COUNT(*) FROM audit_entry")[0][0]


def test_audit_filters_by_kind_and_staff_and_writes_safe_csv(store, capsys):
    code, out, err = run(capsys, "customer", "export", store["number"], "--db", store["path"])
    assert code == 0, err
    code, out, err = run(capsys, "audit", "--kind", "customer", "--format", "csv",
                         "--db", store["path"])
    assert code == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "when", "kind", "who", "terminal", "approver", "subject",
                       "changes"]
    assert [(r[2], r[3].startswith("cli:"), r[6]) for r in rows[1:]] == [
        ("customer", True, f"Customer {store['number']}")]
    code, out, err = run(capsys, "audit", "--staff", "mona", "--db", store["path"])
    assert code == 0 and "Chris" not in out
    [entry] = out.splitlines()[1:]
    assert entry.split()[2:5] == ["sign-in", "Mona", "till-2"]


def test_audit_limit_says_where_the_next_page_starts(store, capsys):
    code, out, err = run(capsys, "audit", "--limit", "2", "--db", store["path"])
    assert code == 0
    assert len(out.splitlines()) == 3
    assert "--before" in one_line(err)
    cursor = one_line(err).rsplit(" ", 1)[1]
    code, more, err = run(capsys, "audit", "--limit", "2", "--before", cursor,
                          "--db", store["path"])
    assert code == 0 and more.splitlines()[1:] != out.splitlines()[1:]


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-13-01"], "From must be a date"),
    (["--to", "yesterday"], "To must be a date"),
    (["--from", "2026-11-25", "--to", "2026-11-01"], "From date is after the To date"),
    (["--staff", "Nobody"], "No staff member is called 'Nobody'"),
    (["--kind", "gossip"], "Unknown kind 'gossip'"),
    (["--limit", "0"], "--limit must be between"),
])
def test_audit_bad_input_is_one_line_exit_2(store, capsys, args, message):
    code, out, err = run(capsys, "audit", *args, "--db", store["path"])
    assert code == 2 and out == ""
    assert message in one_line(err)


def test_audit_dates_are_inclusive_days(store, capsys):
    today = dt.date.today().isoformat()
    code, out, err = run(capsys, "audit", "--from", today, "--to", today, "--db", store["path"])
    assert code == 0 and "Chris" in out
    code, out, err = run(capsys, "audit", "--to", "2000-01-01", "--db", store["path"])
    assert code == 0 and out == "No entries\n"


# -- customer export / erase --------------------------------------------------------------------

def test_customer_export_json_to_stdout(store, capsys):
    code, out, err = run(capsys, "customer", "export", store["number"], "--db", store["path"])
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["customer"]["first_name"] == "Zoë"
    assert data["sales"][0]["number"] == store["sale"]
    assert data["sales"][0]["total"] == "12.10"


def test_customer_export_csv_to_a_file(store, capsys, tmp_path):
    out_file = tmp_path / "zoe.csv"
    code, out, err = run(capsys, "customer", "export", store["number"], "--format", "csv",
                         "--out", str(out_file), "--db", store["path"])
    assert code == 0 and err == "" and str(out_file) in out
    text = out_file.read_text(encoding="utf-8")
    assert "Zoë" in text and "'=1+1 not a formula" in text
    assert out_file.stat().st_mode & 0o777 == 0o600


def test_customer_export_of_an_unknown_number_is_exit_2(store, capsys):
    code, out, err = run(capsys, "customer", "export", "nope", "--db", store["path"])
    assert code == 2 and "There is no customer number nope" in one_line(err)


def test_customer_erase_needs_yes_when_not_at_a_terminal(store, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, "customer", "erase", store["number"], "--reason", "asked",
                         "--db", store["path"])
    assert code == 2 and "--yes" in one_line(err)
    assert rows_of(store["path"], "SELECT first_name FROM customer") == [("Zoë",)]


def test_customer_erase_with_yes(store, capsys):
    code, out, err = run(capsys, "customer", "erase", store["number"], "--reason", "asked",
                         "--yes", "--db", store["path"])
    assert code == 0 and err == ""
    assert f"customer {store['number']} erased: 1 notes removed, 1 sales kept" in out
    assert rows_of(store["path"], "SELECT first_name, last_name, email, active FROM customer") \
        == [("", f"Erased customer {store['number']}", "", 0)]
    assert rows_of(store["path"], "SELECT customer_name FROM sale") == [
        (f"Erased customer {store['number']}",)]
    code, out, err = run(capsys, "customer", "erase", store["number"], "--reason", "again",
                         "--yes", "--db", store["path"])
    assert code == 1 and "already erased" in one_line(err)


def test_customer_erase_reason_is_required(store, capsys):
    code, out, err = run(capsys, "customer", "erase", store["number"], "--yes",
                         "--db", store["path"])
    assert code == 2 and "--reason" in one_line(err)


class Typed(io.StringIO):
    """stdin at a terminal, with what the person types."""

    def isatty(self) -> bool:
        return True


def test_customer_erase_at_a_terminal_asks_for_the_number_again(store, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", Typed("1002\n"))
    code, out, err = run(capsys, "customer", "erase", store["number"], "--reason", "asked",
                         "--db", store["path"])
    assert code == 2 and "the number typed differs" in one_line(err)
    assert rows_of(store["path"], "SELECT first_name FROM customer") == [("Zoë",)]
    monkeypatch.setattr("sys.stdin", Typed(f"{store['number']}\n"))
    code, out, err = run(capsys, "customer", "erase", store["number"], "--reason", "asked",
                         "--db", store["path"])
    assert code == 0 and "erased" in out
    assert rows_of(store["path"], "SELECT first_name FROM customer") == [("",)]


def test_customer_export_to_a_folder_writes_nothing_and_logs_nothing(store, capsys, tmp_path):
    code, out, err = run(capsys, "customer", "export", store["number"], "--out", str(tmp_path),
                         "--db", store["path"])
    assert code == 1 and "is a folder" in one_line(err)
    assert rows_of(store["path"], "SELECT COUNT(*) FROM audit_entry WHERE kind = 'customer'") \
        == [(0,)]
