"""Unpacking the parts of a zip package (a .docx) without trusting what its directory says.

A zip's directory states each part's size and compression; a zip bomb states small sizes for
parts that unpack to gigabytes, or packs them with bzip2, whose ratio has no practical bound.
`check_sizes` refuses such packages from the directory alone, and `unpack` reads a part a
megabyte at a time, so memory stays bounded even when the directory lies in a way not caught.
"""
from __future__ import annotations

import zipfile

from .errors import ExtractionError

#: Refuse documents whose XML would unpack to more than this (zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: Word stores its parts uncompressed or deflated; other methods (bzip2: 4 GB from 37 kB) are refused.
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


def check_sizes(z: zipfile.ZipFile, name: str) -> None:
    """Refuse a package that would unpack to too much, says less than it holds, or uses a method Word never does.

    The sizes come from the zip's directory, which a zip bomb fills with small numbers; deflate
    cannot make data larger than about a thousandth, so a part whose packed bytes outnumber
    what it claims to unpack to is lying. Parts are then unpacked in bounded steps (`unpack`).
    """
    total = sum(i.file_size for i in z.infolist())
    if total > MAX_UNPACKED_BYTES:
        raise ExtractionError(
            f"{name} would unpack to {total // 2**20} MB, more than the {MAX_UNPACKED_BYTES // 2**20} MB "
            "allowed for a Word file; check that it is a real document.")
    for info in z.infolist():
        if info.compress_type not in _METHODS:
            raise ExtractionError(
                f"{name} packs {info.filename} with a compression method Word never uses (number "
                f"{info.compress_type}), which could unpack to more than the {MAX_UNPACKED_BYTES // 2**20} MB allowed; "
                "save it again from Word.")
        if info.compress_size > info.file_size + info.file_size // 1000 + 1024:
            raise ExtractionError(
                f"{name} holds {info.compress_size:,} packed bytes in {info.filename} but claims it unpacks to "
                f"only {info.file_size:,}, more than deflate ever adds: a zip bomb, not read; check the file.")


def unpack(z: zipfile.ZipFile, member: str | zipfile.ZipInfo) -> bytes:
    """A part's bytes, unpacked a megabyte at a time, never more than MAX_UNPACKED_BYTES."""
    out = bytearray()
    with z.open(member) as f:
        while chunk := f.read(1 << 20):
            out += chunk
            if len(out) > MAX_UNPACKED_BYTES:
                raise zipfile.BadZipFile(f"{f.name} unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
    return bytes(out)
