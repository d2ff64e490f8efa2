"""File paths as the warehouse stores and shows them, and back.

A file name may hold any bytes but "/" and NUL: bytes that are not UTF-8 (a name written on
an old Windows share) and control characters (a newline, an escape sequence). Python hands
such bytes over as lone surrogates, which neither DuckDB nor a terminal accepts. So a path
is stored with each such byte (and each control character, C1 ones included) written as
`\\xNN`, one per byte of the name; every other character stays as it is, so
an ordinary path is stored unchanged. A backslash that would read as such an escape is
written as `\\x5c`, so that `real(shown(p)) == p` for every path.
"""
from __future__ import annotations

import os
import re

_UNSAFE = re.compile(r"[\udc80-\udcff\x00-\x1f\x7f-\x9f]|\\(?=x[0-9a-fA-F]{2})")
_ESCAPE = re.compile(rb"\\x([0-9a-fA-F]{2})")


def _escape(m: re.Match) -> str:
    ch = m.group(0)
    data = os.fsencode(ch) if "\udc80" <= ch <= "\udcff" else ch.encode("utf-8")
    return "".join(f"\\x{b:02x}" for b in data)


def shown(path: str | os.PathLike) -> str:
    """The path as stored and shown: printable UTF-8, with unsafe bytes written as \\xNN."""
    return _UNSAFE.sub(_escape, os.fspath(path))


def real(stored: str) -> str:
    """The path on disk for a stored path (the inverse of `shown`)."""
    if "\\x" not in stored:
        return stored
    return os.fsdecode(_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), stored.encode("utf-8")))


def shown_name(path: str | os.PathLike) -> str:
    """The file name of a path, as shown."""
    return shown(os.path.basename(os.fspath(path)))


_UNPRINTABLE = re.compile(r"[\udc80-\udcff\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """A sentence safe to store and print: bytes a file name brought in written as \\xNN (idempotent)."""
    return _UNPRINTABLE.sub(_escape, text)
