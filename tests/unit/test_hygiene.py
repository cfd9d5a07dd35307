"""Layering: the services, the models and the command line never import Textual."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import tui_pos.db
import tui_pos.services

CHECK = r"""
import importlib, json, sys
names = json.loads(sys.argv[1])
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(json.dumps({"imported": [n for n in names if n in sys.modules], "textual": loaded}))
"""


def modules(package) -> list[str]:
    return sorted(f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__))


def test_services_models_and_cli_do_not_import_textual():
    names = ["tui_pos", "tui_pos.money", *modules(tui_pos.services), *modules(tui_pos.db),
             "tui_pos.cli"]
    assert {"tui_pos.services.pricing", "tui_pos.services.sales", "tui_pos.services.customers",
            "tui_pos.services.reports", "tui_pos.db.models", "tui_pos.db.migrations",
            "tui_pos.db.connection"} <= set(names)
    result = subprocess.run([sys.executable, "-c", CHECK, json.dumps(names)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["imported"] == names
    assert report["textual"] == [], f"Textual was imported: {report['textual'][:5]}"


def test_the_check_itself_would_notice_textual():
    result = subprocess.run([sys.executable, "-c", CHECK, json.dumps(["tui_pos.ui.app"])],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "textual" in json.loads(result.stdout)["textual"]


ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_the_import_contracts_of_pyproject_hold():
    """import-linter: ui → services → db only; no Textual below the ui; no peewee
    or models in the ui (contracts in pyproject.toml)."""
    result = subprocess.run([sys.executable, "-c",
                             "import sys; from importlinter.cli import lint_imports_command; "
                             "sys.exit(lint_imports_command())"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert "Contracts: 3 kept, 0 broken." in result.stdout, result.stdout[-3000:]
    assert result.returncode == 0


def test_every_binding_has_an_id_so_a_shop_can_remap_it():
    import importlib
    import inspect

    import tui_pos.ui.screens
    import tui_pos.ui.widgets
    from textual.binding import Binding

    names = ["tui_pos.ui.app", *modules(tui_pos.ui.screens), *modules(tui_pos.ui.widgets)]
    missing, seen = [], 0
    for name in names:
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != name:
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    seen += 1
                    if not binding.id:
                        missing.append(f"{cls_name}: {binding.key}")
    assert seen > 40
    assert missing == []


# Keys a terminal or multiplexer takes before tui-pos sees them: tmux's prefix
# (Ctrl+B), screen's (Ctrl+A), XOFF/XON flow control on serial lines and many
# SSH clients (Ctrl+S / Ctrl+Q), job control (Ctrl+Z).
FORBIDDEN_KEYS = {"ctrl+b", "ctrl+a", "ctrl+s", "ctrl+q", "ctrl+z"}


def forbidden_bindings(classes) -> list[str]:
    from textual.binding import Binding

    found = []
    for cls in classes:
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            if binding.key in FORBIDDEN_KEYS:
                found.append(f"{cls.__name__}: {binding.key} ({binding.action})")
    return found


def test_no_binding_uses_a_key_terminals_and_multiplexers_take():
    import importlib
    import inspect

    import tui_pos.ui.screens
    import tui_pos.ui.widgets
    from tui_pos.ui.app import PosApp

    names = ["tui_pos.ui.app", *modules(tui_pos.ui.screens), *modules(tui_pos.ui.widgets)]
    classes = [cls for name in names
               for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass)
               if cls.__module__ == name]
    assert forbidden_bindings(classes) == []
    # the keys the app itself answers, Textual's defaults included (its Ctrl+Q quit)
    app_keys = set(PosApp._merge_bindings().key_to_bindings)
    assert app_keys & FORBIDDEN_KEYS == set()
    assert "ctrl+x" in app_keys  # quit moved here


def test_the_forbidden_key_check_would_notice_one():
    from textual.app import App
    from textual.binding import Binding

    class Careless(App):
        BINDINGS = [Binding("f4,ctrl+s", "save", "Save", id="careless.save")]

    assert forbidden_bindings([Careless]) == ["Careless: ctrl+s (save)"]
    assert "ctrl+q" in App._merge_bindings().key_to_bindings  # Textual's own default


# Who acts is an argument of every service that changes data, never a global (issue #5):
# a public function of tui_pos.services whose name starts with one of these takes
# ``actor`` as its first parameter.
CHANGES_DATA = ("save_", "set_", "delete_", "update_", "create_", "add_", "erase_",
                "import_", "complete_", "void_", "refund_")
# The known exceptions, each with its reason. Remove a line when its function takes the actor.
NO_ACTOR = {
    "sales.save_receipt": "writes the receipt file of a sale complete_sale(actor, ...) has "
                          "just recorded; it changes no data of its own",
}


def data_changing_services() -> dict[str, list[str]]:
    """'module.function' → its parameter names, for every public service function
    whose name says it changes data."""
    import importlib
    import inspect

    found = {}
    for name in modules(tui_pos.services):
        module = importlib.import_module(name)
        for fn_name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == name and fn_name.startswith(CHANGES_DATA):
                short = f"{name.rsplit('.', 1)[1]}.{fn_name}"
                found[short] = list(inspect.signature(fn).parameters)
    return found


def without_actor(found: dict[str, list[str]]) -> list[str]:
    return sorted(name for name, params in found.items() if params[:1] != ["actor"])


def test_every_service_that_changes_data_takes_the_actor_first():
    found = data_changing_services()
    assert {"masters.save_profile", "catalog.save_item", "config.update_settings",
            "sales.complete_sale", "staff.save_staff"} <= set(found)
    assert [n for n in without_actor(found) if n not in NO_ACTOR] == []
    # the allowlist only shrinks: a converted (or removed) function leaves it
    assert sorted(NO_ACTOR) == [n for n in without_actor(found) if n in NO_ACTOR]


def test_the_actor_check_would_notice_a_service_without_one():
    assert without_actor({"x.save_thing": ["name", "actor"], "x.set_it": [],
                          "x.add_one": ["actor", "name"]}) == ["x.save_thing", "x.set_it"]
