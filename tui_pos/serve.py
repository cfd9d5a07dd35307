"""``tui-pos serve``: the same program in a browser, for a tablet at the counter.

textual-serve runs one tui-pos process per browser tab (each signs in on its
own) and shows it with xterm.js. It listens on the loopback address unless a
host is given: the app has no TLS of its own, so a counter on the network
should reach it through a reverse proxy with HTTPS or an SSH tunnel
(docs/browser.md).
"""

from __future__ import annotations

import shlex
import sys

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def command(target: str, terminal: str, keymap: str | None = None) -> str:
    """The command textual-serve starts for each browser tab."""
    args = [sys.executable, "-m", "tui_pos", "--db", target, "--terminal", terminal]
    if keymap:
        args += ["--keymap", keymap]
    return shlex.join(args)


def serve(target: str, host: str, port: int, terminal: str, keymap: str | None = None,
          warn=print) -> None:
    """Serve until Ctrl+C. Raises ImportError when textual-serve is not installed."""
    from textual_serve.server import Server

    if host not in LOOPBACK:
        warn(f"serving on {host}: anyone who can reach port {port} gets the sign-in "
             "screen; put HTTPS in front of it (docs/browser.md)")
    Server(command(target, terminal, keymap), host=host, port=port,
           title="tui-pos").serve()
