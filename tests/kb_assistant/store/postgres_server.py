"""A throwaway PostgreSQL cluster from Debian's postgresql package, on a free port."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import missing
from tests.kb_assistant.conftest import free_port


def postgres_program(name: str) -> str:
    """initdb / pg_ctl: on PATH, or where Debian puts them (/usr/lib/postgresql/N/bin)."""
    debian = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))  # the newest version last
    found = shutil.which(name) or (debian[-1] if debian else None)
    if found is None:
        missing(f"{name} is missing: apt-get install postgresql")
    assert found is not None
    return found


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as Debian's `postgres` user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def postgres_cluster() -> Iterator[tuple[str, Path]]:
    """Start a cluster in a temporary folder; yield its URL and folder; stop it and remove the
    folder on exit. The folder is not pytest's: those are closed to the `postgres` user."""
    initdb, pg_ctl = postgres_program("initdb"), postgres_program("pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="kb-postgres-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    run = subprocess.run(
        _as_postgres([initdb, "-D", str(data), "-A", "trust", "-U", "kb", "--no-sync", "-E", "UTF8"]),
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {run.stderr.strip()}")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "-t", "30", "start"]
    subprocess.run(_as_postgres(start), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"postgresql://kb@127.0.0.1:{port}/postgres", root
    finally:
        stop = [pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]
        subprocess.run(_as_postgres(stop), check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def restart(url: str, root: Path) -> None:
    """Restart the cluster (every client connection is dropped)."""
    pg_ctl = postgres_program("pg_ctl")
    port = url.rsplit(":", 1)[1].split("/")[0]
    options = f"-p {port} -k {root / 'sockets'} -c listen_addresses=127.0.0.1 -c fsync=off"
    command = [pg_ctl, "-D", str(root / "data"), "-o", options, "-l", str(root / "log")]
    command += ["-m", "fast", "-w", "-t", "30", "restart"]
    # the new server must not hold our pipes open: its output goes to the log file
    subprocess.run(_as_postgres(command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
