"""Run the site in a background thread: for tests, screenshots and notebooks."""
from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
import time
from typing import Iterator

import uvicorn

from minutes.core.settings import Settings

from .app import create_app


@contextlib.contextmanager
def running(db: str, today: dt.date | None = None, settings: Settings = Settings(),
            edit_rows: bool = False) -> Iterator[str]:
    """Serve `db` on a free local port for the length of the with-block; yields the base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(db, today, settings, edit_rows=edit_rows)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
