"""The import service: a warm process that `minutes import` hands its work to.

Starting an import costs more than the import of one protocol: Python, DuckDB, and for the
workers spaCy, the rules and dateparser. The first `minutes import` starts this service
(`python -m minutes.pipeline.service`), which keeps that start-up: a forkserver with the rules
loaded, DuckDB imported, its workers forked in milliseconds. Later commands send their
request over a Unix socket and only print what comes back. The service runs each request with
`import_paths`, exactly as the command would itself (the same limits, locks and rows); it
exits after `--idle` seconds without a request, and when the installed code changes.

The socket lives in a folder only its user can enter ($XDG_RUNTIME_DIR/minutes, or
minutes-<uid> in the temporary folder), and the service answers only processes of that user.
The protocol is one JSON line each way per message: the request, then progress lines and a
last line holding the summary or an error sentence.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import socket
import stat
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds the service waits for a request before it exits (MINUTES_SERVICE_IDLE).
IDLE = 600.0
_PARTS = ("minutes", "minutes.extractors", "minutes.rules", "minutes.pipeline", "minutes.warehouse")


def folder() -> Path:
    """The service's private folder (created 0700, refused when someone else owns it)."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    path = Path(base) / "minutes" if base and os.path.isdir(base) else \
        Path(tempfile.gettempdir()) / f"minutes-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise OSError(f"{path} is not a private folder of this user")
    return path


def socket_path() -> Path:
    """The service's socket: one per installation (Python and minutes' folder), so that two
    installations of one user each have their own service."""
    where = f"{sys.executable}\n{Path(__file__).resolve().parent.parent}"
    return folder() / f"import-{hashlib.sha1(where.encode()).hexdigest()[:10]}.sock"


def code_key() -> str:
    """A fingerprint of the installed code and rule data (names, sizes, times): a service of other code is stale."""
    h = hashlib.sha1()
    for part in _PARTS:  # found, not imported: the client stays small
        root = Path(find_spec(part).submodule_search_locations[0])
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".yaml", ".sql"):
                st = path.stat()
                h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


# --- the service ------------------------------------------------------------------------------

class Service:
    """Accepts requests on the socket, one thread each, until idle for `idle` seconds or stale."""

    def __init__(self, idle: float) -> None:
        import threading

        from .pool import worker_context

        worker_context()  # first: the forkserver loads the rules while the rest starts and the request arrives
        self.idle, self.key = idle, code_key()
        self.sock_path = socket_path()
        self.listener = _listen(self.sock_path)
        self.sock_path.with_suffix(".pid").write_text(str(os.getpid()))
        self.busy = 0
        self.pools: dict = {}  # worker pools between requests, by (workers, memory limit)
        self.last = time.monotonic()
        self.stop = self.terminated = False
        self.lock, self.thread = threading.Lock(), threading.Thread

    def serve(self) -> None:
        self.listener.settimeout(1.0)
        try:
            while not self.stop and (self.busy or time.monotonic() - self.last < self.idle):
                try:
                    conn, _ = self.listener.accept()
                except socket.timeout:
                    continue
                if _peer_uid(conn) != os.getuid():
                    conn.close()
                    continue
                with self.lock:
                    self.busy += 1
                self.thread(target=self._handle, args=(conn,), daemon=True).start()
        finally:
            self.listener.close()
            for path in (self.sock_path, self.sock_path.with_suffix(".pid")):
                path.unlink(missing_ok=True)
            while self.busy and not self.terminated:  # let running imports finish, unless told to stop
                time.sleep(0.1)
            for pool in list(self.pools.values()):
                pool.close()

    def _handle(self, conn: socket.socket) -> None:
        try:
            with conn, conn.makefile("rwb") as stream:
                request = json.loads(stream.readline())
                if request.get("key") != self.key:
                    self.stop = True  # the code changed under us: the client starts a new service
                    _send(stream, {"stale": True})
                    return
                _send(stream, _run(request, stream, self.pools, conn))
        except (OSError, ValueError):
            log.debug("a request ended early", exc_info=True)
        finally:
            with self.lock:
                self.busy -= 1
                self.last = time.monotonic()


def _run(request: dict, stream, pools: dict, conn: socket.socket) -> dict:
    """One import, as the command would run it; its progress and warnings are streamed, its summary returned.

    The client sends nothing after its request, so `conn` becomes readable only when the client
    is gone (Ctrl-C): the import is then called off, as it would be in the client's own process.
    """
    import dataclasses

    from minutes.core.settings import Settings
    from minutes.warehouse import WarehouseError

    from .importer import NothingToImport, import_paths
    from .pool import Cancelled

    last = [0.0]

    def progress(done: int, total: int, path: str, status: str) -> None:
        now = time.monotonic()
        if now - last[0] > 0.1 or done == total:  # the client's bar needs no more
            last[0] = now
            _send(stream, {"progress": [done, total, path, status]})

    settings = {k: tuple(v) if isinstance(v, list) else v for k, v in request["settings"].items()}  # JSON made lists
    forward = _Forward(stream)
    logging.getLogger().addHandler(forward)
    try:
        summary = import_paths(request["paths"], request["db"], settings=Settings(**settings),
                               workers=request["workers"], force=request["force"], ocr=request["ocr"],
                               progress=progress, command=request["command"], out_parquet=request["out_parquet"],
                               pools=pools, stop=conn)
    except (WarehouseError, NothingToImport) as e:
        return {"error": str(e)}
    except (Cancelled, OSError):
        return {"error": "The import was called off."}  # the client is gone; nobody reads this
    except Exception as e:  # a bug: the command says so instead of waiting
        log.exception("the import service failed on %s", request.get("paths"))
        return {"error": f"The import service failed ({type(e).__name__}: {e}); run the import again with "
                         "--no-service --debug to see where, and please report it."}
    finally:
        logging.getLogger().removeHandler(forward)
    return {"summary": dataclasses.asdict(summary)}


class _Forward(logging.Handler):
    """Warnings logged while this thread runs an import, sent to its client, which logs them there."""

    def __init__(self, stream) -> None:
        import threading

        super().__init__(logging.WARNING)
        self.stream, self.thread = stream, threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        import threading

        if threading.get_ident() == self.thread:
            try:
                _send(self.stream, {"log": [record.name, record.levelno, record.getMessage()]})
            except OSError:
                pass


def _listen(path: Path) -> socket.socket:
    """A listening socket at `path`; an earlier service's socket is taken over only if no one answers on it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
    except OSError:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            os.unlink(path)  # left by a service that died
            sock.bind(str(path))
        else:
            probe.close()
            sock.close()
            raise SystemExit(0)  # another service is running
        finally:
            probe.close()
    os.chmod(path, 0o600)
    sock.listen(16)
    return sock


def _peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end (Linux); -1 where it cannot be told."""
    import struct

    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", creds)[1]
    except (OSError, AttributeError):
        return os.getuid() if sys.platform == "darwin" else -1


def _send(stream, message: dict) -> None:
    stream.write(json.dumps(message).encode() + b"\n")
    stream.flush()


# --- the client ------------------------------------------------------------------------------

class Unavailable(Exception):
    """The service could not be reached or started; the command imports by itself."""


def submit(request: dict, progress=None, idle: float = IDLE, wait: float = 60.0) -> dict:
    """Send an import request to the service (starting it if needed); its summary or error, as sent."""
    request = dict(request, key=code_key())
    for attempt in range(2):
        sock = _connect(idle, wait)
        with sock, sock.makefile("rwb") as stream:
            _send(stream, request)
            for line in stream:
                message = json.loads(line)
                if "progress" in message:
                    if progress:
                        progress(*message["progress"])
                    continue
                if "log" in message:
                    name, level, text = message["log"]
                    logging.getLogger(name).log(level, "%s", text)
                    continue
                if message.get("stale") and attempt == 0:
                    _wait_gone(socket_path(), wait)
                    break
                return message
            else:
                raise Unavailable("the import service stopped before it answered")
    raise Unavailable("the import service keeps running other code")


def _connect(idle: float, wait: float) -> socket.socket:
    """A connection to the service, started first when none answers."""
    path = socket_path()
    started = None
    deadline = time.monotonic() + wait
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(path))
            return sock
        except OSError:
            sock.close()
        if started is None:
            started = start(idle)
        elif started.poll() is not None and not path.exists():
            raise Unavailable(f"the import service ended as it started; see {folder() / 'service.log'}")
        if time.monotonic() > deadline:
            raise Unavailable(f"the import service did not start within {wait:g} s")
        time.sleep(0.01)


def _wait_gone(path: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def start(idle: float = IDLE):
    """Start the service in the background, in a session of its own, detached from this terminal."""
    import subprocess

    with open(folder() / "service.log", "ab") as logfile:
        return subprocess.Popen([sys.executable, "-m", "minutes.pipeline.service", "--idle", str(idle)],
                         stdin=subprocess.DEVNULL, stdout=logfile, stderr=logfile, start_new_session=True,
                         close_fds=True, cwd="/")


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description="The warm import service `minutes import` starts by itself.")
    ap.add_argument("--idle", type=float, default=IDLE, help="seconds without a request before it exits")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    service = Service(args.idle)

    def terminate(*_) -> None:
        service.terminated = True
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    from minutes.warehouse.store import without_pandas

    with without_pandas():  # the service never needs it
        service.serve()


if __name__ == "__main__":
    main()
