"""The Word backend: document order, heading styles (also Swedish 'Rubrik 1'), lists, tables."""
import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE

from minutes.extractors import ExtractionError, extract


def test_docx_with_table_lists_and_bold_label(make_doc):
    md = """\
# Protokoll Barn- och utbildningsnämnden

| Närvarande | Åsa Öberg, ordförande<br>Göran Ärlig | Region Örebro län<br>Region Värmland |

## § 3 Skolskjuts

Ärendet föredras av förvaltningschefen.

**Beslut**

- Nämnden godkänner riktlinjerna.
  - Underpunkt om skolskjuts.
1. Numrerad punkt ett
2. Numrerad punkt två
"""
    doc = extract(make_doc(md, "bun.docx"))
    kinds = [(b.kind, b.level, b.text) for b in doc.blocks]
    assert kinds[0] == ("heading", 1, "Protokoll Barn- och utbildningsnämnden")
    table = doc.blocks[1]
    assert table.kind == "table"
    assert table.rows[0][1].split("\n") == ["Åsa Öberg, ordförande", "Göran Ärlig"]
    assert table.rows[0][2].split("\n") == ["Region Örebro län", "Region Värmland"]
    assert ("heading", 2, "§ 3 Skolskjuts") in kinds
    label = next(b for b in doc.blocks if b.text == "Beslut")
    assert label.kind == "paragraph" and label.emphasis
    items = [b for b in doc.blocks if b.kind == "list_item"]
    assert [i.text for i in items][:2] == ["Nämnden godkänner riktlinjerna.", "Underpunkt om skolskjuts."]
    assert items[1].level == 1
    assert [(i.marker, i.text) for i in items[2:]] == [("1.", "Numrerad punkt ett"), ("2.", "Numrerad punkt två")]


def test_swedish_heading_style_names(tmp_path):
    d = docx.Document()
    style = d.styles.add_style("Rubrik 1", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = d.styles["Normal"]
    d.add_paragraph("Minnesanteckningar Kvalitetsrådet", style="Rubrik 1")
    d.add_paragraph("Vanlig text om kvalitet.")
    path = tmp_path / "rubrik.docx"
    d.save(path)
    doc = extract(path)
    assert [(b.kind, b.level) for b in doc.blocks] == [("heading", 1), ("paragraph", 0)]


def test_vertically_merged_label_cell_is_not_repeated(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    a = t.cell(0, 0).merge(t.cell(1, 0))
    a.text = "Närvarande"
    t.cell(0, 1).text = "Åsa Öberg"
    t.cell(1, 1).text = "Göran Ärlig"
    path = tmp_path / "merged.docx"
    d.save(path)
    table = extract(path).blocks[0]
    assert table.rows == [["Närvarande", "Åsa Öberg"], ["", "Göran Ärlig"]]


def _repack(src, dst, rename: dict[str, str], edit=lambda name, data: data) -> None:
    """Copy a .docx zip, renaming parts and editing their bytes."""
    import zipfile
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = edit(item.filename, zin.read(item.filename))
            zout.writestr(rename.get(item.filename, item.filename), data)


def test_main_part_is_found_through_the_package_relationships(tmp_path):
    """Word finds the document, its styles and numbering through _rels, not by fixed names."""
    d = docx.Document()
    d.add_paragraph("Protokoll Kulturnämnden", style="Heading 1")
    d.add_paragraph("Första punkten", style="List Number")
    d.add_paragraph("Andra punkten", style="List Number")
    src = tmp_path / "plain.docx"
    d.save(src)
    moved = tmp_path / "moved.docx"

    def edit(name, data):
        if name == "_rels/.rels":
            return data.replace(b"word/document.xml", b"word/huvuddokument.xml")
        if name == "[Content_Types].xml":
            return data.replace(b"/word/document.xml", b"/word/huvuddokument.xml")
        if name == "word/_rels/document.xml.rels":
            return data.replace(b'Target="styles.xml"', b'Target="../stil/mallens-stilar.xml"')
        return data

    _repack(src, moved, {"word/document.xml": "word/huvuddokument.xml",
                         "word/_rels/document.xml.rels": "word/_rels/huvuddokument.xml.rels",
                         "word/styles.xml": "stil/mallens-stilar.xml"}, edit)
    expected = [(b.kind, b.level, b.marker, b.text) for b in extract(src).blocks]
    assert expected[0] == ("heading", 1, "", "Protokoll Kulturnämnden")
    assert [(b.kind, b.level, b.marker, b.text) for b in extract(moved).blocks] == expected


def test_documents_from_one_template_share_its_parsed_styles(tmp_path, monkeypatch):
    from minutes.extractors import docx as backend
    backend._PARSED.clear()
    parsed = []
    real = backend._styles
    monkeypatch.setattr(backend, "_styles", lambda xml: (parsed.append(len(xml)), real(xml))[1])
    for n in range(3):
        d = docx.Document()
        d.add_paragraph(f"Protokoll {n}", style="Heading 2")
        d.save(tmp_path / f"p{n}.docx")
        assert extract(tmp_path / f"p{n}.docx").blocks[0].level == 2
    assert len(parsed) == 1  # one template: its styles parsed once
    d = docx.Document()
    d.styles.add_style("Beslutsrubrik", WD_STYLE_TYPE.PARAGRAPH).base_style = d.styles["Heading 3"]
    d.add_paragraph("Beslut", style="Beslutsrubrik")
    d.save(tmp_path / "annan-mall.docx")
    assert extract(tmp_path / "annan-mall.docx").blocks[0].level == 3  # another template: parsed anew
    assert len(parsed) == 2


def test_a_docx_without_a_main_document_is_refused_in_one_sentence(tmp_path):
    d = docx.Document()
    d.add_paragraph("Text")
    src = tmp_path / "ok.docx"
    d.save(src)
    broken = tmp_path / "utan-dokument.docx"
    _repack(src, broken, {}, lambda name, data: data.replace(b"officeDocument", b"somethingElse")
            if name == "_rels/.rels" else data)
    with pytest.raises(ExtractionError, match="could not be opened as a Word document"):
        extract(broken)
