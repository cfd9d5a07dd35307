"""Business Configuration through the keyboard (TruePOS step 1)."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, TextArea

from tui_pos.services import config
from tui_pos.ui.screens.base import ConfirmScreen
from tui_pos.ui.screens.configuration import BusinessConfigScreen
from tui_pos.ui.screens.menu import MainMenuScreen

from tests.ui.keys import SIZE, open_from_menu, screen_text, tab_to


async def test_step_1_tick_show_customer_profile_and_press_f4(app):
    assert config.get_settings().show_customer_profile is False
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Business Configuration")
        screen = app.screen
        assert isinstance(screen, BusinessConfigScreen)
        await tab_to(pilot, "show_customer_profile")
        await pilot.press("space")
        assert screen.query_one("#show_customer_profile", Checkbox).value is True
        assert config.get_settings().show_customer_profile is False  # not saved yet
        assert screen.dirty
        await pilot.press("f4")
        await pilot.pause()
        assert config.get_settings().show_customer_profile is True
        assert "Saved ✓" in str(screen.query_one("#saved").render())
        assert "Saved ✓" in screen_text(app)
        assert not screen.dirty
        # saved, so Esc leaves without asking; the menu no longer says "off"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)
        assert "(off:" not in screen_text(app)


async def test_palette_opens_business_configuration_and_update_button_saves(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Business Configuration")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BusinessConfigScreen)
        assert app.focused.id == "store_name"
        await pilot.press("ctrl+u", *"De Hoek")
        await tab_to(pilot, "show_customer_type")
        await pilot.press("space")  # switch Show Customer Type off
        await tab_to(pilot, "update")
        await pilot.press("enter")
        await pilot.pause()
        settings = config.get_settings()
        assert settings.store_name == "De Hoek"
        assert settings.show_customer_type is False
        assert "Saved ✓" in screen_text(app)


async def test_leaving_with_an_unsaved_change_asks_and_n_stays(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Business Configuration")
        screen = app.screen
        await tab_to(pilot, "show_customer_profile")
        await pilot.press("space")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "unsaved changes" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#show_customer_profile", Checkbox).value is True
        assert config.get_settings().show_customer_profile is False
        # Esc again, and this time leave: nothing is written
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)
        assert config.get_settings().show_customer_profile is False


async def test_undoing_a_change_is_not_unsaved(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Business Configuration")
        await tab_to(pilot, "show_customer_profile")
        await pilot.press("space", "space")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)


async def test_bad_vat_number_is_shown_at_the_field_and_nothing_is_written(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Business Configuration")
        screen = app.screen
        await tab_to(pilot, "vat_number")
        await pilot.press(*"NL-12#")
        await tab_to(pilot, "show_customer_profile")
        await pilot.press("space", "f4")
        await pilot.pause()
        error = screen.query_one("#vat_number-error")
        assert error.display and "letters and digits" in str(error.render())
        assert app.focused is screen.query_one("#vat_number", Input)
        assert "letters and digits" in screen_text(app)
        settings = config.get_settings()
        assert settings.vat_number == "" and settings.show_customer_profile is False
        assert "Saved ✓" not in screen_text(app)


async def test_a_store_name_that_looks_like_markup_is_shown_as_typed(app):
    name = "[bold]Koffie[/bold] & [@click=app.quit]Co[/] 王"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Business Configuration")
        await pilot.press("ctrl+u", *name, "f4")
        await pilot.pause()
        assert config.get_settings().store_name == name
        assert name in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen)
        assert name in screen_text(app)  # the menu's store line, literally
        assert app.is_running


async def test_every_wrong_field_is_shown_at_once_and_the_first_has_the_focus(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Business Configuration")
        screen = app.screen
        await tab_to(pilot, "vat_number")
        await pilot.press(*"NL-12#")
        await tab_to(pilot, "receipt_footer")
        screen.query_one("#receipt_footer", TextArea).insert("x" * 501)  # a long paste
        await pilot.press("f4")
        await pilot.pause()
        vat_error = screen.query_one("#vat_number-error")
        footer_error = screen.query_one("#receipt_footer-error")
        assert vat_error.display and "letters and digits" in str(vat_error.render())
        assert footer_error.display and "500 characters" in str(footer_error.render())
        assert app.focused is screen.query_one("#vat_number", Input)
        assert config.get_settings().vat_number == ""


async def test_help_says_what_show_customer_type_off_means(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_from_menu(pilot, "Business Configuration")
        await pilot.press("f1")
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "Show Customer Type off means the shop does not use customer types" in text
        assert "no type discount" in text
