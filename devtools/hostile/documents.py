"""Documents for the red-team run: good minutes rendered with devtools/docgen.py, and the raw
building blocks of hostile files (hand-written PDFs and .docx packages, zip bombs, a secret)."""
from __future__ import annotations

import bz2
import io
import os
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Callable

from devtools.docgen import minutes_markdown

MB = 1024 * 1024


def minutes_md(date: str, body: str = "Styrgruppen för vårdnära service", extra: str = "") -> str:
    """Good minutes for `date`; the decision names the date, so every file's bytes differ."""
    return minutes_markdown(date, body, decision=f"Styrgruppen godkänner uppföljningen för {date}.",
                            deadline="2025-12-14", extra=extra)


GOOD_DOCS = [("styrgrupp_2025-02-04.pdf", "2025-02-04", "Styrgruppen för vårdnära service"),
             ("styrgrupp_2025-02-18.docx", "2025-02-18", "Styrgruppen för vårdnära service"),
             ("socialnamnden_2025-03-11.pdf", "2025-03-11", "Socialnämnden"),
             ("miljonamnden_2025-04-01.docx", "2025-04-01", "Miljönämnden"),
             ("ks-au_2025-05-06.md", "2025-05-06", "Kommunstyrelsens arbetsutskott")]

_RENDER: Callable | None = None


def render(md: str, path: Path) -> Path:
    """devtools.docgen.render from the project (good .pdf/.docx from Markdown)."""
    global _RENDER
    if _RENDER is None:
        from devtools.docgen import render as r
        _RENDER = r
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix in (".md", ".txt"):
        path.write_text(md, encoding="utf-8")
        return path
    return _RENDER(md, path)


def make_good(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [render(minutes_md(date, body), folder / name) for name, date, body in GOOD_DOCS]


def pdf_bytes(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from object bodies (object n is objects[n-1]) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def text_pdf(lines: list[str], count: int | None = None) -> bytes:
    """A one-page PDF with text lines (WinAnsi), its page tree claiming `count` pages."""
    ops = ["BT /F1 12 Tf 72 760 Td 16 TL"]
    for line in lines:
        s = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append("(" + s.decode("latin-1") + ") '")
    ops.append("ET")
    content = "\n".join(ops).encode("latin-1")
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % (count or 1),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ])


_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_xml(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W_NS}">'
            f'<w:body>{body}</w:body></w:document>').encode("utf-8")


def para(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def write_docx(path: Path, document_xml: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document_xml)
    return path


def bomb_docx(path: Path, member_data: Callable[[], bytes], method: int, claimed_size: int) -> Path:
    """A .docx whose word/document.xml is `member_data()` (already compressed with `method`),
    its local header and central directory claiming `claimed_size` unpacked bytes."""
    comp = member_data()
    crc = zlib.crc32(b"<w:document/>")  # any CRC: the lie is found only after unpacking
    name = b"word/document.xml"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
    head = bytearray(buf.getvalue())
    # keep the two small members, drop the old central directory, append the bomb and a new one
    zf = zipfile.ZipFile(io.BytesIO(bytes(head)))
    infos = zf.infolist()
    cd_start = struct.unpack("<I", head[-6:-2])[0]
    data = bytearray(head[:cd_start])
    bomb_off = len(data)
    version = 46 if method == zipfile.ZIP_BZIP2 else 20
    data += struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0, method, 0, 0x21, crc, len(comp), claimed_size,
                        len(name), 0) + name + comp
    cd = bytearray()
    for info in infos:
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, info.compress_type, 0, 0x21, info.CRC,
                          info.compress_size, info.file_size, len(info.filename.encode()), 0, 0, 0, 0, 0,
                          info.header_offset) + info.filename.encode()
    cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, version, version, 0, method, 0, 0x21, crc, len(comp),
                      claimed_size, len(name), 0, 0, 0, 0, 0, bomb_off) + name
    cd_off = len(data)
    data += cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(infos) + 1, len(infos) + 1, len(cd), cd_off, 0)
    path.write_bytes(bytes(data))
    return path


_CACHE: dict[str, bytes] = {}


def _cached(key: str, build: Callable[[], bytes]) -> bytes:
    """Bytes that take seconds to build (compressing GBs of zeros), kept in memory and in a temp folder."""
    if key not in _CACHE:
        f = Path(tempfile.gettempdir()) / "redteam-cache" / key
        if f.exists():
            _CACHE[key] = f.read_bytes()
        else:
            _CACHE[key] = build()
            f.parent.mkdir(exist_ok=True)
            tmp = f.with_suffix(".tmp")
            tmp.write_bytes(_CACHE[key])
            tmp.replace(f)
    return _CACHE[key]


def _compressed_zeros(total: int, compressor) -> bytes:
    chunk = b"\0" * (64 * MB)
    parts = [compressor.compress(chunk) for _ in range(total // len(chunk))]
    parts.append(compressor.flush())
    return b"".join(parts)


def deflated_zeros(total: int) -> bytes:
    return _cached(f"deflate-{total}.bin", lambda: _compressed_zeros(total, zlib.compressobj(9, zlib.DEFLATED, -15)))


def bzipped_zeros(total: int) -> bytes:
    return _cached(f"bzip2-{total}.bin", lambda: _compressed_zeros(total, bz2.BZ2Compressor(9)))


SECRET_MARKER = "HEMLIG-MARKER-7f3a"


def secret_file() -> Path:
    """A file outside every folder the harness imports, readable only by its owner (mode 600)."""
    p = Path(tempfile.gettempdir()) / f"redteam-secret-{os.getuid()}.txt"
    if not p.exists():
        p.write_text(minutes_md("2025-06-01", "Hemliga nämnden", f"\nBeslut: {SECRET_MARKER} lösenordet är 1234.\n"),
                     encoding="utf-8")
    p.chmod(0o600)
    return p


FORMULA = '=HYPERLINK("http://angripare.example/","Klicka här")'
ESCAPES = "escapetest \x1b[31mRÖD\x1b[0m text \x1b]0;kapad titel\x07 slut"


def make_aux_docs(folder: Path) -> dict[str, Path]:
    """Good minutes plus the documents the web/sql/export kinds need; the .svg/.html are passed
    to `minutes import` by name (a folder walk does not pick them up)."""
    make_good(folder / "good")
    d = folder / "aux"
    d.mkdir(parents=True, exist_ok=True)
    out = {}
    out["formula"] = render(minutes_md("2025-08-01", "Formelnämnden", f"""
## 2. Åtgärder

| Åtgärd | Ansvarig | Klart senast |
|---|---|---|
| {FORMULA} | Anna Svensson | 2025-09-01 |
| @SUM(1+1)*cmd|' /C calc'!A0 | Per Ek | 2025-09-02 |

Anna Svensson får i uppdrag att {FORMULA} senast 2025-09-15.
"""), d / "formel.md")
    out["escapes"] = d / "escape.txt"
    out["escapes"].write_text(minutes_md("2025-08-02", "Escapenämnden", f"\nBeslut: Nämnden godkänner {ESCAPES}.\n"),
                              encoding="utf-8")
    out["swap_bytes"] = render(minutes_md("2025-08-03", "Bytesnämnden"), d / "byts.md")
    out["swap_link"] = render(minutes_md("2025-08-04", "Länknämnden"), d / "lank.md")
    out["svg"] = d / "web" / "bild.svg"
    out["svg"].parent.mkdir(exist_ok=True)
    out["svg"].write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script>'
                          '<text>Protokoll Svgnämnden 2025-08-05. Beslut: Nämnden godkänner svgtest.</text></svg>\n',
                          encoding="utf-8")
    out["html"] = d / "web" / "sida.html"
    out["html"].write_text("<html><body><script>alert(document.cookie)</script>\n<p>Protokoll Htmlnämnden "
                           "2025-08-06</p>\n<p>Beslut: Nämnden godkänner htmltest.</p></body></html>\n",
                           encoding="utf-8")
    return out
