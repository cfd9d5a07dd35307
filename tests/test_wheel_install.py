"""Build the wheel, install it in a clean virtual environment, start the app headless.

This is what a shop owner's machine does with the README's first command:
the styles must come from inside the wheel, not from this checkout.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

HEADLESS = r"""
import asyncio, sys, tempfile, os
from pathlib import Path
import tui_pos, tui_pos.paths
from tui_pos.db.connection import close_database, open_database
from tui_pos.services.actors import cli_actor
from tui_pos.ui.app import PosApp
from tui_pos.ui.screens.menu import MainMenuScreen

styles = tui_pos.paths.styles_dir()
assert "site-packages" in str(styles), styles
assert (styles / "app.tcss").is_file() and (styles / "sales_bill.tcss").is_file()

async def main():
    db = os.path.join(tempfile.mkdtemp(), "shop.db")
    open_database(db)  # the app opens a store, it never creates one (tui-pos init does)
    close_database()
    app = PosApp(database=db, actor=cli_actor())  # signed in: no sign-in screen
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainMenuScreen), app.screen
        await pilot.press("f2")
        await pilot.pause()
        # a new store's till is closed: the bill asks for the counted float first
        assert type(app.screen).__name__ == "OpenRegisterPopup", app.screen
        await pilot.press("1", "0", "0", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "SalesBillScreen", app.screen
        # a rule from sales_bill.tcss is applied: the totals line is one row high
        assert app.screen.query_one("#totals").styles.height.value == 1
    print("headless-ok")

asyncio.run(main())
"""


@pytest.mark.slow
def test_wheel_installs_and_starts_headless(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                    str(ROOT)], check=True, cwd=tmp_path)
    wheel = next(dist.glob("tui_pos-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   cwd=tmp_path)
    result = subprocess.run([str(python), "-c", HEADLESS], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "headless-ok" in result.stdout
    cli = subprocess.run([str(env_dir / "bin" / "tui-pos"), "init", "--demo", "--db",
                          str(tmp_path / "demo.db")], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert "demo store" in cli.stdout
