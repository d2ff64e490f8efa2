"""The Dask engine yields the same warehouse as the local one; Parquet exports are queryable and sandboxed."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from conftest import MINUTES_MD

from minutes.cli import main

# Columns that differ between two runs of the same import by nature: times, run ids, durations.
RUN_SPECIFIC = {"documents": "imported_at", "imports": "run_id, \"at\", seconds, ocr_seconds"}
VIEWS = ("documents", "sections", "attendees", "decisions", "assignments", "assignment_followups", "persons", "imports",
         "motions", "votes", "person_votes", "reservations", "recusals", "paragraph_attendance")


def snapshot(db) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for view in VIEWS:
            skip = RUN_SPECIFIC.get(view)
            cols = f"* EXCLUDE ({skip})" if skip else "*"
            out[view] = con.execute(f"SELECT {cols} FROM {view} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


@pytest.fixture
def folder(make_doc, tmp_path):
    f = tmp_path / "in"
    f.mkdir()
    for i, date in enumerate(("2025-02-04", "2025-03-04", "2025-04-01")):
        make_doc(MINUTES_MD.replace("2025-02-04", date), f"m{i}.pdf").rename(f / f"styrgrupp_{date}.pdf")
    make_doc(MINUTES_MD.replace("2025-02-04", "2025-05-06"), "d.docx").rename(f / "styrgrupp_2025-05-06.docx")
    (f / "trasig.pdf").write_bytes(b"%PDF-1.7 trasig")
    return f


@pytest.mark.slow
def test_dask_and_local_engines_build_identical_warehouses(runner, folder, tmp_path):
    from distributed import LocalCluster
    local, dask = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    res = runner.invoke(main, ["import", str(folder), "--db", str(local)])
    assert res.exit_code == 1 and "4 imported" in res.output and "1 failed" in res.output
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        res = runner.invoke(main, ["import", str(folder), "--db", str(dask), "--engine", "dask",
                                   "--scheduler", cluster.scheduler_address])
    assert res.exit_code == 1 and "4 imported" in res.output and "1 failed" in res.output, res.output
    a, b = snapshot(local), snapshot(dask)
    assert a["decisions"] and a["assignments"] and a["attendees"]
    for view in VIEWS:
        assert a[view] == b[view], view
    # and idempotent on the cluster too
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        res = runner.invoke(main, ["import", str(folder), "--db", str(dask), "--engine", "dask",
                                   "--scheduler", cluster.scheduler_address])
    assert "4 unchanged" in res.output


def test_an_unreachable_scheduler_is_one_clear_sentence(runner, folder, tmp_path):
    res = runner.invoke(main, ["import", str(folder), "--db", str(tmp_path / "w.duckdb"), "--engine", "dask",
                               "--scheduler", "tcp://127.0.0.1:1", "--scheduler-timeout", "1"])
    assert res.exit_code == 1 and "Cannot reach the Dask scheduler" in res.output and "Traceback" not in res.output


def test_parquet_export_is_partitioned_and_queryable(runner, folder, tmp_path):
    db, out = tmp_path / "w.duckdb", tmp_path / "export"
    runner.invoke(main, ["import", str(folder), "--db", str(db), "--out-parquet", str(out)])
    region = "region=Sjukv%C3%A5rdsregion%20Mellansverige"  # inferred from the attendees' regions
    assert sorted(p.name for p in (out / "decisions").iterdir()) == [region]
    assert sorted(p.name for p in (out / "decisions" / region).iterdir()) == ["year=2025"]
    res = runner.invoke(main, ["sql", "select year, count(*) as n from decisions group by all", "--parquet", str(out),
                               "-f", "csv"])
    assert res.exit_code == 0 and res.output == "year,n\n2025,8\n"
    direct = duckdb.connect(str(db), read_only=True).execute("select count(*) from decisions").fetchone()[0]
    assert direct == 8
    res = runner.invoke(main, ["sql", "select count(*) from motions", "--parquet", str(out), "-f", "csv"])
    assert res.exit_code == 0 and res.output == "count_star()\n0\n"
    for query in (f"copy (select 1) to '{out}/x.csv'", "select * from read_csv('/etc/passwd')"):
        res = runner.invoke(main, ["sql", query, "--parquet", str(out)])
        assert res.exit_code == 1 and "only reads" in res.output
    assert not (out / "x.csv").exists()
    # a second import replaces the export whole
    (folder / "styrgrupp_2025-05-06.docx").unlink()
    (tmp_path / ".export.0badc0de.tmp").mkdir()  # what a killed export leaves
    runner.invoke(main, ["import", str(folder), "--db", str(db), "--out-parquet", str(out)])
    assert not list(tmp_path.glob(".export.*"))  # no reader held the previous export: it is gone


@pytest.mark.slow
def test_readers_during_60_export_swaps_see_whole_exports(runner, folder, tmp_path):
    """Two warehouses exported in turn into one folder; each read takes two views of one connection."""
    import random
    import threading
    import time

    from minutes.warehouse.parquet import parquet_connection, release, write_views

    a, b, out = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "export"
    runner.invoke(main, ["import", str(folder), "--db", str(a)])
    (folder / "styrgrupp_2025-05-06.docx").unlink()
    runner.invoke(main, ["import", str(folder), "--db", str(b)])
    whole = {}
    for db in (a, b):
        con = duckdb.connect(str(db), read_only=True)
        whole[db] = tuple(con.execute(f"SELECT count(*) FROM {v}").fetchone()[0] for v in ("documents", "decisions"))
        write_views(con, out)
        con.close()
    assert len(set(whole.values())) == 2, whole
    seen: list[tuple] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                con = parquet_connection(out)
                documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
                time.sleep(random.random() / 50)  # a swap may come between the two views
                seen.append((documents, con.execute("SELECT count(*) FROM decisions").fetchone()[0]))
                release(con)
            except Exception as e:  # a read that fails counts as much as one that mixes
                seen.append((type(e).__name__, str(e)[:80]))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    connections = {db: duckdb.connect(str(db), read_only=True) for db in (a, b)}
    try:
        for n in range(60):
            write_views(connections[(a, b)[n % 2]], out)
    finally:
        stop.set()
        for t in readers:
            t.join()
        for con in connections.values():
            con.close()
    assert len(seen) >= 60 and set(seen) == set(whole.values()), set(seen) - set(whole.values())


def test_workers_get_the_largest_files_first_and_one_worker_keeps_the_found_order():
    from minutes.pipeline.importer import in_run_order
    from minutes.pipeline.work import Job

    jobs = [Job("a.pdf", 10, 0), Job("b.pdf", 900, 0), Job("c.docx", 40, 0), Job("d.docx", 40, 0)]
    assert [j.path for j in in_run_order(jobs, 2)] == ["b.pdf", "c.docx", "d.docx", "a.pdf"]
    assert [j.path for j in in_run_order(jobs, 1)] == ["a.pdf", "b.pdf", "c.docx", "d.docx"]


@pytest.mark.slow
def test_two_worker_processes_build_the_same_warehouse_as_one(runner, folder, tmp_path):
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    res = runner.invoke(main, ["import", str(folder), "--db", str(one)])
    assert res.exit_code == 1 and "4 imported" in res.output and "1 failed" in res.output
    res = runner.invoke(main, ["import", str(folder), "--db", str(two), "-j", "2"])
    assert res.exit_code == 1 and "4 imported" in res.output and "1 failed" in res.output, res.output
    assert snapshot(two) == snapshot(one)


def test_workers_start_with_the_rules_loaded():
    import concurrent.futures as cf
    import multiprocessing

    from minutes.pipeline.importer import worker_context
    from minutes.rules import decisions

    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform has no forkserver")
    ctx = worker_context()
    assert ctx.get_start_method() == "forkserver"
    assert decisions.rules.__module__ == "minutes.rules.decisions"  # the name asked below
    with cf.ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        # the decision rules are built once per process, on first use: a worker has them before its first file
        loaded = pool.submit(eval, "__import__('minutes.rules.decisions').rules.decisions.rules.cache_info().currsize").result()
    assert loaded == 1


def test_the_warm_up_minutes_reach_every_rule_the_first_file_needs():
    from minutes.extractors.text import parse_text
    from minutes.pipeline import warm
    from minutes.rules import analyse

    ex = analyse(parse_text(warm.MINUTES), "uppvarmning.md")
    assert str(ex.meeting.meeting_date) == "2024-03-12" and len(ex.attendees) == 2
    assert [d.kind for d in ex.decisions] == ["beslut"]
    # a written-out date (the day_month deadline shape)
    [task] = ex.assignments
    assert (task.owner, str(task.deadline), task.deadline_precision) == ("Per Olsson", "2024-09-30", "day")


def test_spacy_imported_without_its_command_line_works_and_can_still_load_it():
    script = ("import sys; from minutes.pipeline.warm import import_spacy; import_spacy()\n"
              "assert 'spacy.cli' not in sys.modules and 'typer' not in sys.modules\n"
              "import spacy; nlp = spacy.blank('sv'); assert [t.text for t in nlp('Ordf. Anna (S)')]\n"
              "from spacy.cli.info import info; assert callable(info) and callable(spacy.info)\n")
    subprocess.run([sys.executable, "-c", script], check=True)


def test_a_failing_warm_up_leaves_the_forkserver_running(monkeypatch, caplog):
    import importlib

    from minutes.pipeline import warm
    from minutes.rules import analysis

    def broken(*args, **kwargs):
        raise RuntimeError("a broken rule")

    monkeypatch.setattr(analysis, "analyse", broken)
    importlib.reload(warm)  # what the forkserver does: import the module, which warms up
    assert "each worker loads them itself" in caplog.text
