"""Any keyboard: a terminal's keymap file (``--keymap`` / $TUI_POS_KEYMAP),
the Footer showing each F-key's alias, and the bill worked without F-keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import Footer

from tests.ui.keys import SIZE, type_text
from tui_pos.ui.keymap import FORBIDDEN, KeymapError, binding_ids, load_keymap, parse_keymap
from tui_pos.ui.screens.bill_dialogs import PaymentScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen

PAY_ON_F11 = '# lane 2: Pay on F11 and Ctrl+Y\n[keys]\n"bill.pay" = "f11,ctrl+y"\n'


# -- the file, without the app ----------------------------------------------------------------
def test_a_keymap_maps_binding_ids_to_keys():
    known = binding_ids()
    assert {"bill.pay", "quit", "save", "help"} <= known
    text = PAY_ON_F11 + 'quit = ["ctrl+x", "ctrl+backslash"]\n'
    assert parse_keymap(text) == {"bill.pay": "f11,ctrl+y", "quit": "ctrl+x,ctrl+backslash"}
    assert parse_keymap("") == {}


@pytest.mark.parametrize("text, reason", [
    ('[keys]\n"bill.pay" = "f11', "not valid TOML"),
    ('[keys]\n"bill.pai" = "f11"\n', 'no binding has the id "bill.pai"'),
    ('[keys]\n"bill.pay" = "ctrl+s"\n', "ctrl+s is taken by terminals"),
    ('[keys]\n"bill.pay" = "F 11"\n', '"f 11" is not a key name'),
    ('[keys]\n"bill.pay" = 11\n', "needs a key such as"),
    ('[keys]\n"bill.pay" = "f11,"\n', "has an empty key"),
    ('[colours]\nred = 1\n', "unknown section or key 'colours'"),
])
def test_a_bad_keymap_says_why_in_one_line(text, reason):
    with pytest.raises(KeymapError) as error:
        parse_keymap(text)
    assert reason in str(error.value)
    assert "\n" not in str(error.value)


@settings(max_examples=40)
@given(st.sampled_from(sorted(FORBIDDEN)), st.sampled_from(["f11", "alt+p", "ctrl+y"]))
def test_a_forbidden_key_is_refused_wherever_it_stands(forbidden, good):
    with pytest.raises(KeymapError):
        parse_keymap(f'[keys]\nquit = ["{good}", "{forbidden}"]\n', known={"quit"})


def test_a_missing_or_binary_file_is_named_and_the_standard_keys_stay(tmp_path):
    with pytest.raises(KeymapError, match=r"Keymap lane2\.toml: .*standard keys are used"):
        load_keymap(tmp_path / "lane2.toml")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(KeymapError, match="not UTF-8 text"):
        load_keymap(tmp_path / "bin.toml")
    (tmp_path / "ok.toml").write_text(PAY_ON_F11)
    assert load_keymap(tmp_path / "ok.toml") == {"bill.pay": "f11,ctrl+y"}


# -- the app ----------------------------------------------------------------------------------------
def footer_text(screen) -> str:
    footer = screen.query_one(Footer)
    return " ".join(str(key.render()) for key in footer.children)


async def ring_up_a_mug(app, pilot) -> SalesBillScreen:
    await pilot.press("ctrl+g")  # the Sales Bill from the menu, without F2
    await pilot.pause()
    assert isinstance(app.screen, SalesBillScreen)
    await pilot.press("enter")  # walk-in: on to the item field
    await type_text(pilot, "MUG-01")
    await pilot.press("enter")
    await pilot.pause()
    return app.screen


async def test_a_keymap_file_remaps_pay_for_this_terminal(app, tmp_path, monkeypatch):
    keymap = tmp_path / "lane2.toml"
    keymap.write_text(PAY_ON_F11)
    monkeypatch.setenv("TUI_POS_KEYMAP", str(keymap))
    async with app.run_test(size=SIZE) as pilot:
        screen = await ring_up_a_mug(app, pilot)
        assert "F11/^Y Pay" in footer_text(screen)
        await pilot.press("f4")  # no longer Pay on this terminal
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)


async def test_a_bad_keymap_file_is_said_and_the_standard_keys_work(app, tmp_path, monkeypatch):
    keymap = tmp_path / "lane2.toml"
    keymap.write_text('[keys]\n"bill.pay" = "ctrl+s"\n')
    monkeypatch.setenv("TUI_POS_KEYMAP", str(keymap))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("Keymap lane2.toml" in m and "ctrl+s is taken" in m for m in said), said
        screen = await ring_up_a_mug(app, pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        assert app.screen is not screen


async def test_without_f_keys_the_footer_shows_the_ctrl_keys_and_they_work(app, monkeypatch):
    monkeypatch.delenv("TUI_POS_KEYMAP", raising=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ring_up_a_mug(app, pilot)
        shown = footer_text(screen)
        for key in ("F4/^Y Pay", "F2/^F Cust.", "F6/^O Items", "F7/^L Line", "F9/^T Bill"):
            assert key in shown
        footer = screen.query_one(Footer)
        assert footer.virtual_size.width <= footer.size.width  # nothing pushed off 80 columns
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)


def test_the_readme_example_is_a_keymap_that_works():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    example = re.search(r"```toml\n(\[keys\].*?)```", readme, re.S)
    assert example, "README has a [keys] example"
    assert parse_keymap(example.group(1))["bill.pay"] == "f10,ctrl+y"


def test_every_f_key_action_has_a_route_without_f_keys():
    """A Ctrl/Alt (or letter) key for the same action in the same class; F1 help
    is "Help" in the palette; a form that Enter submits needs no alias for F4."""
    import importlib
    import inspect
    import pkgutil
    import re

    import tui_pos.ui.screens
    import tui_pos.ui.widgets
    from textual.binding import Binding

    fkey = re.compile(r"f\d{1,2}")
    names = ["tui_pos.ui.app"]
    for package in (tui_pos.ui.screens, tui_pos.ui.widgets):
        names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    without, checked = [], 0
    for name in names:
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if cls.__module__ != name:
                continue
            keys_by_action: dict[str, set[str]] = {}
            for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
                keys_by_action.setdefault(binding.action, set()).add(binding.key)
            enter_submits = (getattr(cls, "APPLY_ON_ENTER", False)
                             or "on_input_submitted" in cls.__dict__)
            for action, keys in keys_by_action.items():
                if not any(fkey.fullmatch(k) for k in keys):
                    continue
                checked += 1
                if all(fkey.fullmatch(k) for k in keys) and not (
                        action.endswith("help") or enter_submits):
                    without.append(f"{cls.__name__}: {sorted(keys)} {action}")
    assert checked > 25
    assert without == []


async def test_the_footer_shows_f8_with_its_ctrl_d_and_a_bill_under_a_pop_up_keeps_its_aliases(
        app, monkeypatch):
    from tests.ui.keys import open_from_menu, screen_text

    monkeypatch.delenv("TUI_POS_KEYMAP", raising=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_from_menu(pilot, "Customers")
        assert "F8/^D Show deactivated" in footer_text(app.screen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("ctrl+f")  # the customer pop-up over the bill
        await pilot.pause()
        assert "F4/^Y Pay" in screen_text(app).splitlines()[-1]


async def test_every_screen_s_footer_fits_80_columns_with_its_aliases(app, monkeypatch):
    from tui_pos.ui.app import SCREENS

    monkeypatch.delenv("TUI_POS_KEYMAP", raising=False)
    too_wide = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for name in SCREENS:
            app.open_screen(name)
            await pilot.pause()
            await pilot.pause()
            for footer in app.screen.query(Footer):
                if footer.virtual_size.width > footer.size.width:
                    too_wide[name] = footer_text(app.screen)
            app.action_main_menu()
            await pilot.pause()
    assert too_wide == {}
