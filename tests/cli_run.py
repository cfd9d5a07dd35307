"""Running the command line in-process, as the CLI tests do."""

from __future__ import annotations

from tui_pos.cli import main
from tui_pos.db.connection import close_database


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``tui-pos ARGV``: (exit code, stdout, stderr)."""
    try:
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
