"""A till on SQLite starts without the heavy modules it does not need yet.

Each check runs in a new interpreter (this one has imported everything): the
app is started headless up to its sign-in screen, then ``sys.modules`` is read.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# what the sign-in screen does not need: the PostgreSQL drivers, the .xlsx
# reader, the chart library
NOT_AT_SIGN_IN = ("psycopg", "psycopg2", "openpyxl", "plotext")

TO_SIGN_IN = r"""
import asyncio, json, sys

from tui_pos.db.connection import close_database, open_database
from tui_pos.services import staff
from tui_pos.services.actors import cli_actor

path, wanted = sys.argv[1], sys.argv[2].split(",")
open_database(path)
staff.save_staff(cli_actor("test"), "Ann", "cashier", "2468")
close_database()

from tui_pos.ui.app import PosApp


async def main():
    app = PosApp(database=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = type(app.screen).__name__
        loaded = [name for name in wanted if name in sys.modules]
    print(json.dumps({"screen": screen, "loaded": loaded}))

asyncio.run(main())
"""

OPEN_POSTGRES_DRIVER = r"""
import json, sys

import tui_pos.db.connection  # noqa: F401
before = "psycopg" in sys.modules
from tui_pos.db.drivers import load_postgres_driver
import peewee
loaded = load_postgres_driver()
adapter = peewee.PostgresqlDatabase("shop")._adapter
print(json.dumps({"before": before, "loaded": loaded, "adapter": type(adapter).__name__,
                  "idle": getattr(adapter.txn_idle, "name", None)}))
"""


def run_python(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_sign_in_screen_comes_up_without_drivers_spreadsheets_or_charts(tmp_path):
    shown = run_python(TO_SIGN_IN, str(tmp_path / "shop.db"), ",".join(NOT_AT_SIGN_IN))
    assert shown["screen"] == "SignInScreen"
    assert shown["loaded"] == []


@pytest.mark.skipif(importlib.util.find_spec("psycopg") is None, reason="psycopg not installed")
def test_psycopg_is_loaded_for_peewee_only_when_a_postgresql_store_is_opened():
    result = run_python(OPEN_POSTGRES_DRIVER)
    assert result["before"] is False
    assert result["loaded"] is True
    assert result["adapter"] == "Psycopg3Adapter"  # peewee chose psycopg 3, as at its import
    assert result["idle"] == "IDLE"  # the names its class body sets only with psycopg
