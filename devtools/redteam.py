#!/usr/bin/env python3
"""Red-team run: a hostile archive folder beside good minutes, imported black-box.

    .venv/bin/python devtools/redteam.py [--minutes .venv/bin/minutes] [--kinds a,b] [--mode together|isolate]
    make redteam

It writes a fresh folder of hostile files (the kinds: `--list`) beside five good minutes, runs
`minutes import DIR --db DB -j 2` twice as a child process under an address-space limit and a
wall-time bound (the memory of its whole process group read from /proc), and checks only what
a user could see: exit codes, stdout/stderr, the warehouse's public views, the web site and
the other commands. Of the project it imports only devtools/docgen.py (to render the good
documents); everything else it reaches through the `minutes` command.

One line per kind, `kind  survived|FAILED  detail`, then the summary:
`redteam: N kinds tried, M survived; peak memory …, wall Y s`. The exit code is 0 exactly when
every kind tried survived (2 for a harness error). `--list` shows each kind and the part of
minutes that holds it (the import pipeline, or another: the web site, `minutes sql`, exports,
the terminal, the text reader, the rules). `--mode isolate` runs one import per file kind, to
pin time, memory or a hang on the kind that caused it.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _reexec_in_venv(minutes: str) -> None:
    """The run needs duckdb (to read the warehouse) and reportlab (docgen): re-run with the venv's python."""
    try:
        import duckdb  # noqa: F401
        import reportlab  # noqa: F401
        return
    except ImportError:
        pass
    py = Path(minutes).with_name("python")
    if py.exists() and not os.environ.get("REDTEAM_REEXEC"):
        os.environ["REDTEAM_REEXEC"] = "1"
        os.execv(str(py), [str(py), os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit("redteam: needs duckdb and reportlab; run it with the project's venv python (make redteam)")


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", default=str(ROOT / ".venv" / "bin" / "minutes"), help="the minutes executable")
    ap.add_argument("--workdir", help="where the folders and warehouses go (default: a new temp folder)")
    ap.add_argument("--kinds", help="comma-separated kinds to run (default: all); --list shows them")
    ap.add_argument("--skip", help="comma-separated kinds not to run")
    ap.add_argument("--list", action="store_true", help="list the kinds and exit")
    ap.add_argument("--mode", choices=["together", "isolate"], default="together",
                    help="together: one hostile folder, one import; isolate: one import per file kind")
    ap.add_argument("--workers", type=int, default=2, help="-j for the hostile import")
    ap.add_argument("--wall", type=float, default=600, help="wall seconds for one import before it is killed")
    ap.add_argument("--import-wall", type=float, default=240, help="wall seconds the hostile import may take")
    ap.add_argument("--peak-mb", type=float, default=1024, help="the most memory the hostile import may take (MB)")
    ap.add_argument("--doc-timeout", type=float, default=60,
                    help="--timeout passed to minutes import (0: the project's default)")
    ap.add_argument("--mem-mb", type=int, default=3072, help="address-space limit of every child process (MB)")
    ap.add_argument("--tree-kill-mb", type=float, default=8000, help="kill a child's process group above this RSS")
    ap.add_argument("--oom-kill-mb", type=float, default=600, help="worker_killed: SIGKILL a worker above this RSS")
    ap.add_argument("--sql-timeout", type=float, default=60, help="seconds a `minutes sql` check may run")
    ap.add_argument("--sql-mem-mb", type=float, default=1536, help="most memory `minutes sql` may use by itself")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    args.doc_timeout = args.doc_timeout or None
    return args


def chosen_kinds(args: argparse.Namespace, kinds: dict) -> list[str]:
    names = list(kinds)
    if args.kinds:
        names = [n.strip() for n in args.kinds.split(",") if n.strip()]
        unknown = [n for n in names if n not in kinds]
        if unknown:
            sys.exit(f"redteam: unknown kinds {', '.join(unknown)}; --list shows them")
    if args.skip:
        names = [n for n in names if n not in set(args.skip.split(","))]
    return names


def run(args: argparse.Namespace, names: list[str], emit):
    """Every chosen kind, each judged through `emit`; the run's context, or None when the project cannot
    import good files at all."""
    from hostile.checks import Ctx
    from hostile.kinds import KINDS
    from hostile.orchestrate import preflight, run_aux_kinds, run_file_kinds, safe

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="redteam-")).resolve()
    if workdir.exists() and any(workdir.iterdir()):
        workdir = workdir / time.strftime("%Y%m%dT%H%M%S")
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"redteam: working in {workdir}", flush=True)
    ctx = Ctx(args, os.path.abspath(args.minutes), workdir, isolate=args.mode == "isolate")
    problem = preflight(ctx)
    if problem:
        print(f"redteam: the project does not import good files, nothing to test: {problem}", file=sys.stderr)
        return None
    kinds = [KINDS[n] for n in names]
    file_kinds = [k for k in kinds if k.group == "file"]
    run_kinds = [k for k in kinds if k.group == "run"]
    if ctx.isolate:
        groups = [([k], f"iso-{k.name}") for k in file_kinds] + ([(run_kinds, "iso-run")] if run_kinds else [])
    else:
        groups = [(file_kinds + run_kinds, "together")] if file_kinds or run_kinds else []
    for group, label in groups:
        for name, verdict in run_file_kinds(ctx, group, label).items():
            emit(name, verdict)
    for k in kinds:
        if k.group == "separate":
            emit(k.name, safe(k, ctx, []))
    aux = [k for k in kinds if k.group == "aux"]
    if aux:
        run_aux_kinds(ctx, aux, emit)
    return ctx


def summary(results: dict, wall: float, peak: str) -> tuple[str, bool]:
    """The summary line, and whether every tried kind survived."""
    tried = [n for n, v in results.items() if not v.detail.startswith("SKIP")]
    ok = [n for n in tried if results[n].ok]
    return f"redteam: {len(tried)} kinds tried, {len(ok)} survived; peak memory {peak}, wall {wall:.0f} s", \
        len(ok) == len(tried)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    _reexec_in_venv(args.minutes)
    sys.path[:0] = [str(ROOT), str(ROOT / "devtools")]  # devtools.docgen and the hostile package
    from hostile.kinds import KINDS
    from hostile.procs import PEAKS

    if args.list:
        for k in KINDS.values():
            print(f"{k.name:26} {k.group:9} {'pipeline' if k.ours else 'others':9} {k.desc}")
        return 0
    results: dict = {}

    def emit(name: str, verdict) -> None:
        results[name] = verdict
        print(f"{name:26} {'survived' if verdict.ok else 'FAILED':8}  {verdict.detail}", flush=True)

    t0 = time.monotonic()
    ctx = run(args, chosen_kinds(args, KINDS), emit)
    if ctx is None:
        return 2
    hostile = f"{max(ctx.run1.peak_mb, ctx.run1.max_proc_mb):.0f} MB the hostile import, " if ctx.run1 else ""
    peak = f"{hostile}{max(PEAKS, default=0):.0f} MB any run"
    line, all_ok = summary(results, time.monotonic() - t0, peak)
    print(line)
    failed = [n for n, v in results.items() if not v.ok]
    if failed:
        print(f"redteam: did not survive: {', '.join(failed)}")
    if args.json:
        Path(args.json).write_text(json.dumps({n: dataclasses.asdict(v) for n, v in results.items()}, indent=2,
                                              ensure_ascii=False), encoding="utf-8")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
