"""A terminal's own keys: a TOML file that maps binding ids to keys.

    # lane 2: its keyboard has no F12, Pay also on F10
    [keys]
    "bill.pay" = "f4,f10,ctrl+y"
    quit = ["ctrl+x", "ctrl+backslash"]

The file is named by ``tui-pos --keymap FILE`` or ``$TUI_POS_KEYMAP``; the app
applies it with ``App.set_keymap``. Every binding's id is listed by
``binding_ids()`` (and in help, F1). A bad file is refused whole, with one line
saying why, and the program keeps its own keys.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import tomllib
from pathlib import Path

ENV = "TUI_POS_KEYMAP"
MAX_BYTES = 64 * 1024
KEY = re.compile(r"(?:(?:ctrl|alt|shift|super|meta)\+)*[a-z0-9_]+")
# taken by terminals and multiplexers: tmux's and screen's prefixes, XOFF/XON, job control
FORBIDDEN = {"ctrl+b", "ctrl+a", "ctrl+s", "ctrl+q", "ctrl+z"}


class KeymapError(ValueError):
    """A keymap file that cannot be used; ``str()`` is the one line to show."""


def binding_ids() -> set[str]:
    """The id of every binding in tui-pos's app, screens and widgets."""
    from textual.binding import Binding

    import tui_pos.ui.screens
    import tui_pos.ui.widgets

    names = ["tui_pos.ui.app"]
    for package in (tui_pos.ui.screens, tui_pos.ui.widgets):
        names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    ids = set()
    for name in names:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


def _keys(binding_id: str, value) -> str:
    if isinstance(value, str):
        keys = [k.strip().lower() for k in value.split(",")]
    elif isinstance(value, list) and all(isinstance(k, str) for k in value):
        keys = [k.strip().lower() for k in value]
    else:
        raise KeymapError(f'"{binding_id}" needs a key such as "f10" or "ctrl+y", '
                          'or a list of them')
    if not keys or any(not k for k in keys):
        raise KeymapError(f'"{binding_id}" has an empty key')
    for key in keys:
        if not KEY.fullmatch(key):
            raise KeymapError(f'"{binding_id}": "{key[:30]}" is not a key name '
                              '(examples: f10, ctrl+y, alt+p, escape)')
        if key in FORBIDDEN:
            raise KeymapError(f'"{binding_id}": {key} is taken by terminals or tmux/screen '
                              '(Ctrl+A, B, S, Q, Z); choose another key')
    return ",".join(keys)


def parse_keymap(text: str, known: set[str] | None = None) -> dict[str, str]:
    """The ``[keys]`` table of a keymap file as ``{binding id: "key,key"}``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise KeymapError(f"not valid TOML: {error}") from None
    unknown_tables = set(data) - {"keys"}
    if unknown_tables:
        raise KeymapError(f"unknown section or key {sorted(unknown_tables)[0]!r} "
                          "(the file has one table, [keys])")
    table = data.get("keys", {})
    if not isinstance(table, dict):
        raise KeymapError("[keys] must be a table of binding id = key")
    known = binding_ids() if known is None else known
    keymap = {}
    for binding_id, value in table.items():
        if binding_id not in known:
            raise KeymapError(f'no binding has the id "{binding_id[:40]}" '
                              "(F1 help shows a screen's keys; the README lists the ids)")
        keymap[binding_id] = _keys(binding_id, value)
    return keymap


def load_keymap(path: str | Path) -> dict[str, str]:
    """Read and check a keymap file; ``KeymapError`` names the file and the reason."""
    path = Path(path)
    try:
        raw = path.read_bytes()[:MAX_BYTES + 1]
        if len(raw) > MAX_BYTES:
            raise KeymapError("longer than 64 KiB")
        return parse_keymap(raw.decode("utf-8"))
    except KeymapError as error:
        raise KeymapError(f"Keymap {path.name}: {error}; the standard keys are used") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else \
            "not UTF-8 text"
        raise KeymapError(f"Keymap {path.name}: {reason}; the standard keys are used") from None
