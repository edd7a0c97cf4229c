"""Versioned schema migrations for the SQLite store: numbered SQL files, the version in `PRAGMA user_version`."""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


class SchemaTooNew(Exception):
    """The database was written by a newer version of this package; changing it could lose data."""


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.fullmatch(path.name)
        if not match:
            raise ValueError(f"{path}: migration files are named NNNN_what_it_does.sql")
        found.append(Migration(int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise ValueError(f"{directory}: migrations must be numbered 1, 2, 3... without gaps, found {versions}")
    return found


def migrate(con: sqlite3.Connection, available: list[Migration] | None = None) -> int:
    """Bring the schema up to date, one transaction per migration; safe to run again and from two processes."""
    available = migrations() if available is None else available
    latest = available[-1].version if available else 0
    current = _version(con)
    if current > latest:
        raise SchemaTooNew(f"schema version {current} is newer than this package knows ({latest}); upgrade kb")
    for migration in available[current:]:
        _apply(con, migration)
    return _version(con)


def _apply(con: sqlite3.Connection, migration: Migration) -> None:
    # IMMEDIATE takes the write lock first, so a second process starting at the same moment waits, then sees
    # the new version and skips the migration instead of failing halfway through it.
    con.execute("BEGIN IMMEDIATE")
    try:
        if _version(con) >= migration.version:
            con.execute("COMMIT")
            return
        for statement in _statements(migration.sql):
            con.execute(statement)
        con.execute(f"PRAGMA user_version = {migration.version:d}")
        con.execute("COMMIT")
        log.info("applied migration %s", migration.name)
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _statements(sql: str) -> list[str]:
    # executescript() would commit the open transaction first; splitting keeps a migration all-or-nothing.
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not pending.strip().startswith("--"):
        statements.append(pending.strip())
    return statements


def _version(con: sqlite3.Connection) -> int:
    return con.execute("PRAGMA user_version").fetchone()[0]
