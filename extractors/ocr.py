"""OCR backend: scanned PDF pages read by Tesseract (Swedish), laid out like any other page.

Pages are rendered by pdfium one at a time (pdfium is not thread-safe: see pdfium_lock) and read by
`tesseract -l swe` in parallel subprocesses, each limited to one thread
(`OMP_THREAD_LIMIT=1`, much faster than Tesseract's own threading on few cores). Tesseract's
word boxes go through the same layout step as born-digital text, so a scanned attendee table
still comes out as rows.
"""
from __future__ import annotations

import concurrent.futures as cf
import csv
import io
import logging
import math
import os
import shutil
import subprocess
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium

from minutes.core.document import Block

from .errors import ExtractionError, MissingToolError
from .layout import page_blocks
from .lines import Rule, Segment
from .pdfium_lock import PDFIUM_LOCK
from .textutil import clean

log = logging.getLogger(__name__)

INSTALL_HINT = "install tesseract-ocr tesseract-ocr-swe (for example `sudo apt-get install tesseract-ocr tesseract-ocr-swe`)"
#: The least resolution a page too large for the pixel limit is rendered at; below it OCR reads nothing useful.
MIN_DPI = 150
_JUNK = set("|¦_—–-=~•.,:;'\"`´")  # table rules and specks read as characters


@lru_cache(maxsize=4)
def tesseract_problem(binary: str = "tesseract", lang: str = "swe") -> str | None:
    """None when Tesseract with `lang` can run here, else what is missing."""
    exe = shutil.which(binary)
    if exe is None:
        return "Tesseract is not installed"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"Tesseract could not be run ({e})"
    langs = {ln.strip() for ln in (out.stdout + out.stderr).splitlines()}
    if lang not in langs:
        return f"Tesseract has no '{lang}' language data"
    return None


class OcrEngine:
    """Reads scanned pages of a PDF with Tesseract."""

    def __init__(self, lang: str = "swe", dpi: int = 300, workers: int | None = None,
                 binary: str = "tesseract", timeout: float = 300.0, max_megapixels: int = 40) -> None:
        self.lang = lang
        self.dpi = dpi
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.binary = binary
        self.timeout = timeout
        self.max_pixels = max_megapixels * 1_000_000

    def read_pages(self, path: Path, indices: list[int]) -> tuple[list[Block], float]:
        """Blocks of the given (0-based) pages, and the seconds spent."""
        sizes, dpis = self._dpis(path, indices)  # a page too large is refused first, with or without Tesseract
        problem = tesseract_problem(self.binary, self.lang)
        if problem:
            raise MissingToolError(
                f"{path.name} needs Tesseract with Swedish to read its {len(indices)} scanned page(s) "
                f"({problem}); {INSTALL_HINT} and import it again.")
        t0 = time.perf_counter()
        blocks: list[Block] = []
        with tempfile.TemporaryDirectory(prefix="minutes-ocr-") as tmp:
            images = self._render(path, sizes, dpis, Path(tmp))
            with cf.ThreadPoolExecutor(max_workers=self.workers) as pool:
                results = pool.map(self._tesseract, [img for img, *_ in images])
                for (img, (w, h), index, rules, angle, dpi), tsv in zip(images, results):
                    words = words_from_tsv(tsv, dpi)
                    deskew(words, rules, angle)
                    blocks.extend(page_blocks(words, rules, index + 1, w, size_tolerance=0.2))
        return blocks, time.perf_counter() - t0

    def _render(self, path: Path, sizes: dict, dpis: dict, tmp: Path) -> list[tuple]:
        """Render, clean and save each page at its dpi: (image path, page size, index, ruling lines, skew, dpi)."""
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(path))
        out = []
        try:
            for i in sizes:
                with PDFIUM_LOCK:  # only while pdfium works; cleaning the image needs no lock
                    page = pdf[i]
                    img = page.render(scale=dpis[i] / 72, grayscale=True).to_pil()
                    page.close()
                img, rules, angle = prepare_scan(img, dpis[i])
                target = tmp / f"page-{i:05d}.pgm"  # uncompressed: much faster to write than PNG
                img.save(target)
                out.append((target, sizes[i], i, rules, angle, dpis[i]))
        finally:
            with PDFIUM_LOCK:
                pdf.close()
        return out

    def _dpis(self, path: Path, indices: list[int]) -> tuple[dict, dict]:
        """Each page's size (points) and the dpi it is rendered at (see `page_dpi`), before any is rendered.

        A page whose image at our dpi would be larger than `max_pixels` is rendered at a lower
        dpi, down to MIN_DPI; a page too large even then refuses the file (a 200-inch page
        would need gigabytes).
        """
        sizes = {}
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(path))
            try:
                for i in indices:
                    page = pdf[i]
                    sizes[i] = page.get_size()
                    page.close()
            finally:
                pdf.close()
        return sizes, {i: self.page_dpi(path, i, *sizes[i]) for i in indices}

    def page_dpi(self, path: Path, index: int, width: float, height: float) -> int:
        """The dpi a page (size in points) is rendered at: ours, or less for a page too large for `max_pixels`."""
        inches = max(width, 1.0) / 72 * max(height, 1.0) / 72
        dpi = min(self.dpi, int(math.sqrt(self.max_pixels / inches)))
        if dpi < min(MIN_DPI, self.dpi):
            raise ExtractionError(
                f"{path.name} has a scanned page of {width / 72 * 2.54:.0f} x {height / 72 * 2.54:.0f} cm (page "
                f"{index + 1}), too large to read: at {min(MIN_DPI, self.dpi)} dpi its image would be "
                f"{inches * min(MIN_DPI, self.dpi) ** 2 / 1e6:,.0f} megapixels, more than the "
                f"{self.max_pixels / 1e6:g} allowed (--ocr-max-megapixels).")
        return dpi

    def _tesseract(self, image: Path) -> str:
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        try:
            res = subprocess.run([self.binary, str(image), "stdout", "-l", self.lang, "--psm", "3", "tsv"],
                                 capture_output=True, text=True, timeout=self.timeout, env=env)
        except subprocess.TimeoutExpired:
            log.warning("tesseract timed out on %s", image.name)
            return ""
        if res.returncode != 0:
            log.warning("tesseract failed on %s: %s", image.name, res.stderr.strip()[:200])
        return res.stdout


def prepare_scan(img, dpi: int):
    """Find a scanned page's ruling lines and skew, and erase the lines so Tesseract reads the cells.

    Returns the cleaned image (not rotated: resampling would blur the letters), the lines as
    layout Rules in points, and the skew in degrees. Words and lines are straightened
    afterwards by `deskew`, in coordinates only.
    """
    import numpy as np
    from PIL import Image

    angle = _skew_angle(img)
    a = np.asarray(img)
    dark = a < 140
    # find lines at half resolution: a pixel is dark if any of its 2x2 block is (thin lines survive)
    h, w = (dark.shape[0] // 2) * 2, (dark.shape[1] // 2) * 2
    small = dark[:h:2, :w:2] | dark[1:h:2, :w:2] | dark[:h:2, 1:w:2] | dark[1:h:2, 1:w:2]
    k = 72.0 / (dpi / 2)
    min_len = int(dpi / 2 * 0.6)  # a ruling line is at least 0.6 inch long
    rules: list[Rule] = []
    for axis in (1, 0):  # 1: horizontal lines (runs along a row), 0: vertical
        rules.extend(_rules_from_mask(_long_runs(small, min_len, axis), axis, k))
    if rules:
        # erase at full resolution, only where pixels lie on a long run within each line's band:
        # letters touching a line keep their shape
        a = a.copy()
        px = dpi / 72.0
        full_len = int(dpi * 0.6)
        for r in rules:
            y0, y1 = max(0, int(r.top * px) - 6), int(r.bottom * px) + 7
            x0, x1 = max(0, int(r.x0 * px) - 6), int(r.x1 * px) + 7
            sub = dark[y0:y1, x0:x1]
            axis = 1 if r.horizontal else 0
            length = min(full_len, sub.shape[axis] - 1)
            if length < 10:
                continue
            runs = _long_runs(sub, length, axis)
            for shift in (1, 2):  # and the line's grey, antialiased edges
                runs = runs | np.roll(runs, shift, 1 - axis) | np.roll(runs, -shift, 1 - axis)
            a[y0:y1, x0:x1][runs & (a[y0:y1, x0:x1] < 220)] = 255
        img = Image.fromarray(a)
    return img, rules, angle


def deskew(segments: list[Segment], rules: list[Rule], angle: float) -> None:
    """Straighten coordinates of a page scanned `angle` degrees askew (small angles), in place."""
    t = math.tan(math.radians(angle))
    if abs(t) < 1e-4:
        return
    for s in segments:
        cx, cy = (s.x0 + s.x1) / 2, (s.top + s.bottom) / 2
        dy, dx = -cx * t, cy * t
        s.top, s.bottom, s.x0, s.x1 = s.top + dy, s.bottom + dy, s.x0 + dx, s.x1 + dx
    for r in rules:
        cx, cy = (r.x0 + r.x1) / 2, (r.top + r.bottom) / 2
        if r.horizontal:  # a sloped line's box is a few points tall: flatten it at its centre
            y = cy - cx * t
            r.top, r.bottom, r.x0, r.x1 = y - 0.5, y + 0.5, r.x0 + cy * t, r.x1 + cy * t
        else:
            x = cx + cy * t
            r.x0, r.x1, r.top, r.bottom = x - 0.5, x + 0.5, r.top - cx * t, r.bottom - cx * t


def _skew_angle(img) -> float:
    """The page's rotation in degrees, from the sharpest horizontal projection profile (±1.5°)."""
    import numpy as np
    from PIL import Image

    small = img.reduce(4) if min(img.size) > 1200 else img
    base = small.point(lambda v: 255 if v < 140 else 0)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-1.5, 1.51, 0.1):
        rot = base.rotate(float(angle), resample=Image.NEAREST, fillcolor=0)
        rows = np.asarray(rot, dtype=np.float32).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def _long_runs(dark, min_len: int, axis: int):
    """Pixels on straight dark runs at least `min_len` long along `axis` (1 = rows, 0 = columns)."""
    import numpy as np

    d = dark if axis == 1 else dark.T
    # a line scanned slightly askew drifts a pixel or two across: let each run wander that much
    d = d | np.roll(d, 1, 0) | np.roll(d, -1, 0) | np.roll(d, 2, 0) | np.roll(d, -2, 0)
    c = np.cumsum(d, axis=1, dtype=np.int32)
    c = np.concatenate([np.zeros((d.shape[0], 1), np.int32), c], axis=1)
    full = (c[:, min_len:] - c[:, :-min_len]) == min_len  # the window starting here is all dark
    mask = np.zeros_like(d)
    if full.any():
        # every pixel covered by some all-dark window: spread window starts over min_len pixels
        starts = np.concatenate([full.astype(np.int32), np.zeros((d.shape[0], min_len), np.int32)], axis=1)
        cover = np.cumsum(starts, axis=1)
        cover[:, min_len:] -= cover[:, :-min_len].copy()
        mask = cover[:, :d.shape[1]] > 0
    return mask if axis == 1 else mask.T


def _rules_from_mask(mask, axis: int, k: float) -> list[Rule]:
    """Merge masked pixels into line segments, as layout Rules in points."""
    import numpy as np

    out: list[Rule] = []
    lines = mask if axis == 1 else mask.T
    rows = np.flatnonzero(lines.any(axis=1))
    if rows.size == 0:
        return out
    groups = np.split(rows, np.flatnonzero(np.diff(rows) > 2) + 1)  # a line is a few pixels thick
    for g in groups:
        cols = np.flatnonzero(lines[g].any(axis=0))
        for seg in np.split(cols, np.flatnonzero(np.diff(cols) > 3) + 1):
            if seg.size == 0:
                continue
            a0, a1, b0, b1 = seg[0], seg[-1] + 1, g[0], g[-1] + 1
            if axis == 1:
                out.append(Rule(a0 * k, b0 * k, a1 * k, b1 * k))
            else:
                out.append(Rule(b0 * k, a0 * k, b1 * k, a1 * k))
    return out


def words_from_tsv(tsv: str, dpi: int) -> list[Segment]:
    """Tesseract's word boxes (pixels) as layout segments (points, top-down).

    A word's size is the upper quartile of the word heights in its Tesseract paragraph:
    steadier than its own box (words without ascenders are short), its line's (a short line
    may hold no tall letter) or a line box (which takes in accents).
    """
    k = 72.0 / dpi
    words: list[tuple[tuple, str, int, int, int, int]] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5":
            continue
        text = clean(row.get("text") or "").strip()
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            conf = -1
        if not text or conf < 0 or all(c in _JUNK for c in text):
            continue
        key = (row.get("page_num"), row.get("block_num"), row.get("par_num"))
        words.append((key, text, *(int(row[c]) for c in ("left", "top", "width", "height"))))
    heights: dict[tuple, list[int]] = {}
    for key, _, _, _, _, h in words:
        heights.setdefault(key, []).append(h)
    size_of = {key: sorted(hs)[int(len(hs) * 0.75)] * k * 0.8 for key, hs in heights.items()}
    return [Segment(text, x * k, y * k, (x + w) * k, (y + h) * k, size=round(size_of[key] * 2) / 2)
            for key, text, x, y, w, h in words]
