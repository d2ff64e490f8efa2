"""The right to import into a warehouse file: one writer at a time, whatever name the file is given.

Two importers would otherwise take turns at the file and parse the same files twice. The locks
are flocks, which the kernel releases even when their holder is killed (kill -9).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import WarehouseError


class ImportLock:
    """The right to import into one warehouse file, held with flocks the kernel releases even on kill -9.

    Keyed on the file itself, not the name it was given: first `<real path>.import-lock` (so a
    link to the warehouse finds the same lock), then, once the file exists, a lock named by its
    device and inode in the temporary folder (so a hard link or another mount of it does too).
    The holder removes its lock files when done, so none is left beside the warehouse.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.handles: list = []
        self.holds_file = False

    def take(self, lock_path: str, alias: str = "") -> None:
        while True:
            fh = open(lock_path, "a+")
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                fh.close()
                raise WarehouseError(f"Another import ({holder}) is writing to {self.path}{alias}; wait for it to "
                                     "finish, then run this import again.") from None
            try:
                if os.stat(lock_path).st_ino == os.fstat(fh.fileno()).st_ino:
                    break
            except FileNotFoundError:
                pass
            fh.close()  # its holder removed it between our open and our lock: take the new one
        fh.seek(0)
        fh.truncate()
        fh.write(f"process {os.getpid()}")
        fh.flush()
        self.handles.append((lock_path, fh))

    def hold_file(self) -> None:
        """Also lock the warehouse file by its identity (call once it exists)."""
        if self.holds_file or self.path == ":memory:":
            return
        self.holds_file = True
        st = os.stat(self.path)
        self.take(os.path.join(tempfile.gettempdir(), f"minutes-import-{st.st_dev}-{st.st_ino}.lock"),
                  " (the same file under another name)")

    def release(self) -> None:
        for lock_path, fh in reversed(self.handles):
            with contextlib.suppress(OSError):
                os.unlink(lock_path)  # while still holding it: a process waiting on this file then finds it gone
            fh.close()
        self.handles = []


@contextlib.contextmanager
def import_lock(path: str | Path) -> Iterator[ImportLock]:
    """Hold the right to import into `path`; a second import fails at once with a clear message.

    Two importers would otherwise take turns at the file and parse the same files twice.
    Call `hold_file()` on the lock once the warehouse file exists (see ImportLock).
    """
    lock = ImportLock(path)
    try:
        if str(path) != ":memory:":
            folder = Path(path).parent
            if not folder.is_dir():
                raise WarehouseError(f"The folder {folder} for the warehouse does not exist; create it or choose "
                                     "another --db.")
            lock.take(os.path.realpath(path) + ".import-lock")
            if os.path.exists(path):
                lock.hold_file()
        yield lock
    finally:
        lock.release()
