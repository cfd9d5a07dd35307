"""Any screen: under TERM=linux every glyph the console font lacks is drawn
in ASCII of the same width (tui_pos/ui/glyphs.py), Textual's own included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tests.ui.keys import SIZE, open_from_menu, screen_text
from tui_pos.ui.glyphs import KEPT, ascii_text, plain_terminal


def console_can_show(text: str) -> bool:
    return all(ord(c) < 0x100 or c in KEPT for c in text)


def test_the_terminal_decides_and_the_setting_overrides():
    assert plain_terminal({"TERM": "linux"})
    assert plain_terminal({"TERM": "vt220"})
    assert plain_terminal({"TERM": "linux-16color"})
    assert not plain_terminal({"TERM": "xterm-256color"})
    assert not plain_terminal({"TERM": "tmux-256color"})
    assert not plain_terminal({"TERM": "linuxish"})
    assert not plain_terminal({})
    assert plain_terminal({"TERM": "xterm", "TUI_POS_GLYPHS": "ascii"})
    assert not plain_terminal({"TERM": "linux", "TUI_POS_GLYPHS": "unicode"})


def test_the_glyphs_named_in_the_issue_become_ascii():
    assert ascii_text("Tools › Configuration") == "Tools > Configuration"
    assert ascii_text("▐X▌ Newsletter") == "[X] Newsletter"
    assert ascii_text("▏^P palette") == "|^P palette"
    assert ascii_text("🔎 Search") == ">  Search"  # two cells stay two cells
    assert ascii_text("phone…") == "phone."
    assert ascii_text("Zoë Müller ─│┌ █") == "Zoë Müller ─│┌ █"  # Latin-1 and box lines kept


@settings(max_examples=60)
@given(st.text(max_size=30))
def test_ascii_text_keeps_every_width_and_leaves_only_what_the_console_shows(text):
    out = ascii_text(text)
    assert console_can_show(out)
    assert cell_len(out) == cell_len(text)


async def test_under_term_linux_the_screens_show_only_console_glyphs(app, monkeypatch):
    monkeypatch.setenv("TERM", "linux")  # read when the app first draws
    monkeypatch.delenv("TUI_POS_GLYPHS", raising=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = [screen_text(app)]
        assert "Tools > Configuration" in shown[0]
        await open_from_menu(pilot, "Customers")
        await pilot.press("f2")  # the new-customer form: ticks, selects
        await pilot.pause()
        shown.append(screen_text(app))
        await pilot.press("ctrl+p")  # the palette's 🔎
        await pilot.pause()
        shown.append(screen_text(app))
    for text in shown:
        assert console_can_show(text), sorted({c for c in text if not console_can_show(c)})


async def test_in_an_xterm_the_unicode_glyphs_stay(app, monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("TUI_POS_GLYPHS", raising=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Tools › Configuration" in screen_text(app)
