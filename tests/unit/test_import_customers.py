"""Importing customers: the vendors' layouts recognised from their headers, every
bad row named with its line and reason, nothing written while the file has bad
rows, existing customers matched and never doubled, bad files refused whole."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tui_pos.db.models import AuditEntry, Customer, CustomerSearchTerm
from tui_pos.services import audit, customers, importer, layouts, masters, sheets
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import ValidationError
from tests.actors import OWNER
from tests.cli_run import run  # init with the test owner's PIN

DATA = Path(__file__).parent.parent / "data" / "import"
MAY_FORK = importer._may_fork  # the real one; the fixture below replaces it


@pytest.fixture(autouse=True, params=["two passes", "pipelined"])
def path_taken(request, monkeypatch):
    """Every test on both paths: the two passes (small files, the app) and the
    pipeline (a forked checking process, one transaction: large files, the CLI)."""
    if request.param == "pipelined":
        monkeypatch.setattr(importer, "PIPELINE_BYTES", 0)
        monkeypatch.setattr(importer, "_may_fork", lambda: True)
    return request.param


def counts(db_file: str) -> dict[str, int]:
    con = sqlite3.connect(db_file)
    try:
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                for t in ("customer", "tag", "customer_tag", "customer_search_term",
                          "customer_note", "customer_type", "customer_profile",
                          "custom_field_value")}
    finally:
        con.close()


def write_csv(path: Path, rows: list[list[str]], delimiter=",", encoding="utf-8",
              bom=False) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding))
    return path


def by_email(email: str):
    hits = customers.search_customers(email, limit=5, include_inactive=True).hits
    found = [h for h in hits if h.email == email]
    assert len(found) == 1, found
    return customers.get_customer(found[0].id)


def problems(report) -> dict[int, str]:
    return {p.line: p.reason for p in report.problems}


# -- The vendors' layouts ---------------------------------------------------------------

def test_shopify_with_a_bom_bad_rows_and_a_duplicate(db, db_file):
    before = counts(db_file)
    report = importer.import_customers(OWNER, DATA / "shopify_customers.csv")
    assert report.layout == "Shopify" and report.source == "comma-separated CSV in UTF-8"
    assert report.refused and not report.written
    assert problems(report) == {  # line 7 repeats line 2's e-mail, but line 2 is out
        2: "unknown tag 'vip' (import with --create-missing to add it)",
        5: "Give a first name, last name or company",
        6: "'bad-mail.example.nl' is not a valid e-mail address",
    }
    assert counts(db_file) == before  # a file with bad rows writes nothing


def test_shopify_good_rows_only_then_again_changes_nothing(db, db_file, tmp_path):
    rejects = tmp_path / "rejects.csv"
    report = importer.import_customers(OWNER, DATA / "shopify_customers.csv", good_rows_only=True,
                                       create_missing=True, rejects=rejects)
    assert (report.added, report.updated, report.unchanged, report.rejected) == (2, 0, 0, 3)
    assert report.created == {"tag": ["koffie", "vip"]}
    zoe = by_email("zoe@example.nl")
    assert (zoe.first_name, zoe.last_name) == ("Zoë", "Ölçer")  # byte-exact
    assert zoe.first_name.encode() == "Zoë".encode()
    assert zoe.address == "Kerkstraat 1, 2e etage" and zoe.newsletter
    assert zoe.tags == ("koffie", "vip") and zoe.phone == "+31 6 12345678"
    assert customers.notes(zoe.id)[0].text == "Komt elke week.\nBetaalt contant."
    jose = by_email("jose@example.es")
    assert jose.company == "Café Núñez" and jose.phone == "+34 600 000 000"  # address phone
    assert oct(rejects.stat().st_mode & 0o777) == "0o600"
    rows = list(csv.reader(io.StringIO(rejects.read_text("utf-8-sig"))))
    assert rows[0][:3] == ["Line", "Reason", "First Name"]
    assert [r[0] for r in rows[1:]] == ["5", "6", "7"]
    assert rows[2][1] == "'bad-mail.example.nl' is not a valid e-mail address"

    before = counts(db_file)
    again = importer.import_customers(OWNER, DATA / "shopify_customers.csv", good_rows_only=True)
    assert (again.added, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 3)
    assert counts(db_file) == before


def test_square_with_semicolons_month_first_dates_and_a_duplicate_number(db, db_file):
    report = importer.import_customers(OWNER, DATA / "square_customers.csv", good_rows_only=True)
    assert report.layout == "Square" and report.source.startswith("semicolon-separated")
    assert problems(report)[3].startswith("Birthday '31/31/1990' is not a date")
    assert problems(report)[5] == "duplicate: the same customer number as line 2"
    anneke = by_email("anneke@example.nl")
    assert anneke.number == "S-100" and anneke.birthday == dt.date(1980, 3, 4)  # mm/dd
    assert anneke.newsletter and customers.notes(anneke.id)[0].text == "Allergisch voor noten"
    assert by_email("karel@example.nl").birthday == dt.date(1985, 12, 24)
    assert not by_email("karel@example.nl").newsletter  # "Unknown" is not consent
    assert "Lifetime Spend" in report.ignored_columns


def test_lightspeed_tab_separated_in_windows_1252(shop, db_file):
    report = importer.import_customers(OWNER, DATA / "lightspeed_customers.csv", good_rows_only=True)
    assert report.layout == "Lightspeed Retail (R-Series)"
    assert report.source == "tab-separated CSV in Windows-1252"
    assert problems(report) == {
        3: "unknown customer type 'Wholesale' (add it first, or import with "
           "--create-missing)",
        4: "'greet@example' is not a valid e-mail address"}
    francoise = by_email("francoise@example.nl")
    assert (francoise.first_name, francoise.last_name, francoise.company) == (
        "Françoise", "Dubois-Müller", "Bakkerij Één")
    assert francoise.type_name == "Staff" and francoise.number == "L-1"
    assert francoise.phone == "038-1234567" and francoise.mobile == "06-87654321"
    assert francoise.birthday == dt.date(1975, 11, 24)


def test_ospos_quoted_newlines_discount_rules(db):
    report = importer.import_customers(OWNER, DATA / "ospos_customers.csv", good_rows_only=True)
    assert report.layout == "Open Source Point of Sale"
    assert problems(report) == {
        4: "Discount must be between 0 and 100 %",
        5: "a fixed-amount discount cannot be imported, only a percentage"}
    bob = by_email("bsmith@nowhere.com")
    assert bob.discount == Decimal("5") and bob.number == "OS-1"
    assert bob.address == "123 Nowhere Street, Apt 4"
    assert customers.notes(bob.id)[0].text == 'Awesome guy,\nlikes "quotes"'


def test_create_missing_creates_types_and_profiles_by_name(shop):
    report = importer.import_customers(OWNER, DATA / "lightspeed_customers.csv", good_rows_only=True,
                                       create_missing=True)
    assert report.created == {"customer type": ["Wholesale"]}
    assert by_email("henk@example.nl").type_name == "Wholesale"
    assert [t.name for t in masters.list_types()].count("Wholesale") == 1


def test_a_dry_run_writes_nothing_and_says_what_would_change(db, db_file):
    before = counts(db_file)
    report = importer.import_customers(OWNER, DATA / "ospos_customers.csv", dry_run=True)
    assert (report.added, report.rejected, report.written) == (1, 2, False)
    assert "would be added" in report.summary()
    assert counts(db_file) == before


# -- Matching existing customers ----------------------------------------------------------

TUI = list(layouts.TUI_POS_COLUMNS.values())


def tui_row(**values) -> list[str]:
    names = list(layouts.TUI_POS_COLUMNS)
    row = ["" for _ in names]
    for name, value in values.items():
        row[names.index(name)] = value
    return row


def test_existing_customers_are_matched_by_number_email_then_phone(db, tmp_path):
    a = customers.save_customer(OWNER, CustomerInput(first_name="An", number="A-1"))
    b = customers.save_customer(OWNER, CustomerInput(first_name="Bo", email="bo@example.nl",
                                              birthday="1990-01-02"))
    c = customers.save_customer(OWNER, CustomerInput(first_name="Cy", phone="06-1234 5678"))
    path = write_csv(tmp_path / "c.csv", [TUI, *[
        tui_row(number="A-1", first_name="Anna", active="yes"),
        tui_row(first_name="Bo", email="BO@example.nl", city="Utrecht", active="yes"),
        tui_row(first_name="Cy", phone="06 12 34 56 78", mobile="", city="Gouda",
                active="yes")]])
    # the tui-pos layout has every column: leaving Birthday empty would clear it, so
    # this file has no Birthday column at all
    rows = [r for r in csv.reader(io.StringIO(path.read_text()))]
    keep = [i for i, h in enumerate(rows[0]) if h != "Birthday"]
    write_csv(path, [[r[i] for i in keep] for r in rows])
    report = importer.import_customers(OWNER, path)
    assert (report.added, report.updated, report.unchanged) == (0, 3, 0), report.problems
    assert customers.get_customer(a.id).first_name == "Anna"
    assert customers.get_customer(b.id).city == "Utrecht"
    assert customers.get_customer(b.id).birthday == dt.date(1990, 1, 2)  # not in the file
    assert customers.get_customer(c.id).city == "Gouda"
    assert customers.get_customer(c.id).number == c.number
    assert [h.id for h in customers.search_customers("anna").hits] == [a.id]  # terms rebuilt


def test_an_email_two_customers_share_is_refused(db, tmp_path):
    for name in ("Ed", "Eva"):
        customers.save_customer(OWNER, CustomerInput(first_name=name, email="fam@example.nl"))
    path = write_csv(tmp_path / "c.csv", [TUI, tui_row(first_name="E", email="fam@example.nl",
                                                      active="yes")])
    report = importer.import_customers(OWNER, path)
    assert "belongs to 2 customers here" in report.problems[0].reason


def test_new_customers_get_free_numbers_around_the_files_own(db, db_file, tmp_path):
    customers.save_customer(OWNER, CustomerInput(first_name="First"))  # takes 1001
    path = write_csv(tmp_path / "c.csv", [TUI,
        tui_row(first_name="No number", email="a@example.nl", active="yes"),
        tui_row(number="1002", first_name="Has 1002", active="yes")])
    report = importer.import_customers(OWNER, path, batch=1)  # 1002 comes in a later batch
    assert report.added == 2, report.problems
    assert by_email("a@example.nl").number == "1003"
    assert customers.find_customer_by_number("1002").first_name == "Has 1002"


def test_a_row_without_number_email_or_phone_is_not_added(db, tmp_path):
    path = write_csv(tmp_path / "c.csv", [TUI, tui_row(first_name="Anon", active="yes")])
    report = importer.import_customers(OWNER, path)
    assert "no customer number, e-mail or phone" in report.problems[0].reason


def test_an_inactive_profile_is_refused_by_the_services_rule(db, tmp_path):
    profile = masters.save_profile(OWNER, "Old")
    masters.set_profile_active(OWNER, profile.id, False)
    path = write_csv(tmp_path / "c.csv", [TUI, tui_row(first_name="X", email="x@example.nl",
                                                      profile="old", active="yes")])
    assert importer.import_customers(OWNER, path).problems[0].reason == \
        "The profile 'Old' is inactive"


# -- Dates, yes/no --------------------------------------------------------------------

@pytest.mark.parametrize("text, order, day", [
    ("2026-11-24", "dmy", dt.date(2026, 11, 24)), ("2026/11/24", "dmy", dt.date(2026, 11, 24)),
    ("24-11-2026", "dmy", dt.date(2026, 11, 24)), ("24/11/2026", "dmy", dt.date(2026, 11, 24)),
    ("24.11.2026", "dmy", dt.date(2026, 11, 24)), ("03/04/2026", "dmy", dt.date(2026, 4, 3)),
    ("03/04/2026", "mdy", dt.date(2026, 3, 4)), ("11/24/2026", "dmy", dt.date(2026, 11, 24)),
    ("24 Nov 2026", "dmy", dt.date(2026, 11, 24)), ("24 maart 2026", "dmy", dt.date(2026, 3, 24)),
    ("Nov 24, 2026", "dmy", dt.date(2026, 11, 24)),
    ("2026-11-24T10:30:00Z", "dmy", dt.date(2026, 11, 24)), ("", "dmy", None),
])
def test_dates_in_the_usual_formats(text, order, day):
    assert importer.read_date(text, "Birthday", "birthday", order) == day


@pytest.mark.parametrize("text", ["31/31/1990", "2026-02-30", "yesterday", "24-11-26",
                                  "٢٠٢٦-١١-٢٤", "1e3"])
def test_unreadable_dates_are_named(text):
    with pytest.raises(ValidationError, match="is not a date tui-pos can read"):
        importer.read_date(text, "Birthday", "birthday")


@given(st.text(max_size=40), st.sampled_from(["dmy", "mdy"]))
def test_read_date_gives_a_date_none_or_a_validation_error(text, order):
    try:
        day = importer.read_date(text, "Birthday", "birthday", order)
    except ValidationError:
        return
    assert day is None or isinstance(day, dt.date)


FIELD_TEXT = st.one_of(st.text(max_size=30), st.sampled_from(
    ["", "yes", "no", "5", "101", "-1", "1e3", "NaN", "2026-11-24", "31-31-2000", "a@b.nl",
     "@", "+31 6 1234 5678", "\x1b[2J", "=1+1", "'=1+1", "Staff", "ghost", "x" * 300]))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({name: FIELD_TEXT for name in layouts.TUI_POS_COLUMNS}))
def test_the_row_check_lets_only_validation_errors_escape(shop, values):
    known = importer.Masters()
    cmap = layouts.recognise(TUI, "t.csv")
    check = importer.Check(cmap, known, {}, False,
                           importer.ImportReport("t.csv", "", "tui-pos"), None)
    cells = [values[name] for name in layouts.TUI_POS_COLUMNS]
    values = importer.mapped(cells, cmap)
    keys = importer._keys(values)
    try:
        plan = check.row(2, cells, values, keys, importer._matches([keys]))
    except ValidationError as exc:
        assert exc.message
        return
    assert plan is not None and (plan.values["first_name"] or plan.values["last_name"]
                                 or plan.values["company"])


def test_a_nul_in_a_matching_key_is_a_bad_row_not_a_driver_error(shop):
    """Found on PostgreSQL (its driver refuses to send a NUL): the number and e-mail
    are looked up before the row is checked, so a key no customer can have is dropped."""
    cmap = layouts.recognise(TUI, "t.csv")
    check = importer.Check(cmap, importer.Masters(), {}, False,
                           importer.ImportReport("t.csv", "", "tui-pos"), None)
    row = {name: "" for name in layouts.TUI_POS_COLUMNS}
    row.update(number="12\x0034", email="a\x00@b.nl", last_name="Bos")
    cells = [row[name] for name in layouts.TUI_POS_COLUMNS]
    values = importer.mapped(cells, cmap)
    keys = importer._keys(values)
    assert (keys.number, keys.email) == ("", "")
    with pytest.raises(ValidationError) as refused:
        check.row(2, cells, values, keys, importer._matches([keys]))
    assert refused.value.message


# -- Files that are not a customer list -------------------------------------------------

@pytest.mark.parametrize("name, message", [
    ("products.csv", "looks like a product or sales list, not customers"),
    ("unknown_layout.csv", "Found: 'Naam', 'Telefoon', 'Woonplaats'. Needed"),
])
def test_not_a_customer_file_is_refused_whole(db, db_file, name, message):
    before = counts(db_file)
    with pytest.raises(ValidationError, match=message):
        importer.import_customers(OWNER, DATA / name)
    assert counts(db_file) == before


def test_the_refusal_lists_the_columns_a_layout_needs(db):
    with pytest.raises(ValidationError) as caught:
        importer.import_customers(OWNER, DATA / "unknown_layout.csv")
    assert "Shopify: 'First Name', 'Last Name', 'Email', 'Accepts Email Marketing'" in \
        caught.value.message


HEAD = b"First Name,Last Name,Email,Accepts Email Marketing,Default Address Company\n"


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary\x00", "is a binary file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "old Excel .xls file"),
    (b"First Name|Last Name|Email\nJan|Jansen|j@example.nl\n", "Found: 'First Name|Last"),
    (HEAD + b'"Jan,Jansen\nPiet,P,p@example.nl,no,\n', "line 2: broken quoting"),
    (HEAD + b'Jan,"Jansen"x,j@example.nl,no,\n', "line 2: broken quoting"),
    (HEAD + b"Jan,Jansen,j@example.nl,no,,x,y\n", "has 7 cells but the header has 5"),
    (b"\x81\x8d\x8f\x90\x9d", "not text in UTF-8 or Windows-1252"),
    (b"\n\n  \n", "holds no rows"),
])
def test_bad_files_are_refused_with_a_clear_message(db, db_file, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = counts(db_file)
    with pytest.raises(ValidationError, match=message.replace("|", r"\|")):
        importer.import_customers(OWNER, path)
    assert counts(db_file) == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(db, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(b"First Name\n" + b"x\n" * 600)
    monkeypatch.setattr(sheets, "MAX_BYTES", 1000)
    monkeypatch.setattr(sheets, "_open_csv", lambda *a: pytest.fail("read it"))
    with pytest.raises(ValidationError, match="files over 0 MB are not imported"):
        importer.import_customers(OWNER, path)


def test_a_missing_file(db, tmp_path):
    with pytest.raises(ValidationError, match="there is no file"):
        importer.import_customers(OWNER, tmp_path / "nope.csv")


# -- .xlsx ------------------------------------------------------------------------------

def workbook(path: Path, sheets_rows: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets_rows.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


SHOPIFY_HEAD = ["First Name", "Last Name", "Email", "Accepts Email Marketing",
                "Default Address Company", "Phone"]


def test_xlsx_first_sheet_or_the_one_named(db, tmp_path):
    path = workbook(tmp_path / "c.xlsx", {
        "Notes": [["just", "notes"]],
        "Klanten": [SHOPIFY_HEAD, ["Zoë", "Ölçer", "zoe@example.nl", True, "", 31612345678]]})
    with pytest.raises(ValidationError, match="columns are not a customer layout"):
        importer.import_customers(OWNER, path)  # the first sheet is not the customers
    with pytest.raises(ValidationError, match="has no sheet 'Nope'; its sheets: 'Notes', "
                                              "'Klanten'"):
        importer.import_customers(OWNER, path, sheet="Nope")
    report = importer.import_customers(OWNER, path, sheet="klanten")
    assert report.source == "sheet 'Klanten' (2 of 2)" and report.added == 1
    zoe = by_email("zoe@example.nl")
    assert zoe.first_name == "Zoë" and zoe.newsletter and zoe.phone == "31612345678"


def test_xlsx_formula_without_a_saved_value_is_refused_never_calculated(db, db_file, tmp_path):
    path = workbook(tmp_path / "f.xlsx", {"Sheet": [
        SHOPIFY_HEAD, ["Jan", '=HYPERLINK("http://evil.example","x")', "j@example.nl", "no",
                       "", ""]]})
    before = counts(db_file)
    with pytest.raises(ValidationError, match="row 2, column 2: a formula .* saved without "
                                              "its value"):
        importer.import_customers(OWNER, path)
    assert counts(db_file) == before


def test_xlsx_formula_with_its_saved_value_reads_the_value(db, tmp_path):
    import re
    import zipfile

    path = workbook(tmp_path / "v.xlsx", {"Sheet": [SHOPIFY_HEAD,
                                                    ["Jan", "=A1", "j@example.nl", "no", "", ""]]})
    # what a spreadsheet program saves: the formula and the value it calculated
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    # openpyxl writes the empty value as <v /> or <v></v>, by which XML library it has
    cell = re.compile(rb'<c r="B2"><f>A1</f><v\s*(/>|></v>)</c>')
    assert cell.search(parts[sheet])
    parts[sheet] = cell.sub(b'<c r="B2" t="str"><f>A1</f><v>Jansen</v></c>', parts[sheet])
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    report = importer.import_customers(OWNER, path)
    assert report.added == 1, report.problems
    assert by_email("j@example.nl").last_name == "Jansen"


def test_not_an_xlsx_but_a_zip(db, tmp_path):
    import zipfile

    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ValidationError, match="not a readable .xlsx file"):
        importer.import_customers(OWNER, path)


# -- The command line -----------------------------------------------------------------------



@pytest.fixture
def store(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TUI_POS_DATABASE", raising=False)
    path = str(tmp_path / "shop.db")
    assert run(capsys, "init", "--db", path)[0] == 0
    return path


def test_cli_bad_rows_listed_nothing_written(store, capsys):
    before = counts(store)
    code, out, err = run(capsys, "import", "customers", str(DATA / "shopify_customers.csv"),
                         "--db", store)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == ("tui-pos: shopify_customers.csv line 2: unknown tag 'vip' (import "
                        "with --create-missing to add it)")
    assert lines[-1].startswith("tui-pos: shopify_customers.csv: Shopify layout, comma-"
                                "separated CSV in UTF-8, 5 rows; 3 bad rows, so nothing")
    assert all(line.startswith("tui-pos: ") for line in lines)
    assert counts(store) == before


def test_cli_good_rows_only_db_after_the_subcommand_then_again(store, capsys, tmp_path):
    rejects = tmp_path / "bad.csv"
    code, out, err = run(capsys, "--db", store, "import", "customers",
                         str(DATA / "square_customers.csv"), "--good-rows-only",
                         "--rejects", str(rejects))
    assert code == 0, err
    assert "2 added, 0 updated, 0 unchanged, 2 rejected" in out
    assert "columns not imported: Nickname" in out
    assert rejects.exists()
    code, out, err = run(capsys, "import", "customers", str(DATA / "square_customers.csv"),
                         "--good-rows-only", "--db", store)
    assert "0 added, 0 updated, 2 unchanged, 2 rejected" in out, err


def test_cli_refuses_a_bad_file_in_one_line(store, capsys, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    code, out, err = run(capsys, "import", "customers", str(path), "--db", store)
    assert code == 1 and out == "" and err == "tui-pos: empty.csv is empty\n"


def test_cli_import_does_not_import_textual():
    import subprocess
    import sys

    code = ("import sys; from tui_pos.cli import main\n"
            "try: main(['import', 'customers', 'x.csv', '--db', '/nonexistent/x.db'])\n"
            "except SystemExit: pass\n"
            "assert 'textual' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                   cwd=Path(__file__).parent.parent.parent)


def test_progress_goes_to_stderr_only_on_a_terminal(store, capsys, monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    code, out, err = run(capsys, "import", "customers", str(DATA / "ospos_customers.csv"),
                         "--db", store, "--dry-run")
    assert "\rchecked 3 rows" in err


# -- Both paths alike where the pipeline writes as it checks ---------------------------------

def many(count: int, start: int = 0, **extra) -> list[list[str]]:
    return [tui_row(first_name=f"Klant {i}", email=f"k{i}@example.nl", active="yes", **extra)
            for i in range(start, start + count)]


def test_a_bad_row_after_many_good_batches_writes_nothing(db, tmp_path):
    path = write_csv(tmp_path / "c.csv", [TUI, *many(9), tui_row(first_name="Bad",
                     email="no-at-sign", active="yes"), *many(3, start=9)])
    report = importer.import_customers(OWNER, path, batch=2)  # four batches before it
    assert report.refused and not report.written and report.rows_written == 0
    assert problems(report) == {11: "'no-at-sign' is not a valid e-mail address"}
    assert (report.rows, report.added, report.rejected) == (13, 12, 1)
    assert customers.search_customers("klant", limit=5).hits == []
    assert Customer.select().count() == 0 and AuditEntry.select().count() == 0


def test_good_rows_only_writes_them_all_and_one_audit_entry(db, tmp_path):
    path = write_csv(tmp_path / "c.csv", [TUI, *many(5), tui_row(first_name="Bad",
                     email="no-at-sign", active="yes"), *many(4, start=5)])
    report = importer.import_customers(OWNER, path, batch=2, good_rows_only=True,
                                       rejects=tmp_path / "rejects.csv")
    assert report.written and (report.added, report.rejected, report.rows_written) == (9, 1, 9)
    assert Customer.select().count() == 9
    assert [h.email for h in customers.search_customers("k8@", limit=5).hits] == \
        ["k8@example.nl"]
    assert "no-at-sign" in (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig")
    entries = audit.entries(audit.AuditFilter(kind="import"))
    assert len(entries) == 1 and "Customers from c.csv" in entries[0].subject


def test_two_new_rows_sharing_an_email_stay_two_customers(db, tmp_path):
    """The second row is no match for the customer the first row made (the store is
    matched as it was before the import), as in the two passes."""
    path = write_csv(tmp_path / "c.csv", [TUI,
        tui_row(number="501", first_name="Ed", email="fam@example.nl", active="yes"),
        tui_row(number="502", first_name="Eva", email="fam@example.nl", active="yes")])
    report = importer.import_customers(OWNER, path, batch=1)
    assert (report.added, report.updated, report.rejected) == (2, 0, 0), report.problems
    assert customers.find_customer_by_number("501").first_name == "Ed"
    assert customers.find_customer_by_number("502").first_name == "Eva"


def test_a_file_unreadable_further_on_writes_nothing(db, tmp_path):
    path = write_csv(tmp_path / "c.csv", [TUI, *many(6),
                                          tui_row(first_name="x" * (sheets.MAX_CELL + 1))])
    with pytest.raises(ValidationError, match="line 8"):
        importer.import_customers(OWNER, path, batch=2)
    assert Customer.select().count() == 0


def test_cancelled_while_checking_writes_nothing_on_either_path(db, tmp_path):
    path = write_csv(tmp_path / "c.csv", [TUI, *many(6)])
    checked = []

    def progress(phase: str, done: int) -> None:
        checked.append(done)
        if done >= 4:
            raise importer.Cancelled()

    with pytest.raises(importer.Cancelled):
        importer.import_customers(OWNER, path, batch=2, progress=progress)
    assert checked == [2, 4] and Customer.select().count() == 0


def test_the_pipeline_is_taken_for_a_large_file_outside_threads_only(db, tmp_path, monkeypatch,
                                                                    path_taken):
    if path_taken != "pipelined":
        pytest.skip("about the pipeline itself")
    monkeypatch.setattr(importer, "PIPELINE_BYTES", 1000)
    taken = []
    monkeypatch.setattr(importer.Pipeline, "check_and_write",
                        lambda self, batches: taken.append(len(list(batches))))
    small = write_csv(tmp_path / "small.csv", [TUI, *many(1)])
    large = write_csv(tmp_path / "large.csv", [TUI, *many(20)])
    assert small.stat().st_size < 1000 < large.stat().st_size
    importer.import_customers(OWNER, small)
    importer.import_customers(OWNER, large, batch=5)
    assert taken == [4]  # the large file's four batches came from the checking process
    in_a_thread = []
    worker = threading.Thread(target=lambda: in_a_thread.append(MAY_FORK()))
    worker.start()
    worker.join()
    assert in_a_thread == [False]  # the app's worker thread keeps the two passes


def test_search_terms_written_are_the_services_own(db, tmp_path):
    """Terms made in the checking process (the automatic number added when writing)
    equal what the customer service makes of the stored customer."""
    path = write_csv(tmp_path / "c.csv", [TUI, *many(4, tags="VIP, koffie"),
                                          tui_row(number="A-77", first_name="Núñez Zoë",
                                                  company="Ölçer BV", phone="06-1234 5678",
                                                  email="z@example.nl", active="yes")])
    report = importer.import_customers(OWNER, path, batch=2, create_missing=True)
    assert report.added == 5, report.problems
    stored: dict[int, set[str]] = {}
    for cid, term in CustomerSearchTerm.select(CustomerSearchTerm.customer,
                                               CustomerSearchTerm.term).tuples():
        stored.setdefault(cid, set()).add(term)
    assert len(stored) == 5
    for customer in Customer.select():
        expected = customers.search_terms(customer, customers.customer_tags(customer.id), [])
        assert stored[customer.id] == expected, customer.number
        assert customer.number.casefold() in expected
