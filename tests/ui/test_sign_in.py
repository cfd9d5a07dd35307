"""Signing in at 80×24: who you are, the PIN, wrong PINs, the lock-out, idle sign-out,
switching user with a bill left open, and a store that has no owner yet."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from tests.actors import PINS, staff_team
from tests.ui.keys import SIZE, screen_text, type_text
from tui_pos.db.models import BusinessConfig, Staff
from tui_pos.services import audit
from tui_pos.ui.screens.base import FieldError
from tui_pos.ui.screens.menu import MainMenuScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen
from tui_pos.ui.screens.sign_in import CreateOwnerScreen, SignInScreen


@pytest.fixture
def team(store):
    return staff_team()


@pytest.fixture
def till(team, store):
    from tui_pos.ui.app import PosApp

    return PosApp(database=store["path"], terminal="till-1")


class Clock:
    """A clock the test moves on: the idle sign-out without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def error_at(screen, field: str) -> str:
    label = screen.query_one(f"#{field}-error", FieldError)
    return str(label.render()) if label.has_class("-shown") else ""


async def sign_in(pilot, letters: str, pin: str) -> None:
    """Type the first letters of the name in the list, Enter, the PIN, Enter."""
    await type_text(pilot, letters)
    await pilot.press("enter")
    await type_text(pilot, pin)
    await pilot.press("enter")
    await pilot.pause()


def audit_kinds() -> list[tuple[str, str]]:
    return [(e.kind, e.subject) for e in reversed(audit.entries())]


async def test_the_app_starts_at_sign_in_and_the_header_shows_who_and_where(till):
    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(till.screen, SignInScreen)
        assert till.actor is None
        text = screen_text(till)
        for name in ("Olga  (owner)", "Mona  (manager)", "Cas  (cashier)", "Chris  (cashier)"):
            assert name in text
        await type_text(pilot, "ch")  # type-to-find: Cas, then Chris
        names = till.screen.query_one("#staff", OptionList)
        assert names.get_option_at_index(names.highlighted).id == str(
            Staff.get(Staff.name == "Chris").id)
        await pilot.press("enter")
        assert till.focused.id == "pin" and till.focused.password
        await type_text(pilot, PINS["Chris"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(till.screen, MainMenuScreen)
        assert (till.actor.name, till.actor.terminal) == ("Chris", "till-1")
        assert "Chris · till-1" in screen_text(till)
    assert audit_kinds()[-1] == ("sign-in", "Chris")


async def test_nothing_but_sign_in_works_before_signing_in(till):
    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ("escape", "ctrl+p", "f10", "alt+u"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(till.screen, SignInScreen), key
        till.open_screen("Business Configuration")
        till.action_main_menu()
        await pilot.pause()
        assert isinstance(till.screen, SignInScreen)


async def test_a_wrong_pin_is_said_at_the_field_and_the_pin_is_cleared(till):
    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, "cas", "1111")
        screen = till.screen
        assert isinstance(screen, SignInScreen) and till.actor is None
        assert error_at(screen, "pin") == "Wrong PIN (4 more tries before a lock-out)"
        assert screen.query_one("#pin", Input).value == ""
        assert till.focused.id == "pin"
        await type_text(pilot, PINS["Cas"])  # Cas is still chosen
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(till.screen, MainMenuScreen) and till.actor.name == "Cas"
    assert audit_kinds()[-2:] == [("sign-in-failed", "Cas"), ("sign-in", "Cas")]


async def test_five_wrong_pins_lock_the_member_out(till):
    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "cas")
        await pilot.press("enter")
        for _ in range(5):
            await type_text(pilot, "1212")
            await pilot.press("enter")
            await pilot.pause()
        screen = till.screen
        assert "Cas is locked for 5 minutes" in error_at(screen, "pin")
        await type_text(pilot, PINS["Cas"])  # the right PIN does not open a lock
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(till.screen, SignInScreen) and till.actor is None
        assert "locked after 5 wrong PINs until" in error_at(screen, "pin")
    assert Staff.get(Staff.name == "Cas").locked_until is not None
    assert ("lock-out", ) == tuple(k for k, _ in audit_kinds() if k == "lock-out")


async def test_idle_minutes_without_a_key_sign_out_back_to_sign_in(till):
    clock = Clock()
    till.clock = clock
    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, "cas", PINS["Cas"])
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(till.screen, SalesBillScreen)

        clock.now += 9 * 60
        await pilot.press("enter")  # a key: the idle time starts again
        clock.now += 9 * 60
        till.sign_out_if_idle()
        await pilot.pause()
        assert isinstance(till.screen, SalesBillScreen) and till.actor.name == "Cas"

        clock.now += 60  # ten minutes (the default) since the last key
        till.sign_out_if_idle()
        await pilot.pause()
        assert isinstance(till.screen, SignInScreen) and till.actor is None
        assert "Signed out after 10 minutes without a key." in screen_text(till)
        assert [type(s).__name__ for s in till.screen_stack[1:]] == [
            "MainMenuScreen", "SignInScreen"]
    assert audit_kinds()[-1] == ("sign-out", "Cas idle")


async def test_zero_idle_minutes_never_sign_out(till):
    if not BusinessConfig.update(idle_minutes=0).where(BusinessConfig.id == 1).execute():
        BusinessConfig.create(id=1, idle_minutes=0)
    clock = Clock()
    till.clock = clock
    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, "mona", PINS["Mona"])
        clock.now += 24 * 3600
        till.sign_out_if_idle()
        await pilot.pause()
        assert isinstance(till.screen, MainMenuScreen) and till.actor.name == "Mona"


async def test_switch_user_keeps_an_open_bill_for_its_cashier(till):
    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, "cas", PINS["Cas"])
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")  # no customer: on to the item field
        await type_text(pilot, "MUG-01")
        await pilot.press("enter")
        await pilot.pause()
        assert len(till.screen.draft.lines) == 1

        await pilot.press("f10")  # switch user
        await pilot.pause()
        assert isinstance(till.screen, SignInScreen) and till.actor is None
        await sign_in(pilot, "chr", PINS["Chris"])
        await pilot.press("f2")
        await pilot.pause()
        assert till.screen.draft.is_empty  # Chris gets a bill of his own

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("alt+u")  # the alias of F10
        await pilot.pause()
        await sign_in(pilot, "cas", PINS["Cas"])
        await pilot.press("f2")
        await pilot.pause()
        bill = till.screen
        assert isinstance(bill, SalesBillScreen)
        assert [line.sku for line in bill.draft.lines] == ["MUG-01"]
        assert "Stoneware mug" in screen_text(till)
        assert till.held_bills == {}
    kinds = audit_kinds()
    assert ("sign-out", "Cas switch user") in kinds and ("sign-out", "Chris switch user") in kinds


async def test_switch_user_is_in_the_palette(till):
    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, "mona", PINS["Mona"])
        commands = [c.title for c in till.get_system_commands(till.screen)]
        assert "Switch User" in commands


async def test_a_store_without_staff_creates_its_owner_first(store):
    from tui_pos.ui.app import PosApp

    app = PosApp(database=store["path"], terminal="till-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CreateOwnerScreen)
        assert "Create the owner" in screen_text(app)
        await type_text(pilot, "Olga")
        await pilot.press("enter")
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await type_text(pilot, "2469")
        await pilot.press("enter")
        await pilot.pause()
        assert error_at(screen, "pin2") == "The two PINs differ: type it again"
        assert not Staff.select().exists()
        await pilot.press("shift+tab")
        await pilot.press("ctrl+u")  # clear the first PIN, type a poor one twice
        await type_text(pilot, "1111")
        await pilot.press("enter")
        await type_text(pilot, "1111")
        await pilot.press("enter")
        await pilot.pause()
        assert "one digit repeated" in error_at(screen, "pin")
        assert not Staff.select().exists()
        await pilot.press("ctrl+u")
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)
        assert (app.actor.name, app.actor.role) == ("Olga", "owner")
        assert "Olga · till-1" in screen_text(app)
    owner = Staff.get()
    assert (owner.name, owner.role) == ("Olga", "owner") and "2468" not in owner.pin_hash


async def test_name_and_pin_typed_ahead_in_the_list_sign_in(till):
    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert till.focused.id == "staff"
        await pilot.press("m", "o", "1", "3", "5", "7", "enter")  # no pause between keys
        await pilot.pause()
        assert isinstance(till.screen, MainMenuScreen) and till.actor.name == "Mona"


async def test_quitting_with_a_bill_held_for_a_cashier_asks_first(till):
    from tui_pos.ui.screens.base import ConfirmScreen

    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, "cas", PINS["Cas"])
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter")
        await type_text(pilot, "MUG-01")
        await pilot.press("enter")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(till.screen, SignInScreen)
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert isinstance(till.screen, ConfirmScreen)
        assert "A sale is open" in screen_text(till)


async def test_a_member_deactivated_meanwhile_is_refused_at_the_name(till, team):
    from tui_pos.services import staff

    async with till.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # another till's manager deactivates Cas while this sign-in screen is open
        staff.set_staff_active(team["Mona"], Staff.get(Staff.name == "Cas").id, False)
        await sign_in(pilot, "cas", PINS["Cas"])
        screen = till.screen
        assert isinstance(screen, SignInScreen) and till.actor is None
        assert error_at(screen, "staff") == "Cas is deactivated: ask a manager"
        assert till.focused.id == "staff"
    assert audit_kinds()[-1] == ("sign-in-failed", "Cas (deactivated)")
