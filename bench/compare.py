"""Two versions of minutes side by side: the same imports, interleaved, in one run.

    .venv/bin/python bench/compare.py REV [FOLDER ...] [--rounds N] [--workers N]
    .venv/bin/python bench/compare.py REV --queries [--db WAREHOUSE]

REV is any git revision (a commit, a tag, HEAD~3). It is checked out into a temporary
worktree, and every round imports each FOLDER (default: the .docx and PDF corpora `make
bench` made in bench-out/) once with REV's code and once with the working tree's, into fresh
warehouses, one after the other. With --queries it runs the benchmark's `minutes assigned` and
`minutes search` commands instead, on the million-row warehouse `make bench` built. This
machine's speed drifts by up to a third between minutes, so only rounds run side by side
compare. Prints the median of each side and the speed-up. Both sides run on this venv's
libraries; only minutes' own code differs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench import MINUTES, ROOT, compile_modules, pages_of  # noqa: E402


def import_seconds(code: Path, folder: Path, workers: int = 1) -> float:
    """Seconds of one whole `minutes import -j workers` of `folder`, running minutes from `code`."""
    with tempfile.TemporaryDirectory() as tmp:
        return command_seconds(code, "import", str(folder), "--db", f"{tmp}/w.duckdb", "-q", "-j", str(workers))


#: The query commands `make bench` times, as whole commands.
QUERIES = (("assigned", "Håkan Lind7"), ("search", "beslut ord4711"))


def command_seconds(code: Path, *args: str) -> float:
    """Seconds of one whole `minutes ARGS`, running minutes from `code` (ahead of the editable install)."""
    t = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(_site(code)), MINUTES_IMPORT_SERVICE="0")
    subprocess.run([MINUTES, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


_SITES: dict[Path, Path] = {}
#: The repository's folders that install as subpackages of `minutes` (pyproject.toml's package-dir).
_PARTS = ("extractors", "rules", "pipeline", "warehouse", "web")


def _site(code: Path) -> Path:
    """A folder to put on PYTHONPATH so that `minutes` and all its parts come from `code`.

    The package's parts live in folders of their own (rules/, pipeline/, ...) and are mapped
    into `minutes` by the installation; here a `minutes` folder of links does the same.
    """
    if code not in _SITES:
        site = Path(tempfile.mkdtemp(prefix="minutes-site-"))
        pkg = site / "minutes"
        pkg.mkdir()
        for entry in (code / "minutes").iterdir():
            (pkg / entry.name).symlink_to(entry)
        for part in _PARTS:
            if (code / part).is_dir():
                (pkg / part).symlink_to(code / part)
        _SITES[code] = site
    return _SITES[code]


def _size(folder: Path) -> tuple[int, str]:
    """Pages when the folder holds PDFs only, else files."""
    files = [p for p in folder.iterdir() if p.is_file()]
    if files and all(p.suffix.lower() == ".pdf" for p in files):
        return pages_of(files), "pages"
    return len(files), "files"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", help="the git revision to compare the working tree with")
    ap.add_argument("folders", nargs="*", type=Path, help="folders to import (default: bench-out's corpora)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--workers", type=int, default=1, help="worker processes for every import (default 1)")
    ap.add_argument("--queries", action="store_true", help="time the query commands instead of imports")
    ap.add_argument("--db", type=Path, default=ROOT / "bench-out" / "big-1000000.duckdb",
                    help="the warehouse --queries runs on (default: make bench's million-row warehouse)")
    args = ap.parse_args()
    folders = args.folders or [ROOT / "bench-out" / "docx-500", ROOT / "bench-out" / "pdf-150"]
    missing = [str(f) for f in ([args.db] if args.queries else folders) if not f.exists()]
    if missing:
        sys.exit(f"No {', '.join(missing)}; run `make bench` first or name what to use.")
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old), args.rev], check=True)
        try:
            for code in (old, ROOT):
                compile_modules(code)
            if args.queries:
                print(f"{args.rev} against the working tree, {args.rounds} interleaved rounds, median ms")
                for query in QUERIES:
                    ms: dict[Path, list[float]] = {old: [], ROOT: []}
                    for _ in range(args.rounds):
                        for code in (old, ROOT):
                            ms[code].append(command_seconds(code, *query, "--db", str(args.db)) * 1000)
                    a, b = statistics.median(ms[old]), statistics.median(ms[ROOT])
                    print(f"minutes {' '.join(query):28s} {args.rev}: {a:5.0f} ms   now: {b:5.0f} ms   {a / b:.2f}x")
                return
            print(f"{args.rev} against the working tree, {args.rounds} interleaved rounds, -j {args.workers}, "
                  "median seconds")
            for folder in folders:
                times: dict[str, list[float]] = {"old": [], "new": []}
                for _ in range(args.rounds):
                    times["old"].append(import_seconds(old, folder, args.workers))
                    times["new"].append(import_seconds(ROOT, folder, args.workers))
                a, b = statistics.median(times["old"]), statistics.median(times["new"])
                n, unit = _size(folder)
                print(f"{folder.name:12s} {args.rev}: {a:6.2f} s ({n / a:5.0f} {unit}/s)   "
                      f"now: {b:6.2f} s ({n / b:5.0f} {unit}/s)   {a / b:.2f}x")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True)


if __name__ == "__main__":
    main()
