"""A hostile archive folder: whatever lands in it costs at most its own file, never the import or the machine.

Each test builds its hostile input at test time and imports it beside good files. Work that
would take memory runs in the import's worker processes under `--doc-memory`, so a
regression fails the test instead of exhausting the machine.
"""
from __future__ import annotations

import bz2
import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import duckdb
import pytest
from conftest import MINUTES_MD, rows

from minutes.cli import main
from minutes.core.paths import real
from minutes.warehouse.store import import_lock

MINUTES = str(Path(sys.executable).with_name("minutes"))


def failures(db) -> dict[str, str]:
    """file name -> error of the last run's failed rows."""
    return {os.path.basename(p): e for p, e in rows(
        db, "select source_path, error from imports where status = 'failed' and run_id = "
            "(select run_id from imports order by \"at\" desc limit 1)")}


def one_sentence(error: str) -> bool:
    return error.endswith(".") and "\n" not in error and "Traceback" not in error


@pytest.fixture
def folder(tmp_path, make_doc) -> Path:
    """A folder holding one good PDF minutes."""
    f = tmp_path / "arkiv"
    f.mkdir()
    make_doc(MINUTES_MD, "bra.pdf").rename(f / "bra.pdf")
    return f


def _import(runner, folder: Path, db: Path, *args: str):
    return runner.invoke(main, ["import", str(folder), "--db", str(db), "--doc-memory", "1024", *args])


# --- 1. file names that are not UTF-8 ---------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_stored_and_shown(runner, folder, tmp_path):
    raw = os.fsencode(folder) + b"/m\xf6te\x1b[31m.txt"
    with open(raw, "wb") as f:
        f.write("Protokoll\nBeslut: Nämnden godkänner budgeten.\n".encode())
    db = tmp_path / "w.duckdb"
    res = _import(runner, folder, db)
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output
    stored = rows(db, "select source_path, file_name from documents where format = 'txt'")
    assert stored == [(str(folder) + "/m\\xf6te\\x1b[31m.txt", "m\\xf6te\\x1b[31m.txt")]
    assert os.fsencode(real(stored[0][0])) == raw  # the stored path leads back to the file
    assert rows(db, "select source_path from imports where source_path like '%.txt'") == [(stored[0][0],)]
    assert rows(db, "select text from decisions join documents using (document_id) where format = 'txt'") == \
        [("Nämnden godkänner budgeten.",)]
    res = _import(runner, folder, db)
    assert res.exit_code == 0 and "2 unchanged" in res.output


# --- 3. a huge page -----------------------------------------------------------------------------

def test_a_huge_scanned_page_is_refused_before_it_is_rendered(runner, folder, tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(folder / "jatte.pdf"), pagesize=(14400, 14400))  # 200 x 200 inches
    c.drawImage(ImageReader(Image.new("L", (40, 40), 128)), 100, 100, width=400, height=400)
    c.showPage()
    c.save()
    db = tmp_path / "w.duckdb"
    res = _import(runner, folder, db)
    assert res.exit_code == 1 and "Traceback" not in res.output
    error = failures(db)["jatte.pdf"]
    assert "508 x 508 cm" in error and "--ocr-max-megapixels" in error and one_sentence(error)
    assert rows(db, "select count(*) from documents")[0][0] == 1


# --- 4. pipes and devices -----------------------------------------------------------------------

def test_a_pipe_and_a_link_to_a_device_are_not_read(runner, folder, tmp_path):
    os.mkfifo(folder / "x.txt")
    (folder / "x2.txt").symlink_to("/dev/zero")
    db = tmp_path / "w.duckdb"
    t = time.monotonic()
    res = _import(runner, folder, db, "--follow-links")  # even where links may lead anywhere
    assert time.monotonic() - t < 60
    assert res.exit_code == 1, res.output
    errors = failures(db)
    assert "named pipe" in errors["x.txt"] and "character device" in errors["x2.txt"]
    assert all(one_sentence(e) for e in errors.values())
    assert rows(db, "select file_name from documents") == [("bra.pdf",)]


# --- 5. one writer, whatever the warehouse is called ---------------------------------------------

@pytest.mark.parametrize("alias", ["symlink", "hardlink"])
def test_no_second_import_through_another_name_of_the_warehouse(runner, folder, tmp_path, alias):
    db = tmp_path / "w.duckdb"
    assert _import(runner, folder, db).exit_code == 0
    other = tmp_path / "annat-namn.duckdb"
    other.symlink_to(db) if alias == "symlink" else os.link(db, other)
    with import_lock(db) as lock:
        lock.hold_file()
        res = _import(runner, folder, other, "--force")
    assert res.exit_code == 1 and "Another import" in res.output
    assert rows(db, "select count(*) from imports")[0][0] == 1


# --- 6. links out of the folder ---------------------------------------------------------------------

def test_a_link_out_of_the_folder_is_not_followed(runner, folder, tmp_path):
    secret = tmp_path / "hemlig.md"
    secret.write_text("# Protokoll\n\nBeslut: Lösenordet är HEMLIGT-7f3a.\n", encoding="utf-8")
    (folder / "x.txt").symlink_to(secret)
    (folder / "inne.md").symlink_to(folder / "bra.pdf")  # a link that stays inside is read
    db = tmp_path / "w.duckdb"
    res = _import(runner, folder, db)
    assert res.exit_code == 1
    error = failures(db)["x.txt"]
    assert "outside the folders being imported" in error and "--follow-links" in error and one_sentence(error)
    assert rows(db, "select count(*) from decisions where text like '%HEMLIGT%'")[0][0] == 0
    assert "inne.md" not in failures(db)
    res = _import(runner, folder, db, "--follow-links")
    assert res.exit_code == 0, res.output
    assert rows(db, "select count(*) from decisions where text like '%HEMLIGT%'")[0][0] == 1


# --- 8. zip bombs and Word tables ----------------------------------------------------------------

_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def _docx(path: Path, document_xml: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document_xml)
    return path


def _lying_docx(path: Path, packed: bytes, method: int, claimed: int) -> Path:
    """A .docx whose word/document.xml is `packed` (compressed with `method`) but claims `claimed` bytes."""
    name = b"word/document.xml"
    crc = zlib.crc32(b"<w:document/>")
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 46, 0, method, 0, 0x21, crc, len(packed), claimed, len(name), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 46, 46, 0, method, 0, 0x21, crc, len(packed), claimed,
                          len(name), 0, 0, 0, 0, 0, 0)
    body = local + name + packed
    path.write_bytes(body + central + name + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1,
                                                         len(central) + len(name), len(body), 0))
    return path


def _zeros(n: int, compressor) -> bytes:
    chunk = b"\0" * (16 << 20)
    return b"".join([compressor.compress(chunk) for _ in range(n // len(chunk))] + [compressor.flush()])


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def test_zip_bombs_and_impossible_word_tables_are_refused(runner, folder, tmp_path):
    _lying_docx(folder / "ljuger.docx", _zeros(64 << 20, zlib.compressobj(9, zlib.DEFLATED, -15)),
                zipfile.ZIP_DEFLATED, 4096)  # 64 MB of zeros said to be 4 kB (2 GB in the wild)
    _lying_docx(folder / "bzip2.docx", _zeros(64 << 20, bz2.BZ2Compressor(9)), zipfile.ZIP_BZIP2, 4096)
    span = f'<w:tc><w:tcPr><w:gridSpan w:val="20000000"/></w:tcPr>{_p("Närvarande")}</w:tc>'
    _docx(folder / "gridspan.docx", f"<w:document {_W}><w:body><w:tbl><w:tr>{span}</w:tr></w:tbl>"
                                    f"{_p('Beslut: Nämnden godkänner budgeten.')}</w:body></w:document>".encode())
    nested = ""
    for _ in range(60):
        nested = f"<w:tbl><w:tr><w:tc>{_p('Närvarande ledamöter enligt förteckning.')}{nested}</w:tc></w:tr></w:tbl>"
    _docx(folder / "nastlad.docx", f"<w:document {_W}><w:body>{nested}</w:body></w:document>".encode())
    db = tmp_path / "w.duckdb"
    t = time.monotonic()
    res = _import(runner, folder, db, "--timeout", "60")
    assert time.monotonic() - t < 60 and "Traceback" not in res.output
    errors = failures(db)
    assert "claims it unpacks to only 4,096" in errors["ljuger.docx"]
    assert "compression method Word never uses" in errors["bzip2.docx"]
    assert "spanning 20,000,000 columns, more than the 64" in errors["gridspan.docx"]
    assert "nested more than 16 deep" in errors["nastlad.docx"]
    assert all(one_sentence(e) for e in errors.values()), errors
    assert rows(db, "select file_name from documents") == [("bra.pdf",)]


def test_a_pdf_that_claims_a_million_pages_is_read_in_a_moment(runner, folder, tmp_path):
    from devtools.hostile.documents import text_pdf

    (folder / "miljon.pdf").write_bytes(text_pdf(["Protokoll Socialnämnden", "Datum 2025-06-15",
                                                  "Beslut: Nämnden godkänner budgeten."], count=1_000_000))
    db = tmp_path / "w.duckdb"
    res = _import(runner, folder, db)
    assert res.exit_code == 0, res.output
    assert rows(db, "select page_count from documents where file_name = 'miljon.pdf'") == [(1,)]
    assert rows(db, "select note from imports where source_path like '%miljon.pdf'") == [
        ("pages 2–51 could not be read and were skipped; the 999,949 pages after page 51 were not tried",)]


# --- limits, and files that broke one ---------------------------------------------------------------

@pytest.mark.slow
def test_a_file_over_the_memory_limit_fails_alone_and_is_not_retried_unchanged(runner, folder, tmp_path):
    big = folder / "stor.txt"
    big.write_text("Protokoll\n\n" + "Nämnden diskuterade frågan om budgeten utförligt.\n" * 1_500_000,
                   encoding="utf-8")  # 75 MB of text
    db = tmp_path / "w.duckdb"
    res = _import(runner, folder, db, "--doc-memory", "500")
    assert res.exit_code == 1 and "Traceback" not in res.output
    error = failures(db)["stor.txt"]
    assert "500 MB" in error and "--doc-memory" in error and one_sentence(error)
    res = _import(runner, folder, db, "--doc-memory", "500")  # unchanged: not tried again
    assert res.exit_code == 1
    assert rows(db, "select seconds, note from imports where source_path like '%stor.txt' order by \"at\" desc "
                    "limit 1") == [(None, "not tried again: unchanged since it failed (--force tries it again)")]
    res = _import(runner, folder, db, "--doc-memory", "500", "--force")
    assert rows(db, "select seconds > 0 from imports where source_path like '%stor.txt' order by \"at\" desc "
                    "limit 1") == [(True,)]


# --- 9. a crash after the last batch ---------------------------------------------------------------

def test_persons_heal_after_a_run_killed_before_it_rebuilt_them(runner, folder, tmp_path):
    db = tmp_path / "w.duckdb"
    assert _import(runner, folder, db).exit_code == 0
    persons = rows(db, "select count(*) from persons")[0][0]
    assert persons > 0
    con = duckdb.connect(str(db))  # what kill -9 between the last batch and persons leaves behind
    con.execute("delete from core.persons")
    con.execute("update core.runs set finished_at = null")
    con.close()
    res = _import(runner, folder, db)
    assert res.exit_code == 0 and "1 unchanged" in res.output
    assert rows(db, "select count(*) from persons")[0][0] == persons


@pytest.mark.slow
def test_kill_9_after_the_last_batch_leaves_persons_to_the_next_run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):
        (folder / f"m{i:03d}.md").write_text(MINUTES_MD.replace("2025-02-04", f"2025-02-04 (möte {i})"),
                                             encoding="utf-8")
    db = tmp_path / "w.duckdb"
    # the import killed (-9) the moment it would rebuild persons: every batch is written, persons is not
    script = ("import os, signal, sys\nimport minutes.warehouse.persons as persons\n"
              "persons.rebuild = lambda wh, *scope, **kw: os.kill(os.getpid(), signal.SIGKILL)\n"
              "from minutes.cli import main\n"
              "main(['import', sys.argv[1], '--db', sys.argv[2], '-q', '--batch-size', '10', '--no-service'])\n")
    assert subprocess.run([sys.executable, "-c", script, str(folder), str(db)]).returncode == -9
    assert rows(db, "select count(*) from documents") == [(30,)] and rows(db, "select count(*) from persons") == [(0,)]
    assert rows(db, "select count(*) from core.document_bodies") == [(0,)]  # follow-ups: not linked either
    subprocess.run([MINUTES, "import", str(folder), "--db", str(db), "-q"], check=True)
    clean = tmp_path / "ren.duckdb"
    subprocess.run([MINUTES, "import", str(folder), "--db", str(clean), "-q"], check=True)
    for table in ("persons", "document_bodies", "followups"):
        assert rows(db, f"select count(*) from core.{table}") == rows(clean, f"select count(*) from core.{table}")
    assert rows(db, "select count(*) from persons")[0][0] > 0 and rows(db, "select count(*) from core.document_bodies")[0][0]


# --- 10. a person listed twice in one meeting --------------------------------------------------------

def test_a_person_listed_twice_in_one_meeting_is_one_attendee_with_both_roles(tmp_path):
    from conftest import imported

    listed_twice = {  # as paragraphs, and as the rows of a label table
        "a.txt": "Protokoll Socialnämnden\n\nDatum: 2025-06-17\n\nNärvarande: Anna Berg, ordförande; Per Ek; "
                 "Lisa Holm\n\nSekreterare: Anna Berg\n\n§ 1 Budget\n\nBeslut: Nämnden godkänner budgeten.\n",
        "b.md": "# Protokoll Socialnämnden\n\n| Datum | 2025-06-24 |\n| Närvarande | Anna Berg, ordförande |\n"
                "| | Per Ek |\n| | Lisa Holm |\n| Sekreterare | Anna Berg |\n\n## § 1 Budget\n\n"
                "Beslut: Nämnden godkänner budgeten.\n"}
    db = imported(listed_twice, tmp_path)
    counted = rows(db, "select meeting_date::varchar, name, count(*), any_value(roles) from attendees "
                       "join documents using (document_id) group by all order by 1, 2")
    assert [(d, name, n) for d, name, n, _ in counted] == [
        (d, name, 1) for d in ("2025-06-17", "2025-06-24") for name in ("Anna Berg", "Lisa Holm", "Per Ek")]
    roles = {d: role for d, name, _, role in counted if name == "Anna Berg"}
    assert all("ordförande" in r.lower() and "sekreterare" in r.lower() for r in roles.values()), roles


# --- 13. what reaches spreadsheets and terminals; errors as one sentence -----------------------------

def test_control_characters_in_a_document_reach_no_terminal_and_no_workbook(runner, tmp_path):
    from conftest import imported

    db = imported({"styr.md": MINUTES_MD.replace("godkänner uppföljningen", "godkänner \x1b[31muppföljningen\x07")},
                  tmp_path)
    assert rows(db, "select count(*) from decisions where contains(text, chr(27))") == [(1,)]  # stored as read
    res = runner.invoke(main, ["export", "--format", "xlsx", "--out", str(tmp_path / "ut"), "--db", str(db)])
    assert res.exit_code == 0 and (tmp_path / "ut" / "minutes.xlsx").exists(), res.output
    res = runner.invoke(main, ["sql", "select text from decisions", "--db", str(db)])  # a table
    assert res.exit_code == 0 and "uppföljningen" in res.output and "\x1b" not in res.output


def test_a_warehouse_in_a_missing_folder_is_one_sentence(runner, folder, tmp_path):
    res = runner.invoke(main, ["import", str(folder), "--db", str(tmp_path / "saknas" / "w.duckdb")])
    assert res.exit_code == 1 and "Traceback" not in res.output and res.output.count("\n") == 1
    assert "does not exist" in res.output and "--db" in res.output
