"""PostgreSQL's driver, loaded only when a postgresql:// store is opened.

peewee imports psycopg (or psycopg2) at its own import whenever one is
installed: about 17 MiB and 0.1-0.3 s of every till's start, also on a
SQLite store that never needs it. ``import_peewee`` (run by the package's
``__init__``, before anything imports peewee) imports peewee with the
drivers kept out; ``load_postgres_driver`` imports one when a
postgresql:// URL is opened and gives peewee the names its own import
would have set. This module imports neither peewee nor a driver itself.
"""

from __future__ import annotations

import sys

DRIVERS = ("psycopg2cffi", "psycopg2", "psycopg")


def import_peewee() -> None:
    """Import peewee (and playhouse.migrate, which every open of a store
    needs) with the PostgreSQL drivers kept out of the process.

    A driver already imported (or already kept out) is left as it is, and
    peewee then finds it as usual."""
    if "peewee" in sys.modules:
        return
    kept_out = [name for name in DRIVERS if name not in sys.modules]
    for name in kept_out:
        sys.modules[name] = None  # `import psycopg` now raises ImportError
    try:
        import peewee  # noqa: F401
        import playhouse.migrate  # noqa: F401  (its cockroachdb module imports psycopg too)
    finally:
        for name in kept_out:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def load_postgres_driver() -> bool:
    """Import psycopg (else psycopg2) for peewee; False when neither is installed."""
    import peewee

    return _load_psycopg(peewee) or _load_psycopg2(peewee)


def _load_psycopg(peewee) -> bool:
    try:
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb
    except ImportError:
        return False
    peewee.psycopg = psycopg
    peewee.TransactionStatus = TransactionStatus
    peewee.Json_pg3, peewee.Jsonb_pg3 = Json, Jsonb
    adapter = peewee.Psycopg3Adapter  # its class body reads these only when psycopg was there
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN
    return True


def _load_psycopg2(peewee) -> bool:
    try:
        from psycopg2cffi import compat
    except ImportError:
        pass
    else:
        compat.register()
    try:
        import psycopg2
        from psycopg2 import extensions
        from psycopg2.extras import Json, register_uuid
    except ImportError:
        return False
    if peewee.psycopg2 is None:
        register_uuid()
    peewee.psycopg2, peewee.pg_extensions = psycopg2, extensions
    peewee.pg_register_uuid, peewee.Json_pg2 = register_uuid, Json
    adapter = peewee.Psycopg2Adapter
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
    return True
