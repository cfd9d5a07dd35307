"""Hypothesis over every master service entry that takes text or numbers:
profiles, types, VAT classes, items, custom fields, Business Configuration and
the item lookups.

Whatever is typed, pasted or scanned: only ``ValidationError`` leaves the
service, and what was accepted reads back equal to what was typed, cleaned.
Each example starts from empty tables, so names never clash by accident.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_pos.db.models import CustomerProfile, CustomerType, CustomField, Item, VatClass
from tui_pos.money import parse_money, parse_percent
from tui_pos.services import catalog, config, custom_fields, masters
from tui_pos.services.catalog import ItemInput
from tui_pos.services.errors import ValidationError
from tui_pos.services.text import checked, clean, has_controls
from tests.actors import OWNER

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HOSTILE = ["Zoë [/]", "Horeca [red]VIP[/red]", "[link=x]y[/link]", "[@click=app.quit]",
           "Mug [/] [i]x", "😀🎉", "王小明的店", "Zoë\x1b[2J", "\x1b]0;title\x07", "a\u202eb",
           "\x00", "line\nbreak", "tab\there", "  spaced   out  ", "ß" * 30, "ﬃ" * 20,
           "x" * 60, "x" * 61, "x" * 121, "x" * 100_000, "", " ", "%", "_", "MUG-01",
           "8712345000048", "٣٣٣", "1e999999", "NaN", "-0", "9" * 30, "1e26", "2,50"]

any_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=80),
                     st.text(min_size=55, max_size=130),
                     st.builds(lambda c, n: c * n, st.characters(), st.integers(1, 300)))
any_number = st.one_of(any_text, st.integers(-10**30, 10**30),
                       st.decimals(allow_nan=True, allow_infinity=True), st.booleans(),
                       st.floats(), st.none())
any_id = st.one_of(st.none(), st.integers(-2**70, 2**70), st.sampled_from([1, 2, 3]))


def mostly(good, bad):
    """Three times in four a value the service should take, else anything at all:
    so that both what is saved and what is refused are exercised."""
    return st.one_of(good, good, good, bad)


a_name = mostly(st.text(st.characters(codec="utf-8", exclude_categories=("C",)),
                        min_size=1, max_size=60).filter(str.strip), any_text)
a_sku = mostly(st.from_regex(r"[A-Za-z0-9\-./]{1,40}", fullmatch=True), any_text)
a_barcode = mostly(st.one_of(st.just(""), st.from_regex(r"[0-9]{8,14}", fullmatch=True)),
                   any_text)
a_price = mostly(st.decimals(0, 10**10 - 1, places=2).map(str), any_number)
a_percent = mostly(st.one_of(st.decimals(0, 100, places=2), st.integers(0, 100).map(str)),
                   any_number)
a_vat_id = mostly(st.sampled_from([1, 2, 3]), any_id)


class Outcomes(list):
    """What each example did; the test asserts both saving and refusing happened."""

    def __call__(self, call):
        """The call's result, or None when it refused the input with a ValidationError."""
        try:
            result = call()
        except ValidationError as error:
            assert error.message and isinstance(error.message, str)
            self.append(False)
            return None
        self.append(True)
        return result

    def both(self) -> None:
        assert True in self and False in self, "never saved or never refused: a weak test"


def empty_masters() -> None:
    for model in (Item, CustomerType, CustomerProfile, CustomField):
        model.delete().execute()


def vat_classes() -> dict[str, int]:
    VatClass.delete().where(VatClass.name_key.not_in(["hoog", "nul"])).execute()
    found = {v.name: v.id for v in VatClass.select()}
    if not found:
        found = {"Hoog": catalog.save_vat_class(OWNER, "Hoog", "21").id,
                 "Nul": catalog.save_vat_class(OWNER, "Nul", "0").id}
    return found


def plain(stored: str, limit: int) -> None:
    """Stored text holds nothing a terminal would act on, within its column."""
    assert not has_controls(stored) and len(stored) <= limit


def test_save_profile_refuses_or_reads_back_cleaned(db):
    accepted = Outcomes()

    @FAST
    @given(a_name, st.booleans())
    def run(name, active):
        empty_masters()
        saved = accepted(lambda: masters.save_profile(OWNER, name, active=active))
        if saved is None:
            assert CustomerProfile.select().count() == 0
            return
        assert saved.name == clean(name) and saved.active is active
        again = masters.get_profile(saved.id)
        assert (again.name, again.active) == (saved.name, active)
        plain(again.name, 60)

    run()
    accepted.both()


def test_save_type_refuses_or_reads_back(db):
    accepted = Outcomes()

    @FAST
    @given(a_name, mostly(st.one_of(st.none(), st.just(""), a_percent), any_number),
           mostly(st.none(), a_vat_id))
    def run(name, discount, vat_class_id):
        empty_masters()
        vat = vat_classes()
        vat_id = vat["Nul"] if vat_class_id in (1, 2, 3) else vat_class_id
        saved = accepted(lambda: masters.save_type(OWNER, name, discount=discount,
                                                   vat_class_id=vat_id))
        if saved is None:
            assert CustomerType.select().count() == 0
            return
        again = masters.get_type(saved.id)
        assert again.name == saved.name == clean(name)
        expected = None if discount in (None, "") else parse_percent(discount)
        assert again.discount == saved.discount == expected
        assert again.vat_class_id == vat_id
        plain(again.name, 60)

    run()
    accepted.both()


def test_save_vat_class_refuses_or_reads_back(db):
    accepted = Outcomes()

    @FAST
    @given(a_name, a_percent)
    def run(name, rate):
        empty_masters()
        VatClass.delete().execute()
        saved = accepted(lambda: catalog.save_vat_class(OWNER, name, rate))
        if saved is None:
            assert VatClass.select().count() == 0
            return
        again = catalog.get_vat_class(saved.id)
        assert again.name == saved.name == clean(name)
        assert again.rate == saved.rate == parse_percent(rate)
        assert Decimal(0) <= again.rate <= Decimal(100)

    run()
    accepted.both()


def test_save_item_refuses_or_reads_back(db):
    accepted = Outcomes()

    @FAST
    @given(a_sku, st.one_of(a_name, st.text(min_size=100, max_size=130)), a_price, a_barcode,
           a_vat_id)
    def run(sku, name, price, barcode, vat_class_id):
        empty_masters()
        vat = vat_classes()
        vat_id = vat["Hoog"] if vat_class_id in (1, 2, 3) else vat_class_id
        data = ItemInput(sku=sku, name=name, price=price, barcode=barcode, vat_class_id=vat_id)
        saved = accepted(lambda: catalog.save_item(OWNER, data))
        if saved is None:
            assert Item.select().count() == 0
            return
        again = catalog.get_item(saved.id)
        assert again.sku == saved.sku == clean(sku).upper()
        assert again.name == saved.name == clean(name)
        assert (again.barcode or "") == clean(barcode)
        assert again.price == saved.price == parse_money(price)
        plain(again.sku, 40), plain(again.name, 120)
        assert catalog.find_item(again.sku.lower()).id == saved.id
        assert saved.id in [hit.id for hit in catalog.search_items(again.sku)]

    run()
    accepted.both()


def test_save_field_refuses_or_reads_back(db):
    accepted = Outcomes()
    kinds = mostly(st.sampled_from(custom_fields.KINDS), any_text)
    options = mostly(st.lists(a_name, min_size=2, max_size=5).map(", ".join), any_text)

    @FAST
    @given(a_name, kinds, options)
    def run(name, kind, options):
        empty_masters()
        saved = accepted(lambda: custom_fields.save_field(OWNER, name, kind, options=options))
        if saved is None:
            assert CustomField.select().count() == 0
            return
        again = custom_fields.get_field(saved.id)
        assert (again.name, again.kind, again.options) == (clean(name), kind, saved.options)
        if kind == "choice":
            lines = again.options.splitlines()
            assert len(lines) >= 2 and all(line == clean(line) and line for line in lines)
            assert all(len(line) <= 60 for line in lines)
            assert lines == [clean(o) for o in options.replace(",", "\n").splitlines()
                             if clean(o)]
        else:
            assert again.options == ""

    run()
    accepted.both()


SETTING_TEXT = {"store_name": a_name, "address": mostly(st.text(max_size=400), any_text),
                "receipt_header": mostly(st.text(max_size=400), any_text),
                "receipt_footer": mostly(st.text(max_size=400), any_text),
                "vat_number": mostly(st.from_regex(r"[A-Za-z0-9 ]{0,40}", fullmatch=True),
                                     any_text),
                "currency": mostly(st.from_regex(r"[A-Za-z]{3}", fullmatch=True), any_text),
                "locale": mostly(st.sampled_from(config.LOCALES), any_text),
                "vat_rounding": mostly(st.sampled_from(config.VAT_ROUNDING), any_text)}


def test_update_settings_refuses_or_reads_back(db):
    accepted = Outcomes()

    @FAST
    @given(st.data(), mostly(st.none(), a_vat_id))
    def run(data, vat_class_id):
        field = data.draw(st.sampled_from(sorted(SETTING_TEXT)))
        text = data.draw(SETTING_TEXT[field])
        vat = vat_classes()
        s = config.get_settings()
        setattr(s, field, text)
        s.default_vat_class_id = vat["Nul"] if vat_class_id in (1, 2, 3) else vat_class_id
        before = config.get_settings()
        saved = accepted(lambda: config.update_settings(OWNER, s))
        if saved is None:
            assert config.get_settings() == before
            return
        again = config.get_settings()
        assert again == saved
        multiline = field in ("address", "receipt_header", "receipt_footer")
        expected = checked(text, field, field, 500, multiline=multiline)
        if field in ("vat_number", "currency"):
            expected = expected.upper()
        assert getattr(again, field) == expected

    run()
    accepted.both()


def test_the_staff_settings_refuse_or_read_back(db):
    """Discount limit (a percentage) and idle minutes (0-240) as typed or handed over."""
    accepted = Outcomes()

    @FAST
    @given(a_percent, mostly(st.one_of(st.integers(0, 240), st.integers(0, 240).map(str)),
                             any_number))
    def run(limit, idle):
        s = config.get_settings()
        s.discount_limit, s.idle_minutes = limit, idle
        before = config.get_settings()
        saved = accepted(lambda: config.update_settings(OWNER, s))
        if saved is None:
            assert config.get_settings() == before
            return
        again = config.get_settings()
        assert again == saved
        assert again.discount_limit == parse_percent(limit)
        assert again.idle_minutes == int(idle) and 0 <= again.idle_minutes <= 240

    run()
    accepted.both()


def test_find_and_search_items_never_crash(db):
    vat = vat_classes()
    catalog.save_item(OWNER, ItemInput(sku="MUG-01", barcode="8712345000048", name="Stoneware mug",
                                price="12.10", vat_class_id=vat["Hoog"]))
    accepted = Outcomes()

    @FAST
    @given(mostly(st.sampled_from(["mug-01", " MUG-01 ", "8712345000048", "Mug", "ware"]),
                  any_text))
    def run(query):
        found = accepted(lambda: catalog.find_item(query))
        assert found is None or found.sku == "MUG-01"
        hits = catalog.search_items(query)
        assert all(hit.sku == "MUG-01" for hit in hits)

    run()
    accepted.both()
