"""Bad paths are refused and nothing is written: each case is one line on
stderr, a non-zero exit, no traceback, and the folder byte for byte (and
mode for mode) as it was. What the program does create is owner-only."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.cli_run import one_line, run
from tui_pos.db import connection, migrations
from tui_pos.db.connection import close_database, open_database
from tui_pos.services.errors import ValidationError
from tests.actors import OWNER

CHECKOUT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No TUI_POS_DATABASE; the user data dir inside tmp; the TUI never really starts."""
    monkeypatch.delenv("TUI_POS_DATABASE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    import tui_pos.ui.app

    started: list[str] = []

    class NoTerminalApp:
        def __init__(self, database: str, actor=None, terminal=None):
            self.database = database

        def run(self) -> None:
            started.append(self.database)

    monkeypatch.setattr(tui_pos.ui.app, "PosApp", NoTerminalApp)
    return started




def snapshot(folder: Path) -> dict[str, tuple]:
    """Every file and folder below ``folder``: its mode, content hash and mtime."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        seen[str(path.relative_to(folder))] = (stat.S_IMODE(info.st_mode), content,
                                               info.st_mtime_ns)
    return seen


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def other_application(path: Path, journal: str = "delete") -> None:
    """A valid SQLite database of some other program (no tui-pos tables)."""
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA journal_mode={journal}")
    con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("CREATE TABLE schema_version (version INTEGER)")  # a common name
    con.execute("INSERT INTO contacts (name) VALUES ('Ada')")
    con.commit()
    con.close()


REPORT = ("report", "sales", "--by", "profile")
EVERY_COMMAND = {"report": REPORT, "tui": (), "init": ("init",),
                 "init-demo": ("init", "--demo")}
READING_COMMANDS = {"report": REPORT, "tui": ()}


# -- a missing database or folder ------------------------------------------------------

@pytest.mark.parametrize("command", READING_COMMANDS.values(), ids=READING_COMMANDS)
@pytest.mark.parametrize("where", ["missing.db", "no/such/folder/x.db"])
def test_report_and_the_tui_never_create_a_database(tmp_path, capsys, command, where,
                                                    clean_environment):
    target = tmp_path / where
    before = snapshot(tmp_path)
    code, out, err = run(capsys, *command, "--db", str(target))
    assert code == 1 and out == ""
    assert one_line(err) == (f"tui-pos: no tui-pos database at {target}; create one with "
                             f"`tui-pos init --db {target}`")
    assert snapshot(tmp_path) == before
    assert clean_environment == []  # the TUI was not started


@pytest.mark.parametrize("command", READING_COMMANDS.values(), ids=READING_COMMANDS)
def test_the_default_location_is_not_created_by_report_or_the_tui(tmp_path, capsys, command):
    code, out, err = run(capsys, *command)
    assert code == 1
    default = tmp_path / "data" / "tui-pos" / "tui-pos.db"
    assert one_line(err) == (f"tui-pos: no tui-pos database at {default}; create one with "
                             "`tui-pos init`")
    assert not (tmp_path / "data").exists()


def test_init_creates_the_default_location_owner_only(tmp_path, capsys):
    os.umask(0)  # what SQLite would make world-readable is made owner-only regardless
    try:
        code, out, err = run(capsys, "init")
    finally:
        os.umask(0o022)
    assert code == 0 and err == ""
    home = tmp_path / "data" / "tui-pos"
    assert (home / "tui-pos.db").is_file()
    assert mode(tmp_path / "data") == mode(home) == 0o700
    assert mode(home / "tui-pos.db") == 0o600


def test_init_creates_a_missing_folder_only_when_asked(tmp_path, capsys):
    target = tmp_path / "shop" / "till" / "pos.db"
    before = snapshot(tmp_path)
    code, out, err = run(capsys, "init", "--db", str(target))
    assert code == 1 and out == ""
    line = one_line(err)
    assert f"the folder {target.parent} does not exist" in line and "--create" in line
    assert snapshot(tmp_path) == before
    code, out, err = run(capsys, "init", "--create", "--db", str(target))
    assert code == 0 and err == ""
    assert mode(tmp_path / "shop") == mode(target.parent) == 0o700
    assert mode(target) == 0o600


def test_the_database_its_wal_and_shm_and_the_backup_are_owner_only(tmp_path, monkeypatch):
    path = tmp_path / "pos.db"
    os.umask(0)
    try:
        open_database(str(path))
        from tui_pos.services import masters

        masters.save_profile(OWNER, "Retail")  # writes the -wal; the -shm is there while open
        companions = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(p.exists() for p in companions)
        assert [mode(p) for p in [path, *companions]] == [0o600, 0o600, 0o600]
        close_database()
        steps = list(migrations.MIGRATIONS)
        monkeypatch.setattr(migrations, "MIGRATIONS",
                            [*steps, lambda db: db.execute_sql("CREATE TABLE extra (x)")])
        monkeypatch.setattr(migrations, "LATEST", len(steps) + 1)
        Path(f"{path}.bak").write_bytes(b"an old, world-readable backup")
        os.chmod(f"{path}.bak", 0o644)
        open_database(str(path))  # migrates: the .bak is made first
    finally:
        close_database()
        os.umask(0o022)
    backup = Path(f"{path}.bak")
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")
    assert mode(backup) == 0o600


# -- a file that is not a tui-pos database ---------------------------------------------

@pytest.mark.parametrize("command", EVERY_COMMAND.values(), ids=EVERY_COMMAND)
@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_applications_database_is_refused_unchanged(tmp_path, capsys, command,
                                                            journal):
    other = tmp_path / "contacts.sqlite"
    other_application(other, journal)
    before = snapshot(tmp_path)
    code, out, err = run(capsys, *command, "--db", str(other))
    assert code == 1 and out == ""
    assert one_line(err) == f"tui-pos: {other} is not a tui-pos database"
    assert snapshot(tmp_path) == before  # not even WAL mode, no -wal/-shm beside it


def test_an_empty_file_becomes_a_store_with_init_but_report_refuses_it(tmp_path, capsys):
    empty = tmp_path / "new.db"
    empty.touch()
    before = snapshot(tmp_path)
    code, out, err = run(capsys, *REPORT, "--db", str(empty))
    assert code == 1 and "an empty file, no tui-pos database, at" in one_line(err)
    assert snapshot(tmp_path) == before
    code, out, err = run(capsys, "init", "--db", str(empty))
    assert code == 0 and err == "" and "is ready" in out
    assert run(capsys, *REPORT, "--db", str(empty))[0] == 0


# -- what --db may say -----------------------------------------------------------------

@pytest.mark.parametrize("command", EVERY_COMMAND.values(), ids=EVERY_COMMAND)
@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_db_is_an_error(tmp_path, capsys, monkeypatch, command, value):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *command, "--db", value)
    assert code == 1 and out == ""
    assert one_line(err) == ("tui-pos: --db is empty: name a database file or a "
                             "postgresql:// URL")
    assert list(tmp_path.iterdir()) == []  # not the default store either


def test_sqlite_urls_name_files(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "init", "--db", "sqlite:///relative.db")
    assert code == 0 and err == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["relative.db"]  # no "sqlite:"
    absolute = tmp_path / "abs.db"
    code, out, err = run(capsys, "init", "--db", f"sqlite:///{absolute}")  # sqlite:////tmp/…
    assert code == 0 and absolute.is_file()
    code, out, err = run(capsys, *REPORT, "--format", "csv", "--db", f"sqlite:///{absolute}")
    assert code == 0 and out.startswith("profile,key,sales")


@pytest.mark.parametrize("url", ["mysql://shop@localhost/pos", "http://example.com/pos.db",
                                 "foo://bar"])
@pytest.mark.parametrize("command", EVERY_COMMAND.values(), ids=EVERY_COMMAND)
def test_other_url_schemes_are_refused_by_name(tmp_path, capsys, monkeypatch, url, command):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *command, "--db", url)
    scheme = url.split(":")[0]
    assert code == 1 and out == ""
    assert one_line(err).startswith(f"tui-pos: {scheme}:// databases are not supported")
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_url_with_a_host_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *REPORT, "--db", "sqlite://server/pos.db")
    assert code == 1 and "not a sqlite URL of a file" in one_line(err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["postgresql://shop:s3cret@localhost/pos",
                                 "postgres://localhost/pos"])
@pytest.mark.parametrize("command", EVERY_COMMAND.values(), ids=EVERY_COMMAND)
def test_postgresql_without_its_driver_names_the_install_step(tmp_path, capsys, monkeypatch,
                                                              url, command):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    code, out, err = run(capsys, *command, "--db", url)
    assert code == 1 and out == ""
    assert one_line(err) == ("tui-pos: a postgresql:// database needs its driver: "
                             "pip install 'tui-pos[postgres]'")
    assert list(tmp_path.iterdir()) == []


def test_a_url_password_is_not_shown():
    assert connection.shown("postgresql://shop:s3cret@db.local:5432/pos") == \
        "postgresql://shop:***@db.local:5432/pos"


# -- a full disk -------------------------------------------------------------------------

@pytest.fixture
def tiny_disk(monkeypatch):
    """SQLite's own limit: past this many pages a write fails with SQLITE_FULL
    ("database or disk is full"), as on a full disk. A new store takes ~60."""
    def limit(pages: int) -> None:
        monkeypatch.setitem(connection.SQLITE_PRAGMAS, "max_page_count", pages)
    return limit


def test_init_demo_on_a_full_disk_leaves_no_store(tmp_path, capsys, tiny_disk):
    tiny_disk(66)  # room for the schema, not for the demo
    target = tmp_path / "demo.db"
    code, out, err = run(capsys, "init", "--demo", "--db", str(target))
    assert code == 1 and out == ""
    assert one_line(err) == (f"tui-pos: the disk is full: could not write {target}; "
                             "nothing was kept")
    assert list(tmp_path.iterdir()) == []


def test_init_on_a_full_disk_leaves_no_store_nor_the_folders_it_made(tmp_path, capsys,
                                                                      tiny_disk):
    tiny_disk(10)  # not even room for the schema
    target = tmp_path / "new" / "pos.db"
    code, out, err = run(capsys, "init", "--create", "--db", str(target))
    assert code == 1 and "the disk is full" in one_line(err)
    assert list(tmp_path.iterdir()) == []


def test_init_demo_on_a_full_disk_keeps_an_existing_store_as_it_was(tmp_path, capsys,
                                                                    tiny_disk):
    target = tmp_path / "shop.db"
    assert run(capsys, "init", "--db", str(target))[0] == 0
    tiny_disk(66)
    code, out, err = run(capsys, "init", "--demo", "--db", str(target))
    assert code == 1
    assert one_line(err) == (f"tui-pos: the disk is full: could not write {target}; "
                             "the demo store was not added")
    con = sqlite3.connect(target)
    counts = [con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("item", "customer", "sale", "vat_class", "customer_profile")]
    con.close()
    assert counts == [0, 0, 0, 3, 0]  # no half-built demo


def test_a_real_process_out_of_file_space_says_so_in_one_line(tmp_path):
    """The CLI in its own process with a file-size limit (RLIMIT_FSIZE): writes
    beyond it fail as on a full disk."""
    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    env = {k: v for k, v in os.environ.items() if k != "TUI_POS_DATABASE"}
    target = tmp_path / "demo.db"
    done = subprocess.run([sys.executable, "-m", "tui_pos.cli", "init", "--demo", "--db",
                           str(target)], cwd=CHECKOUT, env=env, preexec_fn=small_files,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    line = one_line(done.stderr)
    assert "disk" in line and f"could not write {target}; nothing was kept" in line
    assert list(tmp_path.iterdir()) == []


# -- a second demo --------------------------------------------------------------------

def test_a_second_init_demo_says_it_added_nothing(tmp_path, capsys):
    target = tmp_path / "demo.db"
    assert run(capsys, "init", "--demo", "--db", str(target))[0] == 0
    con = sqlite3.connect(target)
    customers = con.execute("SELECT COUNT(*) FROM customer").fetchone()
    con.close()
    code, out, err = run(capsys, "init", "--demo", "--db", str(target))
    assert code == 1 and out == "" and "with the demo store" not in err
    assert one_line(err) == (f"tui-pos: {target} already has data; the demo store was "
                             "not added")
    con = sqlite3.connect(target)
    assert con.execute("SELECT COUNT(*) FROM customer").fetchone() == customers
    con.close()


# -- a read-only database -------------------------------------------------------------

def nobody() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


@contextlib.contextmanager
def as_a_reader():
    """Act as a user who may not write the store: root writes everything, so
    as root the test runs with the effective ids of ``nobody``."""
    if os.geteuid() != 0:
        yield
        return
    uid, gid = nobody()
    os.setegid(gid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def read_only_store(capsys):
    """A demo store in a folder the reader can look into but not write, the
    file read-only; returns (folder, file, its report as the owner prints it)."""
    folder = Path(tempfile.mkdtemp(prefix="tui-pos-ro-"))
    path = folder / "shop.db"
    assert run(capsys, "init", "--demo", "--db", str(path))[0] == 0
    code, expected, _ = run(capsys, *REPORT, "--db", str(path))
    assert code == 0
    os.chmod(path, 0o444)
    os.chmod(folder, 0o555)
    yield folder, path, expected
    os.chmod(folder, 0o700)
    os.chmod(path, 0o600)
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


def test_report_works_on_a_read_only_database_and_writes_nothing(read_only_store, capsys):
    folder, path, expected = read_only_store
    before = snapshot(folder)
    with as_a_reader():
        assert not os.access(path, os.W_OK, effective_ids=True)  # really read-only
        code, out, err = run(capsys, *REPORT, "--db", str(path))
    assert (code, err) == (0, "")
    assert out == expected and "Retail" in out
    assert snapshot(folder) == before  # no -wal, no -shm left behind


def test_the_tui_starts_on_a_read_only_database(read_only_store, capsys, clean_environment):
    folder, path, _ = read_only_store
    with as_a_reader():
        code, out, err = run(capsys, "--db", str(path))
    assert (code, err) == (0, "")
    assert clean_environment == [str(path)]  # the app was started on it


def test_init_refuses_a_read_only_database(read_only_store, capsys):
    folder, path, _ = read_only_store
    before = snapshot(folder)
    with as_a_reader():
        code, out, err = run(capsys, "init", "--db", str(path))
    assert code == 1 and one_line(err) == f"tui-pos: {path} is read-only; this needs to write it"
    assert snapshot(folder) == before


def test_a_read_only_database_is_not_migrated(read_only_store, capsys, monkeypatch):
    folder, path, _ = read_only_store
    before = snapshot(folder)
    steps = list(migrations.MIGRATIONS)
    monkeypatch.setattr(migrations, "MIGRATIONS",
                        [*steps, lambda db: db.execute_sql("CREATE TABLE extra (x)")])
    monkeypatch.setattr(migrations, "LATEST", len(steps) + 1)
    with as_a_reader():
        code, out, err = run(capsys, *REPORT, "--db", str(path))
    assert code == 1 and out == ""
    assert one_line(err) == (f"tui-pos: {path} is read-only and needs an upgrade to schema "
                             f"version {len(steps) + 1}; make it writable and run "
                             f"`tui-pos init --db {path}`")
    assert snapshot(folder) == before


def test_services_refuse_to_write_a_read_only_database(db_file):
    from tui_pos.db.models import BusinessConfig
    from tui_pos.services import config, masters

    open_database(db_file)
    masters.save_profile(OWNER, "Retail")
    close_database()
    before = Path(db_file).read_bytes()
    open_database(db_file, read_only=True)
    try:
        with pytest.raises(ValidationError, match="read-only: nothing can be saved"):
            masters.save_profile(OWNER, "Wholesale")
        with pytest.raises(ValidationError, match="read-only"):
            config.set_switch(OWNER, "show_customer_profile", True)
        with pytest.raises(ValidationError, match="read-only"):  # a write outside a transaction
            BusinessConfig.update(store_name="x").execute()
        assert [p.name for p in masters.list_profiles()] == ["Retail"]  # reading works
    finally:
        close_database()
    assert Path(db_file).read_bytes() == before


# -- what to report, and argparse ------------------------------------------------------

def test_report_without_sales_reports_sales(tmp_path, capsys):
    target = str(tmp_path / "demo.db")
    assert run(capsys, "init", "--demo", "--db", target)[0] == 0
    short = run(capsys, "report", "--by", "profile", "--db", target)
    full = run(capsys, "report", "sales", "--by", "profile", "--db", target)
    assert short == full and short[0] == 0 and "Retail" in short[1]


def test_report_without_by_says_how_to_group(tmp_path, capsys):
    code, out, err = run(capsys, "report", "--db", str(tmp_path / "x.db"))
    assert code == 1
    assert one_line(err) == ("tui-pos: group the report by something: `tui-pos report sales "
                             "--by profile|type|customer|day|item`")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [("report", "sales", "--by"), ("init", "--bogus"),
                                  ("report", "stock", "--by", "day"), ("--nope",),
                                  ("report", "--by", "day", "--format", "xlsx")])
def test_argparse_errors_are_one_line(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    one_line(err)
    assert list(tmp_path.iterdir()) == []
