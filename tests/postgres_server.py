"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder,
started on 127.0.0.1 and a free port, stopped and removed at the end.

PostgreSQL refuses to run as root, so as root the server runs as ``nobody``
(via ``runuser``). Nothing here is tui-pos code: the suite uses it to run the
service tests a second time against a real server.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SERVER_USER = "nobody"
SETTINGS = {  # a test server: speed over durability, few connections
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "60",
    "shared_buffers": "32MB",
}


class ServerUnavailable(Exception):
    """No PostgreSQL server can be started here; the message says why."""


def binaries() -> Path | None:
    """The folder of initdb/pg_ctl: $PG_BIN, Debian's newest, or the PATH."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                    else 0)
    for folder in reversed(debian):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self) -> None:
        self.bin = binaries()
        if self.bin is None:
            raise ServerUnavailable("PostgreSQL's initdb/pg_ctl not found "
                                    "(apt-get install postgresql)")
        self.as_root = os.geteuid() == 0
        if self.as_root and shutil.which("runuser") is None:
            raise ServerUnavailable("running as root and runuser is missing")
        self.root = Path(tempfile.mkdtemp(prefix="tui-pos-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=120, cwd=self.root)
        if done.returncode != 0:
            tail = done.stdout.strip().splitlines()[-3:]
            if self.log.exists():
                tail += self.log.read_text(errors="replace").strip().splitlines()[-3:]
            raise ServerUnavailable(f"{args[0]} failed: " + " | ".join(tail))

    def start(self) -> "Server":
        if self.as_root:
            shutil.chown(self.root, SERVER_USER)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        for _ in range(3):  # a port found free may be taken before the server binds it
            self.port = free_port()
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w",
                          "-t", "60", "-o", f"-p {self.port} -k {self.root} {options}",
                          "start")
                return self
            except ServerUnavailable:
                if "could not bind" not in self.log.read_text(errors="replace"):
                    raise
        raise ServerUnavailable("no free port for PostgreSQL")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            if self.port:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
