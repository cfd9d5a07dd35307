"""16 colours: what a 16-colour terminal (an old console, a thin SSH client)
receives — every colour brought down to the 16 ANSI ones, as Rich does for
such a terminal — is legible on every screen of a sale: no text drawn in the
colour of its own background, and the bill's highlighted row still differs
from the others.
"""

from __future__ import annotations

import io

from rich.color import ColorSystem
from rich.cells import cell_len
from rich.console import Console

from tests.actors import OWNER
from tests.ui.keys import SIZE, type_text
from tui_pos.ui.screens.bill_dialogs import LineEditScreen, PaymentScreen, ReceiptScreen
from tui_pos.ui.screens.sales_bill import SalesBillScreen

def on_16_colours(app) -> list[tuple[str, tuple, tuple]]:
    """The screen as a 16-colour terminal gets it: (text, fg, bg) per segment.

    Behind a pop-up the screen is dimmed on purpose: for a pop-up only what is
    inside its dialog counts.
    """
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), color_system="truecolor",
                      legacy_windows=False)
    update = app.screen._compositor.render_update(full=True,
                                                  screen_stack=app._background_screens)
    dialogs = app.screen.query(".dialog")
    area = dialogs.first().region if app.screen.is_modal and dialogs else None
    shown, x, y = [], 0, 0
    for segment in console.render(update):
        if segment.text == "\n":
            x, y = 0, y + 1
            continue
        at, x = x, x + cell_len(segment.text)
        style = segment.style
        if style is None or not segment.text.strip():
            continue
        if area is not None and not area.contains(at, y):
            continue
        fg, bg = (None if c is None else c.downgrade(ColorSystem.STANDARD).number
                  for c in (style.color, style.bgcolor))
        if style.reverse:
            fg, bg = bg, fg
        shown.append((segment.text, fg, bg))
    return shown


def text_of(app) -> str:
    return "".join(text for text, _, _ in on_16_colours(app))


def decoration(text: str) -> bool:
    """Lines and blocks (borders, scrollbars, separators): not text to read."""
    return all(0x2500 <= ord(ch) <= 0x259F or ch == " " for ch in text)


def invisible(app) -> list[str]:
    """Text whose colour is its background's on a 16-colour terminal."""
    return [text for text, fg, bg in on_16_colours(app)
            if fg is not None and fg == bg and not decoration(text)]


async def test_a_sale_draws_with_the_16_ansi_colours_only(store, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    from tui_pos.ui.app import PosApp

    app = PosApp(database=store["path"], actor=OWNER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = {"menu": invisible(app)}
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SalesBillScreen)
        await pilot.press("enter")
        await type_text(pilot, "MUG-01")
        await pilot.press("enter")
        await pilot.pause()
        seen["bill"] = invisible(app)
        await pilot.press("enter")
        await type_text(pilot, "COF-250")
        await pilot.press("enter", "shift+tab", "shift+tab")  # to the bill's lines
        await pilot.pause()
        rows = {text: (fg, bg) for text, fg, bg in on_16_colours(app)
                if "Stoneware mug" in text or "Coffee beans" in text}
        assert len(set(rows.values())) == 2, rows  # the cursor row stands out
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, LineEditScreen)
        seen["line pop-up"] = invisible(app)
        assert "Line 2: Coffee beans" in text_of(app)  # the dialog itself was checked
        await pilot.press("escape", "f4")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        seen["payment"] = invisible(app)
        assert "Total to pay" in text_of(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        seen["receipt"] = invisible(app)
        assert "Sale 1 completed" in text_of(app)
        await pilot.press("enter", "f1")
        await pilot.pause()
        seen["help"] = invisible(app)
    assert seen == {name: [] for name in seen}
