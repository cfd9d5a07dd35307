"""Who rang up each sale, and overrides beyond Business Configuration's limits:
a cashier's 30 % needs a manager, the approval is in the audit log with the
sale — and only when the sale is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tui_pos.db.models import AuditEntry, BusinessConfig, Sale
from tui_pos.services import audit, staff
from tui_pos.services.actors import Actor
from tui_pos.services.errors import NeedsApproval, NotAllowed, ValidationError
from tui_pos.services.sales import SaleDraft, complete_sale, get_sale
from tests.actors import CASHIER, MANAGER, PINS, staff_team
from tests.registers import open_register

D = Decimal


def approved(team: dict, asker: str, action: str = "override") -> Actor:
    """``asker`` with Mona's (the manager's) PIN typed there and then."""
    return staff.approve(team[asker], team["Mona"].staff_id, PINS["Mona"], action)


def bill(*skus: str) -> SaleDraft:
    draft = SaleDraft.new()
    for sku in skus:
        draft.add_item(sku)
    return draft


def approvals() -> list[audit.EntryRow]:
    return audit.entries(audit.AuditFilter(kind="approval"))


# -- the limit ------------------------------------------------------------------------

def test_a_cashiers_30_percent_needs_a_manager_and_changes_nothing(shop):
    draft = bill("MUG-01")
    with pytest.raises(NeedsApproval) as asked:
        draft.set_line_discount(CASHIER, 0, "30")
    assert asked.value.role == "manager" and "30%" in asked.value.action
    assert draft.lines[0].discount_override is None
    assert draft.priced().total == D("12.10")


def test_up_to_the_limit_a_cashier_needs_nobody(shop):
    draft = bill("MUG-01")
    draft.set_line_discount(CASHIER, 0, "20")  # the default limit: 20 %
    draft.set_bill_discount(CASHIER, "20")
    complete_sale(CASHIER, draft)
    assert approvals() == []


def test_a_manager_may_give_it_and_no_approval_is_logged(shop):
    draft = bill("MUG-01")
    draft.set_line_discount(MANAGER, 0, "30")
    draft.set_bill_discount(MANAGER, "25")
    done = complete_sale(MANAGER, draft)
    assert done.total == D("6.35")  # 12.10 - 30 % = 8.47, then - 25 % = 6.35
    assert approvals() == []


def test_the_limit_comes_from_business_configuration(shop):
    BusinessConfig.update(discount_limit=D("35")).execute()
    draft = bill("MUG-01")
    draft.set_line_discount(CASHIER, 0, "30")
    with pytest.raises(NeedsApproval):
        draft.set_line_discount(CASHIER, 0, "36")
    assert draft.lines[0].discount_override == D("30")


def test_a_cashier_gives_any_discount_up_to_the_limit_and_none_above(shop):
    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.decimals(min_value=0, max_value=100, places=2), st.booleans())
    def run(percent, on_the_bill):
        draft = bill("MUG-01")
        try:
            if on_the_bill:
                draft.set_bill_discount(CASHIER, percent)
            else:
                draft.set_line_discount(CASHIER, 0, percent)
        except NeedsApproval:
            assert percent > 20
            assert (draft.bill_discount, draft.lines[0].discount_override) == (None, None)
        else:
            assert percent <= 20
            given_now = draft.bill_discount if on_the_bill else draft.lines[0].discount_override
            assert given_now == percent

    run()


def test_bill_discount_and_vat_overrides_need_a_manager(shop):
    draft = bill("MUG-01")
    with pytest.raises(NeedsApproval):
        draft.set_bill_discount(CASHIER, "21")
    with pytest.raises(NeedsApproval):
        draft.set_line_vat(CASHIER, 0, shop.vat["Nul"].id)
    with pytest.raises(NeedsApproval):
        draft.set_bill_vat(CASHIER, shop.vat["Nul"].id)
    assert (draft.bill_discount, draft.bill_vat, draft.lines[0].vat_override) == \
        (None, None, None)


def test_vat_overrides_are_free_when_the_switch_is_off(shop):
    BusinessConfig.update(vat_override_needs_manager=False).execute()
    draft = bill("MUG-01")
    draft.set_line_vat(CASHIER, 0, shop.vat["Nul"].id)
    assert draft.lines[0].vat_override.name == "Nul"
    complete_sale(CASHIER, draft)
    assert approvals() == []


def test_the_line_pop_up_applies_all_its_fields_or_none(shop):
    draft = bill("MUG-01")
    with pytest.raises(NeedsApproval):
        draft.edit_line(CASHIER, 0, "3", "30", None)
    assert (draft.lines[0].quantity, draft.lines[0].discount_override) == (D("1"), None)
    draft.edit_line(MANAGER, 0, "3", "30", None)
    assert (draft.lines[0].quantity, draft.lines[0].discount_override) == (D("3"), D("30"))


def test_one_pin_is_asked_for_everything_the_pop_up_needs_and_each_is_logged(shop):
    team = staff_team()
    draft = bill("MUG-01")
    with pytest.raises(NeedsApproval) as asked:
        draft.edit_line(team["Cas"], 0, "2", "30", shop.vat["Nul"].id)
    assert asked.value.action == ("30% discount on Stoneware mug (above 20%) and "
                                  "VAT Nul on Stoneware mug")
    assert (draft.lines[0].quantity, draft.lines[0].vat_override) == (D("1"), None)
    draft.edit_line(approved(team, "Cas", asked.value.action), 0, "2", "30",
                    shop.vat["Nul"].id)
    complete_sale(team["Cas"], draft)
    assert sorted(e.subject for e in approvals()) == [
        "Sale 1, line 1 MUG-01: VAT Nul", "Sale 1, line 1 MUG-01: discount 30%"]


def test_the_bill_pop_up_applies_both_or_neither(shop):
    draft = bill("MUG-01")
    with pytest.raises(NeedsApproval):
        draft.adjust_bill(CASHIER, "10", shop.vat["Nul"].id)
    assert (draft.bill_discount, draft.bill_vat) == (None, None)


# -- approved on the spot, logged with the sale ---------------------------------------

def test_an_approved_override_is_logged_with_the_sale_and_its_approver(shop):
    team = staff_team("till-1")
    draft = bill("MUG-01", "COF-250")
    with pytest.raises(NeedsApproval) as asked:
        draft.set_line_discount(team["Cas"], 1, "30")
    draft.set_line_discount(approved(team, "Cas", asked.value.action), 1, "30")
    # the same discount typed again (the pop-up applies every field) keeps its approval
    draft.edit_line(team["Cas"], 1, "1", "30", None)
    assert approvals() == []  # nothing before the sale is saved

    done = complete_sale(team["Cas"], draft)

    [entry] = approvals()
    assert (entry.actor, entry.approver, entry.terminal) == ("Cas", "Mona", "till-1")
    assert entry.subject == f"Sale {done.number}, line 2 COF-250: discount 30%"
    assert entry.changes == {"discount": [None, "30.00"]}
    stored = AuditEntry.get_by_id(entry.id)
    assert (stored.staff_id, stored.approver_id) == (team["Cas"].staff_id,
                                                     team["Mona"].staff_id)


def test_no_sale_no_approval_entry(shop):
    team = staff_team()
    draft = bill("MUG-01")
    draft.set_bill_discount(approved(team, "Cas"), "50")
    with pytest.raises(ValidationError):
        complete_sale(team["Cas"], draft, tendered="1")  # not enough cash: nothing saved
    assert approvals() == [] and Sale.select().count() == 0
    complete_sale(team["Cas"], draft, tendered="10")  # the approval still stands
    [entry] = approvals()
    assert entry.subject == "Sale 1, bill: discount 50%" and entry.approver == "Mona"


def test_an_override_taken_back_within_the_limit_logs_nothing(shop):
    team = staff_team()
    draft = bill("MUG-01")
    draft.set_line_discount(approved(team, "Chris"), 0, "40")
    draft.set_line_discount(team["Chris"], 0, "10")
    complete_sale(team["Chris"], draft)
    assert approvals() == []


def test_a_managers_override_completed_by_a_cashier_asks_again(shop):
    team = staff_team()
    draft = bill("MUG-01")
    draft.set_line_discount(team["Mona"], 0, "50")
    with pytest.raises(NeedsApproval):
        complete_sale(team["Cas"], draft)
    assert Sale.select().count() == 0 and approvals() == []
    complete_sale(approved(team, "Cas"), draft)
    [entry] = approvals()
    assert (entry.actor, entry.approver) == ("Cas", "Mona")


def test_an_approved_vat_override_names_the_classes(shop):
    team = staff_team()
    draft = bill("MUG-01")
    draft.set_line_vat(approved(team, "Cas"), 0, shop.vat["Nul"].id)
    complete_sale(team["Cas"], draft)
    [entry] = approvals()
    assert entry.subject == "Sale 1, line 1 MUG-01: VAT Nul"
    assert entry.changes == {"vat": ["Hoog", "Nul"]}


# -- who rang it up -------------------------------------------------------------------

def test_the_sale_records_its_cashier_staff_member_and_terminal(shop):
    team = staff_team("till-7")
    open_register("till-7")  # a sale needs an open register on its terminal
    done = complete_sale(team["Chris"], bill("MUG-01"))
    sale = get_sale(done.number)
    assert (sale.cashier, sale.staff_id, sale.terminal) == ("Chris", team["Chris"].staff_id,
                                                            "till-7")
    assert "Cashier: Chris" in done.receipt_text and "Till: till-7" in done.receipt_text


def test_the_command_line_is_recorded_as_itself(shop):
    cli = Actor(staff_id=None, name="cli:root", role="owner", terminal="backoffice")
    open_register("backoffice")
    sale = get_sale(complete_sale(cli, bill("MUG-01")).number)
    assert (sale.cashier, sale.staff_id, sale.terminal) == ("cli:root", None, "backoffice")


def test_nobody_signed_in_sells_nothing(shop):
    with pytest.raises(NotAllowed):
        complete_sale(None, bill("MUG-01"))
    assert Sale.select().count() == 0


def test_a_long_name_on_the_receipt_goes_on_two_lines(shop):
    who = Actor(staff_id=None, name="Maximiliaan van Oldenbarnevelt", role="cashier",
                terminal="kassa-achter-de-bar")
    open_register("kassa-achter-de-bar")
    text = complete_sale(who, bill("MUG-01")).receipt_text
    assert "Cashier: Maximiliaan van Oldenbarnevelt\n" in text
    assert "Till: kassa-achter-de-bar\n" in text
    assert max(len(line) for line in text.splitlines()) <= 42  # the default printer
