"""Scanned documents: Tesseract in the pipeline, and rules that survive OCR noise."""
import shutil

import pytest

from minutes.cli import main
from minutes.extractors import MissingToolError, extract
from minutes.extractors.ocr import OcrEngine
from minutes.extractors.text import parse_text
from minutes.rules import analyse
from minutes.rules.ocrfix import looks_ocr, repair

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="Tesseract is not installed (.ci/run installs it)")

SCANNED = """\
# Protokoll Kultur- och fritidsnämnden

| Sammanträdesdatum | 2025-04-09 |
| Tid | kl. 18.00–20.30 |
| Plats | Kulturhuset, Ängsalen |
| Beslutande | Åsa Öberg (S), ordförande<br>Göran Ärlig (M)<br>Märta Ådahl (C) |
| Frånvarande | Örjan Käll (L) |

## § 21 Föreningsbidrag 2025

Förvaltningen har gått igenom ansökningarna om föreningsbidrag.

**Nämndens beslut**

- Kultur- och fritidsnämnden godkänner fördelningen av föreningsbidrag.
- Förvaltningen får i uppdrag att utvärdera bidragsreglerna senast den 30 september 2025.
"""


@pytest.mark.slow
@needs_tesseract
def test_scanned_pdf_yields_the_same_rows_as_born_digital(make_doc):
    scan = extract(make_doc(SCANNED, "protokoll.scan.pdf"), ocr=OcrEngine())
    assert scan.ocr and scan.ocr_seconds > 0
    born = extract(make_doc(SCANNED, "protokoll.pdf"))
    for doc in (scan, born):
        ex = analyse(doc)
        assert [(a.name, a.party, a.status) for a in ex.attendees] == [
            ("Åsa Öberg", "S", "present"), ("Göran Ärlig", "M", "present"), ("Märta Ådahl", "C", "present"),
            ("Örjan Käll", "L", "absent")]
        assert [d.text for d in ex.decisions] == [
            "Kultur- och fritidsnämnden godkänner fördelningen av föreningsbidrag.",
            "Förvaltningen får i uppdrag att utvärdera bidragsreglerna senast den 30 september 2025."]
        a = ex.assignments[0]
        assert (a.owner, a.task, str(a.deadline)) == ("Förvaltningen", "utvärdera bidragsreglerna", "2025-09-30")
        assert (ex.meeting.body, str(ex.meeting.meeting_date)) == ("Kultur- och fritidsnämnden", "2025-04-09")


@pytest.mark.slow
@needs_tesseract
def test_mixed_pdf_reads_text_pages_and_ocrs_scanned_ones(make_doc, tmp_path):
    import pypdfium2 as pdfium

    text_pdf = make_doc("# Minnesanteckningar Styrgruppen\n\nDatum: 2025-01-10\n\nSidan ett är digital.", "a.pdf")
    scan_pdf = make_doc("Beslut: Styrgruppen fastställer tidplanen för våren.", "b.scan.pdf")
    mixed = pdfium.PdfDocument(str(text_pdf))
    mixed.import_pages(pdfium.PdfDocument(str(scan_pdf)))
    path = tmp_path / "blandad.pdf"
    mixed.save(str(path))
    doc = extract(path, ocr=OcrEngine())
    assert doc.ocr and doc.page_count == 2
    assert [b.page for b in doc.blocks if "digital" in b.text] == [1]
    assert [d.text for d in analyse(doc).decisions] == ["Styrgruppen fastställer tidplanen för våren."]


def test_missing_tesseract_fails_that_file_with_an_install_hint(make_doc, tmp_path, runner, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    make_doc("Beslut: Nämnden godkänner planen.", "skannad.scan.pdf").rename(folder / "skannad.pdf")
    make_doc("# Protokoll\n\nBeslut: Nämnden godkänner budgeten.", "digital.pdf").rename(folder / "digital.pdf")
    with pytest.raises(MissingToolError, match="install tesseract-ocr tesseract-ocr-swe"):
        extract(folder / "skannad.pdf", ocr=OcrEngine(binary="no-such-tesseract"))
    monkeypatch.setenv("MINUTES_TESSERACT", "no-such-tesseract")
    res = runner.invoke(main, ["import", str(folder), "--db", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 1 and "1 imported" in res.output and "1 failed" in res.output
    assert "needs Tesseract with Swedish" in res.output and "tesseract-ocr-swe" in res.output


def test_no_ocr_flag_reports_scanned_files(make_doc, tmp_path, runner):
    make_doc("Beslut: Nämnden godkänner planen.", "s.scan.pdf")
    res = runner.invoke(main, ["import", str(tmp_path / "s.scan.pdf"), "--db", str(tmp_path / "w.duckdb"),
                               "--no-ocr"])
    assert res.exit_code == 1 and "OCR is switched off" in res.output


OCR_TEXT = ("Patientlöfte och handlingsplan för SÖSR i Region Jönköpings län. " * 3 + "\n\n"
            "& 12 Uppföljning\n\nRAG ser 6ver mdjlighet till gemensamma prioriteringar p& sikt.\n\n"
            "Samverkan inom SOSR ska 6ka. Arbetet i Jénk&ping följs upp.\n\n"
            "Maria IlIhammar informerar. Maria Ilhammar svarar på frågor.\n\n"
            "Det finns en möjlighet att samverka.\n\n" + "Text utan svenska tecken. " * 30)


def test_ocr_confusions_are_mended_against_known_words():
    doc = parse_text(OCR_TEXT)
    assert looks_ocr(doc)
    assert repair(doc) > 0
    text = doc.text
    for mended in ("§ 12 Uppföljning", "RAG ser över", "på sikt", "inom SÖSR ska öka", "i Jönköping",
                   "Maria Ilhammar informerar"):
        assert mended in text, mended
    assert "ser över möjlighet till" in text  # "mdjlighet": the document's own clean "möjlighet"


def test_clean_documents_are_left_alone():
    doc = parse_text("Beslut: Nämnden godkänner årsredovisningen för 2024 och överlämnar den. " * 20)
    assert not looks_ocr(doc)
    before = doc.text
    analyse(doc)
    assert doc.text == before


def test_rules_match_text_that_lost_its_diacritics():
    md = ("# Minnesanteckningar Styrgruppen for e-halsa\n\n| Datum | 2025-03-03 |\n"
          "| Narvarande | Asa Oberg (AO), ordf. | Region Orebro lan |\n| Franvarande | Goran Arlig (GA) | RJL |\n\n"
          "Beslut: Styrgruppen staller sig bakom forslaget. GA aterkommer med en tidplan fore midsommar.\n")
    ex = analyse(parse_text(md))
    assert [(a.name, a.status, a.organisation) for a in ex.attendees] == [
        ("Asa Oberg", "present", "Region Örebro län"), ("Goran Arlig", "absent", "Region Jönköpings län")]
    assert [d.text[:40] for d in ex.decisions] == ["Styrgruppen staller sig bakom forslaget."]
    a = ex.assignments[0]
    assert (a.owner, str(a.deadline)) == ("Goran Arlig", "2025-06-20")
