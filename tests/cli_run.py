"""Running the command line in-process, as the CLI tests do."""

from __future__ import annotations

import os
from unittest import mock

from tui_pos.cli import main
from tui_pos.db.connection import close_database

# `tui-pos init` of a real store makes its owner: these runs give the PIN as a script
# would ($TUI_POS_OWNER_PIN); a test of the refusal passes owner_pin=None.
TEST_OWNER_PIN = "2468"


def run(capsys, *argv: str, owner_pin: str | None = TEST_OWNER_PIN) -> tuple[int, str, str]:
    """``tui-pos ARGV``: (exit code, stdout, stderr)."""
    try:
        with mock.patch.dict(os.environ, {"TUI_POS_OWNER_PIN": owner_pin or ""}):
            if owner_pin is None:
                del os.environ["TUI_POS_OWNER_PIN"]
            code = main(list(argv))
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    finally:
        close_database()
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    """The one line a refusal prints: prefixed, no traceback."""
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {err!r}"
    assert lines[0].startswith("tui-pos: ") and "Traceback" not in err
    return lines[0]
