"""Running the kinds: the hostile folder imported twice, the separate runs, and the web/sql/export warehouse."""
from __future__ import annotations

import socket
import sys
import time
import traceback
from pathlib import Path
from typing import Callable

from .checks import COUNT_SQL, Ctx, Kind, _last_error
from .documents import make_aux_docs, make_good, secret_file
from .judge import Verdict, short
from .procs import Bounded, Proc, import_rows, run_bounded, try_q

Emit = Callable[[str, Verdict], None]


def _import_once(ctx: Ctx, folder: Path, db: Path, label: str) -> Proc:
    args = [ctx.minutes, "import", str(folder), "--db", str(db), "-j", str(ctx.args.workers)]
    if ctx.args.doc_timeout:
        args += ["--timeout", str(ctx.args.doc_timeout)]
    p = run_bounded(args, timeout=ctx.args.wall, mem_mb=ctx.args.mem_mb, watch_dir=str(ctx.workdir),
                    tree_kill_mb=ctx.args.tree_kill_mb)
    if ctx.args.verbose:
        print(f"  [{label}] exit {p.rc} in {p.wall:.1f} s, group peak {p.peak_mb:.0f} MB, largest process "
              f"{p.max_proc_mb:.0f} MB{', KILLED: ' + p.killed if p.killed else ''}; {_last_error(p)}",
              file=sys.stderr)
    return p


def run_file_kinds(ctx: Ctx, kinds: list[Kind], label: str) -> dict[str, Verdict]:
    """One folder: the good files and the kinds' files, imported twice; each kind judged."""
    base = ctx.workdir / label
    folder = base / "in"
    ctx.folder, ctx.db = folder, base / "w.duckdb"
    ctx.good = make_good(folder / "good")
    ctx.paths = {k.name: k.make(folder / k.name) for k in kinds if k.make}
    ctx.run1 = _import_once(ctx, folder, ctx.db, f"{label} run 1")
    ctx.counts1 = (try_q(ctx.db, COUNT_SQL) or [None])[0] if ctx.db.exists() else None
    ctx.run2 = None
    if not ctx.run1.killed and ctx.db.exists():
        ctx.run2 = _import_once(ctx, folder, ctx.db, f"{label} run 2")
        ctx.counts2 = (try_q(ctx.db, COUNT_SQL) or [None])[0]
    ctx.rows = import_rows(ctx.db) if ctx.db.exists() else None
    return {k.name: safe(k, ctx, ctx.good if k.name == "good_files" else ctx.paths.get(k.name, [])) for k in kinds}


def safe(k: Kind, ctx: Ctx, paths: list[Path]) -> Verdict:
    """A kind's check; a check that breaks is a harness problem, reported as such."""
    try:
        return k.check(ctx, paths, k)
    except Exception as e:
        if ctx.args.verbose:
            traceback.print_exc()
        return Verdict(False, f"HARNESS ERROR in check: {type(e).__name__}: {short(str(e), 120)}")


def preflight(ctx: Ctx) -> str | None:
    """None when `minutes import` stores good files at all (a project mid-edit may not even start)."""
    base = ctx.workdir / "preflight"
    good = make_good(base / "in")
    p = run_bounded([ctx.minutes, "import", str(base / "in"), "--db", str(base / "w.duckdb"), "-q"], timeout=300,
                    mem_mb=ctx.args.mem_mb, watch_dir=str(ctx.workdir))
    n = (try_q(base / "w.duckdb", "SELECT count(*) AS n FROM documents") or [{"n": 0}])[0]["n"]
    if p.rc != 0 or n != len(good):
        return f"exit {p.rc}, {n}/{len(good)} stored: {_last_error(p)}"
    return None


def run_aux_kinds(ctx: Ctx, kinds: list[Kind], emit: Emit) -> None:
    """The web, sql and export kinds, on a small warehouse served by `minutes serve`."""
    _build_aux(ctx)
    if ctx.aux_proc.rc not in (0, 1) or not ctx.aux_db.exists():
        why = ctx.aux_proc.killed or f"exit {ctx.aux_proc.rc}: {_last_error(ctx.aux_proc)}"
        for k in kinds:
            emit(k.name, Verdict(False, f"HARNESS: the import of the web/sql/export documents failed ({why})"))
        return
    port = _free_port()
    server = Bounded([ctx.minutes, "serve", "--db", str(ctx.aux_db), "--port", str(port)], timeout=3600,
                     mem_mb=ctx.args.mem_mb, watch_dir=str(ctx.workdir))
    ctx.url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    try:
        for k in kinds:
            emit(k.name, safe(k, ctx, []))
    finally:
        sp = server.stop()
        if ctx.args.verbose and "Traceback" in sp.err_text:
            print("  [serve] stderr had tracebacks:", _last_error(sp), file=sys.stderr)


def _build_aux(ctx: Ctx) -> None:
    base = ctx.workdir / "aux"
    ctx.aux = make_aux_docs(base / "in")
    ctx.aux_db = base / "w.duckdb"
    ctx.aux_proc = run_bounded([ctx.minutes, "import", str(base / "in"), str(ctx.aux["svg"]), str(ctx.aux["html"]),
                                "--db", str(ctx.aux_db), "-j", "2"], timeout=max(ctx.args.wall, 300),
                               mem_mb=ctx.args.mem_mb, watch_dir=str(ctx.workdir))
    # after the import: change one file's bytes, swap another for a symlink to a secret
    ctx.aux["swap_bytes"].write_text("ANDRAD-EFTER-IMPORT: detta är inte det importerade protokollet.\n",
                                     encoding="utf-8")
    ctx.aux["swap_link"].unlink()
    ctx.aux["swap_link"].symlink_to(secret_file())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
