"""Exporting customers: every field, tags and custom fields, cells safe for
spreadsheets, in the layout the importer reads as tui-pos's own, so that an
export imported into an empty store gives the same customers back."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import zipfile

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tui_pos.db.connection import close_database, open_database
from tui_pos.services import custom_fields, customers, export, importer
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import ValidationError
from tests.actors import OWNER
from tests.cli_run import run  # init with the test owner's PIN

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "'t Hart", "-5% korting", "@home",
           "Zoë Ölçer-Ñúñez", "Ĳsbrand 𝒜"]


def fill_store(shop) -> dict[str, int]:
    """Customers using every field, with the shop's own fields of every kind."""
    fields = {
        "Shoe size": custom_fields.save_field(OWNER, "Shoe size", "number"),
        "Member since": custom_fields.save_field(OWNER, "Member since", "date"),
        "Vegan": custom_fields.save_field(OWNER, "Vegan", "yesno"),
        "Colour": custom_fields.save_field(OWNER, "Colour", "choice", "Red, Blue"),
        "Nickname": custom_fields.save_field(OWNER, "Nickname", "text"),
    }
    made = {}
    made["full"] = customers.save_customer(OWNER, CustomerInput(
        first_name="Zoë", last_name="Ölçer", company="Bakkerij Één", number="A-1",
        email="zoe@example.nl", phone="+31 6 12345678", mobile="06-87654321",
        address="Kerkstraat 1", postcode="3511 AB", city="Utrecht", country="NL",
        birthday="1980-03-04", customer_type_id=shop.types["Staff"].id,
        profile_id=shop.profiles["Retail"].id, discount="7.5",
        vat_class_id=shop.vat["Nul"].id, additional="Member 42", tags="vip, Koffie",
        contact_email=True, contact_sms=True, contact_phone=False, contact_post=True,
        consent_date="2025-01-02", consent_note="Signed form", newsletter=True,
        credit_limit="250.00", active=True,
        custom={fields["Shoe size"].id: "42.5", fields["Member since"].id: "2020-05-06",
                fields["Vegan"].id: "yes", fields["Colour"].id: "blue",
                fields["Nickname"].id: "=cmd|' /C calc'!A0"})).id
    for i, name in enumerate(HOSTILE):
        made[name] = customers.save_customer(OWNER, CustomerInput(
            first_name=name, last_name=name[:20], company=name, email=f"h{i}@example.nl",
            additional=name, active=i % 2 == 0, tags=f"tag{i}")).id
    made["plain"] = customers.save_customer(OWNER, CustomerInput(last_name="Plain",
                                                          phone="020-1234567")).id
    return made


def exported() -> str:
    out = io.StringIO()
    export.write_customers_csv(out)
    return out.getvalue()


def comparable(detail) -> dict:
    skip = {"id", "created_at", "customer_type_id", "profile_id", "vat_class_id"}
    values = {k: v for k, v in dataclasses.asdict(detail).items() if k not in skip}
    values["custom"] = sorted((c["name"], c["value"]) for c in values["custom"])
    return values


def all_customers() -> dict[str, dict]:
    page = customers.search_customers("", limit=1000, include_inactive=True)
    return {h.number: comparable(customers.get_customer(h.id)) for h in page.hits}


def test_every_cell_is_safe_and_every_field_is_there(shop):
    fill_store(shop)
    rows = list(csv.reader(io.StringIO(exported())))
    header = rows[0]
    assert header[:3] == ["Customer number", "First name", "Last name"]
    assert header[-5:] == ["Custom: Shoe size", "Custom: Member since", "Custom: Vegan",
                           "Custom: Colour", "Custom: Nickname"]
    full = dict(zip(header, rows[1]))
    assert full["Customer type"] == "Staff" and full["Customer profile"] == "Retail"
    assert full["VAT class"] == "Nul" and full["Discount %"] == "7.50"
    assert full["Tags"] == "Koffie, vip" and full["Birthday"] == "1980-03-04"
    assert full["Phone"] == "'+31 6 12345678" and full["Credit limit"] == "250.00"
    assert full["Custom: Nickname"] == "'=cmd|' /C calc'!A0"
    assert full["Custom: Colour"] == "Blue" and full["Custom: Shoe size"] == "42.5"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_into_an_empty_store_unchanged(shop, tmp_path, file_format):
    fill_store(shop)
    before = all_customers()
    text = exported()
    path = tmp_path / f"customers.{file_format}"
    assert export.export_customers_to(path, file_format) == len(before)
    close_database()

    open_database(str(tmp_path / "empty.db"))
    from tui_pos.services import catalog
    for name, rate in (("Hoog", "21"), ("Laag", "9"), ("Nul", "0")):
        catalog.save_vat_class(OWNER, name, rate)
    custom_fields.save_field(OWNER, "Shoe size", "number")
    custom_fields.save_field(OWNER, "Member since", "date")
    custom_fields.save_field(OWNER, "Vegan", "yesno")
    custom_fields.save_field(OWNER, "Colour", "choice", "Red, Blue")
    custom_fields.save_field(OWNER, "Nickname", "text")
    report = importer.import_customers(OWNER, path, create_missing=True)
    assert report.rejected == 0, report.problems
    assert report.added == len(before)
    assert report.created["customer type"] == ["Staff"]
    after = all_customers()
    # types keep their name, not their discount (the export names the type)
    assert after == before
    assert exported() == text  # and exporting again gives the same file
    again = importer.import_customers(OWNER, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(before))


def test_reimporting_into_the_same_store_changes_nothing(shop, tmp_path):
    fill_store(shop)
    path = tmp_path / "c.csv"
    path.write_text(exported(), encoding="utf-8")
    report = importer.import_customers(OWNER, path)
    assert (report.added, report.updated, report.rejected) == (0, 0, 0), report.problems
    assert report.unchanged == len(HOSTILE) + 2


def test_the_export_pages_through_the_customers(db, monkeypatch):
    monkeypatch.setattr(export, "CUSTOMER_PAGE", 2)
    for i in range(5):
        customers.save_customer(OWNER, CustomerInput(last_name=f"C{i}", tags=f"t{i}"))
    rows = list(csv.reader(io.StringIO(exported())))[1:]
    assert [r[2] for r in rows] == ["C0", "C1", "C2", "C3", "C4"]
    assert [r[17] for r in rows] == ["t0", "t1", "t2", "t3", "t4"]


# -- The command line ----------------------------------------------------------------------



@pytest.fixture
def store(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TUI_POS_DATABASE", raising=False)
    path = str(tmp_path / "shop.db")
    assert run(capsys, "init", "--db", path)[0] == 0
    open_database(path)
    customers.save_customer(OWNER, CustomerInput(first_name="=1+1", last_name="Jansen"))
    close_database()
    return path


def test_cli_export_to_stdout(store, capsys):
    code, out, err = run(capsys, "export", "customers", "--db", store)
    assert code == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1][1] == "'=1+1" and len(rows) == 2


def test_cli_export_to_an_owner_only_file(store, capsys, tmp_path):
    out_file = tmp_path / "c.csv"
    code, out, err = run(capsys, "--db", store, "export", "customers", "--out", str(out_file))
    assert code == 0 and out == "tui-pos: 1 customers written to " + str(out_file) + "\n"
    assert oct(out_file.stat().st_mode & 0o777) == "0o600"
    assert out_file.read_bytes().startswith(b"Customer number,")  # plain UTF-8, no BOM


def test_cli_export_to_a_missing_folder_writes_nothing(store, capsys, tmp_path):
    target = tmp_path / "no" / "c.csv"
    code, out, err = run(capsys, "export", "customers", "--out", str(target), "--db", store)
    assert code == 1 and out == ""
    assert err.startswith("tui-pos: ") and len(err.splitlines()) == 1 and "cannot be written" in err
    assert not target.parent.exists()


# -- .xlsx ---------------------------------------------------------------------------------

def test_xlsx_text_is_text_numbers_are_numbers_dates_are_dates(shop, tmp_path):
    made = fill_store(shop)
    path = tmp_path / "c.xlsx"
    export.export_customers_to(path, "xlsx")
    sheet = load_workbook(path)["Customers"]
    header = [c.value for c in sheet[1]]
    assert header == export.customer_header()
    rows = {row[0].value: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)}
    full = rows[customers.get_customer(made["full"]).number]
    assert full["Phone"].value == "+31 6 12345678" and full["Phone"].data_type == "s"
    assert full["Discount %"].value == 7.5 and full["Discount %"].data_type == "n"
    assert full["Credit limit"].value == 250 and full["Credit limit"].number_format == "#,##0.00"
    assert full["Birthday"].value == dt.datetime(1980, 3, 4) and full["Birthday"].is_date
    assert full["Custom: Shoe size"].value == 42.5
    assert full["Custom: Member since"].value == dt.datetime(2020, 5, 6)
    assert full["Custom: Nickname"].value == "=cmd|' /C calc'!A0"
    assert full["Custom: Nickname"].data_type == "s"
    assert full["Contact by SMS"].value == "yes" and full["Contact by phone"].value == "no"
    link = rows[customers.get_customer(made[HOSTILE[0]]).number]["First name"]
    assert link.value == HOSTILE[0] and link.data_type == "s"  # stored as text
    with zipfile.ZipFile(path) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "HYPERLINK" in xml and "<f>" not in xml  # no formula anywhere in the sheet


def test_a_failed_export_keeps_the_old_file(shop, tmp_path, monkeypatch):
    fill_store(shop)
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"the old export")

    def broken():
        yield ["1001"]
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(export, "customer_records", broken)
    with pytest.raises(ValidationError, match="cannot be written"):
        export.export_customers_to(path, "xlsx")
    assert path.read_bytes() == b"the old export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_cli_xlsx_needs_a_file(store, capsys, tmp_path):
    code, out, err = run(capsys, "export", "customers", "--format", "xlsx", "--db", store)
    assert code == 1 and out == "" and len(err.splitlines()) == 1 and "--out" in err


def test_cli_xlsx_to_an_owner_only_file(store, capsys, tmp_path):
    target = tmp_path / "c.xlsx"
    code, out, err = run(capsys, "export", "customers", "--format", "xlsx", "--out",
                         str(target), "--db", store)
    assert code == 0 and out == f"tui-pos: 1 customers written to {target}\n"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    cell = load_workbook(target).active["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=40))
@example("a\uffffb\ufffe")
@example('=HYPERLINK("http://evil.example","x")\x1b[31m')
def test_any_text_is_stored_in_xlsx_as_that_text(text):
    """Whatever a name holds, the sheet opens and shows it as text (controls and the
    few characters XML cannot carry dropped), never as a formula."""
    out = io.BytesIO()
    export.write_xlsx(out, "T", [export.Column("Name")], [[text], ["=" + text]])
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    for row, typed in ((2, text), (3, "=" + text)):
        cell = sheet.cell(row, 1)
        assert (cell.value or "") == export.xlsx_text(typed)
        assert cell.value is None or cell.data_type == "s"
