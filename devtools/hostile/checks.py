"""Judging a red-team run: what each kind of hostile file, and the import run as a whole, must show."""
from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .documents import SECRET_MARKER
from .judge import Verdict, judge_file_rows, one_sentence, same_path, short
from .procs import MB, Proc, run_bounded, try_q

@dataclass
class Kind:
    name: str
    group: str  # file | run | separate | aux
    desc: str
    make: Callable | None = None
    check: Callable | None = None
    accept: tuple[str, ...] = ("failed",)
    need_limit: bool = False
    budget_s: float | None = None
    mem_budget_mb: float = 1024  # isolate mode: the most one process may use for this file
    heavy: bool = False  # eats memory/time: never run two of these at once
    ours: bool = True  # held by the import pipeline (judged by `make redteam`); False: reported only


@dataclass
class Ctx:
    args: argparse.Namespace
    minutes: str
    workdir: Path
    folder: Path | None = None
    db: Path | None = None
    run1: Proc | None = None
    run2: Proc | None = None
    rows: list[dict] | None = None  # imports rows of both runs
    counts1: dict | None = None
    counts2: dict | None = None
    paths: dict[str, list[Path]] = field(default_factory=dict)
    good: list[Path] = field(default_factory=list)
    aux_db: Path | None = None
    aux: dict[str, Path] = field(default_factory=dict)
    aux_proc: Proc | None = None
    url: str | None = None
    isolate: bool = False

    def rows_for(self, paths: list[Path], run_no: int = 1) -> list[dict]:
        return [r for r in (self.rows or []) if r["run_no"] == run_no and same_path(r["source_path"], paths)]

    def minutes_cmd(self, *args: str, timeout: float = 120, mem_mb: int | None = None, **kw) -> Proc:
        return run_bounded([self.minutes, *args], timeout=timeout, mem_mb=mem_mb or self.args.mem_mb,
                           watch_dir=str(self.workdir), **kw)


def _file_verdict(ctx: Ctx, kind: Kind, paths: list[Path] | None = None) -> Verdict:
    if ctx.rows is None:
        why = ctx.run1.killed if ctx.run1 and ctx.run1.killed else f"exit {ctx.run1.rc if ctx.run1 else '?'}"
        return Verdict(False, f"no warehouse to check (import {why}{_stuck(ctx)})")
    paths = paths if paths is not None else ctx.paths[kind.name]
    rows = ctx.rows_for(paths)
    if not rows and ctx.run1 and ctx.run1.killed:
        return Verdict(False, f"no row: the import was killed ({ctx.run1.killed}){_stuck(ctx)}")
    if not rows and ctx.run1 and (ctx.run1.rc not in (0, 1) or "Traceback" in ctx.run1.err_text):
        return Verdict(False, f"no row: the import crashed (exit {ctx.run1.rc}): {_last_error(ctx.run1)}")
    v = judge_file_rows(rows, accept=kind.accept, need_limit=kind.need_limit, budget_s=kind.budget_s,
                        doc_timeout=ctx.args.doc_timeout)
    if ctx.isolate and ctx.run1:
        v.detail += f"; worker peak {ctx.run1.max_proc_mb:.0f} MB, wall {ctx.run1.wall:.0f} s"
        if ctx.run1.max_proc_mb > kind.mem_budget_mb:
            v = Verdict(False, v.detail + f" (over {kind.mem_budget_mb:g} MB)")
        # alone with the good files, this file must not cost them their place or crash the import
        g = check_good_files(ctx, ctx.good)
        if not g.ok and ctx.rows is not None:
            v = Verdict(False, v.detail + f"; {g.detail}")
        if "Traceback" in ctx.run1.err_text and "traceback" not in v.detail:
            v = Verdict(False, v.detail + f"; traceback: {_last_error(ctx.run1)}")
    return v


def _stuck(ctx: Ctx) -> str:
    if ctx.run1 and ctx.run1.stuck:
        return "; at kill: " + ", ".join(os.path.relpath(s, ctx.workdir) if s.startswith("/") else s
                                          for s in ctx.run1.stuck[:5])
    return ""


def _last_error(p: Proc) -> str:
    lines = [ln for ln in p.err_text.splitlines() if ln.strip()]
    return short(lines[-1] if lines else "(no stderr)", 160)


# --- checks of file kinds ------------------------------------------------------------------------

def check_file(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    return _file_verdict(ctx, kind, paths)


def check_nonutf8_name(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    kind = kind
    if ctx.rows is None or not ctx.rows_for(paths):
        v = _file_verdict(ctx, kind, paths)
        if ctx.run1 and "UnicodeEncodeError" in ctx.run1.err_text or "surrogates not allowed" in (
                ctx.run1.err_text if ctx.run1 else ""):
            v = Verdict(False, v.detail + f"; stderr: {_last_error(ctx.run1)}")
        return v
    return _file_verdict(ctx, kind, paths)


def check_outside_link(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    v = _file_verdict(ctx, kind, paths)
    if ctx.db and ctx.db.exists():
        leaked = try_q(ctx.db, "SELECT count(*) AS n FROM decisions WHERE text LIKE ?", [f"%{SECRET_MARKER}%"])
        if leaked and leaked[0]["n"]:
            return Verdict(False, f"the file outside the folder was imported: its text is in decisions ({v.detail})")
    return v


def check_lying_pagecount_pdf(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    v = _file_verdict(ctx, kind, paths)
    rows = ctx.rows_for(paths) if ctx.rows is not None else []
    if rows:
        r = rows[0]
        n = r.get("note_len") or 0
        if n > 64 * 1024:
            return Verdict(False, f"{r['status']}, pages={r.get('pages')}, a {n / MB:.1f} MB note stored "
                                  f"({short(r.get('note'), 60)}), {r.get('seconds') or 0:.1f} s")
        v.detail += f"; pages={r.get('pages')}, note {n} chars"
    return v


def check_utf16_txt(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    v = _file_verdict(ctx, kind, paths)
    if v.ok:
        found = try_q(ctx.db, "SELECT count(*) AS n FROM decisions WHERE text LIKE '%utf16kontroll%'")
        if not found or not found[0]["n"]:
            return Verdict(False, "imported, but its decision text is not in `decisions` (read as the wrong encoding?)")
    return v


def check_attendee_dup(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    v = _file_verdict(ctx, kind, paths[:1])
    v2 = _file_verdict(ctx, kind, paths[1:])
    if not (v.ok and v2.ok):
        return Verdict(False, v.detail if not v.ok else v2.detail)
    ids = [r["document_id"] for r in ctx.rows_for(paths) if r.get("document_id")]
    rows = try_q(ctx.db, """
        SELECT document_id, coalesce(person_id, lower(name)) AS who, count(*) AS n, string_agg(coalesce(role, '-'), '+') AS roles
        FROM attendees WHERE document_id IN (SELECT unnest(?)) GROUP BY ALL ORDER BY n DESC""", [ids]) or []
    berg = [r for r in rows if "berg" in str(r["who"]).lower() or any(
        "berg" in str(x["name"]).lower() for x in (try_q(ctx.db, "SELECT name FROM attendees WHERE person_id = ?",
                                                        [r["who"]]) or []))]
    if not berg:
        return Verdict(False, "Anna Berg is not among the attendees at all (the test documents were not understood)")
    dups = [r for r in rows if r["n"] > 1]
    if dups:
        return Verdict(False, f"{len(dups)} person(s) listed more than once per meeting, e.g. "
                              f"{dups[0]['who']} x{dups[0]['n']} ({dups[0]['roles']})")
    return Verdict(True, f"one row per person per meeting ({len(rows)} rows in 2 meetings)")


def check_symlink_loop(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    if ctx.rows is None:
        return _file_verdict(ctx, kind, paths)
    inner = ctx.rows_for(paths[:1])
    folder = str(paths[0].parent)
    loop_rows = [r for r in ctx.rows if r["run_no"] == 1 and str(r["source_path"]).startswith(folder + "/")]
    docs = [r for r in loop_rows if r["status"] in ("imported", "replaced")]
    selfrow = ctx.rows_for(paths[1:])
    bad_self = [r for r in selfrow if r["status"] != "failed" or not one_sentence(r["error"])]
    if len(docs) != 1 or not inner or inner[0]["status"] != "imported" or bad_self:
        return Verdict(False, f"{len(docs)} documents from the looped folder, rows: "
                              + ", ".join(f"{os.path.relpath(r['source_path'], folder)}={r['status']}" for r in loop_rows))
    return Verdict(True, f"walked once ({len(loop_rows)} rows); self-link: "
                         f"{short(selfrow[0]['error'], 70) if selfrow else 'skipped'}")


def check_unreadable_file(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    if os.geteuid() == 0:
        return Verdict(True, "SKIP: running as root, file permissions are not enforced")
    return _file_verdict(ctx, kind, paths)


# --- checks of the import run itself -----------------------------------------------------------

def check_import_exit(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    p = ctx.run1
    if p is None:
        return Verdict(False, "not run")
    if p.killed:
        return Verdict(False, f"killed by the harness: {p.killed}{_stuck(ctx)}")
    tb = "Traceback" in p.err_text
    if p.rc not in (0, 1) or tb:
        return Verdict(False, f"exit {p.rc}{', traceback' if tb else ''}: {_last_error(p)}")
    summary = re.search(r"^\d+ files? in [\d.]+ s: .*$", p.out.decode("utf-8", "replace"), re.M)
    return Verdict(True, f"exit {p.rc} in {p.wall:.0f} s, no traceback; {summary.group(0) if summary else 'no summary line'}")


def check_peak_memory(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """The hostile import's processes together (sampled RSS) and each one alone stay under --peak-mb."""
    p = ctx.run1
    if p is None:
        return Verdict(False, "not run")
    peak = max(p.peak_mb, p.max_proc_mb)
    return Verdict(peak < ctx.args.peak_mb, f"peak {p.peak_mb:.0f} MB for the import's processes together, "
                                            f"{p.max_proc_mb:.0f} MB the largest alone (limit {ctx.args.peak_mb:g} MB)")


def check_wall_time(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    """The hostile import ends within --import-wall seconds (a hang or a file stopped only by --timeout does not)."""
    p = ctx.run1
    if p is None:
        return Verdict(False, "not run")
    return Verdict(not p.killed and p.wall <= ctx.args.import_wall,
                   f"{p.wall:.0f} s (limit {ctx.args.import_wall:g} s){', killed: ' + p.killed if p.killed else ''}")


def check_good_files(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    if ctx.rows is None:
        return Verdict(False, f"no warehouse (import {ctx.run1.killed or 'exit %s' % ctx.run1.rc}){_stuck(ctx)}")
    docs = try_q(ctx.db, "SELECT source_path, count(*) AS n FROM documents GROUP BY ALL") or []
    by_path = {str(d["source_path"]): d["n"] for d in docs}
    missing = [p.name for p in paths if by_path.get(str(p), 0) == 0]
    twice = [p.name for p in paths if by_path.get(str(p), 0) > 1]
    if missing or twice:
        return Verdict(False, f"{len(paths) - len(missing)}/{len(paths)} good files stored"
                              + (f"; missing {', '.join(missing)}" if missing else "")
                              + (f"; twice {', '.join(twice)}" if twice else ""))
    return Verdict(True, f"{len(paths)}/{len(paths)} good files stored once")


COUNT_SQL = ("SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM decisions) AS decisions, "
              "(SELECT count(*) FROM attendees) AS attendees, (SELECT count(*) FROM assignments) AS assignments, "
              "(SELECT count(*) FROM persons) AS persons")


def check_rerun(ctx: Ctx, paths: list[Path], kind: Kind) -> Verdict:
    if ctx.run2 is None:
        return Verdict(False, "no second run (the first did not finish)")
    if ctx.run2.killed or ctx.run2.rc not in (0, 1) or "Traceback" in ctx.run2.err_text:
        return Verdict(False, f"second run: {ctx.run2.killed or 'exit %s' % ctx.run2.rc}: {_last_error(ctx.run2)}")
    r2 = [r for r in (ctx.rows or []) if r["run_no"] == 2]
    if ctx.counts1 and ctx.counts2 and ctx.counts1.get("rules_version") != ctx.counts2.get("rules_version"):
        return Verdict(True, "SKIP: the project's rules version changed between the two runs (it is being edited); "
                             "every file was re-extracted, so idempotence cannot be judged")
    changed = [r for r in r2 if r["status"] in ("imported", "replaced")]
    failed1 = {str(r["source_path"]): r for r in ctx.rows if r["run_no"] == 1 and r["status"] == "failed"}
    retried = [r for r in r2 if r["status"] == "failed" and str(r["source_path"]) in failed1
               and (r["seconds"] or 0) >= 1.0]
    retry_s = sum(r["seconds"] or 0 for r in r2 if str(r["source_path"]) in failed1)
    problems = []
    if changed:
        problems.append(f"{len(changed)} imported/replaced again ({', '.join(Path(str(r['source_path'])).name for r in changed[:3])})")
    if ctx.counts1 != ctx.counts2:
        problems.append(f"counts changed {ctx.counts1} -> {ctx.counts2}")
    if retry_s > 5:
        problems.append(f"{len(failed1)} failed files retried, {retry_s:.0f} s spent again "
                        f"({len(retried)} took over 1 s; run 2 wall {ctx.run2.wall:.0f} s vs {ctx.run1.wall:.0f} s)")
    if problems:
        return Verdict(False, "; ".join(problems))
    return Verdict(True, f"run 2: {len(r2)} rows, nothing new; failed files cost {retry_s:.1f} s again; "
                         f"wall {ctx.run2.wall:.0f} s")
