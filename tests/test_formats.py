"""No file lost, no surprise: old Word formats, every file logged, text read line by line, honest summaries."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from conftest import MINUTES_MD
from devtools.docgen import render
from minutes.cli import main
from minutes.extractors import extract
from minutes.extractors.text import parse_text

SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (make installs libreoffice-writer-nogui when run as root); CI has it")

#: A protokoll written one item per line, without blank lines, as in Notepad or an e-mail.
LINES_TXT = """Protokoll Tekniska nämnden 2025-05-20
Plats: Stadshuset
Närvarande:
Karin Lund, ordförande
Per Svahn
Olof Ek, sekreterare
§ 7 Gatubelysning
Beslut: Tekniska nämnden godkänner planen för gatubelysning.
Per Svahn får i uppdrag att upphandla armaturer senast 2025-09-30.
§ 8 Snöröjning
Beslut: Tekniska nämnden fastställer ordningen för snöröjning.
"""

ARTICLE_TXT = """Kanelbullar
Blanda mjöl, smör och socker.
Låt degen jäsa en timme.
Grädda i 225 grader i tio minuter.
"""

RTF_LINES = ["Protokoll Kommunstyrelsen", "Sammanträdesdatum: 2025-01-10", "Närvarande: Åsa Öberg, ordförande",
             "§ 3 Årsredovisning 2024", "Beslut: Kommunstyrelsen godkänner årsredovisningen för 2024.", None,
             "§ 4 Motion om cykelvägar", "Beslut: Kommunstyrelsen avslår motionen om cykelvägar."]


def write_rtf(path: Path, lines: list[str | None]) -> Path:
    """An RTF file as old word processors wrote it; None is a page break."""
    def esc(text: str) -> str:
        return "".join("\\" + c if c in "\\{}" else c if ord(c) < 128 else f"\\u{ord(c)}?" for c in text)
    body = "".join("\\page\n" if ln is None else f"\\pard {esc(ln)}\\par\n" for ln in lines)
    path.write_text("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}\n" + body + "}", encoding="ascii")
    return path


def convert(source: Path, fmt: str, out_dir: Path) -> Path:
    """A .docx fixture saved as .doc or .odt by LibreOffice (its profile beside the source), as old archives hold them."""
    profile = source.parent / "profile"
    subprocess.run([SOFFICE or "soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", fmt, "--outdir", str(out_dir), str(source)],
                   check=True, capture_output=True, timeout=120)
    return out_dir / f"{source.stem}.{fmt}"


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.slow
@needs_libreoffice
def test_an_old_archive_is_read_whole_and_every_file_is_logged(runner, tmp_path):
    work, archive = tmp_path / "work", tmp_path / "arkiv"
    work.mkdir()
    archive.mkdir()
    source = render(MINUTES_MD.replace("## 1.", "<!-- pagebreak -->\n\n## 1."), work / "styrgrupp.docx")
    convert(source, "doc", archive).rename(archive / "styrgrupp_2005.doc")
    convert(source, "odt", archive).rename(archive / "styrgrupp_2008.odt")
    write_rtf(archive / "ks_1999.rtf", RTF_LINES)
    (archive / "tekniska_2025.txt").write_text(LINES_TXT, encoding="utf-8")
    (archive / "kanelbullar.txt").write_text(ARTICLE_TXT, encoding="utf-8")
    (archive / "budget.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 60)
    (archive / "~$yrgrupp_2005.doc").write_bytes(b"\0" * 162)
    db = tmp_path / "w.duckdb"

    res = runner.invoke(main, ["import", str(archive), "--db", str(db)])

    assert res.exit_code == 0, res.output
    logged = dict(rows(db, "select regexp_extract(source_path, '[^/]+$'), status from imports"))
    assert logged == {"styrgrupp_2005.doc": "imported", "styrgrupp_2008.odt": "imported", "ks_1999.rtf": "imported",
                      "tekniska_2025.txt": "imported", "kanelbullar.txt": "imported", "budget.xlsx": "skipped",
                      "~$yrgrupp_2005.doc": "skipped"}
    docs = {r[0]: r[1:] for r in rows(db, "select file_name, format, page_count, meeting_date::varchar from documents")}
    assert docs["styrgrupp_2005.doc"] == ("doc", 2, "2025-02-04")
    assert docs["styrgrupp_2008.odt"] == ("odt", 2, "2025-02-04")
    assert docs["ks_1999.rtf"] == ("rtf", 2, "2025-01-10")
    for name in ("styrgrupp_2005.doc", "styrgrupp_2008.odt"):
        assert rows(db, f"select name, status from attendees join documents using (document_id) "
                        f"where file_name = '{name}' order by name") == [
            ("Göran Ärlig", "present"), ("Märta Ådahl", "absent"), ("Åsa Öberg", "present")]
        assert rows(db, f"select text, page from decisions join documents using (document_id) "
                        f"where file_name = '{name}' order by ordinal") == [
            ("Styrgruppen godkänner uppföljningen.", 2), ("GÄ tar fram en prognos för våren senast 2025-03-14.", 2)]
        assert rows(db, f"select owner, deadline::varchar, page from assignments join documents using (document_id) "
                        f"where file_name = '{name}'") == [("Göran Ärlig", "2025-03-14", 2)]
    assert ("Åsa Öberg", "ordförande") in rows(db, "select name, role from attendees join documents "
                                                   "using (document_id) where file_name = 'ks_1999.rtf'")
    assert rows(db, "select text, page from decisions join documents using (document_id) "
                    "where file_name = 'ks_1999.rtf' order by ordinal") == [
        ("Kommunstyrelsen godkänner årsredovisningen för 2024.", 1),
        ("Kommunstyrelsen avslår motionen om cykelvägar.", 2)]
    assert "1 file gave no meeting facts (no date, body, attendees, decisions or assignments): kanelbullar.txt" \
        in res.output
    assert "2 files skipped" in res.output and "budget.xlsx" in res.output
    note = rows(db, "select note from imports where source_path like '%kanelbullar.txt'")[0][0]
    assert note.startswith("no meeting facts")


def test_a_text_written_one_item_per_line_is_read_line_by_line(import_docs, tmp_path):
    doc = parse_text(LINES_TXT)
    assert [b.text for b in doc.blocks][:4] == ["Protokoll Tekniska nämnden 2025-05-20", "Plats: Stadshuset",
                                                "Närvarande:", "Karin Lund, ordförande"]
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "tekniska.txt").write_text(LINES_TXT, encoding="utf-8")
    db = tmp_path / "t.duckdb"
    from click.testing import CliRunner
    res = CliRunner().invoke(main, ["import", str(folder), "--db", str(db)])
    assert res.exit_code == 0 and "no meeting facts" not in res.output, res.output
    assert rows(db, "select text from decisions order by ordinal") == [
        ("Tekniska nämnden godkänner planen för gatubelysning.",),
        ("Tekniska nämnden fastställer ordningen för snöröjning.",)]
    assert rows(db, "select owner, deadline::varchar from assignments") == [("Per Svahn", "2025-09-30")]


def test_hard_wrapped_prose_is_still_joined_into_paragraphs():
    wrapped = ("Styrgruppen diskuterade hur arbetet med den gemensamma upphandlingen\n"
               "ska fortsätta under våren och vilka regioner som deltar i den första\n"
               "etappen av arbetet.\n\n"
               "Nästa möte hålls i Linköping och ordföranden kallar till det i god tid\n"
               "innan dess, med handlingar som skickas ut en vecka före mötet och som\n"
               "alla ledamöter läser.\n")
    doc = parse_text(wrapped)
    assert len(doc.blocks) == 2 and doc.blocks[0].text.endswith("första etappen av arbetet.")


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path):
    p = tmp_path / "anteckningar.txt"
    p.write_bytes("Beslut: Nämnden godkänner årsredovisningen.\r\n".encode("utf-16"))
    assert extract(p).blocks[0].text == "Beslut: Nämnden godkänner årsredovisningen."


def test_without_libreoffice_an_old_word_file_fails_saying_what_to_install(runner, tmp_path):
    folder = tmp_path / "arkiv"
    folder.mkdir()
    write_rtf(folder / "gammal.rtf", RTF_LINES)
    (folder / "gammal.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(folder), "--db", str(db), "--libreoffice", "no-such-office"])
    assert res.exit_code == 1
    errors = dict(rows(db, "select regexp_extract(source_path, '[^/]+$'), error from imports"))
    assert set(errors) == {"gammal.rtf", "gammal.doc"}
    assert all("libreoffice-writer-nogui" in e and "save the file as .docx" in e for e in errors.values()), errors


def test_a_converter_that_hangs_is_stopped_at_its_time_limit(runner, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 30 &\necho $! > {tmp_path}/child.pid\nwait\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    folder = tmp_path / "arkiv"
    folder.mkdir()
    write_rtf(folder / "seg.rtf", RTF_LINES)
    db = tmp_path / "w.duckdb"
    t0 = time.monotonic()
    res = runner.invoke(main, ["import", str(folder), "--db", str(db), "--libreoffice", str(fake),
                               "--convert-timeout", "1"])
    assert time.monotonic() - t0 < 15
    assert res.exit_code == 1
    (error,) = rows(db, "select error from imports")[0]
    assert "LibreOffice did not finish converting seg.rtf within 1 s" in error
    child = Path(f"/proc/{(tmp_path / 'child.pid').read_text().strip()}/stat")
    assert not child.exists() or child.read_text().split(") ")[1].startswith("Z")  # its children are stopped too


def test_files_a_folder_holds_besides_documents_get_a_row_each(runner, tmp_path, make_doc):
    folder = tmp_path / "arkiv"
    folder.mkdir()
    make_doc(MINUTES_MD, "protokoll.docx").rename(folder / "protokoll.docx")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 20)
    (folder / "lista.csv").write_text("namn;roll\nAnna;ordf\n", encoding="utf-8")
    make_doc(MINUTES_MD, "riktig.pdf").rename(folder / "skannad.PDF_")
    db = tmp_path / "w.duckdb"
    res = runner.invoke(main, ["import", str(folder), "--db", str(db)])
    assert res.exit_code == 0, res.output
    got = {r[0]: (r[1], r[2]) for r in rows(db, "select regexp_extract(source_path, '[^/]+$'), status, note "
                                                 "from imports")}
    assert {k: v[0] for k, v in got.items()} == {"protokoll.docx": "imported", ".DS_Store": "skipped",
                                                 "foto.jpg": "skipped", "lista.csv": "skipped",
                                                 "skannad.PDF_": "imported"}
    assert "JPEG image" in got["foto.jpg"][1] and "hidden file" in got[".DS_Store"][1]
    assert "3 files skipped" in res.output and "0 failed, 3 skipped" in res.output
    assert rows(db, "select files, skipped from core.runs") == [(5, 3)]


def test_a_wrong_path_makes_no_warehouse(runner, minutes_folder, tmp_path):
    db = tmp_path / "minutes.duckdb"
    res = runner.invoke(main, ["import", str(tmp_path / "finns-inte"), "--db", str(db)])
    assert res.exit_code == 1 and "Nothing to import" in res.output and "does not exist" in res.output
    assert "Traceback" not in res.output and not db.exists()
    res = runner.invoke(main, ["import", str(minutes_folder), "--db", str(tmp_path / "saknas" / "x.duckdb")])
    assert res.exit_code == 1 and res.output.count("\n") == 1 and "does not exist" in res.output


def test_no_lock_file_is_left_beside_the_warehouse(runner, minutes_folder, tmp_path):
    db = tmp_path / "w.duckdb"
    assert runner.invoke(main, ["import", str(minutes_folder), "--db", str(db)]).exit_code == 0
    assert not Path(f"{db}.import-lock").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("w.")) == ["w.duckdb"]
