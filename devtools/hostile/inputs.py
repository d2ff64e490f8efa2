"""The hostile inputs: `make_<kind>(folder) -> list[Path]` writes one kind's files into `folder`."""
from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

from .documents import (MB, bomb_docx, bzipped_zeros, deflated_zeros, docx_xml, make_good,
                        minutes_md, para, render, secret_file, text_pdf, write_docx)

def _write(folder: Path, name: str, data: bytes) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return [folder / name]


def make_nonutf8_name(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    raw = os.fsencode(folder) + b"/m\xf6te.txt"
    with open(raw, "wb") as f:
        f.write(minutes_md("2025-06-10", "Kulturnämnden").encode("utf-8"))
    return [Path(os.fsdecode(raw))]


def _redos(folder: Path, name: str, phrase: str, size: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    head = "Protokoll Kommunstyrelsen\n\nDatum: 2025-06-12\n\n§ 1 Uppdrag\n\n"
    p.write_text(head + phrase * (size // len(phrase.encode("utf-8"))), encoding="utf-8")
    return [p]


def make_redos_ger_10k(folder: Path) -> list[Path]:
    return _redos(folder, "ger-10k.txt", "ger Anna Svensson i uppdrag att ", 10_000)


def make_redos_ger_100k(folder: Path) -> list[Path]:
    return _redos(folder, "ger-100k.txt", "ger Anna Svensson i uppdrag att ", 100_000)


def make_redos_tar_med_sig(folder: Path) -> list[Path]:
    return _redos(folder, "tar-med-sig.txt", "tar med sig frågan ", 100_000)


def make_redos_uppdras(folder: Path) -> list[Path]:
    return _redos(folder, "uppdras.txt", "uppdras att ", 100_000)


def make_redos_ansvarig(folder: Path) -> list[Path]:
    return _redos(folder, "ansvarig.txt", "Ansvarig: ", 100_000)


def make_huge_page_pdf(folder: Path) -> list[Path]:
    """One 200 x 200 inch page (the PDF maximum) holding one small image and no text: 'scanned',
    so it is rendered for OCR: 60,000 x 60,000 pixels at 300 dpi (3.6 GB grey, before numpy copies)."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "jatte-sida.pdf"
    img = Image.new("L", (40, 40), 128)
    c = canvas.Canvas(str(p), pagesize=(14400, 14400))
    c.drawImage(ImageReader(img), 100, 100, width=400, height=400)
    c.showPage()
    c.save()
    return [p]


def make_fifo(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "x.txt"
    os.mkfifo(p)
    return [p]


def make_devzero_link(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "x2.txt"
    p.symlink_to("/dev/zero")
    return [p]


def make_outside_link(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "secret.txt"
    p.symlink_to(secret_file())
    return [p]


def make_zip_lying_size(folder: Path) -> list[Path]:
    """~2 MB .docx: word/document.xml claims 4 kB but deflates to 2.1 GB of zeros."""
    folder.mkdir(parents=True, exist_ok=True)
    return [bomb_docx(folder / "ljuger.docx", lambda: deflated_zeros(2112 * MB), zipfile.ZIP_DEFLATED, 4096)]


def make_zip_bzip2_bomb(folder: Path) -> list[Path]:
    """A few-kB .docx: word/document.xml is bzip2 (method 12), claims 4 kB, unpacks to 4 GB."""
    folder.mkdir(parents=True, exist_ok=True)
    return [bomb_docx(folder / "bzip2.docx", lambda: bzipped_zeros(4096 * MB), zipfile.ZIP_BZIP2, 4096)]


def make_docx_gridspan(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    cell = ('<w:tc><w:tcPr><w:gridSpan w:val="20000000"/></w:tcPr>' + para("Närvarande") + "</w:tc>")
    row2 = "<w:tc>" + para("Anna Svensson") + "</w:tc><w:tc>" + para("Region Östergötland") + "</w:tc>"
    body = (para("Protokoll Socialnämnden 2025-06-13") + "<w:tbl><w:tr>" + cell + "</w:tr><w:tr>" + row2
            + "</w:tr></w:tbl>" + para("Beslut: Nämnden godkänner budgeten."))
    return [write_docx(folder / "gridspan.docx", docx_xml(body))]


def make_docx_nested_tables(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = "Närvarande ledamöter och ersättare enligt särskild förteckning som bifogas protokollet. " * 2
    inner = ""
    for _ in range(60):
        inner = f"<w:tbl><w:tr><w:tc>{para(text)}{inner}</w:tc></w:tr></w:tbl>"
    body = para("Protokoll Socialnämnden 2025-06-14") + inner + para("Beslut: Nämnden godkänner budgeten.")
    return [write_docx(folder / "nastlad.docx", docx_xml(body))]


def make_lying_pagecount_pdf(folder: Path) -> list[Path]:
    return _write(folder, "miljon-sidor.pdf", text_pdf(["Protokoll Socialnämnden", "Datum 2025-06-15", "§ 1 Budget",
                                                         "Beslut: Nämnden godkänner budgeten för 2026."],
                                                        count=1_000_000))


def make_utf16_txt(folder: Path) -> list[Path]:
    return _write(folder, "utf16.txt", minutes_md("2025-06-16", "Tekniska nämnden",
                                                  "\nBeslut: Nämnden godkänner utf16kontroll.\n").encode("utf-16"))


ATTENDEE_DUP_TXT = [
    # labels as paragraphs of their own
    """\
Protokoll Socialnämnden

Datum: {date}

Plats: Stadshuset

Närvarande: Anna Berg, ordförande; Per Ek; Lisa Holm

Sekreterare: Anna Berg

§ 1 Budget

Beslut: Nämnden godkänner budgeten för {date}.
""",
    # labels as rows of a table
    """\
# Protokoll Socialnämnden

| Datum | {date} |
| Plats | Stadshuset |
| Närvarande | Anna Berg, ordförande |
| | Per Ek |
| | Lisa Holm |
| Sekreterare | Anna Berg |

## § 1 Budget

Beslut: Nämnden godkänner budgeten för {date}.
"""]


def make_attendee_dup(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for date, text in zip(("2025-06-17", "2025-06-24"), ATTENDEE_DUP_TXT):
        p = folder / f"dubbelroll-{date}.txt"
        p.write_text(text.format(date=date), encoding="utf-8")
        out.append(p)
    return out


# --- the kinds that already hold ---------------------------------------------------------------

def make_empty_file(folder: Path) -> list[Path]:
    return _write(folder, "tom.txt", b"")


def make_truncated_pdf(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    good = render(minutes_md("2025-07-01"), folder / "_tmp.pdf").read_bytes()
    (folder / "_tmp.pdf").unlink()
    p = folder / "trunkerad.pdf"
    p.write_bytes(good[: len(good) // 2])
    return [p]


def make_corrupt_pdf(folder: Path) -> list[Path]:
    return _write(folder, "trasig.pdf", b"%PDF-1.7\n" + random.Random(7).randbytes(2000))


def make_encrypted_pdf(folder: Path) -> list[Path]:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "losenord.pdf"
    c = canvas.Canvas(str(p), encrypt=pdfencrypt.StandardEncryption("hemligt"))
    c.drawString(72, 720, "Protokoll Socialnämnden 2025-03-01")
    c.save()
    return [p]


def make_docx_not_zip(folder: Path) -> list[Path]:
    return _write(folder, "inte-zip.docx", "det här är ingen zip-fil".encode())


def make_image_as_pdf(folder: Path) -> list[Path]:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buf, "PNG")
    return _write(folder, "bild.pdf", buf.getvalue())


def make_symlink_loop(folder: Path) -> list[Path]:
    (folder / "sub").mkdir(parents=True, exist_ok=True)
    inner = render(minutes_md("2025-07-02", "Loopnämnden"), folder / "inne.md")
    (folder / "sub" / "tillbaka").symlink_to(folder, target_is_directory=True)
    (folder / "sig-sjalv.txt").symlink_to(folder / "sig-sjalv.txt")
    return [inner, folder / "sig-sjalv.txt"]


def make_unreadable_file(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    p = render(minutes_md("2025-07-03", "Låsta nämnden"), folder / "last.md")
    p.chmod(0)
    return [p]


def make_binary_txt(folder: Path) -> list[Path]:
    return _write(folder, "binar.txt", b"\x00\x01\x02" + random.Random(8).randbytes(4096))


# --- folders of the separate runs ------------------------------------------------------------------

def make_concurrent_imports(folder: Path) -> list[Path]:
    paths = make_good(folder)
    for i in range(60):
        p = folder / f"m{i:03d}.md"
        p.write_text(minutes_md(f"2024-{1 + i % 12:02d}-{1 + i // 12:02d}", f"Nämnd {i}",
                                "".join(f"\nGÄ redovisar ärende {i}.{k} på nästa möte.\n" for k in range(15))),
                     encoding="utf-8")
        paths.append(p)
    return paths


def make_memory_hog(folder: Path, mb: int = 60) -> list[Path]:
    """Ordinary minutes text, but `mb` MB of it: reading it takes seconds and far more memory than a
    worker holds at rest, so a stand-in OOM killer can catch its worker in the act."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "jattelang.txt"
    line = "Nämnden diskuterade frågan om budgeten för äldreomsorgen utförligt och länge.\n"
    p.write_text("Protokoll Socialnämnden\n\n" + line * (mb * MB // len(line.encode("utf-8"))), encoding="utf-8")
    return [p]

