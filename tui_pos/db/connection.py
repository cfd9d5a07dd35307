"""Opening the database: the one place that knows SQLite from PostgreSQL.

SQLite pragmas, the file checks and the pre-migration backup live here and
nowhere else, so the services run unchanged on PostgreSQL.

A file is looked at read-only before SQLite opens it for writing: a missing
file is created only when asked, a file of another application is refused
byte for byte unchanged, and a file this user cannot write is opened
read-only (every write then refused with a message). What the program
creates itself is owner-only: files 0600 (SQLite gives the -wal/-shm the
main file's mode), folders 0700.
"""

from __future__ import annotations

import errno
import os
import re
import shlex
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import peewee as pw
from playhouse.shortcuts import ReconnectMixin

from tui_pos.db.drivers import load_postgres_driver
from tui_pos.db.models import database
from tui_pos.errors import ValidationError

SQLITE_HEADER = b"SQLite format 3\x00"
ENV_VAR = "TUI_POS_DATABASE"
FILE_MODE = 0o600  # the database, its -wal/-shm and the .bak: customers' personal data
FOLDER_MODE = 0o700
POSTGRES_SCHEMES = ("postgresql", "postgres")
POSTGRES_INSTALL = "pip install 'tui-pos[postgres]'"
# tables that, together, make a SQLite file a tui-pos database
TUI_POS_TABLES = frozenset({"schema_version", "business_config"})
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": 10000,
}
READ_ONLY_PRAGMAS = {"foreign_keys": 1, "busy_timeout": 10000}
COMPANIONS = ("-wal", "-shm", "-journal")
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


class DatabaseError(Exception):
    """The database cannot be opened; the message says why, for a person."""


@dataclass
class Store:
    """What ``open_database`` opened, for the CLI and the app to report on."""

    target: str  # a file path, or a postgresql:// URL
    path: Path | None = None  # the SQLite file; None on PostgreSQL
    read_only: bool = False
    made: list[Path] = field(default_factory=list)  # folders and the file this open created
    was_empty: bool = False  # the file existed with 0 bytes before this open
    empty_on_server: bool = False  # PostgreSQL: the database held no table before this open

    @property
    def is_new(self) -> bool:
        """Did this open start the store from nothing (so a failure may remove it)?"""
        if self.path is None:
            return self.empty_on_server
        return self.path in self.made or self.was_empty


_store: Store | None = None


def current_store() -> Store | None:
    return _store


# -- where the database is ------------------------------------------------------------

def default_location() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("tui-pos", appauthor=False)) / "tui-pos.db")


def resolve_target(explicit: str | None) -> str:
    """--db beats TUI_POS_DATABASE beats the platform's user data dir."""
    if explicit is not None and not explicit.strip():
        raise DatabaseError("--db is empty: name a database file or a postgresql:// URL")
    return explicit or os.environ.get(ENV_VAR) or default_location()


def is_default(explicit: str | None) -> bool:
    """Is the database the program's own default (neither --db nor the variable)?"""
    return not explicit and not os.environ.get(ENV_VAR)


def is_postgres(target: str) -> bool:
    match = _URL.match(target)
    return bool(match) and match.group(1).lower() in POSTGRES_SCHEMES


def sqlite_path(target: str) -> Path | None:
    """The file ``target`` names (a path or a sqlite:/// URL), or None for a
    PostgreSQL URL; any other URL scheme is refused."""
    match = _URL.match(target)
    if not match:
        return Path(target).expanduser()
    scheme = match.group(1).lower()
    if scheme in POSTGRES_SCHEMES:
        return None
    if scheme != "sqlite":
        raise DatabaseError(f"{scheme}:// databases are not supported; give a file path, "
                            "sqlite:///PATH or a postgresql:// URL")
    url = urlsplit(target)
    if url.netloc or url.query or url.fragment or not url.path.startswith("/") \
            or len(url.path) < 2:
        raise DatabaseError(f"{shown(target)} is not a sqlite URL of a file: write "
                            "sqlite:///relative/x.db or sqlite:////absolute/x.db")
    return Path(unquote(url.path[1:])).expanduser()


def normalise_target(target: str) -> str:
    """A sqlite:/// URL as its file path; paths and server URLs as they are."""
    path = sqlite_path(target)
    return target if path is None else str(path)


def shown(target: str) -> str:
    """The target for a message: a URL's password hidden."""
    if not _URL.match(target):
        return target
    try:
        url = urlsplit(target)
    except ValueError:  # not even a URL: only its scheme is safe to show
        return f"{_URL.match(target).group(1)}://…"
    if url.password is None:
        return target
    netloc = url.netloc.replace(f":{url.password}@", ":***@", 1)
    return urlunsplit(url._replace(netloc=netloc))


def init_hint(path: Path | str) -> str:
    """The command that creates the store at ``path``."""
    if str(path) == default_location():
        return "`tui-pos init`"
    return f"`tui-pos init --db {shlex.quote(str(path))}`"


# -- looking at a file without writing a byte ----------------------------------------

def _can(path: Path, mode: int) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)


def _read_only_uri(path: Path) -> str:
    """A URI that opens ``path`` for reading and creates no file beside it.

    Without a -wal file nobody has the store open (SQLite removes it on the
    last close), so it is opened immutable: no -shm is made, which a
    read-only folder would refuse and which would otherwise be left behind
    owned by this user. With a -wal, the shared memory already exists.
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    if not Path(str(path) + "-wal").exists():
        uri += "&immutable=1"
    return uri


def _tables(path: Path) -> set[str]:
    try:
        con = sqlite3.connect(_read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path} cannot be opened: {exc}") from None
    try:
        return {name for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a tui-pos database ({exc})") from None
    finally:
        con.close()


def inspect_sqlite(path: Path) -> str:
    """What is at ``path``: "missing", "empty" (0 bytes, or SQLite without a
    table) or "tui-pos"; anything else is refused. Reads only."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    if not path.exists():
        return "missing"
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"{path} cannot be read: {exc.strerror}") from None
    if not header:
        return "empty"
    if header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a tui-pos database (not SQLite)")
    tables = _tables(path)
    if not tables:
        return "empty"
    if not TUI_POS_TABLES <= tables:
        raise DatabaseError(f"{path} is not a tui-pos database")
    return "tui-pos"


def is_writable(path: Path) -> bool:
    """Can this user write the file and the -wal/-shm beside it?"""
    if not _can(path, os.W_OK):
        return False
    if _can(path.parent, os.W_OK | os.X_OK):
        return True
    companions = [Path(str(path) + s) for s in ("-wal", "-shm")]
    return all(p.exists() and _can(p, os.W_OK) for p in companions)


# -- creating owner-only files and folders -------------------------------------------

def make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents, each 0700; returns those made."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()][::-1]
    made: list[Path] = []
    try:
        for part in missing:
            part.mkdir(mode=FOLDER_MODE)
            os.chmod(part, FOLDER_MODE)
            made.append(part)
    except OSError as exc:
        remove_made(made)
        raise DatabaseError(f"cannot create the folder {folder}: {exc.strerror}") from None
    return made


def create_file(path: Path) -> None:
    """An empty 0600 file, made before SQLite would make it with the umask's mode."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:
        raise DatabaseError(f"cannot create {path}: {exc.strerror}") from None
    try:
        os.fchmod(handle, FILE_MODE)
    finally:
        os.close(handle)


def remove_made(made: list[Path]) -> None:
    for made_path in reversed(made):
        try:
            if made_path.is_dir():
                made_path.rmdir()
            else:
                made_path.unlink(missing_ok=True)
        except OSError:
            pass  # left for the person; the message already says what failed


# -- opening -------------------------------------------------------------------------------

class ReadOnlySqliteDatabase(pw.SqliteDatabase):
    """A store this user may read but not write: every write is refused with
    a ValidationError the screens already show, never a traceback."""

    def refusal(self) -> ValidationError:
        return ValidationError("This database is read-only: nothing can be saved")

    def begin(self, lock_type=None):
        raise self.refusal()

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except pw.OperationalError as exc:
            if "readonly" in str(exc) or "read-only" in str(exc):
                raise self.refusal() from None
            raise


def sqlite_database(path: Path, read_only: bool) -> pw.SqliteDatabase:
    if read_only:
        return ReadOnlySqliteDatabase(_read_only_uri(path), uri=True, timeout=10,
                                      pragmas=READ_ONLY_PRAGMAS)
    return pw.SqliteDatabase(
        str(path),
        lock_type="IMMEDIATE",  # take the write lock when a transaction begins
        timeout=10,
        pragmas=SQLITE_PRAGMAS,
    )


def postgres_url(target: str) -> dict:
    """The connection settings in a postgresql:// URL, or a DatabaseError saying
    what is wrong with it (never the password)."""
    from playhouse.db_url import parseresult_to_dict

    example = "postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
    try:
        url = urlsplit(target)
        url.port  # noqa: B018 -- a port that is no number raises here
    except ValueError as exc:
        raise DatabaseError(f"{shown(target)} is not a usable URL ({exc}); "
                            f"write {example}") from None
    settings = parseresult_to_dict(url, unquote_password=True, unquote_user=True)
    settings["database"] = unquote(settings["database"])
    if not settings["database"]:
        raise DatabaseError(f"{shown(target)} names no database; write {example}")
    settings.setdefault("connect_timeout", 10)  # an unreachable server: a message, not a hang
    return settings


class PostgresStore(ReconnectMixin, pw.PostgresqlDatabase):
    """The store server's database. A connection the server dropped (a restart,
    an idle timeout, a network break) is made again for the next statement
    outside a transaction or the next transaction; one dropped inside a
    transaction fails that transaction, nothing of it kept, and the till goes on."""

    reconnect_errors = tuple(
        (kind, fragment) for kind in (pw.OperationalError, pw.InterfaceError)
        for fragment in ("server closed the connection", "terminating connection",
                         "the connection is closed", "connection already closed",
                         "consuming input failed", "connection is lost"))


def postgres_database(target: str) -> pw.Database:
    settings = postgres_url(target)
    if not load_postgres_driver():
        raise DatabaseError(f"a postgresql:// database needs its driver: {POSTGRES_INSTALL}")
    return PostgresStore(settings.pop("database"), **settings)


def prepare_postgres(db: pw.Database, store: Store, create: bool) -> None:
    """A database on the server is a tui-pos store, or empty and ``create``
    allows starting one there; another application's tables are never touched."""
    target = store.target
    tables = {name for (name,) in db.execute_sql(  # pg_tables: also those this role may not read
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()}
    if TUI_POS_TABLES <= tables:
        return
    if tables:
        raise DatabaseError(f"{shown(target)} is not a tui-pos database "
                            "(it holds other tables)")
    if not create:
        raise DatabaseError(f"no tui-pos database in {shown(target)} yet; create one "
                            f"with `tui-pos init --db {shlex.quote(shown(target))}`")
    store.empty_on_server = True


def drop_new_tables(db: pw.Database) -> None:
    """Undo a store this open started on the server (the database held no table
    before it): drop every table now there. Best effort: a broken connection
    leaves them, and the next ``init`` finishes the store."""
    try:
        with db.atomic():
            for (name,) in db.execute_sql("SELECT tablename FROM pg_tables "
                                          "WHERE schemaname = current_schema()").fetchall():
                db.execute_sql('DROP TABLE IF EXISTS "%s" CASCADE' % name.replace('"', '""'))
    except pw.DatabaseError:
        pass  # the message already says what failed


def after_migrate(db: pw.Database) -> None:
    """The engine's own finishing touches once the schema is current."""
    if isinstance(db, pw.PostgresqlDatabase):
        from tui_pos.db import search

        search.prepare_postgres(db)


def prepare_sqlite(path: Path, create: bool, create_folder: bool,
                   read_only: bool | None) -> Store:
    """Check the file and, if asked, create it; nothing is written otherwise."""
    kind = inspect_sqlite(path)
    store = Store(target=str(path), path=path)
    if kind == "missing" or (kind == "empty" and not create):
        if not create:
            what = ("no tui-pos database" if kind == "missing"
                    else "an empty file, no tui-pos database,")
            raise DatabaseError(f"{what} at {path}; create one with {init_hint(path)}")
        if not path.parent.exists():
            if not create_folder:
                raise DatabaseError(f"the folder {path.parent} does not exist; create it, or "
                                    f"run `tui-pos init --create --db {shlex.quote(str(path))}`")
            store.made = make_folders(path.parent)
        try:
            create_file(path)
        except DatabaseError:
            remove_made(store.made)
            raise
        store.made.append(path)
        kind = "empty"
    store.was_empty = kind == "empty" and path not in store.made
    writable = is_writable(path)
    if read_only is None:
        read_only = not writable
    elif not read_only and not writable:
        raise DatabaseError(f"{path} is read-only; this needs to write it")
    if read_only and kind == "empty":
        raise DatabaseError(f"{path} is read-only and holds no tui-pos database yet")
    store.read_only = read_only
    return store


def open_database(target: str | None = None, migrate: bool = True, create: bool = True,
                  create_folder: bool = False, read_only: bool | None = None) -> pw.Database:
    """Bind the models to ``target`` and bring its schema up to date.

    ``create``: a missing (or 0-byte) file may become a new store, in an
    existing folder (``create_folder``: the folder too). ``read_only``: None
    opens read-only when this user cannot write the file, True always,
    False refuses a file that cannot be written. A read-only store is never
    migrated: one that needs it is refused.
    """
    global _store
    from tui_pos.db import migrations

    target = resolve_target(target)
    path = sqlite_path(target)
    if path is None:
        store = Store(target=target)
        db = postgres_database(target)
    else:
        store = prepare_sqlite(path, create, create_folder, read_only)
        db = sqlite_database(path, store.read_only)
    database.initialize(db)
    _store = store
    try:
        db.connect(reuse_if_open=True)
        if path is None:
            prepare_postgres(db, store, create)
        if store.read_only:
            check_version(db, store.path, migrations)
        elif migrate:
            migrations.migrate(db, backup=lambda: backup_sqlite(db))
            after_migrate(db)
    except DatabaseError:
        discard_failed_open(store)
        raise
    except (pw.DatabaseError, sqlite3.DatabaseError, OSError) as exc:
        discard_failed_open(store)
        raise DatabaseError(failure_message(store, exc)) from None
    return db


def check_version(db: pw.Database, path: Path, migrations) -> None:
    """A read-only store must already be at this tui-pos's schema version."""
    version = migrations.current_version(db)
    if version > migrations.LATEST:
        raise DatabaseError(f"{path}: this database is schema version {version}, "
                            f"newer than this tui-pos ({migrations.LATEST})")
    if version < migrations.LATEST:
        raise DatabaseError(f"{path} is read-only and needs an upgrade to schema version "
                            f"{migrations.LATEST}; make it writable and run {init_hint(path)}")


def discard_failed_open(store: Store) -> None:
    """After a failed open: close, and remove a store this open started."""
    if store.is_new:
        discard_new_store()
    else:
        close_database()


def discard_new_store() -> None:
    """Close and remove the store the last open started (after a failure), so
    no half-built store is left: a created file and its companions are
    deleted with the folders made for them; a file that was empty is empty again;
    a server database that held no table has none again."""
    store = _store
    if store is not None and store.is_new and store.path is None and database.obj is not None:
        drop_new_tables(database.obj)
    close_database()
    if store is None or not store.is_new or store.path is None:
        return
    for suffix in COMPANIONS:
        Path(str(store.path) + suffix).unlink(missing_ok=True)
    if store.was_empty:
        os.truncate(store.path, 0)
    remove_made(store.made)


# -- saying what went wrong ----------------------------------------------------------------

def disk_problem(exc: BaseException | None) -> str | None:
    """The disk's part in a failure, in words, or None if the disk is not to blame.

    The exceptions it led to are followed back: after a full disk SQLite has
    already rolled back, so the rollback that follows fails with "no
    transaction is active" and hides the cause in its context."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        problem = _disk_problem(exc)
        if problem is not None:
            return problem
        exc = exc.__cause__ or exc.__context__
    return None


def _disk_problem(exc: BaseException) -> str | None:
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if code == errno.EFBIG:
        return "the file grew beyond what this system allows"
    text = str(exc).lower()
    if "database or disk is full" in text:
        return "the disk is full"
    if "disk i/o error" in text:
        return "a disk error (I/O error; is the disk full?)"
    return None


# what a database that stopped answering raises (peewee wraps the drivers' own errors)
FAILURES = (pw.OperationalError, pw.InterfaceError, sqlite3.OperationalError)
# SQLite's words for a file it can no longer use, and what a cashier is told
SQLITE_GONE = (("unable to open", "the database file cannot be opened"),
               ("readonly database", "the database file cannot be written"),
               ("database is locked", "another program holds the database"),
               ("no such file", "the database file is gone"))


def unreachable(exc: BaseException | None) -> str | None:
    """Why the database stopped answering, in a few words, if that is what
    ``exc`` (or an error it came from) is: the server gone or refusing, the
    connection broken, the disk full, the file unreadable. None for any other
    failure, such as a mistake in a query, which is a bug to see whole."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, FAILURES):
            reason = _unreachable(exc)
            if reason is not None:
                return reason
        exc = exc.__cause__ or exc.__context__
    return None


def _unreachable(exc: BaseException) -> str | None:
    problem = _disk_problem(exc)
    if problem is not None:
        return problem
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    if _store is not None and _store.path is None:  # PostgreSQL: the driver's own words
        return text if _from_driver(exc) else None
    lowered = text.lower()
    return next((said for words, said in SQLITE_GONE if words in lowered), None)


def _from_driver(exc: BaseException | None) -> bool:
    """Did psycopg raise it (not peewee about a query it was given)?"""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if type(exc).__module__.startswith(("psycopg", "psycopg2")):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def failure_message(store: Store, exc: BaseException) -> str:
    where = store.path if store.path is not None else shown(store.target)
    problem = disk_problem(exc)
    if problem is None:
        return f"{where}: {exc}"
    return f"{problem}: could not write {where}" + ("; nothing was kept" if store.is_new else "")


def backup_sqlite(db: pw.Database) -> str | None:
    """Copy an SQLite file aside (owner-only) before a migration; returns the copy's path."""
    if not isinstance(db, pw.SqliteDatabase):
        return None
    path = Path(db.database)
    if not path.exists() or path.stat().st_size == 0:
        return None
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = path.with_name(path.name + ".bak")
    handle = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(handle, FILE_MODE)  # an older, wider .bak becomes owner-only too
    with os.fdopen(handle, "wb") as out, path.open("rb") as source:
        shutil.copyfileobj(source, out)
    return str(copy)


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()
