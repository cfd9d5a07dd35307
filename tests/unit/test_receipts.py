"""Receipt files: one folder per database, owner-only, written atomically, a failed
write reported (never hidden), and missing or partial files rewritten from the
sale at the next start — checking only the sales above a watermark."""

from __future__ import annotations

import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_pos.db.models import Item, Sale
from tui_pos.services import config, customers, printing, receipts
from tui_pos.services.customers import CustomerInput
from tui_pos.services.errors import NotFound, ValidationError
from tui_pos.services.receipts import (
    ReceiptNotSaved, cells, cut_cells, receipt_path, receipts_folder, repair_receipts, reprint,
    write_receipt,
)
from tui_pos.services.sales import SaleDraft, complete_sale
from tests.actors import OWNER

D = Decimal


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sell(sku: str = "MUG-01", folder: Path | None = None, **kwargs):
    draft = SaleDraft.new()
    draft.add_item(sku)
    return complete_sale(OWNER, draft, receipts_dir=folder, **kwargs)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(receipts.TEMP_PREFIX))


# -- where ----------------------------------------------------------------------------------

def test_each_database_has_its_own_folder_beside_it(tmp_path):
    assert receipts_folder(str(tmp_path / "demo.db")) == tmp_path / "demo-receipts"
    assert receipts_folder(str(tmp_path / "tui-pos.db")) == tmp_path / "tui-pos-receipts"
    assert receipts_folder(f"sqlite:///{tmp_path}/shop.db") == tmp_path / "shop-receipts"
    with pytest.raises(ValidationError):
        receipts_folder("mysql://db/shop")


def test_a_postgresql_store_gets_a_folder_named_after_server_and_database(tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    folder = receipts_folder("postgresql://kassa:s3cret@db.shop.nl:5433/winkel")
    assert folder == tmp_path / "tui-pos" / "db.shop.nl-5433-winkel-receipts"
    other = receipts_folder("postgresql://kassa@db.shop.nl/demo")
    assert other.name == "db.shop.nl-demo-receipts"
    hostile = receipts_folder("postgresql://h/../../etc/x y")
    assert hostile.parent == tmp_path / "tui-pos"  # no way out of the data folder
    assert "/" not in hostile.name and not hostile.name.startswith(".")


# -- writing -------------------------------------------------------------------------------

def test_write_is_owner_only_and_leaves_no_temporary_file(tmp_path):
    folder = tmp_path / "new" / "pos-receipts"
    path = write_receipt(folder, 7, "Sale 7\nTOTAL 1,00\n")
    assert path == folder / "receipt-000007.txt"
    assert path.read_text(encoding="utf-8") == "Sale 7\nTOTAL 1,00\n"
    assert mode(path) == 0o600
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
    assert temporaries(folder) == []


def test_a_rewrite_replaces_a_partial_file_whole(tmp_path):
    path = receipt_path(tmp_path, 3)
    path.write_text("Sale 3\nTOT")
    path.chmod(0o644)
    write_receipt(tmp_path, 3, "Sale 3\nTOTAL 9,99\n")
    assert path.read_text() == "Sale 3\nTOTAL 9,99\n"
    assert mode(path) == 0o600


def test_a_failed_write_is_an_error_naming_the_file_and_the_reason(tmp_path):
    blocker = tmp_path / "pos-receipts"
    blocker.write_text("not a folder")
    with pytest.raises(ReceiptNotSaved) as failed:
        write_receipt(blocker, 1, "Sale 1\n")
    assert isinstance(failed.value, ValidationError)
    assert str(blocker / "receipt-000001.txt") in failed.value.message
    assert "exists" in failed.value.message.lower()  # the OS's reason


def test_a_disk_failing_mid_write_keeps_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    write_receipt(tmp_path, 1, "Sale 1\nold\n")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(receipts.os, "fsync", full_disk)
    with pytest.raises(ReceiptNotSaved, match="No space left on device"):
        write_receipt(tmp_path, 1, "Sale 1\nnew\n")
    assert receipt_path(tmp_path, 1).read_text() == "Sale 1\nold\n"
    assert temporaries(tmp_path) == []


# -- completing a sale ---------------------------------------------------------------------

def test_a_completed_sale_writes_its_file(shop, tmp_path):
    done = sell(folder=tmp_path / "pos-receipts")
    assert done.receipt_error is None
    assert Path(done.receipt_path).read_text(encoding="utf-8") == done.receipt_text
    assert mode(Path(done.receipt_path)) == 0o600


def test_a_receipt_that_cannot_be_written_is_reported_and_the_sale_stays(shop, tmp_path):
    blocker = tmp_path / "pos-receipts"
    blocker.write_text("in the way")
    done = sell(folder=blocker)
    assert done.receipt_path is None
    assert done.receipt_error and str(blocker) in done.receipt_error
    assert Sale.get(Sale.number == done.number).receipt_text == done.receipt_text
    blocker.unlink()
    path = reprint(done.number, blocker)  # R on the receipt screen
    assert path.read_text(encoding="utf-8") == done.receipt_text


def test_reprint_of_a_sale_that_does_not_exist(shop, tmp_path):
    with pytest.raises(NotFound):
        reprint(99, tmp_path)


# -- repairing -----------------------------------------------------------------------------

def test_repair_rewrites_missing_and_partial_files_and_clears_temporaries(shop, tmp_path):
    folder = tmp_path / "pos-receipts"
    sales = [sell(folder=folder) for _ in range(4)]
    receipt_path(folder, 2).unlink()                                   # killed before the write
    receipt_path(folder, 3).write_text(sales[2].receipt_text[:25])    # an old, truncated copy
    (folder / (receipts.TEMP_PREFIX + "receipt-000004.txt-x1")).write_text("half")
    report = repair_receipts(folder)
    assert report.rewritten == (2, 3)
    assert report.checked == 4 and report.verified_up_to == 4
    assert report.temporaries_removed == 1 and temporaries(folder) == []
    for done in sales:
        assert receipt_path(folder, done.number).read_text(encoding="utf-8") == done.receipt_text


def test_repair_checks_only_sales_above_the_watermark(shop, tmp_path):
    folder = tmp_path / "pos-receipts"
    for _ in range(3):
        sell(folder=folder)
    assert repair_receipts(folder).checked == 3  # the first run: everything
    assert (folder / receipts.WATERMARK).read_text().split("\n")[0] == "3"
    assert mode(folder / receipts.WATERMARK) == 0o600
    receipt_path(folder, 1).unlink()  # below the watermark: not looked at again
    sell()                             # sale 4 without a file (e.g. killed)
    report = repair_receipts(folder)
    assert (report.checked, report.rewritten, report.verified_up_to) == (1, (4,), 4)
    assert not receipt_path(folder, 1).exists()
    assert repair_receipts(folder).checked == 0
    reprint(1, folder)  # a reprint writes it again
    assert receipt_path(folder, 1).read_text(encoding="utf-8") == Sale.get(
        Sale.number == 1).receipt_text


def test_repair_reads_in_pages(shop, tmp_path):
    folder = tmp_path / "pos-receipts"
    for _ in range(5):
        sell()
    report = repair_receipts(folder, page=2)
    assert report.rewritten == (1, 2, 3, 4, 5) and report.verified_up_to == 5


def test_a_watermark_of_another_database_is_not_trusted(shop, tmp_path):
    folder = tmp_path / "pos-receipts"
    for _ in range(2):
        sell(folder=folder)
    repair_receipts(folder)
    # the store was replaced (a restored backup, a new demo store): same numbers, other sales
    (folder / receipts.WATERMARK).write_text("2\n2001-01-01 00:00:00\n")
    receipt_path(folder, 1).write_text("a receipt of another store\n")
    assert repair_receipts(folder).rewritten == (1,)
    (folder / receipts.WATERMARK).write_text("nonsense")
    assert repair_receipts(folder).checked == 2


def test_a_temporary_file_being_written_is_left_alone(shop, tmp_path):
    folder = tmp_path / "pos-receipts"
    sell(folder=folder)
    temp = folder / (receipts.TEMP_PREFIX + "receipt-000002.txt-y")
    temp.write_text("being written")
    with receipts._writing(folder):  # another terminal is writing right now
        assert repair_receipts(folder).temporaries_removed == 0
    assert temp.exists()


# -- the receipt text ---------------------------------------------------------------------

@given(st.text(max_size=60))
def test_cut_cells_never_exceeds_the_width(text):
    for width in (0, 1, 5, 40):
        cut = cut_cells(text, width)
        assert text.startswith(cut) and cells(cut) <= width
        if cut != text:
            assert cells(text[:len(cut) + 1]) > width  # cut no more than needed


def test_cells_count_wide_characters_twice():
    assert cells("Mug") == 3 and cells("茶碗") == 4 and cells("e\u0301") == 1
    assert cut_cells("茶碗茶碗", 5) == "茶碗"


def store_with_hostile_names(shop) -> int:
    s = config.get_settings()
    s.store_name = "De [bold]Hoek[/bold]"
    s.receipt_footer = "Bedankt [/]\nTot ziens"
    config.update_settings(OWNER, s)
    Item.update(name="Mug \x1b]0;pwned\x07 [/] 湯呑み茶碗湯呑み茶碗湯呑み茶碗湯呑み茶碗湯呑み").where(
        Item.sku == "MUG-01").execute()  # stored before names were checked
    return customers.save_customer(OWNER, CustomerInput(first_name="Zoë", last_name="[link=x]y[/link]",
                                                 company="茶" * 30)).id


def test_receipt_names_are_plain_text_cut_by_terminal_cells(shop):
    customer_id = store_with_hostile_names(shop)
    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    draft.set_customer(customer_id)
    text = complete_sale(OWNER, draft).receipt_text
    assert "De [bold]Hoek[/bold]" in text and "Bedankt [/]" in text
    assert "Customer: Zoë [link=x]y[/link]" in text
    assert "\x1b" not in text and "\x07" not in text
    assert "Mug ]0;pwned [/] 湯呑み" in text
    assert all(cells(row) <= 42 for row in text.splitlines())
    assert max(cells(row) for row in text.splitlines()) == 42  # the long name is cut at 42


def test_receipt_money_in_the_store_locale(shop):
    s = config.get_settings()
    s.locale = "en_US"
    config.update_settings(OWNER, s)
    draft = SaleDraft.new()
    draft.add_item("GIFT-25", "401")
    text = complete_sale(OWNER, draft, tendered="10100").receipt_text
    assert "10,025.00" in text and "75.00" in text
    s.locale = "nl_NL"
    config.update_settings(OWNER, s)
    draft = SaleDraft.new()
    draft.add_item("GIFT-25", "401")
    text = complete_sale(OWNER, draft, tendered="10100").receipt_text
    assert "10.025,00" in text and "75,00" in text
    assert all(cells(row) <= 42 for row in text.splitlines())


def test_a_row_too_wide_for_one_line_goes_on_two(shop):
    from tui_pos.services import catalog
    from tui_pos.services.catalog import ItemInput

    catalog.save_item(OWNER, ItemInput(sku="BOAT", name="Boat", price="1000000",
                                vat_class_id=shop.vat["Nul"].id))
    printing.save_settings(OWNER, 32)  # this till prints 32 columns
    draft = SaleDraft.new()
    draft.add_item("BOAT", "9999")
    rows = complete_sale(OWNER, draft).receipt_text.splitlines()
    at = rows.index("  9999 x 1.000.000,00")  # 21 + 20 cells: more than 32
    assert rows[at + 1] == " " * 12 + "9.999.000.000,00  0%"
    assert "0% total" + " " * 8 + "9.999.000.000,00" in rows  # VAT summary: two a rate
    assert "  base 9.999.000.000,00 VAT 0,00" in rows
    assert all(cells(row) <= 32 for row in rows)


def test_a_folder_without_a_watermark_checks_only_the_newest_sales(shop, tmp_path,
                                                                    monkeypatch):
    from tui_pos.services import receipts
    from tui_pos.services.sales import SaleDraft, complete_sale

    for _ in range(5):
        draft = SaleDraft.new()
        draft.add_item("MUG-01")
        complete_sale(OWNER, draft)
    monkeypatch.setattr(receipts, "FIRST_CHECK", 2)
    folder = tmp_path / "r"
    report = receipts.repair_receipts(folder)
    assert report.first_check and report.rewritten == (4, 5)
    assert not receipts.receipt_path(folder, 3).exists()  # older: written on reprint
    again = receipts.repair_receipts(folder)
    assert not again.first_check and again.checked == 0
