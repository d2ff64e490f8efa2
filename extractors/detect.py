"""Tell a file's real format from its first bytes, not from its name."""
from __future__ import annotations

from pathlib import Path

from .errors import ExtractionError

#: Extensions `minutes import` picks up when it walks a folder.
KNOWN_SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".markdown"}


def sniff(path: Path, head: bytes) -> str:
    """Return 'pdf', 'zip' (a .docx or another zip package) or 'txt' for the file whose first bytes are `head`."""
    if not head:
        raise ExtractionError(f"{path.name} is empty (0 bytes); check that the file was copied completely.")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"  # a .docx, or another zip: the .docx backend tells them apart when it opens it
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
