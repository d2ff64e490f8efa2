"""Faults on the lake path are rows, not aborts: every good file stored once, a failure row for the rest,
no traceback, and a rerun that finishes the job."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import MINUTES_MD
from lakefix import cluster, dask_cluster, lake_db, needs_lake, pg  # noqa: F401  (fixtures)
from test_lake import lake_views

from minutes.cli import main
from minutes.core.settings import Settings

pytestmark = pytest.mark.slow


def stored(db: str) -> dict[str, int]:
    """What the lake holds, as counts that show a file stored twice."""
    from minutes.warehouse.lake import reader
    con = reader(db, Settings(lake_latest=True))
    try:
        docs, ids, paths = con.execute("SELECT count(*), count(DISTINCT document_id), count(DISTINCT source_path) "
                                       "FROM core.documents").fetchone()
        decisions, distinct = con.execute("SELECT count(*), count(DISTINCT decision_id) FROM core.decisions").fetchone()
        assert docs == ids == paths and decisions == distinct, "a file stored twice"
        persons = con.execute("SELECT count(*) FROM persons").fetchone()[0]
        todo = con.execute("SELECT count(*) FROM core.derived_todo").fetchone()[0]
        return {"documents": docs, "persons": persons, "todo": todo}
    finally:
        con.close()


def minutes_folder(make_doc, folder, n: int):
    """`n` short minutes with their own dates and people (so persons has work to do)."""
    folder.mkdir(exist_ok=True)
    for i in range(n):
        md = MINUTES_MD.replace("2025-02-04", f"2025-02-{i + 1:02d}")
        md = md.replace("Åsa Öberg", f"Åsa Öberg{chr(97 + i)}")
        make_doc(md, f"m{i}.md").rename(folder / f"styrgrupp_{i:02d}.md")
    return folder


def import_cmd(folder, db, *extra):
    return ["import", str(folder), "--db", db, *extra]


def cli(*args, timeout=300) -> subprocess.CompletedProcess:
    """`minutes ARGS` in its own process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "minutes", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def test_a_file_that_needs_too_much_memory_is_a_failure_row(runner, make_doc, tmp_path, cluster, lake_db):
    folder = minutes_folder(make_doc, tmp_path / "in", 2)
    line = "Beslut: Nämnden beslutar att godkänna redovisningen och lägga den till handlingarna.\n"
    (folder / "jättestor.txt").write_text(line * 700_000)  # 60 MB: far more than 200 MB of memory once read
    args = import_cmd(folder, lake_db, "--lake-data", tmp_path / "lake", "--engine", "dask", "--scheduler",
                      cluster.address, "--doc-memory", "200")
    res = runner.invoke(main, list(map(str, args)))
    assert res.exit_code == 1 and "2 imported" in res.output and "1 failed" in res.output, res.output
    assert "jättestor.txt needed more than 200 MB" in res.output and "Traceback" not in res.output
    assert stored(lake_db)["documents"] == 2
    res = runner.invoke(main, list(map(str, args)))
    assert "2 unchanged" in res.output and "1 failed" in res.output


def test_a_killed_worker_loses_nothing(make_doc, tmp_path, lake_db):
    from distributed import Client

    folder = minutes_folder(make_doc, tmp_path / "in", 12)
    with dask_cluster(tmp_path / "dask") as c:
        proc = subprocess.Popen([sys.executable, "-m", "minutes", *map(str, import_cmd(
            folder, lake_db, "--lake-data", tmp_path / "lake", "--engine", "dask", "--scheduler", c.address,
            "--batch-size", "1"))], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with Client(c.address, timeout=30) as client:
            while not any(client.processing().values()) and proc.poll() is None:
                time.sleep(0.05)
            busy = next(w for w, tasks in client.processing().items() if tasks)
            os.kill(client.run(os.getpid, workers=[busy])[busy], signal.SIGKILL)  # the nanny starts a new one
        out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0 and "12 imported" in out and "Traceback" not in out, out
    assert _whole(stored(lake_db), 12)


def test_a_lost_scheduler_is_one_sentence_and_a_rerun_finishes(make_doc, tmp_path, lake_db):
    folder = minutes_folder(make_doc, tmp_path / "in", 12)
    args = import_cmd(folder, lake_db, "--lake-data", tmp_path / "lake", "--engine", "dask", "--batch-size", "1")
    with dask_cluster(tmp_path / "dask1") as c:
        proc = subprocess.Popen([sys.executable, "-m", "minutes", *map(str, args), "--scheduler", c.address],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        while proc.poll() is None and not _some_stored(lake_db):
            time.sleep(0.1)
        c.kill_scheduler()
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "Traceback" not in out, out
    assert "went away after" in out and "of 12 files; those are stored; run the same command again." in out
    assert len(out.strip().splitlines()) == 1, out
    done = stored(lake_db)["documents"]
    assert 1 <= done <= 12
    with dask_cluster(tmp_path / "dask2") as c:
        res = cli(*args, "--scheduler", c.address)
    assert res.returncode == 0 and f"{12 - done} imported" in res.stdout, res.stdout + res.stderr
    assert _whole(stored(lake_db), 12)
    statuses = cli("sql", "select status, count(*) from core.runs group by all order by 1", "--db", lake_db,
                   "-f", "csv")
    assert statuses.stdout == "status,count_star()\naborted,1\nfinished,1\n", statuses.stdout


def _whole(counts: dict[str, int], documents: int) -> bool:
    """Every document stored and every derived table finished (12 minutes name 3 people each, 2 shared)."""
    return counts["documents"] == documents and counts["persons"] == documents + 2 and counts["todo"] == 0


def _some_stored(db: str) -> bool:
    try:
        return stored(db)["documents"] > 0
    except Exception:  # the lake is still being created
        return False


def test_a_file_that_vanishes_before_its_worker_reads_it_is_a_failure_row(runner, make_doc, tmp_path, monkeypatch):
    needs_lake()
    from minutes.pipeline import lake_engine

    folder = minutes_folder(make_doc, tmp_path / "in", 3)
    db = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    kept = tmp_path / "kept.md"
    planned = lake_engine._LakeRun.plan

    def plan_then_move(self, *args, **kwargs):
        tasks = planned(self, *args, **kwargs)
        shutil.move(folder / "styrgrupp_01.md", kept)
        return tasks

    monkeypatch.setattr(lake_engine._LakeRun, "plan", plan_then_move)
    res = runner.invoke(main, import_cmd(folder, db))
    assert res.exit_code == 1 and "2 imported" in res.output and "1 failed" in res.output, res.output
    assert f"styrgrupp_01.md was not found on {os.uname().nodename}; check that" in res.output
    assert "Traceback" not in res.output
    monkeypatch.undo()
    shutil.move(kept, folder / "styrgrupp_01.md")
    res = runner.invoke(main, import_cmd(folder, db))
    assert res.exit_code == 0 and "1 imported" in res.output and "2 unchanged" in res.output, res.output
    assert stored(db)["documents"] == 3


def test_blind_workers_and_workers_with_other_rules_get_no_files(make_doc, tmp_path, lake_db):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("a blind worker needs a mount namespace (root and unshare)")
    folder = minutes_folder(make_doc, tmp_path / "in", 6)
    preload = tmp_path / "andra_regler.py"
    preload.write_text(textwrap.dedent("""\
        import minutes.rules
        minutes.rules.rules_version = lambda: "andraregler0"
    """))
    with dask_cluster(tmp_path / "dask") as c:
        c.add_worker(name="other-rules", extra=["--preload", str(preload)])
        # a worker that sees an empty folder where the inputs are: another machine without the mount
        hide = f'mount -t tmpfs none "{folder}" && exec "$0" "$@"'
        c.add_worker(name="blind", wrap=["unshare", "-m", "sh", "-c", hide])
        c.wait_for(4)
        res = cli(*import_cmd(folder, lake_db, "--lake-data", tmp_path / "lake", "--engine", "dask", "--scheduler",
                              c.address, "--batch-size", "1"))
    assert res.returncode == 0 and "6 imported" in res.stdout and "Traceback" not in res.stderr, res.stdout + res.stderr
    assert f"cannot see {folder}/styrgrupp_00.md; it got no files of this import (check the path there)" in res.stderr
    assert "with rules andraregler0" in res.stderr and "install the same minutes there" in res.stderr
    versions = cli("sql", "select distinct rules_version from documents", "--db", lake_db, "-f", "csv").stdout
    assert "andraregler0" not in versions and len(versions.splitlines()) == 2
    assert stored(lake_db)["documents"] == 6


def test_a_crash_before_the_derived_tables_is_finished_by_the_next_run(make_doc, tmp_path):
    needs_lake()
    folder = minutes_folder(make_doc, tmp_path / "in", 4)
    db = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    crash = ("import os, sys; from minutes.warehouse import lake_store; "
             "lake_store.LakeWarehouse.finish = lambda *a, **k: os._exit(9); "
             "from minutes.cli import main; main(sys.argv[1:])")
    res = subprocess.run([sys.executable, "-c", crash, *map(str, import_cmd(folder, db))], capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 9
    owed = stored(db)
    assert owed["documents"] == 4 and owed["persons"] == 0 and owed["todo"] > 4  # 4 documents and their surnames
    res = cli(*import_cmd(folder, db))
    assert res.returncode == 0 and "4 unchanged" in res.stdout, res.stdout + res.stderr
    assert _whole(stored(db), 4)
    local = tmp_path / "w.duckdb"
    cli(*import_cmd(folder, local))
    from test_lake import file_views
    assert lake_views(db)["persons"] == file_views(local)["persons"]
