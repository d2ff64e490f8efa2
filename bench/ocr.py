"""OCR benchmark: seconds per page for plain tesseract and for minutes' OCR, on the same pages.

    make bench-ocr                 (BENCH_SCALE=1 by default; 0.5 for a quick run)

Baselines: `tesseract page.png stdout -l swe` one page after another, with Tesseract's own
threading and with OMP_THREAD_LIMIT=1. minutes: render, line removal, Tesseract and layout,
with 1 and 2 pages in parallel. Every figure is the median of several repeats.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench import median_time  # noqa: E402
from bench.corpus import write_corpus  # noqa: E402


def main() -> None:
    import pypdfium2 as pdfium

    from minutes.extractors.ocr import OcrEngine, prepare_scan, tesseract_problem

    problem = tesseract_problem()
    if problem:
        sys.exit(f"{problem}; install tesseract-ocr tesseract-ocr-swe to run this benchmark.")
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    pages_wanted = max(2, round(6 * scale))
    repeats = 3 if scale >= 1 else 2
    work = Path(os.environ.get("BENCH_DIR", ROOT / "bench-out")) / "ocr"
    pdf_path = write_corpus(work, 1, "scan.pdf", pages=pages_wanted)[0]
    n_pages = len(pdfium.PdfDocument(str(pdf_path)))
    engine_dpi = 300
    with tempfile.TemporaryDirectory() as tmp:
        pngs = []
        doc = pdfium.PdfDocument(str(pdf_path))
        for i in range(n_pages):
            img, _, _ = prepare_scan(doc[i].render(scale=engine_dpi / 72, grayscale=True).to_pil(), engine_dpi)
            p = Path(tmp) / f"p{i}.png"
            img.save(p)
            pngs.append(p)

        def plain(limit: bool):
            env = dict(os.environ)
            if limit:
                env["OMP_THREAD_LIMIT"] = "1"
            else:
                env.pop("OMP_THREAD_LIMIT", None)
            for p in pngs:
                subprocess.run(["tesseract", str(p), "stdout", "-l", "swe"], capture_output=True, env=env, check=True)

        rows = [("tesseract, default threads, 1 page at a time", median_time(lambda: plain(False), repeats)),
                ("tesseract, OMP_THREAD_LIMIT=1, 1 page at a time", median_time(lambda: plain(True), repeats))]
        for workers in (1, 2):
            engine = OcrEngine(dpi=engine_dpi, workers=workers)
            rows.append((f"minutes OCR, {workers} page{'s' if workers > 1 else ''} in parallel (render+OCR+layout)",
                         median_time(lambda: engine.read_pages(pdf_path, list(range(n_pages))), repeats)))
    base = rows[0][1] / n_pages
    print(f"OCR benchmark: {n_pages} scanned A4 pages at {engine_dpi} dpi, median of {repeats} runs, "
          f"{os.cpu_count()} cores")
    print(f"{'':62}{'s/page':>8}{'pages/s':>9}{'vs first':>10}")
    for name, secs in rows:
        per = secs / n_pages
        print(f"{name:62}{per:8.2f}{1 / per:9.2f}{base / per:9.2f}x")


if __name__ == "__main__":
    main()
