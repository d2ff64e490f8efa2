"""Child processes under bounds (address space, wall time, the memory of their whole process
group, read from /proc), and reading a warehouse file while another process may hold it."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024
PEAKS: list[float] = []  # the peak memory of every bounded child this run started


@dataclass
class Proc:
    args: list[str]
    rc: int | None = None
    out: bytes = b""
    err: bytes = b""
    wall: float = 0.0
    peak_mb: float = 0.0  # most RSS of the process group at once (sampled)
    max_proc_mb: float = 0.0  # largest single process's high-water mark (VmHWM)
    killed: str | None = None  # why the harness killed it, if it did
    stuck: list[str] = field(default_factory=list)  # files under the workdir open when it was killed
    oom_kills: list[str] = field(default_factory=list)  # simulated OOM kills (pid, MB, cmdline)

    @property
    def text(self) -> str:
        return (self.out + b"\n" + self.err).decode("utf-8", "replace")

    @property
    def err_text(self) -> str:
        return self.err.decode("utf-8", "replace")


def _group_members(pgid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
            fields = data[data.rindex(b")") + 2:].split()
            if int(fields[2]) == pgid:  # state ppid pgrp ...
                out.append(int(name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def _mem_of(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB; zeros when it is gone."""
    rss = hwm = 0.0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, hwm


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()[:120]
    except OSError:
        return "?"


def _open_files(pids: list[int], under: str) -> list[str]:
    """Files under `under` the processes hold open, and what each blocked process waits in (wchan)."""
    found = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/wchan") as f:
                wchan = f.read().strip()
            with open(f"/proc/{pid}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0].decode()
            if wchan not in ("", "0", "do_wait", "do_select", "do_sys_poll", "do_epoll_wait", "futex_wait_queue",
                             "futex_wait_queue_me", "futex_do_wait", "pipe_read", "anon_pipe_read", "wait_woken", "hrtimer_nanosleep"):
                found.append(f"pid {pid} waits in {wchan}")
            elif state == "R":
                found.append(f"pid {pid} running")
        except OSError:
            pass
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith(under) and not target.endswith((".duckdb", ".wal", ".import-lock")):
                    found.append(target)
        except OSError:
            continue
    return sorted(set(found))


class Bounded:
    """A child process in its own process group, under RLIMIT_AS, watched until it ends.

    mem_mb: address-space limit of each process (prlimit --as), which keeps this machine safe.
    timeout: wall seconds, then the whole group is killed. tree_kill_mb: the group's total RSS
    at which everything is killed. oom_kill_mb: a process other than the leader whose RSS passes
    this is SIGKILLed, as the kernel's OOM killer would on a machine with less memory.
    """

    def __init__(self, args: list[str], *, timeout: float, mem_mb: int, watch_dir: str = "/",
                 tree_kill_mb: float = 8000, oom_kill_mb: float | None = None, env: dict | None = None,
                 cwd: str | None = None) -> None:
        self.proc = Proc(list(map(str, args)))
        self.timeout, self.mem_mb, self.watch_dir = timeout, mem_mb, watch_dir
        self.tree_kill_mb, self.oom_kill_mb = tree_kill_mb, oom_kill_mb
        self._out = tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()
        cmd = list(self.proc.args)
        limit = int(mem_mb) * MB
        if shutil.which("prlimit"):
            cmd = ["prlimit", f"--as={limit}:{limit}", "--", *cmd]
            preexec = None
        else:
            import resource

            def preexec() -> None:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        self.t0 = time.monotonic()
        # The import runs in this process group, where its memory is watched, not in the import service.
        env = dict(os.environ if env is None else env, MINUTES_IMPORT_SERVICE="0")
        self.popen = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._out, stderr=self._err,
                                      start_new_session=True, preexec_fn=preexec, env=env, cwd=cwd)
        self.pgid = self.popen.pid
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _kill_group(self, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(self.pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def _watch(self) -> None:
        p = self.proc
        hwm: dict[int, float] = {}
        while self.popen.poll() is None:
            members = _group_members(self.pgid)
            total = 0.0
            for pid in members:
                rss, h = _mem_of(pid)
                total += rss
                hwm[pid] = max(hwm.get(pid, 0.0), h, rss)
                if self.oom_kill_mb and pid != self.pgid and rss > self.oom_kill_mb:
                    p.oom_kills.append(f"pid {pid} at {rss:.0f} MB ({_cmdline(pid)[:60]})")
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
            p.peak_mb = max(p.peak_mb, total)
            elapsed = time.monotonic() - self.t0
            reason = None
            if elapsed > self.timeout:
                reason = f"wall time over {self.timeout:g} s"
            elif total > self.tree_kill_mb:
                reason = f"process group RSS {total:.0f} MB over {self.tree_kill_mb:g} MB"
            if reason:
                p.killed = reason
                p.stuck = _open_files(members, self.watch_dir)
                self._kill_group(signal.SIGKILL)
                break
            time.sleep(0.1)
        self.popen.wait()
        p.rc = self.popen.returncode
        p.wall = time.monotonic() - self.t0
        p.max_proc_mb = max(hwm.values(), default=0.0)
        PEAKS.append(max(p.peak_mb, p.max_proc_mb))
        # leftovers of this group (a forkserver, a worker) must not outlive the run
        if _group_members(self.pgid):
            self._kill_group(signal.SIGKILL)
        for fh, attr in ((self._out, "out"), (self._err, "err")):
            fh.seek(0)
            setattr(p, attr, fh.read())
            fh.close()

    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self) -> Proc:
        self._thread.join()
        return self.proc

    def stop(self) -> Proc:
        self._kill_group(signal.SIGTERM)
        self._thread.join(timeout=5)
        if self._thread.is_alive():
            self._kill_group(signal.SIGKILL)
            self._thread.join()
        return self.proc


def run_bounded(args: list, **kw) -> Proc:
    return Bounded(args, **kw).wait()


def run_in_pty(args: list, *, timeout: float = 60, mem_mb: int = 3072) -> tuple[int | None, bytes]:
    """Run a command with a terminal as its stdout/stderr (programs strip escapes only for pipes)."""
    import pty
    import select

    master, slave = pty.openpty()
    limit = int(mem_mb) * MB
    cmd = ["prlimit", f"--as={limit}:{limit}", "--", *map(str, args)] if shutil.which("prlimit") else list(args)
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                         env=dict(os.environ, TERM="xterm-256color", COLUMNS="200"))
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the terminal's other side closed
                    break
                if not data:
                    break
                out += data
            elif p.poll() is not None:
                break
            if time.monotonic() > deadline:
                os.killpg(p.pid, signal.SIGKILL)
                break
    finally:
        p.wait()
        os.close(master)
    return p.returncode, bytes(out)



def q(db: Path | str, sql: str, params: list | None = None, wait: float = 30.0) -> list[dict]:
    import duckdb

    deadline = time.monotonic() + wait
    while True:
        try:
            con = duckdb.connect(str(db), read_only=True)
            break
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        cur = con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
    finally:
        con.close()


def try_q(db: Path | str, sql: str, params: list | None = None) -> list[dict] | None:
    try:
        return q(db, sql, params)
    except Exception:
        return None


def import_rows(db: Path) -> list[dict] | None:
    """Every imports row with its run's order (1 = first run), notes measured not fetched."""
    return try_q(db, """
        WITH r AS (SELECT run_id, min("at") AS t FROM imports GROUP BY run_id),
             n AS (SELECT run_id, row_number() OVER (ORDER BY t) AS run_no FROM r)
        SELECT n.run_no, i.source_path, i.status, i.error, left(i.note, 300) AS note, length(i.note) AS note_len,
               i.seconds, i.document_id, i.pages
        FROM imports i JOIN n USING (run_id) ORDER BY n.run_no, i."at" """)
