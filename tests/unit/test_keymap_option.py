"""``tui-pos --keymap FILE`` hands the file to the app (a NameError once: ``os`` was not
imported in cli.py and nothing ran this path). The TUI itself is not started here:
``PosApp.run`` is replaced by a recorder; the store is a real one."""

from __future__ import annotations

import os

from tui_pos.cli import main
from tui_pos.db.connection import close_database, open_database


def test_the_keymap_option_reaches_the_app(db_file, tmp_path, monkeypatch):
    from tui_pos.ui.app import PosApp

    open_database(db_file)
    close_database()
    keymap = tmp_path / "lane.toml"
    keymap.write_text('"bill.pay" = "f10"\n')
    started = []
    monkeypatch.delenv("TUI_POS_KEYMAP", raising=False)
    monkeypatch.setattr(PosApp, "run", lambda app: started.append(
        (app.database_target, os.environ.get("TUI_POS_KEYMAP"))))
    assert main(["--db", db_file, "--keymap", str(keymap), "--terminal", "lane-1"]) == 0
    assert started == [(db_file, str(keymap))]
