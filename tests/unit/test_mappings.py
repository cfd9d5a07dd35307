"""Hand-made column mappings saved by name, the import preview, a hand mapping
taken by the importer, and the importer's cancel hook."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tui_pos.services import importer, mappings
from tui_pos.services.errors import ValidationError
from tests.actors import OWNER

DATA = Path(__file__).parent.parent / "data" / "import"
HAND = {"first_name": "Naam", "phone": "Telefoon", "city": "Woonplaats"}


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def customer_count(db_file: str) -> int:
    con = sqlite3.connect(db_file)
    try:
        return con.execute('SELECT COUNT(*) FROM "customer"').fetchone()[0]
    finally:
        con.close()


# -- Saving, listing, getting ------------------------------------------------------------

def test_a_saved_mapping_reads_back_by_name_ignoring_case(db):
    saved = mappings.save_mapping(OWNER, "  Kassa  Oud ", HAND)
    assert saved.name == "Kassa Oud" and dict(saved.columns) == HAND
    again = mappings.get_mapping("kassa oud")
    assert again == saved
    assert [m.name for m in mappings.list_mappings()] == ["Kassa Oud"]
    layout = again.layout()
    assert layout.name == "Kassa Oud" and layout.signature == () and layout.headers("city") == \
        ("Woonplaats",)


def test_names_are_unique_ignoring_case(db):
    mappings.save_mapping(OWNER, "Kassa", HAND)
    with pytest.raises(ValidationError, match="already exists") as caught:
        mappings.save_mapping(OWNER, "KASSA", HAND)
    assert caught.value.field == "name"
    assert len(mappings.list_mappings()) == 1


@pytest.mark.parametrize("name, message", [
    ("", "Mapping name is required"),
    ("x" * 61, "too long"),
    ("Kassa\x1b[2J", "control character"),
])
def test_a_bad_name_is_refused_at_its_field(db, name, message):
    with pytest.raises(ValidationError, match=message) as caught:
        mappings.save_mapping(OWNER, name, HAND)
    assert caught.value.field == "name"
    assert mappings.list_mappings() == []


@pytest.mark.parametrize("columns, message", [
    ({"phone": "Telefoon"}, "Map at least one of First name"),
    ({"first_name": "Naam", "shoe": "Maat"}, "'shoe' is not a customer field"),
    ({"first_name": "Naam\x1b[2J"}, "control character"),
    ({"first_name": "N" * 201}, "too long"),
])
def test_bad_columns_are_refused(db, columns, message):
    with pytest.raises(ValidationError, match=message):
        mappings.save_mapping(OWNER, "Kassa", columns)
    assert mappings.list_mappings() == []


def test_empty_choices_are_dropped(db):
    saved = mappings.save_mapping(OWNER, "Kassa", {**HAND, "email": "", "mobile": "  "})
    assert dict(saved.columns) == HAND


def test_an_unknown_name_is_not_found(db):
    with pytest.raises(ValidationError, match="no saved mapping"):
        mappings.get_mapping("nope")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=70))
def test_any_name_is_saved_checked_or_refused_with_a_validation_error(db, name):
    try:
        saved = mappings.save_mapping(OWNER, name, HAND)
    except ValidationError:
        return
    assert mappings.get_mapping(saved.name) == saved
    assert "\x1b" not in saved.name and 0 < len(saved.name) <= mappings.NAME_LENGTH
    from tui_pos.db.models import ImportMapping
    ImportMapping.delete().execute()


def test_the_mapping_offered_is_one_whose_columns_the_file_has(db):
    mappings.save_mapping(OWNER, "Small", {"first_name": "Naam"})
    mappings.save_mapping(OWNER, "Full", HAND)
    mappings.save_mapping(OWNER, "Other", {"first_name": "Voornaam"})
    assert mappings.mapping_for(["naam", "TELEFOON", "Woonplaats", "Extra"]).name == "Full"
    assert mappings.mapping_for(["Naam", "Plaats"]).name == "Small"
    assert mappings.mapping_for(["Name", "City"]) is None


# -- The preview ----------------------------------------------------------------------

def test_preview_of_a_known_layout(db):
    shown = mappings.preview(DATA / "shopify_customers.csv", rows=2)
    assert shown.layout == "Shopify" and shown.problem == ""
    assert shown.source == "comma-separated CSV in UTF-8"
    assert [line for line, _ in shown.rows] == [2, 4]  # line 2's note spans two lines
    pairs = dict(shown.pairs)
    assert pairs["first_name"] == "First Name"
    assert pairs["phone"] == "Phone / Default Address Phone"  # the first filled counts
    first = dict(zip((f for f, _ in shown.pairs), shown.values[0]))
    assert (first["first_name"], first["last_name"], first["phone"]) == \
        ("Zoë", "Ölçer", "+31 6 12345678")
    assert "Tax Exempt" in shown.ignored


def test_preview_of_an_unknown_layout_offers_the_saved_mapping(db):
    shown = mappings.preview(DATA / "unknown_layout.csv")
    assert shown.layout == "" and shown.can_map and shown.saved is None
    assert "Found: 'Naam', 'Telefoon', 'Woonplaats'" in shown.problem
    assert shown.header == ("Naam", "Telefoon", "Woonplaats")
    saved = mappings.save_mapping(OWNER, "Kassa", HAND)
    again = mappings.preview(DATA / "unknown_layout.csv")
    assert again.saved == saved
    mapped = mappings.preview(DATA / "unknown_layout.csv", by_hand=saved.layout())
    assert mapped.layout == "Kassa"
    assert mapped.pairs == (("first_name", "Naam"), ("phone", "Telefoon"),
                            ("city", "Woonplaats"))
    assert mapped.values == (("Jan", "0612345678", "Utrecht"),)


def test_a_product_list_cannot_be_mapped_by_hand(db):
    shown = mappings.preview(DATA / "products.csv")
    assert not shown.can_map and "product or sales list" in shown.problem


def test_an_unreadable_file_is_a_validation_error(db, tmp_path):
    with pytest.raises(ValidationError, match="there is no file"):
        mappings.preview(tmp_path / "missing.csv")


# -- The importer takes a hand mapping -------------------------------------------------------

def test_a_hand_mapping_imports_an_unknown_layout(db, db_file):
    saved = mappings.save_mapping(OWNER, "Kassa", HAND)
    report = importer.import_customers(OWNER, DATA / "unknown_layout.csv", by_hand=saved.layout())
    assert (report.layout, report.added, report.rejected) == ("Kassa", 1, 0)
    assert customer_count(db_file) == 1
    again = importer.import_customers(OWNER, DATA / "unknown_layout.csv", by_hand=saved.layout())
    assert (again.added, again.unchanged) == (0, 1)


def test_a_hand_mapping_naming_a_column_the_file_lacks_is_refused(db, db_file):
    layout = mappings.SavedMapping(0, "Kassa", {**HAND, "email": "E-post"}).layout()
    with pytest.raises(ValidationError, match="has no column 'E-post'"):
        importer.import_customers(OWNER, DATA / "unknown_layout.csv", by_hand=layout)
    assert customer_count(db_file) == 0


# -- Cancelling --------------------------------------------------------------------------

def five_customers(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "five.csv", [["Naam", "Telefoon", "Woonplaats"]] + [
        [f"Klant {i}", f"06 1234 56{i:02d}", "Utrecht"] for i in range(5)])


def stop_at(phase: str):
    def progress(now: str, done: int) -> None:
        if now == phase:
            raise importer.Cancelled()
    return progress


def test_cancelled_while_checking_writes_nothing(db, db_file, tmp_path):
    path = five_customers(tmp_path)
    with pytest.raises(importer.Cancelled):
        importer.import_customers(OWNER, path, by_hand=mappings.SavedMapping(0, "K", HAND).layout(),
                                  progress=stop_at("checked"), batch=2)
    assert customer_count(db_file) == 0


def test_cancelled_while_writing_stops_after_the_batch(db, db_file, tmp_path):
    path = five_customers(tmp_path)
    report = importer.import_customers(OWNER,
        path, by_hand=mappings.SavedMapping(0, "K", HAND).layout(),
        progress=stop_at("written"), batch=2)
    assert report.cancelled and report.rows_written == 2 and report.added == 5
    assert customer_count(db_file) == 2
    rest = importer.import_customers(OWNER, path, by_hand=mappings.SavedMapping(0, "K", HAND).layout())
    assert (rest.added, rest.unchanged, rest.cancelled) == (3, 2, False)
    assert customer_count(db_file) == 5


# -- The command line reads a saved mapping ---------------------------------------------------

def test_cli_imports_with_a_mapping_saved_by_name(tmp_path, capsys, monkeypatch):
    from tests.cli_run import one_line, run
    from tui_pos.db.connection import close_database, open_database

    monkeypatch.delenv("TUI_POS_DATABASE", raising=False)
    store = str(tmp_path / "shop.db")
    assert run(capsys, "init", "--db", store)[0] == 0
    open_database(store)
    mappings.save_mapping(OWNER, "Oude kassa", HAND)
    close_database()
    code, out, err = run(capsys, "import", "customers", str(DATA / "unknown_layout.csv"),
                         "--mapping", "oude KASSA", "--db", store)
    assert code == 0, err
    assert "Oude kassa layout" in out and "1 added" in out
    assert customer_count(store) == 1
    code, out, err = run(capsys, "import", "customers", str(DATA / "unknown_layout.csv"),
                         "--mapping", "Nieuwe kassa", "--db", store)
    assert code != 0 and out == ""
    assert "There is no saved mapping 'Nieuwe kassa'" in one_line(err)
    assert customer_count(store) == 1
