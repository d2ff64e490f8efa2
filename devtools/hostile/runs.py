"""The kinds that need imports of their own: two importers at once, a worker killed, a crash, a bad --db."""
from __future__ import annotations

import os
import signal
from pathlib import Path

from .checks import COUNT_SQL, Ctx, Kind, _last_error
from .documents import make_good, minutes_md
from .inputs import make_concurrent_imports, make_memory_hog
from .judge import Verdict, one_sentence, short
from .procs import Bounded, run_bounded, try_q


def check_concurrent_imports(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """Two imports at once into one warehouse, the second through a symlink to the file."""
    base = ctx.workdir / "concurrent"
    folder = base / "in"
    if not folder.exists():
        paths = make_concurrent_imports(folder)
    db = base / "w.duckdb"
    alias = base / "w2.duckdb"
    alias.symlink_to(db.name)
    a = Bounded([ctx.minutes, "import", str(folder), "--db", str(db), "-j", "1", "--batch-size", "10"],
                timeout=ctx.args.wall, mem_mb=ctx.args.mem_mb, watch_dir=str(ctx.workdir))
    b = Bounded([ctx.minutes, "import", str(folder), "--db", str(alias), "-j", "1", "--batch-size", "10"],
                timeout=ctx.args.wall, mem_mb=ctx.args.mem_mb, watch_dir=str(ctx.workdir))
    pa, pb = a.wait(), b.wait()
    refused = [p for p in (pa, pb) if p.rc == 1 and "Another import" in p.text]
    docs = try_q(db, "SELECT count(*) AS n, count(DISTINCT source_path) AS paths, count(DISTINCT sha256) AS shas "
                     "FROM documents") or [{"n": "?", "paths": "?", "shas": "?"}]
    runs = try_q(db, "SELECT count(DISTINCT run_id) AS n FROM imports") or [{"n": "?"}]
    fails = try_q(db, "SELECT count(*) AS n FROM imports WHERE status = 'failed'") or [{"n": "?"}]
    d = docs[0]
    detail = (f"exits {pa.rc}/{pb.rc}, {len(refused)} refused, {runs[0]['n']} runs logged; {d['n']} documents "
              f"({d['paths']} paths) for {len(paths)} files; {fails[0]['n']} failed rows"
              + (f"; stderr: {_last_error(pa if pa.rc not in (0,) else pb)}" if pa.rc or pb.rc else ""))
    ok = len(refused) == 1 and d["n"] == len(paths) and not any(p.killed for p in (pa, pb)) \
        and "Traceback" not in pa.err_text + pb.err_text
    return Verdict(ok, detail)


def check_worker_killed(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """A worker dies mid-file: the harness SIGKILLs any worker over --oom-kill-mb, as the OOM killer would.

    The culprit is a 60 MB text, ordinary but far larger than a worker at rest; the import runs
    without its own memory limit so that the stand-in OOM killer, not the limit, stops it.
    """
    base = ctx.workdir / "worker-killed"
    folder = base / "in"
    good = make_good(folder / "good")
    culprit = make_memory_hog(folder / "culprit")
    db = base / "w.duckdb"
    p = run_bounded([ctx.minutes, "import", str(folder), "--db", str(db), "-j", "2", "--doc-memory", "0",
                     "--timeout", str(ctx.args.doc_timeout or 1800)],
                    timeout=ctx.args.wall, mem_mb=ctx.args.mem_mb, watch_dir=str(ctx.workdir),
                    oom_kill_mb=ctx.args.oom_kill_mb)
    stored = {str(r["source_path"]) for r in try_q(db, "SELECT source_path FROM documents") or []}
    crow = try_q(db, "SELECT status, error FROM imports WHERE source_path = ?", [str(culprit[0])]) or []
    n_good = sum(str(g) in stored for g in good)
    kills = "; ".join(p.oom_kills) or "no worker passed the limit"
    detail = (f"simulated OOM kill: {kills}; exit {p.rc}{' (killed: ' + p.killed + ')' if p.killed else ''}, "
              f"{n_good}/{len(good)} good stored, culprit row: "
              f"{(crow[0]['status'] + ': ' + short(crow[0]['error'], 80)) if crow else 'none'}")
    if "Traceback" in p.err_text:
        detail += f"; traceback ends: {_last_error(p)}"
    if not p.oom_kills:
        return Verdict(False, "inconclusive: " + detail)
    ok = p.rc in (0, 1) and not p.killed and "Traceback" not in p.err_text and n_good == len(good) and \
        bool(crow) and crow[0]["status"] == "failed" and one_sentence(crow[0]["error"])
    return Verdict(ok, detail)


#: `minutes import` in a Python that kills itself (SIGKILL) the moment it would rebuild persons: after the last
#: batch is committed, before anything derived from it. The outside of the process sees what kill -9 there leaves.
_KILLED_BEFORE_PERSONS = ("import os, signal, sys\nimport minutes.warehouse.persons as persons\n"
                          "persons.rebuild = lambda wh, *scope, **kw: os.kill(os.getpid(), signal.SIGKILL)\n"
                          "from minutes.cli import main\nmain(sys.argv[1:])\n")


def check_crash_persons(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """kill -9 right after the importer's last batch, before it links persons; then import again."""
    n = 60
    base = ctx.workdir / "crash"
    folder = base / "in"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"m{i:03d}.md").write_text(minutes_md(f"2023-{1 + i % 12:02d}-{1 + i // 12 % 28:02d}",
                                                        f"Krasch {i}"), encoding="utf-8")
    db = base / "w.duckdb"
    python = str(Path(ctx.minutes).with_name("python"))
    first = run_bounded([python, "-c", _KILLED_BEFORE_PERSONS, "import", str(folder), "--db", str(db), "-q",
                         "--batch-size", "10"], timeout=ctx.args.wall, mem_mb=ctx.args.mem_mb,
                        watch_dir=str(ctx.workdir))
    before = try_q(db, COUNT_SQL) or [{}]
    if first.rc != -signal.SIGKILL or before[0].get("documents") != n or before[0].get("persons"):
        return Verdict(False, f"the kill before persons did not land as meant (exit {first.rc}): "
                              f"{before[0].get('documents')} documents, {before[0].get('persons')} persons")
    rerun = run_bounded([ctx.minutes, "import", str(folder), "--db", str(db), "-q"], timeout=ctx.args.wall,
                        mem_mb=ctx.args.mem_mb, watch_dir=str(ctx.workdir))
    after = try_q(db, COUNT_SQL) or [{}]
    detail = (f"killed after the last batch: {before[0].get('documents')} documents, {before[0].get('persons')} "
              f"persons; re-run exit {rerun.rc}: {after[0].get('documents')} documents, "
              f"{after[0].get('persons')} persons")
    return Verdict(bool(after[0].get("persons")) and after[0].get("documents") == n, detail)




def check_missing_db_folder_import(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """`minutes import --db /missing/folder/x.duckdb`: one sentence, no traceback."""
    good = ctx.workdir / "missing-db-good"
    if not good.exists():
        make_good(good)
    p = ctx.minutes_cmd("import", str(good), "--db", f"/nonexistent-redteam-{os.getpid()}/mapp/x.duckdb")
    errlines = [ln for ln in p.err_text.splitlines() if ln.strip()]
    tb = "Traceback" in p.text
    return Verdict(p.rc != 0 and not tb and len(errlines) <= 1,
                   f"exit {p.rc}{' traceback' if tb else ''} '{short(errlines[-1] if errlines else '', 90)}'")
