"""A throwaway PostgreSQL server for the tests: Debian's `postgresql` package, a fresh cluster in a temporary
folder, listening on 127.0.0.1 on a free port, stopped and deleted afterwards.

`make test` installs the package (scripts/ensure-debian-package). initdb refuses to run as root, so as root the
cluster belongs to the package's `postgres` user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from .conftest import free_port


def postgres_bin() -> Path | None:
    """The newest installed server's bin folder (/usr/lib/postgresql/<version>/bin), or None."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
    return versions[-1].parent if versions else None


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """The URL of a superuser connection to a new cluster; the cluster is gone after the block."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is missing: run scripts/ensure-debian-package postgresql (make test does)")
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="kb-postgres-"))
    data = folder / "data"
    port = free_port()
    try:
        if owner:
            shutil.chown(folder, owner)
        subprocess.run(
            _as_owner([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "kb", "-E", "UTF8"], owner),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=100"
        subprocess.run(
            _as_owner(
                [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
                owner,
            ),
            check=True,
            capture_output=True,
        )
        try:
            yield f"postgresql://kb@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], owner),
                capture_output=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server: str) -> str:
    """A fresh, empty database on `server`; its URL."""
    import psycopg

    name = "kb_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name
