"""/fil/<id>: the imported file itself, only while its bytes are the ones imported.

The path comes from the warehouse (never from the request), is opened without following a
symlink (O_NOFOLLOW), its sha256 must
match the stored one, and the content type comes from the format minutes detected: a PDF
or a .txt/.md text is shown in the browser, anything else (a .docx, an .html or .svg read as
text) is an attachment, so a file can never run as a page of this site.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from minutes.core.ids import is_document_id
from minutes.warehouse.queries import stored_file

from .security import FILE_POLICY, PDF_POLICY
from .site import Site

#: format -> (content type, shown inline when the file's name ends with one of these)
TYPES = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ()),
    "txt": ("text/plain; charset=utf-8", (".txt", ".md")),
    "text": ("text/plain; charset=utf-8", (".txt", ".md")),
}
GONE = "Filen finns inte längre där den importerades från, eller har ändrats sedan dess; importera den igen."


def _open_unchanged(path: str, sha256: str) -> int | None:
    """A descriptor of the file at `path` when it is no symlink and its bytes hash to `sha256`.

    The file itself must not be a symlink (O_NOFOLLOW); a folder on the way may be one (an
    archive share mounted through a link), since the bytes must hash to the stored sha256 anyway.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    h = hashlib.sha256()
    while chunk := os.read(fd, 1 << 20):
        h.update(chunk)
    if h.hexdigest() != sha256:
        os.close(fd)
        return None
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _chunks(fd: int):
    try:
        while chunk := os.read(fd, 1 << 16):
            yield chunk
    finally:
        os.close(fd)


async def original(site: Site, request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    stored = await site.read(stored_file, doc_id) if is_document_id(doc_id) else None
    if stored is None:
        raise HTTPException(404, "Det finns inget sådant dokument.")
    fd = _open_unchanged(stored["source_path"], stored["sha256"])
    if fd is None:
        raise HTTPException(404, GONE)
    name = Path(stored["source_path"]).name
    media, inline_suffixes = TYPES.get(stored["format"] or "", ("application/octet-stream", ()))
    inline = name.lower().endswith(inline_suffixes) if inline_suffixes else False
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; " \
                  f"filename*=UTF-8''{quote(name, safe='')}"
    policy = PDF_POLICY if inline and media == "application/pdf" else FILE_POLICY
    return StreamingResponse(_chunks(fd), media_type=media, headers={
        "Content-Disposition": disposition, "Content-Security-Policy": policy,
        "Content-Length": str(os.fstat(fd).st_size)})


