"""Import Customers through the keyboard at 80×24: a Shopify export with bad
rows previewed and checked before anything is written, then its good rows
imported; an unknown layout mapped by hand, saved by name and offered for the
next file with the same headers; Esc cancelling an import; hostile file names
and cells shown literally."""

from __future__ import annotations

import pytest

import csv
import io
import shutil
import sqlite3
import threading
from pathlib import Path

from textual.widgets import DataTable, Select

from tui_pos.services import importer, mappings
from tui_pos.ui.screens.import_customers import ImportCustomersScreen

from tests.ui.keys import SIZE, open_from_menu, screen_text, tab_to, type_text

DATA = Path(__file__).parent.parent / "data" / "import"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def customers_in(db_path: str) -> list[tuple[str, str]]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute('SELECT "first_name", "phone" FROM "customer" '
                           'ORDER BY "first_name"').fetchall()
    finally:
        con.close()


def rows(screen, table_id: str) -> list[list[str]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def summary(screen) -> str:
    return str(screen.query_one("#summary").render())


async def settle(pilot) -> None:
    """Wait for the screen's check or import (the folder tree's loader never ends)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete(
        [w for w in pilot.app.workers if w.group == "import"])
    await pilot.pause()


async def tree_loaded(pilot) -> None:
    tree = pilot.app.screen.query_one("#tree")
    for _ in range(200):
        if tree.root.children:
            return
        await pilot.pause()
    raise AssertionError("the folder tree never loaded")


async def open_import(pilot) -> ImportCustomersScreen:
    await open_from_menu(pilot, "Import Customers")
    screen = pilot.app.screen
    assert isinstance(screen, ImportCustomersScreen)
    return screen


async def load(pilot, path: Path) -> None:
    """Type the path into the (focused) file field and press Enter."""
    await tab_to(pilot, "path")
    await pilot.press("end", "ctrl+u")
    await type_text(pilot, str(path))
    await pilot.press("enter")
    await settle(pilot)


async def choose(pilot, select_id: str, header: str) -> None:
    """Open the Select with Enter and walk down to ``header``."""
    await tab_to(pilot, select_id)
    select = pilot.app.focused
    assert isinstance(select, Select)
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(10):
        overlay = pilot.app.focused  # the Select's list of options
        if str(overlay.get_option_at_index(overlay.highlighted).prompt) == header:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert select.value == header


@pytest.mark.sqlite_only("counts the rows in the SQLite file itself")
async def test_shopify_bad_rows_are_named_then_the_good_rows_imported(app, store, tmp_path):
    path = tmp_path / "shopify_customers.csv"
    shutil.copy(DATA / "shopify_customers.csv", path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_import(pilot)
        await load(pilot, path)
        text = screen_text(app)
        assert "Shopify layout · comma-separated CSV in UTF-8" in text
        assert "First name ← First Name" in text
        # checked before anything is written: every bad row with its line
        assert rows(screen, "problems") == [
            ["2", "unknown tag 'vip' (import with --create-missing to add it)"],
            ["5", "Give a first name, last name or company"],
            ["6", "'bad-mail.example.nl' is not a valid e-mail address"]]
        assert "6  'bad-mail.example.nl' is not a valid e-mail address" in text
        assert "5 rows checked: 2 to add, 0 to update, 0 unchanged, 3 bad" in summary(screen)
        await pilot.press("f7")  # the preview: the first rows under our fields
        await pilot.pause()
        preview = rows(screen, "preview")
        assert preview[0][:3] == ["2", "Zoë", "Ölçer"] and preview[1][:3] == ["4", "José", "Núñez"]
        assert "Zoë" in screen_text(app)

        await pilot.press("f4")  # bad rows and not "good rows only": nothing written
        await settle(pilot)
        assert customers_in(store["path"]) == []
        assert "3 bad rows: nothing is imported while the file has bad rows" in summary(screen)

        await tab_to(pilot, "good-rows-only")
        await pilot.press("space")
        await pilot.press("f4")
        await settle(pilot)
        said = summary(screen)
        assert "Imported: 2 added, 0 updated, 0 unchanged, 3 rejected." in said
        assert str(screen.query_one("#progress-text").render()) == "written 2 of 2"
        rejects = tmp_path / "shopify_customers-rejects.csv"
        assert f"Bad rows in {rejects}" in said
        assert [name for name, _ in customers_in(store["path"])] == ["José", "Zoe"]
        with rejects.open(encoding="utf-8-sig") as handle:
            assert [r[0] for r in csv.reader(handle)] == ["Line", "2", "5", "6"]


@pytest.mark.sqlite_only("counts the rows in the SQLite file itself")
async def test_unknown_headers_mapped_by_hand_saved_and_offered_again(app, store, tmp_path):
    first = write_csv(tmp_path / "oude_kassa.csv", [
        ["Naam", "Telefoon", "Woonplaats"], ["Jan", "0612345678", "Utrecht"],
        ["Piet", "0687654321", "Zwolle"]])
    second = write_csv(tmp_path / "oude_kassa_2.csv", [
        ["Woonplaats", "naam", "TELEFOON"], ["Gouda", "Kees", "0611112222"]])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_import(pilot)
        await load(pilot, first)
        assert "No layout yet" in screen_text(app)
        assert app.focused.id == "map-first_name"  # straight to the mapping
        await choose(pilot, "map-first_name", "Naam")
        await choose(pilot, "map-phone", "Telefoon")
        assert "Mapped by hand" in screen_text(app)
        await tab_to(pilot, "name")
        await type_text(pilot, "Oude kassa")
        await pilot.press("f6")
        await pilot.pause()
        assert "Mapping 'Oude kassa' saved" in summary(screen)
        saved = mappings.get_mapping("oude kassa")
        assert dict(saved.columns) == {"first_name": "Naam", "phone": "Telefoon"}

        await pilot.press("f5")  # check with the mapping, then import
        await settle(pilot)
        assert "2 rows checked: 2 to add" in summary(screen)
        await pilot.press("f4")
        await settle(pilot)
        assert "Imported: 2 added" in summary(screen)

        await load(pilot, second)  # same headers (order, case aside): the saved mapping
        text = screen_text(app)
        assert "Saved mapping Oude kassa · comma-separated CSV" in text
        assert "First name ← naam" in text
        assert screen.query_one("#map-first_name", Select).value == "naam"  # its own header
        assert "1 row checked: 1 to add" in summary(screen)
        await pilot.press("f4")
        await settle(pilot)
    assert customers_in(store["path"]) == [
        ("Jan", "0612345678"), ("Kees", "0611112222"), ("Piet", "0687654321")]


def gate(monkeypatch, target, name: str) -> threading.Event:
    """Hold the import's worker at ``target.name`` until the event is set
    (a slow disk), so Esc is pressed while the import is running."""
    release = threading.Event()
    original = getattr(target, name)

    def held(*args, **kwargs):
        assert release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, held)
    return release


def shopify_rows(count: int) -> list[list[str]]:
    header = ["First Name", "Last Name", "Email", "Accepts Email Marketing",
              "Default Address Company"]
    return [header] + [[f"Klant{i}", "Jansen", f"k{i}@example.nl", "no", ""]
                       for i in range(count)]


@pytest.mark.sqlite_only("counts the rows in the SQLite file itself")
async def test_esc_while_checking_cancels_and_writes_nothing(app, store, tmp_path,
                                                             monkeypatch):
    path = write_csv(tmp_path / "klanten.csv", shopify_rows(3))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_import(pilot)
        await load(pilot, path)
        assert "3 rows checked: 3 to add" in summary(screen)
        release = gate(monkeypatch, importer, "open_sheet")
        await pilot.press("f4")
        await pilot.press("escape")
        assert isinstance(app.screen, ImportCustomersScreen)  # Esc cancelled, not left
        release.set()
        await settle(pilot)
        assert "Cancelled while checking: nothing was written." in summary(screen)
        assert customers_in(store["path"]) == []
        await pilot.press("escape")  # nothing running now: Esc leaves
        await pilot.pause()
        assert not isinstance(app.screen, ImportCustomersScreen)


@pytest.mark.sqlite_only("counts the rows in the SQLite file itself")
async def test_esc_while_writing_stops_after_the_batch_and_says_so(app, store, tmp_path,
                                                                   monkeypatch):
    path = write_csv(tmp_path / "klanten.csv", shopify_rows(3))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_import(pilot)
        await load(pilot, path)
        release = gate(monkeypatch, importer.Write, "create_masters")
        await pilot.press("f4")
        await pilot.press("escape")
        release.set()
        await settle(pilot)
        assert "Cancelled: 3 of 3 rows were written" in summary(screen)
    assert len(customers_in(store["path"])) == 3  # the one batch, whole


async def test_hostile_file_name_and_cells_are_shown_literally(app, store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = "\x1b[2J[b]klanten[@click=app.quit].csv"  # a "/" cannot be in a name; "[/]" is in a cell
    write_csv(folder / name, [
        ["First Name", "Last Name", "Email", "Accepts Email Marketing",
         "Default Address Company"],
        ["[/]", "[red]Jansen[/red]", "a@example.nl", "no", ""],
        ["Eve\x1b[2J", "Evil", "e@example.nl", "no", ""]])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_import(pilot)
        await type_text(pilot, f"{folder}/")
        await pilot.press("f3")  # the folder tree: the name is not markup there either
        await tree_loaded(pilot)
        assert "[2J[b]klanten[@click=app.quit].csv" in screen_text(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportCustomersScreen)
        text = screen_text(app)
        assert "\x1b" not in text and "Shopify layout · comma-separated CSV" in text
        assert str(screen.query_one("#layout").render()).endswith(
            " · [2J[b]klanten[@click=app.quit].csv")
        assert rows(screen, "problems") == [["3", "First name holds a control character; "
                                                  "type plain text"]]
        await pilot.press("f7")
        await pilot.pause()
        assert rows(screen, "preview")[0][:3] == ["2", "[/]", "[red]Jansen[/red]"]
        assert "[red]Jansen[/red]" in screen_text(app)


@pytest.mark.sqlite_only("counts the rows in the SQLite file itself")
async def test_a_workbook_with_several_sheets_offers_them(app, store, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Just", "some", "notes"])
    customers = book.create_sheet("Klanten (2026)")
    customers.append(["First Name", "Last Name", "Email", "Accepts Email Marketing",
                      "Default Address Company"])
    customers.append(["Zoë", "Ölçer", "zoe@example.nl", "yes", ""])
    path = tmp_path / "book.xlsx"
    book.save(path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_import(pilot)
        await load(pilot, path)
        assert "No layout yet · sheet 'Notes' (1 of 2)" in screen_text(app)
        await choose(pilot, "sheet", "Klanten (2026)")
        await settle(pilot)
        assert "Shopify layout · sheet 'Klanten (2026)' (2 of 2)" in screen_text(app)
        assert "1 row checked: 1 to add" in summary(screen)
        await pilot.press("f4")
        await settle(pilot)
        assert "Imported: 1 added" in summary(screen)
    assert customers_in(store["path"]) == [("Zoë", "")]


def test_path_completion_completes_as_far_as_it_is_unambiguous(tmp_path):
    from tui_pos.ui.screens.import_customers import complete_path

    (tmp_path / "klanten.csv").write_text("x")
    (tmp_path / "klanten-2.csv").write_text("x")
    (tmp_path / "kassa").mkdir()
    (tmp_path / ".verborgen.csv").write_text("x")
    base = f"{tmp_path}/"
    assert complete_path(base + "kl") == base + "klanten"
    assert complete_path(base + "klanten.") == base + "klanten.csv"
    assert complete_path(base + "ka") == base + "kassa/"
    assert complete_path(base + "k") is None  # klanten… or kassa: nothing to add
    assert complete_path(base + ".v") == base + ".verborgen.csv"
    assert complete_path(base + "x") is None
    assert complete_path(f"{tmp_path}/nowhere/x") is None


async def test_right_arrow_takes_the_suggested_path(app, store, tmp_path):
    path = tmp_path / "klanten_export.csv"
    shutil.copy(DATA / "shopify_customers.csv", path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_import(pilot)
        await type_text(pilot, f"{tmp_path}/klanten_e")
        await app.workers.wait_for_complete()  # the suggestion is looked up in a worker
        await pilot.pause()
        await pilot.press("right", "enter")
        await settle(pilot)
        assert screen.path == path
        assert "Shopify layout" in screen_text(app)


async def test_an_unforeseen_error_is_said_and_the_screen_goes_on(app, store, tmp_path,
                                                                  monkeypatch):
    path = write_csv(tmp_path / "klanten.csv", shopify_rows(2))
    real = importer.import_customers

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_import(pilot)
        monkeypatch.setattr(importer, "import_customers", broken)
        await load(pilot, path)
        assert "The import stopped on an error (disk on fire)" in summary(screen)
        assert screen.job is None and not screen.query_one("#path").disabled
        monkeypatch.setattr(importer, "import_customers", real)
        await pilot.press("f5")
        await settle(pilot)
        assert "2 rows checked: 2 to add" in summary(screen)
