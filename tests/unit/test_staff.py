"""Staff, PINs, signing in, lock-out and a manager's approval (services/staff.py).

Every rule is checked without Textual, on a real database; the audit log is
read back to see that each sign-in, wrong PIN, lock-out and staff change is
recorded, and that a refused change records nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from tests.actors import CASHIER, MANAGER, OWNER, PINS, staff_team
from tui_pos.db.models import AuditEntry, Staff
from tui_pos.services import audit, staff
from tui_pos.services.actors import cli_actor
from tui_pos.services.errors import NeedsApproval, NotAllowed, NotFound, ValidationError

NOON = dt.datetime(2026, 11, 25, 12, 0, 0)


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch):
    """A cheaper scrypt cost for the many hashes here; the hash records its own cost,
    so checking still reads the parameters from the stored hash."""
    monkeypatch.setattr(staff, "SCRYPT_N", 2**10)


def kinds() -> list[tuple[str, str]]:
    """(kind, subject) of every audit entry, oldest first."""
    return [(e.kind, e.subject) for e in AuditEntry.select().order_by(AuditEntry.id)]


def staff_row(name: str) -> Staff:
    return Staff.get(Staff.name == name)


# -- PINs ---------------------------------------------------------------------------

@pytest.mark.parametrize("pin, message", [
    ("", "Type the PIN"), ("   ", "Type the PIN"), ("12a4", "digits only"),
    ("١٢٣٤", "digits only"), ("123", "4 to 12"), ("1234567890123", "4 to 12"),
    ("0000", "one digit repeated"), ("77777777", "one digit repeated"), (1234, "Type the PIN"),
])
def test_pin_rules_refuse_with_a_message_at_the_pin_field(pin, message):
    with pytest.raises(ValidationError) as refused:
        staff.check_pin_rules(pin)
    assert message in refused.value.message
    assert refused.value.field == "pin"


@given(st.text(alphabet="0123456789", min_size=4, max_size=12).filter(lambda p: len(set(p)) > 1))
@settings(max_examples=15)
def test_every_pin_of_4_to_12_mixed_digits_is_taken(pin):
    assert staff.check_pin_rules(pin) == pin


def test_the_hash_never_holds_the_pin_and_records_its_cost():
    stored = staff.hash_pin("2468")
    assert "2468" not in stored
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**10), "8", "1")
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert staff.pin_matches("2468", stored)
    assert not staff.pin_matches("2469", stored)
    assert not staff.pin_matches("2468", "scrypt$garbage")
    assert not staff.pin_matches("2468", "plain$1$2$3$00$00")


def test_the_default_cost_is_the_slow_one(monkeypatch):
    monkeypatch.undo()
    assert staff.hash_pin("1357").startswith("scrypt$16384$8$1$")


def test_same_pin_gives_each_staff_member_a_different_hash(db):
    system = cli_actor("test")
    staff.save_staff(system, "Ann", "cashier", "1357")
    staff.save_staff(system, "Ben", "cashier", "1357")
    ann, ben = staff_row("Ann"), staff_row("Ben")
    assert ann.pin_hash != ben.pin_hash
    assert "1357" not in ann.pin_hash + ben.pin_hash


def test_pins_are_compared_in_constant_time(db, monkeypatch):
    staff_team()
    calls = []
    real = staff.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(staff.hmac, "compare_digest", spy)
    staff.sign_in(staff_row("Cas").id, "9753", "till-1", now=NOON)
    with pytest.raises(ValidationError):
        staff.sign_in(staff_row("Cas").id, "9754", "till-1", now=NOON)
    assert len(calls) == 2


# -- signing in and the lock-out ------------------------------------------------------

def test_sign_in_gives_the_actor_and_is_logged(db):
    staff_team()
    cas = staff_row("Cas")
    actor = staff.sign_in(cas.id, " 9753 ", "till-2", now=NOON)
    assert (actor.staff_id, actor.name, actor.role, actor.terminal) == (
        cas.id, "Cas", "cashier", "till-2")
    entry = audit.entries(audit.AuditFilter(kind="sign-in"))[0]
    assert (entry.actor, entry.terminal, entry.subject) == ("Cas", "till-2", "Cas")


def test_sign_out_is_logged_and_the_command_line_is_not(db):
    team = staff_team()
    staff.sign_out(team["Cas"], "idle")
    staff.sign_out(cli_actor("x"))
    assert kinds()[-1] == ("sign-out", "Cas idle")
    assert sum(1 for kind, _ in kinds() if kind == "sign-out") == 1


def test_a_wrong_pin_says_how_many_tries_are_left_and_is_logged(db):
    staff_team()
    cas = staff_row("Cas")
    with pytest.raises(ValidationError) as wrong:
        staff.sign_in(cas.id, "1111", "till-1", now=NOON)
    assert wrong.value.field == "pin"
    assert "4 more tries before a lock-out" in wrong.value.message
    assert staff_row("Cas").failed_pins == 1
    assert kinds()[-1] == ("sign-in-failed", "Cas")


def test_five_wrong_pins_lock_for_five_minutes_then_the_lock_expires(db):
    staff_team()
    cas_id = staff_row("Cas").id
    messages = []
    for _ in range(5):
        with pytest.raises(ValidationError) as wrong:
            staff.sign_in(cas_id, "1212", "till-1", now=NOON)
        messages.append(wrong.value.message)
    assert "1 more try before" in messages[3]
    assert "locked for 5 minutes" in messages[4]
    locked = staff_row("Cas")
    assert locked.locked_until == NOON + dt.timedelta(minutes=5)
    assert kinds()[-1] == ("lock-out", "Cas until 12:05")
    assert sum(1 for kind, _ in kinds() if kind == "sign-in-failed") == 5

    # locked: even the right PIN is refused, and that is logged too
    with pytest.raises(ValidationError) as still:
        staff.sign_in(cas_id, PINS["Cas"], "till-1", now=NOON + dt.timedelta(minutes=4))
    assert "locked" in still.value.message and "12:05" in still.value.message
    assert kinds()[-1] == ("sign-in-failed", "Cas (locked)")

    # the lock is per staff member: Chris signs in meanwhile
    staff.sign_in(staff_row("Chris").id, PINS["Chris"], "till-1", now=NOON)

    # after five minutes the right PIN works and the count starts again
    actor = staff.sign_in(cas_id, PINS["Cas"], "till-1", now=NOON + dt.timedelta(minutes=5))
    assert actor.name == "Cas"
    after = staff_row("Cas")
    assert (after.failed_pins, after.locked_until) == (0, None)


def test_a_right_pin_resets_the_count_of_wrong_ones(db):
    staff_team()
    cas_id = staff_row("Cas").id
    for _ in range(4):
        with pytest.raises(ValidationError):
            staff.sign_in(cas_id, "1212", "till-1", now=NOON)
    staff.sign_in(cas_id, PINS["Cas"], "till-1", now=NOON)
    with pytest.raises(ValidationError) as wrong:
        staff.sign_in(cas_id, "1212", "till-1", now=NOON)
    assert "4 more tries" in wrong.value.message


def test_a_deactivated_member_is_refused_even_with_the_right_pin(db):
    team = staff_team()
    cas = staff_row("Cas")
    staff.set_staff_active(team["Mona"], cas.id, False)
    with pytest.raises(ValidationError) as refused:
        staff.sign_in(cas.id, PINS["Cas"], "till-1", now=NOON)
    assert "deactivated" in refused.value.message
    assert refused.value.field == "staff"
    assert kinds()[-1] == ("sign-in-failed", "Cas (deactivated)")


def test_signing_in_as_nobody_is_refused(db):
    with pytest.raises(NotFound):
        staff.sign_in(999, "1357", "till-1")
    with pytest.raises(NotFound):
        staff.sign_in("1; drop", "1357", "till-1")
    assert kinds() == []


def test_the_idle_time_comes_from_business_configuration(db):
    from tui_pos.db.models import BusinessConfig

    assert staff.idle_minutes() == 10
    BusinessConfig.insert(id=1, idle_minutes=0).on_conflict(  # SQLite and PostgreSQL
        conflict_target=[BusinessConfig.id], update={BusinessConfig.idle_minutes: 0}).execute()
    assert staff.idle_minutes() == 0


# -- keeping staff ----------------------------------------------------------------------

def test_a_cashier_cannot_change_staff_and_nothing_is_written(db):
    staff_team()
    before = kinds()
    with pytest.raises(NeedsApproval) as needs:
        staff.save_staff(CASHIER, "Nina", "cashier", "4826")
    assert needs.value.role == "manager"
    assert not Staff.select().where(Staff.name == "Nina").exists()
    assert kinds() == before


def test_a_manager_adds_a_cashier_with_an_audit_entry_without_the_pin(db):
    team = staff_team()
    row = staff.save_staff(team["Mona"], "Nina", "cashier", "4826")
    assert (row.name, row.role, row.active) == ("Nina", "cashier", True)
    entry = audit.entries(audit.AuditFilter(kind="staff"))[0]
    assert (entry.actor, entry.subject) == ("Mona", "new staff Nina")
    assert entry.changes == {"name": [None, "Nina"], "role": [None, "cashier"],
                             "active": [None, True]}
    assert "4826" not in str(entry.changes)


def test_changing_a_pin_is_logged_without_it_and_clears_a_lock(db):
    team = staff_team()
    cas = staff_row("Cas")
    for _ in range(5):
        with pytest.raises(ValidationError):
            staff.sign_in(cas.id, "1212", "till-1")
    staff.save_staff(team["Mona"], "Cas", "cashier", "3579", staff_id=cas.id)
    entry = audit.entries(audit.AuditFilter(kind="staff"))[0]
    assert entry.changes == {"pin": ["…", "changed"]}
    assert staff_row("Cas").locked_until is None
    assert staff.sign_in(cas.id, "3579", "till-1").name == "Cas"


def test_an_empty_pin_on_a_change_keeps_the_old_one(db):
    team = staff_team()
    cas = staff_row("Cas")
    staff.save_staff(team["Mona"], "Cassie", "cashier", "", staff_id=cas.id)
    assert staff.sign_in(cas.id, PINS["Cas"], "till-1").name == "Cassie"
    assert audit.entries(audit.AuditFilter(kind="staff"))[0].changes == {
        "name": ["Cas", "Cassie"]}


def test_a_new_member_needs_a_pin_and_a_unique_name(db):
    team = staff_team()
    with pytest.raises(ValidationError) as no_pin:
        staff.save_staff(team["Mona"], "Nina", "cashier", None)
    assert no_pin.value.field == "pin"
    before = kinds()
    with pytest.raises(ValidationError) as clash:
        staff.save_staff(team["Mona"], "  cas ", "cashier", "4826")
    assert clash.value.field == "name"
    with pytest.raises(ValidationError) as role:
        staff.save_staff(team["Mona"], "Nina", "boss", "4826")
    assert role.value.field == "role"
    with pytest.raises(ValidationError) as name:
        staff.save_staff(team["Mona"], "Ni\x1b[31mna", "cashier", "4826")
    assert name.value.field == "name"
    assert kinds() == before


def test_a_manager_cannot_make_or_change_an_owner(db):
    team = staff_team()
    before = kinds()
    with pytest.raises(NeedsApproval) as needs:
        staff.save_staff(team["Mona"], "Nina", "owner", "4826")
    assert needs.value.role == "owner"
    with pytest.raises(NeedsApproval):
        staff.save_staff(team["Mona"], "Olga", "manager", staff_id=staff_row("Olga").id)
    with pytest.raises(NeedsApproval):
        staff.save_staff(team["Mona"], "Mona", "owner", staff_id=staff_row("Mona").id)
    assert staff_row("Olga").role == "owner" and staff_row("Mona").role == "manager"
    assert kinds() == before


def test_the_last_owner_is_neither_demoted_nor_deactivated(db):
    team = staff_team()
    olga = staff_row("Olga")
    before = kinds()
    with pytest.raises(NotAllowed) as demoted:
        staff.save_staff(team["Olga"], "Olga", "manager", staff_id=olga.id)
    assert "last owner" in demoted.value.message
    with pytest.raises(NotAllowed):
        staff.set_staff_active(OWNER, olga.id, False)
    assert staff_row("Olga").role == "owner" and staff_row("Olga").active
    assert kinds() == before
    # with a second owner, the first may step down
    staff.save_staff(team["Olga"], "Mona", "owner", staff_id=staff_row("Mona").id)
    staff.save_staff(team["Olga"], "Olga", "manager", staff_id=olga.id)
    assert staff_row("Olga").role == "manager"


def test_the_first_owner_only_while_there_is_no_staff(db):
    system = cli_actor("init")
    row = staff.create_first_owner(system, "Olga", "2468")
    assert row.role == "owner"
    assert audit.entries()[0].actor.startswith("cli:")
    with pytest.raises(NotAllowed):
        staff.create_first_owner(system, "Eve", "1357")
    assert [s.name for s in staff.list_staff()] == ["Olga"]


def test_listing_and_finding_staff(db):
    team = staff_team()
    staff.set_staff_active(team["Olga"], staff_row("Chris").id, False)
    assert [s.name for s in staff.list_staff()] == ["Cas", "Chris", "Mona", "Olga"]
    assert [s.name for s in staff.list_staff(include_inactive=False)] == ["Cas", "Mona", "Olga"]
    assert staff.find_staff(" MONA ").role == "manager"
    assert staff.find_staff("nobody") is None
    assert staff.find_staff("") is None
    with pytest.raises(NotFound):
        staff.get_staff(12345)


# -- a manager's approval ------------------------------------------------------------------

def test_a_manager_approves_and_the_actor_carries_the_approver(db):
    team = staff_team()
    approved = staff.approve(team["Cas"], staff_row("Mona").id, "1357", "Discount 30 %")
    assert approved.approver.name == "Mona"
    assert approved.may("manager") and not team["Cas"].may("manager")


def test_approving_ones_own_request_is_refused_and_logged(db):
    team = staff_team()
    with pytest.raises(NotAllowed) as refused:
        staff.approve(team["Mona"], staff_row("Mona").id, "1357", "Discount 30 %")
    assert "another manager" in refused.value.message
    entry = audit.entries()[0]
    assert (entry.kind, entry.actor, entry.approver) == ("approval-failed", "Mona", "Mona")


def test_a_cashier_cannot_approve(db):
    team = staff_team()
    with pytest.raises(NotAllowed) as refused:
        staff.approve(team["Cas"], staff_row("Chris").id, "8642", "Discount 30 %")
    assert "Chris is a cashier" in refused.value.message
    assert audit.entries()[0].kind == "approval-failed"


def test_a_manager_cannot_approve_what_needs_an_owner(db):
    team = staff_team()
    with pytest.raises(NotAllowed):
        staff.approve(team["Cas"], staff_row("Mona").id, "1357", "Changing an owner", "owner")
    assert staff.approve(team["Cas"], staff_row("Olga").id, "2468", "Changing an owner",
                         "owner").approver.name == "Olga"


def test_a_wrong_approval_pin_counts_towards_the_approvers_lock_out(db):
    team = staff_team()
    mona = staff_row("Mona")
    for _ in range(5):
        with pytest.raises(ValidationError):
            staff.approve(team["Cas"], mona.id, "0101", "Discount 30 %", now=NOON)
    assert staff_row("Mona").locked_until == NOON + dt.timedelta(minutes=5)
    failed = [s for k, s in kinds() if k == "approval-failed"]
    assert failed == ["Mona: Discount 30 %"] * 5
    assert kinds()[-1][0] == "lock-out"
    with pytest.raises(ValidationError) as locked:
        staff.sign_in(mona.id, "1357", "till-1", now=NOON + dt.timedelta(minutes=1))
    assert "locked" in locked.value.message


def test_an_approved_staff_change_records_the_approver(db):
    team = staff_team()
    approved = staff.approve(team["Cas"], staff_row("Mona").id, "1357", "Changing staff")
    staff.save_staff(approved, "Nina", "cashier", "4826")
    entry = audit.entries(audit.AuditFilter(kind="staff"))[0]
    assert (entry.actor, entry.approver) == ("Cas", "Mona")


def test_manager_and_owner_actors_without_rows_may_keep_staff(db):
    staff.save_staff(OWNER, "Olga", "owner", "2468")
    staff.save_staff(MANAGER, "Nina", "cashier", "4826")
    assert {s.name for s in staff.list_staff()} == {"Olga", "Nina"}
