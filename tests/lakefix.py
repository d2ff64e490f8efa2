"""Throwaway servers for the lake tests: PostgreSQL (the catalog), a local S3 (moto) and a Dask cluster.

Each runs as a child process of the test session on this machine only (a unix socket, or
127.0.0.1), and is stopped and removed by its fixture. PostgreSQL refuses to run as root: as
root its programs run as the `postgres` user (runuser for the tools, setpriv for the server,
which stays our own child so it is reaped when stopped). The servers skip the tests that
need them when their programs are missing (`apt-get install postgresql`, `pip install
'minutes[lake]'` and moto[server]); CI installs both.
"""
from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, group: bool = False) -> None:
    """Stop a child (its whole process group when `group`) and reap it."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig) if group else proc.send_signal(sig)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL) if group else proc.kill()
        proc.wait()


# PostgreSQL --------------------------------------------------------------------------------

def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class Postgres:
    socket_dir: str
    dbname: str = "lake"

    @property
    def lake(self) -> str:
        """The lake name of this database, as --db takes it."""
        return f"ducklake:postgres:dbname={self.dbname} user=postgres host={self.socket_dir} port=5432"

    def create(self, dbname: str) -> Postgres:
        """Another empty database on the same server (one lake each)."""
        _as_postgres([str(pg_bindir() / "createdb"), "-h", self.socket_dir, "-U", "postgres", dbname])
        return Postgres(self.socket_dir, dbname)


def _as_postgres(cmd: list[str]) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(prefix + cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextlib.contextmanager
def throwaway_postgres():
    """A PostgreSQL server on a private unix socket, with an empty database `lake`."""
    bindir = pg_bindir()
    tmp = Path(tempfile.mkdtemp(prefix="pgfx-"))  # short: a socket path must stay under 108 bytes
    data, sock = tmp / "data", tmp / "sock"
    sock.mkdir()
    setpriv: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        for p in (tmp, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        setpriv = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
    proc = None
    try:
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--locale=C", "--no-sync"])
        opts = (f"-p 5432 -k {sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c max_connections=200")
        with open(tmp / "log", "wb") as log:
            proc = subprocess.Popen([*setpriv, str(bindir / "postgres"), "-D", str(data), *shlex.split(opts)],
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait(lambda: _pg_ready(data, proc), 60, "PostgreSQL")
        server = Postgres(str(sock))
        server.create("lake")
        yield server
    finally:
        _stop(proc, signal.SIGQUIT)  # what `pg_ctl stop -m immediate` sends
        shutil.rmtree(tmp, ignore_errors=True)


def _pg_ready(data: Path, proc: subprocess.Popen) -> bool:
    if proc.poll() is not None:
        raise RuntimeError("PostgreSQL exited at start")
    with contextlib.suppress(OSError):
        lines = (data / "postmaster.pid").read_text().splitlines()
        return len(lines) >= 8 and lines[7].strip() == "ready"
    return False


def _wait(ready, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > end:
            raise RuntimeError(f"{what} did not start in {timeout:g} s")
        time.sleep(0.05)


# S3 (moto) ---------------------------------------------------------------------------------

@dataclass
class LocalS3:
    endpoint: str
    key: str = "testing"
    secret: str = "testing"
    region: str = "us-east-1"

    def client(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.key,
                            aws_secret_access_key=self.secret, region_name=self.region)

    @property
    def cli_options(self) -> list[str]:
        """The `minutes` group options that point every command at this server."""
        return ["--s3-endpoint", self.endpoint, "--s3-region", self.region, "--s3-key-id", self.key,
                "--s3-secret", self.secret]


@contextlib.contextmanager
def local_s3(buckets: tuple[str, ...] = ("inputs", "lake")):
    """moto's S3 server on 127.0.0.1, in its own process, with the given buckets."""
    exe = shutil.which("moto_server") or str(BIN / "moto_server")
    port = _free_port()
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        def up() -> bool:
            if proc.poll() is not None:
                raise RuntimeError("moto_server exited at start")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1).read()
                return True
            return False
        _wait(up, 60, "moto_server")
        s3 = LocalS3(f"http://127.0.0.1:{port}")
        for bucket in buckets:
            s3.client().create_bucket(Bucket=bucket)
        yield s3
    finally:
        _stop(proc)


# Dask --------------------------------------------------------------------------------------

class Cluster:
    """A scheduler and workers as separate `dask` processes on 127.0.0.1, each in its own process group."""

    def __init__(self, folder: Path, env: dict | None = None) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1", **(env or {}))
        self.file = folder / "scheduler.json"
        self.log = open(folder / "cluster.log", "ab")
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    def start(self, workers: int = 2) -> Cluster:
        self.scheduler = self._spawn([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                      "--no-dashboard", "--scheduler-file", str(self.file)])
        _wait(lambda: self.file.exists() and self.file.stat().st_size > 0, 120, "the Dask scheduler")
        for _ in range(workers):
            self.add_worker()
        self.wait_for(workers)
        return self

    @property
    def address(self) -> str:
        return json.loads(self.file.read_text())["address"]

    def add_worker(self, name: str | None = None, extra: list[str] = (), wrap: list[str] = ()) -> subprocess.Popen:
        """One more worker: `extra` options for `dask worker`, `wrap` a command it runs under (e.g. unshare)."""
        name = name or f"w{len(self.workers)}"
        proc = self._spawn([*wrap, str(BIN / "dask"), "worker", "--scheduler-file", str(self.file), "--host",
                            "127.0.0.1", "--nthreads", "1", "--nworkers", "1", "--no-dashboard", "--name", name,
                            "--memory-limit", "4GiB", *extra])
        self.workers.append(proc)
        return proc

    def wait_for(self, n: int) -> None:
        from distributed import Client
        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(n, timeout=120)

    def _spawn(self, cmd: list[str], env: dict | None = None) -> subprocess.Popen:
        return subprocess.Popen(cmd, env={**self.env, **(env or {})}, stdout=self.log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def kill_scheduler(self) -> None:
        _stop(self.scheduler, signal.SIGKILL, group=True)

    def stop(self) -> None:
        for proc in self.workers + [self.scheduler]:
            _stop(proc, group=True)
        self.log.close()


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2, env: dict | None = None):
    cluster = Cluster(folder, env)
    try:
        yield cluster.start(workers)
    finally:
        cluster.stop()


# Fixtures ----------------------------------------------------------------------------------

def needs_lake() -> None:
    try:
        from minutes.warehouse.extensions import extension_file
        extension_file("ducklake")
    except Exception:
        pytest.skip("the lake extensions are not installed (pip install 'minutes[lake]')")


@pytest.fixture(scope="session")
def pg():
    needs_lake()
    if pg_bindir() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def lake_db(pg, request):
    """A new, empty lake on the session's PostgreSQL, its name as --db takes it."""
    name = "t" + format(abs(hash(request.node.nodeid)) % 10**10) + str(time.monotonic_ns() % 10**6)
    return pg.create(name).lake


@pytest.fixture(scope="session")
def s3():
    needs_lake()
    if not (shutil.which("moto_server") or (BIN / "moto_server").exists()):
        pytest.skip("moto[server] is not installed")
    with local_s3() as server:
        yield server


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with dask_cluster(tmp_path_factory.mktemp("dask")) as c:
        yield c
