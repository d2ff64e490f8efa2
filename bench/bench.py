"""The import and query benchmark: minutes beside its baselines, in one run.

    make bench                      (BENCH_SCALE=1; BENCH_SCALE=0.05 is what CI runs)
    BENCH_CORPORA=DIR[:DIR] make bench    (real minutes for the real-layout rows)

Prints one table. First the real-layout rows (bench/real.py: start-up beside `minutes
--version`, reading beside `pdftotext -layout`, copies), then, on synthetic minutes:
pages/s for `pdftotext -layout`, pdfplumber-only text and `minutes import`
with 1 and 2 workers on the same PDFs (medians of several runs, and the ratios), two separate
single-worker imports of half the PDFs each run at once (what two processes can do on this
machine: the ceiling for -j 2), the same ratios once started (each import's start-up taken
off), the start-up of one import, .docx files per second (also once started),
re-importing an unchanged folder, peak memory importing one long PDF, and the time of
`minutes assigned` and `minutes search` on a warehouse of a million assignments and a million
decisions. Every corpus is synthetic (bench/corpus.py) and cached in bench-out/.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import minutes, write_corpus  # noqa: E402

os.environ["MINUTES_IMPORT_SERVICE"] = "0"  # whole commands, start-up included; bench/real.py times the service too
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
REPEATS = 3 if SCALE >= 0.5 else 2  # runs per measure; the medians are printed
ROUNDS = 5 if SCALE >= 0.5 else 2  # interleaved rounds of the PDF comparison
OUT = Path(os.environ.get("BENCH_DIR", ROOT / "bench-out"))
MINUTES = str(Path(sys.executable).with_name("minutes"))
RESULTS: list[tuple[str, str, str, str]] = []  # (measure, value, unit, note)


def n(x: float, least: int = 1) -> int:
    return max(least, round(x * SCALE))


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def timed_round(fns) -> list[float]:
    """Seconds each function takes, run one after the other."""
    out = []
    for fn in fns:
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def pages_of(files) -> int:
    """Pages in all of `files` (PDFs), as pdfium counts them."""
    import pypdfium2 as pdfium
    return sum(len(pdfium.PdfDocument(str(f))) for f in files)


def compile_modules(root: Path = ROOT) -> None:
    """Compile minutes' own modules under `root`, as Python's first run of an installation does.

    With PYTHONDONTWRITEBYTECODE set (as on some build machines) every measured command would
    otherwise compile them again (0.15-0.2 s a command).
    """
    import compileall
    for package in ("minutes", "extractors", "pipeline", "rules", "warehouse", "web"):
        compileall.compile_dir(str(root / package), quiet=1)


def run(*args: str) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def importing(path: Path, workers: int = 1, engine: str = "local"):
    """A function that runs one whole `minutes import` of `path` into a new, temporary warehouse."""
    def go() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            run(MINUTES, "import", str(path), "--db", f"{tmp}/w.duckdb", "-q", "-j", str(workers), "--engine", engine)
    return go


def pdf_corpus() -> tuple[list[Path], int]:
    """PDFs with an attendee table on page 1 and 5 to 20 pages in all."""
    folder = OUT / f"pdf-{n(150)}"
    rng = random.Random(7)
    files = []
    for i in range(n(150)):
        pages = rng.randint(5, 20)
        path = folder / f"protokoll_{i:04d}.pdf"
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            from devtools.docgen import render
            render(minutes(1000 + i, pages), path)
        files.append(path)
    return files, pages_of(files)


def bench_pdf(repeats: int) -> None:
    files, pages = pdf_corpus()
    folder = files[0].parent

    def pdftotext() -> None:
        for f in files:
            run("pdftotext", "-layout", str(f), "/dev/null")

    def pdfplumber_text() -> None:
        import pdfplumber
        for f in files[:max(1, len(files) // 8)]:
            with pdfplumber.open(str(f)) as pdf:
                for p in pdf.pages:
                    p.extract_text()

    plumber_pages = pages_of(files[:max(1, len(files) // 8)])
    halves = _halves(files)

    def two_independent() -> None:
        """Two single-worker imports of half the files each, at once, into two warehouses: what two
        processes can do on this machine with nothing shared, the ceiling for -j 2."""
        with tempfile.TemporaryDirectory() as tmp:
            procs = [subprocess.Popen([MINUTES, "import", str(h), "--db", f"{tmp}/w{k}.duckdb", "-q"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for k, h in enumerate(halves)]
            if any(p.wait() for p in procs):
                raise RuntimeError("an import of half the corpus failed")

    # the start-up of one import, and of -j 2: two 1-page PDFs, one for each worker
    start_file, start_pair = OUT / "one-page.pdf", OUT / "one-page-pair"
    if not start_file.exists() or not start_pair.exists():
        from devtools.docgen import render
        render(minutes(77, 1), start_file)
        start_pair.mkdir(exist_ok=True)
        for seed in (78, 79):
            render(minutes(seed, 1), start_pair / f"{seed}.pdf")
    t_plumb = median_time(pdfplumber_text, 1)
    # The machine's speed drifts from minute to minute, so the runs that are compared are
    # interleaved (one of each per round) and every ratio is the median of the rounds' ratios.
    rounds = [timed_round([pdftotext, importing(folder), importing(folder, 2), two_independent,
                           importing(start_file), importing(start_pair, 2)]) for _ in range(ROUNDS)]
    t_dask = median_time(importing(folder, 2, "dask"), repeats)
    _report_pdf(files, pages, rounds, t_plumb, plumber_pages, t_dask)


def _report_pdf(files: list[Path], pages: int, rounds: list[list[float]], t_plumb: float,
                plumber_pages: int, t_dask: float) -> None:
    """The PDF rows of the table from the interleaved rounds (medians of each measure and of each ratio)."""
    t_txt, t_j1, t_j2, t_two, t_start, t_start2 = (statistics.median(r[k] for r in rounds) for k in range(6))
    share = statistics.median(r[0] / r[1] for r in rounds)  # pdftotext time / minutes time = pages/s share
    speedup = statistics.median(r[1] / r[2] for r in rounds)
    ceiling = statistics.median(r[1] / r[3] for r in rounds)
    # Once started: each import's start-up (its 1-page imports in the same round) taken off
    started = statistics.median((r[1] - r[4]) / (r[2] - r[5]) for r in rounds)
    started_ceiling = statistics.median((r[1] - r[4]) / (r[3] - r[4]) for r in rounds)
    base = pages / t_txt
    RESULTS.append(("pdftotext -layout", f"{base:.0f}", "pages/s", f"{len(files)} PDFs, {pages} pages"))
    RESULTS.append(("pdfplumber text only", f"{plumber_pages / t_plumb:.1f}", "pages/s",
                    f"{plumber_pages / t_plumb / base:.1%} of pdftotext ({plumber_pages} pages)"))
    RESULTS.append(("minutes import, 1 worker", f"{pages / t_j1:.0f}", "pages/s",
                    f"{share:.0%} of pdftotext (target 25%); extract+rules+load; "
                    f"rounds {min(r[0] / r[1] for r in rounds):.0%}-{max(r[0] / r[1] for r in rounds):.0%}"))
    RESULTS.append(("  the same once started", f"{pages / (t_j1 - t_start):.0f}", "pages/s",
                    f"{pages / (t_j1 - t_start) / base:.0%} of pdftotext: the 1-page import's time (below) taken off"))
    RESULTS.append(("minutes import, 2 workers", f"{pages / t_j2:.0f}", "pages/s",
                    f"{speedup:.2f}x 1 worker (target 1.8x)"))
    RESULTS.append(("  two separate imports at once", f"{pages / t_two:.0f}", "pages/s",
                    f"{ceiling:.2f}x 1 worker: this machine's ceiling for two processes"))
    RESULTS.append(("  2 workers once started", f"{started:.2f}", "x",
                    f"1 worker once started; two separate imports once started: {started_ceiling:.2f}x"))
    RESULTS.append(("minutes import of a 1-page PDF", f"{t_start:.2f}", "s",
                    "start-up: Python, spaCy, the rules, the warehouse"))
    RESULTS.append(("  -j 2, two 1-page PDFs", f"{t_start2:.2f}", "s", "start-up of two workers"))
    RESULTS.append(("minutes import, Dask, 2 workers", f"{pages / t_dask:.0f}", "pages/s",
                    f"{t_j1 / t_dask:.2f}x 1 worker; a local Dask cluster started by the command"))


def _halves(files: list[Path]) -> list[Path]:
    """Two folders, each holding every other file (alike in pages) as a hard link (an import does not
    follow a symbolic link out of its folder), or a copy where the file system has none."""
    out = []
    for k in range(2):
        folder = OUT / f"{files[0].parent.name}-half{k}"
        folder.mkdir(parents=True, exist_ok=True)
        for f in files[k::2]:
            link = folder / f.name
            if link.is_symlink():
                link.unlink()  # made by an earlier version of this benchmark
            if not link.exists():
                try:
                    os.link(f, link)
                except OSError:
                    shutil.copyfile(f, link)
        out.append(folder)
    return out


def bench_docx(repeats: int) -> None:
    folder = OUT / f"docx-{n(500)}"
    files = write_corpus(folder, n(500), "docx", pages=5, seed=5000)

    rounds = [timed_round([importing(folder), importing(files[0])]) for _ in range(repeats)]
    t = statistics.median(r[0] for r in rounds)
    started = statistics.median(r[0] - r[1] for r in rounds)
    RESULTS.append(("minutes import .docx, 1 worker", f"{len(files) / t:.0f}", "files/s",
                    f"{len(files)} five-page minutes (target 100)"))
    RESULTS.append(("  the same once started", f"{(len(files) - 1) / started:.0f}", "files/s",
                    "the import of one of those files taken off (start-up)"))


def bench_reimport(repeats: int) -> None:
    count = n(1000, 20)
    folder = OUT / f"many-{count}"
    if not folder.exists():
        folder.mkdir(parents=True)
        for i in range(count):
            (folder / f"anteckningar_{i:05d}.md").write_text(minutes(9000 + i, 1), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        db = f"{tmp}/w.duckdb"
        run(MINUTES, "import", str(folder), "--db", db, "-q")
        t = median_time(lambda: run(MINUTES, "import", str(folder), "--db", db, "-q"), repeats)
    RESULTS.append(("re-import of an unchanged folder", f"{count / t:.0f}", "files/s",
                    f"{count} files, whole command (target 1,000)"))


def bench_memory() -> None:
    pages = n(1000, 20)
    path = OUT / f"long-{pages}.pdf"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        from devtools.docgen import render
        render(minutes(424242, pages), path)
    real = pages_of([path])
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        proc = subprocess.Popen([MINUTES, "import", str(path), "--db", f"{tmp}/w.duckdb", "-q"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak, not the largest of all children
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"the import of {path} failed (exit code {proc.returncode})")
    RESULTS.append(("peak memory, one long PDF", f"{usage.ru_maxrss / 1024:.0f}", "MB",
                    f"{real}-page PDF in {elapsed:.0f} s (target < 500 MB)"))


def synthetic_warehouse(rows: int) -> Path:
    """A warehouse with `rows` decisions and `rows` assignments (and their search index), made in SQL."""
    path = OUT / f"big-{rows}.duckdb"
    if path.exists():
        return path
    from minutes.warehouse import Warehouse
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    with Warehouse(tmp) as wh:
        con = wh.con
        docs = max(1, rows // 20)
        con.execute("SELECT setseed(0.42)")
        con.execute(f"""
            INSERT INTO core.documents (document_id, source_path, file_name, sha256, format, body, region,
                                        meeting_date, rules_version, imported_at)
            SELECT printf('%012x', i), '/arkiv/' || i || '.pdf', i || '.pdf', 'x', 'pdf',
                   ['Socialnämnden', 'Kommunstyrelsen', 'Regionstyrelsen', 'RPO Medicinsk diagnostik'][i % 4 + 1],
                   ['Region Östergötland', 'Region Skåne', 'Ale kommun'][i % 3 + 1],
                   DATE '2015-01-01' + CAST(i % 3650 AS INTEGER), 'bench', now()
            FROM range({docs}) t(i)""")
        con.execute("""CREATE TEMP TABLE words AS SELECT i AS w, 'ord' || i AS word FROM range(20000) t(i)""")
        first = ["Anna", "Björn", "Cecilia", "David", "Eva", "Fredrik", "Greta", "Håkan", "Ingrid", "Johan"]
        last = ["Andersson", "Berg", "Carlsson", "Dahl", "Ek", "Forsberg", "Holm", "Lind", "Nyström", "Öberg"]
        con.execute(f"""
            INSERT INTO core.decisions (decision_id, document_id, ordinal, text, kind, page, rule)
            SELECT printf('%012x', i // 20) || '-D' || lpad((i % 20)::VARCHAR, 3, '0'), printf('%012x', i // 20),
                   i % 20, 'Nämnden beslutar om ord' || (i * 7919 % 20000) || ' och ord' || (i * 104729 % 20000),
                   'beslut', 1, 'bench'
            FROM range({rows}) t(i)""")
        con.execute(f"""
            INSERT INTO core.assignments (assignment_id, document_id, ordinal, owner, owner_key, owner_kind, task,
                                          deadline, page, rule)
            SELECT printf('%012x', i // 20) || '-A' || lpad((i % 20)::VARCHAR, 3, '0'), printf('%012x', i // 20),
                   i % 20, o, lower(strip_accents(o)), 'person', 'ta fram underlag om ord' || (i * 7919 % 20000),
                   DATE '2015-01-01' + CAST(i % 4000 AS INTEGER), 1, 'bench'
            FROM (SELECT i, {first}[i % 10 + 1] || ' ' || {last}[(i // 10) % 10 + 1] || (i % 997)::VARCHAR AS o
                  FROM range({rows}) t(i))""")
        con.execute("INSERT INTO core.terms SELECT w + 1, 'ord' || w FROM range(20000) t(w)")
        con.execute("INSERT INTO core.terms VALUES (20001, 'namnd'), (20002, 'beslut'), (20003, 'underlag')")
        postings = [("(i * 7919 % 20000) + 1", "D"), ("(i * 104729 % 20000) + 1", "D"), ("20002", "D"),
                    ("(i * 7919 % 20000) + 1", "A"), ("20003", "A")]
        con.execute("INSERT INTO core.postings " + " UNION ALL ".join(
            f"SELECT {term}, '{kind}', printf('%012x', i // 20) || '-{kind}' || lpad((i % 20)::VARCHAR, 3, '0'), "
            f"printf('%012x', i // 20), 1 FROM range({rows}) t(i)" for term, kind in postings))
        con.execute("CHECKPOINT")
    tmp.rename(path)
    return path


def bench_queries(repeats: int) -> None:
    from minutes.warehouse.queries import assigned
    from minutes.warehouse.search import search
    from minutes.warehouse.store import connect

    rows = n(1_000_000, 2000)
    t = time.perf_counter()
    db = synthetic_warehouse(rows)
    built = time.perf_counter() - t
    con = connect(db, read_only=True)
    today = dt.date(2024, 1, 1)
    checks = [
        ("minutes assigned (a full name)", lambda: assigned(con, "Håkan Lind7", today)),
        ("minutes assigned (part of a name)", lambda: assigned(con, "lind", today, limit=200)),
        ("minutes search (one rare word)", lambda: search(con, "ord4711")),
        ("minutes search (two words)", lambda: search(con, "beslut ord4711")),
    ]
    for name, fn in checks:
        fn()  # warm the file cache
        ms = median_time(fn, repeats) * 1000
        RESULTS.append((name, f"{ms:.0f}", "ms", f"{rows:,} decisions and {rows:,} assignments (target < 300 ms)"))
    con.close()
    for name, args in (("minutes assigned (a full name), as a command", ["assigned", "Håkan Lind7"]),
                       ("minutes search (two words), as a command", ["search", "beslut ord4711"])):
        t = median_time(lambda: run(MINUTES, *args, "--db", str(db)), repeats)
        RESULTS.append((name, f"{t * 1000:.0f}", "ms", "the whole command: starting Python, printing the rows"))
    from bench.real import bench_import_into
    bench_import_into(db, rows, repeats)
    if built > 1:
        RESULTS.append(("(building the synthetic warehouse)", f"{built:.0f}", "s", "cached in bench-out/"))


def main() -> None:
    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext is missing; install poppler-utils (apt-get install poppler-utils) to run the benchmark.")
    repeats = REPEATS
    OUT.mkdir(parents=True, exist_ok=True)
    compile_modules()
    t0 = time.perf_counter()
    from bench.real import bench_real
    bench_real(ROUNDS)
    bench_pdf(repeats)
    bench_docx(repeats)
    bench_reimport(repeats)
    bench_memory()
    bench_queries(repeats)
    report(t0, f"medians of {repeats} runs ({ROUNDS} interleaved rounds for the PDF rows)")


def machine() -> str:
    """The processor, its cores and the load when asked: the figures hold for this machine as it was."""
    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                  if line.startswith("model name")), platform.processor() or platform.machine())
    load = " ".join(_read("/proc/loadavg").split()[:3]) or "unknown"
    return f"{model}, {os.cpu_count()} cores, load average {load}"


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def report(t0: float, how: str) -> None:
    """Print the table of RESULTS under a line naming the machine and the run."""
    print(f"minutes benchmark, BENCH_SCALE={SCALE}, Python {sys.version.split()[0]}, {how}, "
          f"{time.perf_counter() - t0:.0f} s in all\nmachine: {machine()}")
    w = max(len(r[0]) for r in RESULTS)
    for measure, value, unit, note in RESULTS:
        print(f"{measure:<{w}}  {value:>8} {unit:<8} {note}")


if __name__ == "__main__":
    from bench.bench import main as run_all  # this file as the module bench/real.py fills RESULTS of
    run_all()
