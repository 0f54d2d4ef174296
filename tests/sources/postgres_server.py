"""A throwaway PostgreSQL server for the JDBC tests: initdb into a temporary folder, a free port
on 127.0.0.1 (and a unix socket in the folder), a database and a user with a password.

Import `postgres` into a test module to use it. Without the server binaries (Debian's
`postgresql` package; `make test` installs it when it runs as root) the tests are skipped.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ADMIN = "prodi_admin"


@dataclass(frozen=True)
class Postgres:
    port: int
    database: str
    user: str
    password: str
    socket_dir: Path
    log: Path
    bindir: Path

    @property
    def url(self) -> str:
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{self.database}"

    def sql(self, statements: str, database: str | None = None) -> list[list[str]]:
        """Run `statements` as the admin (over the socket); the rows of the last one."""
        done = subprocess.run(
            [str(self.bindir / "psql"), "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
             "-h", str(self.socket_dir), "-p", str(self.port), "-U", ADMIN, "-d", database or self.database],
            input=statements, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return [line.split("\t") for line in done.stdout.splitlines() if line]

    def statements(self) -> str:
        """The server's log: every statement it ran (log_statement=all)."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                  key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(dirs[-1]).parent if dirs else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: then it runs as the `postgres` OS user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(cmd)}:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    bindir = _bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server (initdb) on this machine: `make test` installs Debian's "
                    "postgresql when it runs as root")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: PostgreSQL can't be started")
    # Not under pytest's root-only temp folder: the server's OS user must reach it.
    folder = Path(tempfile.mkdtemp(prefix="prodi-pg-"))
    data, log = folder / "data", folder / "server.log"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    folder.chmod(0o755)  # the log is read by the tests
    port = _free_port()
    server = Postgres(port, "shop", "etl", "s3cr3t-Pa55", folder, log, bindir)
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", ADMIN, "--auth-local=trust",
              "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"])
        options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c log_statement=all")
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w",
              "start"])
        server.sql(f"CREATE ROLE {server.user} LOGIN PASSWORD '{server.password}';"
                   f"CREATE DATABASE {server.database} OWNER {server.user};", database="postgres")
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                            "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
