"""Which files an import reads: the files given, and the files found in the folders given.

Only regular files are read: a named pipe or a device (a link to /dev/zero) would block or
never end. Links are followed only while they stay inside the folders being imported (the
"import roots"), so a link planted in an archive folder cannot publish a file from elsewhere
(`ln -s /etc/shadow protokoll.txt`); `follow_links` lifts that. A folder reached twice (a
link loop) is walked once. What cannot be read gets a sentence saying why.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from minutes.core.paths import shown, shown_name
from minutes.extractors.detect import reason_not_read


@dataclass
class Found:
    """A file to import (with its stat), a path that could not be read (`error`), or a file that is not a
    document (`skipped`, the reason)."""

    path: str
    error: str | None = None
    st: os.stat_result | None = None
    skipped: str | None = None


def roots_of(paths: Iterable[str | os.PathLike]) -> tuple[str, ...]:
    """The real paths of the given files and folders: links found under them must lead inside one."""
    return tuple(sorted({os.path.realpath(os.path.abspath(os.fspath(p))) for p in paths}))


def inside(real: str, roots: tuple[str, ...]) -> bool:
    """Whether a real path is one of `roots` or lies under one."""
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def outside_error(path: str, real: str) -> str:
    return (f"{shown_name(path)} is a link to {shown(real)}, outside the folders being imported, and was not "
            "read; import that file by its own path, or pass --follow-links to follow such links.")


def kind_of(mode: int) -> str | None:
    """What a file that is not a regular file or a folder is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, words in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return words
    return "not a regular file"


def not_regular_error(path: str, kind: str) -> str:
    return f"{shown_name(path)} is {kind}, not a regular file, and was not read; only regular files are imported."


def discover(paths: Iterable[str | os.PathLike], follow_links: bool = False) -> Iterator[Found]:
    """Files under the given paths: files as given, folders walked recursively in name order."""
    paths = [os.fspath(p) for p in paths]
    roots = roots_of(p for p in paths if os.path.exists(p))
    seen: set[tuple[int, int]] = set()
    for given in paths:
        path = os.path.abspath(given)
        try:
            st = os.stat(path)
        except OSError as e:
            if os.path.islink(path):
                yield Found(path, f"{shown(given)} is a link that leads nowhere ({e.strerror}); check the path.")
            elif isinstance(e, FileNotFoundError):
                yield Found(path, f"{shown(given)} does not exist; check the path.")
            else:
                yield Found(path, f"{shown(given)} cannot be read ({e.strerror}); check the path.")
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path, roots, follow_links, seen)
        elif stat.S_ISREG(st.st_mode):
            yield Found(path, st=st)
        else:
            yield Found(path, not_regular_error(path, kind_of(st.st_mode)))


def _walk(top: str, roots: tuple[str, ...], follow_links: bool, seen: set[tuple[int, int]]) -> Iterator[Found]:
    """The files of a folder tree: each folder's files, then its sub-folders, all in name order."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen:  # a link loop, or a folder reached twice
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            yield Found(folder, f"the folder {shown(folder)} cannot be read ({e.strerror}); ask for read access.")
            continue
        subfolders = []
        for entry in entries:
            found = _entry(entry, roots, follow_links)
            if found == "folder":
                subfolders.append(entry.path)
            else:
                yield found
        stack.extend(reversed(subfolders))


def _entry(entry: os.DirEntry, roots: tuple[str, ...], follow_links: bool) -> Found | str:
    """What one folder entry is for the import: "folder", or a Found (to read, failed, or skipped)."""
    try:
        is_dir = entry.is_dir()
    except OSError:
        is_dir = False
    link = entry.is_symlink()
    if is_dir:
        if link and not follow_links:
            real = os.path.realpath(entry.path)
            if not inside(real, roots):
                return Found(entry.path, outside_error(entry.path, real))
        return "folder"
    try:
        st = entry.stat()
    except OSError as e:
        if link and (why := reason_not_read(Path(entry.path))):  # a link that leads nowhere
            return Found(entry.path, skipped=why)
        return Found(entry.path, f"{shown(entry.name)} cannot be read ({e.strerror}); check the path.")
    if link and not follow_links:
        real = os.path.realpath(entry.path)
        if not inside(real, roots):
            return Found(entry.path, outside_error(entry.path, real))
    kind = kind_of(st.st_mode)
    if kind:
        return Found(entry.path, not_regular_error(entry.path, kind))
    skipped = reason_not_read(Path(entry.path))  # checked last: it may read the head of a regular file
    return Found(entry.path, skipped=skipped) if skipped else Found(entry.path, st=st)
