"""The command line, run in-process: init, report, --db anywhere, and errors as one
line on stderr with a non-zero exit and nothing written."""

from __future__ import annotations

import csv
import io
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from tests.cli_run import one_line, run
from tui_pos.db.connection import close_database, open_database
from tui_pos.db.migrations import LATEST
from tui_pos.services import reports
from tests.actors import OWNER

D = Decimal


@pytest.fixture(autouse=True)
def no_env_database(monkeypatch):
    monkeypatch.delenv("TUI_POS_DATABASE", raising=False)




def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def demo_db(tmp_path, capsys):
    path = str(tmp_path / "demo.db")
    code, out, err = run(capsys, "init", "--demo", "--db", path)
    assert code == 0, err
    return path


def test_init_creates_a_database_at_the_schema_version(tmp_path, capsys):
    path = tmp_path / "new" / "pos.db"
    code, out, err = run(capsys, "init", "--create", "--db", str(path))
    assert code == 0 and err == ""
    assert f"schema version {LATEST}" in out and str(path) in out
    con = sqlite3.connect(path)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone() == (LATEST,)
    assert con.execute("SELECT COUNT(*) FROM sale").fetchone() == (0,)
    con.close()


def test_a_new_store_gets_the_standard_vat_classes_and_the_first_item_saves(tmp_path, capsys):
    path = str(tmp_path / "shop.db")
    code, out, err = run(capsys, "init", "--db", path)
    assert code == 0 and err == ""
    assert "VAT classes created: Hoog 21 %, Laag 9 %, Nul 0 %" in out
    from tui_pos.services import catalog, config
    from tui_pos.services.catalog import ItemInput

    open_database(path)
    try:
        classes = {v.name: v.rate for v in catalog.list_vat_classes()}
        assert classes == {"Hoog": D("21"), "Laag": D("9"), "Nul": D("0")}
        default = config.get_settings().default_vat_class_id
        assert catalog.get_vat_class(default).name == "Hoog"
        item = catalog.save_item(OWNER, ItemInput(sku="MUG-01", name="Mug", price="12.10",
                                           vat_class_id=default))
        assert item.id
    finally:
        close_database()
    # a second init adds none: the store has VAT classes
    code, out, err = run(capsys, "init", "--db", path)
    assert code == 0 and "VAT classes created" not in out
    con = sqlite3.connect(path)
    assert con.execute("SELECT COUNT(*) FROM vat_class").fetchone() == (3,)
    con.close()


def test_the_demo_on_a_store_made_by_init_uses_the_same_vat_classes(tmp_path, capsys):
    path = str(tmp_path / "shop.db")
    assert run(capsys, "init", "--db", path)[0] == 0
    code, out, err = run(capsys, "init", "--demo", "--db", path)
    assert code == 0 and "with the demo store" in out
    con = sqlite3.connect(path)
    assert con.execute("SELECT name, rate FROM vat_class ORDER BY id").fetchall() == \
        [("Hoog", 2100), ("Laag", 900), ("Nul", 0)]
    assert con.execute("SELECT COUNT(*) FROM item").fetchone()[0] == 8
    con.close()


def test_init_demo_fills_the_store(demo_db, capsys):
    con = sqlite3.connect(demo_db)
    assert con.execute("SELECT COUNT(*) FROM customer").fetchone()[0] >= 10
    assert con.execute("SELECT COUNT(*) FROM sale").fetchone()[0] >= 30
    con.close()
    before = Path(demo_db).read_bytes()
    # init --demo again says what it did (nothing) and fails: the demo is not added twice
    code, out, err = run(capsys, "init", "--demo", "--db", demo_db)
    assert code == 1 and out == ""
    assert one_line(err) == f"tui-pos: {demo_db} already has data; the demo store was not added"
    assert Path(demo_db).read_bytes() == before
    con = sqlite3.connect(demo_db)
    assert con.execute("SELECT COUNT(*) FROM customer_profile WHERE name = 'Retail'"
                       ).fetchone() == (1,)
    con.close()


def test_report_csv_equals_the_service(demo_db, capsys):
    code, out, err = run(capsys, "report", "sales", "--by", "profile", "--db", demo_db,
                         "--format", "csv")
    assert code == 0 and err == ""
    parsed = list(csv.DictReader(io.StringIO(out)))
    open_database(demo_db)
    try:
        page = reports.sales_page("profile", limit=100)
    finally:
        close_database()
    rows = [*page.rows, page.totals]  # the last CSV row is the totals (key "*")
    assert len(parsed) == len(rows) >= 3 and parsed[-1]["key"] == "*"
    assert [r["profile"] for r in parsed] == [r.label for r in rows]
    for p, r in zip(parsed, rows):
        assert int(p["sales"]) == r.count
        assert (D(p["net"]), D(p["vat"]), D(p["gross"]), D(p["discount"])) == (
            r.net, r.vat, r.gross, r.discount)
    assert sum(int(p["sales"]) for p in parsed[:-1]) == page.totals.count > 0


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_before_or_after_the_subcommand(demo_db, capsys, where):
    tail = ["report", "sales", "--by", "profile", "--format", "csv"]
    argv = ["--db", demo_db, *tail] if where == "before" else [*tail, "--db", demo_db]
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "profile,key,sales,net,vat,gross,discount"
    assert "Retail" in out  # the demo store was read, not an empty default database


def test_report_table_with_a_date_range(demo_db, capsys):
    code, out, err = run(capsys, "report", "sales", "--by", "day", "--from", "2000-01-01",
                         "--to", "2000-01-31", "--db", demo_db)
    assert code == 0
    assert out.splitlines()[0].split()[:2] == ["Day", "Sales"]
    assert out.splitlines()[-1].split() == ["Total", "0", "0,00", "0,00", "0,00",
                                            "0,00"]  # nl_NL


def test_db_pointing_at_a_directory_is_refused(tmp_path, capsys):
    before = files_in(tmp_path)
    code, out, err = run(capsys, "report", "sales", "--by", "profile", "--db", str(tmp_path))
    assert code != 0 and out == ""
    assert "directory" in one_line(err)
    assert files_in(tmp_path) == before
    code, out, err = run(capsys, "init", "--db", str(tmp_path))
    assert code != 0 and "directory" in one_line(err)


@pytest.mark.parametrize("command", [("report", "sales", "--by", "profile"), ("init",),
                                     ("init", "--demo")])
def test_db_pointing_at_a_text_file_is_refused_and_left_alone(tmp_path, capsys, command):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list: coffee, tea\n", encoding="utf-8")
    before, stat = files_in(tmp_path), notes.stat()
    code, out, err = run(capsys, *command, "--db", str(notes))
    assert code != 0 and out == ""
    line = one_line(err)
    assert "not SQLite" in line and "notes.txt" in line
    assert files_in(tmp_path) == before  # the file unchanged, no -wal/-shm beside it
    assert notes.stat().st_mtime_ns == stat.st_mtime_ns


def test_a_bad_from_date_is_refused(demo_db, capsys):
    before = files_in(Path(demo_db).parent)
    code, out, err = run(capsys, "report", "sales", "--by", "profile", "--from",
                         "2026-13-01", "--db", demo_db)
    assert code != 0 and out == ""
    assert "2026-13-01" in one_line(err)
    assert files_in(Path(demo_db).parent).keys() == before.keys()


def test_a_bad_date_writes_no_database(tmp_path, capsys):
    target = tmp_path / "typo.db"
    code, out, err = run(capsys, "report", "sales", "--by", "profile", "--to", "yesterday",
                         "--db", str(target))
    assert code != 0 and "yesterday" in one_line(err)
    assert list(tmp_path.iterdir()) == []  # nothing written: not even an empty database


def test_a_bad_option_is_one_line_too(tmp_path, capsys):
    code, out, err = run(capsys, "report", "sales", "--by", "colour", "--db",
                         str(tmp_path / "x.db"))
    assert code == 2
    assert "colour" in one_line(err)
    assert list(tmp_path.iterdir()) == []


def test_from_after_to_is_refused_before_the_database_is_touched(tmp_path, capsys):
    code, out, err = run(capsys, "report", "sales", "--by", "day", "--from", "2026-03-31",
                         "--to", "2026-03-01", "--db", str(tmp_path / "x.db"))
    assert code != 0 and "after the To date" in one_line(err)
    assert list(tmp_path.iterdir()) == []
