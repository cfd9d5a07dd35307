"""Receipt files: one folder per database, written atomically, repaired from the sale.

The database is the truth: ``Sale.receipt_text`` is written in the sale's own
transaction. The file is a copy made after the commit, so a crash, a full
disk or a killed terminal can leave it missing or stale but never the sale.
``repair_receipts`` rewrites such files from the database at the next start
(and on a reprint); a watermark file keeps that check to the new sales.

Files are owner-only (0600 in 0700 folders): receipts name customers.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import tempfile
import unicodedata
from functools import lru_cache
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import peewee as pw

from tui_pos.db.connection import DatabaseError, sqlite_path
from tui_pos.db.models import Sale
from tui_pos.services.errors import NotFound, ValidationError

WATERMARK = ".verified"  # the highest sale number whose file is known complete
LOCK = ".lock"            # held shared while writing; exclusive to clear stale temporaries
TEMP_PREFIX = ".tmp-"     # a temporary file: the final name follows the prefix
PAGE = 500                # sales read per query while repairing
FOLDER_MODE, FILE_MODE = 0o700, 0o600

try:  # POSIX; elsewhere stale temporaries are cleared by age
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
STALE_AFTER = dt.timedelta(minutes=10)


class ReceiptNotSaved(ValidationError):
    """A receipt file could not be written. The sale itself is saved."""

    def __init__(self, path: Path, error: OSError):
        reason = error.strerror or str(error)
        super().__init__(f"could not write {path}: {reason}", "receipt")
        self.path = path


# -- where -------------------------------------------------------------------------------

def receipts_folder(database_target: str) -> Path:
    """Each database its own folder: ``demo.db`` → ``demo-receipts/`` beside it.

    For a PostgreSQL URL: a folder in the user data directory named after the
    server and the database (never the user or password).
    """
    try:
        path = sqlite_path(database_target)  # a path or sqlite:///PATH
    except DatabaseError as error:
        raise ValidationError(str(error), "database") from None
    if path is None:
        from platformdirs import user_data_dir

        url = urlsplit(database_target)
        parts = [url.hostname or "localhost", str(url.port or ""), url.path.lstrip("/")]
        name = _safe_name("-".join(p for p in parts if p))
        return Path(user_data_dir("tui-pos", appauthor=False)) / f"{name}-receipts"
    file = path.resolve()
    return file.parent / f"{_safe_name(file.stem)}-receipts"


def _safe_name(text: str) -> str:
    """A folder name from any text: no separators, not hidden, not too long."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).lstrip(".")[:100]
    return name or "database"


def receipt_path(folder: str | Path, number: int) -> Path:
    return Path(folder) / f"receipt-{number:06d}.txt"


# -- writing -----------------------------------------------------------------------------

def write_receipt(folder: str | Path, number: int, text: str) -> Path:
    """Write one receipt file atomically; ``ReceiptNotSaved`` says why it could not."""
    path = receipt_path(folder, number)
    _write_atomically(path, text.encode("utf-8"))
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    """Temporary file in the same folder, fsync, rename over, fsync the folder."""
    try:
        _make_folder(path.parent)
        with _writing(path.parent):
            fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX + path.name + "-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:  # mkstemp: 0600
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, path)
            except BaseException:
                _remove(Path(temp))
                raise
        _sync_folder(path.parent)
    except OSError as error:
        raise ReceiptNotSaved(path, error) from None


def _make_folder(folder: Path) -> None:
    """Create the folder (and missing parents) owner-only."""
    if folder.is_dir():
        return
    missing = [folder, *(p for p in folder.parents if not p.exists())]
    for part in reversed(missing):
        part.mkdir(mode=FOLDER_MODE, exist_ok=True)
        part.chmod(FOLDER_MODE)  # whatever the umask


@contextmanager
def _writing(folder: Path):
    """A shared lock on the folder's lock file while a temporary file exists."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; filesystems that cannot are let be."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


# -- repairing ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RepairReport:
    checked: int                 # sales whose file was compared with the database
    rewritten: tuple[int, ...]   # sale numbers whose file was missing or partial
    temporaries_removed: int     # left behind by a killed writer
    verified_up_to: int          # the new watermark
    first_check: bool = False    # a new folder: files written for the first time, not repaired


FIRST_CHECK = 1000  # sales checked in a folder that has no watermark yet


def repair_receipts(folder: str | Path, page: int = PAGE) -> RepairReport:
    """Rewrite every missing or partial receipt file from ``Sale.receipt_text``.

    Only sales above the watermark are checked, page by page by number; the
    watermark moves up after each page. A folder without a watermark (a new
    store, a new folder after an upgrade) is checked over its newest
    ``FIRST_CHECK`` sales only — a crash can only have left the newest
    without their file; an older receipt is written again on reprint.
    """
    folder = Path(folder)
    try:
        removed = _remove_stale_temporaries(folder)
        after = _watermark(folder)
        first = after == 0
        if first:
            newest = Sale.select(pw.fn.MAX(Sale.number)).scalar() or 0
            after = max(0, newest - FIRST_CHECK)
        checked, rewritten = 0, []
        while rows := _sales_after(after, page):
            for number, text in rows:
                checked += 1
                if not _is_complete(receipt_path(folder, number), text):
                    write_receipt(folder, number, text)
                    rewritten.append(number)
            after = rows[-1][0]
            _set_watermark(folder, after)
    except pw.DatabaseError as error:
        raise ValidationError(f"The sales could not be read to check the receipts: {error}",
                              "receipt") from None
    return RepairReport(checked, tuple(rewritten), removed, after, first)


def _sales_after(number: int, page: int) -> list[tuple[int, str]]:
    """The next page of (number, receipt text): only what the check needs."""
    return list(Sale.select(Sale.number, Sale.receipt_text)
                .where(Sale.number > number).order_by(Sale.number).limit(page).tuples())


def reprint(number: int, folder: str | Path) -> Path:
    """Write the receipt of sale ``number`` again (and repair any newer ones)."""
    try:
        row = Sale.select(Sale.receipt_text).where(Sale.number == number).tuples().first()
    except pw.DatabaseError as error:
        raise ValidationError(f"Sale {number} could not be read: {error}", "sale") from None
    if row is None:
        raise NotFound(f"There is no sale {number}", "sale")
    path = write_receipt(folder, number, row[0])
    repair_receipts(folder)
    return path


def _is_complete(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _watermark(folder: Path) -> int:
    """The verified number, if it still belongs to this database; else 0.

    The file holds the number and that sale's time: a database replaced by
    another (a restored backup, a new demo store) is checked from the start.
    """
    try:
        number_text, created = (folder / WATERMARK).read_text("utf-8").split("\n")[:2]
        number = int(number_text)
    except (OSError, ValueError, UnicodeDecodeError):
        return 0
    if _fingerprint(number) != created:
        return 0
    return number


def _fingerprint(number: int) -> str | None:
    row = Sale.select(Sale.created_at).where(Sale.number == number).tuples().first()
    return None if row is None else str(row[0])


def _set_watermark(folder: Path, number: int) -> None:
    _write_atomically(folder / WATERMARK, f"{number}\n{_fingerprint(number)}\n".encode())


def _remove_stale_temporaries(folder: Path) -> int:
    """Temporary files of writers that died; never one still being written."""
    if not folder.is_dir() or not any(folder.glob(TEMP_PREFIX + "*")):
        return 0
    try:
        with _no_one_writing(folder) as free:
            if not free:
                return 0  # someone is writing now: cleared next time
            stale = list(folder.glob(TEMP_PREFIX + "*"))
            for temp in stale:
                _remove(temp)
            return len(stale)
    except OSError as error:
        raise ReceiptNotSaved(folder, error) from None


@contextmanager
def _no_one_writing(folder: Path):
    """Yields True while no writer holds the folder's lock (POSIX), or, elsewhere,
    when the newest temporary file is old enough to be a dead writer's."""
    if fcntl is None:  # pragma: no cover - Windows
        cutoff = dt.datetime.now().timestamp() - STALE_AFTER.total_seconds()
        yield all(t.stat().st_mtime < cutoff for t in folder.glob(TEMP_PREFIX + "*"))
        return
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


# -- layout: terminal cells ------------------------------------------------------------------

@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    """How many terminal columns a character takes: 2 for wide (CJK), 0 for marks."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    if text.isascii():  # the common case, on the hot path of every sale
        return len(text)
    return sum(char_cells(c) for c in text)


def cut_cells(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` terminal columns (a wide character is
    never split in half)."""
    if text.isascii():
        return text[:width]
    used = 0
    for index, char in enumerate(text):
        used += char_cells(char)
        if used > width:
            return text[:index]
    return text
