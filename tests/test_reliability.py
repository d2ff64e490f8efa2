"""Bad files, crashes and concurrent use: each case fails alone, nothing is lost, nobody is surprised."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from conftest import MINUTES_MD

from minutes.cli import main
from minutes.warehouse.store import import_lock

MINUTES = str(Path(sys.executable).with_name("minutes"))


def rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def failed_errors(db) -> dict[str, str]:
    return {os.path.basename(p): e for p, e in rows(db, "select source_path, error from imports where status = 'failed'")}


def one_sentence(error: str) -> bool:
    return error.endswith(".") and "\n" not in error and "Traceback" not in error


# --- bad input ---------------------------------------------------------------------------

def _locked_pdf(path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("hemligt"))
    c.drawString(72, 720, "Protokoll Socialnämnden 2025-03-01")
    c.save()


def _zip_bomb(path: Path) -> None:
    """A .docx whose document.xml unpacks to 210 MB of zeros (about 200 kB on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(210):
                f.write(chunk)


def test_each_bad_file_fails_alone_with_one_sentence(runner, minutes_folder, make_doc, tmp_path):
    good = make_doc(MINUTES_MD.replace("2025-02-04", "2025-03-11"), "ok.pdf").read_bytes()
    (minutes_folder / "trunkerad.pdf").write_bytes(good[: len(good) // 2])
    (minutes_folder / "trasig.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    (minutes_folder / "tom.docx").write_bytes(b"")
    (minutes_folder / "inte-zip.docx").write_bytes("det här är ingen zip-fil".encode())
    _locked_pdf(minutes_folder / "lösenord.pdf")
    _zip_bomb(minutes_folder / "bomb.docx")
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    errors = failed_errors(db)
    assert set(errors) == {"trunkerad.pdf", "trasig.pdf", "tom.docx", "inte-zip.docx", "lösenord.pdf", "bomb.docx"}
    assert all(one_sentence(e) for e in errors.values()), errors
    assert "password-protected" in errors["lösenord.pdf"]
    assert "MB" in errors["bomb.docx"] and "unpack" in errors["bomb.docx"]
    assert "empty" in errors["tom.docx"]
    assert rows(db, "select count(*) from documents")[0][0] == 2  # the two good minutes


def test_wrong_extension_is_read_by_content(runner, make_doc, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    pdf = make_doc(MINUTES_MD, "riktig.pdf")
    (folder / "egentligen-pdf.docx").write_bytes(pdf.read_bytes())
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(folder), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert rows(db, "select format, meeting_date::varchar from documents") == [("pdf", "2025-02-04")]
    assert "really pdf" in rows(db, "select note from imports")[0][0]


def test_paths_with_spaces_and_swedish_letters(runner, tmp_path, make_doc):
    folder = tmp_path / "Protokoll 2025" / "Styrgruppen för vård å ä ö"
    folder.mkdir(parents=True)
    make_doc(MINUTES_MD, "x.docx").rename(folder / "möte 4 februari – slutlig.docx")
    db = tmp_path / "lager med mellanslag.duckdb"
    res = runner.invoke(main, ["import", str(tmp_path / "Protokoll 2025"), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert rows(db, "select file_name from documents") == [("möte 4 februari – slutlig.docx",)]
    res = runner.invoke(main, ["import", str(tmp_path / "Protokoll 2025"), "--db", str(db)])
    assert "1 unchanged" in res.output


def test_unreadable_file_is_logged_and_the_rest_imported(runner, minutes_folder, tmp_path, monkeypatch):
    secret = minutes_folder / "hemlig.pdf"
    secret.write_bytes((minutes_folder / "styrgrupp_2025-02-18.pdf").read_bytes() + b"\n% annan")
    if os.geteuid() == 0:  # root reads everything: refuse the open the way the kernel would, in this process
        from minutes.pipeline.work import Job, process
        real_open = os.open

        def refusing_open(file, *args, **kwargs):
            if str(file) == str(secret):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)
        monkeypatch.setattr(os, "open", refusing_open)
        outcome = process(Job(str(secret), 1, 1))
        assert outcome.status == "failed" and not outcome.lasting
        assert "permission" in outcome.error.lower() and one_sentence(outcome.error)
        return
    secret.chmod(0)
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert res.exit_code == 1
    errors = failed_errors(db)
    assert list(errors) == ["hemlig.pdf"] and "permission" in errors["hemlig.pdf"].lower()
    assert one_sentence(errors["hemlig.pdf"])
    assert rows(db, "select count(*) from documents")[0][0] == 2


def test_symlink_loop_is_walked_once(runner, minutes_folder, tmp_path):
    (minutes_folder / "sub").mkdir()
    (minutes_folder / "sub" / "tillbaka").symlink_to(minutes_folder, target_is_directory=True)
    (minutes_folder / "sig-själv").symlink_to(minutes_folder / "sig-själv")  # a link to itself
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert rows(db, "select count(*) from documents")[0][0] == 2
    assert rows(db, "select status, note from imports where source_path like '%sig-själv'") == [
        ("skipped", "sig-själv is a link that leads to no file (to itself, or to something moved or removed).")]


def test_a_document_that_is_not_minutes_invents_nothing(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "recept.md").write_text(
        "# Kanelbullar\n\nBlanda mjöl, socker och smör. Familjen beslutade att baka dubbel sats till midsommar.\n"
        "Mormor godkänner receptet och ställer sig bakom valet av kardemumma. Pappa får i uppdrag att "
        "köpa pärlsocker senast fredag.\n", encoding="utf-8")
    (folder / "board.md").write_text(
        "# Minutes of the board\n\nPresent: John Smith (chair), Mary Jones\n\nDecision: the board approves "
        "the annual report. Mary Jones will send it to the council by 31 March.\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(folder), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert rows(db, "select doc_type from documents") == [("other",), ("other",)]
    assert rows(db, "select count(*) from decisions")[0][0] == 0
    assert rows(db, "select count(*) from assignments")[0][0] == 0


def test_a_labelled_decision_counts_even_outside_minutes(runner, tmp_path):
    (tmp_path / "notis.md").write_text("# Notis\n\nBeslut: Nämnden godkänner rapporten.\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    runner.invoke(main, ["import", str(tmp_path / "notis.md"), "--db", str(db)])
    assert rows(db, "select text from decisions") == [("Nämnden godkänner rapporten.",)]


@pytest.mark.slow
def test_a_pdf_of_two_thousand_pages_imports(runner, tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    path = tmp_path / "arkiv.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 780, "Protokoll Regionstyrelsen 2024-05-02")
    for page in range(2000):
        for line in range(8):
            c.drawString(72, 700 - line * 16, f"§ {page}. Ärende {page}.{line}: uppföljning av verksamhetsplanen.")
        c.showPage()
    c.save()
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(path), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert rows(db, "select page_count from documents") == [(2000,)]


def test_a_document_that_takes_too_long_is_skipped(runner, minutes_folder, tmp_path):
    (minutes_folder / "lång.md").write_text(MINUTES_MD * 3000, encoding="utf-8")  # seconds of work
    db = tmp_path / "w.duckdb"
    t = time.perf_counter()
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db), "--timeout", "0.5"])
    assert time.perf_counter() - t < 30
    assert res.exit_code == 1
    errors = failed_errors(db)
    assert list(errors) == ["lång.md"] and "--timeout" in errors["lång.md"] and "0.5 s" in errors["lång.md"]
    assert rows(db, "select count(*) from documents")[0][0] == 2


# --- crashes and concurrency ---------------------------------------------------------------

def _many_minutes(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = MINUTES_MD.replace("2025-02-04", f"2025-02-04 (möte {i})")
        text += "".join(f"\nGÄ redovisar ärende {i}.{k} på nästa möte.\n" for k in range(20))
        (folder / f"m{i:04d}.md").write_text(text, encoding="utf-8")
    return folder


def _start_import(folder: Path, db: Path) -> subprocess.Popen:
    """A real import process writing small batches, so that it can be caught between two of them."""
    return subprocess.Popen([MINUTES, "import", str(folder), "--db", str(db), "-q", "--batch-size", "50"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _count(db: Path, sql: str = "select count(*) from documents") -> int:
    from minutes.warehouse.store import connect
    con = connect(db, read_only=True, wait=30)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _consistent(db: Path) -> None:
    """Every stored document has its import row and all its rows; no row lacks its document."""
    assert _count(db, "select count(*) from documents d where not exists (select 1 from imports i "
                      "where i.document_id = d.document_id and i.status in ('imported', 'replaced'))") == 0
    for table in ("sections", "attendees", "decisions", "assignments"):
        assert _count(db, f"select count(*) from {table} t where not exists "
                          f"(select 1 from documents d where d.document_id = t.document_id)") == 0
    assert _count(db, "select count(*) from documents d where (select count(*) from decisions c "
                      "where c.document_id = d.document_id) <> 2") == 0


@pytest.mark.slow
def test_killed_import_leaves_a_consistent_warehouse_and_resumes(tmp_path):
    folder = _many_minutes(tmp_path / "in", 300)
    db = tmp_path / "w.duckdb"
    for _ in range(2):  # kill it twice, at whatever it is doing once some documents are stored
        proc = _start_import(folder, db)
        stored = _count(db) if db.exists() else 0
        while proc.poll() is None and (not db.exists() or _count(db) <= stored):
            time.sleep(0.05)
        assert proc.poll() is None, "the import finished before it could be killed; make the folder larger"
        time.sleep(0.3)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        _consistent(db)
        assert 0 < _count(db) < 300
    proc = _start_import(folder, db)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    _consistent(db)
    assert _count(db) == 300
    assert _count(db, "select count(distinct sha256) from documents") == 300
    assert _count(db, "select count(*) from decisions") == 600


@pytest.mark.slow
def test_readers_work_while_an_import_runs(tmp_path):
    folder = _many_minutes(tmp_path / "in", 400)
    db = tmp_path / "w.duckdb"
    proc = _start_import(folder, db)
    while not db.exists():
        time.sleep(0.05)
    answered_during_import = 0
    while proc.poll() is None:
        for cmd in (["sql", "select count(*) from decisions"], ["search", "prognos"], ["assigned", "Göran Ärlig"]):
            res = subprocess.run([MINUTES, *cmd, "--db", str(db)], capture_output=True, text=True, timeout=60)
            assert res.returncode == 0, res.stderr
            if proc.poll() is None:
                answered_during_import += 1
    assert proc.returncode == 0, proc.stderr.read()
    assert answered_during_import >= 3
    assert _count(db) == 400


def test_a_second_import_fails_with_a_clear_message(runner, minutes_folder, tmp_path):
    db = tmp_path / "w.duckdb"
    with import_lock(db):  # as if another process were importing
        res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert res.exit_code == 1
    assert "Another import" in res.output and "wait for it to finish" in res.output
    assert not db.exists() or rows(db, "select count(*) from documents")[0][0] == 0
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    assert res.exit_code == 0 and "2 imported" in res.output


def test_a_second_import_process_is_refused_while_the_first_runs(tmp_path):
    db = tmp_path / "w.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from minutes.warehouse.store import import_lock\n"
                               f"with import_lock({str(db)!r}):\n print('held', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        assert holder.stdout.readline().strip() == "held"
        res = subprocess.run([MINUTES, "import", str(tmp_path), "--db", str(db)], capture_output=True, text=True)
        assert res.returncode == 1 and f"process {holder.pid}" in res.stderr
    finally:
        holder.kill()
        holder.wait()


# --- security -------------------------------------------------------------------------------

@pytest.fixture
def warehouse_db(runner, minutes_folder, tmp_path) -> Path:
    db = tmp_path / "w.duckdb"
    runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)])
    return db


@pytest.mark.parametrize("query", [
    "insert into core.documents (document_id) values ('x')",
    "delete from core.decisions",
    "drop view decisions",
    "create table t as select 1",
    "copy (select * from decisions) to '{tmp}/ut.csv'",
    "export database '{tmp}/ut'",
    "attach '{tmp}/annan.duckdb' as annan",
    "install httpfs",
    "load httpfs",
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/hostname')",
    "select * from glob('/etc/*')",
    "set enable_external_access = true",
])
def test_sql_refuses_writes_files_attach_and_extensions(runner, warehouse_db, tmp_path, query):
    before = rows(warehouse_db, "select count(*) from decisions")
    res = runner.invoke(main, ["sql", query.format(tmp=tmp_path), "--db", str(warehouse_db)])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and "minutes sql" in res.output or "query failed" in res.output
    assert not (tmp_path / "ut.csv").exists() and not (tmp_path / "ut").exists()
    assert not (tmp_path / "annan.duckdb").exists()
    assert rows(warehouse_db, "select count(*) from decisions") == before


def test_sql_still_reads_the_warehouse(runner, warehouse_db):
    res = runner.invoke(main, ["sql", "select count(*) as n from decisions", "--db", str(warehouse_db), "-f", "csv"])
    assert res.exit_code == 0 and res.output == "n\n4\n"


def test_user_text_reaches_sql_only_as_parameters(runner, warehouse_db):
    evil = "x'); drop table core.decisions; --"
    for cmd in (["search", evil], ["assigned", evil], ["decisions", "--region", evil], ["people", evil]):
        res = runner.invoke(main, [*cmd, "--db", str(warehouse_db)])
        assert res.exit_code == 0, (cmd, res.output)
    assert rows(warehouse_db, "select count(*) from decisions")[0][0] == 4
