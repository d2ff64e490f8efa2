"""`minutes import` and `minutes sql` through click's CliRunner, checked against the database."""
import json
import os

import duckdb

from minutes.cli import main


def rows(db, sql, *params):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_import_folder_and_query(runner, minutes_folder, tmp_path):
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "2 files" in res.output and "2 imported" in res.output
    docs = rows(db, "select file_name, format, body, meeting_date::varchar from documents order by file_name")
    assert docs == [("styrgrupp_2025-02-04.docx", "docx", "Styrgruppen för vårdnära service", "2025-02-04"),
                    ("styrgrupp_2025-02-18.pdf", "pdf", "Styrgruppen för vårdnära service", "2025-02-18")]
    names = rows(db, "select name, status from attendees where document_id = (select document_id from documents "
                     "where format = 'pdf') order by name")
    assert names == [("Göran Ärlig", "present"), ("Märta Ådahl", "absent"), ("Åsa Öberg", "present")]
    decisions = rows(db, "select text from decisions d join documents using (document_id) where format='docx'")
    assert ("Styrgruppen godkänner uppföljningen.",) in decisions
    assignment = rows(db, "select owner, deadline::varchar from assignments join documents using (document_id) "
                          "where format = 'docx'")
    assert assignment == [("Göran Ärlig", "2025-03-14")]

    res = runner.invoke(main, ["sql", "select count(*) as n from decisions", "--db", str(db), "-f", "json"])
    assert res.exit_code == 0
    assert json.loads(res.output) == [{"n": 4}]
    res = runner.invoke(main, ["sql", "select body from documents order by 1 limit 1", "--db", str(db), "-f", "csv"])
    assert res.output == "body\nStyrgruppen för vårdnära service\n"


def test_reimport_is_idempotent_and_a_changed_file_is_replaced(runner, minutes_folder, tmp_path, make_doc):
    db = tmp_path / "w.duckdb"
    assert runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)]).exit_code == 0
    before = rows(db, "select * from decisions order by decision_id")
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert res.exit_code == 0 and "2 unchanged" in res.output
    assert rows(db, "select * from decisions order by decision_id") == before
    assert rows(db, "select status, count(*) from imports group by 1 order by 1") == [("imported", 2),
                                                                                     ("unchanged", 2)]
    # touched but identical bytes: still unchanged (hash checked, nothing re-read)
    target = minutes_folder / "styrgrupp_2025-02-04.docx"
    os.utime(target, ns=(1, 1))
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert "2 unchanged" in res.output
    # changed bytes at the same path: replaced, in place
    make_doc("# Minnesanteckningar Styrgruppen för vårdnära service\n\n| Datum | 2025-02-04 |\n\n"
             "**Beslut:** Styrgruppen fastställer den nya budgeten.\n", "ny.docx").replace(target)
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert "1 replaced" in res.output and "1 unchanged" in res.output
    texts = rows(db, "select text from decisions join documents using (document_id) where format = 'docx'")
    assert texts == [("Styrgruppen fastställer den nya budgeten.",)]
    assert rows(db, "select count(*) from documents")[0][0] == 2


def test_bad_files_do_not_stop_the_batch(runner, minutes_folder, tmp_path):
    (minutes_folder / "tom.pdf").write_bytes(b"")
    (minutes_folder / "trasig.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    (minutes_folder / "inte-word.docx").write_bytes("det här är ingen zip-fil".encode())
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert res.exit_code == 1
    assert "2 imported" in res.output and "3 failed" in res.output
    failed = dict(rows(db, "select source_path, error from imports where status = 'failed'"))
    assert len(failed) == 3
    for path, error in failed.items():
        assert os.path.basename(path) in error and error.endswith(".") and "\n" not in error
    assert rows(db, "select count(*) from documents")[0][0] == 2


def test_batch_size_sets_the_documents_per_transaction(runner, minutes_folder, tmp_path, monkeypatch):
    from minutes.warehouse.store import Warehouse
    written = []
    real = Warehouse.write_batch
    monkeypatch.setattr(Warehouse, "write_batch",
                        lambda self, records, *a, **k: (written.append(len(records)), real(self, records, *a, **k)))
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db), "--batch-size", "1"])
    assert res.exit_code == 0, res.output
    assert sorted(n for n in written if n) == [1, 1]  # two documents, one transaction each
    written.clear()
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(tmp_path / "v.duckdb")])
    assert res.exit_code == 0 and [n for n in written if n] == [2]  # the default holds both
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db), "--batch-size", "0"])
    assert res.exit_code == 2 and "--batch-size" in res.output


def test_explain_shows_rule_page_and_source(runner, minutes_folder, tmp_path):
    db = tmp_path / "w.duckdb"
    runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    (aid,) = rows(db, "select assignment_id from assignments limit 1")[0]
    res = runner.invoke(main, ["explain", aid, "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "rule:     sv.assignment." in res.output and "page:" in res.output and "GÄ tar fram" in res.output
    res = runner.invoke(main, ["explain", "nonsense", "--db", str(db)])
    assert res.exit_code != 0 and "is not an id minutes prints" in res.output


def test_explain_takes_every_id_the_commands_print(runner, minutes_folder, tmp_path):
    db = tmp_path / "w.duckdb"
    runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    hits = json.loads(runner.invoke(main, ["search", "utfallet", "--db", str(db), "-f", "json"]).output)
    block = next(h["id"] for h in hits if h["kind"] == "text")
    res = runner.invoke(main, ["explain", block, "--db", str(db)])
    assert res.exit_code == 0 and res.output.startswith("block of text") and "utfallet" in res.output, res.output
    (doc_id,) = rows(db, "select document_id from documents limit 1")[0]
    res = runner.invoke(main, ["explain", doc_id, "--db", str(db)])
    assert res.exit_code == 0 and res.output.startswith("document") and "file:" in res.output, res.output
    (person_id,) = rows(db, "select person_id from persons limit 1")[0]
    res = runner.invoke(main, ["explain", person_id, "--db", str(db)])
    assert res.exit_code == 0 and res.output.startswith("person"), res.output


def test_sql_on_missing_warehouse_says_what_to_do(runner, tmp_path):
    res = runner.invoke(main, ["sql", "select 1", "--db", str(tmp_path / "nej.duckdb")])
    assert res.exit_code != 0 and "minutes import" in res.output


def test_every_command_has_help_with_an_example(runner):
    for cmd in ("import", "sql", "explain"):
        res = runner.invoke(main, [cmd, "--help"])
        assert res.exit_code == 0 and "Examples:" in res.output and "minutes " + cmd in res.output


def test_a_document_the_warehouse_refuses_fails_alone(runner, minutes_folder, tmp_path, monkeypatch):
    import minutes.warehouse.store as store

    original = store.Warehouse.insert_rows

    def refuse_one(self, table, rows):
        if table == "documents" and any(r["file_name"].endswith(".pdf") for r in rows):
            raise ValueError("a value DuckDB cannot store")
        return original(self, table, rows)

    monkeypatch.setattr(store.Warehouse, "insert_rows", refuse_one)
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert res.exit_code == 1 and "1 imported" in res.output and "1 failed" in res.output
    assert "could not be stored" in res.output
    assert rows(db, "select file_name from documents") == [("styrgrupp_2025-02-04.docx",)]
    assert dict(rows(db, "select status, count(*) from imports group by 1")) == {"imported": 1, "failed": 1}


def test_a_copy_of_a_stored_file_is_not_read_again(runner, minutes_folder, tmp_path):
    db = tmp_path / "w.duckdb"
    assert runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)]).exit_code == 0
    original = minutes_folder / "styrgrupp_2025-02-18.pdf"
    copies = tmp_path / "kopior"
    copies.mkdir()
    for i in range(3):
        (copies / f"kopia-{i}.pdf").write_bytes(original.read_bytes())
    (minutes_folder / "styrgrupp_2025-02-04.docx").write_bytes(original.read_bytes())  # a stored path, new bytes
    res = runner.invoke(main, ["import", str(minutes_folder), str(copies), "--db", str(db)])
    assert res.exit_code == 0, res.output
    logged = rows(db, "select status, note from imports where note like 'a copy of%' order by source_path")
    assert logged == [("unchanged", f"a copy of {original}, which is already imported; not read again")] * 3 + [
        ("replaced", f"a copy of {original}, which is already imported; not read again")]
    assert rows(db, "select file_name from documents") == [("styrgrupp_2025-02-18.pdf",)]


def test_copies_in_one_new_folder_are_read_once_and_a_failure_is_shared(runner, minutes_folder, tmp_path):
    original = (minutes_folder / "styrgrupp_2025-02-18.pdf").read_bytes()
    folder = tmp_path / "nytt"
    folder.mkdir()
    for i in range(4):
        (folder / f"kopia-{i}.pdf").write_bytes(original)
        (folder / f"trasig-{i}.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 100)  # damaged, all alike
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.duckdb"
        res = runner.invoke(main, ["import", str(folder), "--db", str(db), "-j", workers])
        assert res.exit_code == 1, res.output
        read = rows(db, "select source_path from imports where pages is not null or error not like '%same bytes%'")
        assert sorted(os.path.basename(p).split("-")[0] for (p,) in read) == ["kopia", "trasig"]
        assert rows(db, "select count(*) from documents") == [(1,)]
        logged = rows(db, "select status, count(*) from imports where note like 'a copy of%' group by 1")
        assert logged == [("unchanged", 3)]
        failed = rows(db, "select error from imports where status = 'failed' and error like '%same bytes%'")
        assert len(failed) == 3 and all("which failed: " in e for (e,) in failed)
