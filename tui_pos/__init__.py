"""tui-pos: a keyboard-first point of sale that runs in a terminal."""

__version__ = "0.1.0"
