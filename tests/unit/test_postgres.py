"""PostgreSQL as the store server: a real server the session starts (see
tests/conftest.py), skipped with its reason where none can be started.

The service tests run on it too (the ``engine`` parameter); these are the
engine's own: opening and refusing URLs, ``tui-pos init`` on an empty
database, sequences under two connections, and search on the engine's index.
"""

from __future__ import annotations

import sys
import threading

import peewee as pw
import pytest

from tests.cli_run import one_line, run
from tui_pos.db import bulk, migrations, search
from tui_pos.db.connection import DatabaseError, close_database, open_database
from tui_pos.db.models import ALL_MODELS, Customer, CustomerSearchTerm, Sequence

EMPTY = "TEMPLATE template0"  # what new_database makes by default
ICU = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"


@pytest.fixture(autouse=True)
def no_env_database(monkeypatch):
    monkeypatch.delenv("TUI_POS_DATABASE", raising=False)


def tables(url: str) -> set[str]:
    import psycopg

    with psycopg.connect(url) as con:
        return {name for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public'")}


# -- opening ------------------------------------------------------------------------------

def test_init_makes_a_store_in_an_empty_database(postgres, capsys):
    url = postgres.new_database(EMPTY)
    code, out, err = run(capsys, "init", "--db", url)
    assert code == 0 and err == "", err
    assert f"schema version {migrations.LATEST}" in out
    assert "VAT classes created: Hoog 21 %, Laag 9 %, Nul 0 %" in out
    assert {m._meta.table_name for m in ALL_MODELS} <= tables(url)
    code, out, err = run(capsys, "report", "sales", "--by", "day", "--db", url)
    assert code == 0 and "Total" in out, err


def test_init_without_an_owner_leaves_the_empty_database_empty(postgres, capsys):
    url = postgres.new_database(EMPTY)
    code, out, err = run(capsys, "init", "--db", url, owner_pin=None)
    assert code == 2 and "needs its owner" in one_line(err)
    assert tables(url) == set()
    code, out, err = run(capsys, "init", "--db", url)  # and init starts it again from nothing
    assert code == 0 and f"schema version {migrations.LATEST}" in out, err


def test_every_step_runs_on_postgresql_and_ends_with_the_live_models(postgres):
    """Each migration step, one after the other, on an empty database; then
    every live model's columns are there (steps other helpers add included)."""
    db = open_database(postgres.new_database(EMPTY), migrate=False, create=True)
    for step in range(1, migrations.LATEST + 1):
        assert migrations.migrate(db, target=step) == step
    for model in ALL_MODELS:
        columns = {c.name for c in db.get_columns(model._meta.table_name)}
        assert {f.column_name for f in model._meta.sorted_fields} == columns, model
    assert migrations.current_version(db) == migrations.LATEST


def test_a_tool_refuses_an_empty_database_and_creates_nothing(postgres, capsys):
    url = postgres.new_database(EMPTY)
    code, out, err = run(capsys, "report", "sales", "--by", "day", "--db", url)
    assert code == 1
    assert "no tui-pos database in" in one_line(err) and "tui-pos init --db" in err
    assert tables(url) == set()


def test_another_applications_database_is_refused_untouched(postgres, capsys):
    url = postgres.new_database(EMPTY)
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE invoices (id integer)")
    code, out, err = run(capsys, "init", "--db", url)
    assert code == 1 and "is not a tui-pos database" in one_line(err)
    assert tables(url) == {"invoices"}


def test_a_role_without_rights_on_the_store_is_told_so_not_sent_to_init(postgres, capsys):
    url = postgres.new_database()
    assert run(capsys, "init", "--db", url, "--owner-name", "Olga",
               "--owner-pin", "2468")[0] == 0
    clerk = url.rsplit("/", 1)[1] + "_clerk"
    postgres.admin(f'CREATE ROLE "{clerk}" LOGIN')
    code, out, err = run(capsys, "report", "sales", "--by", "day", "--db",
                         url.replace("postgres@", f"{clerk}@"))
    assert code == 1 and "permission denied" in one_line(err)


@pytest.mark.parametrize("url, says", [
    ("postgresql://till:secret@db.example:abc/shop", "is not a usable URL"),
    ("postgresql://till:secret@[::1/shop", "is not a usable URL"),
    ("postgresql://till:secret@db.example:5432/", "names no database"),
    ("postgres://", "names no database"),
])
def test_a_bad_url_is_one_line_without_the_password(capsys, url, says):
    code, out, err = run(capsys, "report", "sales", "--by", "day", "--db", url)
    line = one_line(err)
    assert code == 1 and says in line and "secret" not in line


def test_a_url_is_read_as_libpq_reads_it():
    from tui_pos.db.connection import postgres_url

    assert postgres_url("postgresql://till:p%40ss%3Aw%2F@db.example:5433/my%20shop") == {
        "database": "my shop", "user": "till", "password": "p@ss:w/",
        "host": "db.example", "port": 5433, "connect_timeout": 10}
    options = postgres_url("postgres://till@db.example/shop?sslmode=require&connect_timeout=3")
    assert options["sslmode"] == "require" and options["connect_timeout"] == 3
    assert "password" not in options  # then libpq looks in ~/.pgpass


def test_an_unreachable_server_is_one_line(capsys):
    import socket

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"postgresql://till:secret@127.0.0.1:{port}/shop"
    code, out, err = run(capsys, "init", "--db", url)
    line = one_line(err)
    assert code == 1 and "connection" in line and "secret" not in line and ":***@" in line


def test_a_missing_driver_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import fails as if not installed
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    with pytest.raises(DatabaseError, match=r"pip install 'tui-pos\[postgres\]'"):
        open_database("postgresql://till@127.0.0.1:5432/shop")
    code, out, err = run(capsys, "init", "--db", "postgresql://till@127.0.0.1:5432/shop")
    assert code == 1 and "tui-pos[postgres]" in one_line(err)


# -- a dropped connection -------------------------------------------------------------------

def drop_connection(postgres, db) -> None:
    """What a server restart or a network break does to this till's connection."""
    (pid,) = db.execute_sql("SELECT pg_backend_pid()").fetchone()
    postgres.admin(f"SELECT pg_terminate_backend({int(pid)})")


def test_a_till_carries_on_after_the_server_dropped_its_connection(postgres):
    db = open_database(postgres.new_database(), create=True)
    Customer.create(number="9001", last_name="Jansen")
    drop_connection(postgres, db)
    assert Customer.select().count() == 1  # a statement on its own: connected again
    drop_connection(postgres, db)
    with db.atomic():  # a transaction's BEGIN: connected again
        Customer.create(number="9002", last_name="de Vries")
    assert Customer.select().count() == 2


def test_a_connection_dropped_inside_a_transaction_keeps_nothing_of_it(postgres):
    db = open_database(postgres.new_database(), create=True)
    with pytest.raises(pw.OperationalError):
        with db.atomic():
            Customer.create(number="9001", last_name="Jansen")
            drop_connection(postgres, db)
            Customer.create(number="9002", last_name="de Vries")
    assert Customer.select().count() == 0  # and the next statement works again


@pytest.mark.parametrize("engine", ["postgresql"])  # the shop on the server only
def test_a_sale_whose_connection_drops_while_saving_is_refused_whole_and_saved_again(
        postgres, shop, monkeypatch):
    from tests.actors import CASHIER
    from tui_pos.db.models import Sale
    from tui_pos.errors import ValidationError
    from tui_pos.services import item_sales
    from tui_pos.services.sales import SaleDraft, complete_sale

    db = shop.db
    real = item_sales.record

    def dropped_midway(*args):  # inside the sale's transaction, after its rows
        drop_connection(postgres, db)
        real(*args)

    draft = SaleDraft.new()
    draft.add_item("MUG-01")
    monkeypatch.setattr(item_sales, "record", dropped_midway)
    with pytest.raises(ValidationError, match="could not be saved"):
        complete_sale(CASHIER, draft)
    monkeypatch.setattr(item_sales, "record", real)
    assert Sale.select().count() == 0
    assert complete_sale(CASHIER, draft).number == 1  # the same bill, paid again


# -- the suite's own reset -----------------------------------------------------------------

def test_each_test_gets_the_store_as_it_was_right_after_migrating(postgres_server):
    """What the service tests rely on: ``fresh`` undoes rows, numbers and ids."""
    db = open_database(postgres_server.fresh())
    first = Customer.create(number="9001", last_name="Jansen").id
    with db.atomic():
        assert bulk.next_value(Sequence, "sale") == 1
    close_database()
    db = open_database(postgres_server.fresh())
    assert Customer.select().count() == 0
    assert Customer.create(number="9001", last_name="Jansen").id == first
    with db.atomic():
        assert bulk.next_value(Sequence, "sale") == 1


# -- sequences -----------------------------------------------------------------------------

def test_a_sale_number_taken_in_an_open_transaction_locks_it_for_the_other_lane(postgres):
    """Lane A has taken a number and not committed: lane B waits for it (here:
    gives up after its lock timeout) and never gets the same number."""
    db = open_database(postgres.new_database(), create=True)
    taken, committed = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def lane_a():
        with db.atomic():
            seen["a"] = bulk.next_value(Sequence, "sale")
            taken.set()
            committed.wait(30)
        db.close()

    other = threading.Thread(target=lane_a)
    other.start()
    try:
        assert taken.wait(30)
        with pytest.raises(pw.OperationalError, match="lock timeout"):
            with db.atomic():
                db.execute_sql("SET LOCAL lock_timeout = '200ms'")
                bulk.next_value(Sequence, "sale")
    finally:
        committed.set()
        other.join(30)
    with db.atomic():
        seen["b"] = bulk.next_value(Sequence, "sale")
    assert (seen["a"], seen["b"]) == (1, 2)


def test_lanes_taking_numbers_at_once_never_share_one(postgres):
    db = open_database(postgres.new_database(), create=True)
    lanes, each = 4, 25
    start = threading.Barrier(lanes)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def lane():
        try:
            start.wait(30)
            for _ in range(each):
                with db.atomic():
                    numbers.append(bulk.next_value(Sequence, "sale"))
        except (pw.DatabaseError, threading.BrokenBarrierError) as exc:
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=lane) for _ in range(lanes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(numbers) == list(range(1, lanes * each + 1))


# -- search --------------------------------------------------------------------------------

def add_terms(*terms: str) -> dict[str, int]:
    ids = {}
    for i, term in enumerate(terms):
        customer = Customer.create(number=str(5000 + i), last_name=term)
        CustomerSearchTerm.create(customer=customer, term=term)
        ids[term] = customer.id
    return ids


def test_prefix_search_is_by_character_on_a_database_with_a_language_collation(postgres):
    """On an ICU (en-US) database 'ábc' and 'aB' sort between 'ab' and
    'ab'+U+10FFFF: only the "C" collation keeps them out of a prefix range."""
    db = open_database(postgres.new_database(ICU), create=True)
    ids = add_terms("ab", "abc", "ábc", "aB", "ac", "b")
    found = [term for _, term in search.matching_terms("ab", 20, active_only=False)]
    assert found == ["ab", "abc"]
    assert search.matching_terms("ab", 20, active_only=False)[0][0] == ids["ab"]
    (collation,) = db.execute_sql(
        "SELECT collation_name FROM information_schema.columns "
        "WHERE table_name = 'customer_search_term' AND column_name = 'term'").fetchone()
    assert collation == "C"


def test_search_as_you_type_reads_the_term_index(postgres):
    db = open_database(postgres.new_database(ICU), create=True)
    add_terms("jansen", "janssen", "de vries")
    db.execute_sql("ANALYZE")
    with db.atomic():
        db.execute_sql("SET LOCAL enable_seqscan = off")  # a tiny table: make the plan show
        sql = search._terms_sql(True, False, False, db.param)
        plan = " ".join(row[0] for row in db.execute_sql(
            "EXPLAIN " + sql, ["jan", "jan" + search.TOP, "jan", 20]).fetchall())
    assert "customer_search_term_term_customer_id" in plan, plan


def test_reopening_keeps_the_collation_and_the_index(postgres):
    url = postgres.new_database(ICU)
    open_database(url, create=True)
    close_database()
    db = open_database(url, create=False)
    (definition,) = db.execute_sql(
        "SELECT indexdef FROM pg_indexes WHERE indexname = "
        "'customer_search_term_term_customer_id'").fetchone()
    assert '"term"' in definition or "term" in definition
    assert search._term_collation(db) == "C"
