"""The PDF backend: reading order, å ä ö, headings, lists, and tables as rows."""
import pytest

from minutes.extractors import extract

SIDE_BY_SIDE = """\
# Mötesanteckningar Regionala arbetsgruppen

<!-- table: plain -->
| Närvarande | Åsa Öberg, ordförande<br>Göran Ärlig<br>Märta Ådahl | Region Örebro län<br>Region Värmland<br>Region Dalarna |
| Frånvarande | Örjan Käll | Region Gävleborg |

## 1. Inledning

Ordföranden hälsar välkommen. Mötet förklaras öppnat och dagordningen fastställs.

- Första punkten i listan
- Andra punkten i listan
"""


def test_side_by_side_attendee_table_comes_out_as_rows(make_doc):
    doc = extract(make_doc(SIDE_BY_SIDE, "plain.pdf"))
    table = next(b for b in doc.blocks if b.kind == "table")
    rows = [[c.strip() for c in r] for r in table.rows]
    assert rows[0] == ["Närvarande", "Åsa Öberg, ordförande", "Region Örebro län"]
    assert rows[1][1:] == ["Göran Ärlig", "Region Värmland"]
    assert rows[2][1:] == ["Märta Ådahl", "Region Dalarna"]
    assert rows[3] == ["Frånvarande", "Örjan Käll", "Region Gävleborg"]


def test_ruled_table_keeps_cell_line_breaks(make_doc):
    doc = extract(make_doc(SIDE_BY_SIDE.replace("<!-- table: plain -->\n", ""), "grid.pdf"))
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.rows[0][0] == "Närvarande"
    assert table.rows[0][1].split("\n") == ["Åsa Öberg, ordförande", "Göran Ärlig", "Märta Ådahl"]
    assert table.rows[0][2].split("\n") == ["Region Örebro län", "Region Värmland", "Region Dalarna"]


def test_swedish_letters_headings_lists_and_offsets(make_doc):
    doc = extract(make_doc(SIDE_BY_SIDE, "text.pdf"))
    assert doc.format == "pdf" and doc.page_count == 1
    kinds = [(b.kind, b.text) for b in doc.blocks if b.kind != "table"]
    assert ("heading", "Mötesanteckningar Regionala arbetsgruppen") in kinds
    assert ("heading", "1. Inledning") in kinds
    assert ("paragraph", "Ordföranden hälsar välkommen. Mötet förklaras öppnat och dagordningen fastställs.") in kinds
    assert [t for k, t in kinds if k == "list_item"] == ["Första punkten i listan", "Andra punkten i listan"]
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
        assert b.page == 1 and b.bbox is not None


def test_paragraphs_run_across_pages_in_order(make_doc):
    md = "# Protokoll\n\n" + "\n\n".join(f"Stycke {i} om budgeten för år {2000 + i}." for i in range(60))
    doc = extract(make_doc(md, "long.pdf"))
    paras = [b for b in doc.blocks if b.kind == "paragraph"]
    assert [p.text for p in paras] == [f"Stycke {i} om budgeten för år {2000 + i}." for i in range(60)]
    assert doc.page_count >= 2 and paras[-1].page == doc.page_count


def _ruled_table(path, data, spans, widths):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    t = Table(data, colWidths=widths)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
                          + [("SPAN", a, b) for a, b in spans]))
    SimpleDocTemplate(str(path), pagesize=A4).build([t])


@pytest.mark.parametrize("spans", [
    [((0, 0), (0, 1))],                      # a label spanning two rows
    [((1, 0), (2, 0))],                      # a heading spanning two columns
    [((0, 0), (0, 2)), ((1, 3), (2, 3))],    # both, in one table
])
def test_merged_cells_read_as_pdfplumber_reads_them(tmp_path, spans):
    """pdfplumber's table finder runs on the lines pdfium measured: the same rows as pdfplumber's own reading."""
    import pdfplumber
    import pypdfium2 as pdfium

    import minutes.extractors.pdf as pdf_backend
    from minutes.extractors.grids import find_grids
    from minutes.extractors.grids import merged_grid as _merged_grid

    data = [["Närvarande", "Åsa Öberg", "Region Örebro län"], ["", "Göran Ärlig", "Region Värmland"],
            ["", "Per Ek", "Region Dalarna"], ["Frånvarande", "Märta Ådahl", ""]]
    path = tmp_path / "spans.pdf"
    _ruled_table(path, data, spans, [110, 150, 150])
    page = pdfium.PdfDocument(str(path))[0]
    height = page.get_size()[1]
    grid = find_grids(pdf_backend._rules(page, height))[0]
    textpage = page.get_textpage()
    ours = _merged_grid(grid.rules, pdf_backend._segments(textpage, height))
    with pdfplumber.open(str(path)) as pdf:
        theirs = pdf.pages[0].crop(grid.bbox, strict=False).extract_table()
    assert ours == [[(c or "").strip() for c in row] for row in theirs if any((c or "").strip() for c in row)]


def test_table_with_merged_cells_is_read_by_pdfplumber(tmp_path, monkeypatch):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    import minutes.extractors.pdf as pdf_backend
    from minutes.extractors.grids import find_grids

    data = [["Närvarande", "Åsa Öberg", "Region Örebro län"],
            ["", "Göran Ärlig", "Region Värmland"],
            ["Frånvarande", "Märta Ådahl", "Region Dalarna"]]
    t = Table(data, colWidths=[110, 150, 150])
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("SPAN", (0, 0), (0, 1)),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    path = tmp_path / "merged.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([t])

    import pypdfium2 as pdfium
    page = pdfium.PdfDocument(str(path))[0]
    grids = find_grids(pdf_backend._rules(page, page.get_size()[1]))
    assert len(grids) == 1 and not grids[0].regular  # the merged label cell breaks a ruling line

    import pdfplumber
    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: pytest.fail("pdfplumber must not parse the page"))
    doc = extract(path)
    table = doc.blocks[0]
    assert [r[1:] for r in table.rows] == [["Åsa Öberg", "Region Örebro län"], ["Göran Ärlig", "Region Värmland"],
                                          ["Märta Ådahl", "Region Dalarna"]]
    assert table.rows[0][0] == "Närvarande" and table.rows[2][0] == "Frånvarande"


def test_plain_grid_is_regular(make_doc):
    import pypdfium2 as pdfium

    import minutes.extractors.pdf as pdf_backend
    from minutes.extractors.grids import find_grids

    path = make_doc("| Datum | 2025-01-01 |\n| Tid | 10.00–12.00 |\n", "grid.pdf")
    page = pdfium.PdfDocument(str(path))[0]
    grids = find_grids(pdf_backend._rules(page, page.get_size()[1]))
    assert len(grids) == 1 and grids[0].regular


def test_pdfs_read_from_several_threads_at_once(make_doc):
    """pdfium is not thread-safe; a Dask worker with several threads reads PDFs side by side."""
    from concurrent.futures import ThreadPoolExecutor

    path = make_doc(SIDE_BY_SIDE, "trådar.pdf")

    def read(_):
        return [(b.kind, b.page, b.text, b.rows) for b in extract(path).blocks]

    expected = read(0)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(read, range(60)))
    assert all(r == expected for r in results)
