"""Tell a file's real format from its first bytes, not from its name."""
from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import ExtractionError

#: Extensions `minutes import` picks up when it walks a folder.
KNOWN_SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".markdown"}


def sniff(path: Path, head: bytes) -> str:
    """Return 'pdf', 'docx' or 'txt' for the file whose first bytes are `head`."""
    if not head:
        raise ExtractionError(f"{path.name} is empty (0 bytes); check that the file was copied completely.")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractionError(
            f"{path.name} is an old binary Word/Office file; save it as .docx (or PDF) and import that.")
    for magic, kind in ((b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"II*\x00", "TIFF image"),
                        (b"MM\x00*", "TIFF image"), (b"{\\rtf", "RTF document")):
        if head.startswith(magic):
            raise ExtractionError(f"{path.name} is a {kind}, which minutes does not read; convert it to PDF first.")
    if _looks_like_text(head):
        declared = path.suffix.lower()
        if declared in (".pdf", ".docx", ".doc"):
            raise ExtractionError(
                f"{path.name} is named {declared} but contains plain text, not a {declared[1:].upper()} file; "
                "rename it to .txt if it is meant to be text, or export the real document again.")
        return "txt"
    raise ExtractionError(
        f"{path.name} is not a PDF, Word .docx or text file; convert it to one of those and import it again.")


#: Content types of a Word document's main part (the part may have any name; Word finds it by type).
_WORD_MAIN_TYPES = (b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml",
                    b"ms-word.document.macroEnabled.main+xml", b"ms-word.template.macroEnabledTemplate.main+xml")


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            types = z.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError) as e:
        raise ExtractionError(f"{path.name} is a damaged zip/.docx file ({e}); open and save it again in Word.") from e
    if "word/document.xml" in names or any(t in types for t in _WORD_MAIN_TYPES):
        return "docx"
    if any(n.startswith(("xl/", "ppt/")) for n in names):
        raise ExtractionError(
            f"{path.name} is an Excel or PowerPoint file; export it as PDF and import the PDF instead.")
    raise ExtractionError(f"{path.name} is a zip archive, not a Word document; unpack it and import the files inside.")


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
