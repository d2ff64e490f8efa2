"""Render small Swedish test documents written in Markdown into .docx, PDF and scanned PDF.

Used by the tests (fixtures generated at test time), by samples/build.py (the bundled
demo documents) and by the benchmark's corpus generator. The Markdown is the dialect
the text extractor reads: `#` headings, `| a | b |` tables (`<br>` breaks a cell's line),
`- ` and `1. ` list items (indent two spaces to nest), `**bold**`, and these comments:

    <!-- pagebreak -->            start a new page
    <!-- table: plain -->         the next table has no ruling lines (the default is a grid)

Needs reportlab (a test dependency) for PDF; python-docx for Word; pypdfium2 and Pillow
for scans.
"""
from __future__ import annotations

import html
import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass
class Item:
    kind: str  # heading | paragraph | bullet | number | table | pagebreak
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)
    plain: bool = False  # tables: no ruling lines
    marker: str = ""


def parse(md: str) -> list[Item]:
    """Parse the Markdown dialect into render items."""
    items: list[Item] = []
    lines = md.splitlines()
    i = 0
    plain_next = False
    para: list[str] = []

    def flush() -> None:
        if para:
            items.append(Item("paragraph", " ".join(s.strip() for s in para)))
            para.clear()

    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if not s:
            flush()
            i += 1
            continue
        if s == "<!-- pagebreak -->":
            flush()
            items.append(Item("pagebreak"))
            i += 1
            continue
        if s == "<!-- table: plain -->":
            flush()
            plain_next = True
            i += 1
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", s)
        if m:
            flush()
            items.append(Item("heading", m.group(2), len(m.group(1))))
            i += 1
            continue
        if s.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                row = lines[i].strip().strip("|").split("|")
                if not re.fullmatch(r"[\s:|-]+", lines[i].strip()):
                    rows.append([c.strip().replace("<br>", "\n") for c in row])
                i += 1
            items.append(Item("table", rows=rows, plain=plain_next))
            plain_next = False
            continue
        m = re.match(r"^(\s*)([-*•]|\d{1,2}\.|[a-z]\.)\s+(.*)$", line)
        if m:
            flush()
            kind = "bullet" if m.group(2) in "-*•" else "number"
            items.append(Item(kind, m.group(3), len(m.group(1)) // 2, marker=m.group(2)))
            i += 1
            continue
        para.append(line)
        i += 1
    flush()
    return items


# --- Word ------------------------------------------------------------------------------

def to_docx(md: str, path: str | Path) -> Path:
    """Render Markdown to a .docx with real heading, list and table styles."""
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    for it in parse(md):
        if it.kind == "heading":
            d.add_heading(_strip_bold(it.text), level=min(it.level, 9))
        elif it.kind == "paragraph":
            _runs(d.add_paragraph(), it.text)
        elif it.kind == "bullet":
            _runs(d.add_paragraph(style="List Bullet" if it.level == 0 else "List Bullet 2"), it.text)
        elif it.kind == "number":
            if re.fullmatch(r"\d{1,2}\.", it.marker):
                _runs(d.add_paragraph(style="List Number" if it.level == 0 else "List Number 2"), it.text)
            else:
                _runs(d.add_paragraph(), f"{it.marker} {it.text}")
        elif it.kind == "table":
            ncols = max(len(r) for r in it.rows)
            t = d.add_table(rows=0, cols=ncols)
            if not it.plain:
                t.style = "Table Grid"
            for r in it.rows:
                cells = t.add_row().cells
                for c, text in zip(cells, r + [""] * (ncols - len(r))):
                    lines = text.split("\n")
                    p = c.paragraphs[0]
                    for k, ln in enumerate(lines):
                        if k:
                            p.add_run().add_break()
                        _runs(p, ln)
        elif it.kind == "pagebreak":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    path = Path(path)
    d.save(str(path))
    return path


def _runs(p, text: str) -> None:
    pos = 0
    for m in _BOLD.finditer(text):
        if m.start() > pos:
            p.add_run(text[pos:m.start()])
        p.add_run(m.group(1)).bold = True
        pos = m.end()
    if pos < len(text):
        p.add_run(text[pos:])


def _strip_bold(text: str) -> str:
    return _BOLD.sub(r"\1", text)


# --- PDF -------------------------------------------------------------------------------

def _fonts(md: str) -> tuple[str, str]:
    """(regular, bold) font names: Helvetica, or DejaVu Sans for letters Helvetica lacks (ć, č, đ)."""
    try:
        md.encode("cp1252")
        return "Helvetica", "Helvetica-Bold"
    except UnicodeEncodeError:
        pass
    import importlib.util

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folders = [Path("/usr/share/fonts/truetype/dejavu")]
    spec = importlib.util.find_spec("matplotlib")  # matplotlib, a test dependency, ships DejaVu Sans
    if spec and spec.submodule_search_locations:
        folders.append(Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf")
    folder = next((f for f in folders if (f / "DejaVuSans.ttf").exists()), None)
    if folder is None:
        raise RuntimeError("rendering letters beyond Latin-1 needs the DejaVu Sans font (matplotlib or fonts-dejavu)")
    for name, file in (("DejaVuSans", "DejaVuSans.ttf"), ("DejaVuSans-Bold", "DejaVuSans-Bold.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")
    return "DejaVuSans", "DejaVuSans-Bold"


def to_pdf(md: str, path: str | Path) -> Path:
    """Render Markdown to a born-digital PDF (reportlab; Helvetica, or DejaVu Sans for letters it lacks)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts(md)
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontName=regular, fontSize=11, leading=14,
                          spaceAfter=8)
    heads = {1: ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20, spaceAfter=10),
             2: ParagraphStyle("h2", parent=body, fontName=bold, fontSize=13, leading=17, spaceBefore=6),
             3: ParagraphStyle("h3", parent=body, fontName=bold, fontSize=12, leading=15)}
    cell = ParagraphStyle("cell", parent=body, spaceAfter=0)
    flow = []
    width = A4[0] - 5 * cm
    for it in parse(md):
        if it.kind == "heading":
            flow.append(Paragraph(_xml(it.text), heads[min(it.level, 3)]))
        elif it.kind == "paragraph":
            flow.append(Paragraph(_xml(it.text), body))
        elif it.kind in ("bullet", "number"):
            marker = "•" if it.kind == "bullet" else it.marker
            style = ParagraphStyle(f"li{it.level}", parent=body, leftIndent=18 + 18 * it.level, bulletIndent=4 +
                                   18 * it.level, spaceAfter=4)
            flow.append(Paragraph(_xml(it.text), style, bulletText=marker))
        elif it.kind == "table":
            ncols = max(len(r) for r in it.rows)
            data = [[Paragraph(_xml(c).replace("\n", "<br/>"), cell) for c in r + [""] * (ncols - len(r))]
                    for r in it.rows]
            first = 0.22 * width if ncols > 1 else width
            widths = [first] + [(width - first) / (ncols - 1)] * (ncols - 1) if ncols > 1 else [width]
            t = Table(data, colWidths=widths)
            style = [("VALIGN", (0, 0), (-1, -1), "TOP")]
            if not it.plain:
                style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
            t.setStyle(TableStyle(style))
            flow.append(t)
            flow.append(Spacer(1, 10))
        elif it.kind == "pagebreak":
            flow.append(PageBreak())
    path = Path(path)
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2 * cm,
                      bottomMargin=2 * cm, title="", author="").build(flow)
    return path


def _xml(text: str) -> str:
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


# --- scans -------------------------------------------------------------------------------

def to_scan(md: str, path: str | Path, dpi: int = 200, noise: bool = True, seed: int = 1) -> Path:
    """Render Markdown to an image-only PDF, as a scanner would: no text layer at all."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    buf = io.BytesIO()
    tmp = Path(path).with_suffix(".tmp.pdf")
    to_pdf(md, tmp)
    pdf = pdfium.PdfDocument(str(tmp))
    images = []
    rng = random.Random(seed)
    for i in range(len(pdf)):
        img = pdf[i].render(scale=dpi / 72).to_pil().convert("L")
        if noise:
            img = img.rotate(rng.uniform(-0.4, 0.4), expand=False, fillcolor=255, resample=Image.BICUBIC)
            img = img.filter(ImageFilter.GaussianBlur(0.4))
        images.append(img)
    pdf.close()
    tmp.unlink()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    path = Path(path)
    path.write_bytes(buf.getvalue())
    return path


def render(md: str, path: str | Path) -> Path:
    """Render by the target's suffix: .docx, .pdf, .scan.pdf (image only), .md/.txt (copied)."""
    p = Path(path)
    if p.name.endswith(".scan.pdf"):
        return to_scan(md, p)
    if p.suffix == ".docx":
        return to_docx(md, p)
    if p.suffix == ".pdf":
        return to_pdf(md, p)
    p.write_text(md, encoding="utf-8")
    return p


def minutes_markdown(date: str, body: str = "Styrgruppen för vårdnära service",
                     decision: str = "Styrgruppen godkänner uppföljningen.", deadline: str = "2025-03-14",
                     extra: str = "") -> str:
    """Short Swedish minutes: an attendee table, one section with a decision and an assignment."""
    return f"""\
# Minnesanteckningar {body}

| Datum | {date} |
| Tid | kl. 13.00–15.00 |
| Plats | Regionhuset, rum Älven |
| Närvarande | Åsa Öberg (ÅÖ), ordf. | Region Örebro län |
| | Göran Ärlig (GÄ) | Region Värmland |
| Frånvarande | Märta Ådahl (MÅ) | Region Dalarna |

## 1. Ekonomisk uppföljning

Göran Ärlig redogör för utfallet.

**Beslut:**

- {decision}
- GÄ tar fram en prognos för våren senast {deadline}.
{extra}"""
