"""The lake: a cluster of separate processes writing to DuckLake on a PostgreSQL catalog, read like the warehouse."""
from __future__ import annotations

import duckdb
import pytest
from conftest import MINUTES_MD
from lakefix import cluster, lake_db, needs_lake, pg, s3  # noqa: F401  (fixtures)
from test_engines import folder  # noqa: F401  (fixture: four minutes and a broken PDF)

from minutes.cli import main
from minutes.core.settings import Settings
from minutes.core.tables import public_views

# Columns that differ between two runs of the same import by nature: times, run ids, durations.
RUN_SPECIFIC = {"documents": "imported_at", "imports": "run_id, \"at\", seconds, ocr_seconds"}


#: The DuckDB file remembers a file that failed and does not read it again while it is unchanged, saying
#: so in the row's note; a lake reads it again (the same failure, no note).
NOT_AGAIN = "REPLACE (CASE WHEN note LIKE 'not tried again%' THEN NULL ELSE note END AS note)"


def views(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every view of the contract, whole and sorted."""
    out = {}
    for view in public_views():
        skip = RUN_SPECIFIC.get(view)
        columns = f"* EXCLUDE ({skip})" if skip else "*"
        if view == "imports":
            columns += f" {NOT_AGAIN}"
        out[view] = con.execute(f"SELECT {columns} FROM {view} ORDER BY ALL").fetchall()
    return out


def lake_views(db: str, settings: Settings = Settings()) -> dict[str, list[tuple]]:
    from minutes.warehouse.lake import reader
    con = reader(db, settings)
    try:
        return views(con)
    finally:
        con.close()


def file_views(path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return views(con)
    finally:
        con.close()


@pytest.mark.slow
def test_a_cluster_import_into_the_lake_equals_the_local_warehouse_on_every_view(runner, folder, tmp_path, cluster,
                                                                                  lake_db):
    local = tmp_path / "local.duckdb"
    res = runner.invoke(main, ["import", str(folder), "--db", str(local)])
    assert res.exit_code == 1 and "4 imported" in res.output and "1 failed" in res.output
    res = runner.invoke(main, ["import", str(folder), "--db", lake_db, "--lake-data", str(tmp_path / "lake"),
                               "--engine", "dask", "--scheduler", cluster.address, "--batch-size", "2"])
    assert res.exit_code == 1 and "4 imported" in res.output and "1 failed" in res.output, res.output
    assert "Traceback" not in res.output and "Workers: 2" in res.output
    a, b = file_views(local), lake_views(lake_db)
    assert a["decisions"] and a["assignments"] and a["attendees"] and a["persons"]
    assert set(a) == set(public_views()) and len(a) >= 19  # every view of the contract, corrections and follow-ups too
    for view in a:
        assert a[view] == b[view], view
    # idempotent: nothing changed, nothing written twice
    res = runner.invoke(main, ["import", str(folder), "--db", lake_db, "--engine", "dask", "--scheduler",
                               cluster.address])
    assert "4 unchanged" in res.output and "1 failed" in res.output, res.output
    assert lake_views(lake_db)["decisions"] == a["decisions"]
    # the CLI reads the lake as it reads the file
    res = runner.invoke(main, ["sql", "select count(*) as n from decisions", "--db", lake_db, "-f", "csv"])
    assert res.exit_code == 0 and res.output == f"n\n{len(a['decisions'])}\n", res.output
    res = runner.invoke(main, ["search", "prognos", "--db", lake_db, "-f", "csv"])
    assert res.exit_code == 0 and "prognos" in res.output.lower()
    res = runner.invoke(main, ["sql", "select * from read_csv('/etc/passwd')", "--db", lake_db])
    assert res.exit_code == 1 and "only reads" in res.output


@pytest.mark.slow
def test_a_local_lake_import_needs_no_server(runner, folder, tmp_path, make_doc):
    needs_lake()
    db = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    (folder / "närvaro.xlsx").write_bytes(b"PK\x03\x04 not a document")  # logged as skipped, as the file does
    res = runner.invoke(main, ["import", str(folder), "--db", db])
    assert res.exit_code == 1 and "4 imported" in res.output and "1 failed" in res.output, res.output
    assert "1 skipped" in res.output and "närvaro.xlsx is not a file type minutes reads" in res.output
    local = tmp_path / "local.duckdb"
    runner.invoke(main, ["import", str(folder), "--db", str(local)])
    assert lake_views(db) == file_views(local)
    # a changed file replaces its rows, and persons follow the new names
    changed = MINUTES_MD.replace("2025-02-04", "2025-05-06").replace("Göran Ärlig", "Göran Ärlund")
    make_doc(changed, "e.docx").rename(folder / "styrgrupp_2025-05-06.docx")
    res = runner.invoke(main, ["import", str(folder), "--db", db])
    runner.invoke(main, ["import", str(folder), "--db", str(local)])
    assert "1 replaced" in res.output and "3 unchanged" in res.output, res.output
    assert lake_views(db) == file_views(local)


def test_a_new_postgres_lake_asks_where_its_data_goes(runner, folder, lake_db):
    res = runner.invoke(main, ["import", str(folder), "--db", lake_db])
    assert res.exit_code == 1 and "--lake-data" in res.output and "Traceback" not in res.output


def test_commands_that_need_the_file_say_so_for_a_lake(runner, tmp_path):
    db = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    res = runner.invoke(main, ["correct", "3f2a9c1e7b55-A002", "owner=Anna Berg", "--db", db])
    assert res.exit_code == 1 and "is a lake" in res.output and "DuckDB file warehouse only" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "lake.sqlite").exists()


def test_term_ids_are_the_same_in_python_and_in_sql():
    from minutes.warehouse.extensions import offline_connect
    from minutes.warehouse.lake_store import TERM_ID_SQL, term_id

    terms = ["beslut", "förvaltning", "å", "ärende-123", "x" * 200]
    con = offline_connect()
    got = con.execute(f"SELECT {TERM_ID_SQL} FROM (SELECT unnest(?) AS term)", [terms]).fetchall()
    assert [g for (g,) in got] == [term_id(t) for t in terms]
    assert all(0 <= term_id(t) < 2**64 for t in terms) and len({term_id(t) for t in terms}) == len(terms)


@pytest.mark.slow
def test_s3_inputs_and_lake_data_on_a_local_s3_server(runner, folder, tmp_path, cluster, lake_db, s3, make_doc):
    client = s3.client()
    for p in sorted(folder.iterdir()):
        client.upload_file(str(p), "inputs", f"protokoll/{p.name}")
    client.put_object(Bucket="inputs", Key="protokoll/~$yrgrupp.docx", Body=b"Word's lock file")
    args = [*s3.cli_options, "import", "s3://inputs/protokoll", "--db", lake_db, "--lake-data", "s3://lake/minutes",
            "--engine", "dask", "--scheduler", cluster.address]
    res = runner.invoke(main, args)
    assert res.exit_code == 1 and "4 imported" in res.output and "1 failed" in res.output, res.output
    assert "1 skipped" in res.output and "~$yrgrupp.docx is the lock file" in res.output
    assert client.list_objects_v2(Bucket="lake", Prefix="minutes/core/decisions/")["KeyCount"] >= 1
    local = tmp_path / "local.duckdb"
    runner.invoke(main, ["import", str(folder), "--db", str(local)])
    settings = Settings(s3_endpoint=s3.endpoint, s3_region=s3.region, s3_key_id=s3.key, s3_secret=s3.secret)
    a, b = file_views(local), lake_views(lake_db, settings)
    # the ids differ (they come from the paths, here s3:// URLs); the texts, kinds and persons do not
    assert sorted(r[4:6] for r in a["decisions"]) == sorted(r[4:6] for r in b["decisions"])
    assert sorted(r[1:] for r in a["persons"]) == sorted(r[1:] for r in b["persons"])
    assert {r[2] for r in b["documents"]} == {f"s3://inputs/protokoll/{p.name}" for p in folder.iterdir()
                                               if p.name != "trasig.pdf"}
    res = runner.invoke(main, [*s3.cli_options, "sql", "select count(*) as n from decisions", "--db", lake_db,
                               "-f", "csv"])
    assert res.exit_code == 0 and res.output == f"n\n{len(a['decisions'])}\n", res.output
    # a changed object is seen by its ETag and replaced; the others are unchanged
    make_doc(MINUTES_MD.replace("Göran Ärlig", "Göran Ärlund"), "ny.pdf")
    client.upload_file(str(tmp_path / "ny.pdf"), "inputs", "protokoll/styrgrupp_2025-02-04.pdf")
    res = runner.invoke(main, args)
    assert "1 replaced" in res.output and "3 unchanged" in res.output, res.output


@pytest.mark.slow
def test_readers_during_60_publishes_see_only_whole_imports(lake_db, tmp_path):
    """Each run commits two batches of three documents, then publishes: a reader sees a multiple of six."""
    import threading
    import time

    from bench.lake import records

    from minutes.warehouse.extensions import offline_connect
    from minutes.warehouse.lake import reader
    from minutes.warehouse.lake_store import LakeWarehouse

    settings = Settings(lake_data=str(tmp_path / "lake"))
    docs = records(360, 1, seed=7)
    for r in docs:  # readers count documents: the rows of the other tables only make each commit slower
        r.rows.clear()
    wh = LakeWarehouse(lake_db, settings)
    wh.start("first", "")
    wh.finish("first", {}, "finished")  # a first published snapshot to read
    seen: list[int] = []
    stop = threading.Event()

    latest: list[int] = []  # a control: a reader of every committed batch does see half-published runs

    def read(out: list[int], settings: Settings) -> None:
        con = offline_connect()  # one DuckDB per reader, the lake attached afresh for every read
        while not stop.is_set():
            reader(lake_db, settings, sandbox=False, con=con)
            out.append(con.execute("SELECT count(*) FROM documents").fetchone()[0])
            con.execute("USE memory; DETACH lake")
            time.sleep(0.1)  # the readers leave the writer most of the machine
        con.close()

    readers = [threading.Thread(target=read, args=(seen, Settings())) for _ in range(2)]
    readers.append(threading.Thread(target=read, args=(latest, Settings(lake_latest=True))))
    for t in readers:
        t.start()
    try:
        for run in range(60):
            mine = docs[6 * run:6 * run + 6]
            wh.start(f"r{run}", "")
            wh.commit_batch(f"r{run}", mine[:3])
            wh.commit_batch(f"r{run}", mine[3:])
            wh.finish(f"r{run}", {"imported": 6}, "finished")
            deadline = time.monotonic() + 10
            while len(seen) < 2 * (run + 1) and time.monotonic() < deadline:  # readers keep pace: 2 reads a run
                time.sleep(0.01)
    finally:
        stop.set()
        for t in readers:
            t.join()
        wh.close()
    assert len(seen) >= 120 and len(set(seen)) >= 10, seen
    assert [n for n in seen if n % 6] == []  # 0 mixed reads
    assert [n for n in latest if n % 6]  # the check above can fail
    con = reader(lake_db, Settings(lake_latest=True))
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 360
    con.close()
