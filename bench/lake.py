"""The write path, measured: born-digital pages of rows per second into the DuckDB file and into a lake.

    .venv/bin/python bench/lake.py [--docs 2000] [--pages 5] [--batch 1000] [--writers 2] [--rounds 3]
                                   [--import-pdfs 40]

Rows are prepared before the clock starts (documents shaped like the benchmark corpus: per
page 2 blocks of text, 1.2 decisions, 0.7 assignments, one attendee and about 49 search postings).
Then the same documents are written three ways, each timed from the first batch to the last
commit: the DuckDB file by one writer as the importer writes it (a transaction per batch,
the file closed between batches so readers get in); a lake on a throwaway PostgreSQL catalog
by one writer; and the same lake by `--writers` processes at once, each committing its own
batches as lake workers do (`LakeWarehouse.commit_batch`). Each way runs `--rounds` times and
the best round counts. Prints pages/s, the ratio to the file, the writers' CPU time per 1,000
pages (what the rate would be on idle cores), and the machine's load average, since the
machine may be shared. `--import-pdfs N` then
imports N synthetic five-page PDFs (bench/corpus.py) with `minutes import` on a cluster of
`--writers` Dask worker processes into a lake, and prints how busy the workers were: they
extract and write themselves, so none waits for a writer.
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

WORDS = ("kommun styrelse beslut uppdrag nämnd protokoll ärende förslag yrkande budget skola vård omsorg bygglov "
         "detaljplan ekonomi revision motion interpellation sammanträde justering förvaltning utredning").split()


def records(n: int, pages: int, seed: int):
    """`n` documents of `pages` pages each, as the workers hand them to the writer."""
    import random

    from minutes.core.ids import document_id_for, row_id
    from minutes.warehouse.search import postings
    from minutes.warehouse.rows import DocumentRecord

    rnd = random.Random(seed)
    out = []
    for i in range(n):
        path = f"/arkiv/{seed}/protokoll_{i}.pdf"
        did = document_id_for(path)
        text = [" ".join(rnd.choices(WORDS, k=24)) for _ in range(2 * pages)]
        blocks = [{"document_id": did, "ordinal": b, "kind": "paragraph", "level": 0, "page": 1 + b // 2,
                   "section_id": None, "text": t} for b, t in enumerate(text)]
        decisions = [{"decision_id": row_id(did, "decisions", d), "document_id": did, "section_id": None,
                      "section_title": None, "ordinal": d, "text": " ".join(rnd.choices(WORDS, k=12)),
                      "kind": "beslut", "page": 1 + d % pages, "rule": "sv.beslut", "source_text": "Beslut: …"}
                     for d in range(round(1.2 * pages))]
        assignments = [{"assignment_id": row_id(did, "assignments", a), "document_id": did, "decision_id": None,
                        "section_id": None, "ordinal": a, "owner": "Anna Svensson", "owner_kind": "person",
                        "task": " ".join(rnd.choices(WORDS, k=8)), "deadline": dt.date(2025, 6, 30),
                        "deadline_text": "30 juni", "deadline_precision": "day", "page": 1, "rule": "sv.uppdrag",
                        "source_text": "…"} for a in range(round(0.7 * pages))]
        attendees = [{"attendee_id": row_id(did, "attendees", p + 1), "document_id": did, "name": f"Per Olsson{p}",
                      "initials": None, "role": None, "organisation": "Region Värmland", "party": None,
                      "status": "present", "attended": None, "page": 1, "rule": "sv.närvaro", "source_text": "…"}
                     for p in range(pages)]
        rows = {"blocks": blocks, "decisions": decisions, "assignments": assignments, "attendees": attendees}
        rows["postings"] = postings(rows)
        document = {"document_id": did, "source_path": path, "file_name": Path(path).name, "sha256": f"{seed}-{i}",
                    "size_bytes": 1000, "mtime_ns": 1, "format": "pdf", "page_count": pages, "ocr": False,
                    "ocr_seconds": None, "doc_type": "protokoll", "title": "Protokoll", "body": "Kommunstyrelsen",
                    "region": "Region Värmland", "meeting_date": dt.date(2024, 1, 1) + dt.timedelta(days=i % 700),
                    "start_time": None, "end_time": None, "place": None, "next_meeting": None,
                    "rules_version": "bench", "provenance": "{}", "warnings": None, "imported_at": dt.datetime.now()}
        out.append(DocumentRecord.of(document, rows))
    return out


def _imports(run_id: str, batch) -> list[dict]:
    from minutes.warehouse.store import import_row
    return [import_row(run_id, r.document["source_path"], "imported", document_id=r.document["document_id"],
                       pages=r.document["page_count"]) for r in batch]


def write_file(db: str, docs, batch: int) -> tuple[float, float]:
    """The DuckDB file, one writer, as the importer writes: a transaction per batch, released between.

    Returns (wall seconds, CPU seconds of this process)."""
    from minutes.warehouse import Warehouse

    with Warehouse(db) as wh:
        wh.release()
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, len(docs), batch):
            wh.write_batch(docs[i:i + batch], imports=_imports("bench", docs[i:i + batch]))
            wh.release()
        return time.perf_counter() - t0, time.process_time() - c0


def _lake_writer(db: str, n: int, pages: int, seed: int, batch: int, threads: int, start, done) -> None:
    from minutes.warehouse.lake_store import LakeWarehouse

    docs = records(n, pages, seed)
    wh = LakeWarehouse(db, migrate=False, threads=threads)
    first = records(1, 1, seed + 1000)  # attached, and the writing code loaded, before the clock starts
    wh.commit_batch(f"bench-{seed}", first, imports=_imports(f"bench-{seed}", first))
    start.wait()
    c0 = time.process_time()
    for i in range(0, len(docs), batch):
        wh.commit_batch(f"bench-{seed}", docs[i:i + batch], imports=_imports(f"bench-{seed}", docs[i:i + batch]))
    done.put((time.perf_counter(), time.process_time() - c0))
    wh.close()


def write_lake(db: str, n: int, pages: int, batch: int, writers: int) -> tuple[float, float]:
    """`writers` processes committing their own batches into the lake at once.

    Returns (wall seconds until the last commit, CPU seconds of the writers together)."""
    ctx = multiprocessing.get_context("spawn")
    start, done = ctx.Barrier(writers + 1), ctx.Queue()
    threads = max(1, (os.cpu_count() or 1) // writers)  # each writer its share of the cores, as on a worker
    procs = [ctx.Process(target=_lake_writer, args=(db, n // writers, pages, 100 + w, batch, threads, start, done))
             for w in range(writers)]
    for p in procs:
        p.start()
    start.wait(timeout=600)
    t0 = time.perf_counter()
    ends = [done.get(timeout=1800) for _ in procs]
    for p in procs:
        p.join()
    return max(end for end, _ in ends) - t0, sum(cpu for _, cpu in ends)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--batch", type=int, default=1000, help="documents per transaction")
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="each way is timed this often; the best counts")
    parser.add_argument("--import-pdfs", type=int, default=0, help="also time an import of this many PDFs")
    args = parser.parse_args()
    pages = args.docs * args.pages
    docs = records(args.docs, args.pages, 1)
    rows = sum(1 + sum(r.count(t) for t in r.rows) for r in docs)
    print(f"{args.docs} documents, {pages:,} pages, {rows:,} rows; {args.batch} documents a transaction; best of "
          f"{args.rounds}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = measure(args, docs)
    base = pages / results[0][1]
    for name, seconds, cpu in results:
        rate = pages / seconds
        print(f"  {name:<50} {rate:>9,.0f} pages/s  {seconds:6.2f} s  {rate / base:5.2f}x the file  "
              f"CPU {1000 * cpu / pages * 1000:5.0f} ms per 1,000 pages ({pages / cpu:,.0f} pages a CPU-second)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if args.import_pdfs:
        import_on_cluster(args.import_pdfs, args.writers)


def measure(args, docs) -> list[tuple[str, float, float]]:
    """(way, best wall seconds, the CPU seconds of that round) for the file, one lake writer and `--writers`."""
    from lakefix import throwaway_postgres

    from minutes.warehouse.lake_store import LakeWarehouse

    ways = [("DuckDB file, 1 writer (as the importer writes)", 0)]
    ways += [(f"lake on PostgreSQL, {w} writer process{'es' if w > 1 else ''}", w) for w in sorted({1, args.writers})]
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, throwaway_postgres() as pg:
        for n in range(args.rounds):
            for name, writers in ways:
                if writers == 0:
                    got = write_file(f"{tmp}/w{n}.duckdb", docs, args.batch)
                else:
                    server = pg.create(f"bench_{n}_{writers}")
                    LakeWarehouse(server.lake, _settings(f"{tmp}/lake_{n}_{writers}")).close()  # schema in place
                    got = write_lake(server.lake, args.docs, args.pages, args.batch, writers)
                best[name] = min(best.get(name, got), got)
    return [(name, *best[name]) for name, _ in ways]


def import_on_cluster(n: int, workers: int) -> None:
    """`minutes import` of `n` PDFs on a cluster of `workers` processes into a lake; its summary lines."""
    import subprocess

    from corpus import write_corpus  # bench/corpus.py, beside this script
    from lakefix import dask_cluster, throwaway_postgres

    with tempfile.TemporaryDirectory() as tmp, throwaway_postgres() as pg:
        folder = Path(tmp) / "in"
        write_corpus(folder, n, "pdf", pages=5)
        with dask_cluster(Path(tmp) / "dask", workers) as cluster:
            print(f"minutes import of {n} five-page PDFs, {workers} Dask workers, load average "
                  f"{os.getloadavg()[0]:.1f}:")
            res = subprocess.run([str(Path(sys.executable).with_name("minutes")), "import", str(folder), "--db",
                                  pg.lake, "--lake-data", f"{tmp}/lake", "--engine", "dask", "--scheduler",
                                  cluster.address, "-q"], capture_output=True, text=True)
    for line in res.stdout.splitlines():
        if "files in" in line or line.startswith("Workers"):
            print("  " + line)


def _settings(data: str):
    from minutes.core.settings import Settings
    return Settings(lake_data=data)


if __name__ == "__main__":
    main()
