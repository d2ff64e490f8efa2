"""The text/Markdown backend and content sniffing."""
import pytest

from minutes.extractors import ExtractionError, extract
from minutes.extractors.text import parse_text


def test_markdown_structure():
    doc = parse_text("# Protokoll\n\n| Datum | 2025-01-01 |\n|---|---|\n| Närvarande | A<br>B |\n\n"
                     "**Beslut:** Nämnden godkänner.\n\n- punkt ett\n- punkt två\n\nEtt stycke\nsom fortsätter.\n")
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert kinds[0] == ("heading", "Protokoll")
    assert doc.blocks[1].rows == [["Datum", "2025-01-01"], ["Närvarande", "A\nB"]]
    assert ("paragraph", "Beslut: Nämnden godkänner.") in kinds
    assert [t for k, t in kinds if k == "list_item"] == ["punkt ett", "punkt två"]
    assert ("paragraph", "Ett stycke") in kinds or ("paragraph", "Ett stycke som fortsätter.") in kinds


def test_form_feed_is_a_page_break():
    doc = parse_text("Sida ett.\fSida två.")
    assert [(b.page, b.text) for b in doc.blocks] == [(1, "Sida ett."), (2, "Sida två.")]


def test_windows_1252_text_is_read(tmp_path):
    p = tmp_path / "gammal.txt"
    p.write_bytes("Beslut: Nämnden godkänner årsredovisningen.".encode("cp1252"))
    assert extract(p).blocks[0].text == "Beslut: Nämnden godkänner årsredovisningen."


def test_format_is_told_by_content_not_name(tmp_path, make_doc):
    pdf = make_doc("# Protokoll\n\nText om budgeten.", "riktig.pdf")
    disguised = tmp_path / "protokoll.docx"
    disguised.write_bytes(pdf.read_bytes())
    doc = extract(disguised)
    assert doc.format == "pdf"
    assert "named .docx but is really pdf" in doc.metadata["warnings"][0]


@pytest.mark.parametrize("content,words", [
    (b"", "is empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "PNG image"),
    (b"PK\x03\x04" + b"\0" * 50, "damaged zip"),
])
def test_unreadable_files_get_one_actionable_sentence(tmp_path, content, words):
    p = tmp_path / "fil.docx"
    p.write_bytes(content)
    with pytest.raises(ExtractionError) as err:
        extract(p)
    assert words in str(err.value)
    assert str(err.value).count(".") >= 1 and "\n" not in str(err.value)


def test_an_old_word_file_needs_the_converter(tmp_path):
    p = tmp_path / "fil.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(ExtractionError) as err:
        extract(p, office=None)
    assert "old Word (.doc) file" in str(err.value) and "libreoffice-writer-nogui" in str(err.value)


@pytest.mark.parametrize("parts,words", [
    ({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}, "Excel or PowerPoint"),
    ({"protokoll.txt": "Beslut: att godkänna budgeten."}, "zip archive, not a Word document"),
])
def test_a_zip_that_is_no_word_document_says_what_it_is(tmp_path, parts, words):
    import zipfile

    p = tmp_path / "protokoll.docx"
    with zipfile.ZipFile(p, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    with pytest.raises(ExtractionError) as err:
        extract(p)
    assert words in str(err.value)
