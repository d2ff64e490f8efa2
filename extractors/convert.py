"""Older word-processor files (.doc, .rtf, .odt) read through LibreOffice, then as Word .docx.

LibreOffice (`soffice --headless`) lays the file out and saves it as OpenDocument, which
records where each page ends (`text:soft-page-break`), then saves that as .docx, which the
.docx backend reads. Those page ends are carried into the .docx as Word's own page-break
marks, so every block keeps the page it is on, as in the original.

Each conversion runs under a time limit, in its own process group (killed whole when the
limit passes), with a LibreOffice profile private to its process and thread: two LibreOffice
processes sharing a profile hand their work to each other or refuse to start.
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from multiprocessing import util
from pathlib import Path

from lxml import etree

from minutes.core.document import Document

from .docx import extract_docx
from .errors import ExtractionError, MissingToolError

#: The formats read this way, by what `detect.sniff` calls them, with the names users know them by.
OFFICE_FORMATS = {"doc": "old Word (.doc)", "rtf": "RTF", "odt": "OpenDocument (.odt)"}
INSTALL_HINT = "install LibreOffice Writer (Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui)"

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
# A new profile would otherwise run LibreOffice's graphics self-test on every start (5 s): it runs
# when the profile has not recorded the version it last started, which headless runs never record.
_SEED_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>99.9</value></prop></item>
</oor:items>
"""


@dataclass(frozen=True)
class Converter:
    """The LibreOffice program and the seconds one conversion may take."""

    program: str = "soffice"
    timeout: float = 300.0

    def available(self) -> str | None:
        """The program's full path, or None when it is not installed."""
        return shutil.which(self.program)


def extract_office(path: Path, kind: str, converter: Converter | None) -> Document:
    """Read a .doc, .rtf or .odt file (`kind`) into a Document through LibreOffice and the .docx backend."""
    program = converter.available() if converter else None
    if program is None:
        raise MissingToolError(f"{path.name} is an {OFFICE_FORMATS[kind]} file, which minutes reads through "
                               f"LibreOffice; {INSTALL_HINT}, or save the file as .docx and import that.")
    with tempfile.TemporaryDirectory(prefix="minutes-convert-") as work:
        work_dir = Path(work)
        source = work_dir / f"document.{kind}"  # a plain name: LibreOffice names its output after its input
        try:
            os.symlink(os.path.abspath(path), source)
        except OSError:
            shutil.copyfile(path, source)
        odt = _convert(program, source, "odt", work_dir / "odt", path.name, converter.timeout)
        docx = _convert(program, odt, "docx", work_dir / "docx", path.name, converter.timeout)
        pages = carry_page_ends(odt, docx)
        doc = extract_docx(docx, name=path.name)
    doc.format = kind
    doc.page_count = pages or doc.page_count
    return doc


def _convert(program: str, source: Path, fmt: str, out_dir: Path, name: str, timeout: float) -> Path:
    """One LibreOffice conversion of `source` into `out_dir` as `fmt`; the converted file's path."""
    command = [program, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={_profile().as_uri()}", "--convert-to", fmt, "--outdir", str(out_dir),
               str(source)]
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _forget_profile()  # a killed LibreOffice may leave its profile locked
        raise ExtractionError(f"LibreOffice did not finish converting {name} within {timeout:g} s; open it in "
                              "Word or LibreOffice, save it as .docx and import that.") from None
    finally:
        if proc.poll() is None:  # the time limit passed, or the document's own limit interrupted the wait
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    target = out_dir / f"{source.stem}.{fmt}"
    if not target.exists():
        reason = next((ln.strip() for ln in reversed(err.decode("utf-8", "replace").splitlines())
                       if ln.strip() and "javaldx" not in ln), f"exit code {proc.returncode}")
        raise ExtractionError(f"LibreOffice could not read {name} ({reason[:160]}); check that the file opens in "
                              "Word or LibreOffice, save it as .docx and import that.")
    return target


def carry_page_ends(odt: Path, docx: Path) -> int | None:
    """Mark in `docx` the page ends LibreOffice recorded in `odt`; returns the number of pages.

    The two files hold the same paragraphs in the same order, give or take a few (footnotes,
    text boxes); they are matched by their text, and a page end before an OpenDocument
    paragraph becomes a `w:lastRenderedPageBreak` at the start of its .docx paragraph, the
    mark the .docx backend counts pages by. Page ends inside a table move to the first
    paragraph after it, since a table is one block on the page it starts.
    """
    with zipfile.ZipFile(odt) as z:
        odt_paragraphs = _odt_paragraphs(z.read("content.xml"))
        pages = _page_count(z.read("meta.xml")) if "meta.xml" in z.namelist() else None
    with zipfile.ZipFile(docx) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"], _PARSER)
    body = root.find(_W + "body")
    docx_paragraphs = list(body.iter(_W + "p"))
    matcher = difflib.SequenceMatcher(None, [text for text, _ in odt_paragraphs],
                                      [_docx_text(p) for p in docx_paragraphs], autojunk=False)
    breaks_before: dict[int, int] = {}
    pending = 0
    matched = {a: b for block in matcher.get_matching_blocks() for a, b in
               zip(range(block.a, block.a + block.size), range(block.b, block.b + block.size))}
    for i, (_, n) in enumerate(odt_paragraphs):
        pending += n
        if pending and i in matched:
            breaks_before[matched[i]] = pending
            pending = 0
    carried = 0
    for j, p in enumerate(docx_paragraphs):
        carried += breaks_before.get(j, 0)
        if carried and p.getparent() is not None and p.getparent().tag in (_W + "body", _W + "sdtContent"):
            run = etree.Element(_W + "r")
            for _ in range(carried):
                etree.SubElement(run, _W + "lastRenderedPageBreak")
            properties = p.find(_W + "pPr")
            p.insert(0 if properties is None else p.index(properties) + 1, run)
            carried = 0
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return pages


def _odt_paragraphs(content: bytes) -> list[tuple[str, int]]:
    """(text, soft page ends just before it) of every OpenDocument paragraph, in order."""
    out: list[tuple[str, int]] = []
    pending = 0
    root = etree.fromstring(content, _PARSER)
    for el in root.iter(f"{{{_TEXT}}}p", f"{{{_TEXT}}}h", f"{{{_TEXT}}}soft-page-break"):
        if el.tag.endswith("soft-page-break"):
            pending += 1
        else:
            out.append((_squash("".join(el.itertext())), pending))
            pending = 0
    return out


def _page_count(meta: bytes) -> int | None:
    """The page count LibreOffice recorded when it laid the document out (page ends it forces included)."""
    found = re.search(rb'meta:page-count="(\d+)"', meta)
    return int(found.group(1)) if found else None


def _docx_text(p) -> str:
    return _squash("".join(t.text or "" for t in p.iter(_W + "t")))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


_local = threading.local()


def _profile() -> Path:
    """This thread's LibreOffice profile folder, made on first use and removed when the process exits."""
    folder = getattr(_local, "profile", None)
    if folder is None or not folder.exists():
        folder = Path(tempfile.mkdtemp(prefix="minutes-soffice-"))
        (folder / "user").mkdir()
        (folder / "user" / "registrymodifications.xcu").write_text(_SEED_PROFILE, encoding="utf-8")
        util.Finalize(None, shutil.rmtree, args=(str(folder),), kwargs={"ignore_errors": True}, exitpriority=0)
        _local.profile = folder
    return folder


def _forget_profile() -> None:
    """Drop this thread's profile (after a killed conversion); the next conversion makes a new one."""
    folder = getattr(_local, "profile", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        _local.profile = None
