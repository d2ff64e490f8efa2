"""The shape of a folder of PDF minutes, per page: what the generated benchmark corpus is calibrated to.

    .venv/bin/python bench/calibrate.py FOLDER [FOLDER ...]

Reads every born-digital PDF (one with a text layer on every page) with minutes' own PDF
reader and prints, per page: characters, text blocks, headings, list items, table rows and
table cells; and per document: pages and attendees found. Run it on real minutes and on
bench-out/real-layout-* (bench/corpus.py: real_layout) to compare the two.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def shape(paths: list[Path]) -> dict[str, float]:
    from minutes.extractors import ExtractionError, extract
    from minutes.rules import analyse

    pages = chars = blocks = headings = items = rows = cells = attendees = docs = 0
    for p in paths:
        try:
            doc = extract(p)  # no OCR: a scanned page refuses the file
        except ExtractionError:
            continue
        docs += 1
        pages += doc.page_count or 1
        for b in doc.blocks:
            blocks += 1
            chars += len(b.text) + sum(len(c) for r in b.rows or [] for c in r)
            headings += b.kind == "heading"
            items += b.kind == "list_item"
            rows += len(b.rows or [])
            cells += sum(1 for r in b.rows or [] for c in r if c.strip())
        attendees += len(analyse(doc, p.name).attendees)
    per = max(pages, 1)
    return {"documents": docs, "pages": pages, "pages per document": pages / max(docs, 1),
            "characters per page": chars / per, "blocks per page": blocks / per, "headings per page": headings / per,
            "list items per page": items / per, "table rows per page": rows / per,
            "table cells per page": cells / per, "attendees per document": attendees / max(docs, 1)}


def main() -> None:
    paths = [p for folder in sys.argv[1:] for p in sorted(Path(folder).glob("*.pdf"))]
    for name, value in shape(paths).items():
        print(f"{name:24} {value:8.1f}")


if __name__ == "__main__":
    main()
