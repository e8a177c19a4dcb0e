"""The console's database handle: one engine, and a worker thread that runs every query.

Nothing touches the database on the event loop's thread (under qasync, the GUI thread): callers
``await db.run(fn)`` and ``fn(session)`` runs on the database thread inside a transaction. A lost
database is reported once as :class:`DatabaseUnavailable` and on the ``state`` callback, so the
status bar can say so; the next successful call reports it back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from easysight_desktop.control.db.migrate import upgrade_to_head
from worker_node.settings import mask_url

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRIES = 5
RETRYABLE = {"40P01", "40001"}  # PostgreSQL: deadlock detected, serialization failure


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or refused the connection; the text says which."""


def create_database_engine(url: str) -> Engine:
    """An engine with the pragmas and pool settings each backend needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(
        parsed, pool_pre_ping=True, pool_size=4, connect_args=_connect_timeout(parsed)
    )


def _connect_timeout(url: Any) -> dict[str, Any]:
    return {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}


class Database:
    """Runs callables against the database on its own thread, one transaction each."""

    def __init__(self, url: str, *, on_state: Callable[[bool, str], None] | None = None) -> None:
        self.url = url
        self.safe_url = mask_url(url)
        self.engine = create_database_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # SQLite takes one writer at a time: one thread keeps it simple and lock-free.
        self.pool = ThreadPoolExecutor(
            max_workers=1 if self.is_sqlite else 3, thread_name_prefix="database"
        )
        self.on_state = on_state
        self.ok: bool | None = None

    async def run(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` on the database thread and commit; raise DatabaseUnavailable."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, self._run, fn)

    def run_blocking(self, fn: Callable[[Session], T]) -> T:
        """The same for code that already runs off the event loop (CLI, migrations)."""
        return self._run(fn)

    def _run(self, fn: Callable[[Session], T]) -> T:
        for attempt in range(RETRIES):
            try:
                return self._transaction(fn)
            except OperationalError as exc:
                # Two writers met in a deadlock or a serialization conflict and the server
                # rolled one back: no outage, the transaction simply runs again.
                if _sqlstate(exc) not in RETRYABLE or attempt == RETRIES - 1:
                    raise self._unavailable(exc) from None
                log.debug("database transaction retried after %s", _sqlstate(exc))
        raise AssertionError("unreachable")

    def _transaction(self, fn: Callable[[Session], T]) -> T:
        try:
            with self.sessions.begin() as session:
                result = fn(session)
        except OperationalError:
            raise  # _run decides: retry or unavailable
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise  # a bug or a constraint, not the database going away
            raise self._unavailable(exc) from None
        self._set_state(True, f"database {self.safe_url}")
        return result

    def _unavailable(self, exc: DBAPIError) -> DatabaseUnavailable:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        self._set_state(False, f"database {self.safe_url} unavailable: {detail}")
        return DatabaseUnavailable(f"database {self.safe_url} unavailable: {detail}")

    def _set_state(self, ok: bool, detail: str) -> None:
        if ok == self.ok:
            return
        self.ok = ok
        (log.info if ok else log.error)("%s", detail)
        if self.on_state is not None:
            self.on_state(ok, detail)

    async def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.pool, self.migrate_blocking)

    def migrate_blocking(self) -> None:
        try:
            upgrade_to_head(self.engine)
        except OperationalError as exc:
            raise self._unavailable(exc) from None
        self._set_state(True, f"database {self.safe_url}")

    async def ping(self) -> bool:
        try:
            await self.run(lambda s: s.execute(text("SELECT 1")))
        except DatabaseUnavailable:
            return False
        return True

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.engine.dispose()
