"""Tell a file's real format from its first bytes, not from its name."""
from __future__ import annotations

from pathlib import Path

from .errors import ExtractionError

#: Extensions `minutes import` reads when it walks a folder; other files there are logged as skipped.
KNOWN_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".odt", ".txt", ".md", ".markdown"}
#: Formats read through LibreOffice (extractors/convert.py).
OFFICE_KINDS = ("doc", "rtf", "odt")
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"  # an OpenDocument package's first entry, stored
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sniff(path: Path, head: bytes) -> str:
    """Return 'pdf', 'zip' (a .docx or another zip package), 'doc', 'rtf', 'odt' or 'txt' for a file's first bytes."""
    if not head:
        raise ExtractionError(f"{path.name} is empty (0 bytes); check that the file was copied completely.")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if head[30:38] == b"mimetype" and _ODT_MIMETYPE in head[38:300]:
            return "odt"
        return "zip"  # a .docx, or another zip: the .docx backend tells them apart when it opens it
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"  # an OLE file: Word 97-2003, or an old Excel/PowerPoint file LibreOffice will refuse
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_UTF16_BOMS):
        return _text_or_refuse(path)
    for magic, kind in ((b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"II*\x00", "TIFF image"),
                        (b"MM\x00*", "TIFF image")):
        if head.startswith(magic):
            raise ExtractionError(f"{path.name} is a {kind}, which minutes does not read; convert it to PDF first.")
    if _looks_like_text(head):
        return _text_or_refuse(path)
    raise ExtractionError(
        f"{path.name} is not a PDF, Word (.docx, .doc), RTF, OpenDocument (.odt) or text file; convert it to one "
        "of those and import it again.")


def _text_or_refuse(path: Path) -> str:
    declared = path.suffix.lower()
    if declared in (".pdf", ".docx", ".doc", ".odt"):
        raise ExtractionError(
            f"{path.name} is named {declared} but contains plain text, not a {declared[1:].upper()} file; "
            "rename it to .txt if it is meant to be text, or export the real document again.")
    return "txt"


def reason_not_read(path: Path, look_inside: bool = True) -> str | None:
    """Why a file found in a folder is not imported (None: import it): one sentence for the import log.

    A file with an extension minutes reads is always imported. Another is imported only when
    its bytes are a PDF, RTF or OpenDocument text (a PDF saved as `.pdf_`); Office's lock files,
    hidden files, spreadsheets, images and everything else are logged as skipped. Without
    `look_inside` (an object in a bucket) the name alone decides.
    """
    name = path.name
    if name.startswith("~$"):
        return f"{name} is the lock file Word or Excel keeps beside an open document, not a document."
    if name.startswith("."):
        return f"{name} is a hidden file; minutes does not read hidden files."
    if path.suffix.lower() in KNOWN_SUFFIXES:
        return None
    if not look_inside:
        return _NOT_READ.format(name=name)
    if not path.is_file():
        return f"{name} is a link that leads to no file (to itself, or to something moved or removed)."
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
    except OSError:
        return None  # the import itself says why it cannot be read
    try:
        kind = sniff(path, head)
    except ExtractionError as e:
        return str(e)
    if kind in ("pdf", "rtf", "odt"):
        return None
    return _NOT_READ.format(name=name)


_NOT_READ = ("{name} is not a file type minutes reads (.pdf, .docx, .doc, .rtf, .odt, .txt, .md); if it holds "
             "minutes, save it as one of those and import that.")


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        if e.start > len(head) - 4:  # a multi-byte character cut at the end of the sample
            return True
    try:
        sample = head.decode("cp1252")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in sample)
    return printable / max(len(sample), 1) > 0.95
