"""The Word backend: document order, heading styles (also Swedish 'Rubrik 1'), lists, tables."""
import docx
from docx.enum.style import WD_STYLE_TYPE

from extractors import extract


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
