"""Pick the backend for a file by its content and run it."""
from __future__ import annotations

from pathlib import Path

from minutes.core.document import Document

from .convert import Converter, extract_office
from .detect import OFFICE_KINDS, sniff
from .docx import extract_docx
from .errors import ExtractionError
from .pdf import extract_pdf
from .text import extract_text

#: The extensions each format may be named with, without a warning.
_NAMES = {"txt": ("txt", "text", "md", "markdown"), "doc": ("doc", "dot", "wbk"), "odt": ("odt", "ott"),
          "docx": ("docx", "docm", "dotx")}


def read_head(path: Path, n: int = 2048) -> bytes:
    """First bytes of a file, with a readable error when it cannot be opened."""
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except PermissionError as e:
        raise ExtractionError(f"{path.name} cannot be read (permission denied); ask for read access.") from e
    except IsADirectoryError as e:
        raise ExtractionError(f"{path} is a folder, not a file.") from e
    except OSError as e:
        raise ExtractionError(f"{path.name} cannot be read ({e.strerror}); check the path and the drive.") from e


def extract(path: Path, ocr=None, office: Converter | None = Converter()) -> Document:
    """Extract any supported file into a Document; raises ExtractionError with a user-facing sentence.

    `ocr` reads scanned pages (None: they fail); `office` converts .doc, .rtf and .odt files
    through LibreOffice (None: they fail, saying what to install).
    """
    path = Path(path)
    kind = sniff(path, read_head(path))
    if kind == "pdf":
        doc = extract_pdf(path, ocr=ocr)
    elif kind == "zip":
        doc = extract_docx(path)
    elif kind in OFFICE_KINDS:
        doc = extract_office(path, kind, office)
    else:
        doc = extract_text(path)
    kind = doc.format  # what the file turned out to be ("zip" was a Word document)
    declared = path.suffix.lower().lstrip(".")
    if declared and declared not in _NAMES.get(kind, (kind,)):
        doc.metadata.setdefault("warnings", []).append(
            f"the file is named .{declared} but is really {kind}; it was read as {kind}")
    return doc
