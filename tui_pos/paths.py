"""Where the shipped files are: styles inside a wheel or in a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def styles_dir() -> Path:
    """``tui_pos/styles`` in an installed wheel, ``styles/`` in a source checkout."""
    for candidate in (PACKAGE_DIR / "styles", PACKAGE_DIR.parent / "styles"):
        if (candidate / "app.tcss").is_file():
            return candidate
    raise FileNotFoundError("tui-pos styles not found (app.tcss)")


def style_paths() -> list[str]:
    folder = styles_dir()
    return [str(path) for path in sorted(folder.glob("*.tcss"))]
