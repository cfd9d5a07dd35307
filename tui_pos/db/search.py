"""The customer search's two queries, their SQL text built once per shape.

Search as you type runs these on every keystroke; peewee spent about half of
each search writing their SQL. The shapes are few (active only or not, one
profile or any, first page or after a cursor, how many ids), so the text is
made once per shape and reused with the database's own placeholder. The
queries read the indexed table of prefixes, ``customer_search_term``, which
SQLite and PostgreSQL serve alike.

A prefix is the range [prefix, prefix + U+10FFFF): that holds only where the
terms compare character by character (code point order), as SQLite's BINARY
does. On PostgreSQL a database's collation (en_US, nl_NL, ICU) does not, so
``prepare_postgres`` gives the term column, and with it its index, the "C"
collation; the same queries then use that index on both engines.
"""

from __future__ import annotations

from functools import lru_cache

import peewee as pw

from tui_pos.db.models import Customer, CustomerSearchTerm

TOP = "\U0010ffff"  # sorts after every other character: the end of a prefix range


@lru_cache(maxsize=32)
def _terms_sql(active_only: bool, by_profile: bool, after: bool, param: str,
               first_only: bool = True) -> str:
    p = param
    where = [f't."term" >= {p}', f't."term" < {p}']
    if first_only:  # only a customer's first matching term counts: a page never repeats one
        where.append(f'NOT EXISTS (SELECT 1 FROM "customer_search_term" AS e '
                     f'WHERE e."customer_id" = t."customer_id" AND e."term" >= {p} '
                     f'AND e."term" < t."term")')
    if active_only:
        where.append('c."active" = 1' if p == "?" else 'c."active"')
    if by_profile:
        where.append(f'c."profile_id" = {p}')
    if after:
        where.append(f'(t."term" > {p} OR (t."term" = {p} AND t."customer_id" > {p}))')
    return ('SELECT t."customer_id", t."term" FROM "customer_search_term" AS t '
            'JOIN "customer" AS c ON c."id" = t."customer_id" '
            f'WHERE {" AND ".join(where)} '
            f'ORDER BY t."term", t."customer_id" LIMIT {p}')


def matching_terms(prefix: str, batch: int, active_only: bool = True,
                   profile_id: int | None = None,
                   after: tuple[str, int] | None = None) -> list[tuple[int, str]]:
    """(customer id, its first term starting with ``prefix``), in term order,
    at most ``batch`` of them."""
    if after is None:
        return _first_page(prefix, batch, active_only, profile_id)
    db = CustomerSearchTerm._meta.database
    params: list = [prefix, prefix + TOP, prefix]
    if profile_id is not None:
        params.append(profile_id)
    if after is not None:
        term, cid = after
        params += [term, term, cid]
    params.append(batch)
    sql = _terms_sql(active_only, profile_id is not None, after is not None, db.param)
    return [(cid, term) for cid, term in db.execute_sql(sql, params).fetchall()]


def _first_page(prefix: str, batch: int, active_only: bool,
                profile_id: int | None) -> list[tuple[int, str]]:
    """The first page without the per-row check for an earlier term: the range is
    read in term order, so a customer's first row is its first matching term and
    later rows of the same customer are skipped here. That check reads another
    index for every candidate, the slowest part of a broad prefix's search; a
    page after a cursor still needs it (its earlier terms lie before the cursor)."""
    db = CustomerSearchTerm._meta.database
    sql = _terms_sql(active_only, profile_id is not None, False, db.param, first_only=False)
    more = _terms_sql(active_only, profile_id is not None, True, db.param, first_only=False)
    head = [prefix, prefix + TOP] + ([profile_id] if profile_id is not None else [])
    found: dict[int, str] = {}
    rows = db.execute_sql(sql, [*head, batch]).fetchall()
    while True:
        for cid, term in rows:
            if cid not in found:
                found[cid] = term
                if len(found) == batch:
                    return list(found.items())
        if len(rows) < batch:
            return list(found.items())
        term, cid = rows[-1][1], rows[-1][0]
        rows = db.execute_sql(more, [*head, term, term, cid, batch]).fetchall()


HIT_COLUMNS = (Customer.id, Customer.number, Customer.first_name, Customer.last_name,
               Customer.company, Customer.phone, Customer.mobile, Customer.email,
               Customer.city, Customer.profile, Customer.active)


@lru_cache(maxsize=64)
def _hits_sql(count: int, param: str) -> str:
    columns = ", ".join(f'c."{f.column_name}"' for f in HIT_COLUMNS)
    return (f'SELECT {columns}, ct."name" FROM "customer" AS c '
            'LEFT OUTER JOIN "customer_type" AS ct ON ct."id" = c."customer_type_id" '
            f'WHERE c."id" IN ({", ".join([param] * count)})')


def hit_rows(ids: list[int]) -> list[tuple]:
    """The columns a search hit shows (and the type's name) for these ids, any order."""
    if not ids:
        return []
    db = Customer._meta.database
    rows = db.execute_sql(_hits_sql(len(ids), db.param), ids).fetchall()
    return [(*row[:-2], bool(row[-2]), row[-1]) for row in rows]


def _term_collation(db: pw.Database) -> str | None:
    row = db.execute_sql(
        "SELECT collation_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s",
        (CustomerSearchTerm._meta.table_name, CustomerSearchTerm.term.column_name)).fetchone()
    return row[0] if row else None


def prepare_postgres(db: pw.Database) -> None:
    """PostgreSQL only: the search terms (and their index) in the "C" collation,
    so a prefix range finds exactly the terms starting with it. Done once:
    the column keeps it."""
    if _term_collation(db) == "C":
        return
    term = CustomerSearchTerm.term
    with db.atomic():
        db.execute_sql(
            f'ALTER TABLE "{CustomerSearchTerm._meta.table_name}" ALTER COLUMN '
            f'"{term.column_name}" TYPE VARCHAR({term.max_length}) COLLATE "C"')
