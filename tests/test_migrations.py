"""A warehouse made by schema version 1 opens and upgrades in place, data intact and searchable."""
import datetime as dt
import subprocess
import sys
from importlib import resources

import duckdb

from minutes.warehouse import SCHEMA_VERSION, Warehouse, connect
from minutes.warehouse.search import search
from minutes.warehouse.store import migrations

V1_VIEWS = """
CREATE VIEW documents AS SELECT document_id, file_name, source_path, sha256, format, page_count, ocr, doc_type, title,
  body, region, meeting_date, start_time, end_time, place, next_meeting, imported_at, rules_version FROM core.documents;
CREATE VIEW decisions AS SELECT decision_id, document_id, section_id, section_title, text, kind, page, rule,
  source_text, ordinal FROM core.decisions;
"""


def make_v1(path):
    """A warehouse exactly as version 1 wrote it: its migration, its views, its rows."""
    con = duckdb.connect(str(path))
    sql = resources.files("minutes.warehouse").joinpath("migrations", "0001_initial.sql").read_text(encoding="utf-8")
    con.execute(sql)
    con.execute("CREATE TABLE core.schema_version (version INTEGER, name VARCHAR, applied_at TIMESTAMP)")
    con.execute("INSERT INTO core.schema_version VALUES (1, 'initial', now())")
    con.execute(V1_VIEWS)
    con.execute("INSERT INTO core.documents (document_id, source_path, file_name, sha256, format, body, meeting_date, "
                "rules_version, imported_at) VALUES ('aaaaaaaaaaaa', '/gamla/ks.pdf', 'ks.pdf', 'x', 'pdf', "
                "'Kommunstyrelsen', DATE '2023-05-02', 'old', now())")
    con.execute("INSERT INTO core.decisions VALUES ('aaaaaaaaaaaa-D001', 'aaaaaaaaaaaa', NULL, NULL, 1, "
                "'Kommunstyrelsen godkänner ansökningarna om föreningsbidrag.', 'beslut', 1, 'sv.x', 'x')")
    con.execute("INSERT INTO core.attendees VALUES ('aaaaaaaaaaaa-P001', 'aaaaaaaaaaaa', 'Åsa Öberg', NULL, "
                "'ordförande', 'Ale kommun', 'S', 'present', NULL, 1, 'sv.x', 'x')")
    con.execute("INSERT INTO core.assignments (assignment_id, document_id, owner, owner_kind, task, deadline, "
                "page, rule) VALUES ('aaaaaaaaaaaa-A001', 'aaaaaaaaaaaa', 'Åsa Öberg', 'person', "
                "'återkomma med en ansökan', DATE '2023-09-30', 1, 'sv.x')")
    con.close()


def test_version_1_warehouse_upgrades_in_place(tmp_path):
    db = tmp_path / "gammal.duckdb"
    make_v1(db)
    with Warehouse(db) as wh:
        assert wh.version() == SCHEMA_VERSION >= 2
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select text from decisions").fetchone()[0].startswith("Kommunstyrelsen godkänner")
    assert con.execute("select name, person_id is not null from attendees").fetchone() == ("Åsa Öberg", True)
    assert con.execute("select owner, person_id is not null from assignments").fetchone() == ("Åsa Öberg", True)
    assert con.execute("select count(*) from persons").fetchone()[0] == 1
    assert [v for (v,) in con.execute("select version from core.schema_version order by 1").fetchall()] == \
        [v for v, _, _ in migrations()]
    con.close()
    hits = search(connect(db, read_only=True), "ansökan")  # found through the index built during the upgrade
    assert {h.row_id for h in hits} == {"aaaaaaaaaaaa-D001", "aaaaaaaaaaaa-A001"}
    assert hits[0].meeting_date == dt.date(2023, 5, 2)


def test_opening_again_changes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    make_v1(db)
    Warehouse(db).close()
    con = duckdb.connect(str(db), read_only=True)
    before = con.execute("select count(*) from core.postings").fetchone()[0]
    con.close()
    Warehouse(db).close()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from core.postings").fetchone()[0] == before > 0
    con.close()


def test_a_migration_below_the_highest_applied_is_applied_when_missing(tmp_path):
    """Migrations written on separate branches can arrive out of number order: a warehouse that has
    version 6 and up but not 5 gets 5 when next opened, and its stored sections their case keys."""
    db = tmp_path / "w.duckdb"
    with Warehouse(db) as wh:
        wh.con.execute("INSERT INTO core.sections (document_id, section_id, number, title, level, page, ordinal, "
                       "case_number) VALUES ('aaaaaaaaaaaa', 'aaaaaaaaaaaa-S001', '§ 3', 'Budget', 2, 1, 1, "
                       "'KS 2024/12')")
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE core.followups")
    con.execute("DROP TABLE core.document_bodies")
    con.execute("ALTER TABLE core.sections DROP COLUMN case_key")
    con.execute("DELETE FROM core.schema_version WHERE version = 5")
    con.close()
    with Warehouse(db) as wh:
        versions = [v for (v,) in wh.con.execute("SELECT version FROM core.schema_version ORDER BY 1").fetchall()]
        assert 5 in versions and max(versions) == SCHEMA_VERSION
        assert wh.con.execute("SELECT count(*) FROM assignment_followups").fetchone() == (0,)
        assert wh.con.execute("SELECT case_key FROM core.sections").fetchone() == ("ks 2024/12",)


def test_a_migration_older_than_the_newest_applied_is_applied_too(tmp_path):
    """A warehouse made by a version that had migration N+1 but not N (two lines of work merged) gets N."""
    db = tmp_path / "w.duckdb"
    Warehouse(db).close()
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE core.file_stamps")
    con.execute("DELETE FROM core.schema_version WHERE version = 7")
    con.close()
    Warehouse(db).close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from core.file_stamps").fetchone() == (0,)
        versions = [v for (v,) in con.execute("select version from core.schema_version order by 1").fetchall()]
        assert versions == [m[0] for m in migrations()]
    finally:
        con.close()


def test_a_warehouse_binds_parameters_without_importing_pandas(tmp_path):
    script = ("import sys; from minutes.warehouse import Warehouse; from minutes.warehouse.store import without_pandas\n"
              f"with without_pandas(), Warehouse({str(tmp_path / 'w.duckdb')!r}) as wh:\n"
              "    wh.start_run('r1', 'minutes import x')\n"
              "    assert wh.con.execute('select command from core.runs where run_id = ?', ['r1']).fetchone()[0]\n"
              "    assert sys.modules.get('pandas') is None\n"
              "assert 'pandas' not in sys.modules\n"
              "import pandas\n")
    subprocess.run([sys.executable, "-c", script], check=True)
