"""The few statements on the hot path of a sale, their SQL text built once.

peewee spends most of a small transaction's time writing SQL text. These
statements have a fixed shape, so their text is made once per process and
reused with the database's own placeholder (``?`` on SQLite, ``%s`` on
PostgreSQL). ``RETURNING`` works on both (SQLite ≥ 3.35).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

import peewee as pw

MAX_PARAMS = 30000  # below SQLite's default limit of 32,766 bound parameters


def _quote(name: str) -> str:
    return '"%s"' % name.replace('"', '""')


@lru_cache(maxsize=128)
def _insert_sql(table: str, columns: tuple[str, ...], rows: int, param: str,
                returning: str | tuple[str, ...] | None) -> str:
    one = "(" + ", ".join([param] * len(columns)) + ")"
    sql = (f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, columns))}) "
           f"VALUES {', '.join([one] * rows)}")
    if not returning:
        return sql
    names = (returning,) if isinstance(returning, str) else returning
    return f"{sql} RETURNING {', '.join(map(_quote, names))}"


def insert_rows(model: type[pw.Model], fields: Sequence[pw.Field],
                rows: Sequence[Sequence[Any]], returning: str | None = None) -> Any:
    """Insert ``rows`` (values in ``fields`` order); with ``returning``, the first
    row's value of that column."""
    if not rows:
        return None
    db = model._meta.database
    columns = tuple(f.column_name for f in fields)
    per_chunk = max(1, MAX_PARAMS // len(columns))
    result = None
    for start in range(0, len(rows), per_chunk):
        chunk = rows[start:start + per_chunk]
        params = [f.db_value(v) for row in chunk for f, v in zip(fields, row)]
        sql = _insert_sql(model._meta.table_name, columns, len(chunk), db.param, returning)
        cursor = db.execute_sql(sql, params)
        if returning and result is None:
            result = cursor.fetchone()[0]
    return result


def insert_values(model: type[pw.Model], fields: Sequence[pw.Field], values: list,
                  rows: int, returning: tuple[str, ...] = ()) -> list[tuple]:
    """Insert ``rows`` rows whose ``values`` come flat (row after row, in ``fields``
    order) and already in the database's form (int, str, None), so no ``db_value``
    per value: for bulk paths writing millions of values. With ``returning`` (column
    names), those columns of every inserted row, in no promised order."""
    out: list[tuple] = []
    if not rows:
        return out
    db = model._meta.database
    columns = tuple(f.column_name for f in fields)
    width = len(columns)
    per_chunk = max(1, MAX_PARAMS // width)
    for start in range(0, rows, per_chunk):
        count = min(per_chunk, rows - start)
        sql = _insert_sql(model._meta.table_name, columns, count, db.param, returning or None)
        cursor = db.execute_sql(sql, values[start * width:(start + count) * width])
        if returning:
            out += cursor.fetchall()
    return out


@lru_cache(maxsize=8)
def _next_value_sql(table: str, param: str) -> str:
    return (f'UPDATE {_quote(table)} SET "value" = "value" + 1 '
            f'WHERE "name" = {param} RETURNING "value"')


def next_value(sequence_model: type[pw.Model], name: str) -> int:
    """Bump the named counter and return it (inside the caller's transaction).

    One statement takes the row's lock and the new value together: on SQLite the
    transaction already holds the write lock; on PostgreSQL another lane's
    ``UPDATE`` of the same counter waits for this transaction to end, then reads
    the committed value, so no two sales ever get the same number."""
    db = sequence_model._meta.database
    cursor = db.execute_sql(_next_value_sql(sequence_model._meta.table_name, db.param), (name,))
    row = cursor.fetchone()
    if row is None:
        raise pw.IntegrityError(f"no sequence called {name!r}")
    return row[0]


@lru_cache(maxsize=32)
def _select_sql(table: str, columns: tuple[str, ...], key: str, param: str) -> str:
    return (f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table)} "
            f"WHERE {_quote(key)} = {param}")


def select_one(model: type[pw.Model], fields: Sequence[pw.Field], key: pw.Field,
               value: Any) -> tuple | None:
    """One row's ``fields`` (as Python values) where ``key`` = ``value``, or None."""
    db = model._meta.database
    sql = _select_sql(model._meta.table_name, tuple(f.column_name for f in fields),
                      key.column_name, db.param)
    row = db.execute_sql(sql, (key.db_value(value),)).fetchone()
    if row is None:
        return None
    return tuple(f.python_value(v) for f, v in zip(fields, row))
