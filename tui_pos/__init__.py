"""tui-pos: a keyboard-first point of sale that runs in a terminal."""

from tui_pos.db.drivers import import_peewee

__version__ = "0.1.0"

import_peewee()  # without psycopg: a SQLite till never loads the PostgreSQL driver
